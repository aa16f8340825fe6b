//! Opsgenie: deploys are locked while an alert matches a query (Alert API,
//! `GET /v2/alerts`, documented at
//! <https://docs.opsgenie.com/docs/alert-api#list-alerts>), by default
//! `status:open AND priority:(P1 OR P2)`. Pages of 100 are followed through
//! `paging.next` (same host only, at most 10). Auth: `Authorization:
//! GenieKey <key>`.
//!
//! ```yaml
//! - type: opsgenie
//!   api_key_env: OPSGENIE_KEY
//!   query: "status:open AND priority:(P1 OR P2) AND tag:shop"
//!   # api_url: https://api.eu.opsgenie.com    # EU accounts
//! ```

use super::api::{self, Incident, JsonApi, MAX_PAGES};
use super::source::{LockKind, LockSource, Reading, Setup};
use super::LockState;
use crate::encode::encode_query_value;
use crate::http::Deadline;
use crate::input::ConfigError;

const DEFAULT_QUERY: &str = "status:open AND priority:(P1 OR P2)";

/// `type: opsgenie`.
pub struct Opsgenie;

impl LockKind for Opsgenie {
    fn incident(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "opsgenie"
    }
    fn keys(&self) -> &'static [&'static str] {
        &["api_key_env", "query", "api_url"]
    }
    fn configure(&self, s: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError> {
        let var = s.keys.require(
            "api_key_env",
            "an `opsgenie` source needs `api_key_env` (the variable holding an API key)",
        )?;
        let key = s.ctx.secret(&var.value, "the Opsgenie API key")
            .map_err(|m| s.keys.error(&var.referenced, "api_key_env", m))?;
        let query = s
            .keys
            .string("query")?
            .map_or_else(|| DEFAULT_QUERY.to_string(), |q| q.value);
        let base = s
            .keys
            .string("api_url")?
            .map_or_else(|| "https://api.opsgenie.com".to_string(), |u| u.value);
        crate::http::check_url(&base).map_err(|m| s.keys.here(m))?;
        Ok(Box::new(OpsgenieSource {
            name: s.name_or("opsgenie", "alerts"),
            base: base.trim_end_matches('/').to_string(),
            query,
            api: JsonApi::new(s.policy).with_auth(
                "Authorization",
                format!("GenieKey {}", key.expose()),
                &key,
            ),
        }))
    }
}

pub struct OpsgenieSource {
    name: String,
    base: String,
    query: String,
    api: JsonApi,
}

impl LockSource for OpsgenieSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "opsgenie"
    }
    fn read(&self, deadline: Deadline) -> Reading {
        let mut url = format!(
            "{}/v2/alerts?query={}&limit=100&offset=0&sort=createdAt&order=asc",
            self.base,
            encode_query_value(&self.query)
        );
        let mut alerts = Vec::new();
        let mut attempts = 0;
        for _ in 0..MAX_PAGES {
            let (page, tries) = match self.api.get(&url, deadline) {
                Ok(p) => p,
                Err(cause) => {
                    return Reading {
                        attempts: attempts + 1,
                        ..Reading::once(LockState::unavailable(cause))
                    };
                }
            };
            attempts += tries;
            let Some(items) = page.get("data").and_then(|d| d.as_array()) else {
                return Reading::once(LockState::unavailable(crate::failure::Failure::BadAnswer(
                    "Opsgenie answered without `data`".into(),
                )));
            };
            for a in items {
                alerts.push(Incident {
                    id: api::text(a, "/tinyId")
                        .map(|t| format!("#{t}"))
                        .or_else(|| api::text(a, "/id"))
                        .unwrap_or_default(),
                    title: api::text(a, "/message").unwrap_or_default(),
                    link: None,
                    since: api::time(a, "/createdAt"),
                    level: api::text(a, "/priority"),
                });
            }
            // Follow `next` on the same API only (never send the key elsewhere).
            match api::text(&page, "/paging/next") {
                Some(next) if !items.is_empty() && next.starts_with(&format!("{}/", self.base)) => url = next,
                _ => break,
            }
        }
        Reading {
            attempts,
            ..Reading::once(api::lock_state("Opsgenie", alerts, &self.api.secrets))
        }
    }
}

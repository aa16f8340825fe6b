//! PagerDuty: deploys are locked while an incident is triggered or
//! acknowledged (REST API v2, `GET /incidents`, documented at
//! <https://developer.pagerduty.com/api-reference/9d0b4b12e36f9-list-incidents>),
//! optionally only on some services and of some urgency. Pages of 100 are
//! followed while `more` is true (at most 10). Auth: `Authorization: Token
//! token=<key>`.
//!
//! ```yaml
//! - type: pagerduty
//!   token_env: PAGERDUTY_TOKEN        # a REST API key (read-only is enough)
//!   services: [PX1ABCD, PX2EFGH]      # default: every service
//!   urgency: high                     # high or low; default: both
//!   # api_url: https://api.pagerduty.com
//! ```

use super::api::{self, Incident, JsonApi, MAX_PAGES};
use super::source::{LockKind, LockSource, Reading, Setup};
use super::LockState;
use crate::encode::encode_query_value;
use crate::http::Deadline;
use crate::input::ConfigError;

/// `type: pagerduty`.
pub struct PagerDuty;

impl LockKind for PagerDuty {
    fn incident(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "pagerduty"
    }
    fn keys(&self) -> &'static [&'static str] {
        &["token_env", "services", "urgency", "api_url"]
    }
    fn configure(&self, s: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError> {
        let var = s.keys.require("token_env", "a `pagerduty` source needs `token_env` (the variable holding a REST API key)")?;
        let key = s.ctx.secret(&var.value, "the PagerDuty REST API key")
            .map_err(|m| s.keys.error(&var.referenced, "token_env", m))?;
        let services: Vec<String> = s.keys.take::<Vec<String>>("services")?.map(|v| v.value).unwrap_or_default();
        let urgency = match s.keys.string("urgency")? {
            None => None,
            Some(u) if matches!(u.value.as_str(), "high" | "low") => Some(u.value),
            Some(u) => {
                return Err(s.keys.error(&u.referenced, "urgency", format!("`{}` is not an urgency: high or low", u.value)));
            }
        };
        let base = s
            .keys
            .string("api_url")?
            .map_or_else(|| "https://api.pagerduty.com".to_string(), |u| u.value);
        crate::http::check_url(&base).map_err(|m| s.keys.here(m))?;
        let api = JsonApi::new(s.policy).with_auth("Authorization", format!("Token token={}", key.expose()), &key);
        let mut api = api;
        api.headers.push(("Accept".into(), "application/vnd.pagerduty+json;version=2".into()));
        Ok(Box::new(PagerDutySource {
            name: s.name_or("pagerduty", "incidents"),
            base: base.trim_end_matches('/').to_string(),
            services,
            urgency,
            api,
        }))
    }
}

pub struct PagerDutySource {
    name: String,
    base: String,
    services: Vec<String>,
    urgency: Option<String>,
    api: JsonApi,
}

impl PagerDutySource {
    fn url(&self, offset: usize) -> String {
        let mut q = vec![
            "statuses[]=triggered".to_string(),
            "statuses[]=acknowledged".to_string(),
            "limit=100".to_string(),
            format!("offset={offset}"),
        ];
        q.extend(self.services.iter().map(|s| format!("service_ids[]={}", encode_query_value(s))));
        if let Some(u) = &self.urgency {
            q.push(format!("urgencies[]={u}"));
        }
        format!("{}/incidents?{}", self.base, q.join("&"))
    }
}

impl LockSource for PagerDutySource {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "pagerduty"
    }
    fn read(&self, deadline: Deadline) -> Reading {
        let mut incidents = Vec::new();
        let mut attempts = 0;
        let mut offset = 0;
        for _ in 0..MAX_PAGES {
            let (page, tries) = match self.api.get(&self.url(offset), deadline) {
                Ok(p) => p,
                Err(cause) => {
                    return Reading {
                        attempts: attempts + 1,
                        ..Reading::once(LockState::unavailable(cause))
                    };
                }
            };
            attempts += tries;
            let items = page.get("incidents").and_then(|v| v.as_array());
            let Some(items) = items else {
                return Reading::once(LockState::unavailable(crate::failure::Failure::BadAnswer(
                    "PagerDuty answered without `incidents`".into(),
                )));
            };
            for i in items {
                incidents.push(Incident {
                    id: api::text(i, "/incident_number").map_or_else(
                        || api::text(i, "/id").unwrap_or_default(),
                        |n| format!("#{n}"),
                    ),
                    title: api::text(i, "/title").unwrap_or_default(),
                    link: api::text(i, "/html_url"),
                    since: api::time(i, "/created_at"),
                    level: api::text(i, "/urgency"),
                });
            }
            if page.get("more").and_then(|m| m.as_bool()) != Some(true) || items.is_empty() {
                break;
            }
            offset += items.len();
        }
        Reading {
            attempts,
            ..Reading::once(api::lock_state("PagerDuty", incidents, &self.api.secrets))
        }
    }
}

//! Statuspage: deploys are locked while the status page says things are
//! bad.
//!
//! - The public status API of any page (`GET <url>/api/v2/summary.json`,
//!   documented at <https://metastatuspage.com/api#summary>): locked when
//!   the page's `status.indicator` is at or above `level` (`none` < `minor`
//!   < `major` < `critical`), or when one of `components` is not
//!   `operational`. The reason names the page's unresolved incidents.
//! - The manage API (`GET <api_url>/v1/pages/<page_id>/incidents/unresolved`,
//!   documented at
//!   <https://developer.statuspage.io/#operation/getPagesPageIdIncidentsUnresolved>,
//!   `Authorization: OAuth <key>`): locked while an unresolved incident's
//!   `impact` is at or above `level`.
//!
//! ```yaml
//! - type: statuspage
//!   url: https://status.example.com       # the public page
//!   level: major                          # default major
//!   components: [API, Checkout]           # locked when any is not operational
//! - type: statuspage
//!   page_id: kctbh9vrtdwd
//!   api_key_env: STATUSPAGE_API_KEY
//!   level: minor
//! ```

use serde_json::Value;

use super::api::{self, Incident, JsonApi};
use super::source::{LockKind, LockSource, Reading, Setup};
use super::LockState;
use crate::failure::Failure;
use crate::http::Deadline;
use crate::input::ConfigError;

const LEVELS: [&str; 4] = ["none", "minor", "major", "critical"];

fn rank(level: &str) -> Option<usize> {
    LEVELS.iter().position(|l| *l == level)
}

/// `type: statuspage`.
pub struct Statuspage;

impl LockKind for Statuspage {
    fn incident(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "statuspage"
    }
    fn keys(&self) -> &'static [&'static str] {
        &["url", "level", "components", "page_id", "api_key_env", "api_url"]
    }
    fn configure(&self, s: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError> {
        let level = match s.keys.string("level")? {
            None => 2,
            Some(l) => match rank(&l.value) {
                Some(r) if r > 0 => r,
                _ => {
                    return Err(s.keys.error(
                        &l.referenced,
                        "level",
                        format!("`{}` is not a level: minor, major or critical", l.value),
                    ));
                }
            },
        };
        let page = s.keys.string("url")?;
        if let Some(p) = &page {
            crate::http::check_url(&p.value).map_err(|m| s.keys.error(&p.referenced, "url", m))?;
        }
        let components: Vec<String> = s
            .keys
            .take::<Vec<String>>("components")?
            .map(|c| c.value)
            .unwrap_or_default();
        let manage = match (s.keys.string("page_id")?, s.keys.string("api_key_env")?) {
            (Some(id), Some(var)) => {
                let key = s.ctx.secret(&var.value, "the Statuspage API key")
                    .map_err(|m| s.keys.error(&var.referenced, "api_key_env", m))?;
                let base = s
                    .keys
                    .string("api_url")?
                    .map_or_else(|| "https://api.statuspage.io".to_string(), |u| u.value);
                crate::http::check_url(&base).map_err(|m| s.keys.here(m))?;
                Some(Manage {
                    url: format!(
                        "{}/v1/pages/{}/incidents/unresolved",
                        base.trim_end_matches('/'),
                        crate::encode::encode_query_value(&id.value)
                    ),
                    api: JsonApi::new(s.policy).with_auth(
                        "Authorization",
                        format!("OAuth {}", key.expose()),
                        &key,
                    ),
                })
            }
            (None, None) => None,
            _ => {
                return Err(s.keys.here(
                    "the manage API needs both `page_id` and `api_key_env`".into(),
                ));
            }
        };
        if page.is_none() && manage.is_none() {
            return Err(s.keys.here(
                "a `statuspage` source needs `url` (the public page) or `page_id` and `api_key_env` (the manage API)".into(),
            ));
        }
        if !components.is_empty() && page.is_none() {
            return Err(s.keys.here("`components` are read from the public page: add `url`".into()));
        }
        let detail = page
            .as_ref()
            .map_or_else(|| "manage API".to_string(), |p| crate::http::authority(&p.value));
        Ok(Box::new(StatuspageSource {
            name: s.name_or("statuspage", &detail),
            summary: page.map(|p| format!("{}/api/v2/summary.json", p.value.trim_end_matches('/'))),
            public: JsonApi::new(s.policy),
            level,
            components,
            manage,
        }))
    }
}

struct Manage {
    url: String,
    api: JsonApi,
}

pub struct StatuspageSource {
    name: String,
    summary: Option<String>,
    public: JsonApi,
    level: usize,
    components: Vec<String>,
    manage: Option<Manage>,
}

/// An incident of the status page's shape (summary and manage API alike).
fn incident(i: &Value) -> Incident {
    Incident {
        id: api::text(i, "/id").unwrap_or_default(),
        title: api::text(i, "/name").unwrap_or_default(),
        link: api::text(i, "/shortlink"),
        since: api::time(i, "/started_at").or_else(|| api::time(i, "/created_at")),
        level: api::text(i, "/impact"),
    }
}

impl StatuspageSource {
    /// The public page: incidents to lock on, or none.
    fn public(&self, url: &str, deadline: Deadline) -> Result<(Vec<Incident>, u32), Failure> {
        let (page, attempts) = self.public.get(url, deadline)?;
        let indicator = api::text(&page, "/status/indicator").ok_or_else(|| {
            Failure::BadAnswer("the status page answered without `status.indicator`".into())
        })?;
        let mut out = Vec::new();
        let open: Vec<Incident> = page
            .get("incidents")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(incident).collect())
            .unwrap_or_default();
        if rank(&indicator).is_some_and(|r| r >= self.level) {
            let description = api::text(&page, "/status/description").unwrap_or_default();
            if open.is_empty() {
                out.push(Incident {
                    id: format!("status {indicator}"),
                    title: description,
                    link: api::text(&page, "/page/url"),
                    since: api::time(&page, "/page/updated_at"),
                    level: Some(indicator.clone()),
                });
            } else {
                out.extend(open.iter().cloned());
            }
        }
        for c in page.get("components").and_then(Value::as_array).into_iter().flatten() {
            let name = api::text(c, "/name").unwrap_or_default();
            let status = api::text(c, "/status").unwrap_or_default();
            if self.components.contains(&name) && status != "operational" {
                out.push(Incident {
                    id: format!("component {name}"),
                    title: status.replace('_', " "),
                    link: api::text(&page, "/page/url"),
                    since: api::time(c, "/updated_at"),
                    level: None,
                });
            }
        }
        let missing: Vec<&String> = self
            .components
            .iter()
            .filter(|want| {
                !page
                    .get("components")
                    .and_then(Value::as_array)
                    .is_some_and(|cs| cs.iter().any(|c| api::text(c, "/name").as_ref() == Some(*want)))
            })
            .collect();
        if let Some(m) = missing.first() {
            return Err(Failure::BadAnswer(format!(
                "the status page has no component `{m}`"
            )));
        }
        Ok((out, attempts))
    }

    fn unresolved(&self, m: &Manage, deadline: Deadline) -> Result<(Vec<Incident>, u32), Failure> {
        let (list, attempts) = m.api.get(&m.url, deadline)?;
        let items = list.as_array().ok_or_else(|| {
            Failure::BadAnswer("the manage API answered something other than a list of incidents".into())
        })?;
        Ok((
            items
                .iter()
                .map(incident)
                .filter(|i| i.level.as_deref().and_then(rank).is_some_and(|r| r >= self.level))
                .collect(),
            attempts,
        ))
    }
}

impl LockSource for StatuspageSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "statuspage"
    }
    fn read(&self, deadline: Deadline) -> Reading {
        let mut incidents = Vec::new();
        let mut attempts = 0;
        let mut secrets = self.public.secrets.clone();
        let mut parts: Vec<Result<(Vec<Incident>, u32), Failure>> = Vec::new();
        if let Some(url) = &self.summary {
            parts.push(self.public(url, deadline));
        }
        if let Some(m) = &self.manage {
            secrets.extend(&m.api.secrets);
            parts.push(self.unresolved(m, deadline));
        }
        for part in parts {
            match part {
                Ok((found, tries)) => {
                    incidents.extend(found);
                    attempts += tries;
                }
                Err(cause) => {
                    return Reading {
                        attempts: attempts.max(1),
                        ..Reading::once(LockState::unavailable(cause))
                    };
                }
            }
        }
        Reading {
            attempts,
            ..Reading::once(api::lock_state("Statuspage", incidents, &secrets))
        }
    }
}

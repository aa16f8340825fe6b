//! Notifications (`notify:` in the config): a Slack incoming webhook
//! (<https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks/>:
//! `POST {"text": ...}`, answered `ok`) or a generic JSON webhook, on the
//! events a team wants to hear about:
//!
//! | event | when |
//! |---|---|
//! | `no_go` | `gate`, `checks`, `compare` or `verify` said no-go (exit 1) |
//! | `lock` / `unlock` | `greenlight lock` / `unlock` wrote |
//! | `auto_lock` | a no-go locked by itself (`on_no_go: {lock: true}`) |
//! | `override` | a gate went through with `--override` or as a rollback |
//!
//! ```yaml
//! notify:
//!   - type: slack
//!     url_env: SLACK_WEBHOOK_URL     # the webhook URL is a secret: from a variable
//!   - type: webhook
//!     url_env: DEPLOY_EVENTS_URL
//!     on: [no_go, auto_lock]         # default: every event
//! ```
//!
//! The generic webhook gets `{"event", "command", "outcome", "exit_code",
//! "summary", "environment", "repository", "commit", "pipeline", "at",
//! "greenlight"}`. Every message carries the reason and the pipeline's
//! link; a failed one is a warning.

use serde::Serialize;
use serde_json::json;

use super::Publish;
use crate::http::{self, Deadline, Request};
use crate::result::{Body, RunResult};
use crate::secret::Secret;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    NoGo,
    Lock,
    Unlock,
    AutoLock,
    Override,
}

impl Event {
    pub const ALL: [Event; 5] = [
        Event::NoGo,
        Event::Lock,
        Event::Unlock,
        Event::AutoLock,
        Event::Override,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::NoGo => "no_go",
            Event::Lock => "lock",
            Event::Unlock => "unlock",
            Event::AutoLock => "auto_lock",
            Event::Override => "override",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Slack,
    Webhook,
}

#[derive(Debug)]
pub struct Target {
    pub kind: Kind,
    /// The URL, or why there is none (an unset variable: a warning when
    /// an event would be sent).
    pub url: Result<Secret, String>,
    /// Where it was configured, for messages (`notify[0]`).
    pub name: String,
    pub on: Vec<Event>,
}

/// The events this run is: a run may be several (a no-go that locked).
pub fn events(run: &RunResult) -> Vec<Event> {
    let mut out = Vec::new();
    let no_go = run.exit_code() == 1;
    match &run.body {
        Body::Gate(g) => {
            if no_go {
                out.push(Event::NoGo);
            }
            if g.bypass.as_ref().is_some_and(|b| !b.bypassed.is_empty()) {
                out.push(Event::Override);
            }
        }
        Body::Checks(_) if no_go => out.push(Event::NoGo),
        Body::Compare(c) => {
            if no_go {
                out.push(Event::NoGo);
            }
            if c.locked_after.as_ref().is_some_and(wrote) {
                out.push(Event::AutoLock);
            }
        }
        Body::Verify(v) => {
            if no_go {
                out.push(Event::NoGo);
            }
            if v.locked_after.as_ref().is_some_and(wrote) {
                out.push(Event::AutoLock);
            }
        }
        Body::Lock(l) if wrote(l) => out.push(Event::Lock),
        Body::Unlock(l) if wrote(l) => out.push(Event::Unlock),
        _ => {}
    }
    out
}

/// Whether a lock write did something everywhere it went.
fn wrote(l: &crate::lock::LockRun) -> bool {
    !l.results.is_empty() && l.code() == 0
}

/// Sends every target its events; returns the warnings.
pub fn send_all(p: &Publish, run: &RunResult, line: &str, deadline: Deadline) -> Vec<String> {
    let events = events(run);
    let mut warnings = Vec::new();
    for t in &p.notify {
        for e in events.iter().filter(|e| t.on.contains(e)) {
            let url = match &t.url {
                Ok(u) => u,
                Err(why) => {
                    warnings.push(format!(
                        "notification {} ({}) not sent: {why}",
                        t.name,
                        e.as_str()
                    ));
                    continue;
                }
            };
            let body = p
                .secrets
                .clean(&message(t.kind, *e, p, run, line).to_string());
            let mut req = Request::new("POST", url.expose());
            req.shown_as = Some(&t.name);
            req.json_body = Some(body);
            let failed = match http::send(&req, super::policy(), deadline) {
                Ok(r) if (200..300).contains(&r.status) => None,
                Ok(r) => Some(format!("HTTP {}: {}", r.status, http::excerpt(&r.body))),
                Err((e, _)) => Some(e.to_string()),
            };
            if let Some(why) = failed {
                warnings.push(format!(
                    "notification {} ({}) not sent: {why}",
                    t.name,
                    e.as_str()
                ));
            }
        }
    }
    warnings
}

/// Slack's `text` needs `&`, `<`, `>` escaped.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn message(
    kind: Kind,
    event: Event,
    p: &Publish,
    run: &RunResult,
    line: &str,
) -> serde_json::Value {
    match kind {
        Kind::Slack => {
            let mark = match event {
                Event::NoGo => ":red_circle:",
                Event::Lock | Event::AutoLock => ":lock:",
                Event::Unlock => ":unlock:",
                Event::Override => ":warning:",
            };
            let env = p
                .environment
                .as_deref()
                .map(|e| format!(" on *{}*", slack_escape(e)))
                .unwrap_or_default();
            let repo = p
                .pipeline
                .repo
                .as_deref()
                .map(|r| format!(" ({})", slack_escape(r)))
                .unwrap_or_default();
            let link = p
                .pipeline
                .link
                .as_deref()
                .map(|l| format!("\n<{l}|Open the pipeline>"))
                .unwrap_or_default();
            json!({
                "text": format!(
                    "{mark} greenlight {}{env}{repo}: {}{link}",
                    run.command(),
                    slack_escape(line)
                )
            })
        }
        Kind::Webhook => json!({
            "event": event.as_str(),
            "command": run.command(),
            "outcome": run.outcome(),
            "exit_code": run.exit_code(),
            "summary": line,
            "environment": p.environment,
            "repository": p.pipeline.repo,
            "commit": p.pipeline.commit,
            "pipeline": p.pipeline.link,
            "at": p.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "greenlight": env!("CARGO_PKG_VERSION"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lock::{Done, LockRun, Write, Written};
    use crate::result::RunInfo;

    fn unlocked() -> LockRun {
        LockRun {
            write: Write::Unlock { by: None },
            results: vec![Written {
                source: "file:lock.json".into(),
                result: Ok(Done {
                    message: "locked".into(),
                    replaced: None,
                }),
            }],
        }
    }

    #[test]
    fn a_no_go_that_locked_is_two_events() {
        let mut c = crate::compare::result::sample();
        c.locked_after = Some(unlocked());
        let run = RunResult {
            info: RunInfo::default(),
            body: Body::Compare(Box::new(c.clone())),
        };
        assert_eq!(events(&run), [Event::NoGo, Event::AutoLock]);
        // A lock that wrote nowhere is no event.
        c.locked_after = Some(LockRun {
            results: Vec::new(),
            ..unlocked()
        });
        let run = RunResult {
            info: RunInfo::default(),
            body: Body::Compare(Box::new(c)),
        };
        assert_eq!(events(&run), [Event::NoGo]);
    }
}

//! `gate` as a JUnit suite (`greenlight gate`), for the CI's test view:
//! the window, each lock source and the lease are test cases. Something an
//! override or a rollback went through is a `<skipped>` case saying who
//! went through it and why, so that a break-glass deploy shows where
//! people look.

use std::time::Duration;

use super::xml::{Case, CaseResult, Suite};
use crate::gate::GateResult;
use crate::lease::{LeaseState, held_reason};
use crate::lock::{LockState, OnError};

pub fn suite(r: &GateResult) -> Suite {
    let bypassed = |what: &str| {
        r.bypass.as_ref().and_then(|b| {
            b.bypassed.iter().any(|x| x.starts_with(what)).then(|| CaseResult::Skipped {
                message: format!(
                    "{} by {} ({}): went through {what}",
                    b.kind.to_uppercase(),
                    b.by,
                    b.reason
                ),
            })
        })
    };
    let mut cases = vec![Case {
        classname: "gate".into(),
        name: "deploy window".into(),
        time: Duration::ZERO,
        result: if r.window.open {
            CaseResult::Passed
        } else {
            bypassed("deploy window closed").unwrap_or_else(|| CaseResult::Failure {
                message: "deploy window closed".into(),
                detail: format!("{:?}", r.window.rule),
            })
        },
    }];
    for s in &r.locks.sources {
        let result = match &s.state {
            LockState::Unlocked => CaseResult::Passed,
            LockState::Expired(info) => CaseResult::Skipped {
                message: format!("expired lock ignored: {}", info.reason),
            },
            LockState::Locked(info) => bypassed(&format!("locked ({})", s.source)).unwrap_or_else(|| {
                CaseResult::Failure {
                    message: format!("locked: {}", info.reason),
                    detail: format!("{info:?}"),
                }
            }),
            LockState::Unavailable { cause, cause_kind } => {
                match bypassed(&format!("lock source {} unavailable", s.source)) {
                    Some(skipped) => skipped,
                    None if r.locks.on_error == OnError::Open => CaseResult::Skipped {
                        message: format!("unavailable ({cause}); on_error: open"),
                    },
                    None => CaseResult::Error {
                        message: format!("unavailable: {cause}"),
                        detail: cause.to_string(),
                        kind: serde_json::to_value(cause_kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string)),
                    },
                }
            }
        };
        cases.push(Case {
            classname: "gate.locks".into(),
            name: s.source.clone(),
            time: Duration::from_millis(s.elapsed_ms),
            result,
        });
    }
    if let Some(l) = &r.lease {
        let result = match l.state {
            LeaseState::Taken => CaseResult::Passed,
            LeaseState::Held | LeaseState::WaitedOut => CaseResult::Failure {
                message: held_reason(&l.name, &l.holders, l.ahead),
                detail: String::new(),
            },
            LeaseState::NotAsked => CaseResult::Skipped {
                message: "not asked for: the gate said no-go first".into(),
            },
            LeaseState::Unavailable => CaseResult::Error {
                message: l.cause.clone().unwrap_or_default(),
                detail: String::new(),
                kind: Some("store".into()),
            },
        };
        cases.push(Case {
            classname: "gate".into(),
            name: format!("lease {}", l.name),
            time: Duration::from_secs(l.waited_s.unwrap_or(0)),
            result,
        });
    }
    Suite {
        name: "greenlight gate".into(),
        cases,
        time: None,
    }
}

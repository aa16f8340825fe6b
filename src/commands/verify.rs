//! `verify`: the checks, then, only when they pass, the comparison (once
//! or watched).

use super::{Progress, ProgressEvent};
use crate::config::{Settings, VerifyConfig};
use crate::verify::{self, VerifyResult};

pub fn verify(cfg: &VerifyConfig, s: &Settings, progress: Progress<'_>) -> VerifyResult {
    let compare = |c: &crate::compare::Comparison| {
        let mut looks = |l: &crate::compare::result::LookResult| progress(&ProgressEvent::Look(l));
        crate::compare::watch::run(c, s.deadline, s.deadline_length, &mut looks)
    };
    let mut result = verify::run(&cfg.checks, cfg.compare.as_ref(), &cfg.options, compare);
    // Whatever the verdict: a failed verification must not hold the lease.
    if let Some(plan) = &cfg.release {
        let now = s.at
            + chrono::Duration::from_std(s.deadline_length.saturating_sub(s.deadline.remaining()))
                .unwrap_or_default();
        result.released = Some(crate::lease::release(
            plan,
            now,
            crate::http::Deadline::after(s.deadline_length),
        ));
    }
    result
}

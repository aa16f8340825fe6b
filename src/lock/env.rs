//! A lock held in an environment variable: a Bitbucket workspace,
//! repository or deployment variable, or a Bamboo plan variable
//! (`deploy.lock` arrives as `bamboo_deploy_lock`).
//!
//! Unset or empty, or one of `false`, `0`, `no`, `off`, `unlocked`: not
//! locked. A JSON object: a [`LockRecord`]. Anything else: locked, and the
//! value is the reason (`DEPLOY_LOCK="incident INC-42 (alice)"`).
//!
//! ```yaml
//! - { type: env, variable: DEPLOY_LOCK }
//! ```

use super::source::{LockKind, LockSource, Reading, Setup};
use super::{LockInfo, LockRecord, LockState};
use crate::context::Context;
use crate::failure::Failure;
use crate::http::Deadline;
use crate::input::ConfigError;

/// `type: env`.
pub struct Env;

impl LockKind for Env {
    fn name(&self) -> &'static str {
        "env"
    }
    fn keys(&self) -> &'static [&'static str] {
        &["variable"]
    }
    fn configure(&self, s: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError> {
        let variable = s.keys.require("variable", "an `env` source needs `variable` (e.g. DEPLOY_LOCK)")?.value;
        Ok(Box::new(EnvSource::new(
            s.name_or("env", &variable),
            &variable,
            s.ctx,
        )))
    }
}

/// The variable's value is read once, with the rest of the environment.
pub struct EnvSource {
    name: String,
    value: Option<String>,
}

impl EnvSource {
    pub fn new(name: String, variable: &str, ctx: &Context) -> Self {
        let value = ctx
            .var(variable)
            .or_else(|| ctx.var(&bamboo_name(variable)))
            .map(str::to_string);
        EnvSource { name, value }
    }
}

impl LockSource for EnvSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "env"
    }
    fn read(&self, _: Deadline) -> Reading {
        Reading::once(state_of(self.value.as_deref()))
    }
}

/// Bamboo exposes plan variable `x.y` as `bamboo_x_y`.
fn bamboo_name(variable: &str) -> String {
    format!("bamboo_{}", variable.replace('.', "_"))
}

fn state_of(value: Option<&str>) -> LockState {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return LockState::Unlocked;
    };
    if matches!(
        value.to_ascii_lowercase().as_str(),
        "false" | "0" | "no" | "off" | "unlocked"
    ) {
        return LockState::Unlocked;
    }
    if value.starts_with('{') {
        return match LockRecord::parse(value) {
            Ok(record) => record.state(),
            Err(cause) => LockState::unavailable(Failure::BadAnswer(cause)),
        };
    }
    LockState::Locked(LockInfo {
        reason: value.to_string(),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_is_the_reason() {
        assert_eq!(
            state_of(Some("incident INC-42")),
            LockState::Locked(LockInfo {
                reason: "incident INC-42".into(),
                ..Default::default()
            })
        );
    }

    #[test]
    fn empty_and_false_values_do_not_lock() {
        for v in [
            None,
            Some(""),
            Some("  "),
            Some("false"),
            Some("0"),
            Some("Unlocked"),
        ] {
            assert_eq!(state_of(v), LockState::Unlocked, "{v:?}");
        }
    }

    #[test]
    fn json_values_carry_who_and_since() {
        let s = state_of(Some(
            r#"{"reason":"demo","by":"bob","since":"2026-01-01T00:00:00Z"}"#,
        ));
        let LockState::Locked(info) = s else {
            panic!("{s:?}")
        };
        assert_eq!(
            (info.by.as_deref(), info.since.as_deref()),
            (Some("bob"), Some("2026-01-01T00:00:00Z"))
        );
    }

    #[test]
    fn bamboo_names() {
        assert_eq!(bamboo_name("deploy.lock"), "bamboo_deploy_lock");
    }
}

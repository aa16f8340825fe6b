//! Where a value came from. Flags win over `GREENLIGHT_*` variables, which
//! win over Bamboo's `bamboo_greenlight_*` ([`crate::cli::OPTIONS`] says
//! which variable feeds which flag); the config file comes after these.

use super::ConfigError;
use crate::cli::OPTIONS;
use crate::context::Context;

/// A value and where it came from (`--at`, `GREENLIGHT_AT`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    pub value: String,
    pub origin: String,
}

impl Sourced {
    /// A value given by a flag.
    pub fn flag(flag: &str, value: impl Into<String>) -> Sourced {
        Sourced {
            value: value.into(),
            origin: format!("--{flag}"),
        }
    }

    /// Bad input naming where this value came from.
    pub fn invalid(&self, message: impl Into<String>) -> ConfigError {
        ConfigError::Value {
            origin: self.origin.clone(),
            message: message.into(),
        }
    }
}

/// The flag's value, else its environment variable's (`GREENLIGHT_X`, then
/// Bamboo's `bamboo_greenlight_x`).
pub fn pick(flag: &str, value: Option<&str>, ctx: &Context) -> Option<Sourced> {
    if let Some(v) = value {
        return Some(Sourced::flag(flag, v));
    }
    let env = OPTIONS.iter().find(|o| o.flag == flag)?.env;
    let bamboo = format!("bamboo_{}", env.to_ascii_lowercase());
    [env, bamboo.as_str()].into_iter().find_map(|name| {
        Some(Sourced {
            value: ctx.var(name)?.to_string(),
            origin: ctx.origin_of(name).to_string(),
        })
    })
}

/// A switch: the flag, or its variable set to a true-ish value.
pub fn pick_bool(flag: &str, value: bool, ctx: &Context) -> bool {
    value || pick(flag, None, ctx).is_some_and(|s| is_true(&s.value))
}

/// `true`, `1`, `yes`, `on`, in any case.
pub fn is_true(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

/// A repeatable flag's values, else its variable's, `;`-separated
/// (`GREENLIGHT_WINDOW="Mon 09:00-12:00; Tue 09:00-12:00"`).
pub fn split_list(flag: &str, values: &[String], ctx: &Context) -> Vec<Sourced> {
    if !values.is_empty() {
        return values.iter().map(|v| Sourced::flag(flag, v)).collect();
    }
    pick(flag, None, ctx)
        .map(|s| {
            s.value
                .split(';')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Sourced {
                    value: v.to_string(),
                    origin: s.origin.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(env: &[(&str, &str)]) -> Context {
        Context::with_env(env)
    }

    #[test]
    fn flag_beats_variable_beats_bamboo() {
        let c = ctx(&[("GREENLIGHT_AT", "env"), ("bamboo_greenlight_at", "bamboo")]);
        assert_eq!(pick("at", Some("flag"), &c).unwrap().origin, "--at");
        assert_eq!(pick("at", None, &c).unwrap().value, "env");
        let c = ctx(&[("bamboo_greenlight_at", "bamboo")]);
        assert_eq!(pick("at", None, &c).unwrap().origin, "bamboo_greenlight_at");
        assert_eq!(pick("at", None, &ctx(&[])), None);
    }

    #[test]
    fn lists_come_from_flags_or_a_separated_variable() {
        let c = ctx(&[("GREENLIGHT_WINDOW", " a ;; b ")]);
        let got: Vec<String> = split_list("window", &[], &c)
            .into_iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(got, ["a", "b"]);
        let flags = split_list("window", &["x".to_string()], &c);
        assert_eq!(flags[0].origin, "--window");
    }
}

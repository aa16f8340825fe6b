//! `{{name}}` templates in queries and file paths, filled once for the
//! baseline and once for the canary:
//!
//! ```text
//! sum(rate(http_requests_total{group="{{group}}"}[{{step}}]))
//!   baseline {group: blue}  →  sum(rate(http_requests_total{group="blue"}[15s]))
//!   canary   {group: green} →  sum(rate(http_requests_total{group="green"}[15s]))
//! ```
//!
//! Names are `[A-Za-z_][A-Za-z0-9_]*`, spaces inside the braces are
//! allowed (`{{ group }}`). Values are inserted as written (no quoting), so
//! a value for a label matcher should not hold `"`. Built in: `{{step}}` and
//! `{{window}}`, as Prometheus durations (`15s`, `10m`). A single `{` is
//! text, so PromQL's own braces need no escaping.

use std::collections::BTreeMap;

use crate::input::valid_name;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(String),
}

impl Template {
    pub fn parse(raw: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = raw;
        while let Some(i) = rest.find("{{") {
            if i > 0 {
                parts.push(Part::Text(rest[..i].to_string()));
            }
            let inner = &rest[i + 2..];
            let end = inner
                .find("}}")
                .ok_or_else(|| format!("`{{{{` without `}}}}` in `{raw}`"))?;
            let name = inner[..end].trim();
            if !valid_name(name) {
                return Err(format!(
                    "`{{{{{}}}}}` is not a template variable (expected a name like {{{{group}}}})",
                    &inner[..end]
                ));
            }
            parts.push(Part::Var(name.to_string()));
            rest = &inner[end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// The variables used, in order of first use.
    pub fn variables(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.parts {
            if let Part::Var(name) = p
                && !out.contains(&name.as_str())
            {
                out.push(name);
            }
        }
        out
    }

    /// Fills the template; the first variable without a value is the error.
    pub fn fill(&self, vars: &BTreeMap<String, String>) -> Result<String, String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Var(name) => out.push_str(vars.get(name).ok_or_else(|| name.clone())?),
            }
        }
        Ok(out)
    }
}

/// A duration as PromQL writes it: `15s`, `10m`, `1h30m`, `500ms`.
pub fn promql_duration(d: std::time::Duration) -> String {
    let mut ms = d.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, size) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1000),
        ("ms", 1),
    ] {
        if ms >= size {
            out.push_str(&format!("{}{unit}", ms / size));
            ms %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_variables_and_leaves_promql_braces_alone() {
        let t = Template::parse(r#"sum(rate(x{group="{{ group }}"}[{{step}}]))"#).unwrap();
        assert_eq!(t.variables(), vec!["group", "step"]);
        assert_eq!(
            t.fill(&vars(&[("group", "blue"), ("step", "15s")]))
                .unwrap(),
            r#"sum(rate(x{group="blue"}[15s]))"#
        );
        assert_eq!(t.fill(&vars(&[("group", "blue")])).unwrap_err(), "step");
    }

    #[test]
    fn rejects_broken_templates() {
        assert_eq!(
            Template::parse("x{{group").unwrap_err(),
            "`{{` without `}}` in `x{{group`"
        );
        assert_eq!(
            Template::parse("{{ 1a }}").unwrap_err(),
            "`{{ 1a }}` is not a template variable (expected a name like {{group}})"
        );
    }

    #[test]
    fn promql_durations() {
        use std::time::Duration;
        assert_eq!(promql_duration(Duration::from_secs(15)), "15s");
        assert_eq!(promql_duration(Duration::from_secs(600)), "10m");
        assert_eq!(promql_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(promql_duration(Duration::from_millis(1500)), "1s500ms");
        assert_eq!(promql_duration(Duration::from_secs(7 * 86_400)), "7d");
    }
}

//! `${VAR}` templates in URLs, headers and `resolve`, filled from
//! [`Context::env`](crate::Context) (never from the process directly).
//!
//! Syntax: `${NAME}`, `${NAME:-default}` (used when NAME is unset or empty,
//! as Bitbucket and Bamboo pass unset variables), and `$$` for a literal `$`.
//! Any other `$` is literal. NAME is `[A-Za-z_][A-Za-z0-9_]*`.
//!
//! Values of variables whose names contain TOKEN, KEY, SECRET or PASSWORD
//! are returned as secrets so that the caller can mask them everywhere.
//!
//! ```text
//! https://${TARGET_HOST:-localhost}:${PORT}/health  →  https://10.0.3.17:8443/health
//! ```

use crate::context::Context;
use crate::secret::is_secret_variable;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    raw: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var {
        name: String,
        default: Option<String>,
    },
}

/// A filled template and the secret values that went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    pub secrets: Vec<String>,
}

impl Template {
    pub fn parse(raw: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = raw;
        while let Some(i) = rest.find('$') {
            text.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if let Some(tail) = after.strip_prefix('$') {
                text.push('$');
                rest = tail;
            } else if let Some(inner) = after.strip_prefix('{') {
                let end = inner.find('}').ok_or_else(|| {
                    format!("unclosed `${{` in `{raw}` (write `$$` for a literal `$`)")
                })?;
                let (name, default) = match inner[..end].split_once(":-") {
                    Some((name, default)) => (name, Some(default.to_string())),
                    None => (&inner[..end], None),
                };
                if !valid_name(name) {
                    return Err(format!(
                        "invalid variable name `{name}` in `{raw}` (expected letters, digits and _)"
                    ));
                }
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(Part::Var {
                    name: name.to_string(),
                    default,
                });
                rest = &inner[end + 1..];
            } else {
                text.push('$');
                rest = after;
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template {
            raw: raw.to_string(),
            parts,
        })
    }

    /// The text as written, variables unexpanded (safe to show).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Fills the variables from the context's environment.
    pub fn expand(&self, ctx: &Context) -> Result<Expanded, String> {
        let mut text = String::new();
        let mut secrets = Vec::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => text.push_str(t),
                Part::Var { name, default } => {
                    let value = match (ctx.var(name), default) {
                        (Some(v), _) => v,
                        (None, Some(d)) => d.as_str(),
                        (None, None) => return Err(format!("variable `{name}` is not set")),
                    };
                    if is_secret_variable(name) {
                        secrets.push(value.to_string());
                    }
                    text.push_str(value);
                }
            }
        }
        Ok(Expanded { text, secrets })
    }

    /// True when the template uses no variable.
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: a `${VAR}` or `{{var}}` name.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(vars: &[(&str, &str)]) -> Context {
        Context::with_env(vars)
    }

    #[test]
    fn expands_variables_defaults_and_dollars() {
        let t = Template::parse("https://${HOST}:${PORT:-443}/a$$b/$x").unwrap();
        let out = t
            .expand(&ctx(&[("HOST", "shop.test"), ("PORT", "")]))
            .unwrap();
        assert_eq!(out.text, "https://shop.test:443/a$b/$x");
        assert!(out.secrets.is_empty());
        assert!(!t.is_literal());
    }

    #[test]
    fn secret_variables_are_reported() {
        let t = Template::parse("Bearer ${API_TOKEN}").unwrap();
        let out = t.expand(&ctx(&[("API_TOKEN", "s3cr3t")])).unwrap();
        assert_eq!(out.secrets, vec!["s3cr3t".to_string()]);
    }

    #[test]
    fn unset_variable_is_named() {
        let t = Template::parse("https://${TARGET_HOST}/").unwrap();
        assert_eq!(
            t.expand(&ctx(&[])).unwrap_err(),
            "variable `TARGET_HOST` is not set"
        );
    }

    #[test]
    fn bad_syntax_is_rejected() {
        assert!(
            Template::parse("https://${HOST/")
                .unwrap_err()
                .contains("unclosed `${`")
        );
        assert!(
            Template::parse("${1X}")
                .unwrap_err()
                .contains("invalid variable name `1X`")
        );
        assert!(Template::parse("${}").is_err());
    }
}

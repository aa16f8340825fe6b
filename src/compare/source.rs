//! Stage two for `compare.source`: a Prometheus client with its secrets
//! read from the environment, or the file source.
//!
//! - `url` may hold `${VAR}`s; `https://user:password@host` becomes basic
//!   auth (the password is then a secret like any other).
//! - `token_env` / `password_env` name variables; an unset one is bad input.
//! - Header values may hold `${VAR}`s; a header whose name looks secret
//!   (`Authorization`, `X-Api-Key`...) or whose variable does
//!   (`*TOKEN*`, `*KEY*`...) is scrubbed from every message.

use std::time::Duration;

use serde_saphyr::Spanned;

use super::config::{SourceEntry, SourceKind};
use super::plan::Source;
use crate::checks::{Template, is_secret_header};
use crate::config::{ConfigError, Loaded};
use crate::context::Context;
use crate::http::Policy;
use crate::metrics::prometheus::Prometheus;
use crate::secret::{Secret, redact_url};

/// Per attempt: range queries over a window can take a while.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_RETRIES: u32 = 2;

pub fn resolve(
    loaded: &Loaded,
    entry: &Spanned<SourceEntry>,
    ctx: &Context,
) -> Result<Source, ConfigError> {
    let e = &entry.value;
    let at = |loc: &serde_saphyr::Location, field: &str, msg: String| {
        loaded.error_at(loc, format!("compare.source.{field}"), msg)
    };
    let here = |msg: String| loaded.error_at(&entry.referenced, "compare.source".into(), msg);
    match e.kind {
        SourceKind::File => {
            let present = [
                ("url", e.url.is_some()),
                ("token_env", e.token_env.is_some()),
                ("user", e.user.is_some()),
                ("password_env", e.password_env.is_some()),
                ("headers", e.headers.is_some()),
                ("timeout", e.timeout.is_some()),
                ("retries", e.retries.is_some()),
                ("name", e.name.is_some()),
            ];
            if let Some((key, _)) = present.iter().find(|(_, set)| *set) {
                return Err(here(format!(
                    "`{key}` does not apply to a `file` source (each metric names its files)"
                )));
            }
            Ok(Source::File)
        }
        SourceKind::Prometheus => {
            let url = e.url.as_ref().ok_or_else(|| {
                here("a `prometheus` source needs `url`, e.g. http://prometheus:9090".into())
            })?;
            let (expanded, url_secrets) =
                fill(&url.value, ctx).map_err(|m| at(&url.referenced, "url", m))?;
            let mut secrets: Vec<Secret> = url_secrets.into_iter().map(Secret::new).collect();
            let (base, userinfo) = split_userinfo(&expanded);
            if !(base.starts_with("http://") || base.starts_with("https://"))
                || base.parse::<ureq::http::Uri>().is_err()
            {
                return Err(at(
                    &url.referenced,
                    "url",
                    format!("`{}` is not an http(s) URL", redact_url(&expanded)),
                ));
            }
            let bearer = match &e.token_env {
                Some(var) => {
                    Some(secret_from(ctx, var).map_err(|m| at(&var.referenced, "token_env", m))?)
                }
                None => None,
            };
            let password = match &e.password_env {
                Some(var) => Some(
                    secret_from(ctx, var).map_err(|m| at(&var.referenced, "password_env", m))?,
                ),
                None => None,
            };
            let basic = match (e.user.clone(), password, userinfo) {
                (Some(user), Some(pw), _) => Some((user, pw)),
                (None, Some(_), _) => {
                    return Err(here("`password_env` needs `user`".into()));
                }
                (Some(_), None, _) => {
                    return Err(here(
                        "`user` needs `password_env` (the variable holding the password)".into(),
                    ));
                }
                (None, None, Some((user, pw))) => {
                    Some((percent_decode(&user), Secret::new(percent_decode(&pw))))
                }
                (None, None, None) => None,
            };
            if bearer.is_some() && basic.is_some() {
                return Err(here(
                    "give either a bearer token (`token_env`) or basic auth (`user`/`password_env`), not both".into(),
                ));
            }
            let mut headers = Vec::new();
            if let Some(h) = &e.headers {
                for (name, value) in &h.value {
                    let field = format!("headers.{name}");
                    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
                        return Err(at(
                            &h.referenced,
                            &field,
                            format!("`{name}` is not a header name"),
                        ));
                    }
                    let (filled, mut found) =
                        fill(value, ctx).map_err(|m| at(&h.referenced, &field, m))?;
                    if filled.contains(['\r', '\n']) {
                        return Err(at(
                            &h.referenced,
                            &field,
                            "a header value cannot hold a line break".into(),
                        ));
                    }
                    if is_secret_header(name) {
                        found.push(filled.clone());
                    }
                    secrets.extend(found.into_iter().map(Secret::new));
                    headers.push((name.clone(), filled));
                }
            }
            let policy = Policy {
                timeout: e.timeout.map_or(DEFAULT_TIMEOUT, |t| t.get()),
                retries: e.retries.unwrap_or(DEFAULT_RETRIES).min(10),
                ..Policy::default()
            };
            Ok(Source::Prometheus {
                source: Box::new(Prometheus {
                    name: e.name.clone().unwrap_or_else(|| "prometheus".into()),
                    url: base.trim_end_matches('/').to_string(),
                    bearer,
                    basic,
                    headers,
                    policy,
                }),
                secrets,
            })
        }
    }
}

/// Fills `${VAR}`s from the environment; also returns the values of
/// secret-looking variables (`*TOKEN*`, `*PASSWORD*`...).
fn fill(raw: &str, ctx: &Context) -> Result<(String, Vec<String>), String> {
    let e = Template::parse(raw)?.expand(ctx)?;
    Ok((e.text, e.secrets))
}

fn secret_from(ctx: &Context, var: &Spanned<String>) -> Result<Secret, String> {
    ctx.var(&var.value)
        .map(Secret::new)
        .ok_or_else(|| format!("variable `{}` is not set", var.value))
}

/// `http://u:p@host:9090/x` → (`http://host:9090/x`, Some((u, p))).
fn split_userinfo(url: &str) -> (String, Option<(String, String)>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((info, host)) => {
            let (user, pw) = info.split_once(':').unwrap_or((info, ""));
            (
                format!("{scheme}://{host}{path}"),
                Some((user.to_string(), pw.to_string())),
            )
        }
        None => (url.to_string(), None),
    }
}

/// `p%40ss` → `p@ss`: user info in a URL is percent-encoded.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_moves_out_of_the_url() {
        assert_eq!(
            split_userinfo("https://u:p%40ss@prom:9090/x?y"),
            (
                "https://prom:9090/x?y".into(),
                Some(("u".into(), "p%40ss".into()))
            )
        );
        assert_eq!(
            split_userinfo("http://prom:9090"),
            ("http://prom:9090".into(), None)
        );
        assert_eq!(percent_decode("p%40ss%2"), "p@ss%2");
    }
}

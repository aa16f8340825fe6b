//! Secrets never reach output: a `Secret` prints as `***` in `Display` and
//! `Debug`, and URLs are redacted (password and sensitive query values)
//! before they are logged or reported.

use std::fmt;

/// A token, API key or password. Only `expose` gives the value, and only
/// code that sends it over the wire should call it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Query parameter names whose values are secrets (matched as substrings).
const SECRET_QUERY: &[&str] = &[
    "token",
    "key",
    "secret",
    "password",
    "passwd",
    "pwd",
    "sig",
    "signature",
    "auth",
    "code",
    "credential",
    "session",
];

const SECRET_WORDS: &[&str] = &["token", "key", "secret", "password", "passwd", "credential"];
const SECRET_HEADER_WORDS: &[&str] = &["auth", "cookie", "session", "signature"];

/// True for an environment variable whose value must never be shown.
pub fn is_secret_variable(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// True for a header whose value must never be shown.
pub fn is_secret_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_WORDS
        .iter()
        .chain(SECRET_HEADER_WORDS)
        .any(|w| lower.contains(w))
}

/// What a secret is replaced by.
pub const MASK: &str = "***";

/// True for a header or parameter name that carries a secret.
pub fn is_sensitive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "authorization" || lower == "cookie" || SECRET_QUERY.iter().any(|s| lower.contains(s))
}

/// A URL fit to show: `https://u:p@h/x?api_key=1&a=2#f` →
/// `https://u:***@h/x?api_key=***&a=2#f`.
pub fn redact_url(raw: &str) -> String {
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, raw),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:{MASK}@{host}"),
            None => format!("{MASK}@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = redact_query(tail);
    match scheme {
        Some(scheme) => format!("{scheme}://{authority}{tail}"),
        None => format!("{authority}{tail}"),
    }
}

fn redact_query(tail: &str) -> String {
    let Some(q) = tail.find('?') else {
        return tail.to_string();
    };
    let (path, query_and_fragment) = tail.split_at(q + 1);
    let (query, fragment) = match query_and_fragment.find('#') {
        Some(h) => query_and_fragment.split_at(h),
        None => (query_and_fragment, ""),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_sensitive_name(name) => format!("{name}={MASK}"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}{}{fragment}", pairs.join("&"))
}

/// Replaces every occurrence of each secret in `text` with `***`: the last
/// line of defence for messages that quote a server's answer.
pub fn scrub(text: &str, secrets: &[&Secret]) -> String {
    secrets
        .iter()
        .filter(|s| s.expose().len() >= 4)
        .fold(text.to_string(), |acc, s| acc.replace(s.expose(), MASK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "*** ***");
    }

    #[test]
    fn urls_lose_passwords_and_sensitive_query_values() {
        assert_eq!(
            redact_url("https://user:pa55@host:8080/p?api_key=abc&x=1&token=t"),
            "https://user:***@host:8080/p?api_key=***&x=1&token=***"
        );
        assert_eq!(redact_url("https://tok@host/"), "https://***@host/");
        assert_eq!(redact_url("http://host/path"), "http://host/path");
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn scrub_replaces_known_secrets() {
        let s = Secret::new("s3cr3t-token");
        assert_eq!(
            scrub("echo: Bearer s3cr3t-token", &[&s]),
            "echo: Bearer ***"
        );
    }
}

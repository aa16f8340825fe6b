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

/// Query parameter names whose values are secrets.
const SENSITIVE: &[&str] = &[
    "token",
    "key",
    "secret",
    "password",
    "passwd",
    "auth",
    "signature",
    "sig",
    "credential",
];

/// True for a header or parameter name that carries a secret.
pub fn is_sensitive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "authorization" || lower == "cookie" || SENSITIVE.iter().any(|s| lower.contains(s))
}

/// Redacts `user:password@` and sensitive query values from a URL-ish
/// string: `https://u:p@h/x?api_key=1&a=2` → `https://u:***@h/x?api_key=***&a=2`.
pub fn redact_url(url: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let mut out = redact_userinfo(head);
    if let Some(q) = query {
        out.push('?');
        let parts: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if is_sensitive_name(k) => format!("{k}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out.push_str(&parts.join("&"));
    }
    out
}

fn redact_userinfo(head: &str) -> String {
    let Some(scheme_end) = head.find("://") else {
        return head.to_string();
    };
    let rest = &head[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let masked = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                "***".into()
            };
            format!(
                "{}{masked}@{host}{}",
                &head[..scheme_end + 3],
                &rest[authority_end..]
            )
        }
        None => head.to_string(),
    }
}

/// Replaces every occurrence of each secret in `text` with `***`: the last
/// line of defence for messages that quote a server's answer.
pub fn scrub(text: &str, secrets: &[&Secret]) -> String {
    secrets
        .iter()
        .filter(|s| s.expose().len() >= 4)
        .fold(text.to_string(), |acc, s| acc.replace(s.expose(), "***"))
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

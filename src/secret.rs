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

/// Every `http://` or `https://` URL in a text, redacted (a message that
/// quotes a config line or a value).
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest
        .find("http://")
        .into_iter()
        .chain(rest.find("https://"))
        .min()
    {
        out.push_str(&rest[..i]);
        let url_len = rest[i..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '}' | ']' | '`' | ')')
            })
            .unwrap_or(rest.len() - i);
        out.push_str(&redact_url(&rest[i..i + url_len]));
        rest = &rest[i + url_len..];
    }
    out.push_str(rest);
    out
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

/// Every secret a source (or a check) knows, in every form it may come
/// back in: as it is, percent-encoded (a server that echoes the query
/// string), and base64 (a server that echoes an `Authorization: Basic`
/// header); a header value also without its scheme (`Bearer abc` → `abc`).
/// [`Secrets::clean`] masks them all: the last line of defence for every
/// text that comes from a server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    /// Longest first, so that a secret holding another is masked whole.
    forms: Vec<String>,
}

/// Shorter values are not masked: they would mask ordinary words.
const MIN_SECRET: usize = 3;

impl Secrets {
    pub fn new() -> Self {
        Secrets::default()
    }

    /// Adds a secret value, in all its forms.
    pub fn add(&mut self, value: &str) {
        let value = value.trim();
        if value.len() < MIN_SECRET {
            return;
        }
        for form in [
            value.to_string(),
            crate::encode::encode_query_value(value),
            crate::encode::base64(value.as_bytes()),
        ] {
            if !self.forms.contains(&form) {
                self.forms.push(form);
            }
        }
        self.forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    }

    pub fn add_secret(&mut self, secret: &Secret) {
        self.add(secret.expose());
    }

    /// Adds a header value, and its credential alone when it has a scheme
    /// (`Bearer abc` → also `abc`), since servers echo either.
    pub fn add_header_value(&mut self, value: &str) {
        self.add(value);
        if let Some((_, credential)) = value.trim().split_once(' ') {
            self.add(credential);
        }
    }

    /// Adds basic-auth credentials: the password, and `user:password` as it
    /// travels (base64).
    pub fn add_basic(&mut self, user: &str, password: &Secret) {
        self.add(password.expose());
        self.add(&format!("{user}:{}", password.expose()));
    }

    /// Adds the secrets a URL carries: its password and the values of
    /// secret-looking query parameters (`?token=...`).
    pub fn add_url(&mut self, url: &str) {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            self.add(userinfo);
            if let Some((_, password)) = userinfo.split_once(':') {
                self.add(password);
                self.add(&crate::encode::percent_decode(password));
            }
        }
        if let Some((_, query)) = url.split_once('?') {
            let query = query.split('#').next().unwrap_or_default();
            for (name, value) in query.split('&').filter_map(|p| p.split_once('=')) {
                if is_sensitive_name(name) {
                    self.add(value);
                    self.add(&crate::encode::percent_decode(value));
                }
            }
        }
    }

    pub fn extend(&mut self, other: &Secrets) {
        for f in &other.forms {
            if !self.forms.contains(f) {
                self.forms.push(f.clone());
            }
        }
        self.forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// The text with every form of every secret replaced by `***`.
    pub fn clean(&self, text: &str) -> String {
        let mut out = text.to_string();
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = out.replace(form.as_str(), MASK);
            }
        }
        out
    }
}

/// Replaces every secret in `text` with `***`.
pub fn scrub(text: &str, secrets: &Secrets) -> String {
    secrets.clean(text)
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
    fn urls_in_a_text_are_redacted() {
        assert_eq!(
            redact_urls("bad `https://u:pw@h/x?token=t` and http://h/?a=1, ok"),
            "bad `https://u:***@h/x?token=***` and http://h/?a=1, ok"
        );
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
    fn secrets_are_masked_in_every_form_they_travel_in() {
        let mut s = Secrets::new();
        s.add_header_value("Bearer s3cr3t/t0ken+x");
        s.add_url("https://u:p%40ssw0rd@h/x?api_key=k3y-123&page=2");
        s.add_basic("reader", &Secret::new("hunter22"));
        for text in [
            "echo: Bearer s3cr3t/t0ken+x",
            "query: s3cr3t%2Ft0ken%2Bx",
            "b64: czNjcjN0L3Qwa2VuK3g=",
            "password p@ssw0rd and p%40ssw0rd",
            "key k3y-123",
            "basic cmVhZGVyOmh1bnRlcjIy",
        ] {
            let cleaned = s.clean(text);
            for leak in ["s3cr3t", "czNjcjN0", "ssw0rd", "k3y-123", "cmVhZGVy"] {
                assert!(!cleaned.contains(leak), "{text} → {cleaned}");
            }
        }
        assert_eq!(s.clean("page=2"), "page=2");
        let mut tiny = Secrets::new();
        tiny.add("ab");
        assert_eq!(tiny.clean("ab"), "ab");
    }
}

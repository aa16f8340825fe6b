//! A check ready to run: its `${VAR}`s filled from the context, its URL
//! parsed, its secrets known. Made from [`CheckSpec`]s by [`prepare`], which
//! is where the errors that need the environment are found (an unset
//! variable, a URL that is only invalid once filled, duplicate names).
//!
//! ```text
//! check `home`: url: variable `TARGET_HOST` is not set
//! check `home`: name: used by two checks (names must be unique: reports key on them)
//! ```

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use ureq::http::Uri;

use crate::Context;

use super::error::CheckError;
use super::expect::Expect;
use super::headers::check_header_value;
use super::redact::{self, Redactor};
use super::resolver::{self, ConnectTo};
use super::retry::Retry;
use super::spec::{CheckSpec, Method, RequestBody};

/// A check with everything filled in. Its URL and header values may hold
/// secrets: they are only reachable through [`Check::shown_url`] and the
/// redactor, and `Debug` does not print them.
#[derive(Clone)]
pub struct Check {
    pub name: String,
    pub method: Method,
    pub(crate) url: String,
    pub(crate) uri: Uri,
    /// The URL fit to show: password, secret query values and secret
    /// variables masked.
    pub shown_url: String,
    pub(crate) headers: Vec<(String, String)>,
    /// The names (lower case) of headers that carry secrets: never sent
    /// to another origin on a redirect.
    pub(crate) secret_headers: Vec<String>,
    pub body: Option<RequestBody>,
    pub timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    pub follow_redirects: u32,
    pub insecure: bool,
    pub connect_to: Option<ConnectTo>,
    pub retry: Option<Retry>,
    pub expect: Expect,
    pub(crate) redactor: Redactor,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("url", &self.shown_url)
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("connect_to", &self.connect_to)
            .finish_non_exhaustive()
    }
}

impl Check {
    /// Cleans a text of every secret this check knows (and of its raw URL).
    pub fn redact(&self, text: &str) -> String {
        let text = if self.url != self.shown_url {
            text.replace(&self.url, &self.shown_url)
        } else {
            text.to_string()
        };
        self.redactor.clean(&text)
    }

    /// The URL's bare host (the TLS server name) and its port.
    pub(crate) fn host_port(&self) -> (&str, u16) {
        // `prepare` refused URLs without a host or an http(s) scheme.
        resolver::host_port(&self.uri).unwrap_or_default()
    }

    /// Whether a header carries a secret (see `secret_headers`).
    pub(crate) fn is_secret_header(&self, name: &str) -> bool {
        self.secret_headers.contains(&name.to_ascii_lowercase())
    }

    pub fn is_https(&self) -> bool {
        self.uri.scheme_str() == Some("https")
    }
}

/// Fills and validates every spec; fails on the first bad one.
pub fn prepare(specs: &[CheckSpec], ctx: &Context) -> Result<Vec<Check>, CheckError> {
    let mut names = HashSet::new();
    let mut checks = Vec::with_capacity(specs.len());
    for spec in specs {
        let check = prepare_one(spec, ctx)?;
        if !names.insert(check.name.clone()) {
            return Err(CheckError::invalid(
                &check.name,
                "name",
                "used by two checks (names must be unique: reports key on them)",
            ));
        }
        checks.push(check);
    }
    Ok(checks)
}

/// Fills and validates one spec.
pub fn prepare_one(spec: &CheckSpec, ctx: &Context) -> Result<Check, CheckError> {
    let name = spec.display_name();
    let fail = |field: &str, message: String| CheckError::invalid(&name, field, message);
    let mut redactor = Redactor::default();

    let url = spec.url.expand(ctx).map_err(|m| fail("url", m))?;
    url.secrets.iter().for_each(|s| redactor.add(s));
    let uri: Uri = url.text.parse().map_err(|e| {
        fail(
            "url",
            format!(
                "`{}` is not a valid URL: {e}",
                redactor.clean(&redact::url(&url.text))
            ),
        )
    })?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    if !scheme_ok || uri.host().is_none_or(str::is_empty) {
        let shown = redactor.clean(&redact::url(&url.text));
        return Err(fail(
            "url",
            format!("`{shown}` is not an http:// or https:// URL with a host"),
        ));
    }
    // Its password and `?token=`-like values: shown masked in the URL,
    // and masked wherever a server echoes them.
    redactor.add_url(&url.text);
    if spec.expect.tls_days_left.is_some() && uri.scheme_str() != Some("https") {
        return Err(fail("expect.tls_days_left", "needs an https:// URL".into()));
    }

    let mut headers = Vec::with_capacity(spec.headers.0.len());
    let mut secret_headers = Vec::new();
    for h in &spec.headers.0 {
        let field = format!("headers `{}`", h.name);
        let value = h.value.expand(ctx).map_err(|m| fail(&field, m))?;
        check_header_value(&value.text).map_err(|m| fail(&field, m))?;
        if h.secret || !value.secrets.is_empty() {
            redactor.add_header_value(&value.text);
        }
        if h.secret || !value.secrets.is_empty() || redact::is_secret_header(&h.name) {
            secret_headers.push(h.name.to_ascii_lowercase());
        }
        value.secrets.iter().for_each(|s| redactor.add(s));
        headers.push((h.name.clone(), value.text));
    }

    let connect_to = match &spec.resolve {
        None => None,
        Some(t) => {
            let target = t.expand(ctx).map_err(|m| fail("resolve", m))?;
            target.secrets.iter().for_each(|s| redactor.add(s));
            let to = ConnectTo::parse(&target.text);
            Some(to.map_err(|m| fail("resolve", redactor.clean(&m)))?)
        }
    };

    let shown_url = redactor.clean(&redact::url(&url.text));
    Ok(Check {
        name,
        method: spec.method,
        url: url.text,
        uri,
        shown_url,
        headers,
        secret_headers,
        body: spec.body.clone(),
        timeout: spec.timeout,
        connect_timeout: spec.connect_timeout,
        follow_redirects: spec.follow_redirects,
        insecure: spec.insecure,
        connect_to,
        retry: spec.retry,
        expect: spec.expect.clone(),
        redactor,
    })
}

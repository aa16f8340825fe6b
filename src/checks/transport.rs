//! One HTTP exchange of a check: build a ureq agent for it (timeouts, TLS
//! roots or `insecure`, the `resolve` pin), send, follow redirects when
//! asked, and read at most `max_body_bytes` of the body. Times the whole
//! exchange.
//!
//! Redirects are followed here, not by ureq, so that a redirect to another
//! origin (scheme, host or port) never carries the check's secret headers
//! (`Authorization`, `X-Api-Key`, any `secret: true` header, any header
//! filled from a secret variable) to it. `303`, and `301`/`302` after a
//! `POST`, continue as a `GET` without a body (as browsers do); `307` and
//! `308` repeat the request.
//!
//! Failures are sorted by what they mean for the deploy (see `result.rs`):
//! no answer in time, could not connect (inconclusive), a certificate that
//! does not verify (the stack answered wrongly: failed), or a broken reply.
//!
//! Limits: HTTP/1.1 only (ureq); no proxy (a deploy gate talks to the new
//! stack directly); no cookies; bodies are not decompressed (ureq's gzip
//! feature is off, so no `Accept-Encoding` is sent).

use std::io::{ErrorKind, Read};
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::transport::DefaultConnector;

use ureq::http::Uri;

use super::check::Check;
use super::options::{RunOptions, Trust};
use super::resolver::{Pinned, PinnedResolver};
use super::spec::RequestBody;

/// What came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub status: u16,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// More body was available than was read.
    pub truncated: bool,
    pub latency: Duration,
    /// The URL of the last response when redirects were followed (raw).
    pub final_url: Option<String>,
    /// The address `resolve` sent the connection to (`10.0.3.17:443`).
    pub connected: Option<String>,
}

impl Exchange {
    /// All values of a header joined with `, ` (RFC 9110 §5.3).
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No (complete) answer within the attempt's time.
    TimedOut,
    /// Could not reach the server: refused, unknown host, reset.
    Unreachable(String),
    /// The server's certificate did not verify.
    Certificate(String),
    /// The server answered something that is not HTTP, or cut it short.
    Broken(String),
}

/// Sends the check's request, following up to `follow_redirects`
/// redirects, all within `budget`.
pub fn send(check: &Check, opts: &RunOptions, budget: Duration) -> Result<Exchange, Failure> {
    let (agent, pinned) = agent(check, opts, budget);
    let started = Instant::now();
    let mut url = check.uri.clone();
    let mut method = check.method.as_str().to_string();
    let mut body = check.body.clone();
    let mut headers = check.headers.clone();
    let mut hops = 0;
    loop {
        let mut response = once(&agent, &url, &method, &headers, body.as_ref())?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let next = match location {
            Some(loc) if hops < check.follow_redirects && (300..400).contains(&status) => {
                join(&url, &loc)
            }
            _ => None,
        };
        let Some(next) = next else {
            let final_url = (hops > 0).then(|| url.to_string());
            return read(
                &mut response,
                status,
                opts,
                started,
                final_url,
                pinned.address(),
            );
        };
        if origin(&next) != origin(&url) {
            headers.retain(|(name, _)| !check.is_secret_header(name));
        }
        if status == 303 || (matches!(status, 301 | 302) && method == "POST") {
            method = "GET".into();
            body = None;
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
        }
        log::debug!(
            "check `{}`: {status}, following the redirect to {}",
            check.name,
            check.redact(&crate::secret::redact_url(&next.to_string()))
        );
        url = next;
        hops += 1;
    }
}

/// One request, without following a redirect.
fn once(
    agent: &Agent,
    url: &Uri,
    method: &str,
    headers: &[(String, String)],
    body: Option<&RequestBody>,
) -> Result<ureq::http::Response<ureq::Body>, Failure> {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let has_type = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    let sent = match body {
        None => request.body(()).map(|r| agent.run(r)),
        Some(body) => {
            let (bytes, content_type) = match body {
                RequestBody::Text(t) => (t.clone().into_bytes(), "text/plain; charset=utf-8"),
                RequestBody::Json(v) => (v.to_string().into_bytes(), "application/json"),
            };
            if !has_type {
                request = request.header("content-type", content_type);
            }
            request.body(bytes).map(|r| agent.run(r))
        }
    };
    sent.map_err(|e| Failure::Broken(format!("cannot build the request: {e}")))?
        .map_err(classify)
}

/// Reads the answer: headers and at most `max_body_bytes` of the body.
fn read(
    response: &mut ureq::http::Response<ureq::Body>,
    status: u16,
    opts: &RunOptions,
    started: Instant,
    final_url: Option<String>,
    connected: Option<String>,
) -> Result<Exchange, Failure> {
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let cap = opts.max_body_bytes;
    let mut body = Vec::with_capacity(cap.min(64 * 1024));
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    response
        .body_mut()
        .as_reader()
        .take(limit)
        .read_to_end(&mut body)
        .map_err(|e| match e.kind() {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => Failure::TimedOut,
            _ => classify(ureq::Error::from(e)),
        })?;
    let truncated = body.len() > cap;
    body.truncate(cap);
    Ok(Exchange {
        status,
        headers,
        body,
        truncated,
        latency: started.elapsed(),
        final_url,
        connected,
    })
}

/// Scheme, host and port: what a redirect must keep for secrets to follow.
fn origin(uri: &Uri) -> (Option<&str>, Option<(&str, u16)>) {
    (uri.scheme_str(), super::resolver::host_port(uri))
}

/// A `Location` resolved against the URL it came from (RFC 3986 §5.2,
/// for the forms servers send: absolute, `//host/...`, `/path`, `path`).
fn join(base: &Uri, location: &str) -> Option<Uri> {
    let loc = location.trim();
    if loc.contains("://") {
        return loc.parse().ok();
    }
    let scheme = base.scheme_str()?;
    if let Some(rest) = loc.strip_prefix("//") {
        return format!("{scheme}://{rest}").parse().ok();
    }
    let authority = base.authority()?.as_str();
    let path = if loc.starts_with('/') {
        loc.to_string()
    } else {
        let dir = base.path().rsplit_once('/').map_or("", |(d, _)| d);
        format!("{dir}/{loc}")
    };
    format!("{scheme}://{authority}{path}").parse().ok()
}

/// The agent for one check, and the address its `resolve` pin connected
/// to (when it has one).
fn agent(check: &Check, opts: &RunOptions, budget: Duration) -> (Agent, Pinned) {
    let roots = match &opts.trust {
        Trust::WebPki => RootCerts::WebPki,
        Trust::Roots(roots) => roots.clone(),
    };
    let tls = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .root_certs(roots)
        .disable_verification(check.insecure)
        .build();
    let connect = check
        .connect_timeout
        .unwrap_or(opts.connect_timeout)
        .min(budget);
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(budget))
        .timeout_connect(Some(connect))
        .proxy(None)
        .user_agent(opts.user_agent.as_str())
        .tls_config(tls)
        .build();
    match &check.connect_to {
        None => (Agent::new_with_config(config), Pinned::default()),
        Some(to) => {
            let (host, port) = check.host_port();
            let resolver = PinnedResolver::new(host, port, to.clone());
            let pinned = resolver.pinned();
            (
                Agent::with_parts(config, DefaultConnector::new(), resolver),
                pinned,
            )
        }
    }
}

fn classify(e: ureq::Error) -> Failure {
    match e {
        ureq::Error::Timeout(_) => Failure::TimedOut,
        ureq::Error::HostNotFound => Failure::Unreachable("host not found".into()),
        ureq::Error::ConnectionFailed => Failure::Unreachable("connection failed".into()),
        ureq::Error::Rustls(e) => tls_failure(&e),
        ureq::Error::Io(e) => {
            if let Some(tls) = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                return tls_failure(tls);
            }
            match e.kind() {
                ErrorKind::TimedOut | ErrorKind::WouldBlock => Failure::TimedOut,
                ErrorKind::ConnectionRefused => Failure::Unreachable("connection refused".into()),
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::UnexpectedEof => {
                    Failure::Broken(format!("the connection was closed: {e}"))
                }
                _ => Failure::Unreachable(e.to_string()),
            }
        }
        ureq::Error::Protocol(e) => Failure::Broken(format!("not a valid HTTP response: {e}")),
        other => Failure::Broken(other.to_string()),
    }
}

fn tls_failure(e: &rustls::Error) -> Failure {
    match e {
        rustls::Error::InvalidCertificate(_) => Failure::Certificate(e.to_string()),
        other => Failure::Broken(format!("TLS: {other}")),
    }
}

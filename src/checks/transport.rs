//! One HTTP exchange of a check: build a ureq agent for it (timeouts,
//! redirects, TLS roots or `insecure`, the `resolve` pin), send, and read
//! at most `max_body_bytes` of the body. Times the whole exchange.
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

use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::transport::DefaultConnector;
use ureq::{Agent, ResponseExt};

use super::check::Check;
use super::options::{RunOptions, Trust};
use super::resolver::PinnedResolver;
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

/// Sends the check's request once, within `budget`.
pub fn send(check: &Check, opts: &RunOptions, budget: Duration) -> Result<Exchange, Failure> {
    let agent = agent(check, opts, budget);
    let mut request = ureq::http::Request::builder()
        .method(check.method.as_str())
        .uri(&check.url);
    for (name, value) in &check.headers {
        request = request.header(name, value);
    }
    let has_type = check
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    let started = Instant::now();
    let sent = match &check.body {
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
    let mut response = sent
        .map_err(|e| Failure::Broken(format!("cannot build the request: {e}")))?
        .map_err(classify)?;

    let status = response.status().as_u16();
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
    let final_uri = response.get_uri().to_string();
    let final_url = (final_uri != check.uri.to_string()).then_some(final_uri);

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
    })
}

fn agent(check: &Check, opts: &RunOptions, budget: Duration) -> Agent {
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
        .max_redirects(check.follow_redirects)
        .max_redirects_will_error(false)
        .timeout_global(Some(budget))
        .timeout_connect(Some(connect))
        .proxy(None)
        .user_agent(opts.user_agent.as_str())
        .tls_config(tls)
        .build();
    match &check.connect_to {
        None => Agent::new_with_config(config),
        Some(to) => {
            let (host, port) = check.host_port();
            let resolver = PinnedResolver::new(host, port, to.clone());
            Agent::with_parts(config, DefaultConnector::new(), resolver)
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

//! The one way greenlight talks HTTP to its dependencies (lock APIs, metric
//! backends): every call has a per-attempt timeout, bounded retries with
//! exponential backoff and jitter, and never outlives the run's deadline.
//!
//! Retried: connection failures, timeouts, 5xx and 429. Not retried: other
//! statuses (the caller decides what they mean, e.g. 423 Locked).
//! Errors carry no URL and no header values, so they are safe to print.

use std::time::{Duration, Instant};

use crate::secret::{Secret, redact_url, scrub};

/// When the whole run must be finished.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(pub Instant);

impl Deadline {
    pub fn after(d: Duration) -> Self {
        Deadline::from(Instant::now(), d)
    }
    /// `d` after `start` (far in the future when that is past what the
    /// clock can count).
    pub fn from(start: Instant, d: Duration) -> Self {
        let far = Duration::from_secs(100 * 365 * 86_400);
        Deadline(
            start
                .checked_add(d)
                .or_else(|| start.checked_add(far))
                .unwrap_or(start),
        )
    }
    pub fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }
    pub fn passed(&self) -> bool {
        self.remaining().is_zero()
    }
}

/// Timeout and retries for one dependency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// Per attempt, connect included.
    pub timeout: Duration,
    /// Attempts after the first.
    pub retries: u32,
    /// First backoff; doubles each retry (with ±25% jitter).
    pub backoff: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            timeout: Duration::from_secs(5),
            retries: 2,
            backoff: Duration::from_millis(200),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: Vec<(String, String)>,
    pub bearer: Option<&'a Secret>,
    pub basic: Option<(&'a str, &'a Secret)>,
    pub json_body: Option<String>,
}

impl<'a> Request<'a> {
    pub fn new(method: &'a str, url: &'a str) -> Self {
        Request {
            method,
            url,
            headers: Vec::new(),
            bearer: None,
            basic: None,
            json_body: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: String,
    /// The `ETag` header, for conditional writes (RFC 9110 §8.8.3).
    pub etag: Option<String>,
    /// The `Retry-After` header, as sent.
    pub retry_after: Option<String>,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    #[error("timed out after {}", crate::duration::format(*.0))]
    Timeout(Duration),
    #[error("run deadline reached")]
    Deadline,
    #[error("connection failed: {0}")]
    Connect(String),
    /// The TLS handshake or the server's certificate failed.
    #[error("connection failed: TLS: {0}")]
    Tls(String),
    /// `body` is the whole answer (callers may parse it: Prometheus puts
    /// its error JSON in a 503); messages show a short excerpt of it.
    #[error("HTTP {status}{}", if .body.trim().is_empty() { String::new() } else { format!(": {}", excerpt(.body)) })]
    Status { status: u16, body: String },
    #[error("invalid URL `{0}`")]
    InvalidUrl(String),
    #[error("{0}")]
    Other(String),
}

impl HttpError {
    /// The same error with every secret replaced in the text it carries
    /// (a body can echo the request).
    pub fn scrub(self, secrets: &[&Secret]) -> HttpError {
        match self {
            HttpError::Status { status, body } => HttpError::Status {
                status,
                body: scrub(&body, secrets),
            },
            HttpError::Other(t) => HttpError::Other(scrub(&t, secrets)),
            other => other,
        }
    }
}

/// Most bytes read from a dependency's response body.
const BODY_LIMIT: u64 = 16 * 1024 * 1024;

/// Sends the request with retries. Returns the final response (any status
/// that is not retried), or the last error with the number of attempts.
pub fn send(
    req: &Request,
    policy: Policy,
    deadline: Deadline,
) -> Result<Response, (HttpError, u32)> {
    let mut attempt = 0;
    let mut backoff = policy.backoff;
    loop {
        attempt += 1;
        let timeout = policy.timeout.min(deadline.remaining());
        if timeout.is_zero() {
            return Err((HttpError::Deadline, attempt - 1));
        }
        log::debug!("{} {} (attempt {attempt})", req.method, redact_url(req.url));
        let result = once(req, timeout);
        let retryable = match &result {
            Ok(r) => r.status >= 500 || r.status == 429,
            Err(
                HttpError::Timeout(_)
                | HttpError::Connect(_)
                | HttpError::Tls(_)
                | HttpError::Other(_),
            ) => true,
            Err(_) => false,
        };
        if !retryable || attempt > policy.retries {
            return match result {
                Ok(r) if r.status >= 500 || r.status == 429 => Err((
                    HttpError::Status {
                        status: r.status,
                        body: r.body,
                    },
                    attempt,
                )),
                Ok(mut r) => {
                    r.attempts = attempt;
                    Ok(r)
                }
                Err(e) => Err((e, attempt)),
            };
        }
        let pause = jitter(backoff);
        log::debug!(
            "retrying in {pause:?} after {:?}",
            result.as_ref().map(|r| r.status)
        );
        if pause >= deadline.remaining() {
            let err = result.err().unwrap_or(HttpError::Deadline);
            return Err((err, attempt));
        }
        std::thread::sleep(pause);
        backoff = backoff.saturating_mul(2);
    }
}

/// One agent for the whole run: its settings never change, and a dependency
/// asked several times (Prometheus, once per query) keeps its connection.
fn agent() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("greenlight/", env!("CARGO_PKG_VERSION")))
            .build()
            .into()
    })
}

fn once(req: &Request, timeout: Duration) -> Result<Response, HttpError> {
    let agent = agent();
    let mut builder = ureq::http::Request::builder()
        .method(req.method)
        .uri(req.url);
    for (k, v) in &req.headers {
        builder = builder.header(k, v);
    }
    if let Some(token) = req.bearer {
        builder = builder.header("Authorization", format!("Bearer {}", token.expose()));
    }
    if let Some((user, password)) = req.basic {
        let raw = format!("{user}:{}", password.expose());
        builder = builder.header("Authorization", format!("Basic {}", base64(raw.as_bytes())));
    }
    let body = req.json_body.clone().unwrap_or_default();
    if req.json_body.is_some() {
        builder = builder.header("Content-Type", "application/json");
    }
    let request = builder
        .body(body)
        .map_err(|_| HttpError::InvalidUrl(redact_url(req.url)))?;
    let request = agent
        .configure_request(request)
        .timeout_global(Some(timeout))
        .build();
    let started = Instant::now();
    let mut resp = agent
        .run(request)
        .map_err(|e| classify(e, timeout, started))?;
    let status = resp.status().as_u16();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (etag, retry_after) = (header("etag"), header("retry-after"));
    let body = resp
        .body_mut()
        .with_config()
        .limit(BODY_LIMIT)
        .read_to_string()
        .map_err(|e| classify(e, timeout, started))?;
    Ok(Response {
        status,
        body,
        etag,
        retry_after,
        attempts: 1,
    })
}

fn classify(e: ureq::Error, timeout: Duration, started: Instant) -> HttpError {
    use ureq::Error as E;
    match e {
        E::Timeout(_) => HttpError::Timeout(timeout),
        E::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => HttpError::Timeout(timeout),
        E::Io(io) if started.elapsed() >= timeout => {
            let _ = io;
            HttpError::Timeout(timeout)
        }
        E::Io(io) => HttpError::Connect(io.kind().to_string().replace('_', " ")),
        E::HostNotFound => HttpError::Connect("host not found".into()),
        E::ConnectionFailed => HttpError::Connect("connection refused or unreachable".into()),
        E::BadUri(_) | E::Http(_) => HttpError::InvalidUrl("(redacted)".into()),
        E::Tls(msg) => HttpError::Tls(msg.to_string()),
        E::Rustls(err) => HttpError::Tls(err.to_string()),
        E::BodyExceedsLimit(n) => HttpError::Other(format!("response larger than {n} bytes")),
        other => HttpError::Other(other.to_string()),
    }
}

/// A short, single-line excerpt of a response body for error messages.
pub fn excerpt(body: &str) -> String {
    let one_line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line.chars().take(120).collect();
    if one_line.chars().count() > 120 {
        out.push('…');
    }
    out
}

/// ±25% jitter so that retries from many pipelines do not synchronise.
fn jitter(d: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |t| t.subsec_nanos());
    let factor = 0.75 + f64::from(nanos % 1000) / 2000.0;
    d.mul_f64(factor)
}

/// RFC 4648 base64, for basic auth.
pub fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn excerpt_is_one_short_line() {
        assert_eq!(excerpt("a\n  b\tc"), "a b c");
        assert_eq!(excerpt(&"x".repeat(500)).chars().count(), 121);
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        let d = jitter(Duration::from_millis(1000));
        assert!(d >= Duration::from_millis(750) && d <= Duration::from_millis(1250));
    }
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters
/// stay as they are).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod encode_tests {
    #[test]
    fn encodes_promql() {
        assert_eq!(
            super::encode_query_value(r#"sum(rate(x{group="blue"}[1m]))"#),
            "sum%28rate%28x%7Bgroup%3D%22blue%22%7D%5B1m%5D%29%29"
        );
    }
}

/// Checks that `url` is an absolute http(s) URL; the message shows it
/// redacted.
pub fn check_url(url: &str) -> Result<(), String> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.parse::<ureq::http::Uri>().is_ok();
    if ok {
        Ok(())
    } else {
        Err(format!("`{}` is not an http(s) URL", redact_url(url)))
    }
}

/// `https://user:pw@locks.example.com:8443/x` → `locks.example.com:8443`.
pub fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_string()
}

/// `http://u:p@host:9090/x` → (`http://host:9090/x`, Some((u, p))), the
/// user information still percent-encoded.
pub fn split_userinfo(url: &str) -> (String, Option<(String, String)>) {
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

#[cfg(test)]
mod url_tests {
    use super::*;

    #[test]
    fn authority_strips_credentials_and_path() {
        assert_eq!(
            authority("https://u:p@locks.example.com:8443/x?y"),
            "locks.example.com:8443"
        );
        assert_eq!(authority("http://127.0.0.1:9/"), "127.0.0.1:9");
    }

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
    }

    #[test]
    fn only_http_urls() {
        assert!(check_url("https://x.example/a").is_ok());
        assert_eq!(
            check_url("ftp://u:pw@x").unwrap_err(),
            "`ftp://u:***@x` is not an http(s) URL"
        );
    }
}

/// `p%40ss` → `p@ss`: user information in a URL is percent-encoded.
pub fn percent_decode(s: &str) -> String {
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
mod decode_tests {
    #[test]
    fn percent_decoding_leaves_broken_escapes() {
        assert_eq!(super::percent_decode("p%40ss%2"), "p@ss%2");
    }
}

//! The one way greenlight talks HTTP to its dependencies (lock APIs, metric
//! backends): every call has a per-attempt timeout, bounded retries with
//! exponential backoff and jitter, and never outlives the run's deadline.
//!
//! Retried: connection failures, timeouts, 5xx and 429. Not retried: other
//! statuses (the caller decides what they mean, e.g. 423 Locked).
//! Errors carry no URL and no header values, so they are safe to print.

use std::time::{Duration, Instant};

use ureq::tls::RootCerts;

use crate::secret::{Secret, Secrets, redact_url};

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
    /// TLS of this dependency's own (its CA, a client certificate), instead
    /// of the run's trust.
    pub tls: Option<&'a ureq::tls::TlsConfig>,
    /// A plain-HTTP forward proxy (`http://localhost:29418`, Bitbucket
    /// Pipelines' authenticating proxy): the request goes to it in
    /// absolute form (`PUT http://api.bitbucket.org/2.0/... HTTP/1.1`), as
    /// `curl --proxy` sends it; `url` must then be `http://`.
    pub proxy: Option<&'a str>,
    /// What debug logs name instead of the URL, when the URL itself is a
    /// secret (a Slack webhook's path is its key).
    pub shown_as: Option<&'a str>,
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
            tls: None,
            proxy: None,
            shown_as: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: String,
    /// The `ETag` header, for conditional writes (RFC 9110 §8.8.3).
    pub etag: Option<String>,
    /// How long the server asked to wait (`Retry-After`, or a rate
    /// limit's reset header on a 429).
    pub retry_after: Option<Duration>,
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
    /// The TLS handshake or the server's certificate failed: the same on
    /// every attempt, so not retried.
    #[error("TLS: {0}")]
    Tls(String),
    /// The answer was larger than greenlight reads.
    #[error("the answer is larger than {} MiB", .0 >> 20)]
    TooLarge(u64),
    /// The answer was not UTF-8 text.
    #[error("the answer is not UTF-8 text")]
    NotText,
    /// Asked to come back later than the run's deadline allows.
    #[error("HTTP {status}: asked to retry after {}, past the run's deadline", crate::duration::format(*.after))]
    RetryAfter { status: u16, after: Duration },
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
    pub fn scrub(self, secrets: &Secrets) -> HttpError {
        match self {
            HttpError::Status { status, body } => HttpError::Status {
                status,
                body: secrets.clean(&body),
            },
            HttpError::Other(t) => HttpError::Other(secrets.clean(&t)),
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
        let shown = req
            .shown_as
            .map_or_else(|| redact_url(req.url), str::to_string);
        log::debug!("{} {shown} (attempt {attempt})", req.method);
        let result = once(req, timeout);
        // What can change on another attempt: a connection, an overloaded
        // server. Not a certificate, a size, an encoding, a URL.
        let retryable = match &result {
            Ok(r) => r.status >= 500 || r.status == 429,
            Err(HttpError::Timeout(_) | HttpError::Connect(_) | HttpError::Other(_)) => true,
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
        // A server that says when to come back (429, 503) is believed,
        // within the run's deadline.
        let asked = match &result {
            Ok(r) => r.retry_after,
            Err(_) => None,
        };
        let pause = jitter(backoff).max(asked.unwrap_or_default());
        log::debug!(
            "retrying in {pause:?} after {:?}",
            result.as_ref().map(|r| r.status)
        );
        if pause >= deadline.remaining() {
            let err = match (result, asked) {
                (Ok(r), Some(after)) if after >= deadline.remaining() => HttpError::RetryAfter {
                    status: r.status,
                    after,
                },
                (Ok(r), _) => HttpError::Status {
                    status: r.status,
                    body: r.body,
                },
                (Err(e), _) => e,
            };
            return Err((err, attempt));
        }
        std::thread::sleep(pause);
        backoff = backoff.saturating_mul(2);
    }
}

/// Which certificate authorities verify servers' certificates.
#[derive(Debug, Clone, Default)]
pub enum Trust {
    /// Mozilla's roots, built in (webpki-roots), so a `FROM scratch` image
    /// needs no CA bundle.
    #[default]
    WebPki,
    /// Only these, from a PEM file: like curl's `--cacert`, they replace
    /// the built-in roots. Converted once; cloning shares them.
    Roots(RootCerts),
}

impl Trust {
    /// Reads every certificate of a PEM file.
    /// Reads every certificate of a PEM file; the message says what is
    /// wrong with it (the caller names the file).
    pub fn from_pem_file(path: &std::path::Path) -> Result<Trust, String> {
        // A CA bundle is far below 4 MiB; a minute is plenty to read it.
        let until = Instant::now() + Duration::from_secs(60);
        let pem = crate::input::read::read_bytes(path, 4 << 20, "CA file", until)
            .map_err(|e| e.to_string())?;
        Trust::from_pem(&pem)
    }

    pub fn from_pem(pem: &[u8]) -> Result<Trust, String> {
        let mut ders = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(cert)) => ders.push(cert),
                Ok(_) => {}
                Err(e) => return Err(format!("not valid PEM: {e}")),
            }
        }
        if ders.is_empty() {
            return Err("no certificate in it (expected PEM `BEGIN CERTIFICATE` blocks)".into());
        }
        Ok(Trust::Roots(RootCerts::new_with_certs(&ders)))
    }
}
/// A dependency's own TLS: its CA certificates (instead of the run's
/// trust) and optionally a client certificate with its key, all PEM.
pub fn tls_config(
    ca: Option<&Trust>,
    client: Option<(&[u8], &[u8])>,
) -> Result<ureq::tls::TlsConfig, String> {
    let roots = match ca.or(TRUST.get()) {
        Some(Trust::Roots(roots)) => roots.clone(),
        _ => ureq::tls::RootCerts::WebPki,
    };
    let mut builder = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(roots);
    if let Some((cert_pem, key_pem)) = client {
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(cert_pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
                Ok(_) => {}
                Err(e) => return Err(format!("the client certificate is not valid PEM: {e}")),
            }
        }
        if certs.is_empty() {
            return Err("the client certificate file holds no certificate".into());
        }
        let key = ureq::tls::PrivateKey::from_pem(key_pem)
            .map_err(|e| format!("the client key is not a PEM private key: {e}"))?;
        builder = builder.client_cert(Some(ureq::tls::ClientCert::new_with_certs(&certs, key)));
    }
    Ok(builder.build())
}

/// The roots every dependency's certificate is checked against, set once
/// per run from `--ca-file` before the first request.
static TRUST: std::sync::OnceLock<Trust> = std::sync::OnceLock::new();

/// Trusts these roots for every dependency of this run (lock APIs,
/// metrics backends). Only the first call counts.
pub fn set_trust(trust: Trust) {
    let _ = TRUST.set(trust);
}

/// One agent for the whole run: its settings never change, and a dependency
/// asked several times (Prometheus, once per query) keeps its connection.
fn agent() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        let roots = match TRUST.get() {
            Some(Trust::Roots(roots)) => roots.clone(),
            _ => ureq::tls::RootCerts::WebPki,
        };
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .root_certs(roots)
            .build();
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .tls_config(tls)
            .user_agent(concat!("greenlight/", env!("CARGO_PKG_VERSION")))
            .build()
            .into()
    })
}

fn once(req: &Request, timeout: Duration) -> Result<Response, HttpError> {
    if let Some(proxy) = req.proxy {
        return via_proxy(req, proxy, timeout);
    }
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
        builder = builder.header(
            "Authorization",
            format!("Basic {}", crate::encode::base64(raw.as_bytes())),
        );
    }
    let body = req.json_body.clone().unwrap_or_default();
    if req.json_body.is_some() {
        builder = builder.header("Content-Type", "application/json");
    }
    let request = builder
        .body(body)
        .map_err(|_| HttpError::InvalidUrl(redact_url(req.url)))?;
    let mut config = agent
        .configure_request(request)
        .timeout_global(Some(timeout));
    if let Some(tls) = req.tls {
        config = config.tls_config(tls.clone());
    }
    let request = config.build();
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
    let etag = header("etag");
    // Rate-limited APIs without `Retry-After` say when their window resets:
    // Datadog in seconds from now, Sentry as a unix time.
    let retry_after = match header("retry-after") {
        Some(v) => retry_after(&v),
        None if status == 429 => header("x-ratelimit-reset")
            .or_else(|| header("x-sentry-rate-limit-reset"))
            .and_then(|v| rate_limit_reset(&v)),
        None => None,
    };
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(BODY_LIMIT)
        .read_to_vec()
        .map_err(|e| classify(e, timeout, started))?;
    let body = String::from_utf8(bytes).map_err(|_| HttpError::NotText)?;
    Ok(Response {
        status,
        body,
        etag,
        retry_after,
        attempts: 1,
    })
}

/// The most of a proxied answer read (the status and a short body matter).
const PROXY_BODY_LIMIT: usize = 1 << 20;

/// One request through a plain-HTTP forward proxy, in absolute form, over
/// a connection of its own (`Connection: close`), within `timeout`. The
/// proxy authenticates: a request carrying credentials or TLS settings of
/// its own is refused rather than sent in clear text.
fn via_proxy(req: &Request, proxy: &str, timeout: Duration) -> Result<Response, HttpError> {
    use std::io::{Read as _, Write as _};
    use std::net::{TcpStream, ToSocketAddrs as _};
    if req.bearer.is_some() || req.basic.is_some() || req.tls.is_some() {
        return Err(HttpError::Other(
            "credentials are not sent through a plain-HTTP proxy".into(),
        ));
    }
    let started = Instant::now();
    let bad_proxy = || HttpError::InvalidUrl(format!("proxy {}", redact_url(proxy)));
    let authority = proxy
        .strip_prefix("http://")
        .map(|rest| rest.split('/').next().unwrap_or(rest))
        .filter(|a| !a.is_empty())
        .ok_or_else(bad_proxy)?;
    let target = req
        .url
        .strip_prefix("http://")
        .ok_or_else(|| HttpError::InvalidUrl(redact_url(req.url)))?;
    let host = target.split('/').next().unwrap_or(target);
    let left = || {
        timeout
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1))
    };
    // `localhost` may resolve to ::1 first while the proxy listens on
    // 127.0.0.1 only: try each address in turn.
    let addrs: Vec<_> = authority
        .to_socket_addrs()
        .map_err(|_| HttpError::Connect("proxy host not found".into()))?
        .collect();
    let mut last = bad_proxy();
    let mut connected = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, left()) {
            Ok(s) => {
                connected = Some(s);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                last = HttpError::Timeout(timeout);
            }
            Err(e) => {
                last = HttpError::Connect(
                    format!("proxy {authority}: {}", e.kind()).replace('_', " "),
                );
            }
        }
    }
    let mut stream = connected.ok_or(last)?;
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            HttpError::Timeout(timeout)
        }
        kind => HttpError::Connect(kind.to_string().replace('_', " ")),
    };
    let _ = stream.set_write_timeout(Some(left()));
    let body = req.json_body.as_deref().unwrap_or_default();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: greenlight/{}\r\nAccept: application/json\r\nConnection: close\r\nContent-Length: {}\r\n",
        req.method,
        req.url,
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    if req.json_body.is_some() {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in &req.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(io)?;
    stream.write_all(body.as_bytes()).map_err(io)?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let _ = stream.set_read_timeout(Some(left()));
        if started.elapsed() >= timeout {
            return Err(HttpError::Timeout(timeout));
        }
        match stream.read(&mut buf) {
            Ok(0) => {
                return parse_proxied(&raw, true)?
                    .ok_or_else(|| HttpError::Other("the proxy's answer ended early".into()));
            }
            Ok(n) if raw.len() + n > PROXY_BODY_LIMIT => {
                return Err(HttpError::TooLarge(PROXY_BODY_LIMIT as u64));
            }
            Ok(n) => {
                raw.extend_from_slice(&buf[..n]);
                // A server that keeps the connection open despite
                // `Connection: close`: stop at the answer's end.
                if let Some(r) = parse_proxied(&raw, false)? {
                    return Ok(r);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    }
}

/// An HTTP/1.x answer read so far: `None` while it is not whole (`eof`:
/// the connection has ended, so a body without a length ends here).
/// Interim 1xx answers are skipped; 204 and 304 have no body; a body is
/// `Content-Length` bytes, chunked, or what comes until the end.
fn parse_proxied(raw: &[u8], eof: bool) -> Result<Option<Response>, HttpError> {
    let not_http = || HttpError::Other("the proxy's answer is not HTTP".into());
    let mut raw = raw;
    loop {
        let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            return if eof { Err(not_http()) } else { Ok(None) };
        };
        let head = std::str::from_utf8(&raw[..split]).map_err(|_| not_http())?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        if !status_line.starts_with("HTTP/1.") {
            return Err(not_http());
        }
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(not_http)?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase()))
            .collect();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let rest = &raw[split + 4..];
        if (100..200).contains(&status) {
            raw = rest;
            continue;
        }
        let body = if status == 204 || status == 304 {
            Some(Vec::new())
        } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            chunks(rest)?
        } else if let Some(n) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
            rest.get(..n).map(<[u8]>::to_vec)
        } else if eof {
            Some(rest.to_vec())
        } else {
            None
        };
        let Some(body) = body else {
            return if eof { Err(not_http()) } else { Ok(None) };
        };
        return Ok(Some(Response {
            status,
            body: String::from_utf8(body).map_err(|_| HttpError::NotText)?,
            etag: header("etag").map(str::to_string),
            retry_after: header("retry-after").and_then(retry_after),
            attempts: 1,
        }));
    }
}

/// A chunked body's data, or `None` while its last chunk has not come.
fn chunks(rest: &[u8]) -> Result<Option<Vec<u8>>, HttpError> {
    let not_http = || HttpError::Other("the proxy's chunked answer is malformed".into());
    let mut out = Vec::new();
    let mut at = 0usize;
    loop {
        let Some(tail) = rest.get(at..) else {
            return Ok(None);
        };
        let Some(line_end) = tail.windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        let size = std::str::from_utf8(&tail[..line_end]).map_err(|_| not_http())?;
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| not_http())?;
        at = at.checked_add(line_end + 2).ok_or_else(not_http)?;
        if size == 0 {
            // Trailers, if any, end with an empty line.
            return Ok(rest.get(at..).and_then(|t| {
                (t.starts_with(b"\r\n") || t.windows(4).any(|w| w == b"\r\n\r\n")).then_some(out)
            }));
        }
        let end = at.checked_add(size).ok_or_else(not_http)?;
        let Some(chunk) = rest.get(at..end) else {
            return Ok(None);
        };
        out.extend_from_slice(chunk);
        at = end.checked_add(2).ok_or_else(not_http)?;
    }
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
        E::Io(io) => match io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(tls) => HttpError::Tls(tls_message(tls)),
            None => HttpError::Connect(io.kind().to_string().replace('_', " ")),
        },
        E::HostNotFound => HttpError::Connect("host not found".into()),
        E::ConnectionFailed => HttpError::Connect("connection refused or unreachable".into()),
        E::BadUri(_) | E::Http(_) => HttpError::InvalidUrl("(redacted)".into()),
        E::Tls(msg) => HttpError::Tls(msg.to_string()),
        E::Rustls(err) => HttpError::Tls(tls_message(&err)),
        E::BodyExceedsLimit(n) => HttpError::TooLarge(n),
        E::Protocol(p) => HttpError::Other(format!("the answer is not HTTP ({p})")),
        other => HttpError::Other(other.to_string()),
    }
}

/// What went wrong in TLS, in words: the certificate problems a user can
/// act on are named.
fn tls_message(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => {
            let why = match c {
                C::Expired | C::ExpiredContext { .. } => "it has expired".to_string(),
                C::NotValidYet | C::NotValidYetContext { .. } => "it is not valid yet".to_string(),
                C::UnknownIssuer => {
                    "it is signed by an authority that is not trusted (trust its CA with --ca-file)"
                        .to_string()
                }
                C::NotValidForName | C::NotValidForNameContext { .. } => {
                    "it is not valid for this host name".to_string()
                }
                C::Revoked => "it has been revoked".to_string(),
                C::BadSignature => "its signature is invalid".to_string(),
                other => format!("{other:?}"),
            };
            format!("the server's certificate was refused: {why}")
        }
        other => other.to_string(),
    }
}

/// A rate limit's reset header: seconds from now, or (above 10^9, as many
/// APIs send it) a unix time.
fn rate_limit_reset(value: &str) -> Option<Duration> {
    let reset = value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)?;
    let now = chrono::Utc::now().timestamp() as f64;
    let wait = if reset > 1e9 { reset - now } else { reset };
    Some(Duration::from_secs(wait.ceil().max(0.0) as u64))
}

/// `Retry-After`: seconds, or an HTTP date (RFC 9110 §10.2.3).
fn retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    (at.to_utc() - chrono::Utc::now()).to_std().ok()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxied_answer_is_read_whole_or_chunked() {
        let whole = |raw: &[u8]| parse_proxied(raw, false).unwrap().unwrap();
        let r = whole(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}");
        assert_eq!((r.status, r.body.as_str()), (201, "{}"));
        let r = whole(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
        assert_eq!(r.body, "abcde");
        // No body to wait for, whatever the version; 1xx skipped.
        assert_eq!(whole(b"HTTP/1.0 204 No Content\r\n\r\n").status, 204);
        assert_eq!(
            whole(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .status,
            200
        );
        // Not yet whole: wait; at the end of the connection: an error or the rest.
        for partial in [
            &b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"[..],
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nno length",
        ] {
            assert!(parse_proxied(partial, false).unwrap().is_none());
        }
        assert_eq!(
            parse_proxied(b"HTTP/1.1 200 OK\r\n\r\nto the end", true)
                .unwrap()
                .unwrap()
                .body,
            "to the end"
        );
        assert!(parse_proxied(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", true).is_err());
        assert!(parse_proxied(b"garbage\r\n\r\n", false).is_err());
        // A chunk size past memory is refused, not added up.
        assert!(
            parse_proxied(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
                false
            )
            .is_err()
        );
    }

    #[test]
    fn excerpt_is_one_short_line() {
        assert_eq!(excerpt("a\n  b\tc"), "a b c");
        assert_eq!(excerpt(&"x".repeat(500)).chars().count(), 121);
    }

    #[test]
    fn retry_after_takes_seconds_and_dates() {
        assert_eq!(retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        let later = (chrono::Utc::now() + chrono::Duration::seconds(90)).to_rfc2822();
        let d = retry_after(&later).unwrap();
        assert!(
            d > Duration::from_secs(85) && d <= Duration::from_secs(90),
            "{d:?}"
        );
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn jitter_stays_within_a_quarter() {
        let d = jitter(Duration::from_millis(1000));
        assert!(d >= Duration::from_millis(750) && d <= Duration::from_millis(1250));
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

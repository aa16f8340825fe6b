//! etcd through its v3 JSON gateway (`POST /v3/kv/range`, `/v3/kv/txn`,
//! `/v3/lease/grant`, ...): keys and values are base64, 64-bit integers
//! are strings, a transaction is atomic across keys. No gRPC: the HTTP
//! client greenlight already has ([`crate::http`]).
//!
//! - **Fail-over.** Endpoints are tried in turn, starting with the last one
//!   that answered; a refused or timed-out connection, a 5xx, or an answer
//!   that the cluster has no leader moves to the next. When none answers,
//!   the error names each endpoint and what happened there.
//! - **Auth.** With `user` and `password_env`, greenlight asks
//!   `/v3/auth/authenticate` for a token, sends it as `Authorization`, and
//!   asks again once when etcd says it is no longer valid. The password and
//!   the token are secrets: never printed, scrubbed from every message.
//! - **TLS.** `https://` endpoints are verified against `ca_file` (or the
//!   run's `--ca-file`, or the built-in roots); `cert_file`/`key_file` add
//!   a client certificate.
//!
//! Every call is bounded by the store's timeout per attempt and by the
//! run's deadline.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::encode::{base64, base64_decode};
use crate::http::{self, Deadline, HttpError, Policy, Request};
use crate::secret::{Secret, Secrets};

/// A store call that failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// No endpoint answered: each one and why.
    #[error("etcd could not be reached: {}", .0.join("; "))]
    Unreachable(Vec<String>),
    /// An endpoint answered with an error that another would give too
    /// (permission denied, a bad request, failed authentication).
    #[error("etcd refused: {0}")]
    Refused(String),
    /// An answer greenlight cannot read.
    #[error("etcd answered something unexpected: {0}")]
    BadAnswer(String),
}

impl StoreError {
    /// The failure kind for reports.
    pub fn failure(&self) -> crate::failure::Failure {
        use crate::failure::Failure;
        match self {
            StoreError::Unreachable(causes) => Failure::Http {
                error: crate::http::HttpError::Other(self.to_string()),
                attempts: u32::try_from(causes.len()).unwrap_or(u32::MAX),
            },
            StoreError::Refused(m) => Failure::Declined {
                kind: "etcd".into(),
                message: m.clone(),
            },
            StoreError::BadAnswer(m) => Failure::BadAnswer(format!("etcd: {m}")),
        }
    }
}

/// One key's value and revisions.
#[derive(Debug, Clone, PartialEq)]
pub struct Kv {
    /// Without the store's prefix.
    pub key: String,
    pub value: String,
    pub create_revision: i64,
    pub mod_revision: i64,
    pub lease: i64,
}

/// A condition of a transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Compare {
    /// The key does not exist.
    Absent(String),
    /// The key was last changed at this revision (0: it does not exist).
    ModRevision(String, i64),
    /// The key holds this value.
    Value(String, String),
}

/// An operation of a transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Put {
        key: String,
        value: String,
        lease: Option<i64>,
    },
    Delete(String),
    /// Read one key, or with `prefix` every key under it.
    Range {
        key: String,
        prefix: bool,
    },
}

/// What a transaction did: whether its conditions held, and what each of
/// the operations it ran read (ranges; others give nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct TxnResult {
    pub succeeded: bool,
    pub ranges: Vec<Vec<Kv>>,
}

/// A client of one etcd cluster.
pub struct Etcd {
    endpoints: Vec<String>,
    prefix: String,
    user: Option<(String, Secret)>,
    tls: Option<ureq::tls::TlsConfig>,
    policy: Policy,
    /// The endpoint that answered last.
    preferred: AtomicUsize,
    token: Mutex<Option<Secret>>,
    secrets: Mutex<Secrets>,
}

/// What a store is built from (`store:` in the config).
pub struct EtcdSpec {
    pub endpoints: Vec<String>,
    pub prefix: String,
    pub user: Option<(String, Secret)>,
    pub tls: Option<ureq::tls::TlsConfig>,
    pub policy: Policy,
}

impl Etcd {
    pub fn new(spec: EtcdSpec) -> Etcd {
        let mut secrets = Secrets::new();
        if let Some((_, password)) = &spec.user {
            secrets.add_secret(password);
        }
        Etcd {
            endpoints: spec.endpoints,
            prefix: spec.prefix,
            user: spec.user,
            tls: spec.tls,
            policy: spec.policy,
            preferred: AtomicUsize::new(0),
            token: Mutex::new(None),
            secrets: Mutex::new(secrets),
        }
    }

    /// `etcd (https://etcd-1:2379, ...)` for messages.
    pub fn describe(&self) -> String {
        let shown: Vec<String> = self
            .endpoints
            .iter()
            .map(|e| crate::secret::redact_url(e))
            .collect();
        format!("etcd ({})", shown.join(", "))
    }

    /// Everything that must never be printed (the password, the token).
    pub fn secrets(&self) -> Secrets {
        self.secrets
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    fn full(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// One key.
    pub fn get(&self, key: &str, deadline: Deadline) -> Result<Option<Kv>, StoreError> {
        let answer = self.call(
            "/v3/kv/range",
            &range_body(&self.full(key), false),
            deadline,
        )?;
        Ok(self.kvs(&answer)?.into_iter().next())
    }

    /// Every key under `prefix`, in key order.
    pub fn list(&self, prefix: &str, deadline: Deadline) -> Result<Vec<Kv>, StoreError> {
        let answer = self.call(
            "/v3/kv/range",
            &range_body(&self.full(prefix), true),
            deadline,
        )?;
        self.kvs(&answer)
    }

    /// Deletes one key (no condition).
    pub fn delete(&self, key: &str, deadline: Deadline) -> Result<(), StoreError> {
        let body = json!({ "key": base64(self.full(key).as_bytes()) });
        self.call("/v3/kv/deleterange", &body, deadline).map(|_| ())
    }

    /// An atomic transaction: if every compare holds, `success`, else
    /// `failure`.
    pub fn txn(
        &self,
        compares: &[Compare],
        success: &[Op],
        failure: &[Op],
        deadline: Deadline,
    ) -> Result<TxnResult, StoreError> {
        let compare: Vec<Value> = compares
            .iter()
            .map(|c| match c {
                Compare::Absent(k) => json!({
                    "key": base64(self.full(k).as_bytes()),
                    "target": "VERSION", "result": "EQUAL", "version": "0"
                }),
                Compare::ModRevision(k, r) => json!({
                    "key": base64(self.full(k).as_bytes()),
                    "target": "MOD", "result": "EQUAL", "mod_revision": r.to_string()
                }),
                Compare::Value(k, v) => json!({
                    "key": base64(self.full(k).as_bytes()),
                    "target": "VALUE", "result": "EQUAL", "value": base64(v.as_bytes())
                }),
            })
            .collect();
        let ops = |ops: &[Op]| -> Vec<Value> { ops.iter().map(|o| self.op(o)).collect() };
        let body = json!({ "compare": compare, "success": ops(success), "failure": ops(failure) });
        let answer = self.call("/v3/kv/txn", &body, deadline)?;
        let succeeded = answer
            .get("succeeded")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut ranges = Vec::new();
        for r in answer
            .get("responses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(range) = r.get("response_range") {
                ranges.push(self.kvs(range)?);
            }
        }
        Ok(TxnResult { succeeded, ranges })
    }

    fn op(&self, op: &Op) -> Value {
        match op {
            Op::Put { key, value, lease } => {
                let mut put = json!({
                    "key": base64(self.full(key).as_bytes()),
                    "value": base64(value.as_bytes()),
                });
                if let Some(id) = lease {
                    put["lease"] = Value::String(id.to_string());
                }
                json!({ "request_put": put })
            }
            Op::Delete(key) => {
                json!({ "request_delete_range": { "key": base64(self.full(key).as_bytes()) } })
            }
            Op::Range { key, prefix } => {
                json!({ "request_range": range_body(&self.full(key), *prefix) })
            }
        }
    }

    /// A lease of `ttl` seconds: its id.
    pub fn grant(&self, ttl: i64, deadline: Deadline) -> Result<i64, StoreError> {
        let answer = self.call(
            "/v3/lease/grant",
            &json!({ "TTL": ttl.to_string() }),
            deadline,
        )?;
        int(answer.get("ID")).ok_or_else(|| StoreError::BadAnswer("a lease without an ID".into()))
    }

    /// Ends a lease now, and every key attached to it.
    pub fn revoke(&self, id: i64, deadline: Deadline) -> Result<(), StoreError> {
        self.call(
            "/v3/lease/revoke",
            &json!({ "ID": id.to_string() }),
            deadline,
        )
        .map(|_| ())
    }

    /// Renews a lease for its time to live; false when it has already
    /// expired.
    pub fn keep_alive(&self, id: i64, deadline: Deadline) -> Result<bool, StoreError> {
        let answer = self.call(
            "/v3/lease/keepalive",
            &json!({ "ID": id.to_string() }),
            deadline,
        )?;
        // The gateway streams: one JSON object per message, `result` each.
        let ttl = answer
            .get("result")
            .and_then(|r| int(r.get("TTL")))
            .unwrap_or(0);
        Ok(ttl > 0)
    }

    /// Decodes the `kvs` of a range answer, dropping the prefix.
    fn kvs(&self, answer: &Value) -> Result<Vec<Kv>, StoreError> {
        let mut out = Vec::new();
        for kv in answer
            .get("kvs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = |field: &str| -> Result<String, StoreError> {
                let raw = kv.get(field).and_then(Value::as_str).unwrap_or("");
                let bytes = base64_decode(raw)
                    .ok_or_else(|| StoreError::BadAnswer(format!("`{field}` is not base64")))?;
                String::from_utf8(bytes)
                    .map_err(|_| StoreError::BadAnswer(format!("`{field}` is not UTF-8 text")))
            };
            let key = text("key")?;
            out.push(Kv {
                key: key.strip_prefix(&self.prefix).unwrap_or(&key).to_string(),
                value: text("value")?,
                create_revision: int(kv.get("create_revision")).unwrap_or(0),
                mod_revision: int(kv.get("mod_revision")).unwrap_or(0),
                lease: int(kv.get("lease")).unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// One call, failing over between endpoints within the deadline.
    pub fn call(&self, path: &str, body: &Value, deadline: Deadline) -> Result<Value, StoreError> {
        let mut reauthenticated = false;
        loop {
            match self.call_once(path, body, deadline) {
                Err(Failed::TokenExpired) if !reauthenticated && self.user.is_some() => {
                    reauthenticated = true;
                    if let Ok(mut t) = self.token.lock() {
                        *t = None;
                    }
                }
                Err(Failed::TokenExpired) => {
                    return Err(StoreError::Refused("the auth token was refused".into()));
                }
                Err(Failed::Store(e)) => return Err(e),
                Ok(v) => return Ok(v),
            }
        }
    }

    fn call_once(&self, path: &str, body: &Value, deadline: Deadline) -> Result<Value, Failed> {
        let token = self.token(deadline)?;
        self.round(path, body, token.as_ref(), deadline)
    }

    /// The auth token, asked for once.
    fn token(&self, deadline: Deadline) -> Result<Option<Secret>, Failed> {
        let Some((user, password)) = &self.user else {
            return Ok(None);
        };
        if let Some(t) = self.token.lock().ok().and_then(|t| t.clone()) {
            return Ok(Some(t));
        }
        let body = json!({ "name": user, "password": password.expose() });
        let answer = self.round("/v3/auth/authenticate", &body, None, deadline)?;
        let token = answer.get("token").and_then(Value::as_str).ok_or_else(|| {
            Failed::Store(StoreError::BadAnswer("authentication gave no token".into()))
        })?;
        let token = Secret::new(token);
        if let Ok(mut s) = self.secrets.lock() {
            s.add_secret(&token);
        }
        if let Ok(mut t) = self.token.lock() {
            *t = Some(token.clone());
        }
        Ok(Some(token))
    }

    /// Tries every endpoint once, from the preferred one, for up to
    /// `retries + 1` rounds.
    fn round(
        &self,
        path: &str,
        body: &Value,
        token: Option<&Secret>,
        deadline: Deadline,
    ) -> Result<Value, Failed> {
        let n = self.endpoints.len().max(1);
        let first = self.preferred.load(Ordering::Relaxed) % n;
        let mut causes: Vec<String> = Vec::new();
        let secrets = self.secrets();
        let rounds = self.policy.retries as usize + 1;
        for attempt in 0..n * rounds {
            if deadline.passed() {
                causes.push("the run's deadline was reached".into());
                break;
            }
            if attempt > 0 && attempt % n == 0 {
                std::thread::sleep(self.policy.backoff.min(deadline.remaining()));
            }
            let i = (first + attempt) % n;
            let endpoint = &self.endpoints[i];
            let url = format!("{}{path}", endpoint.trim_end_matches('/'));
            let mut req = Request::new("POST", &url);
            req.json_body = Some(body.to_string());
            req.tls = self.tls.as_ref();
            if let Some(t) = token {
                req.headers
                    .push(("Authorization".into(), t.expose().to_string()));
            }
            let once = Policy {
                retries: 0,
                ..self.policy
            };
            let shown = crate::secret::redact_url(endpoint);
            match http::send(&req, once, deadline) {
                Ok(resp) if resp.status == 200 => {
                    let v: Value = serde_json::from_str(&resp.body).map_err(|_| {
                        Failed::Store(StoreError::BadAnswer(format!(
                            "{shown}: not JSON: {}",
                            secrets.clean(&http::excerpt(&resp.body))
                        )))
                    })?;
                    self.preferred.store(i, Ordering::Relaxed);
                    return Ok(v);
                }
                Ok(resp) => {
                    let (code, message) = etcd_error(&resp.body);
                    let message = secrets.clean(&message);
                    match code {
                        // Unauthenticated: the token expired or was revoked.
                        Some(16) if token.is_some() => return Err(Failed::TokenExpired),
                        // Unavailable, deadline exceeded, aborted: this
                        // member cannot serve now (no leader, leader change).
                        Some(14 | 4 | 10) => causes.push(format!("{shown}: {message}")),
                        _ => {
                            return Err(Failed::Store(StoreError::Refused(format!(
                                "{shown}: HTTP {}: {message}",
                                resp.status
                            ))));
                        }
                    }
                }
                Err((HttpError::Status { status, body }, _)) => {
                    let (_, message) = etcd_error(&body);
                    causes.push(format!(
                        "{shown}: HTTP {status}: {}",
                        secrets.clean(&message)
                    ));
                }
                Err((HttpError::Tls(m), _)) => {
                    // The same certificate on every round: say it once.
                    let cause = format!("{shown}: TLS: {m}");
                    if !causes.contains(&cause) {
                        causes.push(cause);
                    }
                }
                Err((e, _)) => {
                    let cause = format!("{shown}: {}", e.scrub(&secrets));
                    if !causes.contains(&cause) {
                        causes.push(cause);
                    }
                }
            }
        }
        Err(Failed::Store(StoreError::Unreachable(causes)))
    }
}

/// Why one round of calls failed.
enum Failed {
    TokenExpired,
    Store(StoreError),
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Self {
        Failed::Store(e)
    }
}

fn range_body(key: &str, prefix: bool) -> Value {
    let mut body = json!({ "key": base64(key.as_bytes()) });
    if prefix {
        body["range_end"] = Value::String(base64(&prefix_end(key.as_bytes())));
    }
    body
}

/// The first key after every key starting with `prefix` (etcd's
/// `range_end` for a prefix): the prefix with its last byte below 0xff
/// incremented.
fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    // Every byte 0xff (or empty): to the end of the keyspace.
    vec![0]
}

/// A JSON int64: etcd's gateway writes them as strings.
fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// etcd's error answer: `{"error": "...", "code": 7, "message": "..."}`,
/// or on a streaming endpoint (`/v3/lease/keepalive`) `{"error":
/// {"grpc_code": 16, "message": "..."}}`.
fn etcd_error(body: &str) -> (Option<i64>, String) {
    match serde_json::from_str::<Value>(body) {
        Ok(v) if v.get("error").is_some_and(Value::is_object) => {
            let e = &v["error"];
            (
                int(e.get("grpc_code").or_else(|| e.get("code"))),
                e.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        }
        Ok(v) => (
            int(v.get("code")),
            v.get("message")
                .or_else(|| v.get("error"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        ),
        Err(_) => (None, http::excerpt(body)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_end_is_the_next_key() {
        assert_eq!(prefix_end(b"/g/"), b"/g0".to_vec());
        assert_eq!(prefix_end(b"a\xff"), b"b".to_vec());
        assert_eq!(prefix_end(b"\xff"), vec![0]);
    }

    #[test]
    fn int64_as_strings_or_numbers() {
        assert_eq!(
            int(Some(&json!("4111120443225320453"))),
            Some(4_111_120_443_225_320_453)
        );
        assert_eq!(int(Some(&json!(30))), Some(30));
        assert_eq!(int(Some(&json!(null))), None);
        assert_eq!(int(None), None);
    }

    #[test]
    fn error_answers_are_read() {
        let (code, m) = etcd_error(
            r#"{"error":"etcdserver: permission denied","message":"etcdserver: permission denied","code":7}"#,
        );
        assert_eq!(
            (code, m.as_str()),
            (Some(7), "etcdserver: permission denied")
        );
        assert_eq!(etcd_error("<html>").0, None);
        let (code, m) = etcd_error(
            r#"{"error":{"grpc_code":16,"http_code":401,"message":"etcdserver: invalid auth token"}}"#,
        );
        assert_eq!(
            (code, m.as_str()),
            (Some(16), "etcdserver: invalid auth token")
        );
    }
}

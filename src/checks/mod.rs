//! Semantic HTTP checks: after a deploy, before traffic moves, prove that
//! the new stack answers, with the right status and content, fast enough,
//! with a certificate that is valid and not about to expire.
//! Issue #3; product spec in `PRODUCT.md` ("Semantic checks").
//!
//! # The flow
//!
//! ```text
//! YAML `checks:` ─serde─▶ Vec<CheckSpec> ─prepare(ctx)─▶ Vec<Check> ─run(options, ctx)─▶ CheckRun ─▶ Outcome
//!                (validated leaves:       (${VAR}s filled,            (concurrent, retried,   (results as data,
//!                 line:col + check name)   URL parsed, secrets known)  bounded by a deadline)   redacted)
//! ```
//!
//! - [`CheckSpec`]: one check as written; `Deserialize` from YAML. Every
//!   leaf is validated as it is read, so a bad regex, predicate, JSON
//!   location, status, duration or address fails with serde-saphyr's line,
//!   column and caret, and a message naming the check and the field:
//!   `check `home`: expect.json `$.a`: unknown predicate `eq 3` (...)`.
//!   [`CheckSpec::quick`] makes one from `--url`, `--expect-status`,
//!   `--expect-body-contains`.
//! - [`prepare`]: fills `${VAR}` (URL, headers, `resolve`) from
//!   [`Context::env`](crate::Context); an unset variable or a duplicate
//!   name is a [`CheckError`] (exit 2) naming check and field.
//! - [`run`]: runs [`Check`]s under [`RunOptions`] (concurrency, deadline,
//!   default timeouts, body cap, CA roots) and returns a [`CheckRun`]:
//!   every [`CheckResult`] with its [`AssertResult`]s, totals, and the
//!   [`Outcome`](crate::Outcome): all passed → go; any failed → no-go;
//!   otherwise (unreachable, timed out) → inconclusive.
//!
//! # The YAML
//!
//! ```yaml
//! checks:
//!   - name: health
//!     url: https://shop.example.com/health
//!     resolve: ${NEW_STACK_IP}             # connect here; Host, SNI, certificate stay shop.example.com
//!     retry: 2m                            # a fresh stack: try until it passes, up to 2 minutes
//!     expect:
//!       status: 200                        # or [200, 204], or 2xx (the default)
//!       json:
//!         /status: == ok                   # JSON Pointer
//!         $.checks.db.latency_ms: "< 50"   # JSONPath subset
//!         $.version: matches ^2\.
//!         $.errors: not exists
//!       latency: < 500ms
//!       tls_days_left: "> 14"
//!
//!   - name: home
//!     url: https://shop.example.com/
//!     resolve: ${NEW_STACK_IP}
//!     headers:
//!       Accept-Language: en
//!     expect:
//!       headers:
//!         Content-Type: contains text/html
//!         Cache-Control: [exists, "matches max-age=\\d+"]
//!       body:
//!         contains: [Welcome, "</html>"]
//!         not_contains: [Exception, "Internal Server Error"]
//!
//!   - name: login page redirects to SSO
//!     url: https://shop.example.com/login
//!     resolve: ${NEW_STACK_IP}
//!     expect:
//!       status: 302                        # redirects are not followed by default
//!       headers:
//!         Location: matches ^https://sso\.example\.com/
//!
//!   - name: search API
//!     method: POST
//!     url: https://api.example.com/v1/search
//!     resolve: ${NEW_STACK_IP}:8443
//!     headers:
//!       Authorization: Bearer ${API_TOKEN} # never shown: secret by name and by variable
//!     body: { query: shoes, limit: 3 }     # YAML value sent as JSON; a string is sent as text
//!     timeout: 5s
//!     follow_redirects: 3
//!     expect:
//!       json:
//!         $.results: is array
//!         $.results[0].price: ["> 0", "< 10000"]
//!         $.results[-1].id: exists
//!         $.total: ">= 1"
//! ```
//!
//! Predicates are one string each (see [`predicate`]):
//! `== V`, `!= V`, `< N`, `<= N`, `> N`, `>= N`, `contains V`,
//! `not contains V`, `matches RE`, `not matches RE`, `exists`,
//! `not exists`, `is TYPE`, `is not TYPE`. YAML reads a leading `>` or `!`
//! itself: quote those (`"> 0"`, `"!= 3"`). Compared with Hurl's asserts
//! and Gatus's conditions: the same predicates for one value, without a
//! query language to learn; the key says where (`/a/0`, `$.a[0]`, a header
//! name) and the value says what.
//!
//! # Results
//!
//! A [`CheckResult`] serialized (from the e2e test `a_failing_check_says_expected_and_actual`):
//!
//! ```json
//! {
//!   "name": "health",
//!   "method": "GET",
//!   "url": "http://127.0.0.1:8080/health",
//!   "outcome": "failed",
//!   "attempts": 1,
//!   "duration_ms": 12,
//!   "status": 503,
//!   "latency_ms": 11,
//!   "final_url": null,
//!   "body_bytes": 33,
//!   "body_truncated": false,
//!   "tls_days_left": null,
//!   "error": null,
//!   "asserts": [
//!     { "kind": "status", "description": "status is 200", "expected": "200", "actual": "503", "passed": false },
//!     { "kind": "json", "description": "/status == ok", "expected": "== ok", "actual": "\"degraded\"", "passed": false }
//!   ],
//!   "warnings": []
//! }
//! ```
//!
//! A [`CheckRun`] wraps them:
//! `{"outcome": "no_go", "totals": {"checks": 3, "passed": 2, "failed": 1,
//! "error": 0, "timed_out": 0}, "duration_ms": 412, "results": [...]}`.
//! Reports only read these; [`CheckRun::outcome`] is the decision.
//!
//! Secrets (Authorization and other secret-looking headers, values marked
//! `secret: true`, `${VAR}`s whose names contain TOKEN/KEY/SECRET/PASSWORD,
//! passwords in URLs) never appear in results, errors or logs.

mod bounds;
mod check;
mod error;
mod evaluate;
mod excerpt;
mod expect;
mod headers;
#[cfg(test)]
mod load_tests;
mod locator;
#[cfg(test)]
mod no_panic_tests;
mod options;
mod pattern;
mod predicate;
mod redact;
mod resolver;
mod result;
mod retry;
mod run;
mod scope;
mod spec;
mod status;
mod tls_probe;
mod transport;

pub use bounds::{DaysBound, LatencyBound};
pub use check::{Check, prepare};
pub use error::CheckError;
pub use expect::{BodyExpect, Expect, HeaderAsserts, JsonAsserts, OneOrMany};
pub use headers::{HeaderSpec, Headers};
pub use locator::Locator;
pub use options::{
    DEFAULT_CONCURRENCY, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY, DEFAULT_TIMEOUT, RunOptions,
    Trust,
};
pub use pattern::Pattern;
pub use predicate::Predicate;
pub use predicate::Subject;
pub use resolver::ConnectTo;
pub use result::{AssertKind, AssertResult, CheckOutcome, CheckResult, CheckRun, Totals};
pub use retry::Retry;
pub use run::run;
pub use spec::{CheckSpec, Method, RequestBody, parse_resolve};
pub use status::StatusSet;

//! Judges one response against a check's `expect:` block, producing one
//! [`AssertResult`] per assert with what was expected and what was seen.
//!
//! Order: status, headers, body, JSON, latency, TLS days left, as written
//! within each. A check that does not say which status it expects gets
//! `status is 2xx (default)`: a 500 with no asserts must not pass.
//!
//! ```text
//! status is 200                 expected 200       actual 503
//! $.status == ok                expected == ok     actual "degraded"
//! body contains `Welcome`       expected contains  actual <html><title>Error…  (2048 bytes)
//! ```

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::check::Check;
use super::excerpt;
use super::predicate::{self, Subject};
use super::redact::is_secret_header;
use super::result::{AssertKind, AssertResult};
use super::status::StatusSet;
use super::tls_probe::CertInfo;
use super::transport::Exchange;

/// Every assert of the check against this response. `cert` is the probed
/// certificate when the check asserts `tls_days_left`.
pub fn asserts(
    check: &Check,
    x: &Exchange,
    cert: Option<&Result<CertInfo, String>>,
    now: DateTime<Utc>,
    max_body: usize,
) -> Vec<AssertResult> {
    let mut out = vec![status(check, x)];
    let expect = &check.expect;

    for (name, predicates) in &expect.headers.0 {
        let value = x.header(name);
        for p in predicates {
            let passed = p.test(Subject::Text(value.as_deref()));
            let actual = match &value {
                Some(v) if is_secret_header(name) => format!("(hidden, {} bytes)", v.len()),
                _ => predicate::show(Subject::Text(value.as_deref())),
            };
            out.push(assert(
                AssertKind::Header,
                format!("header {name} {}", p.as_str()),
                p.as_str(),
                actual,
                passed,
            ));
        }
    }

    let text = String::from_utf8_lossy(&x.body);
    // Borrowed exactly when the body is valid UTF-8: no second scan.
    let start = || match &text {
        Cow::Borrowed(t) => excerpt::body_start(t, x.body.len()),
        Cow::Owned(_) => format!("({} bytes, not UTF-8 text)", x.body.len()),
    };
    let truncated_note = x.truncated.then(|| {
        format!(
            "the body is larger than {}: asserted on its first part",
            size(max_body)
        )
    });
    let body = &expect.body;
    // Each body assert: what it wants, where it was found, whether finding
    // it is a pass; the excerpt shows where it is (or the body's start).
    let contains = body.contains.0.iter().map(|n| {
        let found = text.find(n.as_str()).map(|i| i..i + n.len());
        (format!("contains `{n}`"), found, true)
    });
    let absent = body.not_contains.0.iter().map(|n| {
        let found = text.find(n.as_str()).map(|i| i..i + n.len());
        (format!("does not contain `{n}`"), found, false)
    });
    let matches = body
        .matches
        .0
        .iter()
        .map(|p| (format!("matches `{p}`"), p.find(&text), true));
    for (what, found, wanted) in contains.chain(absent).chain(matches) {
        let passed = found.is_some() == wanted;
        let actual = found.map_or_else(&start, |r| excerpt::around(&text, r));
        out.push(
            assert(
                AssertKind::Body,
                format!("body {what}"),
                &what,
                actual,
                passed,
            )
            .noted(&truncated_note),
        );
    }

    if !expect.json.0.is_empty() {
        let doc = serde_json::from_slice::<Value>(&x.body);
        for (locator, predicates) in &expect.json.0 {
            for p in predicates {
                let description = format!("{} {}", locator.as_str(), p.as_str());
                let (actual, passed) = match &doc {
                    Ok(doc) => {
                        let value = locator.find(doc);
                        (
                            predicate::show(Subject::Json(value)),
                            p.test(Subject::Json(value)),
                        )
                    }
                    Err(e) => (format!("the body is not JSON ({e}): {}", start()), false),
                };
                out.push(
                    assert(AssertKind::Json, description, p.as_str(), actual, passed)
                        .noted(&truncated_note),
                );
            }
        }
    }

    if let Some(bound) = expect.latency {
        let ms = x.latency.as_millis();
        out.push(assert(
            AssertKind::Latency,
            format!("latency {bound}"),
            &bound.to_string(),
            format!("{ms}ms"),
            bound.holds(x.latency),
        ));
    }

    if let (Some(bound), Some(cert)) = (expect.tls_days_left, cert) {
        let (actual, passed) = match cert {
            Ok(info) => {
                let days = info.days_left(now);
                (
                    format!(
                        "{days} (expires {})",
                        info.not_after.format("%Y-%m-%d %H:%M UTC")
                    ),
                    bound.holds(days),
                )
            }
            Err(e) => (format!("not read: {e}"), false),
        };
        out.push(assert(
            AssertKind::Tls,
            format!("TLS certificate days left {bound}"),
            &bound.to_string(),
            actual,
            passed,
        ));
    }
    out
}

/// The assert a certificate that does not verify fails.
pub fn certificate_rejected(check: &Check, why: &str) -> AssertResult {
    let (host, _) = check.host_port();
    assert(
        AssertKind::Tls,
        format!("TLS certificate is valid for {host}"),
        &format!("a certificate for {host} from a trusted authority"),
        why.to_string(),
        false,
    )
}

fn status(check: &Check, x: &Exchange) -> AssertResult {
    let (set, description) = match &check.expect.status {
        Some(set) => (set.clone(), format!("status is {set}")),
        None => (StatusSet::success(), "status is 2xx (default)".to_string()),
    };
    let mut actual = x.status.to_string();
    if (300..400).contains(&x.status)
        && let Some(location) = x.header("location")
    {
        actual = format!("{actual} (redirect to {})", excerpt::text(&location));
    }
    assert(
        AssertKind::Status,
        description,
        &set.to_string(),
        actual,
        set.contains(x.status),
    )
}

fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1024 * 1024 && b % (1024 * 1024) == 0 => format!("{} MiB", b / (1024 * 1024)),
        b if b >= 1024 && b % 1024 == 0 => format!("{} KiB", b / 1024),
        b => format!("{b} bytes"),
    }
}

fn assert(
    kind: AssertKind,
    description: String,
    expected: &str,
    actual: String,
    passed: bool,
) -> AssertResult {
    AssertResult {
        kind,
        description,
        expected: expected.to_string(),
        actual,
        passed,
        note: None,
    }
}

impl AssertResult {
    fn noted(mut self, note: &Option<String>) -> Self {
        self.note = note.clone();
        self
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::Context;
    use crate::checks::CheckSpec;
    use crate::checks::check::prepare_one;

    fn check(expect: &str) -> Check {
        let yaml = format!("name: c\nurl: https://shop.test/\nexpect: {expect}\n");
        let spec: CheckSpec = serde_saphyr::from_str(&yaml).unwrap();
        prepare_one(&spec, &Context::from_process()).unwrap()
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        Exchange {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_lowercase(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            truncated: false,
            latency: Duration::from_millis(120),
            final_url: None,
            connected: None,
        }
    }

    fn judge(expect: &str, x: &Exchange) -> Vec<AssertResult> {
        asserts(&check(expect), x, None, Utc::now(), 1024 * 1024)
    }

    fn row(a: &AssertResult) -> (&str, &str, &str, bool) {
        (&a.description, &a.expected, &a.actual, a.passed)
    }

    #[test]
    fn status_defaults_to_2xx_and_shows_redirects() {
        let got = judge(
            "{}",
            &response(301, &[("Location", "https://shop.test/new")], ""),
        );
        assert_eq!(
            row(&got[0]),
            (
                "status is 2xx (default)",
                "2xx",
                "301 (redirect to https://shop.test/new)",
                false
            )
        );
        let got = judge("{ status: [200, 204] }", &response(204, &[], ""));
        assert_eq!(
            row(&got[0]),
            ("status is 200 or 204", "200 or 204", "204", true)
        );
    }

    #[test]
    fn headers_are_matched_case_insensitively_and_secrets_hidden() {
        let x = response(
            200,
            &[
                ("Content-Type", "text/html"),
                ("Set-Cookie", "sid=abc"),
                ("Vary", "a"),
                ("Vary", "b"),
            ],
            "",
        );
        let got = judge(
            "{ headers: { content-type: contains json, Set-Cookie: == x, vary: '== a, b', X-Missing: exists } }",
            &x,
        );
        assert_eq!(
            row(&got[1]),
            (
                "header content-type contains json",
                "contains json",
                "text/html",
                false
            )
        );
        assert_eq!(
            row(&got[2]),
            ("header Set-Cookie == x", "== x", "(hidden, 7 bytes)", false)
        );
        assert!(got[3].passed);
        assert_eq!(
            row(&got[4]),
            ("header X-Missing exists", "exists", "(missing)", false)
        );
    }

    #[test]
    fn body_asserts_show_where_they_looked() {
        let body = format!("{}Exception at line 3{}", "x".repeat(200), "y".repeat(200));
        let got = judge(
            "{ body: { contains: Welcome, not_contains: Exception, matches: 'line \\d' } }",
            &response(200, &[], &body),
        );
        assert!(
            !got[1].passed && got[1].actual.ends_with("…  (419 bytes)"),
            "{}",
            got[1].actual
        );
        assert!(
            !got[2].passed && got[2].actual.contains("xException at line 3y"),
            "{}",
            got[2].actual
        );
        assert!(got[3].passed && got[3].actual.contains("line 3"));
        assert_eq!(got[2].description, "body does not contain `Exception`");
    }

    #[test]
    fn truncated_bodies_are_noted() {
        let mut x = response(200, &[], "{\"a\": 1");
        x.truncated = true;
        let got = asserts(&check("{ json: { /a: == 1 } }"), &x, None, Utc::now(), 7);
        assert_eq!(
            got[1].note.as_deref(),
            Some("the body is larger than 7 bytes: asserted on its first part")
        );
        assert!(
            got[1]
                .actual
                .starts_with("the body is not JSON (EOF while parsing"),
            "{}",
            got[1].actual
        );
    }

    #[test]
    fn json_latency_and_days_left() {
        let x = response(200, &[], r#"{"items":[{"price":0}]}"#);
        let got = judge(
            "{ json: { '$.items[0].price': '> 0', /items: is array }, latency: < 100ms }",
            &x,
        );
        assert_eq!(row(&got[1]), ("$.items[0].price > 0", "> 0", "0", false));
        assert!(got[2].passed);
        assert_eq!(row(&got[3]), ("latency < 100ms", "< 100ms", "120ms", false));

        let now: DateTime<Utc> = "2026-05-01T00:00:00Z".parse().unwrap();
        let cert = Ok(CertInfo {
            not_after: "2026-05-11T00:00:00Z".parse().unwrap(),
        });
        let got = asserts(
            &check("{ tls_days_left: '> 14' }"),
            &x,
            Some(&cert),
            now,
            1024,
        );
        assert_eq!(
            row(&got[1]),
            (
                "TLS certificate days left > 14",
                "> 14",
                "10 (expires 2026-05-11 00:00 UTC)",
                false
            )
        );
        let unread = Err("timed out reading the certificate".to_string());
        let got = asserts(
            &check("{ tls_days_left: 14 }"),
            &x,
            Some(&unread),
            now,
            1024,
        );
        assert_eq!(got[1].actual, "not read: timed out reading the certificate");
    }

    #[test]
    fn non_utf8_bodies_are_described_not_dumped() {
        let mut x = response(200, &[], "");
        x.body = vec![0xff, 0xfe, 0x00, 0x01];
        let got = judge("{ body: { contains: PNG } }", &x);
        assert_eq!(got[1].actual, "(4 bytes, not UTF-8 text)");
    }
}

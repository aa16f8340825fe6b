//! A Bitbucket Code Insights report on the commit
//! (<https://developer.atlassian.com/cloud/bitbucket/rest/api-group-reports/>),
//! sent through the Pipelines authenticating proxy, so no credentials are
//! needed: `http://host.docker.internal:29418` inside a pipe,
//! `http://localhost:29418` in a script step (`GREENLIGHT_BITBUCKET_PROXY`
//! replaces it). The proxy takes plain-HTTP requests in absolute form to
//! `http://api.bitbucket.org/2.0/...`, as Atlassian's `curl --proxy`
//! example sends them.
//!
//! A run of the same command (and environment) replaces the report of an
//! earlier one: `DELETE` the report (its annotations go with it), `PUT` it
//! anew (result `PASSED` for exit 0, else `FAILED`; the verdict as details;
//! data: outcome, exit code, score, duration, a link to the step whose
//! artifacts hold the HTML report), then `POST` one annotation per failing
//! metric, check or gate reason, at most 100 per request and 1,000 in all.

use serde_json::{Value, json};

use super::{Publish, shorten};
use crate::checks::CheckOutcome;
use crate::http::{self, Deadline, Request};
use crate::result::{Body, RunResult};

/// Annotations per request, and per report (Bitbucket's limits).
pub const BATCH: usize = 100;
pub const MAX_ANNOTATIONS: usize = 1000;

#[derive(Debug)]
pub struct Plan {
    /// The proxy, `http://localhost:29418` or `http://host.docker.internal:29418`.
    pub proxy: String,
    /// `http://api.bitbucket.org/2.0`.
    pub api: String,
    pub repo: String,
    pub commit: String,
}

/// One annotation: a short summary, the whole reason, how bad.
struct Annotation {
    id: String,
    summary: String,
    details: String,
    severity: &'static str,
}

pub fn publish(
    ci: &Plan,
    p: &Publish,
    run: &RunResult,
    line: &str,
    deadline: Deadline,
) -> Result<(), String> {
    let id = match &p.environment {
        Some(env) => format!("greenlight-{}-{}", run.command(), super::slug(env)),
        None => format!("greenlight-{}", run.command()),
    };
    let report = format!(
        "{}/repositories/{}/commit/{}/reports/{id}",
        ci.api.trim_end_matches('/'),
        ci.repo,
        ci.commit
    );
    let call = |method: &str, url: &str, body: Option<String>| {
        let mut req = Request::new(method, url);
        req.proxy = Some(&ci.proxy);
        req.json_body = body;
        match http::send(&req, super::policy(), deadline) {
            Ok(r) if (200..300).contains(&r.status) || (method == "DELETE" && r.status == 404) => {
                Ok(())
            }
            Ok(r) => Err(format!(
                "Code Insights {method} answered HTTP {}: {}",
                r.status,
                http::excerpt(&r.body)
            )),
            Err((e, _)) => Err(format!("Code Insights {method}: {e}")),
        }
    };
    let fail = |e: String| format!("Code Insights report not published: {e}");
    call("DELETE", &report, None).map_err(fail)?;
    let body = p.secrets.clean(&report_body(p, run, line).to_string());
    call("PUT", &report, Some(body)).map_err(fail)?;
    let annotations = annotations(&id, run);
    let url = format!("{report}/annotations");
    for batch in annotations.chunks(BATCH).take(MAX_ANNOTATIONS / BATCH) {
        let items: Vec<Value> = batch
            .iter()
            .map(|a| {
                json!({
                    "external_id": a.id,
                    "annotation_type": "BUG",
                    "summary": shorten(&a.summary, 450),
                    "details": shorten(&a.details, 2000),
                    "severity": a.severity,
                    "result": "FAILED",
                })
            })
            .collect();
        let body = p.secrets.clean(&Value::Array(items).to_string());
        call("POST", &url, Some(body)).map_err(fail)?;
    }
    if annotations.len() > MAX_ANNOTATIONS {
        return Err(format!(
            "Code Insights shows the first {MAX_ANNOTATIONS} of {} failures (Bitbucket's limit)",
            annotations.len()
        ));
    }
    Ok(())
}

fn report_body(p: &Publish, run: &RunResult, line: &str) -> Value {
    let word = crate::report::outcome_label(run.outcome());
    let mut data = vec![
        json!({"title": "Outcome", "type": "TEXT", "value": word}),
        json!({"title": "Exit code", "type": "NUMBER", "value": run.exit_code()}),
    ];
    if let Some(c) = run.comparison() {
        if let Some(score) = c.verdict.score {
            data.push(json!({"title": "Score", "type": "PERCENTAGE", "value": score}));
        }
        data.push(json!({"title": "Duration", "type": "DURATION", "value": c.duration_ms}));
    }
    if let Some(env) = &p.environment {
        data.push(json!({"title": "Environment", "type": "TEXT", "value": env}));
    }
    if let (Some(html), Some(link)) = (&p.html_report, &p.pipeline.link) {
        let name = html.rsplit('/').next().unwrap_or(html);
        data.push(json!({"title": "HTML report", "type": "LINK", "value": {"text": format!("{name} (step artifacts)"), "href": link}}));
    }
    let mut body = json!({
        "title": format!("greenlight {}", run.command()),
        "details": shorten(line, 2000),
        "report_type": "TEST",
        "reporter": "greenlight",
        "result": if run.exit_code() == 0 { "PASSED" } else { "FAILED" },
        "data": data,
    });
    if let Some(link) = &p.pipeline.link {
        body["link"] = json!(link);
    }
    body
}

/// One per failing metric, check, or gate reason.
fn annotations(id: &str, run: &RunResult) -> Vec<Annotation> {
    let mut out = Vec::new();
    let mut add = |what: &str, summary: String, details: String, severity| {
        let n = out.len();
        out.push(Annotation {
            id: format!("{id}-{what}-{n}"),
            summary,
            details,
            severity,
        });
    };
    let checks = match &run.body {
        Body::Checks(c) => Some(c),
        Body::Verify(v) => Some(&v.checks),
        _ => None,
    };
    for c in checks.iter().flat_map(|c| &c.results) {
        if c.outcome == CheckOutcome::Passed {
            continue;
        }
        let failed: Vec<String> = c
            .failures()
            .map(|a| {
                format!(
                    "{}: expected {}, got {}",
                    a.description, a.expected, a.actual
                )
            })
            .collect();
        let details = match (&c.error, failed.is_empty()) {
            (Some(e), _) => e.clone(),
            (None, false) => failed.join("; "),
            (None, true) => c.outcome.as_str().to_string(),
        };
        add(
            "check",
            format!("check {} {}: {}", c.name, c.outcome.as_str(), details),
            format!("{} {}: {details}", c.method, c.url),
            "HIGH",
        );
    }
    for m in run.comparison().iter().flat_map(|c| &c.verdict.metrics) {
        if m.is_failure() {
            add(
                "metric",
                format!("{} {}: {}", m.name, m.classification.label(), m.reason),
                m.reason.clone(),
                if m.critical { "CRITICAL" } else { "HIGH" },
            );
        }
    }
    if let Body::Gate(g) = &run.body {
        for r in &g.reasons {
            add("gate", r.clone(), r.clone(), "HIGH");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::RunInfo;

    #[test]
    fn a_failing_critical_metric_is_a_critical_annotation() {
        let run = RunResult {
            info: RunInfo::default(),
            body: Body::Compare(Box::new(crate::compare::result::sample())),
        };
        let a = annotations("greenlight-compare", &run);
        // latency_p95 high (critical); an error and a no data are not failures.
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].severity, "CRITICAL");
        assert_eq!(a[0].id, "greenlight-compare-metric-0");
        assert!(
            a[0].summary
                .starts_with("latency_p95 high: latency_p95 rose 30.0%"),
            "{}",
            a[0].summary
        );
    }
}

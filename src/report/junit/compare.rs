//! JUnit test cases for `compare` and `verify` (rendered by
//! [`super::junit`]): one case per metric, and for `verify` one per check.
//!
//! | result | JUnit |
//! |---|---|
//! | metric pass | passed |
//! | metric high / low | `<failure>` |
//! | metric no data, `must_have_data` | `<failure>` |
//! | metric no data otherwise | `<skipped>` (left out of the score, as the judge does) |
//! | metric error (source failed, cannot be judged) | `<error type="refused">` (the failure's kind) |
//! | check: each assert passed / failed | passed / `<failure>` (a case per assert) |
//! | check: error or timed out | one `<error>` case named `reachable` |
//!
//! The message is one line (`latency_p95: high`, `status is 200: expected
//! 200, got 503`); the body holds the judge's reason and the queries.
//!
//! ```xml
//! <testsuite name="greenlight compare" tests="2" failures="1" errors="0" skipped="0" time="0.012">
//!   <testcase classname="compare" name="latency_p95" time="0.006">
//!     <failure message="latency_p95: high">latency_p95 rose 30.0% (95% CI ...) ...
//! baseline: latency_seconds{group="blue"}
//! canary: latency_seconds{group="green"}</failure>
//!   </testcase>
//!   <testcase classname="compare" name="errors" time="0.004"/>
//! </testsuite>
//! ```

use std::time::Duration;

use super::xml::{Case, CaseResult, Suite};
use crate::compare::CompareResult;
use crate::judge::Classification;

pub fn compare_suite(r: &CompareResult) -> Suite {
    let cases = r
        .verdict
        .metrics
        .iter()
        .zip(&r.queries)
        .map(|(m, q)| {
            let mut detail = m.reason.clone();
            for (side, query) in q.sides() {
                detail.push_str(&format!("\n{side}: {}", query.query));
            }
            let message = format!("{}: {}", m.name, m.classification.label());
            let result = match m.classification {
                Classification::Pass => CaseResult::Passed,
                Classification::High | Classification::Low => {
                    CaseResult::Failure { message, detail }
                }
                Classification::NoData if m.must_have_data => {
                    CaseResult::Failure { message, detail }
                }
                Classification::NoData => CaseResult::Skipped {
                    message: m.reason.clone(),
                },
                Classification::Error => CaseResult::Error {
                    message: m.reason.clone(),
                    detail,
                    // Why the metric could not be judged: the first
                    // query's failure (refused, timeout, rejected...).
                    kind: q
                        .sides()
                        .find_map(|(_, query)| query.error_kind)
                        .map(|k| k.as_str().to_string()),
                },
            };
            Case {
                classname: "compare".into(),
                name: m.name.clone(),
                time: Duration::from_millis(q.duration_ms()),
                result,
            }
        })
        .collect();
    Suite {
        name: "greenlight compare".into(),
        cases,
        time: Some(Duration::from_millis(r.duration_ms)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_per_metric() {
        let xml =
            crate::report::junit::xml::render(&[compare_suite(&crate::compare::result::sample())]);
        assert_eq!(
            xml,
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="greenlight" tests="3" failures="1" errors="1" time="0.009">
  <testsuite name="greenlight compare" tests="3" failures="1" errors="1" skipped="1" time="0.009">
    <testcase classname="compare" name="latency_p95" time="0.007">
      <failure message="latency_p95: high">latency_p95 rose 30.0% (95% CI 29.0%..31.0%) beyond tolerance 10% (at most 113.3ms); median 103ms → 133.9ms, n=40/40
baseline: lat{group=&quot;blue&quot;}
canary: lat{group=&quot;green&quot;}</failure>
    </testcase>
    <testcase classname="compare" name="errors" time="0.007">
      <error message="errors could not be fetched: prometheus could not be reached: connection failed: connection refused (3 attempts)" type="refused">errors could not be fetched: prometheus could not be reached: connection failed: connection refused (3 attempts)
baseline: e{group=&quot;blue&quot;}
baseline: t{group=&quot;blue&quot;}
canary: e{group=&quot;green&quot;}
canary: t{group=&quot;green&quot;}</error>
    </testcase>
    <testcase classname="compare" name="p99 slo" time="0.007">
      <skipped message="p99 slo has no data: canary has 1 usable samples, fewer than min_samples 20; left out of the score"/>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }
}

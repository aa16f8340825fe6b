//! Judging a comparison in which some metrics have no data to judge because
//! their source failed (Prometheus down, a bad query, an unreadable file).
//!
//! Such a metric is an `Error` with the source's cause as its reason, and
//! goes through the same verdict rules as every other metric
//! ([`super::verdict`]): it is not scored, and a go with an `Error` in it
//! becomes inconclusive. A source failure is never a silent pass.
//!
//! ```
//! use greenlight::judge::{Kind, MetricSpec, Thresholds, Judgeable, judge_all};
//! let spec = MetricSpec::new("latency_p95", Kind::Continuous);
//! let v = judge_all(
//!     &[Judgeable::Unavailable { spec: &spec, threshold: false, cause: "prometheus could not be reached".into() }],
//!     Thresholds::default(),
//! );
//! assert_eq!(v.outcome, greenlight::Outcome::Inconclusive);
//! assert_eq!(v.metrics[0].reason, "latency_p95 could not be fetched: prometheus could not be reached");
//! ```

use super::assess::{self, Assessed};
use super::result::{Classification, Comparison, SideSummary};
use super::spec::{MetricInput, MetricSpec};
use super::verdict::{Thresholds, Verdict, decide};

/// One metric of a comparison: its data, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Judgeable<'a> {
    Data(MetricInput<'a>),
    /// The source failed; `threshold` says whether the metric was to be
    /// compared with a fixed bound (then it has no baseline side).
    Unavailable {
        spec: &'a MetricSpec,
        threshold: bool,
        cause: String,
    },
}

/// Judges every metric, the unavailable ones as `Error`s.
pub fn judge_all(items: &[Judgeable<'_>], thresholds: Thresholds) -> Verdict {
    let assessed = items
        .iter()
        .map(|item| match item {
            Judgeable::Data(input) => assess::assess(input),
            Judgeable::Unavailable {
                spec,
                threshold,
                cause,
            } => unavailable(spec, *threshold, cause),
        })
        .collect();
    decide(assessed, thresholds)
}

fn unavailable(spec: &MetricSpec, threshold: bool, cause: &str) -> Assessed {
    let empty = SideSummary::default();
    let comparison = if threshold {
        Comparison::Threshold
    } else {
        Comparison::Baseline
    };
    let mut result = assess::skeleton(spec, comparison, (!threshold).then_some(empty), empty, None);
    result.classification = Classification::Error;
    result.reason = format!("{} could not be fetched: {cause}", spec.name);
    Assessed::untested(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;
    use crate::judge::{Data, Kind};

    #[test]
    fn an_unavailable_metric_turns_a_go_into_inconclusive() {
        let ok = MetricSpec::new("cpu", Kind::Continuous);
        let down = MetricSpec::new("errors", Kind::Ratio).critical(true);
        let same: Vec<f64> = (0..40).map(|i| 50.0 + (i % 5) as f64).collect();
        let v = judge_all(
            &[
                Judgeable::Data(MetricInput {
                    spec: &ok,
                    data: Data::Continuous {
                        baseline: &same,
                        canary: &same,
                    },
                }),
                Judgeable::Unavailable {
                    spec: &down,
                    threshold: false,
                    cause: "connection refused".into(),
                },
            ],
            Thresholds::default(),
        );
        assert_eq!(v.outcome, Outcome::Inconclusive);
        assert_eq!(v.metrics[1].classification, Classification::Error);
        assert_eq!(v.tally.error, 1);
        assert!(v.summary.contains("1 error (errors)"), "{}", v.summary);
    }

    #[test]
    fn all_unavailable_is_inconclusive_not_a_pass() {
        let spec = MetricSpec::new("latency", Kind::Continuous).must_have_data(true);
        let v = judge_all(
            &[Judgeable::Unavailable {
                spec: &spec,
                threshold: true,
                cause: "down".into(),
            }],
            Thresholds::default(),
        );
        assert_eq!(v.outcome, Outcome::Inconclusive);
        assert_eq!(v.metrics[0].baseline, None);
        assert_eq!(v.metrics[0].comparison, Comparison::Threshold);
    }
}

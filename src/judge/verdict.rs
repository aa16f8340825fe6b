//! From per-metric judgements to one verdict: Holm across the metrics,
//! High/Low classification, the weighted score and the outcome.
//!
//! Rules, in order:
//! 1. Holm adjusts the p-values of the metrics that were tested (those with
//!    data and no error). A tested metric is High (Low) when its interval
//!    lies wholly beyond the tolerance in a bad direction AND its adjusted
//!    p-value is below its own α = 1 − confidence; otherwise it passes.
//! 2. A critical metric that fails — High, Low, or No data when it must
//!    have data — makes the verdict no-go outright.
//! 3. Score = 100 × (weight of passing metrics) / (weight of scored
//!    metrics). Scored: Pass, High, Low, and No data when `must_have_data`
//!    (as a failure). Not scored: No data otherwise (it is listed, never
//!    silently counted as a pass) and Error.
//! 4. Nothing scored (all No data, or weights 0) → inconclusive. A metric
//!    that must have data and has none is scored (as a failure), so when
//!    all metrics lack data but some must have it the score is 0: no-go.
//! 5. score ≥ pass → go; ≥ marginal → inconclusive; below → no-go
//!    (compared with a 1e-9 allowance for rounding in the weight sums).
//! 6. A go with a metric that could not be judged (Error), or with a metric
//!    that had too little data (No data without `must_have_data`), becomes
//!    inconclusive: the judge fails closed on what it could not evaluate
//!    (PRODUCT.md: "too few samples gives 'no data', which is inconclusive
//!    unless the metric must have data" — then it is a failure, rule 3).

use serde::Serialize;

use super::assess::{self, Assessed};
use super::result::{Classification, MetricResult};
use super::spec::MetricInput;
use super::{JudgeError, format, holm, reason};
use crate::Outcome;

/// The score thresholds: `pass` (default 95) and `marginal` (default 75).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pass: f64,
    marginal: f64,
}

impl Thresholds {
    /// Needs 0 ≤ marginal ≤ pass ≤ 100.
    pub fn new(pass: f64, marginal: f64) -> Result<Self, JudgeError> {
        if (0.0..=100.0).contains(&pass) && (0.0..=pass).contains(&marginal) {
            Ok(Thresholds { pass, marginal })
        } else {
            Err(JudgeError::Thresholds { pass, marginal })
        }
    }

    pub fn pass(&self) -> f64 {
        self.pass
    }

    pub fn marginal(&self) -> f64 {
        self.marginal
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            pass: 95.0,
            marginal: 75.0,
        }
    }
}

/// How many metrics ended in each classification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub pass: usize,
    pub high: usize,
    pub low: usize,
    pub no_data: usize,
    pub error: usize,
}

/// The decision of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// 0–100, `None` when no metric was scored.
    pub score: Option<f64>,
    pub thresholds: Thresholds,
    /// The multiplicity adjustment applied across metrics: always "holm".
    pub correction: &'static str,
    pub tally: Tally,
    pub metrics: Vec<MetricResult>,
    /// One line: outcome, what decided it, score and tally.
    pub summary: String,
}

/// Judges the metrics of one comparison.
pub fn judge(inputs: &[MetricInput<'_>], thresholds: Thresholds) -> Verdict {
    decide(inputs.iter().map(assess::assess).collect(), thresholds)
}

pub(crate) fn decide(assessed: Vec<Assessed>, thresholds: Thresholds) -> Verdict {
    let p: Vec<f64> = assessed
        .iter()
        .filter_map(|a| a.result.test.map(|t| t.p_value))
        .collect();
    // Holm keeps the input order: the i-th adjusted value is the i-th tested metric's.
    let mut adjusted = holm::holm(&p).into_iter();
    let mut metrics = Vec::with_capacity(assessed.len());
    for a in assessed {
        let mut r = a.result;
        let alpha = 1.0 - r.confidence;
        if let Some(test) = r.test.as_mut()
            && let Some(adj) = adjusted.next()
        {
            test.adjusted_p_value = adj;
            r.classification = match a.beyond {
                Some(c) if adj < alpha => c,
                _ => Classification::Pass,
            };
            (r.reason, r.statistics) = reason::explain(&r, a.beyond, a.note.as_deref());
        }
        metrics.push(r);
    }
    let tally = tally(&metrics);
    let scored: f64 = metrics
        .iter()
        .filter(|m| m.is_scored())
        .map(|m| m.weight)
        .sum();
    let passing: f64 = metrics
        .iter()
        .filter(|m| m.classification == Classification::Pass)
        .map(|m| m.weight)
        .sum();
    // `+ 0.0`: an empty f64 sum is -0.0, which would print as "-0".
    let score = (scored > 0.0).then(|| 100.0 * passing / scored + 0.0);
    let unscored_no_data = metrics
        .iter()
        .filter(|m| m.classification == Classification::NoData && !m.is_scored())
        .count();
    let critical: Vec<&MetricResult> = metrics
        .iter()
        .filter(|m| m.critical && m.is_failure())
        .collect();

    let scale = format!(
        "go ≥ {}, inconclusive ≥ {}",
        format::num(thresholds.pass),
        format::num(thresholds.marginal)
    );
    let score_text = score.map(|s| format!("score {} ({scale})", format::num(s)));
    let (outcome, why) = if !critical.is_empty() {
        let names: Vec<String> = critical
            .iter()
            .map(|m| format!("{} {}", m.name, m.classification.label()))
            .collect();
        (Outcome::NoGo, format!("critical {}", names.join(", ")))
    } else {
        match score {
            None => (Outcome::Inconclusive, "no metric was scored".to_string()),
            Some(s) if s + 1e-9 >= thresholds.pass && tally.error > 0 => (
                Outcome::Inconclusive,
                format!("{} metric(s) could not be judged", tally.error),
            ),
            Some(s) if s + 1e-9 >= thresholds.pass && unscored_no_data > 0 => (
                Outcome::Inconclusive,
                format!("{unscored_no_data} metric(s) had too little data"),
            ),
            Some(s) if s + 1e-9 >= thresholds.pass => (Outcome::Go, String::new()),
            Some(s) if s + 1e-9 >= thresholds.marginal => (Outcome::Inconclusive, String::new()),
            Some(_) => (Outcome::NoGo, String::new()),
        }
    };
    let mut parts = vec![];
    if !why.is_empty() {
        parts.push(why);
    }
    parts.extend(score_text);
    parts.push(tally_text(&metrics));
    let summary = format!("{}: {}", outcome_label(outcome), parts.join("; "));
    Verdict {
        outcome,
        score,
        thresholds,
        correction: "holm",
        tally,
        metrics,
        summary,
    }
}

fn outcome_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Go => "go",
        Outcome::Inconclusive => "inconclusive",
        Outcome::NoGo => "no-go",
    }
}

fn tally(metrics: &[MetricResult]) -> Tally {
    let mut t = Tally::default();
    for m in metrics {
        match m.classification {
            Classification::Pass => t.pass += 1,
            Classification::High => t.high += 1,
            Classification::Low => t.low += 1,
            Classification::NoData => t.no_data += 1,
            Classification::Error => t.error += 1,
        }
    }
    t
}

/// "9 pass, 1 high (latency_p95)".
fn tally_text(metrics: &[MetricResult]) -> String {
    if metrics.is_empty() {
        return "no metrics".into();
    }
    let order = [
        Classification::Pass,
        Classification::High,
        Classification::Low,
        Classification::NoData,
        Classification::Error,
    ];
    let mut parts = vec![];
    for class in order {
        let names: Vec<&str> = metrics
            .iter()
            .filter(|m| m.classification == class)
            .map(|m| m.name.as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        if class == Classification::Pass {
            parts.push(format!("{} pass", names.len()));
        } else {
            parts.push(format!(
                "{} {} ({})",
                names.len(),
                class.label(),
                names.join(", ")
            ));
        }
    }
    parts.join(", ")
}

//! A comparison in the HTML report: what was compared, then a card per
//! metric with its classification, reason and plots, then the warnings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::escape;
use super::plot::{self, Band, Line};
use crate::compare::CompareResult;
use crate::compare::result::{MetricQueries, QueryOutcome};
use crate::judge::format::{num, rate, signed_pct};
use crate::judge::unit::{signed_value, value};
use crate::judge::spec::Statistic;
use crate::report::Mark;
use crate::judge::{Comparison, Kind, Measure, MetricResult, Tolerance};
use crate::metrics::Role;

pub fn compare(out: &mut String, r: &CompareResult) {
    let header = crate::report::text::compare::header(r);
    let _ = write!(
        out,
        r#"<h2>Metrics</h2><p class="meta">{}</p><p class="meta"><span class="key baseline"></span>baseline <span class="key canary"></span>canary</p>"#,
        escape(&header)
    );
    for (i, m) in r.verdict.metrics.iter().enumerate() {
        let q = r.queries.iter().find(|q| q.metric == m.name);
        card(out, i, m, q, r);
    }
    if !r.warnings.is_empty() {
        super::list(out, "Warnings", &r.warnings);
    }
}

fn card(out: &mut String, i: usize, m: &MetricResult, q: Option<&MetricQueries>, r: &CompareResult) {
    let class = match crate::report::metric_mark(m) {
        Mark::Ok => "pass",
        Mark::Fail => "fail",
        Mark::Warn | Mark::Info => "warn",
    };
    let critical = if m.critical { " · critical" } else { "" };
    let _ = write!(
        out,
        r#"<section class="card metric {class}-metric" id="metric-{i}"><h3><span class="badge {class}">{}</span>{}<span class="meta">{critical}</span></h3><p class="reason">{}</p><div class="plots">"#,
        m.classification.label(),
        escape(&m.name),
        escape(&m.reason)
    );
    let unit = m.unit;
    let show = move |v: f64| value(v, unit);
    if let Some(q) = q {
        let base = q.baseline.as_deref().unwrap_or_default();
        let starts = (r.baseline.start, r.canary.start);
        match m.kind {
            Kind::Continuous => {
                let b = values_over_time(base, starts.0);
                let c = values_over_time(&q.canary, starts.1);
                if !b.is_empty() || !c.is_empty() {
                    let mut lines: Vec<Line<'_>> = b
                        .iter()
                        .map(|p| Line { class: "baseline", points: p })
                        .collect();
                    lines.extend(c.iter().map(|p| Line { class: "canary", points: p }));
                    let desc = format!(
                        "{} over the window, one line per series: baseline {} series, canary {} series; {}",
                        m.name,
                        b.len(),
                        c.len(),
                        medians(m)
                    );
                    let timed = base.iter().chain(&q.canary).flat_map(|o| &o.fetched).any(|s| !s.times.is_empty());
                    let caption = if timed { "Over time (minutes from each side's window start)" } else { "In the file's order" };
                    figure(out, "", &plot::series(&format!("ts{i}"), &format!("{} over time", m.name), &desc, &lines, !timed, &show), caption);
                    let sides = [("baseline", sorted(&b)), ("canary", sorted(&c))];
                    let desc = format!(
                        "Share of values at or below each value: baseline {} values, canary {} values; {}",
                        sides[0].1.len(),
                        sides[1].1.len(),
                        medians(m)
                    );
                    figure(out, "", &plot::ecdf(&format!("cdf{i}"), &format!("Distribution of {}", m.name), &desc, &sides, &show), "Distribution (share of values at or below)");
                }
            }
            Kind::Ratio => {
                let b = rate_over_time(base, starts.0);
                let c = rate_over_time(&q.canary, starts.1);
                if !b.is_empty() || !c.is_empty() {
                    let lines = [
                        Line { class: "baseline", points: &b },
                        Line { class: "canary", points: &c },
                    ];
                    let desc = format!(
                        "Error rate of {} per step: baseline {}, canary {} overall",
                        m.name,
                        m.baseline.and_then(|s| s.rate).map(rate).unwrap_or_else(|| "none".into()),
                        m.canary.rate.map(rate).unwrap_or_else(|| "none".into())
                    );
                    figure(out, "wide", &plot::series(&format!("ts{i}"), &format!("{} error rate over time", m.name), &desc, &lines, false, &|v| rate(v)), "Error rate over time (minutes from each side's window start)");
                }
            }
        }
    }
    if let Some(b) = band(m) {
        let desc = format!(
            "Estimated change with its {} interval, against the tolerated band (green) and beyond it (red): {}",
            crate::judge::format::share(m.confidence),
            m.reason
        );
        figure(out, "wide", &plot::band(&format!("band{i}"), &format!("{}: change against the tolerance", m.name), &desc, &b), "Estimate and interval (dot and bar) against the tolerance (green)");
    }
    out.push_str("</div>");
    if let Some(q) = q {
        out.push_str("<details><summary>Queries</summary><ul>");
        for (side, o) in q.sides() {
            let _ = write!(
                out,
                "<li>{side}: <code>{}</code> ({} values{})</li>",
                escape(&o.query),
                o.values,
                o.error.as_ref().map(|e| format!(", {e}")).map(|e| escape(&e)).unwrap_or_default()
            );
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</section>");
}

fn figure(out: &mut String, class: &str, svg: &str, caption: &str) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(r#" class="{class}""#)
    };
    let _ = write!(out, r#"<figure{class}>{svg}<figcaption>{}</figcaption></figure>"#, escape(caption));
}

fn medians(m: &MetricResult) -> String {
    let med = |s: Option<f64>| s.map(|v| value(v, m.unit)).unwrap_or_else(|| "none".into());
    format!(
        "median {} → {}",
        med(m.baseline.and_then(|b| b.median)),
        med(m.canary.median)
    )
}

/// The values series of one side, as (seconds from the side's start,
/// value); a file's values (no times) by their position.
fn values_over_time(qs: &[QueryOutcome], start: Option<DateTime<Utc>>) -> Vec<Vec<(f64, f64)>> {
    let origin = start.map_or(0.0, |s| s.timestamp() as f64);
    qs.iter()
        .filter(|o| o.role == Role::Values)
        .flat_map(|o| o.fetched.iter())
        .map(|s| {
            let mut pts: Vec<(f64, f64)> = s
                .values
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(k, v)| {
                    let x = s.times.get(k).map_or(k as f64, |t| t - origin);
                    (x, *v)
                })
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            pts
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Every finite value of a side, sorted.
fn sorted(series: &[Vec<(f64, f64)>]) -> Vec<f64> {
    let mut v: Vec<f64> = series.iter().flatten().map(|p| p.1).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Errors over total per step, each summed over the side's series.
fn rate_over_time(qs: &[QueryOutcome], start: Option<DateTime<Utc>>) -> Vec<(f64, f64)> {
    let origin = start.map_or(0.0, |s| s.timestamp() as f64);
    let mut steps: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
    for o in qs {
        let pick: fn(&mut (f64, f64)) -> &mut f64 = match o.role {
            Role::Errors => |p| &mut p.0,
            Role::Total => |p| &mut p.1,
            _ => continue,
        };
        for s in &o.fetched {
            for (k, v) in s.values.iter().enumerate() {
                let Some(t) = s.times.get(k) else { continue };
                if v.is_finite() {
                    *pick(steps.entry((t * 1000.0) as i64).or_default()) += v;
                }
            }
        }
    }
    steps
        .into_iter()
        .filter(|(_, (_, t))| *t > 0.0)
        .map(|(ms, (e, t))| (ms as f64 / 1000.0 - origin, e / t))
        .collect()
}

/// The estimate, its interval and the tolerated region on one axis, as
/// the judge measured them ([`MetricResult::tolerated`]; slopes per minute,
/// as the reason says).
fn band(m: &MetricResult) -> Option<Band> {
    let interval = m.interval?;
    let estimate = m.estimate.map(|e| e.value)?;
    let tolerated = m.tolerated()?;
    let failing = m.classification.is_regression();
    let unit = m.unit;
    let b = match (m.kind, m.comparison) {
        (Kind::Continuous, Comparison::Baseline) => match (m.tolerance, m.relative) {
            (Tolerance::Relative(_), Some(rel)) => Band {
                tolerated,
                interval: (rel.lower, rel.upper),
                estimate: rel.value,
                reference: 0.0,
                failing,
                label: Box::new(signed_pct),
            },
            _ => {
                let slope = m.statistic == Some(Statistic::Slope);
                let per = if slope { 60.0 } else { 1.0 };
                Band {
                    tolerated: (tolerated.0 * per, tolerated.1 * per),
                    interval: (interval.lower * per, interval.upper * per),
                    estimate: estimate * per,
                    reference: 0.0,
                    failing,
                    label: Box::new(move |v| {
                        let s = signed_value(v, unit);
                        if slope { format!("{s}/min") } else { s }
                    }),
                }
            }
        },
        (Kind::Continuous, Comparison::Threshold) => Band {
            tolerated,
            interval: (interval.lower, interval.upper),
            estimate: m.canary.median.unwrap_or(estimate),
            reference: m.bound?,
            failing,
            label: Box::new(move |v| value(v, unit)),
        },
        (Kind::Ratio, Comparison::Baseline) => Band {
            tolerated,
            interval: (interval.lower, interval.upper),
            // A rate ratio; against a baseline without errors it is
            // unbounded when the canary has some, else 1.
            estimate: match m.estimate {
                Some(e) if e.measure == Measure::RateRatio => e.value,
                _ if m.canary.errors.unwrap_or(0) > 0 => f64::INFINITY,
                _ => 1.0,
            },
            reference: 1.0,
            failing,
            label: Box::new(num),
        },
        (Kind::Ratio, Comparison::Threshold) => Band {
            tolerated,
            interval: (interval.lower, interval.upper),
            estimate: m.canary.rate.unwrap_or(estimate),
            reference: m.bound?,
            failing,
            label: Box::new(rate),
        },
    };
    Some(b)
}

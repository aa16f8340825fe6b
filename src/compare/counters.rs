//! Counters and histogram buckets read raw: each series' own samples over
//! the window (`selector[window]` at its end), counted here instead of by
//! `increase()` at a step.
//!
//! A series' increase is the sum of its rises from one sample to the next;
//! a fall is a counter reset (the process restarted), after which the new
//! value is all rise. Nothing is extrapolated: what is counted is what
//! happened between the first and the last scrape inside the window, for
//! every series alike, whatever the scrape interval and its offset. (Up to
//! one scrape interval per series, before the first sample, is not
//! counted; both sides lose it the same way.)
//!
//! Series are grouped by the replica label (`compare.replica_label`,
//! default `instance`); series without it form one group.

use std::collections::BTreeMap;

use crate::metrics::Series;

/// The reset-aware increase of one series; `None` with fewer than two
/// finite samples.
pub fn increase(values: &[f64]) -> Option<f64> {
    let mut finite = values.iter().copied().filter(|v| v.is_finite());
    let mut last = finite.next()?;
    let mut rise = None;
    for v in finite {
        *rise.get_or_insert(0.0) += if v >= last { v - last } else { v };
        last = v;
    }
    rise
}

/// The replica a series belongs to: its `label` value, or `""`.
pub fn replica<'a>(series: &'a Series, label: &str) -> &'a str {
    series.labels.get(label).map_or("", String::as_str)
}

/// Increases summed per replica, and how many series had fewer than two
/// samples in the window (counted as no increase, unless new).
///
/// A series that begins well inside the window (its first sample more
/// than two scrape intervals after `start`) was created there: a canary
/// pod's error counter appears at its first error. Its first value is then
/// counted as a rise from 0, when it is plausible as such: no more than
/// twice what the query's series together counted per second over the
/// time before it, plus one. (An old series missing a few scrapes at the
/// window's start would otherwise add its whole lifetime's count.)
pub fn by_replica(
    series: &[Series],
    label: &str,
    start: Option<f64>,
) -> (BTreeMap<String, f64>, usize) {
    let rises: Vec<Option<f64>> = series.iter().map(|s| increase(&s.values)).collect();
    let counting = Counting::new(series, &rises, start);
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    let mut short = 0;
    for (s, &rise) in series.iter().zip(&rises) {
        let entry = out.entry(replica(s, label).to_string()).or_insert(0.0);
        match counting.count(s, rise) {
            Some(v) => *entry += v,
            None => short += 1,
        }
    }
    (out, short)
}

/// How the series of one query are counted (see [`by_replica`]).
struct Counting {
    start: Option<f64>,
    interval: Option<f64>,
    per_second: f64,
}

impl Counting {
    /// `rises`: each series' [`increase`].
    fn new(series: &[Series], rises: &[Option<f64>], start: Option<f64>) -> Self {
        let end = series
            .iter()
            .filter_map(|s| s.times.last().copied())
            .fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = rises.iter().flatten().sum();
        let per_second = match start {
            Some(start) if end > start => total / (end - start),
            _ => 0.0,
        };
        Counting {
            start,
            interval: scrape_interval(series),
            per_second,
        }
    }

    /// The series' count in the window (`rise`: its [`increase`]); `None`
    /// when it has fewer than two samples and was not born in the window.
    fn count(&self, s: &Series, rise: Option<f64>) -> Option<f64> {
        let born = match (self.start, self.interval, first_finite(s)) {
            (Some(start), Some(interval), Some((t, v)))
                if t - start > 2.0 * interval
                    && v >= 0.0
                    && v <= 2.0 * self.per_second * (t - start) + 1.0 =>
            {
                Some(v)
            }
            _ => None,
        };
        match (rise, born) {
            (Some(rise), b) => Some(rise + b.unwrap_or(0.0)),
            (None, b) => b,
        }
    }
}

/// The first finite sample of a series: (time, value).
fn first_finite(s: &Series) -> Option<(f64, f64)> {
    s.times
        .iter()
        .zip(&s.values)
        .find(|(_, v)| v.is_finite())
        .map(|(&t, &v)| (t, v))
}

/// The median time between samples of the series, if any has two.
fn scrape_interval(series: &[Series]) -> Option<f64> {
    let mut gaps: Vec<f64> = series
        .iter()
        .flat_map(|s| s.times.windows(2).map(|w| w[1] - w[0]))
        .filter(|g| *g > 0.0)
        .collect();
    if gaps.is_empty() {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    Some(gaps[gaps.len() / 2])
}

/// `(upper bound, cumulative count)` of a histogram's buckets, by bound.
pub type Buckets = Vec<(f64, f64)>;

/// Cumulative bucket counts per replica, `(le, count)` sorted by `le`: each
/// bucket series' increase, summed over the series of a replica with the
/// same `le` (e.g. one per path). Errors name a series without a usable
/// `le` label.
pub fn buckets_by_replica(
    series: &[Series],
    label: &str,
    start: Option<f64>,
) -> Result<(BTreeMap<String, Buckets>, usize), String> {
    let rises: Vec<Option<f64>> = series.iter().map(|s| increase(&s.values)).collect();
    let counting = Counting::new(series, &rises, start);
    let mut per: BTreeMap<String, BTreeMap<u64, (f64, f64)>> = BTreeMap::new();
    let mut short = 0;
    for (s, &rise) in series.iter().zip(&rises) {
        let le = s.labels.get("le").ok_or_else(|| {
            "the buckets query returned a series without an `le` label: name the histogram's `_bucket` series (e.g. http_request_duration_seconds_bucket{...})".to_string()
        })?;
        let bound: f64 = le
            .trim()
            .parse()
            .ok()
            .filter(|b: &f64| *b >= 0.0)
            .ok_or_else(|| {
                format!("a bucket series has `le=\"{le}\"`, which is not a bound ≥ 0")
            })?;
        let rise = counting.count(s, rise).unwrap_or_else(|| {
            short += 1;
            0.0
        });
        // Keyed by the bound's bits; sorted by value below.
        let slot = per
            .entry(replica(s, label).to_string())
            .or_default()
            .entry(bound.to_bits())
            .or_insert((bound, 0.0));
        slot.1 += rise;
    }
    let out = per
        .into_iter()
        .map(|(r, b)| {
            let mut v: Vec<(f64, f64)> = b.into_values().collect();
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            (r, v)
        })
        .collect();
    Ok((out, short))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(replica: &str, le: Option<&str>, values: &[f64]) -> Series {
        let mut labels: BTreeMap<String, String> =
            [("instance".to_string(), replica.to_string())].into();
        if let Some(le) = le {
            labels.insert("le".into(), le.into());
        }
        Series {
            labels,
            times: (0..values.len()).map(|i| i as f64 * 15.0).collect(),
            values: values.to_vec(),
        }
    }

    #[test]
    fn increase_counts_resets_and_skips_non_finite() {
        assert_eq!(increase(&[10.0, 15.0, 22.0]), Some(12.0));
        // Reset after 22: the counter restarted and reached 4.
        assert_eq!(increase(&[10.0, 22.0, 4.0, 9.0]), Some(12.0 + 4.0 + 5.0));
        assert_eq!(increase(&[10.0, f64::NAN, 12.0]), Some(2.0));
        assert_eq!(increase(&[10.0]), None);
    }

    #[test]
    fn replicas_are_grouped_and_short_series_counted() {
        let s = [
            series("a", None, &[0.0, 10.0]),
            series("a", None, &[5.0, 6.0]),
            series("b", None, &[1.0]),
        ];
        let (by, short) = by_replica(&s, "instance", None);
        assert_eq!(by, [("a".into(), 11.0), ("b".into(), 0.0)].into());
        assert_eq!(short, 1);
    }

    #[test]
    fn a_series_born_inside_the_window_counts_its_first_value() {
        // The window starts at 0; samples every 15 s from 0 (series() puts
        // them at 0, 15, 30...).
        let late = |values: &[f64], from: f64| Series {
            times: (0..values.len()).map(|i| from + i as f64 * 15.0).collect(),
            ..series("a", None, values)
        };
        let old = series(
            "a",
            None,
            &[1000.0, 1010.0, 1020.0, 1030.0, 1040.0, 1050.0, 1060.0],
        );
        // An error series appearing at 60 s with 2 errors, then 3 more.
        let born = late(&[2.0, 5.0], 60.0);
        let (by, _) = by_replica(&[old.clone(), born], "instance", Some(0.0));
        assert_eq!(by["a"], 60.0 + 5.0);
        // The same as an old series with a gap: 5000 is not plausible as
        // counted since the window began (60 per 90 s here).
        let gap = late(&[5000.0, 5003.0], 60.0);
        let (by, _) = by_replica(&[old.clone(), gap], "instance", Some(0.0));
        assert_eq!(by["a"], 60.0 + 3.0);
        // A single sample of a new series still counts.
        let (by, short) = by_replica(&[old, late(&[1.0], 60.0)], "instance", Some(0.0));
        assert_eq!((by["a"], short), (61.0, 0));
    }

    #[test]
    fn buckets_are_summed_per_replica_and_le() {
        let s = [
            series("a", Some("0.1"), &[0.0, 5.0]),
            series("a", Some("+Inf"), &[0.0, 8.0]),
            series("a", Some("0.1"), &[1.0, 2.0]),
            series("b", Some("+Inf"), &[3.0, 4.0]),
        ];
        let (by, _) = buckets_by_replica(&s, "instance", None).unwrap();
        assert_eq!(by["a"], vec![(0.1, 6.0), (f64::INFINITY, 8.0)]);
        assert_eq!(by["b"], vec![(f64::INFINITY, 1.0)]);
        let bad = [series("a", None, &[0.0, 1.0])];
        assert!(
            buckets_by_replica(&bad, "instance", None)
                .unwrap_err()
                .contains("`le`")
        );
        let negative = [series("a", Some("-1"), &[0.0, 1.0])];
        assert!(buckets_by_replica(&negative, "instance", None).is_err());
    }
}

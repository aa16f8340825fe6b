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
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.len() < 2 {
        return None;
    }
    Some(
        finite
            .windows(2)
            .map(|w| if w[1] >= w[0] { w[1] - w[0] } else { w[1] })
            .sum(),
    )
}

/// The replica a series belongs to: its `label` value, or `""`.
pub fn replica<'a>(series: &'a Series, label: &str) -> &'a str {
    series.labels.get(label).map_or("", String::as_str)
}

/// Increases summed per replica, and how many series had fewer than two
/// samples in the window (counted as no increase).
pub fn by_replica(series: &[Series], label: &str) -> (BTreeMap<String, f64>, usize) {
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    let mut short = 0;
    for s in series {
        let entry = out.entry(replica(s, label).to_string()).or_insert(0.0);
        match increase(&s.values) {
            Some(v) => *entry += v,
            None => short += 1,
        }
    }
    (out, short)
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
) -> Result<(BTreeMap<String, Buckets>, usize), String> {
    let mut per: BTreeMap<String, BTreeMap<u64, (f64, f64)>> = BTreeMap::new();
    let mut short = 0;
    for s in series {
        let le = s.labels.get("le").ok_or_else(|| {
            "the buckets query returned a series without an `le` label: name the histogram's `_bucket` series (e.g. http_request_duration_seconds_bucket{...})".to_string()
        })?;
        let bound: f64 = le
            .trim()
            .parse()
            .ok()
            .filter(|b: &f64| !b.is_nan())
            .ok_or_else(|| format!("a bucket series has `le=\"{le}\"`, which is not a number"))?;
        let rise = increase(&s.values).unwrap_or_else(|| {
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
        let (by, short) = by_replica(&s, "instance");
        assert_eq!(by, [("a".into(), 11.0), ("b".into(), 0.0)].into());
        assert_eq!(short, 1);
    }

    #[test]
    fn buckets_are_summed_per_replica_and_le() {
        let s = [
            series("a", Some("0.1"), &[0.0, 5.0]),
            series("a", Some("+Inf"), &[0.0, 8.0]),
            series("a", Some("0.1"), &[1.0, 2.0]),
            series("b", Some("+Inf"), &[3.0, 4.0]),
        ];
        let (by, _) = buckets_by_replica(&s, "instance").unwrap();
        assert_eq!(by["a"], vec![(0.1, 6.0), (f64::INFINITY, 8.0)]);
        assert_eq!(by["b"], vec![(f64::INFINITY, 1.0)]);
        let bad = [series("a", None, &[0.0, 1.0])];
        assert!(
            buckets_by_replica(&bad, "instance")
                .unwrap_err()
                .contains("`le`")
        );
    }
}

//! How several series become one sample set (`combine:` of a metric of a
//! time-series source; a file gives one series, which is its samples).

use std::collections::BTreeMap;

use crate::metrics::Series;

/// `sum` (default), `pool`, or `{ label: pod, value: "{{pod}}" }`.
#[derive(Debug, Clone, PartialEq)]
pub enum Combine {
    /// Sum the series at each timestamp (e.g. requests per instance).
    Sum,
    /// Every point of every series is a sample (e.g. latency per pod).
    Pool,
    /// Only the series whose label has this value.
    Select { label: String, value: String },
}

/// Keeps the series a `{label, value}` selection names (all of them for
/// `sum` and `pool`), with a warning when a selection matched nothing.
pub fn select(series: Vec<Series>, combine: &Combine) -> (Vec<Series>, Option<String>) {
    let Combine::Select { label, value } = combine else {
        return (series, None);
    };
    let warning = (!series.is_empty()
        && !series.iter().any(|s| s.labels.get(label) == Some(value)))
    .then(|| no_match(&series, label, value));
    let kept = series
        .into_iter()
        .filter(|s| s.labels.get(label) == Some(value))
        .collect();
    (kept, warning)
}

/// Turns (selected) series into samples as `combine` says: summed at each
/// timestamp, or every point.
pub fn samples(series: &[Series], combine: &Combine) -> Vec<f64> {
    match combine {
        Combine::Pool | Combine::Select { .. } => all(series),
        // Samples without times (a file) have nothing to line up by.
        Combine::Sum if series.iter().all(|s| s.times.is_empty()) => all(series),
        Combine::Sum => summed(series).1,
    }
}

/// The series summed at each timestamp: (times, values), in time order.
pub fn summed<'a>(series: impl IntoIterator<Item = &'a Series>) -> (Vec<f64>, Vec<f64>) {
    let mut by_time: BTreeMap<i64, f64> = BTreeMap::new();
    for s in series {
        for (&t, &v) in s.times.iter().zip(&s.values) {
            // Timestamps are whole or millisecond seconds: key by ms.
            *by_time.entry((t * 1000.0).round() as i64).or_insert(0.0) += v;
        }
    }
    by_time
        .into_iter()
        .map(|(ms, v)| (ms as f64 / 1000.0, v))
        .unzip()
}

/// Every point of the series in time order: (times, values).
pub fn pooled<'a>(series: impl IntoIterator<Item = &'a Series>) -> (Vec<f64>, Vec<f64>) {
    let mut points: Vec<(f64, f64)> = series
        .into_iter()
        .flat_map(|s| s.times.iter().copied().zip(s.values.iter().copied()))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points.into_iter().unzip()
}

fn all(series: &[Series]) -> Vec<f64> {
    series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .collect()
}

/// `no series has pod="x" (pod values seen: a, b)`.
fn no_match(series: &[Series], label: &str, value: &str) -> String {
    let mut seen: Vec<&str> = series
        .iter()
        .filter_map(|s| s.labels.get(label).map(String::as_str))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    let seen = if seen.is_empty() {
        format!("no series has the label `{label}`")
    } else {
        format!("{label} values seen: {}", seen.join(", "))
    };
    format!("no series has {label}=\"{value}\" ({seen})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(label: &str, points: &[(f64, f64)]) -> Series {
        Series {
            labels: [("pod".to_string(), label.to_string())].into(),
            times: points.iter().map(|p| p.0).collect(),
            values: points.iter().map(|p| p.1).collect(),
        }
    }

    #[test]
    fn sum_adds_series_at_each_timestamp() {
        let s = [
            series("a", &[(1.0, 1.0), (2.0, 2.0)]),
            series("b", &[(1.0, 10.0), (3.0, 5.0)]),
        ];
        assert_eq!(samples(&s, &Combine::Sum), vec![11.0, 2.0, 5.0]);
        assert_eq!(summed(&s), (vec![1.0, 2.0, 3.0], vec![11.0, 2.0, 5.0]));
        assert_eq!(
            pooled(&s),
            (vec![1.0, 1.0, 2.0, 3.0], vec![1.0, 10.0, 2.0, 5.0])
        );
    }

    #[test]
    fn pool_and_select() {
        let s = [series("a", &[(1.0, 1.0)]), series("b", &[(1.0, 2.0)])];
        assert_eq!(samples(&s, &Combine::Pool), vec![1.0, 2.0]);
        let sel = |v: &str| Combine::Select {
            label: "pod".into(),
            value: v.into(),
        };
        let (kept, warning) = select(s.to_vec(), &sel("b"));
        assert_eq!((samples(&kept, &sel("b")), warning), (vec![2.0], None));
        assert_eq!(
            select(s.to_vec(), &sel("c")).1.unwrap(),
            "no series has pod=\"c\" (pod values seen: a, b)"
        );
    }

    #[test]
    fn nan_survives_sum_for_the_judge_to_count() {
        let s = [series("a", &[(1.0, f64::NAN)])];
        assert!(samples(&s, &Combine::Sum)[0].is_nan());
    }

    #[test]
    fn untimed_samples_are_kept_as_they_are() {
        let s = [Series {
            values: vec![3.0, 1.0, 3.0],
            ..Series::default()
        }];
        assert_eq!(samples(&s, &Combine::Sum), vec![3.0, 1.0, 3.0]);
    }
}

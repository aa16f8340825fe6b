//! The Prometheus metric source against a real Prometheus loaded with
//! fixture data.

use std::time::Duration;

use chrono::{DateTime, Utc};
use greenlight::http::{Deadline, Policy};
use greenlight::metrics::prometheus::Prometheus as Source;
use greenlight::metrics::{Combine, MetricSource, MetricsError, Range, samples};

use crate::support::prometheus::{Prometheus, openmetrics};
use crate::support::server::refused_url;

const T0: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

fn source(url: String) -> Source {
    Source {
        name: "prometheus".into(),
        url,
        bearer: None,
        basic: None,
        headers: vec![],
        policy: Policy::default(),
    }
}

fn range() -> Range {
    Range {
        start: DateTime::<Utc>::from_timestamp(T0, 0).unwrap(),
        end: DateTime::<Utc>::from_timestamp(T0 + 585, 0).unwrap(), // the 40th point
        step: Duration::from_secs(15),
    }
}

fn deadline() -> Deadline {
    Deadline::after(Duration::from_secs(20))
}

#[test]
fn range_query_returns_fixture_series_including_nan() {
    let points = |base: f64| {
        (0..40)
            .map(|i| (T0 + 15 * i, base + i as f64 * 0.001))
            .collect::<Vec<_>>()
    };
    let mut green = points(0.2);
    green[3].1 = f64::NAN;
    let prom = Prometheus::start(&openmetrics(&[
        (r#"latency_seconds{group="blue",pod="b1"}"#, points(0.1)),
        (r#"latency_seconds{group="green",pod="g1"}"#, green),
    ]));
    let src = source(prom.url());

    let blue = src
        .query(r#"latency_seconds{group="blue"}"#, &range(), deadline())
        .unwrap();
    assert_eq!(blue.series.len(), 1);
    let values = samples(&blue.series, &Combine::Sum);
    assert_eq!(values.len(), 40);
    assert!((values[0] - 0.1).abs() < 1e-12);

    let green = src
        .query(r#"latency_seconds{group="green"}"#, &range(), deadline())
        .unwrap();
    assert!(samples(&green.series, &Combine::Pool)[3].is_nan());

    let both = src.query("latency_seconds", &range(), deadline()).unwrap();
    assert_eq!(
        samples(
            &both.series,
            &Combine::Select {
                label: "pod".into(),
                value: "g1".into()
            }
        )
        .len(),
        40
    );
}

#[test]
fn bad_promql_is_a_query_error_with_prometheus_message() {
    let prom = Prometheus::start(&openmetrics(&[("up", vec![(T0, 1.0)])]));
    let err = source(prom.url())
        .query("sum(rate(up[1m]", &range(), deadline())
        .unwrap_err();
    assert!(
        matches!(&err, MetricsError::Query { error_type, .. } if error_type == "bad_data"),
        "{err}"
    );
}

#[test]
fn prometheus_down_is_unreachable_with_the_cause() {
    let mut src = source(refused_url().trim_end_matches('/').to_string());
    src.policy = Policy {
        timeout: Duration::from_secs(1),
        retries: 1,
        backoff: Duration::from_millis(50),
    };
    let err = src.query("up", &range(), deadline()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "prometheus could not be reached: connection failed: connection refused (2 attempts)"
    );
}

//! The verdict's rules across metrics: No data, must_have_data, critical
//! metrics, the score thresholds, Holm, errors, the JSON shape, and a
//! property test that no input panics.

use proptest::prelude::*;

use super::classification::{continuous, input, latency, one, ramp};
use crate::Outcome;
use crate::judge::{
    Classification, Counts, Data, Direction, Kind, MetricInput, MetricSpec, Thresholds, Tolerance,
    judge,
};

#[test]
fn non_finite_values_are_counted_and_too_few_is_no_data() {
    let mut b = ramp(40, 100.0, 1.0);
    b.extend([f64::NAN, f64::INFINITY]);
    let mut c = ramp(15, 100.0, 1.0);
    c.extend([f64::NAN, f64::NEG_INFINITY, f64::NAN]);
    let v = one(&latency(), continuous(&b, &c));
    let m = &v.metrics[0];
    assert_eq!(m.classification, Classification::NoData);
    assert_eq!(
        (m.baseline.unwrap().n, m.baseline.unwrap().removed),
        (40, 2)
    );
    assert_eq!((m.canary.n, m.canary.removed), (15, 3));
    assert_eq!(
        m.reason,
        "latency_p95 has no data: canary has 15 usable samples (3 non-finite removed), \
         fewer than min_samples 20; left out of the score"
    );
    assert_eq!(v.outcome, Outcome::Inconclusive);
    assert_eq!(v.score, None);
    assert_eq!(
        v.summary,
        "inconclusive: no metric was scored; 1 no data (latency_p95)"
    );
}

#[test]
fn must_have_data_turns_no_data_into_a_failure() {
    let b = ramp(40, 100.0, 1.0);
    let spec = latency().must_have_data(true);
    let ok = MetricSpec::new("cpu", Kind::Continuous);
    let inputs = [input(&spec, &b, &[]), input(&ok, &b, &b)];
    let v = judge(&inputs, Thresholds::default());
    assert_eq!(v.score, Some(50.0));
    assert_eq!(v.outcome, Outcome::NoGo);
    assert!(
        v.metrics[0]
            .reason
            .ends_with("it must have data, so it counts as a failure")
    );

    // Without must_have_data the empty metric is left out of the score, but
    // too little data is inconclusive (PRODUCT.md), never a silent go.
    let lenient = latency();
    let inputs = [input(&lenient, &b, &[]), input(&ok, &b, &b)];
    let v = judge(&inputs, Thresholds::default());
    assert_eq!((v.score, v.outcome), (Some(100.0), Outcome::Inconclusive));
    assert_eq!(
        v.summary,
        "inconclusive: 1 metric(s) had too little data; score 100 (go ≥ 95, inconclusive ≥ 75); 1 pass, 1 no data (latency_p95)"
    );
}

#[test]
fn critical_failure_is_no_go_outright() {
    let b = ramp(40, 100.0, 1.0);
    let c: Vec<f64> = b.iter().map(|v| v * 1.5).collect();
    let critical = latency().critical(true);
    let light = MetricSpec::new("cpu", Kind::Continuous).weight(0.0);
    let others: Vec<MetricSpec> = (0..30)
        .map(|i| MetricSpec::new(format!("m{i}"), Kind::Continuous))
        .collect();
    let mut inputs = vec![input(&critical, &b, &c)];
    inputs.push(input(&light, &b, &b));
    for s in &others {
        inputs.push(input(s, &b, &b));
    }
    let v = judge(&inputs, Thresholds::default());
    assert!(v.score.unwrap() > 96.0);
    assert_eq!(v.outcome, Outcome::NoGo);
    assert!(
        v.summary
            .starts_with("no-go: critical latency_p95 high; score 96.77"),
        "{}",
        v.summary
    );
}

#[test]
fn score_thresholds_decide_between_go_inconclusive_and_no_go() {
    let b = ramp(40, 100.0, 1.0);
    let bad: Vec<f64> = b.iter().map(|v| v * 1.5).collect();
    let specs: Vec<MetricSpec> = (0..10)
        .map(|i| MetricSpec::new(format!("m{i}"), Kind::Continuous))
        .collect();
    let run = |failing: usize| {
        let inputs: Vec<MetricInput<'_>> = specs
            .iter()
            .enumerate()
            .map(|(i, s)| input(s, &b, if i < failing { &bad } else { &b }))
            .collect();
        judge(&inputs, Thresholds::default())
    };
    let cases = [
        (0, 100.0, Outcome::Go),
        (1, 90.0, Outcome::Inconclusive),
        (2, 80.0, Outcome::Inconclusive),
        (3, 70.0, Outcome::NoGo),
    ];
    for (failing, score, outcome) in cases {
        let v = run(failing);
        assert_eq!(
            (v.score, v.outcome),
            (Some(score), outcome),
            "{}",
            v.summary
        );
    }
    let strict = Thresholds::new(100.0, 100.0).unwrap();
    let inputs = [input(&specs[0], &b, &b)];
    assert_eq!(judge(&inputs, strict).outcome, Outcome::Go);
    assert!(Thresholds::new(80.0, 90.0).is_err());
    assert!(Thresholds::new(f64::NAN, 90.0).is_err());
}

#[test]
fn holm_can_withhold_a_borderline_high() {
    // Find the smallest shift that one metric alone calls High, then judge
    // it among 9 identical metrics: Holm multiplies its p-value by 10.
    let b = ramp(40, 100.0, 1.0);
    let spec = latency().tolerance(Tolerance::Absolute(0.0));
    let mut shift = 0.0;
    let c = loop {
        shift += 0.5;
        let c: Vec<f64> = b.iter().map(|v| v + shift).collect();
        if one(&spec, continuous(&b, &c)).metrics[0].classification == Classification::High {
            break c;
        }
    };
    let others: Vec<MetricSpec> = (0..9)
        .map(|i| MetricSpec::new(format!("m{i}"), Kind::Continuous))
        .collect();
    let mut inputs = vec![input(&spec, &b, &c)];
    for s in &others {
        inputs.push(input(s, &b, &b));
    }
    let v = judge(&inputs, Thresholds::default());
    let m = &v.metrics[0];
    let t = m.test.unwrap();
    assert!((t.adjusted_p_value - (10.0 * t.p_value).min(1.0)).abs() < 1e-12);
    assert_eq!(m.classification, Classification::Pass, "{}", m.reason);
    assert!(
        m.reason
            .contains("beyond tolerance 0 (at most 119.5), but not at 95% confidence"),
        "{}",
        m.reason
    );
    let stats = m.statistics.as_deref().unwrap_or_default();
    assert!(stats.ends_with("α=0.05)"), "{stats}");
}

#[test]
fn bad_input_is_an_error_and_never_a_go() {
    let b = ramp(40, 100.0, 1.0);
    let mismatch = MetricSpec::new("errors", Kind::Ratio);
    let ok = latency();
    let inputs = [input(&mismatch, &b, &b), input(&ok, &b, &b)];
    let v = judge(&inputs, Thresholds::default());
    assert_eq!(v.metrics[0].classification, Classification::Error);
    assert_eq!(
        v.metrics[0].reason,
        "errors could not be judged: a ratio metric cannot be judged with continuous data"
    );
    assert_eq!((v.score, v.outcome), (Some(100.0), Outcome::Inconclusive));
    assert!(
        v.summary
            .starts_with("inconclusive: 1 metric(s) could not be judged"),
        "{}",
        v.summary
    );

    let counts = Data::Ratio {
        baseline: Counts::new(5, 2),
        canary: Counts::new(0, 50),
    };
    assert_eq!(
        one(&mismatch, counts).metrics[0].classification,
        Classification::Error
    );
    let bad_conf = latency().confidence(1.5);
    assert_eq!(
        one(&bad_conf, continuous(&b, &b)).metrics[0].classification,
        Classification::Error
    );
    assert_eq!(
        judge(&[], Thresholds::default()).outcome,
        Outcome::Inconclusive
    );
}

#[test]
fn verdict_serializes_to_the_documented_shape() {
    let spec = MetricSpec::new("errors", Kind::Ratio).critical(true);
    let data = Data::Ratio {
        baseline: Counts::new(0, 100_000),
        canary: Counts::new(20, 100_000),
    };
    let v = one(&spec, data);
    let text = serde_json::to_string(&v).unwrap();
    let head = concat!(
        r#"{"outcome":"no_go","score":0.0,"thresholds":{"pass":95.0,"marginal":75.0},"#,
        r#""correction":"holm","tally":{"pass":0,"high":1,"low":0,"no_data":0,"error":0},"#,
        r#""metrics":[{"name":"errors","kind":"ratio","comparison":"baseline","#,
        r#""classification":"high","direction":"increase","tolerance":{"relative":0.1},"#,
        r#""margin":1.1,"confidence":0.95,"weight":1.0,"critical":true,"must_have_data":false,"#,
    );
    assert!(text.starts_with(head), "{text}");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["outcome"], "no_go");
    assert_eq!(
        json["thresholds"],
        serde_json::json!({"pass": 95.0, "marginal": 75.0})
    );
    let m = &json["metrics"][0];
    assert_eq!(m["classification"], "high");
    assert_eq!(m["tolerance"], serde_json::json!({"relative": 0.1}));
    assert_eq!(
        m["baseline"],
        serde_json::json!({"n": 100000, "removed": 0, "median": null, "errors": 0, "rate": 0.0})
    );
    assert_eq!(
        m["estimate"],
        serde_json::json!({"measure": "rate_difference", "value": 0.0002})
    );
    assert_eq!(m["interval"]["upper"], serde_json::Value::Null);
    assert_eq!(m["test"]["method"], "poisson_conditional_exact");
    println!("{}", serde_json::to_string_pretty(&v).unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any input, however odd, gives a verdict: no panic, a score in 0..=100.
    #[test]
    fn never_panics(
        b in prop::collection::vec(prop_oneof![any::<f64>(), Just(f64::NAN), Just(1e308), Just(-1e308), Just(0.0)], 0..60),
        c in prop::collection::vec(prop_oneof![any::<f64>(), Just(f64::INFINITY), Just(5.0)], 0..60),
        tol in 0.0f64..2.0,
        dir in prop_oneof![Just(Direction::Increase), Just(Direction::Decrease), Just(Direction::Either)],
        errors in 0u64..1000, total in 0u64..1000, min in 1usize..30,
    ) {
        let spec = latency().direction(dir).tolerance(Tolerance::Relative(tol)).min_samples(min);
        let abs = latency().direction(dir).tolerance(Tolerance::Absolute(tol)).min_samples(min);
        let ratio = MetricSpec::new("errors", Kind::Ratio).direction(dir).tolerance(Tolerance::Relative(tol)).min_samples(min);
        let inputs = [
            input(&spec, &b, &c),
            input(&abs, &c, &b),
            MetricInput { spec: &spec, data: Data::Threshold { canary: &c, bound: tol * 100.0 } },
            MetricInput { spec: &ratio, data: Data::Ratio { baseline: Counts::new(errors / 3, total), canary: Counts::new(errors, total.max(errors)) } },
            MetricInput { spec: &ratio, data: Data::RatioThreshold { canary: Counts::new(errors, total), bound: tol / 4.0 } },
        ];
        let v = judge(&inputs, Thresholds::default());
        if let Some(s) = v.score {
            prop_assert!((0.0..=100.0).contains(&s));
        }
        for m in &v.metrics {
            prop_assert!(!m.reason.is_empty());
            if let Some(t) = m.test {
                prop_assert!((0.0..=1.0).contains(&t.p_value) && t.adjusted_p_value >= t.p_value);
            }
        }
        prop_assert!(serde_json::to_string(&v).is_ok());
    }
}

#[test]
fn all_no_data_is_inconclusive_unless_the_data_was_required() {
    let b = ramp(40, 100.0, 1.0);
    let optional = latency();
    let required = MetricSpec::new("cpu", Kind::Continuous).must_have_data(true);
    let empty = |spec| MetricInput {
        spec,
        data: continuous(&b, &[]),
    };
    let v = judge(&[empty(&optional), empty(&optional)], Thresholds::default());
    assert_eq!((v.score, v.outcome), (None, Outcome::Inconclusive));
    // A metric that must have data and has none is a failure: score 0.
    let v = judge(&[empty(&optional), empty(&required)], Thresholds::default());
    assert_eq!((v.score, v.outcome), (Some(0.0), Outcome::NoGo));
    assert_eq!(
        v.summary,
        "no-go: score 0 (go ≥ 95, inconclusive ≥ 75); 2 no data (latency_p95, cpu)"
    );
}

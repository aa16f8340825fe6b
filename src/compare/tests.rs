//! Stage two of `compare:` as a whole: defaults, the three kinds of
//! baseline, built-in variables, units, overrides, secrets, the bundled
//! example, and no panic on hostile input.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::plan::{Baseline, CompareConfig};
use super::sides::Overrides;
use crate::config::parse;
use crate::context::Context;
use crate::input::{ConfigError, ConfigText, Sourced};
use crate::judge::{Direction, Tolerance};
use crate::metrics::Request;

const AT: &str = "2026-01-01T00:10:00Z";

fn at() -> DateTime<Utc> {
    AT.parse().unwrap()
}

fn ctx(env: &[(&str, &str)]) -> Context {
    Context::with_env(env)
}

fn resolve_with(
    yaml: &str,
    overrides: &Overrides,
    env: &[(&str, &str)],
) -> Result<CompareConfig, ConfigError> {
    let path = Path::new("greenlight.yml");
    let file = parse(yaml, path)?;
    let text = ConfigText {
        path: path.into(),
        text: yaml.into(),
    };
    let entry = file.compare.as_ref().expect("a compare section");
    super::resolve::resolve(&text, entry, overrides, at(), &ctx(env))
}

fn resolve(yaml: &str) -> CompareConfig {
    resolve_with(yaml, &Overrides::default(), &[]).unwrap_or_else(|e| panic!("{e}"))
}

const MINIMAL: &str = r#"compare:
  source: { type: prometheus, url: "http://prom:9090/" }
  baseline: { group: blue }
  canary: { group: green }
  metrics:
    - { name: latency, query: 'x{group="{{group}}"}' }
"#;

/// The query of a continuous metric's side, as sent.
fn query(r: &Request) -> String {
    match r {
        Request::Values(q) => q.describe(),
        other => panic!("not a sample query: {other:?}"),
    }
}

#[test]
fn defaults() {
    let c = resolve(MINIMAL);
    assert_eq!(c.window, Some(Duration::from_secs(600)));
    assert_eq!(c.step, Some(Duration::from_secs(15)));
    assert_eq!((c.thresholds.pass(), c.thresholds.marginal()), (95.0, 75.0));
    let m = &c.metrics[0];
    assert_eq!(m.spec.tolerance, Tolerance::Relative(0.10));
    assert_eq!(m.spec.direction, Direction::Increase);
    assert_eq!((m.spec.confidence, m.spec.min_samples), (0.95, 20));
    assert_eq!(query(&m.canary), r#"x{group="green"}"#);
    let range = c.canary.range.unwrap();
    assert_eq!(range.end, at());
    assert_eq!(range.start.to_rfc3339(), "2026-01-01T00:00:00+00:00");
    assert_eq!(query(m.baseline.as_ref().unwrap()), r#"x{group="blue"}"#);
    assert_eq!(c.source_kind, "prometheus");
    assert_eq!(c.source.url().as_deref(), Some("http://prom:9090"));
}

#[test]
fn a_historical_baseline_shifts_the_window_and_keeps_the_canary_variables() {
    let c = resolve(&MINIMAL.replace("{ group: blue }", "{ offset: 7d }"));
    let Baseline::Historical { offset, side } = &c.baseline else {
        panic!("historical: {:?}", c.baseline)
    };
    assert_eq!(*offset, Duration::from_secs(7 * 86_400));
    assert_eq!(side.variables["group"], "green");
    assert_eq!(
        query(c.metrics[0].baseline.as_ref().unwrap()),
        r#"x{group="green"}"#
    );
    let range = side.range.unwrap();
    assert_eq!(range.end.to_rfc3339(), "2025-12-25T00:10:00+00:00");
}

#[test]
fn built_in_step_and_window_fill_queries() {
    let c = resolve(&MINIMAL.replace(
        r#"'x{group="{{group}}"}'"#,
        r#"'sum(increase(x{group="{{group}}"}[{{ step }}])) / {{window}}'"#,
    ));
    assert_eq!(
        query(&c.metrics[0].canary),
        r#"sum(increase(x{group="green"}[15s])) / 10m"#
    );
}

#[test]
fn bounds_and_absolute_tolerances_are_in_the_metrics_unit() {
    let c = resolve(&MINIMAL.replace(
        "    - { name: latency, query: 'x{group=\"{{group}}\"}' }\n",
        "    - { name: p95, query: 'x{group=\"{{group}}\"}', unit: ms, bound: 0.3s }\n    - { name: mem, query: 'm{group=\"{{group}}\"}', tolerance: 64MiB }\n",
    ));
    assert_eq!(c.metrics[0].bound, Some(300.0));
    assert_eq!(c.metrics[0].spec.tolerance, Tolerance::Relative(0.0));
    assert!(c.metrics[0].baseline.is_none());
    assert_eq!(
        c.metrics[1].spec.tolerance,
        Tolerance::Absolute(67_108_864.0)
    );
}

#[test]
fn a_file_source_needs_no_baseline_section() {
    let c = resolve(
        "compare:\n  source: { type: file }\n  metrics:\n    - { name: l, baseline_file: a.csv, canary_file: b.csv, column: ms }\n",
    );
    assert!(c.window.is_none());
    assert_eq!(query(c.metrics[0].baseline.as_ref().unwrap()), "a.csv [ms]");
}

#[test]
fn flags_lay_over_the_files_variables() {
    let o = Overrides {
        baseline: vec![Sourced {
            value: "offset=1d".into(),
            origin: "--baseline".into(),
        }],
        canary: vec![Sourced {
            value: "group = asg-7".into(),
            origin: "--canary".into(),
        }],
    };
    let c = resolve_with(MINIMAL, &o, &[]).unwrap();
    assert_eq!(query(&c.metrics[0].canary), r#"x{group="asg-7"}"#);
    assert!(matches!(c.baseline, Baseline::Historical { .. }));
    let bad = Overrides {
        canary: vec![Sourced {
            value: "step=1m".into(),
            origin: "GREENLIGHT_CANARY".into(),
        }],
        ..Overrides::default()
    };
    assert_eq!(
        resolve_with(MINIMAL, &bad, &[]).err().unwrap().to_string(),
        "invalid GREENLIGHT_CANARY: `step` is a built-in template variable ({{step}} is the comparison's step); pick another name"
    );
}

#[test]
fn secrets_come_from_the_environment_and_the_url() {
    let yaml = MINIMAL.replace(
        r#"url: "http://prom:9090/""#,
        r#"url: "https://reader:p%40ss@${PROM_HOST}/prom", headers: { Authorization: "${AUTH}" }"#,
    );
    let c = resolve_with(
        &yaml,
        &Overrides::default(),
        &[("PROM_HOST", "prom.internal"), ("AUTH", "Token abc123")],
    )
    .unwrap();
    assert_eq!(
        c.source.url().as_deref(),
        Some("https://prom.internal/prom")
    );
    // The header, the URL's password, and basic auth as it travels.
    let secrets = c.source.secrets();
    let echoed = format!(
        "Token abc123 p@ss {} p%40ss",
        crate::encode::base64(b"reader:p@ss")
    );
    assert_eq!(secrets.clean(&echoed), "*** *** *** ***");
    let err = resolve_with(&yaml, &Overrides::default(), &[])
        .err()
        .unwrap();
    assert!(
        err.to_string().starts_with(
            "greenlight.yml:2:36: compare.source.url: variable `PROM_HOST` is not set"
        ),
        "{err}"
    );
}

#[test]
fn the_bundled_example_resolves() {
    let yaml = include_str!("../../examples/compare.yml");
    let env = [
        ("OLD_GROUP", "asg-1"),
        ("NEW_GROUP", "asg-2"),
        ("PROMETHEUS_TOKEN", "t0k3n"),
        ("NEW_STACK_IP", "10.0.3.17"),
    ];
    let c = resolve_with(yaml, &Overrides::default(), &env).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.metrics.len(), 5);
    assert_eq!(c.step, Some(Duration::from_secs(30)));
    let Request::Counts {
        errors, cumulative, ..
    } = &c.metrics[1].canary
    else {
        panic!("ratio")
    };
    // Raw counters: every sample of the 10-minute window.
    assert!(*cumulative);
    assert!(
        errors.describe().contains(r#"group="asg-2""#) && errors.describe().ends_with("[600s]")
    );
    let file = parse(yaml, Path::new("compare.yml")).unwrap();
    assert_eq!(file.checks.len(), 1);
}

/// No input panics stage one or two: YAML built from real keys, each
/// with values of its own type (so most inputs reach stage two), some
/// hostile.
mod fuzz {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn pick(values: &'static [&'static str]) -> impl Strategy<Value = String> {
        prop::sample::select(values.to_vec()).prop_map(str::to_string)
    }

    fn any_text() -> impl Strategy<Value = String> {
        "[ -~]{0,16}".prop_map(|s| format!("{s:?}"))
    }

    const TEMPLATES: &[&str] = &[
        "'x{g=\"{{group}}\"}'",
        "'x{g=\"{{nope}}\"}'",
        "'sum(x[{{step}}]) / {{window}}'",
        "results/{{group}}.csv",
        "r.json",
        "/a/b",
        "''",
        "{{group",
    ];
    const QUANTITIES: &[&str] = &["10%", "-5ms", "1e400", "0", "2MiB", "300ms", "0.5", "150%"];

    fn top_field() -> impl Strategy<Value = (&'static str, String)> {
        let durations: &[&str] = &[
            "10m",
            "15s",
            "1s",
            "0s",
            "7d",
            "1h",
            "99999999999999999999d",
        ];
        let sides: &[&str] = &[
            "{ group: blue }",
            "{ group: green }",
            "{ offset: 7d }",
            "{ offset: 0s }",
            "{ group: \"${UNSET}\" }",
            "{ step: 1m }",
            "{}",
        ];
        prop_oneof![
            (Just("window"), pick(durations)),
            (Just("step"), pick(durations)),
            (Just("baseline"), pick(sides)),
            (Just("canary"), pick(sides)),
            (Just("confidence"), pick(&["0.95", "95%", "0.5", "1"])),
            (Just("min_samples"), pick(&["1", "20", "0"])),
            (
                Just("thresholds"),
                pick(&["{ pass: 95 }", "{ pass: 10, marginal: 90 }", "{}"])
            ),
            (Just("window"), any_text()),
        ]
    }

    fn metric_field() -> impl Strategy<Value = (&'static str, String)> {
        prop_oneof![
            (Just("kind"), pick(&["ratio", "continuous"])),
            (Just("query"), pick(TEMPLATES)),
            (Just("errors"), pick(TEMPLATES)),
            (Just("total"), pick(TEMPLATES)),
            (Just("file"), pick(TEMPLATES)),
            (Just("baseline_file"), pick(TEMPLATES)),
            (Just("canary_file"), pick(TEMPLATES)),
            (Just("column"), pick(TEMPLATES)),
            (Just("pointer"), pick(TEMPLATES)),
            (Just("direction"), pick(&["increase", "decrease", "either"])),
            (Just("tolerance"), pick(QUANTITIES)),
            (Just("bound"), pick(QUANTITIES)),
            (Just("unit"), pick(&["s", "ms", "bytes"])),
            (Just("critical"), pick(&["true", "false"])),
            (Just("must_have_data"), pick(&["true", "false"])),
            (Just("weight"), pick(&["0", "1.5"])),
            (Just("min_samples"), pick(&["1", "20"])),
            (
                Just("combine"),
                pick(&["pool", "sum", "{ label: pod, value: \"{{group}}\" }"])
            ),
            (Just("format"), pick(&["csv", "tsv", "json"])),
            (Just("query"), any_text()),
        ]
    }

    fn yaml() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["prometheus", "file"]),
            prop::collection::vec(top_field(), 0..5),
            prop::collection::vec(metric_field(), 0..7),
        )
            .prop_map(|(kind, top, metric)| {
                let url = if kind == "prometheus" {
                    ", url: \"http://p:9\""
                } else {
                    ""
                };
                // One value per key: a repeated key is only a YAML error.
                let top: BTreeMap<_, _> = top.into_iter().collect();
                let metric: BTreeMap<_, _> = metric.into_iter().collect();
                let mut y = format!("compare:\n  source: {{ type: {kind}{url} }}\n");
                for (k, v) in top {
                    y.push_str(&format!("  {k}: {v}\n"));
                }
                y.push_str("  metrics:\n    - name: m\n");
                for (k, v) in metric {
                    y.push_str(&format!("      {k}: {v}\n"));
                }
                y
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn hostile_compare_sections_never_panic(text in yaml()) {
            let path = Path::new("greenlight.yml");
            if let Ok(file) = parse(&text, path) {
                let loaded = ConfigText { path: path.into(), text: text.clone() };
                if let Some(entry) = file.compare.as_ref() {
                    let _ = super::super::resolve::resolve(
                        &loaded, entry, &Overrides::default(), at(), &ctx(&[]),
                    );
                }
            }
        }
    }
}

//! The statistics for real time series (issue #10) against SciPy, NumPy
//! and statsmodels (`tests/data/judge/series_reference.json`, made by
//! `scripts/reference/run.sh` with `make_series_reference.py`): Student's
//! t, the two-sample t on replicas (pooled and Welch), the lag-1
//! autocorrelation, the least-squares slope, the histogram quantile and
//! its standard error, and the quasi-Poisson rate ratio. The largest
//! relative error per family is printed (`cargo test -- --nocapture`).

use serde_json::Value;

use super::support::{Check, f, floats};

use crate::judge::assess::dispersed::dispersion;
use crate::judge::assess::estimates::{difference, welch};
use crate::judge::rates::Counts;
use crate::judge::spec::Estimated;
use crate::judge::{
    Data, Direction, Kind, MetricInput, MetricSpec, Thresholds, Tolerance, histogram, judge,
    series, student,
};

const REFERENCE: &str = include_str!("../../../tests/data/judge/series_reference.json");
const CLOSE: f64 = 1e-9;

fn reference() -> Value {
    serde_json::from_str(REFERENCE).expect("series_reference.json parses")
}

#[test]
fn student_t_matches_scipy() {
    let r = reference();
    let mut check = Check::new("Student's t (scipy.stats.t)");
    for case in r["student"].as_array().expect("cases") {
        let df = f(&case["df"]);
        for pair in case["sf"].as_array().expect("sf") {
            let (t, want) = (f(&pair[0]), f(&pair[1]));
            check.close(&format!("sf({t}, {df})"), student::sf(t, df), want, CLOSE);
        }
        for pair in case["isf"].as_array().expect("isf") {
            let (p, want) = (f(&pair[0]), f(&pair[1]));
            check.close(&format!("isf({p}, {df})"), student::isf(p, df), want, CLOSE);
        }
    }
}

fn units(values: &[f64]) -> Estimated {
    let e = series::across_units(values).expect("two or more");
    Estimated {
        value: e.value,
        se: e.se,
        df: e.df,
        level: e.value,
        n: 100,
        removed: 0,
        replicas: u32::try_from(values.len()).ok(),
        effective: None,
    }
}

#[test]
fn replicas_as_the_unit_match_scipy_ttest_ind() {
    let r = reference();
    let mut check = Check::new("two-sample t on replicas (scipy.stats.ttest_ind)");
    for case in r["two_sample"].as_array().expect("cases") {
        let (b, c) = (floats(&case["baseline"]), floats(&case["canary"]));
        let (eb, ec) = (units(&b), units(&c));
        let mut compare = |name: &str, (d, se, df): (f64, f64, f64)| {
            let want = &case[name];
            let t = d / se;
            check.close(&format!("{name} t"), t, f(&want["t"]), CLOSE);
            check.close(&format!("{name} df"), df, f(&want["df"]), CLOSE);
            check.close(
                &format!("{name} p"),
                student::sf(t, df),
                f(&want["p"]),
                CLOSE,
            );
            let half = student::isf(0.025, df) * se;
            check.close(
                &format!("{name} ci low"),
                d - half,
                f(&want["ci"][0]),
                CLOSE,
            );
            check.close(
                &format!("{name} ci high"),
                d + half,
                f(&want["ci"][1]),
                CLOSE,
            );
        };
        compare("welch", welch(&eb, &ec));
        // What the judge uses: pooled for equal numbers, Welch otherwise.
        let used = if b.len() == c.len() {
            "pooled"
        } else {
            "welch"
        };
        compare(used, difference(&eb, &ec));
    }
}

#[test]
fn lag1_matches_statsmodels_acf() {
    let r = reference();
    let mut check = Check::new("lag-1 autocorrelation (statsmodels acf)");
    for case in r["lag1"].as_array().expect("cases") {
        let x = floats(&case["values"]);
        check.close("lag1", series::lag1(&x), f(&case["lag1"]), CLOSE);
    }
}

#[test]
fn slope_matches_scipy_linregress() {
    let r = reference();
    let mut check = Check::new("least-squares slope (scipy.stats.linregress)");
    for case in r["ols"].as_array().expect("cases") {
        let (t, v) = (floats(&case["times"]), floats(&case["values"]));
        let (slope, sxx, residuals) = series::ols(&t, &v).expect("a slope");
        let n = residuals.len() as f64;
        let sse: f64 = residuals.iter().map(|e| e * e).sum();
        check.close("slope", slope, f(&case["slope"]), CLOSE);
        check.close(
            "stderr",
            (sse / (n - 2.0) / sxx).sqrt(),
            f(&case["stderr"]),
            CLOSE,
        );
    }
}

#[test]
fn histogram_quantiles_match_scipy_lognorm() {
    let r = reference();
    let mut check = Check::new("histogram quantile (scipy.stats.lognorm.ppf)");
    for case in r["histogram"].as_array().expect("cases") {
        let buckets: Vec<(f64, f64)> = case["buckets"]
            .as_array()
            .expect("buckets")
            .iter()
            .map(|b| (b[0].as_f64().unwrap_or(f64::INFINITY), f(&b[1])))
            .collect();
        let q = f(&case["q"]);
        let reading = histogram::quantile(&buckets, q).expect("readable");
        check.close("quantile", reading.value, f(&case["quantile"]), CLOSE);
        check.close("log se", reading.log_se, f(&case["log_se"]), CLOSE);
    }
}

#[test]
fn quasi_poisson_matches_a_statsmodels_glm() {
    let r = reference();
    let mut check = Check::new("quasi-Poisson rate ratio (statsmodels GLM, scale=X2)");
    let counts = |v: &Value| -> Vec<Counts> {
        v.as_array()
            .expect("replicas")
            .iter()
            .map(|c| Counts::new(c[0].as_u64().expect("e"), c[1].as_u64().expect("n")))
            .collect()
    };
    for case in r["quasi_poisson"].as_array().expect("cases") {
        let (b, c) = (counts(&case["baseline"]), counts(&case["canary"]));
        let (phi, df) = dispersion(&[&b, &c]);
        check.close("dispersion", phi, f(&case["dispersion"]), CLOSE);
        check.close("df", df, f(&case["df"]), CLOSE);
        let spec = MetricSpec::new("errors", Kind::Ratio)
            .direction(Direction::Either)
            .tolerance(Tolerance::Relative(0.0));
        let v = judge(
            &[MetricInput {
                spec: &spec,
                data: Data::UnitCounts {
                    baseline: &b,
                    canary: &c,
                },
            }],
            Thresholds::default(),
        );
        let m = &v.metrics[0];
        let (estimate, interval) = (m.estimate.expect("estimate"), m.interval.expect("interval"));
        check.close(
            "log ratio",
            estimate.value.ln(),
            f(&case["log_ratio"]),
            CLOSE,
        );
        check.close("ci low", interval.lower.ln(), f(&case["ci"][0]), CLOSE);
        check.close("ci high", interval.upper.ln(), f(&case["ci"][1]), CLOSE);
    }
}

//! The judge's statistics against SciPy/NumPy reference values
//! (`tests/data/judge/reference.json`, made by
//! `scripts/reference/run.sh`): within 1e-9 relative for exact methods and
//! exact quantities, 1e-6 for normal approximations. The largest relative
//! error seen per family is printed (`cargo test -- --nocapture`).

use serde_json::Value;

use super::support::{Check, f, floats, u};

use crate::judge::mann_whitney::{Alternative, Method, mann_whitney_u};
use crate::judge::rates::{self, Counts};
use crate::judge::{binomial, hodges_lehmann, sample, threshold};

const REFERENCE: &str = include_str!("../../../tests/data/judge/reference.json");

const EXACT: f64 = 1e-9;
const APPROX: f64 = 1e-6;

fn reference() -> Value {
    serde_json::from_str(REFERENCE).expect("reference.json parses")
}

fn alternative(name: &str) -> Alternative {
    match name {
        "less" => Alternative::Less,
        "greater" => Alternative::Greater,
        _ => Alternative::TwoSided,
    }
}

#[test]
fn mann_whitney_matches_scipy() {
    let r = reference();
    let (mut exact, mut approx, mut stat) = (
        Check::new("MWU exact p"),
        Check::new("MWU asymptotic p"),
        Check::new("MWU U"),
    );
    for case in r["mann_whitney"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let (x, y) = (floats(&case["canary"]), floats(&case["baseline"]));
        for (key, method) in [
            ("p_asymptotic", Method::Asymptotic),
            ("p_exact", Method::Exact),
            ("p_auto", Method::Auto),
        ] {
            let Some(ps) = case[key].as_object() else {
                continue;
            };
            for (alt, want) in ps {
                let got = mann_whitney_u(&x, &y, alternative(alt), method).expect("valid");
                stat.close(&format!("{name} U"), got.u, f(&case["u"]), EXACT);
                let what = format!("{name} {key} {alt}");
                match got.method {
                    Method::Exact => exact.close(&what, got.p_value, f(want), EXACT),
                    _ => approx.close(&what, got.p_value, f(want), APPROX),
                }
            }
        }
    }
}

#[test]
fn auto_method_picks_what_scipy_picks() {
    // Where SciPy's auto p equals its exact p, ours must be exact too, and
    // where it equals the asymptotic one, ours must be asymptotic.
    let r = reference();
    for case in r["mann_whitney"].as_array().expect("cases") {
        let (x, y) = (floats(&case["canary"]), floats(&case["baseline"]));
        let auto = f(&case["p_auto"]["less"]);
        let scipy_exact = case["p_exact"]["less"].as_f64() == Some(auto)
            && case["p_asymptotic"]["less"].as_f64() != Some(auto);
        let ours = mann_whitney_u(&x, &y, Alternative::Less, Method::Auto).expect("valid");
        assert_eq!(
            ours.method == Method::Exact,
            scipy_exact,
            "{}",
            case["name"]
        );
    }
}

#[test]
fn hodges_lehmann_matches_numpy_median_of_differences() {
    let r = reference();
    let mut check = Check::new("Hodges-Lehmann estimate");
    for case in r["mann_whitney"].as_array().expect("cases") {
        let (x, y) = (floats(&case["canary"]), floats(&case["baseline"]));
        let hl = hodges_lehmann(&x, &y, 0.95).expect("valid");
        check.close(
            case["name"].as_str().unwrap_or("?"),
            hl.estimate,
            f(&case["hodges_lehmann"]),
            EXACT,
        );
    }
}

#[test]
fn poisson_conditional_test_matches_scipy_binomtest() {
    let r = reference();
    let (mut p_check, mut ci_check) =
        (Check::new("Poisson ratio p"), Check::new("Clopper-Pearson"));
    for case in r["poisson_ratio"].as_array().expect("cases") {
        let canary = Counts::new(u(&case["canary"][0]), u(&case["canary"][1]));
        let baseline = Counts::new(u(&case["baseline"][0]), u(&case["baseline"][1]));
        let ratio = f(&case["null_ratio"]);
        let what = format!("{canary:?} vs {baseline:?} r={ratio}");
        p_check.close(
            &what,
            rates::null_share(canary, baseline, ratio),
            f(&case["p0"]),
            1e-15,
        );
        for alt in ["less", "greater"] {
            let got = rates::poisson_ratio_test(canary, baseline, ratio, alternative(alt))
                .expect("valid");
            p_check.close(&format!("{what} {alt}"), got, f(&case["p"][alt]), EXACT);
        }
        let n = canary.errors + baseline.errors;
        for (key, conf) in [("share_ci_95", 0.95), ("share_ci_99", 0.99)] {
            let (lo, hi) = binomial::clopper_pearson(canary.errors, n, conf);
            ci_check.close(&format!("{what} {key} low"), lo, f(&case[key][0]), EXACT);
            ci_check.close(&format!("{what} {key} high"), hi, f(&case[key][1]), EXACT);
            // The ratio interval is the share interval mapped to a ratio.
            let (rlo, _) = rates::rate_ratio_interval(canary, baseline, conf);
            let exposure = baseline.total as f64 / canary.total as f64;
            ci_check.close(
                &format!("{what} ratio low"),
                rlo,
                lo / (1.0 - lo) * exposure,
                1e-15,
            );
        }
    }
}

#[test]
fn rate_bound_test_matches_scipy_binomtest() {
    let r = reference();
    let mut check = Check::new("rate vs bound");
    for case in r["rate_bound"].as_array().expect("cases") {
        let c = Counts::new(u(&case["errors"]), u(&case["total"]));
        let bound = f(&case["bound"]);
        for alt in ["less", "greater"] {
            let got = rates::rate_bound_test(c, bound, alternative(alt)).expect("valid");
            check.close(
                &format!("{c:?} {bound} {alt}"),
                got,
                f(&case["p"][alt]),
                EXACT,
            );
        }
        let (lo, hi) = binomial::clopper_pearson(c.errors, c.total, 0.95);
        check.close(&format!("{c:?} ci low"), lo, f(&case["ci_95"][0]), EXACT);
        check.close(&format!("{c:?} ci high"), hi, f(&case["ci_95"][1]), EXACT);
    }
}

#[test]
fn sign_test_and_median_interval_match_scipy() {
    let r = reference();
    let mut check = Check::new("sign test");
    for case in r["sign_test"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap_or("?");
        let values = sample::clean(&floats(&case["values"]));
        let bound = f(&case["bound"]);
        for alt in ["less", "greater"] {
            let got = threshold::sign_test(&values, bound, alternative(alt));
            check.close(
                &format!("{name} {alt}"),
                got.p_value,
                f(&case["p"][alt]),
                EXACT,
            );
        }
        // Order statistics and NumPy's median are exact; 1e-15 allows for
        // serde_json's best-effort parsing of 17-digit decimals.
        let (lo, hi) = threshold::median_interval(&values, 0.95);
        check.close(
            &format!("{name} median CI low"),
            lo,
            f(&case["median_ci_95"][0]),
            1e-15,
        );
        check.close(
            &format!("{name} median CI high"),
            hi,
            f(&case["median_ci_95"][1]),
            1e-15,
        );
        let median = sample::median(&values).unwrap_or(f64::NAN);
        check.close(&format!("{name} median"), median, f(&case["median"]), 1e-15);
    }
}

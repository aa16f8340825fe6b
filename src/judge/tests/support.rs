//! What the reference tests share: reading numbers from the reference JSON
//! and checking values against it, printing the largest error per family.

use serde_json::Value;

pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

pub fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

pub fn u(v: &Value) -> u64 {
    v.as_u64().expect("count")
}

/// Relative error (absolute below 1e-300, where the reference is 0).
pub fn rel_err(got: f64, want: f64) -> f64 {
    if want == 0.0 {
        if got.abs() <= 1e-300 { 0.0 } else { got.abs() }
    } else {
        ((got - want) / want).abs()
    }
}

/// Checks and records the largest error.
pub struct Check {
    family: &'static str,
    worst: f64,
    count: usize,
}

impl Check {
    pub fn new(family: &'static str) -> Self {
        Check {
            family,
            worst: 0.0,
            count: 0,
        }
    }

    pub fn close(&mut self, what: &str, got: f64, want: f64, tol: f64) {
        let e = rel_err(got, want);
        assert!(
            e <= tol,
            "{}: {what}: got {got:e}, SciPy {want:e} (rel err {e:e} > {tol:e})",
            self.family
        );
        self.worst = self.worst.max(e);
        self.count += 1;
    }
}

impl Drop for Check {
    fn drop(&mut self) {
        println!(
            "{}: {} values, largest relative error {:.1e}",
            self.family, self.count, self.worst
        );
    }
}

//! Samples as the tests need them: finite values only, sorted ascending,
//! with the count of what was removed, plus the order statistics
//! (median, quantile) computed the way NumPy does, so reference values from
//! `scripts/reference/make_reference.py` match bit for bit.
//!
//! Limits: NaN and ±Inf are dropped and counted, never judged; `-0.0`
//! becomes `0.0` so that zero ties with zero.

/// The finite values of a sample, sorted ascending (NaN/±Inf dropped; the
/// judge counts them once, in `assess::summarize`).
pub fn clean(raw: &[f64]) -> Vec<f64> {
    // `+ 0.0` turns -0.0 into 0.0 (IEEE 754: -0 + +0 = +0).
    let mut values: Vec<f64> = raw
        .iter()
        .filter(|v| v.is_finite())
        .map(|v| v + 0.0)
        .collect();
    values.sort_unstable_by(f64::total_cmp);
    values
}

/// Sorts a copy of a sample that must be all finite and non-empty.
pub(crate) fn sorted_finite(
    raw: &[f64],
    side: &'static str,
) -> Result<Vec<f64>, super::JudgeError> {
    if raw.is_empty() {
        return Err(super::JudgeError::EmptySample { side });
    }
    if raw.iter().any(|v| !v.is_finite()) {
        return Err(super::JudgeError::NonFinite { side });
    }
    Ok(clean(raw))
}

/// The midpoint of two values as NumPy's `median` computes it, `(a + b) / 2`,
/// without overflowing to infinity for huge values.
pub fn midpoint(a: f64, b: f64) -> f64 {
    let sum = a + b;
    if sum.is_finite() {
        sum / 2.0
    } else {
        a / 2.0 + b / 2.0
    }
}

/// The median of a sorted sample (NumPy: the mean of the two middle values
/// when the length is even); `None` when empty.
pub fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(midpoint(sorted[n / 2 - 1], sorted[n / 2])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_and_counts_non_finite_and_sorts() {
        let c = clean(&[3.0, f64::NAN, -0.0, f64::INFINITY, 1.0, f64::NEG_INFINITY]);
        assert_eq!(c, vec![0.0, 1.0, 3.0]);
        assert!(c[0].is_sign_positive());
    }

    #[test]
    fn median_is_numpys() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0]), Some(1.0));
        assert_eq!(median(&[1.0, 2.0]), Some(1.5));
        assert_eq!(median(&[1.0, 2.0, 10.0]), Some(2.0));
        assert_eq!(median(&[f64::MAX, f64::MAX]), Some(f64::MAX));
    }
}

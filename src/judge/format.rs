//! Numbers as the reason sentences print them: 4 significant digits,
//! percentages with one decimal, p-values with 2 significant digits, ∞ for
//! unbounded interval ends. Plain ASCII apart from ∞ and →.

/// 4 significant digits, trailing zeros trimmed; scientific when tiny/huge.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞".into() } else { "-∞".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    if !(1e-3..1e6).contains(&a) {
        return sci(x, 3);
    }
    let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
    trim(format!("{x:.decimals$}"))
}

/// A fraction as a percentage with one decimal ("23.1%").
pub fn pct(frac: f64) -> String {
    if !frac.is_finite() {
        return format!("{}%", num(frac));
    }
    let v = frac * 100.0;
    if v.abs() >= 1e4 {
        format!("{}%", num(v))
    } else {
        format!("{v:.1}%")
    }
}

/// A fraction as a signed percentage ("+3.1%", "-1.0%").
pub fn signed_pct(frac: f64) -> String {
    let s = pct(frac + 0.0);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

/// A number with an explicit sign.
pub fn signed(x: f64) -> String {
    let s = num(x + 0.0);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

/// A tolerance or confidence fraction without a needless decimal ("10%", "99.5%").
pub fn share(frac: f64) -> String {
    format!("{}%", trim(format!("{:.4}", frac * 100.0)))
}

/// A rate as a percentage with 3 significant digits ("0.0200%").
pub fn rate(r: f64) -> String {
    if r == 0.0 {
        return "0%".into();
    }
    format!("{}%", num(r * 100.0))
}

/// A p-value: 2 significant digits, scientific below 0.0001, and
/// "<1e-300" where the normal tail underflows.
pub fn p(p: f64) -> String {
    if p < 1e-300 {
        return "<1e-300".into();
    }
    if p < 1e-4 {
        return sci(p, 1);
    }
    let decimals = (1 - p.log10().floor() as i32).max(0) as usize;
    trim(format!("{p:.decimals$}"))
}

fn sci(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$e}");
    match s.split_once('e') {
        Some((mantissa, exp)) => format!("{}e{exp}", trim(mantissa.to_string())),
        None => s,
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(num(123.456), "123.5");
        assert_eq!(num(0.012345), "0.01235");
        assert_eq!(num(12345.0), "12345");
        assert_eq!(num(120.0), "120");
        assert_eq!(num(-2.5), "-2.5");
        assert_eq!(num(2.4e-6), "2.4e-6");
        assert_eq!(num(3.25e9), "3.25e9");
        assert_eq!(num(f64::INFINITY), "∞");
        assert_eq!(pct(0.231), "23.1%");
        assert_eq!(signed_pct(-0.01), "-1.0%");
        assert_eq!(signed_pct(0.031), "+3.1%");
        assert_eq!(signed_pct(-0.0), "+0.0%");
        assert_eq!(signed(-0.0), "+0");
        assert_eq!(share(0.1), "10%");
        assert_eq!(share(0.995), "99.5%");
        assert_eq!(rate(0.0002), "0.02%");
        assert_eq!(p(0.0003), "0.0003");
        assert_eq!(p(0.00031), "0.00031");
        assert_eq!(p(2.4e-6), "2.4e-6");
        assert_eq!(p(0.0312), "0.031");
        assert_eq!(p(0.41), "0.41");
        assert_eq!(p(1.0), "1");
        assert_eq!(p(0.05), "0.05");
        assert_eq!(p(0.0), "<1e-300");
    }
}

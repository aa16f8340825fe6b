//! The exact null distribution of the Mann-Whitney U statistic for samples
//! without ties, in exact integer arithmetic.
//!
//! The number of arrangements of sizes (m, n) with U = u is the coefficient
//! of q^u in the Gaussian binomial coefficient
//! `[m+n choose m]_q = Π_{i=1..m} (1 - q^(n+i)) / (1 - q^i)`
//! (Mann & Whitney 1947; Andrews, *The Theory of Partitions*, §3.3). The
//! product is built one factor at a time, truncated at the highest degree
//! needed: multiplying by `1 - q^a` and dividing by `1 - q^i` each touch the
//! lower degrees only, so the truncation is exact. Every coefficient is
//! bounded by `C(m+n, m)`, so i128 holds them exactly while that fits.
//!
//! Limits: "feasible" only while `C(m+n, m)` fits in i128 (about 1.7e38:
//! e.g. 8 vs 200,000, or 60 vs 60) and the truncated polynomial has at most
//! [`MAX_TERMS`] coefficients; callers fall back to the normal approximation
//! otherwise. Cost is O(min(m, n) · u) time and O(u) memory.

/// The most coefficients the exact distribution will hold (32 MiB of i128).
pub const MAX_TERMS: u64 = 2_000_000;

/// `C(m+n, m)`, the number of arrangements, or `None` past i128.
pub fn arrangements(m: u64, n: u64) -> Option<i128> {
    let k = m.min(n);
    let mut c: u128 = 1;
    for i in 1..=k as u128 {
        // C(n+i, i) = C(n+i-1, i-1) · (n+i) / i, exact at every step.
        let top = (m.max(n) as u128).checked_add(i)?;
        c = c.checked_mul(top)? / i;
    }
    i128::try_from(c).ok()
}

/// Counts of arrangements with U = 0..=kmax, or `None` when infeasible.
fn counts_upto(m: u64, n: u64, kmax: u64) -> Option<Vec<i128>> {
    arrangements(m, n)?;
    let (m, n) = (m.min(n), m.max(n));
    let len = kmax.checked_add(1)?;
    if len > MAX_TERMS {
        return None;
    }
    let len = usize::try_from(len).ok()?;
    let mut p = vec![0i128; len];
    p[0] = 1;
    for i in 1..=m as usize {
        let a = (n as usize).saturating_add(i);
        for d in (a..len).rev() {
            p[d] -= p[d - a];
        }
        for d in i..len {
            p[d] += p[d - i];
        }
    }
    Some(p)
}

/// Whether the exact distribution can be computed for these sizes.
pub fn feasible(m: u64, n: u64) -> bool {
    m > 0 && n > 0 && arrangements(m, n).is_some() && m.saturating_mul(n) / 2 < MAX_TERMS
}

/// P(U ≥ u) under the null hypothesis, or `None` when infeasible.
///
/// Like SciPy's `_MWU.sf`, it sums the shorter tail: by symmetry
/// P(U ≥ u) = P(U ≤ mn − u).
pub fn sf(u: u64, m: u64, n: u64) -> Option<f64> {
    let mn = m.checked_mul(n)?;
    if u == 0 {
        return Some(1.0);
    }
    if u > mn {
        return Some(0.0);
    }
    let total = arrangements(m, n)?;
    let j = mn - u;
    let favourable = if j < u {
        counts_upto(m, n, j)?.iter().sum::<i128>()
    } else {
        total - counts_upto(m, n, u - 1)?.iter().sum::<i128>()
    };
    Some(favourable as f64 / total as f64)
}

/// The largest k ≥ 1 with P(U ≤ k − 1) ≤ `tail`, or 0 when even P(U = 0)
/// exceeds `tail`; `None` when infeasible. The Moses confidence interval for
/// a shift is [D(k), D(mn + 1 − k)] over the sorted pairwise differences.
pub fn lower_critical(m: u64, n: u64, tail: f64) -> Option<u64> {
    let total = arrangements(m, n)?;
    let half = m.checked_mul(n)? / 2;
    let counts = counts_upto(m, n, half)?;
    let mut cum: i128 = 0;
    let mut k = 0u64;
    for (u, c) in counts.iter().enumerate() {
        cum += c;
        // P(U ≤ u) ≤ tail  ⇒  k = u + 1 is allowed.
        if cum as f64 / total as f64 <= tail {
            k = u as u64 + 1;
        } else {
            break;
        }
    }
    Some(k)
}

/// Brute force: every way to choose which m of the m+n ranks are x's;
/// the count of arrangements for each U. Shared by the tests of the exact
/// distribution and of the Hodges–Lehmann interval.
#[cfg(test)]
pub(crate) fn brute_counts(m: usize, n: usize) -> Vec<u64> {
    let mut counts = vec![0u64; m * n + 1];
    for mask in 0u32..(1 << (m + n)) {
        if mask.count_ones() as usize != m {
            continue;
        }
        // U for x = number of (x, y) pairs with x above y.
        let (mut u, mut ys_below) = (0usize, 0usize);
        for bit in 0..m + n {
            if mask & (1 << bit) != 0 {
                u += ys_below;
            } else {
                ys_below += 1;
            }
        }
        counts[u] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_brute_force_enumeration() {
        for m in 1..=6 {
            for n in 1..=7 {
                let brute = brute_counts(m, n);
                let fast = counts_upto(m as u64, n as u64, (m * n) as u64).unwrap();
                let fast: Vec<u64> = fast.iter().map(|&c| c as u64).collect();
                assert_eq!(fast, brute, "m={m} n={n}");
            }
        }
    }

    #[test]
    fn arrangements_and_feasibility() {
        assert_eq!(arrangements(3, 4), Some(35));
        assert_eq!(arrangements(30, 30), Some(118_264_581_564_861_424));
        assert!(arrangements(100, 100).is_none());
        assert!(feasible(8, 100_000));
        assert!(!feasible(100, 100));
        assert!(!feasible(0, 5));
        // Huge sizes must not overflow: P(U ≥ 3) = 1 − 3/(n + 1).
        assert_eq!(sf(3, 1, u64::MAX), Some(1.0));
    }

    #[test]
    fn sf_is_a_probability_with_symmetry() {
        // m = n = 3: 20 arrangements, P(U >= 9) = 1/20, P(U >= 0) = 1.
        assert_eq!(sf(9, 3, 3), Some(0.05));
        assert_eq!(sf(0, 3, 3), Some(1.0));
        assert_eq!(sf(10, 3, 3), Some(0.0));
        // Every tail against brute force, through both summing branches.
        for (m, n) in [(4usize, 5usize), (3, 7)] {
            let counts = brute_counts(m, n);
            let total: u64 = counts.iter().sum();
            for u in 0..=m * n + 1 {
                let want = counts.iter().skip(u).sum::<u64>() as f64 / total as f64;
                let got = sf(u as u64, m as u64, n as u64).unwrap();
                assert!(
                    (got - want).abs() < 1e-15,
                    "m={m} n={n} u={u}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn lower_critical_matches_tables() {
        // Classic tables: for m = n = 10 at two-sided 5%, the critical U is 23,
        // so P(U <= 23) <= 0.025 and k = 24.
        assert_eq!(lower_critical(10, 10, 0.025), Some(24));
        // 2 vs 2 cannot reach 95%: P(U = 0) = 1/6.
        assert_eq!(lower_critical(2, 2, 0.025), Some(0));
    }
}

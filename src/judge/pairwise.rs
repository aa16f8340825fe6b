//! The k-th smallest of the n·m pairwise differences `fl(x_i − y_j)` of two
//! sorted samples, without listing them all (the Hodges–Lehmann estimate
//! and its interval are such order statistics).
//!
//! With both samples sorted, the differences form an implicit matrix
//! sorted along rows and columns, so the number of differences `≤ t` is
//! counted in one two-pointer pass (Johnson & Mizoguchi 1978; Monahan 1984
//! select from the same matrix). Equal values are merged first, each with
//! its multiplicity, so a pass costs the number of *distinct* values and
//! ties cost nothing extra.
//!
//! Selection ([`Pairs::kth`]), in about ten passes at 10^6 × 10^6:
//! 1. a bracket from the same order statistic of a grid of 512 × 512
//!    order statistics of each sample, widened until two counts confirm
//!    `count(lo) < k ≤ count(hi)`;
//! 2. regula falsi (Illinois) on the count, each probe snapping `hi` to the
//!    largest difference at or below it, until at most [`LISTED`] distinct
//!    pairs lie in the bracket, or the k-th is shown to be `hi` itself
//!    (fewer than k differences below it);
//! 3. the pairs in the bracket are listed with their multiplicities and the
//!    k-th picked by weighted quickselect.
//!
//! Should the interpolation stall, bisection over the bit patterns of f64
//! (ordered like the values) finishes in at most 64 passes. Whatever the
//! path, the result is exactly a computed difference `fl(x_i − y_j)`, the
//! same value NumPy's `np.sort(np.subtract.outer(x, y).ravel())[k-1]` sees.

/// Most distinct pairs listed at once (16 bytes each).
const LISTED: u64 = 1 << 20;
/// Interpolation steps before bisection takes over.
const INTERPOLATIONS: u32 = 30;
/// Points of each sample in the grid that gives the first bracket.
const GRID: usize = 512;

/// A sorted sample with equal values merged.
#[derive(Debug)]
struct Merged {
    values: Vec<f64>,
    counts: Vec<u64>,
    /// `from[j]`: how many values are at index j or after (len + 1).
    from: Vec<u64>,
}

impl Merged {
    fn new(sorted: &[f64]) -> Merged {
        let mut values: Vec<f64> = Vec::new();
        let mut counts: Vec<u64> = Vec::new();
        for &v in sorted {
            match (values.last(), counts.last_mut()) {
                (Some(&last), Some(c)) if last == v => *c += 1,
                _ => {
                    values.push(v);
                    counts.push(1);
                }
            }
        }
        let mut from = vec![0u64; values.len() + 1];
        for j in (0..values.len()).rev() {
            from[j] = from[j + 1] + counts[j];
        }
        Merged {
            values,
            counts,
            from,
        }
    }
}

/// What one pass at a threshold t finds.
#[derive(Debug, Clone, Copy)]
struct Pass {
    /// Differences ≤ t, with multiplicity.
    count: u64,
    /// Distinct (x, y) value pairs whose difference is ≤ t.
    pairs: u64,
    /// The largest difference ≤ t (−∞ if none).
    max_le: f64,
}

/// Two sorted samples, x (canary) and y (baseline), ready for selection.
#[derive(Debug)]
pub(crate) struct Pairs {
    x: Merged,
    y: Merged,
    n: usize,
    m: usize,
}

impl Pairs {
    /// From two sorted samples of finite values.
    pub(crate) fn new(x: &[f64], y: &[f64]) -> Pairs {
        Pairs {
            x: Merged::new(x),
            y: Merged::new(y),
            n: x.len(),
            m: y.len(),
        }
    }

    /// n·m.
    pub(crate) fn total(&self) -> u64 {
        self.n as u64 * self.m as u64
    }

    fn pass(&self, t: f64) -> Pass {
        let (xs, ys) = (&self.x, &self.y);
        let my = ys.values.len();
        let mut j = 0usize;
        let mut p = Pass {
            count: 0,
            pairs: 0,
            max_le: f64::NEG_INFINITY,
        };
        for (&xi, &wi) in xs.values.iter().zip(&xs.counts) {
            // fl(xi − y_j) is non-increasing in j and non-decreasing in xi,
            // so the first j with a difference ≤ t only moves right.
            while j < my && xi - ys.values[j] > t {
                j += 1;
            }
            if j < my {
                // The row's largest difference ≤ t is its first one.
                p.max_le = p.max_le.max(xi - ys.values[j]);
            }
            p.count += wi * ys.from[j];
            p.pairs += (my - j) as u64;
        }
        p
    }

    /// How many differences are ≤ t.
    pub(crate) fn count_le(&self, t: f64) -> u64 {
        self.pass(t).count
    }

    /// The smallest difference above t (+∞ if none).
    pub(crate) fn min_above(&self, t: f64) -> f64 {
        let ys = &self.y.values;
        let mut j = 0usize;
        let mut best = f64::INFINITY;
        for &xi in &self.x.values {
            while j < ys.len() && xi - ys[j] > t {
                j += 1;
            }
            // Row i's differences above t are those before j; the smallest
            // is at j − 1.
            if j > 0 {
                best = best.min(xi - ys[j - 1]);
            }
        }
        best
    }

    /// The k-th smallest (1-based, clamped to 1..=nm) difference; NaN when
    /// a sample is empty.
    pub(crate) fn kth(&self, k: u64) -> f64 {
        let (xs, ys) = (&self.x.values, &self.y.values);
        let (Some(&x0), Some(&xn), Some(&y0), Some(&ym)) =
            (xs.first(), xs.last(), ys.first(), ys.last())
        else {
            return f64::NAN;
        };
        let nm = self.total();
        let k = k.clamp(1, nm);
        let (min, max) = (x0 - ym, xn - y0);
        if !(min.is_finite() && max.is_finite()) {
            return self.bisect(k, min, max);
        }
        // Invariant: count(lo) < k ≤ count(hi), and hi is a difference.
        let all = self.pass(max);
        let (mut lo, mut hi) = (min.next_down(), max);
        let (mut below, mut upto) = (
            Pass {
                count: 0,
                pairs: 0,
                max_le: f64::NEG_INFINITY,
            },
            all,
        );
        if let Some((a, b)) = self.guess(k) {
            let pa = self.pass(a);
            if pa.count < k && a > lo {
                (lo, below) = (a, pa);
            }
            let pb = self.pass(b);
            if pb.count >= k && pb.max_le < hi {
                (hi, upto) = (pb.max_le, pb);
            }
        }
        let mut side = 0i8; // Illinois: halve the weight of a side kept twice
        for _ in 0..INTERPOLATIONS {
            if upto.pairs - below.pairs <= LISTED {
                return self.select(k - below.count, lo, hi);
            }
            let (mut w_lo, mut w_hi) = ((k - below.count) as f64, (upto.count - k) as f64 + 1.0);
            // Illinois: an end kept twice has its weight halved, pulling
            // the next probe towards it (lo kept: hi moved twice, side ≤ −2).
            match side {
                s if s <= -2 => w_lo /= 2.0,
                s if s >= 2 => w_hi /= 2.0,
                _ => {}
            }
            let mut t = lo + (hi - lo) * (w_lo / (w_lo + w_hi));
            if !(t > lo && t < hi) {
                t = super::sample::midpoint(lo, hi);
                if !(t > lo && t < hi) {
                    break;
                }
            }
            let p = self.pass(t);
            if p.count >= k {
                (hi, upto) = (p.max_le, p);
                side = if side < 0 { side - 1 } else { -1 };
                continue;
            }
            if p.count == below.count {
                // Nothing in (lo, t]: hi may hold many equal differences,
                // the k-th among them. It does when fewer than k lie below.
                let q = self.pass(hi.next_down());
                if q.count < k {
                    return hi;
                }
                (hi, upto) = (q.max_le, q);
            }
            (lo, below) = (t, p);
            side = if side > 0 { side + 1 } else { 1 };
        }
        self.bisect(k, lo.next_up(), hi)
    }

    /// A bracket for the k-th difference from the grid's differences, a
    /// little wide on each side (`None` for small samples).
    fn guess(&self, k: u64) -> Option<(f64, f64)> {
        if self.n < GRID || self.m < GRID {
            return None;
        }
        let (x, y) = (&self.x, &self.y);
        let grid = |s: &Merged, len: usize| -> Vec<f64> {
            (0..GRID)
                .map(|i| order_statistic(s, ((2 * i + 1) * len / (2 * GRID)) as u64))
                .collect()
        };
        let (gx, gy) = (grid(x, self.n), grid(y, self.m));
        let mut d: Vec<f64> = gx
            .iter()
            .flat_map(|a| gy.iter().map(move |b| a - b))
            .collect();
        let q = k as f64 / self.total() as f64;
        // The grid's quantile wanders by about sqrt(q(1 − q)/GRID) in
        // probability; four of those on each side.
        let spread = 4.0 * (q * (1.0 - q) / GRID as f64).sqrt() + 1.0 / GRID as f64;
        let at = |p: f64| ((p.clamp(0.0, 1.0) * (d.len() - 1) as f64).round()) as usize;
        let (ia, ib) = (at(q - spread), at(q + spread));
        let a = *d.select_nth_unstable_by(ia, f64::total_cmp).1;
        let b = *d.select_nth_unstable_by(ib, f64::total_cmp).1;
        Some((a, b))
    }

    /// The k-th smallest (1-based) of the differences in `(lo, hi]`, by
    /// listing them: at most [`LISTED`] distinct pairs.
    fn select(&self, k: u64, lo: f64, hi: f64) -> f64 {
        let (xs, ys) = (&self.x, &self.y);
        let my = ys.values.len();
        let mut inside: Vec<(f64, u64)> = Vec::new();
        let (mut a, mut b) = (0usize, 0usize);
        for (&xi, &wi) in xs.values.iter().zip(&xs.counts) {
            // Row i's differences ≤ hi start at a, those ≤ lo at b; both
            // only move right as xi grows.
            while a < my && xi - ys.values[a] > hi {
                a += 1;
            }
            while b < my && xi - ys.values[b] > lo {
                b += 1;
            }
            for j in a..b.max(a) {
                inside.push((xi - ys.values[j], wi * ys.counts[j]));
            }
        }
        weighted_kth(&mut inside, k).unwrap_or(hi)
    }

    /// Bisection over bit patterns: the smallest t with count(t) ≥ k, for
    /// `lo ≤` the k-th `≤ hi`.
    fn bisect(&self, k: u64, lo: f64, hi: f64) -> f64 {
        let (mut lo, mut hi) = (key(lo), key(hi));
        while lo < hi {
            let mid = (lo as i128 + (hi as i128 - lo as i128) / 2) as i64;
            if self.count_le(from_key(mid)) >= k {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        // A zero difference is computed as +0 (a − a); the bisection meets
        // −0 first, which counts the same.
        match from_key(lo) {
            0.0 => 0.0,
            v => v,
        }
    }
}

/// The value at 0-based position `i` (< the sample's size) of a merged
/// sample.
fn order_statistic(s: &Merged, i: u64) -> f64 {
    // `from` falls from the size to 0; the position lies in the last run
    // with fewer than i + 1 values before it.
    let total = s.from[0];
    let runs = s.values.len();
    let j = s.from[..runs].partition_point(|&f| f >= total.saturating_sub(i));
    s.values[j.saturating_sub(1).min(runs.saturating_sub(1))]
}

/// The k-th smallest (1-based) value counting multiplicities; `None` when
/// the weights add up to less than k.
fn weighted_kth(items: &mut [(f64, u64)], mut k: u64) -> Option<f64> {
    let mut part = items;
    loop {
        if part.len() <= 16 {
            part.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            for &(v, w) in part.iter() {
                if k <= w {
                    return Some(v);
                }
                k -= w;
            }
            return None;
        }
        let mid = part.len() / 2;
        let (left, pivot, right) = part.select_nth_unstable_by(mid, |a, b| a.0.total_cmp(&b.0));
        let left_weight: u64 = left.iter().map(|p| p.1).sum();
        if k <= left_weight {
            part = left;
        } else if k <= left_weight + pivot.1 {
            return Some(pivot.0);
        } else {
            k -= left_weight + pivot.1;
            part = right;
        }
    }
}

/// A total order on f64 as i64 (−∞ < … < −0 < +0 < … < +∞); its own inverse.
fn key(v: f64) -> i64 {
    let b = v.to_bits() as i64;
    if b < 0 { b ^ i64::MAX } else { b }
}

fn from_key(k: i64) -> f64 {
    let b = if k < 0 { k ^ i64::MAX } else { k };
    f64::from_bits(b as u64)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Every difference, sorted: the brute force the selections are checked against.
    pub(crate) fn sorted_differences(x: &[f64], y: &[f64]) -> Vec<f64> {
        let mut d: Vec<f64> = x
            .iter()
            .flat_map(|a| y.iter().map(move |b| a - b))
            .collect();
        d.sort_by(f64::total_cmp);
        d
    }

    #[test]
    fn keys_order_like_values() {
        let vals = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -1e-300,
            -0.0,
            0.0,
            1e-300,
            1.0,
            f64::INFINITY,
        ];
        for w in vals.windows(2) {
            assert!(key(w[0]) < key(w[1]));
            assert_eq!(from_key(key(w[0])).to_bits(), w[0].to_bits());
        }
    }

    #[test]
    fn selection_matches_enumeration_with_and_without_ties() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for case in 0..300 {
            let n = rng.random_range(1..25);
            let m = rng.random_range(1..25);
            let tied = case % 2 == 0;
            let draw = |rng: &mut ChaCha8Rng| {
                let v: f64 = rng.random_range(-50.0..50.0);
                if tied { v.round() } else { v }
            };
            let mut x: Vec<f64> = (0..n).map(|_| draw(&mut rng)).collect();
            let mut y: Vec<f64> = (0..m).map(|_| draw(&mut rng)).collect();
            x.sort_by(f64::total_cmp);
            y.sort_by(f64::total_cmp);
            let d = sorted_differences(&x, &y);
            let pairs = Pairs::new(&x, &y);
            for k in [1, d.len() / 3 + 1, d.len() / 2 + 1, d.len()] {
                assert_eq!(pairs.kth(k as u64), d[k - 1], "case {case} k {k}");
            }
        }
    }

    #[test]
    fn interpolation_listing_and_bisection_agree_on_large_tied_samples() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        // Continuous (grid, interpolation, listing), a few levels (many
        // equal differences at the k-th), a 0.001 grid (near-equal
        // computed differences), and a huge range.
        for (case, levels) in [(0, 0.0), (1, 3.0), (2, 40.0), (3, 0.0), (4, -1.0)] {
            let n = 2500 + case * 300;
            let scale = if case == 3 { 1e200 } else { 100.0 };
            let draw = |rng: &mut ChaCha8Rng| {
                let v: f64 = rng.random_range(0.0..1.0);
                if levels > 0.0 {
                    (v * levels).floor()
                } else if levels < 0.0 {
                    (v * 100_000.0).round() / 1000.0
                } else {
                    v.powi(3) * scale
                }
            };
            let mut x: Vec<f64> = (0..n).map(|_| draw(&mut rng)).collect();
            let mut y: Vec<f64> = (0..n + 17).map(|_| draw(&mut rng)).collect();
            x.sort_by(f64::total_cmp);
            y.sort_by(f64::total_cmp);
            let pairs = Pairs::new(&x, &y);
            let nm = pairs.total();
            let (min, max) = (x[0] - y[y.len() - 1], x[x.len() - 1] - y[0]);
            for k in [1, 2, nm / 40, nm / 2, nm / 2 + 1, nm - nm / 40, nm - 1, nm] {
                let fast = pairs.kth(k);
                let slow = pairs.bisect(k, min, max);
                assert_eq!(
                    fast.to_bits(),
                    slow.to_bits(),
                    "case {case} k {k}: {fast} vs {slow}"
                );
            }
        }
    }

    #[test]
    fn weighted_selection_counts_multiplicities() {
        let items = vec![(3.0, 2), (1.0, 1), (2.0, 5)];
        let got: Vec<Option<f64>> = (1..=9)
            .map(|k| weighted_kth(&mut items.clone(), k))
            .collect();
        assert_eq!(
            got,
            [1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0, 3.0]
                .map(Some)
                .into_iter()
                .chain([None])
                .collect::<Vec<_>>()
        );
        let mut many: Vec<(f64, u64)> = (0..1000).rev().map(|i| (i as f64, 2)).collect();
        assert_eq!(weighted_kth(&mut many, 1001), Some(500.0));
    }

    #[test]
    fn merged_order_statistics() {
        let s = Merged::new(&[1.0, 1.0, 2.0, 5.0, 5.0, 5.0]);
        let got: Vec<f64> = (0..6).map(|i| order_statistic(&s, i)).collect();
        assert_eq!(got, [1.0, 1.0, 2.0, 5.0, 5.0, 5.0]);
    }
}

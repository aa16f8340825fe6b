//! The HTML report's plots as inline SVG: a time series of both sides, their
//! empirical distributions (ECDF), the estimated change with its interval
//! against the tolerated band, and the gate's timeline. Every plot is an
//! `<svg role="img">` with a `<title>` and a `<desc>` that say in words
//! what it shows; colours come from the page's CSS (light, dark, print).
//! Long series are thinned to at most [`MAX_POINTS`] points per line,
//! keeping each bucket's lowest and highest value, so a spike stays.

use std::fmt::Write as _;

use super::escape;
use crate::judge::format::num;

/// Points per drawn line at most (each bucket keeps its min and max).
pub const MAX_POINTS: usize = 400;
/// Steps of an ECDF at most.
const ECDF_STEPS: usize = 160;

const W: f64 = 640.0;
const H: f64 = 170.0;
/// Left, right, top and bottom margins.
const ML: f64 = 62.0;
const MR: f64 = 12.0;
const MT: f64 = 10.0;
const MB: f64 = 26.0;

/// A line: its CSS class (`baseline`, `canary`) and its points.
pub struct Line<'a> {
    pub class: &'static str,
    pub points: &'a [(f64, f64)],
}

/// The opening of a plot: size, role and its text alternative.
fn open(out: &mut String, id: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg class="plot" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(desc)
    );
}

/// Linear scale from `[lo, hi]` to `[a, b]`.
fn scale(lo: f64, hi: f64, a: f64, b: f64) -> impl Fn(f64) -> f64 {
    let span = if hi > lo { hi - lo } else { 1.0 };
    move |v| a + (v - lo) / span * (b - a)
}

/// The range of `values`, widened a little, or `None` when empty.
fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    let pad = if hi > lo { (hi - lo) * 0.05 } else { lo.abs().max(1.0) * 0.05 };
    Some((lo - pad, hi + pad))
}

/// Thins `points` (sorted by x) to at most [`MAX_POINTS`], keeping each
/// bucket's lowest and highest point in x order.
pub fn thin(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points.to_vec();
    }
    let buckets = MAX_POINTS / 2;
    let per = points.len().div_ceil(buckets);
    let mut out = Vec::with_capacity(MAX_POINTS);
    for chunk in points.chunks(per) {
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in chunk.iter().enumerate() {
            if p.1 < chunk[lo].1 {
                lo = i;
            }
            if p.1 > chunk[hi].1 {
                hi = i;
            }
        }
        let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        out.push(chunk[a]);
        if b != a {
            out.push(chunk[b]);
        }
    }
    out
}

/// Axis ticks: the lower and upper ends and the middle.
fn ticks(out: &mut String, lo: f64, hi: f64, y_axis: bool, label: &dyn Fn(f64) -> String) {
    let (x0, x1, y0, y1) = (ML, W - MR, MT, H - MB);
    for i in 0..3 {
        let v = lo + (hi - lo) * f64::from(i) / 2.0;
        if y_axis {
            let y = scale(lo, hi, y1, y0)(v);
            let _ = write!(
                out,
                r#"<line class="grid" x1="{x0}" x2="{x1}" y1="{y:.1}" y2="{y:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
                x0 - 4.0,
                y + 3.0,
                escape(&label(v))
            );
        } else {
            let x = scale(lo, hi, x0, x1)(v);
            let anchor = ["start", "middle", "end"][i as usize];
            let _ = write!(
                out,
                r#"<text class="tick" x="{x:.1}" y="{}" text-anchor="{anchor}">{}</text>"#,
                H - 8.0,
                escape(&label(v))
            );
        }
    }
    let _ = write!(
        out,
        r#"<rect class="frame" x="{x0}" y="{y0}" width="{}" height="{}"/>"#,
        x1 - x0,
        y1 - y0
    );
}

fn polyline(out: &mut String, class: &str, pts: &[(f64, f64)], sx: &dyn Fn(f64) -> f64, sy: &dyn Fn(f64) -> f64) {
    let _ = write!(out, r#"<polyline class="{class}" points=""#);
    for (i, (x, y)) in pts.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{:.1},{:.1}", sx(*x), sy(*y));
    }
    out.push_str(r#""/>"#);
}

/// Lines over time (x in seconds since each side's window start, or the
/// values' positions when `by_position`).
pub fn series(id: &str, title: &str, desc: &str, lines: &[Line<'_>], by_position: bool, y_label: &dyn Fn(f64) -> String) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    let all = || lines.iter().flat_map(|l| l.points.iter());
    let xs = all().map(|p| p.0).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
    if let (true, Some((yl, yh))) = (xs.0 <= xs.1, range(all().map(|p| p.1))) {
        let (xl, xh) = xs;
        ticks(&mut out, yl, yh, true, y_label);
        if by_position {
            ticks(&mut out, xl, xh, false, &|k| format!("#{}", k.round() + 1.0));
        } else {
            ticks(&mut out, xl, xh, false, &|s| format!("{}m", num((s / 60.0 * 10.0).round() / 10.0)));
        }
        let sx = scale(xl, xh, ML, W - MR);
        let sy = scale(yl, yh, H - MB, MT);
        for l in lines {
            polyline(&mut out, l.class, &thin(l.points), &sx, &sy);
        }
    }
    out.push_str("</svg>");
    out
}

/// The empirical distribution of each side: the share of values at or
/// below each value.
pub fn ecdf(id: &str, title: &str, desc: &str, sides: &[(&'static str, Vec<f64>)], x_label: &dyn Fn(f64) -> String) -> String {
    let mut out = String::new();
    open(&mut out, id, title, desc);
    if let Some((xl, xh)) = range(sides.iter().flat_map(|s| s.1.iter().copied())) {
        ticks(&mut out, 0.0, 1.0, true, &|v| format!("{}%", num(v * 100.0)));
        ticks(&mut out, xl, xh, false, x_label);
        let sx = scale(xl, xh, ML, W - MR);
        let sy = scale(0.0, 1.0, H - MB, MT);
        for (class, sorted) in sides {
            if sorted.is_empty() {
                continue;
            }
            let n = sorted.len();
            let steps = n.min(ECDF_STEPS);
            // A step function: flat to each value, then up.
            let mut pts = vec![(sorted[0], 0.0)];
            let mut below = 0.0;
            for k in 1..=steps {
                let i = (k * n).div_ceil(steps).clamp(1, n) - 1;
                let share = (i + 1) as f64 / n as f64;
                pts.push((sorted[i], below));
                pts.push((sorted[i], share));
                below = share;
            }
            polyline(&mut out, class, &pts, &sx, &sy);
        }
    }
    out.push_str("</svg>");
    out
}

/// The tolerated region and the estimate with its interval, on one axis.
pub struct Band {
    /// The tolerated region (an end may be infinite).
    pub tolerated: (f64, f64),
    pub interval: (f64, f64),
    pub estimate: f64,
    /// What the axis must show: no change (0, a ratio of 1) or the bound.
    pub reference: f64,
    /// Whether the estimate lies beyond the tolerance (drawn as failing).
    pub failing: bool,
    pub label: Box<dyn Fn(f64) -> String>,
}

const BH: f64 = 64.0;

/// The estimate and interval against the tolerated band.
pub fn band(id: &str, title: &str, desc: &str, b: &Band) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="plot band" viewBox="0 0 {W} {BH}" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(desc)
    );
    let finite = [b.tolerated.0, b.tolerated.1, b.interval.0, b.interval.1, b.estimate, b.reference];
    let Some((lo, hi)) = range(finite.into_iter()) else {
        out.push_str("</svg>");
        return out;
    };
    let sx = scale(lo, hi, ML, W - MR);
    let clamp = |v: f64| sx(v.clamp(lo, hi));
    let (t0, t1) = (clamp(b.tolerated.0), clamp(b.tolerated.1));
    let _ = write!(
        out,
        r#"<rect class="beyond" x="{ML}" y="8" width="{}" height="28"/><rect class="tolerated" x="{t0:.1}" y="8" width="{:.1}" height="28"/>"#,
        W - MR - ML,
        (t1 - t0).max(1.0)
    );
    let (i0, i1) = (clamp(b.interval.0), clamp(b.interval.1));
    let class = if b.failing { "interval failing" } else { "interval" };
    let _ = write!(
        out,
        r#"<line class="{class}" x1="{i0:.1}" x2="{i1:.1}" y1="22" y2="22"/><circle class="{class}" cx="{:.1}" cy="22" r="5"/>"#,
        clamp(b.estimate)
    );
    for (v, anchor) in [(lo, "start"), (hi, "end")] {
        let _ = write!(
            out,
            r#"<text class="tick" x="{:.1}" y="54" text-anchor="{anchor}">{}</text>"#,
            sx(v),
            escape(&(b.label)(v))
        );
    }
    for edge in [b.tolerated.0, b.tolerated.1] {
        // Not where it would overwrite the ends' labels.
        if edge.is_finite() && sx(edge) > ML + 60.0 && sx(edge) < W - MR - 60.0 {
            let _ = write!(
                out,
                r#"<text class="tick" x="{:.1}" y="54" text-anchor="middle">{}</text>"#,
                sx(edge),
                escape(&(b.label)(edge))
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// One row of the timeline: a label and its spans (start, end as seconds
/// from the timeline's start, CSS class, tooltip).
pub struct Row {
    pub label: String,
    pub spans: Vec<(f64, f64, &'static str, String)>,
}

/// Rows of spans over `length` seconds, a tick per day labelled by `days`.
pub fn timeline(id: &str, title: &str, desc: &str, length: f64, days: &[(f64, String)], rows: &[Row]) -> String {
    let row_h = 26.0;
    let h = MT + row_h * rows.len() as f64 + 30.0;
    let (x0, x1) = (110.0, 1000.0 - MR);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="plot timeline" viewBox="0 0 1000 {h}" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(desc)
    );
    let sx = scale(0.0, length, x0, x1);
    for (i, row) in rows.iter().enumerate() {
        let y = MT + row_h * i as f64;
        let _ = write!(
            out,
            r#"<text class="tick" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            x0 - 6.0,
            y + 16.0,
            escape(&row.label)
        );
        for (from, to, class, tip) in &row.spans {
            let (a, b) = (sx(from.clamp(0.0, length)), sx(to.clamp(0.0, length)));
            let _ = write!(
                out,
                r#"<rect class="{class}" x="{a:.1}" y="{:.1}" width="{:.1}" height="{}"><title>{}</title></rect>"#,
                y + 2.0,
                (b - a).max(1.0),
                row_h - 6.0,
                escape(tip)
            );
        }
    }
    let bottom = MT + row_h * rows.len() as f64;
    for (at, label) in days {
        let x = sx(*at);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{x:.1}" x2="{x:.1}" y1="{MT}" y2="{bottom:.1}"/><text class="tick" x="{:.1}" y="{:.1}">{}</text>"#,
            x + 3.0,
            bottom + 16.0,
            escape(label)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_spikes_and_bounds_the_size() {
        let mut pts: Vec<(f64, f64)> = (0..10_000).map(|i| (f64::from(i), 1.0)).collect();
        pts[5_001].1 = 50.0;
        let thin = thin(&pts);
        assert!(thin.len() <= MAX_POINTS, "{}", thin.len());
        assert!(thin.iter().any(|p| p.1 == 50.0));
        assert!(thin.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn every_plot_has_a_text_alternative() {
        let pts = [(0.0, 1.0), (60.0, 2.0)];
        let svg = series("m0", "latency", "rose", &[Line { class: "canary", points: &pts }], false, &|v| v.to_string());
        assert!(svg.contains(r#"role="img" aria-labelledby="m0-t m0-d"><title id="m0-t">latency</title><desc id="m0-d">rose</desc>"#));
        assert!(svg.contains(r#"<polyline class="canary" points="62.0,"#), "{svg}");
    }
}

//! The HTML report (`--report html=PATH`, pipe `REPORT_HTML`): one
//! self-contained file to open from a build's artifacts. No network at all
//! (inline CSS and SVG, no script, no web font; a Content-Security-Policy
//! that forbids loading anything), readable on light and dark backgrounds
//! and printable. It holds:
//!
//! - the verdict at the top, in words and colour;
//! - per metric ([`metric`]): the reason, the baseline and canary over
//!   time, their distributions (ECDF), and the estimated change with its
//!   interval drawn against the tolerated band ([`plot`]);
//! - the checks with what was expected and what was seen;
//! - for `gate`/`status`: the reasons, the locks and a timeline of the
//!   coming 7 days (open windows, freezes, locks);
//! - other commands: their text report.
//!
//! Every plot carries a text alternative (`<title>`, `<desc>`), and the
//! numbers are also in the text next to it.

mod metric;
mod plot;

use std::fmt::Write as _;

use super::junit::xml::escape;
use super::{Report, Style};
use crate::gate::GateResult;
use crate::lock::LockState;
use crate::outcome::Outcome;
use crate::result::{Body, RunResult};

pub struct Html;

impl Report for Html {
    fn name(&self) -> &'static str {
        "html"
    }
    fn title(&self) -> &'static str {
        "HTML"
    }
    fn for_stdout(&self) -> bool {
        false
    }
    fn render(&self, run: &RunResult, _: &Style) -> Option<String> {
        Some(page(run))
    }
}


const CSS: &str = r#"
:root{--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--go:#1a7f37;--nogo:#cf222e;--warn:#9a6700;--base:#0969da;--canary:#bc4c00;--ok-band:#dafbe1;--bad-band:#ffebe9;--freeze:#cf222e;--closed:#d1d9e0;--open:#4ac26b;--lock:#8250df}
@media (prefers-color-scheme:dark){:root{--fg:#f0f6fc;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;--card:#151b23;--go:#3fb950;--nogo:#f85149;--warn:#d29922;--base:#4493f8;--canary:#f0883e;--ok-band:#12361f;--bad-band:#42181a;--closed:#3d444d;--open:#2ea043;--lock:#a371f7}}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1040px;padding:16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:24px 0 8px}h3{font-size:16px;margin:0 0 6px}
.verdict{border-left:8px solid var(--muted);background:var(--card);padding:12px 16px;border-radius:6px}
.verdict.go{border-color:var(--go)}.verdict.no-go,.verdict.bad{border-color:var(--nogo)}.verdict.inconclusive{border-color:var(--warn)}
.word{font-weight:700;font-size:26px}.go .word,.pass{color:var(--go)}.no-go .word,.bad .word,.fail{color:var(--nogo)}.inconclusive .word,.warn{color:var(--warn)}
.meta{color:var(--muted);font-size:13px}.card{border:1px solid var(--line);border-radius:6px;padding:12px;margin:12px 0;break-inside:avoid}
.badge{display:inline-block;font-size:12px;font-weight:700;padding:1px 8px;border-radius:10px;border:1px solid currentColor;margin-right:6px}
.plots{display:grid;grid-template-columns:1fr 1fr;gap:8px}.plots .wide{grid-column:1/3}@media (max-width:700px){.plots{grid-template-columns:1fr}.plots .wide{grid-column:1}}
figure{margin:0}figcaption{font-size:12px;color:var(--muted)}svg.plot{width:100%;height:auto;display:block}
svg text{fill:var(--muted);font-size:11px}.grid{stroke:var(--line);stroke-width:.5}.frame{fill:none;stroke:var(--line)}
polyline{fill:none;stroke-width:1.4}polyline.baseline{stroke:var(--base)}polyline.canary{stroke:var(--canary)}
.key{display:inline-block;width:14px;height:3px;vertical-align:middle;margin:0 4px}.key.baseline{background:var(--base)}.key.canary{background:var(--canary)}
rect.tolerated{fill:var(--ok-band)}rect.beyond{fill:var(--bad-band)}line.interval{stroke:var(--fg);stroke-width:4}circle.interval{fill:var(--fg)}line.failing{stroke:var(--nogo)}circle.failing{fill:var(--nogo)}
rect.open{fill:var(--open)}rect.closed{fill:var(--closed)}rect.freeze{fill:var(--freeze)}rect.lock{fill:var(--lock)}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;border-bottom:1px solid var(--line);padding:4px 6px;vertical-align:top}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}pre{white-space:pre-wrap;background:var(--card);padding:8px;border-radius:6px}
@media print{body{max-width:none;color:#000;background:#fff}.card{border-color:#999}details{display:block}details>summary{display:none}}
"#;

/// The class and word of the run's outcome, and its one-line summary.
fn verdict(run: &RunResult) -> (&'static str, String) {
    let class = match run.outcome() {
        Some(Outcome::Go) => "go",
        Some(Outcome::NoGo) => "no-go",
        Some(Outcome::Inconclusive) => "inconclusive",
        None => "bad",
    };
    (class, super::verdict_line(run))
}


/// The whole page.
pub fn page(run: &RunResult) -> String {
    let (class, line) = verdict(run);
    let word = super::outcome_label(run.outcome());
    let rest = line.split_once(": ").map_or(line.as_str(), |(_, rest)| rest);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><meta name="color-scheme" content="light dark"><title>greenlight {}: {}</title><style>{CSS}</style></head><body>"#,
        run.command(),
        escape(word)
    );
    let _ = write!(
        out,
        r#"<header class="verdict {class}" id="verdict"><div class="word">{}</div><div>{}</div><div class="meta">greenlight {} {} · exit code {}{}</div></header>"#,
        escape(word),
        escape(rest),
        env!("CARGO_PKG_VERSION"),
        run.command(),
        run.exit_code(),
        info(run)
    );
    if !run.info.warnings.is_empty() {
        list(&mut out, "Warnings", &run.info.warnings);
    }
    match &run.body {
        Body::Gate(r) | Body::Status(r) => gate(&mut out, r),
        Body::Checks(r) => checks(&mut out, r),
        Body::Compare(r) => metric::compare(&mut out, r),
        Body::Verify(r) => {
            checks(&mut out, &r.checks);
            match &r.compare {
                Some(c) => metric::compare(&mut out, c),
                None => {
                    let _ = write!(out, "<p>{}</p>", escape(&r.reason));
                }
            }
        }
        _ => {
            let plain = Style::default();
            let text = super::text::Text.render(run, &plain).unwrap_or_default();
            let _ = write!(out, "<h2>Details</h2><pre>{}</pre>", escape(&text));
        }
    }
    out.push_str("</body></html>\n");
    out
}

/// ` · config greenlight.yml · environment Production`.
fn info(run: &RunResult) -> String {
    let mut s = String::new();
    if let Some(f) = &run.info.config_file {
        let _ = write!(s, " · config {}", escape(f));
    }
    if let Some(e) = &run.info.environment {
        let _ = write!(s, " · environment {}", escape(&e.name));
    }
    s
}

fn list(out: &mut String, title: &str, items: &[String]) {
    let _ = write!(out, "<h2>{}</h2><ul>", escape(title));
    for i in items {
        let _ = write!(out, "<li>{}</li>", escape(i));
    }
    out.push_str("</ul>");
}

fn checks(out: &mut String, run: &crate::checks::CheckRun) {
    use crate::checks::CheckOutcome;
    let t = &run.totals;
    let _ = write!(
        out,
        r#"<h2>Checks</h2><p class="meta">{} checks: {} passed, {} failed, {} did not answer</p><table id="checks"><thead><tr><th>check</th><th>result</th><th>expected</th><th>actual</th></tr></thead><tbody>"#,
        t.checks,
        t.passed,
        t.failed,
        t.error + t.timed_out
    );
    for r in &run.results {
        let (class, word) = match r.outcome {
            CheckOutcome::Passed => ("pass", "passed"),
            CheckOutcome::Failed => ("fail", "failed"),
            CheckOutcome::Error => ("warn", "error"),
            CheckOutcome::TimedOut => ("warn", "timed out"),
        };
        let seen = super::check_seen(r);
        let _ = write!(
            out,
            r#"<tr class="check"><td><b>{}</b><br><code>{} {}</code></td><td class="{class}">{word}</td><td></td><td>{}</td></tr>"#,
            escape(&r.name),
            escape(&r.method),
            escape(&r.url),
            escape(&seen)
        );
        for a in &r.asserts {
            let class = if a.passed { "pass" } else { "fail" };
            let mark = if a.passed { "✔" } else { "✖" };
            let _ = write!(
                out,
                r#"<tr class="assert"><td>&nbsp;&nbsp;{}</td><td class="{class}">{mark}</td><td><code>{}</code></td><td><code>{}</code></td></tr>"#,
                escape(&a.description),
                escape(&a.expected),
                escape(&a.actual)
            );
        }
    }
    out.push_str("</tbody></table>");
}

fn gate(out: &mut String, r: &GateResult) {
    if !r.reasons.is_empty() {
        list(out, "Why", &r.reasons);
    }
    if !r.warnings.is_empty() {
        list(out, "Warnings", &r.warnings);
    }
    let _ = write!(
        out,
        r#"<h2>Locks</h2><table id="locks"><thead><tr><th>source</th><th>state</th></tr></thead><tbody>"#
    );
    if r.locks.sources.is_empty() {
        out.push_str("<tr><td colspan=\"2\">no lock sources configured</td></tr>");
    }
    for s in &r.locks.sources {
        let (mark, state) = super::lock_state(&s.state);
        let class = match mark {
            super::Mark::Ok => "pass",
            super::Mark::Fail => "fail",
            super::Mark::Warn | super::Mark::Info => "warn",
        };
        let _ = write!(
            out,
            r#"<tr><td><code>{}</code></td><td class="{class}">{}</td></tr>"#,
            escape(&s.source),
            escape(&state)
        );
    }
    out.push_str("</tbody></table>");
    timeline(out, r);
}

/// The coming days: the window's periods, each freeze, each lock.
fn timeline(out: &mut String, r: &GateResult) {
    let days = crate::gate::TIMELINE_DAYS;
    let length = (days * 86_400) as f64;
    let secs = |t: chrono::DateTime<chrono::Utc>| (t - r.at).num_seconds() as f64;
    let mut window = plot::Row {
        label: "window".into(),
        spans: Vec::new(),
    };
    let mut items = Vec::new();
    for p in &r.timeline {
        let (class, what) = match &p.rule {
            crate::window::Rule::Freeze { name, reason, .. } => (
                "freeze",
                format!(
                    "freeze{} ({reason})",
                    name.as_deref().map(|n| format!(" {n}")).unwrap_or_default()
                ),
            ),
            _ if p.open => ("open", "open".to_string()),
            _ => ("closed", "closed".to_string()),
        };
        let text = format!("{what}: {} to {}", p.from.local, p.to.local);
        window
            .spans
            .push((secs(p.from.at), secs(p.to.at), class, text.clone()));
        items.push(text);
    }
    let mut rows = vec![window];
    for s in &r.locks.sources {
        if let LockState::Locked(i) = &s.state {
            let end = i.expires.map_or(length, secs);
            let text = format!(
                "{} locked{}: {}{}",
                s.source,
                i.by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default(),
                i.reason,
                i.expires
                    .map(|e| format!(" until {}", e.format("%Y-%m-%d %H:%M UTC")))
                    .unwrap_or_else(|| " until unlocked".into())
            );
            rows.push(plot::Row {
                label: s.source.chars().take(16).collect(),
                spans: vec![(0.0, end, "lock", text.clone())],
            });
            items.push(text);
        }
    }
    // A tick at each local midnight of the periods' zone.
    let tz: chrono_tz::Tz = r
        .timeline
        .first()
        .and_then(|p| p.from.timezone.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let today = r.at.with_timezone(&tz).date_naive();
    let ticks: Vec<(f64, String)> = (1..=days)
        .filter_map(|d| {
            let day = today + chrono::Duration::days(d);
            let midnight = day.and_hms_opt(0, 0, 0)?;
            // A midnight skipped by a DST change: the earliest valid time.
            let at = midnight
                .and_local_timezone(tz)
                .earliest()
                .or_else(|| (midnight + chrono::Duration::hours(1)).and_local_timezone(tz).earliest())?
                .with_timezone(&chrono::Utc);
            Some((secs(at), day.format("%a %d %b").to_string()))
        })
        .filter(|(s, _)| *s < length)
        .collect();
    let desc = if items.is_empty() {
        "No periods".to_string()
    } else {
        items.join("; ")
    };
    let _ = write!(
        out,
        r#"<h2>The next {days} days</h2><figure class="card" id="timeline">{}<figcaption>Green: open; grey: closed; red: freeze; purple: lock. Days and times in the first window's zone.</figcaption></figure><details><summary>Periods as text</summary><ul>"#,
        plot::timeline("tl", &format!("Deploy window over the next {days} days"), &desc, length, &ticks, &rows)
    );
    for i in items {
        let _ = write!(out, "<li>{}</li>", escape(&i));
    }
    out.push_str("</ul></details>");
}

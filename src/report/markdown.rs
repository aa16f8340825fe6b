//! The Markdown report (`--report markdown=PATH`), for a pull request
//! comment or a Bamboo build's summary: the verdict as a heading, then a
//! table per thing evaluated (metrics, checks, locks), the warnings, and
//! for other commands the text report in a code block.
//!
//! ```markdown
//! ### ✖ NO-GO · greenlight compare
//! critical latency high; score 0 (go ≥ 95, inconclusive ≥ 75); 1 high (latency)
//!
//! | | metric | why |
//! |---|---|---|
//! | ✖ high | **latency** (critical) | latency rose 23.0% (95% CI 22.1%..23.8%) beyond tolerance 10% (at most 109.4ms); median 99.48ms → 122.1ms, n=2000/2000 |
//! ```

use std::fmt::Write as _;

use super::{Report, Style};
use crate::checks::{CheckOutcome, CheckRun};
use crate::compare::CompareResult;
use crate::gate::GateResult;
use crate::result::{Body, RunResult};

pub struct Markdown;

impl Report for Markdown {
    fn name(&self) -> &'static str {
        "markdown"
    }
    fn title(&self) -> &'static str {
        "Markdown"
    }
    fn render(&self, run: &RunResult, style: &Style) -> Option<String> {
        Some(render(run, style.verbose))
    }
}

/// A table cell: no line breaks, `|` escaped, and `&`, `<`, `>` as HTML
/// entities so that a lock reason cannot open a comment or a tag in the
/// pull request.
fn cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn symbol(mark: super::Mark) -> &'static str {
    match mark {
        super::Mark::Ok => "✔",
        super::Mark::Fail => "✖",
        super::Mark::Warn | super::Mark::Info => "⚠",
    }
}

fn render(run: &RunResult, verbose: bool) -> String {
    let line = super::verdict_line(run);
    let rest = line.split_once(": ").map_or(line.as_str(), |(_, rest)| rest);
    let outcome = run.outcome();
    let word = super::outcome_label(outcome);
    let mark = symbol(outcome.map_or(super::Mark::Fail, super::Painter::outcome_mark));
    let mut out = format!("### {mark} {word} · greenlight {}\n{rest}\n", run.command());
    let mut about = Vec::new();
    if let Some(f) = &run.info.config_file {
        about.push(format!("config `{f}`"));
    }
    if let Some(e) = &run.info.environment {
        about.push(format!("environment {}", e.name));
    }
    if !about.is_empty() {
        let _ = writeln!(out, "\n_{}_", about.join(" · "));
    }
    bullets(&mut out, &run.info.warnings);
    match &run.body {
        Body::Gate(r) | Body::Status(r) => gate(&mut out, r),
        Body::Checks(r) => checks(&mut out, r),
        Body::Compare(r) => compare(&mut out, r, verbose),
        Body::Verify(r) => {
            checks(&mut out, &r.checks);
            match &r.compare {
                Some(c) => compare(&mut out, c, verbose),
                None => {
                    let _ = writeln!(out, "\n{}", r.reason);
                }
            }
        }
        _ => {
            let text = super::text::Text
                .render(run, &Style::default())
                .unwrap_or_default();
            let _ = writeln!(out, "\n```text\n{text}\n```");
        }
    }
    out
}

fn bullets(out: &mut String, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push('\n');
    for w in items {
        let _ = writeln!(out, "- ⚠ {}", w.replace('\n', " "));
    }
}

fn compare(out: &mut String, r: &CompareResult, verbose: bool) {
    let header = super::text::compare::header(r);
    let _ = writeln!(
        out,
        "\n{}\n\n| | metric | why |\n|---|---|---|",
        header
    );
    for m in &r.verdict.metrics {
        let mark = symbol(super::metric_mark(m));
        let critical = if m.critical { " (critical)" } else { "" };
        let statistics = match (&m.statistics, verbose) {
            (Some(s), true) => format!("; {s}"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {mark} {} | **{}**{critical} | {}{} |",
            m.classification.label(),
            cell(&m.name),
            cell(&m.reason),
            cell(&statistics)
        );
    }
    bullets(out, &r.warnings);
}

fn checks(out: &mut String, run: &CheckRun) {
    let _ = writeln!(
        out,
        "\n| | check | expected | actual |\n|---|---|---|---|"
    );
    for r in &run.results {
        let (mark, word) = match r.outcome {
            CheckOutcome::Passed => ("✔", "passed"),
            CheckOutcome::Failed => ("✖", "failed"),
            CheckOutcome::Error => ("⚠", "error"),
            CheckOutcome::TimedOut => ("⚠", "timed out"),
        };
        let seen = super::check_seen(r);
        let _ = writeln!(
            out,
            "| {mark} {word} | **{}** `{} {}` | | {} |",
            cell(&r.name),
            cell(&r.method),
            cell(&r.url),
            cell(&seen)
        );
        for a in r.asserts.iter().filter(|a| !a.passed) {
            let _ = writeln!(
                out,
                "| ✖ | {} | `{}` | `{}` |",
                cell(&a.description),
                cell(&a.expected).replace('`', "'"),
                cell(&a.actual).replace('`', "'")
            );
        }
    }
}

fn gate(out: &mut String, r: &GateResult) {
    bullets(out, &r.warnings);
    let _ = writeln!(out, "\n| | lock source | state |\n|---|---|---|");
    for s in &r.locks.sources {
        let (mark, state) = super::lock_state(&s.state);
        let mark = symbol(mark);
        let _ = writeln!(out, "| {mark} | `{}` | {} |", cell(&s.source), cell(&state));
    }
}

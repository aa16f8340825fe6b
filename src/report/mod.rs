//! Reports read a run's result and never recompute it. Each kind is one
//! file (or folder) behind [`Report`], listed once in [`REPORTS`]:
//!
//! | kind | what | where |
//! |---|---|---|
//! | `text` | the `✔`/`✖` lines of Bitbucket pipes, for people | stdout by default (`--format text`) |
//! | `json` | one stable document, for machines | `--format json`, or a file |
//! | `junit` | JUnit XML for Bitbucket's Tests tab and Bamboo (checks, compare, verify) | `--junit PATH`, `--report junit=PATH`, or `test-results/` in a pipeline |
//! | `ics` | iCalendar of the coming periods (`calendar`) | `--format ics` |
//! | `html` | one self-contained page with plots, to open from the build's artifacts | `--report html=PATH`, pipe `REPORT_HTML` |
//! | `markdown` | tables for a pull request comment or a Bamboo summary | `--report markdown=PATH` (or `--format markdown`) |
//!
//! One report goes to stdout (`--format`); any number go to files
//! (`--report KIND=PATH`, repeatable). A file that cannot be written is a
//! warning: the verdict, and so the exit code, stands.
//!
//! Adding a kind: a file (or folder) here implementing [`Report`], and its
//! line in the `registry!` of [`REPORTS`] (see `src/registry.rs`).

use std::path::Path;

use crate::outcome::Outcome;
use crate::result::RunResult;

/// A kind of report.
pub trait Report: Sync {
    /// Its name in `--format NAME` and `--report NAME=PATH`.
    fn name(&self) -> &'static str;
    /// Its name in messages (`JUnit`).
    fn title(&self) -> &'static str {
        self.name()
    }
    /// Whether it may go to stdout (`--format NAME`); every kind may go to
    /// a file.
    fn for_stdout(&self) -> bool {
        true
    }
    /// The report of `run`, or `None` when this kind has nothing to say
    /// about this command (JUnit has no test cases for `gate`).
    fn render(&self, run: &RunResult, style: &Style) -> Option<String>;
}

registry! {
    /// Every kind of report.
    pub static REPORTS: [dyn Report] = {
        pub text::Text,
        pub json::Json,
        pub junit::Junit,
        pub ics::Ics,
        pub html::Html,
        pub markdown::Markdown,
    }
}

/// How reports look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Colour in text (never in files).
    pub color: bool,
    /// Only the verdict line in text.
    pub quiet: bool,
    /// The statistics behind each metric in text and Markdown.
    pub verbose: bool,
}

impl Style {
    pub fn painter(&self) -> Painter {
        Painter { color: self.color }
    }
}

/// Prints a report on stdout. A closed stdout (`| head`) is not worth a
/// panic: the exit code still carries the verdict.
pub fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

/// Prints a line on stderr; a closed stderr is not worth a panic either.
pub fn emit_err(text: &str) {
    use std::io::Write as _;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}").and_then(|()| err.flush());
}

/// Writes a report file, creating its folder. A report that cannot be
/// written, or has nothing to say about this command, is a warning on
/// stderr: the verdict, and so the exit code, stands.
pub fn write_file(report: &dyn Report, run: &RunResult, style: &Style, path: &Path) {
    let painter = style.painter();
    let plain = Style {
        color: false,
        ..*style
    };
    let Some(text) = report.render(run, &plain) else {
        emit_err(&painter.line(
            Mark::Warn,
            &format!(
                "no {} report for `{}`: {} not written",
                report.title(),
                run.command(),
                path.display()
            ),
        ));
        return;
    };
    let result = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(path, text));
    match result {
        Ok(()) => log::debug!("{} report written to {}", report.title(), path.display()),
        Err(e) => emit_err(&painter.line(
            Mark::Warn,
            &format!(
                "could not write the {} report {}: {e}",
                report.title(),
                path.display()
            ),
        )),
    }
}

/// The kinds that may go to stdout: `` `text` or `json` ``.
pub fn stdout_names() -> String {
    let names: Vec<String> = REPORTS
        .iter()
        .filter(|r| r.for_stdout())
        .map(|r| format!("`{}`", r.name()))
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// How text output looks: colour on or off.
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    pub color: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Ok,
    Fail,
    Warn,
    Info,
}

impl Painter {
    /// A line starting with its mark, coloured when colour is on.
    pub fn line(&self, mark: Mark, text: &str) -> String {
        let (symbol, code) = match mark {
            Mark::Ok => ("✔", "32"),
            Mark::Fail => ("✖", "31"),
            Mark::Warn => ("⚠", "33"),
            Mark::Info => ("•", "36"),
        };
        if self.color {
            format!("\x1b[{code}m{symbol} {text}\x1b[0m")
        } else {
            format!("{symbol} {text}")
        }
    }

    pub fn outcome_mark(outcome: Outcome) -> Mark {
        match outcome {
            Outcome::Go => Mark::Ok,
            Outcome::NoGo => Mark::Fail,
            Outcome::Inconclusive => Mark::Warn,
        }
    }
}

/// The verdict in one line, as the text report ends (without its mark):
/// `NO-GO: deploy window closed`. The HTML and Markdown headings, Code
/// Insights, the build status and notifications all say it this way.
pub fn verdict_line(run: &RunResult) -> String {
    let quiet = Style {
        quiet: true,
        ..Style::default()
    };
    let text = text::Text.render(run, &quiet).unwrap_or_default();
    let last = text.lines().last().unwrap_or_default();
    last.split_once(' ')
        .map_or(last, |(_, rest)| rest)
        .to_string()
}

/// What a check saw, in a few words: `200 in 45ms`, or why it saw nothing.
pub fn check_seen(r: &crate::checks::CheckResult) -> String {
    match (r.status, r.latency_ms) {
        (Some(s), Some(ms)) => format!("{s} in {ms}ms"),
        (Some(s), None) => s.to_string(),
        _ => r.error.clone().unwrap_or_default(),
    }
}

/// A lock source's state for a table: its mark and words
/// (`locked by alice: INC-42`).
pub fn lock_state(state: &crate::lock::LockState) -> (Mark, String) {
    use crate::lock::LockState;
    match state {
        LockState::Unlocked => (Mark::Ok, "unlocked".to_string()),
        LockState::Locked(i) => (
            Mark::Fail,
            format!(
                "locked{}: {}",
                i.by.as_deref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default(),
                i.reason
            ),
        ),
        LockState::Expired(i) => (Mark::Warn, format!("expired lock ignored: {}", i.reason)),
        LockState::Unavailable { cause, .. } => (Mark::Warn, format!("unavailable: {cause}")),
    }
}

/// `GO`, `NO-GO`, `INCONCLUSIVE`, or `BAD INPUT` for no outcome.
pub fn outcome_label(outcome: Option<Outcome>) -> &'static str {
    outcome.map_or("BAD INPUT", outcome_word)
}

/// How a metric's line is marked: `✔` pass, `✖` a regression (or no data
/// when it must have data), `⚠` no data or an error.
pub fn metric_mark(m: &crate::judge::MetricResult) -> Mark {
    use crate::judge::Classification;
    match m.classification {
        Classification::Pass => Mark::Ok,
        Classification::High | Classification::Low => Mark::Fail,
        Classification::NoData if m.must_have_data => Mark::Fail,
        Classification::NoData | Classification::Error => Mark::Warn,
    }
}

/// `GO`, `NO-GO`, `INCONCLUSIVE`.
pub fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Go => "GO",
        Outcome::NoGo => "NO-GO",
        Outcome::Inconclusive => "INCONCLUSIVE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_wraps_the_whole_line() {
        assert_eq!(
            Painter { color: true }.line(Mark::Ok, "fine"),
            "\x1b[32m✔ fine\x1b[0m"
        );
        assert_eq!(Painter { color: false }.line(Mark::Fail, "bad"), "✖ bad");
    }
}

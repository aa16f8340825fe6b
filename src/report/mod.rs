//! Reports read results and never recompute them: `text` for people (the
//! `✔`/`✖` lines of Bitbucket pipes), `json` for machines. Each format is
//! its own file.

pub mod checks;
pub mod compare_junit;
pub mod compare_text;
pub mod json;
pub mod junit;
pub mod text;
pub mod verify_text;

use crate::outcome::Outcome;

/// Prints a report on stdout. A closed stdout (`| head`) is not worth a
/// panic: the exit code still carries the verdict.
pub fn emit(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}").and_then(|()| out.flush());
}

/// Writes a JUnit report. A report that cannot be written is a warning on
/// stderr: the verdict, and so the exit code, stands.
pub fn write_junit(path: &std::path::Path, suites: &[junit::Suite], painter: Painter) {
    match junit::write(path, suites) {
        Ok(()) => log::debug!("JUnit report written to {}", path.display()),
        Err(e) => eprintln!(
            "{}",
            painter.line(
                Mark::Warn,
                &format!("could not write the JUnit report {}: {e}", path.display())
            )
        ),
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

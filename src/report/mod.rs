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

//! The text report: for people, one line per thing evaluated and the
//! verdict last (only the verdict with `--quiet`). One file per command's
//! result.

pub mod checks;
pub mod compare;
pub mod gate;
pub mod lock;
pub mod verify;

use super::{Report, Style};
use crate::result::RunResult;

pub struct Text;

impl Report for Text {
    fn name(&self) -> &'static str {
        "text"
    }

    fn render(&self, run: &RunResult, style: &Style) -> Option<String> {
        let p = style.painter();
        let q = style.quiet;
        Some(match run {
            RunResult::Gate(r) => gate::gate(r, p, q, ""),
            RunResult::Status(r) => gate::gate(r, p, q, "gate would say "),
            RunResult::Lock(r) | RunResult::Unlock(r) => lock::lock(r, p),
            RunResult::Checks(r) => checks::text(r, p, q),
            RunResult::Compare(r) => compare::compare(r, p, q),
            RunResult::Verify(r) => verify::verify(r, p, q),
        })
    }
}

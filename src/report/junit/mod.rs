//! The JUnit report ([`xml`] renders it): checks, compare and verify as
//! test suites; `gate`, `status`, `lock` and `unlock` have no test cases.

pub mod checks;
pub mod compare;
pub mod xml;

use super::{Report, Style};
use crate::result::RunResult;

pub struct Junit;

impl Report for Junit {
    fn name(&self) -> &'static str {
        "junit"
    }

    fn render(&self, run: &RunResult, _: &Style) -> Option<String> {
        let suites = match run {
            RunResult::Checks(r) => vec![checks::suite(r)],
            RunResult::Compare(r) => vec![compare::compare_suite(r)],
            RunResult::Verify(r) => {
                let mut suites = vec![checks::suite(&r.checks)];
                suites.extend(r.compare.as_ref().map(compare::compare_suite));
                suites
            }
            RunResult::Gate(_)
            | RunResult::Status(_)
            | RunResult::Lock(_)
            | RunResult::Unlock(_) => {
                return None;
            }
        };
        Some(xml::render(&suites))
    }
}

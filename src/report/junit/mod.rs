//! The JUnit report ([`xml`] renders it): gate, checks, compare and verify
//! as test suites; `status`, `lock`, `unlock`, `release` and `history`
//! have no test cases.

pub mod checks;
pub mod compare;
pub mod gate;
pub mod xml;

use super::{Report, Style};
use crate::result::{Body, RunResult};

pub struct Junit;

impl Report for Junit {
    fn name(&self) -> &'static str {
        "junit"
    }
    fn title(&self) -> &'static str {
        "JUnit"
    }
    fn for_stdout(&self) -> bool {
        false
    }

    fn render(&self, run: &RunResult, _: &Style) -> Option<String> {
        let suites = match &run.body {
            Body::Checks(r) => vec![checks::suite(r)],
            Body::Compare(r) => vec![compare::compare_suite(r)],
            Body::Verify(r) => {
                let mut suites = vec![checks::suite(&r.checks)];
                suites.extend(r.compare.as_ref().map(compare::compare_suite));
                suites
            }
            Body::Gate(r) => vec![gate::suite(r)],
            Body::Status(_)
            | Body::Lock(_)
            | Body::Unlock(_)
            | Body::Release(_)
            | Body::Calendar(_)
            | Body::History(_) => return None,
        };
        Some(xml::render(&suites))
    }
}

//! JUnit XML, the format Bitbucket Pipelines' Tests tab reads (it scans
//! `test-results/` and similar folders up to three levels deep) and Bamboo's
//! JUnit parser task. Follows the common Ant/Surefire schema
//! (<https://github.com/windyroad/JUnit-Schema>): a failed check or a
//! regression is a `<failure>`, something that could not be evaluated is an
//! `<error>` (as hurl does).
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="greenlight" tests="2" failures="1" errors="0" time="0.120">
//!   <testsuite name="checks" tests="2" failures="1" errors="0" skipped="0" time="0.120">
//!     <testcase classname="checks.home" name="status is 200" time="0.050"/>
//!     <testcase classname="checks.home" name="body contains &quot;OK&quot;" time="0.050">
//!       <failure message="expected body to contain &quot;OK&quot;">actual: &quot;Down&quot;</failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```

use std::fmt::Write as _;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    pub name: String,
    pub cases: Vec<Case>,
    /// The suite's wall time; `None` sums its cases (cases that ran at
    /// once take less time together than their sum).
    pub time: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub classname: String,
    pub name: String,
    pub time: Duration,
    pub result: CaseResult,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CaseResult {
    Passed,
    Failure {
        message: String,
        detail: String,
    },
    /// Could not be evaluated; `kind` (JUnit's `type` attribute) says why
    /// in one word (`timeout`, `refused`, `tls`, ...).
    Error {
        message: String,
        detail: String,
        kind: Option<String>,
    },
    Skipped { message: String },
}

impl Suite {
    fn count(&self, f: impl Fn(&CaseResult) -> bool) -> usize {
        self.cases.iter().filter(|c| f(&c.result)).count()
    }
    fn time(&self) -> Duration {
        self.time
            .unwrap_or_else(|| self.cases.iter().map(|c| c.time).sum())
    }
}

pub fn render(suites: &[Suite]) -> String {
    let failures: usize = suites
        .iter()
        .map(|s| s.count(|r| matches!(r, CaseResult::Failure { .. })))
        .sum();
    let errors: usize = suites
        .iter()
        .map(|s| s.count(|r| matches!(r, CaseResult::Error { .. })))
        .sum();
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let time: Duration = suites.iter().map(Suite::time).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"greenlight\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{:.3}\">",
        time.as_secs_f64()
    );
    for s in suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
            escape(&s.name),
            s.cases.len(),
            s.count(|r| matches!(r, CaseResult::Failure { .. })),
            s.count(|r| matches!(r, CaseResult::Error { .. })),
            s.count(|r| matches!(r, CaseResult::Skipped { .. })),
            s.time().as_secs_f64()
        );
        for c in &s.cases {
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                escape(&c.classname),
                escape(&c.name),
                c.time.as_secs_f64()
            );
            match &c.result {
                CaseResult::Passed => {
                    let _ = writeln!(out, "{open}/>");
                }
                CaseResult::Failure { message, detail } => {
                    let _ = writeln!(
                        out,
                        "{open}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                        escape(message),
                        escape(detail)
                    );
                }
                CaseResult::Error {
                    message,
                    detail,
                    kind,
                } => {
                    let kind = kind
                        .as_deref()
                        .map(|k| format!(" type=\"{}\"", escape(k)))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "{open}>\n      <error message=\"{}\"{kind}>{}</error>\n    </testcase>",
                        escape(message),
                        escape(detail)
                    );
                }
                CaseResult::Skipped { message } => {
                    let _ = writeln!(
                        out,
                        "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(message)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// XML-escapes text and attribute values, and drops characters XML 1.0
/// cannot carry (control characters from binary bodies).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_passes_failures_and_errors_exactly() {
        let suite = Suite {
            name: "checks".into(),
            time: None,
            cases: vec![
                Case {
                    classname: "checks.home".into(),
                    name: "status is 200".into(),
                    time: Duration::from_millis(50),
                    result: CaseResult::Passed,
                },
                Case {
                    classname: "checks.home".into(),
                    name: "body contains \"OK\"".into(),
                    time: Duration::from_millis(70),
                    result: CaseResult::Failure {
                        message: "expected body to contain \"OK\"".into(),
                        detail: "actual: <h1>Down & out</h1>".into(),
                    },
                },
                Case {
                    classname: "checks.api".into(),
                    name: "reachable".into(),
                    time: Duration::ZERO,
                    result: CaseResult::Error {
                        message: "timed out after 5s".into(),
                        detail: String::new(),
                        kind: Some("timeout".into()),
                    },
                },
            ],
        };
        assert_eq!(
            render(&[suite]),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="greenlight" tests="3" failures="1" errors="1" time="0.120">
  <testsuite name="checks" tests="3" failures="1" errors="1" skipped="0" time="0.120">
    <testcase classname="checks.home" name="status is 200" time="0.050"/>
    <testcase classname="checks.home" name="body contains &quot;OK&quot;" time="0.070">
      <failure message="expected body to contain &quot;OK&quot;">actual: &lt;h1&gt;Down &amp; out&lt;/h1&gt;</failure>
    </testcase>
    <testcase classname="checks.api" name="reachable" time="0.000">
      <error message="timed out after 5s" type="timeout"></error>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }

    #[test]
    fn control_characters_cannot_break_the_xml() {
        assert_eq!(escape("a\u{0}b\u{1b}c\n"), "a\u{FFFD}b\u{FFFD}c\n");
    }
}

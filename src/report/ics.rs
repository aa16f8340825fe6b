//! `--format ics` for `greenlight calendar`: the closed periods as an
//! iCalendar (RFC 5545) a calendar app can subscribe to, one `VEVENT` per
//! period with the rule that closes it as its summary. Times are UTC.

use std::fmt::Write as _;

use super::{Report, Style};
use crate::result::{Body, RunResult};

pub struct Ics;

impl Report for Ics {
    fn name(&self) -> &'static str {
        "ics"
    }
    fn title(&self) -> &'static str {
        "iCalendar"
    }
    fn render(&self, run: &RunResult, _: &Style) -> Option<String> {
        let Body::Calendar(r) = &run.body else {
            return None;
        };
        let stamp = |t: &chrono::DateTime<chrono::Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
        let mut out = String::from(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//greenlight//deploy calendar//EN\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:Deploys closed\r\n",
        );
        for p in r.periods.iter().filter(|p| !p.open) {
            let summary = escape(&format!(
                "Deploys closed: {}",
                super::text::calendar::rule(&p.rule)
            ));
            let _ = write!(
                out,
                "BEGIN:VEVENT\r\nUID:closed-{}-{}@greenlight\r\nDTSTAMP:{}\r\nDTSTART:{}\r\nDTEND:{}\r\nSUMMARY:{summary}\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\n",
                stamp(&p.from.at),
                stamp(&p.to.at),
                stamp(&r.from.at),
                stamp(&p.from.at),
                stamp(&p.to.at)
            );
        }
        out.push_str("END:VCALENDAR\r\n");
        Some(out)
    }
}

/// RFC 5545 TEXT: backslash, comma, semicolon and newlines escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
        .replace("\r\n", "\\n")
        .replace(['\r', '\n'], "\\n")
}

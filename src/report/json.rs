//! The JSON report: one stable document per run, the result as data plus
//! `command`, `version`, `outcome` and `exit_code`.
//!
//! ```json
//! {"command":"gate","version":"0.1.0","exit_code":1,
//!  "run":{"config_file":"greenlight.yml","environment":{"name":"Production","from":"bamboo_deploy_environment","block":"production"},"warnings":[]},
//!  "outcome":"no_go",
//!  "at":"2026-03-29T01:30:00Z","reasons":["deploy window closed"],"warnings":[],
//!  "window":{"open":false,"rule":{"kind":"outside_windows"},"next_open":{...},"next_close":null},
//!  "locks":{"on_error":"closed","sources":[{"source":"env:DEPLOY_LOCK","kind":"env","state":"unlocked",...}]}}
//! ```

use serde::Serialize;

use super::{Report, Style};
use crate::result::{Body, RunInfo, RunResult};

pub struct Json;

impl Report for Json {
    fn name(&self) -> &'static str {
        "json"
    }
    fn title(&self) -> &'static str {
        "JSON"
    }

    fn render(&self, run: &RunResult, _: &Style) -> Option<String> {
        let (command, code, info) = (run.command(), run.exit_code(), Some(&run.info));
        Some(match &run.body {
            Body::Gate(r) | Body::Status(r) => envelope(command, code, info, r),
            Body::Lock(r) | Body::Unlock(r) => envelope(command, code, info, r),
            Body::Checks(r) => envelope(command, code, info, r),
            Body::Compare(r) => envelope(command, code, info, r),
            Body::Verify(r) => envelope(command, code, info, r),
            Body::Release(r) => envelope(command, code, info, r),
            Body::History(r) => envelope(command, code, info, r),
            Body::Calendar(r) => envelope(command, code, info, r),
        })
    }
}

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    command: &'a str,
    version: &'a str,
    exit_code: u8,
    /// The config file, the environment, warnings about them.
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<&'a RunInfo>,
    #[serde(flatten)]
    result: &'a T,
}

/// Serializes `result` (a struct) after the envelope fields, in field order.
pub fn render<T: Serialize>(command: &str, exit_code: u8, result: &T) -> String {
    envelope(command, exit_code, None, result)
}

fn envelope<T: Serialize>(
    command: &str,
    exit_code: u8,
    run: Option<&RunInfo>,
    result: &T,
) -> String {
    let doc = Envelope {
        command,
        version: env!("CARGO_PKG_VERSION"),
        exit_code,
        run,
        result,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
        format!("{{\"command\":\"{command}\",\"exit_code\":{exit_code},\"error\":\"{e}\"}}")
    })
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize)]
    struct R {
        outcome: &'static str,
        at: u8,
    }

    #[test]
    fn envelope_first_then_fields_in_order() {
        let out = super::render(
            "gate",
            1,
            &R {
                outcome: "no_go",
                at: 7,
            },
        );
        let expected = format!(
            "{{\n  \"command\": \"gate\",\n  \"version\": \"{}\",\n  \"exit_code\": 1,\n  \"outcome\": \"no_go\",\n  \"at\": 7\n}}",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(out, expected);
    }
}

//! The JSON report: one stable document per run, the result as data plus
//! `command`, `version`, `outcome` and `exit_code`.
//!
//! ```json
//! {"command":"gate","version":"0.1.0","exit_code":1,"outcome":"no_go",
//!  "at":"2026-03-29T01:30:00Z","reasons":["deploy window closed"],"warnings":[],
//!  "window":{"open":false,"rule":{"kind":"outside_windows"},"next_open":{...},"next_close":null},
//!  "locks":{"on_error":"closed","sources":[{"source":"env:DEPLOY_LOCK","kind":"env","state":"unlocked",...}]}}
//! ```

use serde::Serialize;
use serde_json::{Map, Value};

/// Serializes `result` with the envelope fields first.
pub fn render<T: Serialize>(command: &str, exit_code: u8, result: &T) -> String {
    let mut doc = Map::new();
    doc.insert("command".into(), Value::from(command));
    doc.insert("version".into(), Value::from(env!("CARGO_PKG_VERSION")));
    doc.insert("exit_code".into(), Value::from(exit_code));
    match serde_json::to_value(result) {
        Ok(Value::Object(fields)) => doc.extend(fields),
        Ok(other) => {
            doc.insert("result".into(), other);
        }
        Err(e) => {
            doc.insert("error".into(), Value::from(e.to_string()));
        }
    }
    serde_json::to_string_pretty(&Value::Object(doc))
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

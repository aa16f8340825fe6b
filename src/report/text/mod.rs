//! The text report: for people, one line per thing evaluated and the
//! verdict last (only the verdict with `--quiet`). One file per command's
//! result.

pub mod checks;
pub mod compare;
pub mod calendar;
pub mod gate;
pub mod lease;
pub mod lock;
pub mod verify;

use super::{Mark, Painter, Report, Style};
use crate::result::{Body, RunInfo, RunResult};

pub struct Text;

impl Report for Text {
    fn name(&self) -> &'static str {
        "text"
    }

    fn render(&self, run: &RunResult, style: &Style) -> Option<String> {
        let p = style.painter();
        let q = style.quiet;
        let body = match &run.body {
            Body::Gate(r) => gate::gate(r, p, q, ""),
            Body::Status(r) => gate::gate(r, p, q, "gate would say "),
            Body::Lock(r) | Body::Unlock(r) => lock::lock(r, p),
            Body::Checks(r) => checks::text(r, p, q),
            Body::Compare(r) => compare::compare(r, p, q, style.verbose),
            Body::Verify(r) => verify::verify(r, p, q, style.verbose),
            Body::Release(r) => lease::release(r, p),
            Body::History(r) => lease::history(r, p, q),
            Body::Calendar(r) => calendar::calendar(r, p),
        };
        if q {
            return Some(body);
        }
        let mut lines = header(&run.info, p);
        lines.push(body);
        Some(lines.join("\n"))
    }
}

/// What the run ran with, and the warnings about it:
///
/// ```text
/// • Config greenlight.yml, environment Production (block `production`, named by bamboo_deploy_environment)
/// ```
fn header(info: &RunInfo, p: Painter) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(file) = &info.config_file {
        parts.push(format!("Config {file}"));
    }
    if let Some(env) = &info.environment {
        let block = env
            .block
            .as_deref()
            .map_or("no block".to_string(), |b| format!("block `{b}`"));
        parts.push(format!(
            "environment {} ({block}, named by {})",
            env.name, env.from
        ));
    }
    let mut lines = Vec::new();
    if !parts.is_empty() {
        let mut line = parts.join(", ");
        if let Some(first) = line.get(..1) {
            line = first.to_uppercase() + &line[1..];
        }
        lines.push(p.line(Mark::Info, &line));
    }
    lines.extend(info.warnings.iter().map(|w| p.line(Mark::Warn, w)));
    lines
}

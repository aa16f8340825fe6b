//! Stage two of the reports: which kind goes to stdout (`--format`,
//! default `text`), which go to files (`--report KIND=PATH`, repeatable,
//! or `GREENLIGHT_REPORT="junit=a.xml;json=b.json"`), and for the
//! commands that have test cases (checks, compare, verify) the JUnit file:
//! `--junit PATH`, else in a pipeline `test-results/greenlight-<command>.xml`
//! under Bitbucket's clone dir (its Tests tab scans `test-results/`) or
//! Bamboo's working directory (for a JUnit Parser task on
//! `**/test-results/*.xml`).

use std::path::{Path, PathBuf};

use super::settings::Settings;
use crate::cli::Global;
use crate::context::Context;
use crate::input::{ConfigError, Sourced, pick, split_list};
use crate::report::{self, Report, Style};

/// Where the run's reports go.
pub struct Reports {
    pub stdout: &'static dyn Report,
    pub files: Vec<FileReport>,
    pub style: Style,
}

/// A report written to a file.
pub struct FileReport {
    pub report: &'static dyn Report,
    pub path: PathBuf,
}

/// `--junit` or `GREENLIGHT_JUNIT`.
pub fn junit_flag(flag: Option<&str>, ctx: &Context) -> Option<Sourced> {
    pick("junit", flag, ctx)
}

pub fn resolve(
    g: &Global,
    junit: Option<Option<Sourced>>,
    command: &str,
    settings: &Settings,
    ctx: &Context,
) -> Result<Reports, ConfigError> {
    let stdout = match pick("format", g.format.as_deref(), ctx) {
        Some(s) => {
            let name = s.value.trim().to_ascii_lowercase();
            report::by_name(&name)
                .filter(|r| r.for_stdout())
                .ok_or_else(|| {
                    s.invalid(format!(
                        "`{}` (expected {})",
                        s.value,
                        report::stdout_names()
                    ))
                })?
        }
        None => &report::text::Text,
    };
    if stdout.name() == "ics" && command != "calendar" {
        return Err(ConfigError::Usage(
            "`--format ics` is the calendar's: `greenlight calendar --format ics`".into(),
        ));
    }
    let mut files = Vec::new();
    for r in split_list("report", &g.report, ctx) {
        let (kind, path) = r.value.split_once('=').ok_or_else(|| {
            r.invalid(format!(
                "`{}` is not KIND=PATH, e.g. junit=test-results/greenlight.xml (kinds: {})",
                r.value,
                report::names()
            ))
        })?;
        let report = report::by_name(kind.trim()).ok_or_else(|| {
            r.invalid(format!(
                "unknown report kind `{}` (kinds: {})",
                kind.trim(),
                report::names()
            ))
        })?;
        if path.trim().is_empty() {
            return Err(r.invalid(format!("`{}` names no file", r.value)));
        }
        files.push(FileReport {
            report,
            path: ctx.cwd.join(path.trim()),
        });
    }
    if let Some(h) = pick("report-html", g.report_html.as_deref(), ctx) {
        files.push(FileReport {
            report: &report::html::Html,
            path: ctx.cwd.join(h.value.trim()),
        });
    }
    // `--junit PATH` is `--report junit=PATH`; in a pipeline the JUnit
    // report is written where the pipeline looks, unless one is asked for.
    if let Some(flag) = junit {
        let junit = &report::junit::Junit as &dyn Report;
        let asked = files.iter().any(|f| f.report.name() == junit.name());
        let path = match flag {
            Some(p) => Some(ctx.cwd.join(p.value)),
            None if asked => None,
            None => default_junit(command, ctx),
        };
        files.extend(path.map(|path| FileReport {
            report: junit,
            path,
        }));
    }
    Ok(Reports {
        stdout,
        files,
        style: Style {
            color: settings.color,
            quiet: settings.quiet,
            verbose: settings.verbose,
        },
    })
}

/// `test-results/greenlight-<command>.xml` in a Bitbucket or Bamboo
/// build, else none.
fn default_junit(command: &str, ctx: &Context) -> Option<PathBuf> {
    ["BITBUCKET_CLONE_DIR", "bamboo_build_working_directory"]
        .into_iter()
        .find_map(|v| ctx.var(v))
        .map(|dir| {
            Path::new(dir)
                .join("test-results")
                .join(format!("greenlight-{command}.xml"))
        })
}

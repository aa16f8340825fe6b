//! Samples from files (`type: file`): CSV or JSON written by a load test,
//! a benchmark or an export, one file per side. No time range applies:
//! every value of the selected column is a sample. The shapes a file may
//! have are in [`super::file_values`].
//!
//! ```yaml
//! compare:
//!   source: { type: file }
//!   baseline: { group: blue }
//!   canary: { group: green }
//!   metrics:
//!     - { name: latency, file: "results/{{group}}.csv", column: latency_ms }
//!     - { name: p95, baseline_file: old.json, canary_file: new.json, pointer: /runs/p95 }
//!     - { name: errors, kind: ratio, file: "results/{{group}}.csv", errors: failed, total: requests }
//! ```
//!
//! A file several queries read (a ratio's two columns, one file for two
//! metrics) is read once per run. Relative paths resolve against the
//! working directory.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;

use super::MetricsError;
use super::file_values::{self, FileError, Format, Selector};
use super::source::{
    Asked,
    Fetched, MetricKind, MetricSource, PlanSide, Query, Request, Series, TimeSeries, check_kind_keys,
};
use crate::context::Context;
use crate::failure::Failure;
use crate::http::Deadline;
use crate::input::{ConfigError, Keys, check_pointer};

/// `type: file`.
pub struct File;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FormatEntry {
    Csv,
    Tsv,
    Json,
}

impl MetricKind for File {
    fn name(&self) -> &'static str {
        "file"
    }
    fn source_keys(&self) -> &'static [&'static str] {
        &[]
    }
    fn metric_keys(&self) -> &'static [&'static str] {
        &[
            "file",
            "baseline_file",
            "canary_file",
            "column",
            "pointer",
            "format",
            "errors",
            "total",
        ]
    }
    fn time_series(&self) -> Option<TimeSeries> {
        None
    }
    fn configure(
        &self,
        _: &mut Keys<'_>,
        ctx: &Context,
    ) -> Result<Box<dyn MetricSource>, ConfigError> {
        Ok(Box::new(FileSource {
            files: Arc::new(Files {
                cwd: ctx.cwd.clone(),
                read: Mutex::new(BTreeMap::new()),
            }),
        }))
    }
}

/// A file's text, once read.
type Read = Arc<OnceLock<Result<String, FileError>>>;

/// Each file's text, read once per run.
#[derive(Debug)]
struct Files {
    cwd: PathBuf,
    read: Mutex<BTreeMap<String, Read>>,
}

impl Files {
    fn text(&self, path: &str, deadline: Deadline) -> Result<String, FileError> {
        let cell = {
            let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(read.entry(path.to_string()).or_default())
        };
        cell.get_or_init(|| file_values::load(&self.cwd.join(path), path, deadline.0))
            .clone()
    }
}

struct FileSource {
    files: Arc<Files>,
}

impl MetricSource for FileSource {
    fn name(&self) -> &str {
        "file"
    }
    fn plan(&self, keys: &mut Keys<'_>, side: &PlanSide<'_>) -> Result<Request, ConfigError> {
        if side.asked == Asked::Buckets {
            return Err(keys.here(
                "a `file` source gives samples, not histogram buckets: use `kind: continuous`".into(),
            ));
        }
        check_kind_keys(
            keys,
            side.asked,
            "column",
            None,
            "the columns holding error and request counts",
        )?;
        let which = side.side;
        let own = format!("{which}_file");
        let key = match (
            keys.has("file"),
            keys.has("baseline_file") || keys.has("canary_file"),
        ) {
            (true, true) => {
                return Err(keys.here("give either `file` (a template like results/{{group}}.csv) or `baseline_file` and `canary_file`, not both".into()));
            }
            (true, false) => "file",
            (false, _) if keys.has(&own) => own.as_str(),
            (false, _) => {
                return Err(keys.here(format!(
                    "needs `file` (a template like results/{{{{group}}}}.csv) or `{which}_file`"
                )));
            }
        };
        let template = keys
            .string(key)?
            .ok_or_else(|| keys.here(format!("needs `{key}`")))?;
        let path = (side.fill)(&template, key)?;
        let format = match keys.take::<FormatEntry>("format")?.map(|f| f.value) {
            Some(FormatEntry::Csv) => Format::Csv { delimiter: b',' },
            Some(FormatEntry::Tsv) => Format::Csv { delimiter: b'\t' },
            Some(FormatEntry::Json) => Format::Json,
            None => Format::from_path(&path).ok_or_else(|| {
                keys.here(format!(
                    "cannot tell the format of `{path}` from its extension: add `format: csv`, `tsv` or `json`"
                ))
            })?,
        };
        let pointer = keys.string("pointer")?.map(|p| p.value);
        if let Some(p) = &pointer {
            if matches!(format, Format::Csv { .. }) {
                return Err(
                    keys.here("`pointer` applies to JSON files; a CSV file takes `column`".into())
                );
            }
            check_pointer(p, "/results/latency").map_err(|m| keys.here(format!("pointer {m}")))?;
        }
        let query = |column_key: &str| -> Result<Box<dyn Query>, ConfigError> {
            let column = keys.string(column_key)?.map(|c| c.value);
            if matches!(format, Format::Csv { .. }) && column.is_none() {
                return Err(keys.here("a CSV file needs `column` (a header of the file)".into()));
            }
            Ok(Box::new(FileQuery {
                files: Arc::clone(&self.files),
                path: path.clone(),
                format,
                selector: Selector {
                    pointer: pointer.clone(),
                    column,
                },
            }))
        };
        Request::for_kind(side.asked, "column", query)
    }
}

/// The selected values of one file.
#[derive(Debug)]
struct FileQuery {
    files: Arc<Files>,
    path: String,
    format: Format,
    selector: Selector,
}

impl Query for FileQuery {
    fn describe(&self) -> String {
        let mut out = self.path.clone();
        if let Some(p) = &self.selector.pointer {
            out.push_str(&format!(" {p}"));
        }
        if let Some(c) = &self.selector.column {
            out.push_str(&format!(" [{c}]"));
        }
        out
    }

    fn fetch(&self, deadline: Deadline) -> Result<Fetched, MetricsError> {
        let values = self
            .files
            .text(&self.path, deadline)
            .and_then(|text| file_values::select(&text, &self.path, self.format, &self.selector))
            .map_err(|e| MetricsError {
                source_name: "file".into(),
                failure: Failure::Unreadable(e.to_string()),
            })?;
        Ok(Fetched {
            series: vec![Series {
                values: values.values,
                ..Series::default()
            }],
            warnings: values.warnings,
        })
    }
}

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
use serde_saphyr::Spanned;

use super::MetricsError;
use super::file_values::{self, Count, FileError, Format, Selector, Values};
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
    K6,
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
            "metric",
            "tags",
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
                entries: Mutex::new(BTreeMap::new()),
            }),
        }))
    }
}

/// One file's selections, read in one pass when first fetched.
#[derive(Debug)]
struct Entry {
    /// As written (for messages), and where it is.
    path: String,
    full: PathBuf,
    format: Format,
    /// Every selection planned from this file, by index.
    selectors: Mutex<Vec<Selector>>,
    read: OnceLock<Result<Vec<Values>, FileError>>,
}

impl Entry {
    /// Selection `index`, reading the file (every selection) the first
    /// time one is asked for.
    fn values(&self, index: usize, deadline: Deadline) -> Result<Values, FileError> {
        let read = self.read.get_or_init(|| {
            let selectors = self
                .selectors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            file_values::read(&self.full, &self.path, self.format, &selectors, deadline.0)
        });
        match read {
            Ok(all) => all.get(index).cloned().ok_or_else(|| FileError {
                path: self.path.clone(),
                message: "internal: a selection planned after the file was read".into(),
            }),
            Err(e) => Err(e.clone()),
        }
    }
}

/// Every file of the run, read once (all its selections in one pass).
#[derive(Debug)]
struct Files {
    cwd: PathBuf,
    entries: Mutex<BTreeMap<(String, Format), Arc<Entry>>>,
}

impl Files {
    /// Registers a selection from a file; its index in the file's entry.
    fn plan(&self, path: &str, format: Format, selector: Selector) -> (Arc<Entry>, usize) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = Arc::clone(entries.entry((path.to_string(), format)).or_insert_with(|| {
            Arc::new(Entry {
                path: path.to_string(),
                full: self.cwd.join(path),
                format,
                selectors: Mutex::new(Vec::new()),
                read: OnceLock::new(),
            })
        }));
        let mut selectors = entry.selectors.lock().unwrap_or_else(|e| e.into_inner());
        let index = match selectors.iter().position(|s| *s == selector) {
            Some(i) => i,
            None => {
                selectors.push(selector);
                selectors.len() - 1
            }
        };
        drop(selectors);
        (entry, index)
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
        let format_entry = keys.take::<FormatEntry>("format")?.map(|f| f.value);
        let k6 = match format_entry {
            Some(FormatEntry::K6) => true,
            Some(other) if keys.has("metric") => {
                return Err(keys.here(format!(
                    "`metric` selects the points of a k6 results file, not a {} file: use `format: k6`, or `column`",
                    format!("{other:?}").to_ascii_uppercase()
                )));
            }
            Some(_) => false,
            None => keys.has("metric"),
        };
        if !k6 {
            check_kind_keys(
                keys,
                side.asked,
                "column",
                None,
                "the columns holding error and request counts",
            )?;
        }
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
        if k6 {
            return self.plan_k6(keys, side, path);
        }
        let format = match format_entry {
            Some(FormatEntry::Csv) => Format::Csv { delimiter: b',' },
            Some(FormatEntry::Tsv) => Format::Csv { delimiter: b'\t' },
            Some(FormatEntry::Json) => Format::Json,
            Some(FormatEntry::K6) => Format::K6,
            None => Format::from_path(&path).ok_or_else(|| {
                keys.here(format!(
                    "cannot tell the format of `{path}` from its extension: add `format: csv`, `tsv`, `json` or `k6`"
                ))
            })?,
        };
        if keys.has("tags") {
            return Err(keys.here("`tags` filters the points of a k6 file: add `metric` (and `format: k6`)".into()));
        }
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
            let selector = match (format, column) {
                (Format::Csv { .. }, Some(c)) => Selector::Column(c),
                (Format::Csv { .. }, None) => {
                    return Err(keys.here("a CSV file needs `column` (a header of the file)".into()));
                }
                (_, column) => Selector::Json {
                    pointer: pointer.clone(),
                    column,
                },
            };
            Ok(self.query(&path, format, selector))
        };
        Request::for_kind(side.asked, "column", query)
    }
}

impl FileSource {
    fn query(&self, path: &str, format: Format, selector: Selector) -> Box<dyn Query> {
        let describe = describe(path, &selector);
        let (entry, index) = self.files.plan(path, format, selector);
        Box::new(FileQuery {
            entry,
            index,
            describe,
        })
    }

    /// A k6 results file: `metric` and `tags`; a ratio counts a rate
    /// metric's points.
    fn plan_k6(
        &self,
        keys: &mut Keys<'_>,
        side: &PlanSide<'_>,
        path: String,
    ) -> Result<Request, ConfigError> {
        if let Some(k) = ["column", "pointer", "errors", "total"]
            .into_iter()
            .find(|k| keys.has(k))
        {
            return Err(keys.here(format!(
                "a k6 file takes `metric` (and `tags`), not `{k}`{}",
                if side.asked == Asked::Counts {
                    ": a ratio reads a k6 rate metric such as http_req_failed (errors: its points of value 1, total: all its points)"
                } else {
                    ""
                }
            )));
        }
        let metric = keys.string("metric")?.ok_or_else(|| {
            keys.here("a k6 file needs `metric`, e.g. http_req_duration".into())
        })?;
        let metric = (side.fill)(&metric, "metric")?;
        if metric.trim().is_empty() || metric.contains(['"', '\\']) {
            return Err(keys.here(format!("`{metric}` is not a k6 metric name")));
        }
        let mut tags = Vec::new();
        if let Some(t) = keys.take::<BTreeMap<String, Spanned<String>>>("tags")? {
            for (name, value) in t.value {
                let filled = (side.fill)(&value, &format!("tags.{name}"))?;
                tags.push((name, filled));
            }
        }
        let selector = |count| Selector::K6 {
            metric: metric.clone(),
            tags: tags.clone(),
            count,
        };
        Ok(match side.asked {
            Asked::Counts => Request::Counts {
                errors: self.query(&path, Format::K6, selector(Some(Count::NonZero))),
                total: self.query(&path, Format::K6, selector(Some(Count::Every))),
                cumulative: false,
            },
            _ => Request::Values(self.query(&path, Format::K6, selector(None))),
        })
    }
}

fn describe(path: &str, selector: &Selector) -> String {
    match selector {
        Selector::Column(c) => format!("{path} [{c}]"),
        Selector::Json { pointer, column } => {
            let mut out = path.to_string();
            if let Some(p) = pointer {
                out.push_str(&format!(" {p}"));
            }
            if let Some(c) = column {
                out.push_str(&format!(" [{c}]"));
            }
            out
        }
        Selector::K6 { metric, tags, count } => {
            let mut out = format!("{path} {metric}");
            if !tags.is_empty() {
                let t: Vec<String> = tags.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
                out.push_str(&format!("{{{}}}", t.join(",")));
            }
            match count {
                Some(Count::NonZero) => out.push_str(" (points ≠ 0)"),
                Some(Count::Every) => out.push_str(" (all points)"),
                None => {}
            }
            out
        }
    }
}

/// The selected values of one file.
#[derive(Debug)]
struct FileQuery {
    entry: Arc<Entry>,
    index: usize,
    describe: String,
}

impl Query for FileQuery {
    fn describe(&self) -> String {
        self.describe.clone()
    }

    fn fetch(&self, deadline: Deadline) -> Result<Fetched, MetricsError> {
        let values = self
            .entry
            .values(self.index, deadline)
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

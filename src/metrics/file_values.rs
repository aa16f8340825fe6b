//! Samples from files: CSV, JSON, NDJSON or k6 results written by a load
//! test, a benchmark or an export, one file per side. No time range
//! applies: every selected value is a sample.
//!
//! Accepted shapes (the format comes from the extension, `.csv`/`.tsv`,
//! `.json`/`.ndjson`/`.jsonl`, or is given; `k6` is given, or implied by
//! `metric`):
//!
//! - **CSV** (RFC 4180 through the `csv` crate: a header row,
//!   `,`-separated, `"quoted"` fields with `""` for a quote, CRLF or LF;
//!   tab-separated for `.tsv`). `column` names a header.
//!
//!   ```text
//!   timestamp,latency_ms,status
//!   2026-01-01T00:00:00Z,112.5,200
//!   ```
//! - **JSON**: `pointer` (a JSON Pointer, default the whole document)
//!   selects an array. Its elements are the values, or, with `column`, each
//!   element is an object and `column` names its field (or is a JSON
//!   Pointer into it, starting with `/`).
//!
//!   ```text
//!   [112.5, 98.1, 130.0]                                   (no pointer, no column)
//!   [{"latency_ms": 112.5}, {"latency_ms": 98.1}]          (column: latency_ms)
//!   {"runs": {"latency": [112.5, 98.1]}}                   (pointer: /runs/latency)
//!   ```
//! - **NDJSON** (one JSON value per line; a `.json` file whose first line is
//!   a whole value and is followed by more is read so too): the lines are
//!   the elements, `column` picks from each.
//! - **k6** (`k6 run --out json=results.json`,
//!   <https://grafana.com/docs/k6/latest/results-output/real-time/json/>):
//!   NDJSON of `Metric` and `Point` lines. `metric` selects the points of
//!   one metric (`http_req_duration`), `tags` keeps those whose tags hold
//!   every given value (`{status: "200"}`). A ratio of a k6 rate metric
//!   (`http_req_failed`, `checks`): errors are its points of value ≠ 0,
//!   the total all its points.
//!
//!   ```text
//!   {"metric":"http_req_duration","type":"Point","data":{"time":"…","value":86.78,"tags":{"status":"200",…}}}
//!   ```
//!
//! Every format is streamed: memory is the values kept (8 bytes each), not
//! the file; all the selections from one file are made in one pass. Lines
//! longer than 16 MiB are refused.
//!
//! A value is a number, or a string holding one (`"12.5"`, `"NaN"`,
//! `"Inf"`). Anything else (`oops`, `true`, an object) and empty cells or
//! `null` become NaN, so the judge counts them as removed, and each kind is
//! reported once as a warning with how many and where the first one is.

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, Read};
use std::path::Path;

use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::input::read::{ReadError, stream};

/// The most bytes of one file. Files are streamed, so this bounds the time
/// (with the run's deadline), not the memory.
const MAX_BYTES: u64 = 64 << 30;
/// The longest line of an NDJSON or k6 file.
const MAX_LINE: u64 = 16 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Csv { delimiter: u8 },
    Json,
    K6,
}

impl Format {
    /// From a file name's extension, `None` when it says nothing.
    pub fn from_path(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv { delimiter: b',' }),
            "tsv" => Some(Format::Csv { delimiter: b'\t' }),
            "json" | "ndjson" | "jsonl" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Which values of a file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// A CSV column, by its header.
    Column(String),
    /// JSON: where the array is, and the field (or pointer) of each element.
    Json {
        pointer: Option<String>,
        column: Option<String>,
    },
    /// k6: one metric's points with these tags; `count`: each point counts
    /// as 1 (a ratio's total) or as whether its value is ≠ 0 (its errors),
    /// instead of its value.
    K6 {
        metric: String,
        tags: Vec<(String, String)>,
        count: Option<Count>,
    },
}

/// How a k6 rate metric's points are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// 1 for a point of value ≠ 0.
    NonZero,
    /// 1 for every point.
    Every,
}

impl Selector {
    fn describe(&self) -> String {
        match self {
            Selector::Column(c) => format!("column `{c}`"),
            Selector::Json {
                pointer: Some(p),
                column: Some(c),
            } => format!("`{c}` of `{p}`"),
            Selector::Json {
                pointer: None,
                column: Some(c),
            } => format!("column `{c}`"),
            Selector::Json {
                pointer: Some(p),
                column: None,
            } => format!("`{p}`"),
            Selector::Json { .. } => "the values".into(),
            Selector::K6 { metric, tags, .. } if tags.is_empty() => format!("metric `{metric}`"),
            Selector::K6 { metric, tags, .. } => {
                let t: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("metric `{metric}` {{{}}}", t.join(", "))
            }
        }
    }
}

/// The values read (unusable ones as NaN) and what was wrong with some.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Values {
    pub values: Vec<f64>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct FileError {
    pub path: String,
    pub message: String,
}

/// Reads every selection from the file at `path` (shown as `shown`) in one
/// streaming pass, within the deadline.
pub fn read(
    path: &Path,
    shown: &str,
    format: Format,
    selectors: &[Selector],
    deadline: std::time::Instant,
) -> Result<Vec<Values>, FileError> {
    let fail = |message: String| FileError {
        path: shown.to_string(),
        message,
    };
    let owned = selectors.to_vec();
    let shown_owned = shown.to_string();
    let tallies = stream(path, MAX_BYTES, "data file", deadline, move |reader| {
        select(reader, format, &owned, &shown_owned).map_err(Ok)
    })
    .map_err(|e| {
        fail(match e {
            Ok(message) => message,
            Err(ReadError::NotFound) => "no such file".into(),
            Err(other) => other.to_string(),
        })
    })?;
    // A JSON document is walked for one selection at a time.
    let Some(tallies) = tallies else {
        return selectors
            .iter()
            .map(|s| {
                read(path, shown, format, std::slice::from_ref(s), deadline)
                    .map(|mut v| v.remove(0))
            })
            .collect();
    };
    Ok(tallies
        .into_iter()
        .zip(selectors)
        .map(|(t, s)| t.finish(shown, &s.describe()))
        .collect())
}

/// The selections of a stream, one tally each; `None` for a JSON document
/// asked for several selections (walked once for each).
fn select(
    reader: &mut dyn BufRead,
    format: Format,
    selectors: &[Selector],
    shown: &str,
) -> Result<Option<Vec<Tally>>, String> {
    skip_bom(reader).map_err(|e| e.to_string())?;
    let mut tallies: Vec<Tally> = selectors.iter().map(|_| Tally::default()).collect();
    match format {
        Format::Csv { delimiter } => csv_values(reader, delimiter, selectors, &mut tallies)?,
        Format::K6 => k6_values(reader, selectors, &mut tallies)?,
        Format::Json if is_ndjson(shown) => {
            ndjson_values(reader, (&[], 1, 0), selectors, &mut tallies)?
        }
        Format::Json => {
            // One document, or NDJSON under a `.json` name (k6 writes
            // that): the first line that is not blank decides. A first
            // line past the line limit is a document's (minified JSON).
            let mut first = Vec::new();
            let mut blank = 0usize;
            let mut too_long = false;
            loop {
                first.clear();
                let n = reader
                    .take(MAX_LINE + 1)
                    .read_until(b'\n', &mut first)
                    .map_err(|e| e.to_string())?;
                if n as u64 > MAX_LINE {
                    too_long = true;
                    break;
                }
                if n == 0 || !first.trim_ascii().is_empty() {
                    break;
                }
                blank += 1;
            }
            let text = first.trim_ascii();
            let lines = if !too_long && serde_json::from_slice::<IgnoredAny>(text).is_ok() {
                more(reader)?
            } else {
                None
            };
            if let Some(gap) = lines {
                ndjson_values(reader, (&first, blank + 1, gap), selectors, &mut tallies)?;
            } else if selectors.len() > 1 {
                return Ok(None);
            } else {
                let mut chained = std::io::Cursor::new(first).chain(reader);
                json_values(&mut chained, selectors, &mut tallies)?;
            }
        }
    }
    Ok(Some(tallies))
}

fn is_ndjson(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".ndjson") || lower.ends_with(".jsonl")
}

fn skip_bom(reader: &mut dyn BufRead) -> std::io::Result<()> {
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// Whether anything but white space is left: `Some(line breaks skipped
/// to get there)`, or `None`.
fn more(reader: &mut dyn BufRead) -> Result<Option<usize>, String> {
    let mut breaks = 0usize;
    loop {
        let buf = reader.fill_buf().map_err(|e| e.to_string())?;
        if buf.is_empty() {
            return Ok(None);
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(_) => return Ok(Some(breaks)),
            None => {
                let n = buf.len();
                breaks += buf.iter().filter(|&&b| b == b'\n').count();
                reader.consume(n);
            }
        }
    }
}

/// One line into `buf` (cleared first), at most [`MAX_LINE`] bytes; false
/// at the end.
fn read_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>) -> Result<bool, String> {
    buf.clear();
    let n = reader
        .take(MAX_LINE + 1)
        .read_until(b'\n', buf)
        .map_err(|e| e.to_string())?;
    if n as u64 > MAX_LINE {
        return Err(format!("a line is longer than {} MiB", MAX_LINE >> 20));
    }
    Ok(n > 0)
}

/// Values and the first place of each kind of unusable one.
#[derive(Default)]
struct Tally {
    values: Vec<f64>,
    /// Said as they are.
    notes: Vec<String>,
    garbage: usize,
    first_garbage: Option<(String, String)>,
    empty: usize,
    first_empty: Option<String>,
}

impl Tally {
    fn push(&mut self, place: impl FnOnce() -> String, cell: Cell) {
        match cell {
            Cell::Number(v) => self.values.push(v),
            Cell::Empty => {
                self.values.push(f64::NAN);
                self.empty += 1;
                if self.first_empty.is_none() {
                    self.first_empty = Some(place());
                }
            }
            Cell::Garbage(text) => {
                self.values.push(f64::NAN);
                self.garbage += 1;
                if self.first_garbage.is_none() {
                    self.first_garbage = Some((place(), text));
                }
            }
        }
    }

    fn finish(self, shown: &str, what: &str) -> Values {
        let mut warnings: Vec<String> =
            self.notes.iter().map(|n| format!("{shown}: {n}")).collect();
        if let Some((place, text)) = &self.first_garbage {
            let n = self.garbage;
            warnings.push(format!(
                "{shown}: {n} value{} in {what} {} not a number (first at {place}: `{text}`)",
                plural(n),
                if n == 1 { "is" } else { "are" }
            ));
        }
        if let Some(place) = &self.first_empty {
            let n = self.empty;
            warnings.push(format!(
                "{shown}: {n} empty value{} in {what} (first at {place})",
                plural(n)
            ));
        }
        Values {
            values: self.values,
            warnings,
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Debug)]
enum Cell {
    Number(f64),
    Empty,
    Garbage(String),
}

fn text_cell(s: &str) -> Cell {
    let t = s.trim();
    if t.is_empty() {
        return Cell::Empty;
    }
    // Rust reads `NaN`, `inf`, `+Inf`, `-infinity` (any case) too.
    match t.parse::<f64>() {
        Ok(v) => Cell::Number(v),
        Err(_) => Cell::Garbage(t.chars().take(40).collect()),
    }
}

fn bytes_cell(b: &[u8]) -> Cell {
    text_cell(&String::from_utf8_lossy(b))
}

fn csv_values(
    reader: &mut dyn BufRead,
    delimiter: u8,
    selectors: &[Selector],
    tallies: &mut [Tally],
) -> Result<(), String> {
    let since = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let reader = Counted {
        inner: reader,
        since: std::rc::Rc::clone(&since),
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        // Lines end at LF; a CR before it is trimmed with the cell (the
        // crate's line numbers are wrong for CRLF records otherwise).
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .has_headers(false)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let line_of = |e: &csv::Error| e.position().map_or(0, |p| p.line());
    let read = |csv: &mut csv::Reader<Counted<'_>>, record: &mut csv::ByteRecord| {
        since.set(0);
        csv.read_byte_record(record).map_err(|e| match e.kind() {
            csv::ErrorKind::Io(io) => io.to_string(),
            _ => format!("line {}: {e}", line_of(&e)),
        })
    };
    if !read(&mut csv, &mut record)? {
        return Err("the file is empty (a header row is needed)".into());
    }
    let header: Vec<String> = record
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect();
    let mut columns = Vec::with_capacity(selectors.len());
    for s in selectors {
        let Selector::Column(column) = s else {
            return Err("a CSV file takes `column`, not `pointer` or `metric`".into());
        };
        let index = header.iter().position(|h| h == column).ok_or_else(|| {
            let shown: Vec<String> = header.iter().take(20).map(|h| format!("`{h}`")).collect();
            format!("no column `{column}` (the header has {})", shown.join(", "))
        })?;
        columns.push(index);
    }
    while read(&mut csv, &mut record)? {
        if record.len() == 1 && record[0].trim_ascii().is_empty() {
            continue; // a blank line
        }
        let line = record.position().map_or(0, |p| p.line());
        for (tally, &index) in tallies.iter_mut().zip(&columns) {
            let cell = record.get(index).map_or(Cell::Empty, bytes_cell);
            tally.push(|| format!("line {line}"), cell);
        }
    }
    Ok(())
}

/// A reader that refuses to give one CSV record more than [`MAX_LINE`]
/// bytes (plus the parser's read-ahead): an unclosed quote would otherwise
/// make the rest of the file one field.
struct Counted<'a> {
    inner: &'a mut dyn BufRead,
    since: std::rc::Rc<std::cell::Cell<u64>>,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.since.get() > MAX_LINE + (1 << 20) {
            return Err(std::io::Error::other(format!(
                "a CSV record is longer than {} MiB (an unclosed quote?)",
                MAX_LINE >> 20
            )));
        }
        let n = self.inner.read(buf)?;
        self.since.set(self.since.get() + n as u64);
        Ok(n)
    }
}

/// NDJSON: each line a JSON value (the first line may already be read).
/// `first`: the first line if already read, its number, and the line
/// breaks skipped after it.
fn ndjson_values(
    reader: &mut dyn BufRead,
    (first, first_number, gap): (&[u8], usize, usize),
    selectors: &[Selector],
    tallies: &mut [Tally],
) -> Result<(), String> {
    let columns: Vec<Option<&str>> = selectors
        .iter()
        .map(|s| match s {
            Selector::Json {
                pointer: None,
                column,
            } => Ok(column.as_deref()),
            Selector::Json { pointer: Some(_), .. } => Err(
                "`pointer` selects within one JSON document; in NDJSON each line is an element: use `column`"
                    .to_string(),
            ),
            _ => Err("a JSON file takes `pointer` and `column`".to_string()),
        })
        .collect::<Result<_, _>>()?;
    let mut line = first.to_vec();
    let mut number = first_number;
    let mut have = !first.is_empty();
    if !have {
        have = read_line(reader, &mut line)?;
    }
    let mut skip = if first.is_empty() { 0 } else { gap };
    while have {
        if !line.trim_ascii().is_empty() {
            let value: serde_json::Value = serde_json::from_slice(&line)
                .map_err(|e| format!("line {number} is not JSON: {e}"))?;
            for (tally, column) in tallies.iter_mut().zip(&columns) {
                let cell = match column {
                    None => json_cell(Some(&value)),
                    Some(c) if c.starts_with('/') => json_cell(value.pointer(c)),
                    Some(c) => json_cell(value.get(c)),
                };
                tally.push(|| format!("line {number}"), cell);
            }
        }
        number += 1 + std::mem::take(&mut skip);
        have = read_line(reader, &mut line)?;
    }
    Ok(())
}

fn json_cell(v: Option<&serde_json::Value>) -> Cell {
    use serde_json::Value;
    match v {
        None | Some(Value::Null) => Cell::Empty,
        Some(Value::Number(n)) => n
            .as_f64()
            .map_or(Cell::Garbage(n.to_string()), Cell::Number),
        Some(Value::String(s)) => text_cell(s),
        Some(other) => Cell::Garbage(other.to_string().chars().take(40).collect()),
    }
}

/// One k6 line, as much as is needed: strings borrowed unless escaped.
#[derive(Deserialize)]
struct K6Line<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    metric: Cow<'a, str>,
    #[serde(borrow, default)]
    data: Option<K6Data<'a>>,
}

#[derive(Deserialize)]
struct K6Data<'a> {
    #[serde(default)]
    value: Option<serde_json::Value>,
    #[serde(borrow, default)]
    tags: Option<Tags<'a>>,
}

/// A string borrowed from the line unless it holds escapes (k6 writes `&`
/// in URLs as `\u0026`).
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A string, or `None` for any other JSON value.
struct MaybeText<'a>(Option<Text<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for MaybeText<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a tag value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(Some(Text(Cow::Borrowed(v)))))
            }
            fn visit_str<E>(self, v: &str) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(Some(Text(Cow::Owned(v.to_string())))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_unit<E>(self) -> Result<MaybeText<'de>, E> {
                Ok(MaybeText(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<MaybeText<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeText(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MaybeText<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(MaybeText(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A point's tags, in the order written (a dozen at most: a list beats a
/// hash map). A tag that is not a string never matches.
struct Tags<'a>(Vec<(Text<'a>, Option<Text<'a>>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Tags<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Tags<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of tags")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tags<'de>, A::Error> {
                let mut tags = Vec::new();
                while let Some(k) = map.next_key::<Text<'de>>()? {
                    let v = map.next_value::<MaybeText<'de>>()?;
                    tags.push((k, v.0));
                }
                Ok(Tags(tags))
            }
        }
        d.deserialize_map(V)
    }
}

fn k6_values(
    reader: &mut dyn BufRead,
    selectors: &[Selector],
    tallies: &mut [Tally],
) -> Result<(), String> {
    let mut wanted = Vec::with_capacity(selectors.len());
    for s in selectors {
        let Selector::K6 {
            metric,
            tags,
            count,
        } = s
        else {
            return Err("a k6 file takes `metric` and `tags`".into());
        };
        wanted.push((metric.as_str(), tags, *count));
    }
    // Only lines naming a wanted metric in quotes are parsed: a run writes
    // about ten metrics per request.
    let mut names: Vec<String> = wanted.iter().map(|(m, ..)| format!("\"{m}\"")).collect();
    names.sort();
    names.dedup();
    let finders: Vec<memchr::memmem::Finder<'_>> = names
        .iter()
        .map(|n| memchr::memmem::Finder::new(n.as_bytes()))
        .collect();
    let metric_line = memchr::memmem::Finder::new(b"\"Metric\"");
    let mut metrics: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut line = Vec::with_capacity(1024);
    let mut number = 0usize;
    let mut seen_point = false;
    while read_line(reader, &mut line)? {
        number += 1;
        if metrics.len() < 40
            && metric_line.find(&line).is_some()
            && let Ok(m) = serde_json::from_slice::<K6Line<'_>>(&line)
        {
            metrics.insert(m.metric.into_owned());
        }
        if !finders.iter().any(|f| f.find(&line).is_some()) {
            if !seen_point && !line.trim_ascii().is_empty() {
                check_k6_shape(&line, number)?;
                seen_point = true;
            }
            continue;
        }
        let parsed: K6Line<'_> = serde_json::from_slice(&line)
            .map_err(|e| format!("line {number} is not a k6 JSON line ({e})"))?;
        seen_point = true;
        if parsed.kind != "Point" {
            continue;
        }
        let Some(data) = &parsed.data else { continue };
        for (tally, (metric, tags, count)) in tallies.iter_mut().zip(&wanted) {
            if parsed.metric != *metric || !tags_match(data, tags) {
                continue;
            }
            let cell = json_cell(data.value.as_ref());
            let cell = match (count, cell) {
                (None, cell) => cell,
                (Some(Count::Every), _) => Cell::Number(1.0),
                (Some(Count::NonZero), Cell::Number(v)) if v.is_nan() => Cell::Number(v),
                (Some(Count::NonZero), Cell::Number(v)) => {
                    Cell::Number(if v != 0.0 { 1.0 } else { 0.0 })
                }
                (Some(Count::NonZero), other) => other,
            };
            tally.push(|| format!("line {number}"), cell);
        }
    }
    // A mistyped metric or tag would otherwise give nothing without a word.
    for (tally, (metric, tags, _)) in tallies.iter_mut().zip(&wanted) {
        if tally.values.is_empty() {
            let known: Vec<&str> = metrics.iter().map(String::as_str).collect();
            tally.notes.push(format!(
                "no points of `{metric}`{} (the file's metrics: {})",
                if tags.is_empty() {
                    ""
                } else {
                    " with those tags"
                },
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
    }
    Ok(())
}

/// The first line of a k6 file must look like one: a file of something
/// else would otherwise give no values without a word.
fn check_k6_shape(line: &[u8], number: usize) -> Result<(), String> {
    match serde_json::from_slice::<K6Line<'_>>(line) {
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "line {number} is not a k6 JSON line ({e}); k6 writes them with `k6 run --out json=FILE`"
        )),
    }
}

fn tags_match(data: &K6Data<'_>, wanted: &[(String, String)]) -> bool {
    if wanted.is_empty() {
        return true;
    }
    let Some(tags) = &data.tags else {
        return false;
    };
    wanted.iter().all(|(k, v)| {
        tags.0
            .iter()
            .any(|(tk, tv)| tk.0 == k.as_str() && tv.as_ref().is_some_and(|t| t.0 == v.as_str()))
    })
}

/// One JSON document, streamed: only the selected array's cells are kept.
fn json_values(
    reader: &mut dyn Read,
    selectors: &[Selector],
    tallies: &mut [Tally],
) -> Result<(), String> {
    let [selector] = selectors else {
        return Err("internal: one JSON document is read once per selection".into());
    };
    let [tally] = tallies else {
        return Err("internal: one JSON document is read once per selection".into());
    };
    let Selector::Json { pointer, column } = selector else {
        return Err("a JSON file takes `pointer` and `column`".into());
    };
    let tokens = pointer.as_deref().map(pointer_tokens).unwrap_or_default();
    let column = column.as_deref().map(|c| {
        if c.starts_with('/') {
            pointer_tokens(c)
        } else {
            vec![c.to_string()]
        }
    });
    let mut found = Found::Nothing;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let seed = Find {
        tokens: &tokens,
        column: column.as_deref(),
        tally,
        found: &mut found,
    };
    seed.deserialize(&mut de)
        .map_err(|e| format!("not JSON: {e}"))?;
    de.end().map_err(|e| format!("not JSON: {e}"))?;
    let where_ = pointer.as_deref().unwrap_or("the document");
    match found {
        Found::Array => Ok(()),
        Found::Nothing => Err(format!("nothing at `{where_}`")),
        Found::Other(kind) => Err(format!(
            "{where_} is {kind}, not an array of values{}",
            if pointer.is_none() && kind == "an object" {
                " (give `pointer`, e.g. /results/latency)"
            } else {
                ""
            }
        )),
    }
}

/// `/a/b~1c` → `["a", "b/c"]` (RFC 6901).
fn pointer_tokens(p: &str) -> Vec<String> {
    p.split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// What was at the pointer.
enum Found {
    Nothing,
    Array,
    Other(&'static str),
}

/// Walks down the pointer's tokens; at the end, reads the array's cells.
struct Find<'a> {
    tokens: &'a [String],
    column: Option<&'a [String]>,
    tally: &'a mut Tally,
    found: &'a mut Found,
}

impl<'de> DeserializeSeed<'de> for Find<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Find<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.tokens.split_first() else {
            *self.found = Found::Array;
            let mut i = 0usize;
            while seq
                .next_element_seed(CellAt {
                    tokens: self.column,
                    tally: self.tally,
                    index: i,
                })?
                .is_some()
            {
                i += 1;
            }
            return Ok(());
        };
        let wanted = first.parse::<usize>().ok();
        let mut me = Some(Find {
            tokens: rest,
            column: self.column,
            tally: self.tally,
            found: self.found,
        });
        let mut i = 0usize;
        loop {
            let more = match (Some(i) == wanted, me.take()) {
                (true, Some(seed)) => seq.next_element_seed(seed)?.is_some(),
                (_, taken) => {
                    me = taken;
                    seq.next_element::<IgnoredAny>()?.is_some()
                }
            };
            if !more {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.tokens.split_first() else {
            *self.found = Found::Other("an object");
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let mut me = Some(Find {
            tokens: rest,
            column: self.column,
            tally: self.tally,
            found: self.found,
        });
        while let Some(key) = map.next_key::<Cow<'_, str>>()? {
            match me.take() {
                Some(seed) if key == first.as_str() => map.next_value_seed(seed)?,
                taken => {
                    me = taken;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        self.leaf("a boolean")
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        self.leaf("a number")
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        self.leaf("a number")
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        self.leaf("a number")
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        self.leaf("a string")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.leaf("null")
    }
}

impl Find<'_> {
    fn leaf<E>(self, kind: &'static str) -> Result<(), E> {
        if self.tokens.is_empty() {
            *self.found = Found::Other(kind);
        }
        Ok(())
    }
}

/// One element of the selected array: its cell, or its column's.
struct CellAt<'a> {
    tokens: Option<&'a [String]>,
    tally: &'a mut Tally,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for CellAt<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let index = self.index;
        let cell = ReadCell {
            tokens: self.tokens.unwrap_or_default(),
        }
        .deserialize(d)?;
        self.tally.push(|| format!("element {index}"), cell);
        Ok(())
    }
}

/// A cell at the end of `tokens` within a value (Empty when absent).
struct ReadCell<'a> {
    tokens: &'a [String],
}

impl<'de> DeserializeSeed<'de> for ReadCell<'_> {
    type Value = Cell;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Cell, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ReadCell<'_> {
    type Value = Cell;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cell, A::Error> {
        let Some((first, rest)) = self.tokens.split_first() else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Cell::Garbage("an array".into()));
        };
        let wanted = first.parse::<usize>().ok();
        let mut cell = Cell::Empty;
        let mut i = 0usize;
        loop {
            let more = if Some(i) == wanted {
                match seq.next_element_seed(ReadCell { tokens: rest })? {
                    Some(c) => {
                        cell = c;
                        true
                    }
                    None => false,
                }
            } else {
                seq.next_element::<IgnoredAny>()?.is_some()
            };
            if !more {
                return Ok(cell);
            }
            i += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cell, A::Error> {
        let Some((first, rest)) = self.tokens.split_first() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Cell::Garbage("an object".into()));
        };
        let mut cell = Cell::Empty;
        while let Some(key) = map.next_key::<Cow<'_, str>>()? {
            if key == first.as_str() {
                cell = map.next_value_seed(ReadCell { tokens: rest })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(cell)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Cell, E> {
        Ok(self.leaf(Cell::Garbage(v.to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Cell, E> {
        Ok(self.leaf(Cell::Number(v as f64)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Cell, E> {
        Ok(self.leaf(Cell::Number(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Cell, E> {
        Ok(self.leaf(Cell::Number(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cell, E> {
        Ok(self.leaf(text_cell(v)))
    }
    fn visit_unit<E>(self) -> Result<Cell, E> {
        Ok(self.leaf(Cell::Empty))
    }
}

impl ReadCell<'_> {
    /// A scalar is the cell only at the end of the path.
    fn leaf(&self, cell: Cell) -> Cell {
        if self.tokens.is_empty() {
            cell
        } else {
            Cell::Empty
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        text: &str,
        name: &str,
        format: Format,
        selectors: &[Selector],
    ) -> Result<Vec<Values>, String> {
        let mut reader = std::io::Cursor::new(text.as_bytes().to_vec());
        let tallies = select(&mut reader, format, selectors, name)?.expect("one pass");
        Ok(tallies
            .into_iter()
            .zip(selectors)
            .map(|(t, s)| t.finish(name, &s.describe()))
            .collect())
    }

    fn csv(text: &str, column: &str) -> Result<Values, String> {
        let sel = [Selector::Column(column.into())];
        run(text, "r.csv", Format::Csv { delimiter: b',' }, &sel).map(|mut v| v.remove(0))
    }

    fn json(text: &str, pointer: Option<&str>, column: Option<&str>) -> Result<Values, String> {
        let sel = [Selector::Json {
            pointer: pointer.map(Into::into),
            column: column.map(Into::into),
        }];
        run(text, "r.json", Format::Json, &sel).map(|mut v| v.remove(0))
    }

    fn finite(v: &Values) -> Vec<f64> {
        v.values.iter().copied().filter(|x| x.is_finite()).collect()
    }

    #[test]
    fn csv_with_quotes_crlf_garbage_and_empty_cells() {
        let text =
            "\u{feff}\"name\",latency_ms\r\n\"a, \"\"b\"\"\",12.5\r\nc,oops\nd,\ne,NaN\n\nf,7\n";
        let v = csv(text, "latency_ms").unwrap();
        assert_eq!(finite(&v), vec![12.5, 7.0]);
        assert_eq!(v.values.len(), 5);
        assert_eq!(
            v.warnings,
            vec![
                "r.csv: 1 value in column `latency_ms` is not a number (first at line 3: `oops`)",
                "r.csv: 1 empty value in column `latency_ms` (first at line 4)",
            ]
        );
    }

    #[test]
    fn csv_errors_name_the_problem() {
        assert_eq!(
            csv("a,b\n1,2\n", "c").unwrap_err(),
            "no column `c` (the header has `a`, `b`)"
        );
        assert!(csv("", "c").unwrap_err().contains("empty"));
    }

    #[test]
    fn a_quoted_newline_keeps_line_numbers_right() {
        let v = csv("note,x\n\"two\nlines\",1\nz,bad\n", "x").unwrap();
        assert!(v.warnings[0].contains("line 4"), "{:?}", v.warnings);
    }

    #[test]
    fn two_columns_in_one_pass() {
        let sel = [Selector::Column("e".into()), Selector::Column("t".into())];
        let v = run(
            "e,t\n1,10\n2,20\n",
            "r.csv",
            Format::Csv { delimiter: b',' },
            &sel,
        )
        .unwrap();
        assert_eq!(
            (finite(&v[0]), finite(&v[1])),
            (vec![1.0, 2.0], vec![10.0, 20.0])
        );
    }

    #[test]
    fn json_shapes() {
        assert_eq!(
            finite(&json("[1, 2.5, \"3\"]", None, None).unwrap()),
            vec![1.0, 2.5, 3.0]
        );
        let objects = r#"[{"l": 1}, {"l": "NaN"}, {"m": 2}, {"l": true}]"#;
        let v = json(objects, None, Some("l")).unwrap();
        assert_eq!(finite(&v), vec![1.0]);
        assert_eq!(v.values.len(), 4);
        assert_eq!(v.warnings.len(), 2, "{:?}", v.warnings);
        assert!(v.warnings[0].contains("first at element 3: `true`"));
        let nested = r#"{"x": [0], "runs": {"other": {"latency": [9]}, "latency": [4, 5]}}"#;
        assert_eq!(
            finite(&json(nested, Some("/runs/latency"), None).unwrap()),
            vec![4.0, 5.0]
        );
        let deep = r#"[{"data": {"value": 9, "x": [1]}}, {"data": [1]}]"#;
        let v = json(deep, None, Some("/data/value")).unwrap();
        assert_eq!(finite(&v), vec![9.0]);
        assert_eq!(v.values.len(), 2);
        let indexed = r#"{"runs": [[1], [2, 3]]}"#;
        assert_eq!(
            finite(&json(indexed, Some("/runs/1"), None).unwrap()),
            vec![2.0, 3.0]
        );
    }

    #[test]
    fn ndjson_lines_are_elements() {
        let text = "{\"v\": 1}\n{\"v\": 2}\n\n";
        assert_eq!(
            finite(&json(text, None, Some("v")).unwrap()),
            vec![1.0, 2.0]
        );
        let one = "{\"v\": [1, 2]}\n";
        assert_eq!(
            finite(&json(one, Some("/v"), None).unwrap()),
            vec![1.0, 2.0]
        );
    }

    #[test]
    fn ndjson_of_numbers_and_leading_blank_lines_keep_line_numbers() {
        let v = json("1\n2.5\n", None, None).unwrap();
        assert_eq!(finite(&v), vec![1.0, 2.5]);
        let v = json("\n{\"v\": 1}\n\n{\"v\": \"x\"}\n", None, Some("v")).unwrap();
        assert_eq!(v.values.len(), 2);
        assert!(
            v.warnings[0].contains("first at line 4"),
            "{:?}",
            v.warnings
        );
    }

    #[test]
    fn k6_says_when_nothing_matched() {
        let text = "{\"type\":\"Metric\",\"data\":{\"name\":\"http_reqs\"},\"metric\":\"http_reqs\"}\n{\"metric\":\"http_reqs\",\"type\":\"Point\",\"data\":{\"value\":1,\"tags\":{}}}\n";
        let v = run(
            text,
            "k6.json",
            Format::K6,
            &[k6("http_req_duration", &[], None)],
        )
        .unwrap();
        assert!(v[0].values.is_empty());
        assert_eq!(
            v[0].warnings,
            vec!["k6.json: no points of `http_req_duration` (the file's metrics: http_reqs)"]
        );
    }

    #[test]
    fn json_errors_say_what_was_found() {
        assert_eq!(
            json(r#"{"a": 1}"#, None, None).unwrap_err(),
            "the document is an object, not an array of values (give `pointer`, e.g. /results/latency)"
        );
        assert_eq!(
            json(r#"{"a": 1}"#, Some("/b"), None).unwrap_err(),
            "nothing at `/b`"
        );
        assert_eq!(
            json(r#"{"a": 1}"#, Some("/a"), None).unwrap_err(),
            "/a is a number, not an array of values"
        );
        assert!(
            json("{oops", None, None)
                .unwrap_err()
                .starts_with("not JSON")
        );
        assert!(
            json("[1] [2]", None, None)
                .unwrap_err()
                .starts_with("not JSON")
        );
    }

    fn k6(metric: &str, tags: &[(&str, &str)], count: Option<Count>) -> Selector {
        Selector::K6 {
            metric: metric.into(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            count,
        }
    }

    #[test]
    fn k6_points_by_metric_and_tags() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/observability/k6_sample.ndjson"
        ))
        .unwrap();
        let sel = [
            k6("http_req_duration", &[], None),
            k6("http_req_duration", &[("status", "200")], None),
            k6("http_req_failed", &[], Some(Count::NonZero)),
            k6("http_req_failed", &[], Some(Count::Every)),
        ];
        let v = run(&text, "k6.json", Format::K6, &sel).unwrap();
        assert_eq!(v[0].values.len(), 3);
        assert_eq!(v[1].values.len(), 1);
        assert!(v[1].values.iter().all(|x| x.is_finite()));
        assert_eq!(v[2].values.iter().sum::<f64>(), 1.0);
        assert_eq!(v[3].values.iter().sum::<f64>(), 3.0);
    }

    #[test]
    fn k6_refuses_what_is_not_k6() {
        let err = run("a,b\n1,2\n", "x.json", Format::K6, &[k6("m", &[], None)]).unwrap_err();
        assert!(err.contains("line 1 is not a k6 JSON line"), "{err}");
        let escaped = "{\"metric\":\"m\",\"type\":\"Point\",\"data\":{\"value\":2,\"tags\":{\"url\":\"a\\u0026b\"}}}\n";
        let v = run(
            escaped,
            "x.json",
            Format::K6,
            &[k6("m", &[("url", "a&b")], None)],
        )
        .unwrap();
        assert_eq!(finite(&v[0]), vec![2.0]);
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(
            Format::from_path("a/b.CSV"),
            Some(Format::Csv { delimiter: b',' })
        );
        assert_eq!(Format::from_path("x.ndjson"), Some(Format::Json));
        assert_eq!(Format::from_path("x.txt"), None);
        assert_eq!(Format::from_path("noext"), None);
    }
}

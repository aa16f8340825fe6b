//! Samples from files: CSV or JSON written by a load test, a benchmark or
//! an export, one file per side. No time range applies: every value of the
//! selected column is a sample.
//!
//! Accepted shapes (the format comes from the extension, `.csv`/`.tsv`,
//! `.json`/`.ndjson`/`.jsonl`, or is given):
//!
//! - **CSV** (RFC 4180: a header row, `,`-separated, `"quoted"` fields with
//!   `""` for a quote, CRLF or LF; tab-separated for `.tsv`). `column`
//!   names a header.
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
//! - **NDJSON** (one JSON value per line, as k6 `--out json` writes): the
//!   lines are the elements of the array.
//!
//! A value is a number, or a string holding one (`"12.5"`, `"NaN"`,
//! `"Inf"`). Anything else (`oops`, `true`, an object) and empty cells or
//! `null` become NaN, so the judge counts them as removed, and each kind is
//! reported once as a warning with how many and where the first one is.
//! Relative paths resolve against the working directory.

use std::path::Path;

use serde_json::Value;

use crate::input::read::{ReadError, read_bytes};

/// Larger files are refused rather than read into memory.
const MAX_BYTES: u64 = 1 << 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv { delimiter: u8 },
    Json,
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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    /// JSON only: where the array is.
    pub pointer: Option<String>,
    /// CSV: the header; JSON: the field (or pointer) of each element.
    pub column: Option<String>,
}

impl Selector {
    fn describe(&self) -> String {
        match (&self.pointer, &self.column) {
            (Some(p), Some(c)) => format!("`{c}` of `{p}`"),
            (None, Some(c)) => format!("column `{c}`"),
            (Some(p), None) => format!("`{p}`"),
            (None, None) => "the values".into(),
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

/// The text of `path` (without a BOM), refused past [`MAX_BYTES`] or
/// past the deadline, and when it is not a regular file.
pub fn load(path: &Path, shown: &str, deadline: std::time::Instant) -> Result<String, FileError> {
    let bytes = read_bytes(path, MAX_BYTES, "data file", deadline).map_err(|e| FileError {
        path: shown.to_string(),
        message: match e {
            ReadError::NotFound => "no such file".into(),
            other => other.to_string(),
        },
    })?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())
}

/// The selected values of a file's text.
pub fn select(
    text: &str,
    shown: &str,
    format: Format,
    selector: &Selector,
) -> Result<Values, FileError> {
    let fail = |message: String| FileError {
        path: shown.to_string(),
        message,
    };
    let mut tally = Tally::default();
    match format {
        Format::Csv { delimiter } => csv_values(text, delimiter, selector, &mut tally),
        Format::Json => json_values(text, selector, &mut tally),
    }
    .map_err(fail)?;
    Ok(tally.finish(shown, &selector.describe()))
}

/// Values and the first place of each kind of unusable one.
#[derive(Default)]
struct Tally {
    values: Vec<f64>,
    garbage: Vec<(String, String)>,
    empty: Vec<String>,
}

impl Tally {
    fn push(&mut self, place: impl FnOnce() -> String, cell: Cell) {
        match cell {
            Cell::Number(v) => self.values.push(v),
            Cell::Empty => {
                self.values.push(f64::NAN);
                self.empty.push(place());
            }
            Cell::Garbage(text) => {
                self.values.push(f64::NAN);
                self.garbage.push((place(), text));
            }
        }
    }

    fn finish(self, shown: &str, what: &str) -> Values {
        let mut warnings = Vec::new();
        if let Some((place, text)) = self.garbage.first() {
            let n = self.garbage.len();
            warnings.push(format!(
                "{shown}: {n} value{} in {what} {} not a number (first at {place}: `{text}`)",
                plural(n),
                if n == 1 { "is" } else { "are" }
            ));
        }
        if let Some(place) = self.empty.first() {
            let n = self.empty.len();
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

fn json_cell(v: Option<&Value>) -> Cell {
    match v {
        None | Some(Value::Null) => Cell::Empty,
        Some(Value::Number(n)) => n
            .as_f64()
            .map_or(Cell::Garbage(n.to_string()), Cell::Number),
        Some(Value::String(s)) => text_cell(s),
        Some(other) => Cell::Garbage(other.to_string().chars().take(40).collect()),
    }
}

fn csv_values(
    text: &str,
    delimiter: u8,
    selector: &Selector,
    tally: &mut Tally,
) -> Result<(), String> {
    if selector.pointer.is_some() {
        return Err("`pointer` applies to JSON files; a CSV file takes `column`".into());
    }
    let column = selector
        .column
        .as_deref()
        .ok_or("a CSV file needs `column` (a header of the file)")?;
    let mut rows = csv_rows(text, delimiter);
    let (_, header) = rows
        .next()
        .ok_or("the file is empty (a header row is needed)")??;
    let index = header
        .iter()
        .position(|h| h.trim() == column)
        .ok_or_else(|| {
            let shown: Vec<String> = header.iter().take(20).map(|h| format!("`{h}`")).collect();
            format!("no column `{column}` (the header has {})", shown.join(", "))
        })?;
    for row in rows {
        let (line, cells) = row?;
        if cells.len() == 1 && cells[0].trim().is_empty() {
            continue; // a blank line
        }
        let cell = cells.get(index).map_or(Cell::Empty, |c| text_cell(c));
        tally.push(|| format!("line {line}"), cell);
    }
    Ok(())
}

/// RFC 4180 records with the line each starts on.
fn csv_rows(
    text: &str,
    delimiter: u8,
) -> impl Iterator<Item = Result<(usize, Vec<String>), String>> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut line = 1;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start_line = line;
        let mut cells = Vec::new();
        let mut cell = Vec::new();
        let mut quoted = false;
        loop {
            let Some(&b) = bytes.get(pos) else {
                if quoted {
                    return Some(Err(format!(
                        "line {start_line}: a quoted field is not closed"
                    )));
                }
                cells.push(String::from_utf8_lossy(&cell).into_owned());
                return Some(Ok((start_line, cells)));
            };
            pos += 1;
            if quoted {
                match b {
                    b'"' if bytes.get(pos) == Some(&b'"') => {
                        cell.push(b'"');
                        pos += 1;
                    }
                    b'"' => quoted = false,
                    b'\n' => {
                        line += 1;
                        cell.push(b);
                    }
                    _ => cell.push(b),
                }
                continue;
            }
            match b {
                b'"' if cell.is_empty() => quoted = true,
                b'\r' if bytes.get(pos) == Some(&b'\n') => {}
                b'\n' => {
                    line += 1;
                    cells.push(String::from_utf8_lossy(&cell).into_owned());
                    return Some(Ok((start_line, cells)));
                }
                _ if b == delimiter => {
                    cells.push(String::from_utf8_lossy(&std::mem::take(&mut cell)).into_owned())
                }
                _ => cell.push(b),
            }
        }
    })
}

fn json_values(text: &str, selector: &Selector, tally: &mut Tally) -> Result<(), String> {
    let doc = parse_json(text)?;
    let node = match selector.pointer.as_deref() {
        None | Some("") => &doc,
        Some(p) => doc.pointer(p).ok_or_else(|| format!("nothing at `{p}`"))?,
    };
    let where_ = selector.pointer.as_deref().unwrap_or("the document");
    let Value::Array(items) = node else {
        return Err(format!(
            "{where_} is {}, not an array of values{}",
            kind(node),
            if selector.pointer.is_none() && node.is_object() {
                " (give `pointer`, e.g. /results/latency)"
            } else {
                ""
            }
        ));
    };
    for (i, item) in items.iter().enumerate() {
        let cell = match selector.column.as_deref() {
            None => json_cell(Some(item)),
            Some(c) if c.starts_with('/') => json_cell(item.pointer(c)),
            Some(c) => json_cell(item.get(c)),
        };
        tally.push(|| format!("element {i}"), cell);
    }
    Ok(())
}

/// One JSON document, or NDJSON: one value per non-empty line.
fn parse_json(text: &str) -> Result<Value, String> {
    let whole = match serde_json::from_str::<Value>(text) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    if lines.len() < 2 {
        return Err(format!("not JSON: {whole}"));
    }
    let mut items = Vec::with_capacity(lines.len());
    for (i, l) in lines {
        let v = serde_json::from_str(l)
            .map_err(|e| format!("not JSON ({whole}) nor NDJSON (line {}: {e})", i + 1))?;
        items.push(v);
    }
    Ok(Value::Array(items))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str, column: &str) -> Result<Values, String> {
        let mut t = Tally::default();
        let sel = Selector {
            pointer: None,
            column: Some(column.into()),
        };
        csv_values(text, b',', &sel, &mut t)?;
        Ok(t.finish("r.csv", &sel.describe()))
    }

    fn json(text: &str, pointer: Option<&str>, column: Option<&str>) -> Result<Values, String> {
        let mut t = Tally::default();
        let sel = Selector {
            pointer: pointer.map(Into::into),
            column: column.map(Into::into),
        };
        json_values(text, &sel, &mut t)?;
        Ok(t.finish("r.json", &sel.describe()))
    }

    fn finite(v: &Values) -> Vec<f64> {
        v.values.iter().copied().filter(|x| x.is_finite()).collect()
    }

    #[test]
    fn csv_with_quotes_crlf_garbage_and_empty_cells() {
        let text = "\"name\",latency_ms\r\n\"a, \"\"b\"\"\",12.5\r\nc,oops\nd,\ne,NaN\n\nf,7\n";
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
        assert!(csv("a\n\"1\n", "a").unwrap_err().contains("not closed"));
    }

    #[test]
    fn a_quoted_newline_keeps_line_numbers_right() {
        let v = csv("note,x\n\"two\nlines\",1\nz,bad\n", "x").unwrap();
        assert!(v.warnings[0].contains("line 4"), "{:?}", v.warnings);
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
        let nested = r#"{"runs": {"latency": [4, 5]}}"#;
        assert_eq!(
            finite(&json(nested, Some("/runs/latency"), None).unwrap()),
            vec![4.0, 5.0]
        );
        let deep = r#"[{"data": {"value": 9}}]"#;
        assert_eq!(
            finite(&json(deep, None, Some("/data/value")).unwrap()),
            vec![9.0]
        );
    }

    #[test]
    fn ndjson_lines_are_elements() {
        let text = "{\"v\": 1}\n{\"v\": 2}\n\n";
        assert_eq!(
            finite(&json(text, None, Some("v")).unwrap()),
            vec![1.0, 2.0]
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
        assert!(
            json("{oops", None, None)
                .unwrap_err()
                .starts_with("not JSON")
        );
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

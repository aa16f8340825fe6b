//! Config errors that point at the place, like just's `——▶ justfile:3:7`:
//!
//! ```text
//! error: greenlight.yml:4:5: windows[1]: invalid window `Mon-Fri 25:00-09:00`: hour 25 is out of range (00-24)
//!   |
//! 4 |   - Mon-Fri 25:00-09:00
//!   |     ^
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

/// An error at a line and column of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The field, e.g. `windows[1]` or `locks.timeout`, when known.
    pub field: Option<String>,
    pub message: String,
    /// The offending line, for the snippet.
    pub source_line: Option<String>,
}

impl Located {
    pub fn new(
        path: &Path,
        text: &str,
        line: usize,
        column: usize,
        field: Option<String>,
        message: String,
    ) -> Self {
        let raw_line = line.checked_sub(1).and_then(|i| text.lines().nth(i));
        let field = field.or_else(|| raw_line.and_then(|l| key_before(l, column)));
        // The line is shown: never with a secret in it.
        let (source_line, column) = match raw_line {
            Some(l) => {
                let (masked, col) = mask_line(l, column);
                (Some(masked), col)
            }
            None => (None, column),
        };
        Located {
            path: path.to_path_buf(),
            line,
            column,
            field,
            message: crate::secret::redact_urls(&message),
            source_line,
        }
    }

    /// From a YAML parse error: its location and message without its own
    /// snippet (we render ours, with the file name).
    pub fn from_yaml(path: &Path, text: &str, err: &serde_saphyr::Error) -> Self {
        let raw = err.without_snippet().to_string();
        let message = strip_position(&raw).to_string();
        match err.location() {
            Some(loc) if loc.line() > 0 => Located::new(
                path,
                text,
                loc.line() as usize,
                loc.column() as usize,
                None,
                message,
            ),
            _ => Located {
                path: path.to_path_buf(),
                line: 0,
                column: 0,
                field: None,
                message,
                source_line: None,
            },
        }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self
            .field
            .as_deref()
            .map(|k| format!("{k}: "))
            .unwrap_or_default();
        if self.line == 0 {
            return write!(f, "{}: {field}{}", self.path.display(), self.message);
        }
        write!(
            f,
            "{}:{}:{}: {field}{}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(src) = &self.source_line {
            let n = self.line.to_string();
            let pad = " ".repeat(n.len());
            let caret = " ".repeat(self.column.saturating_sub(1));
            write!(f, "\n{pad} |\n{n} | {src}\n{pad} | {caret}^")?;
        }
        Ok(())
    }
}

/// `error: line 2 column 1: unknown field` → `unknown field`. Errors
/// raised inside a nested value also end with ` at line 2, column 1`.
fn strip_position(msg: &str) -> &str {
    let mut msg = msg.strip_prefix("error: ").unwrap_or(msg);
    if msg.starts_with("line ")
        && let Some((_, rest)) = msg.split_once(": ")
    {
        msg = rest;
    }
    if let Some((head, tail)) = msg.rsplit_once(" at line ") {
        let is_position = tail.split_once(", column ").is_some_and(|(l, c)| {
            [l, c]
                .iter()
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        });
        if is_position {
            return head;
        }
    }
    msg
}

/// A config line fit to show (issue #9): the values of secret-looking keys
/// (`Authorization: Bearer abc`, `password: x`, `X-Api-Key: k`) become
/// `***` unless they only name variables (`${TOKEN}`), and URLs lose
/// their password and secret query values. Returns the line and where the
/// caret at `column` (1-based) now points.
pub fn mask_line(line: &str, column: usize) -> (String, usize) {
    use std::sync::OnceLock;
    static PAIR: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let Some(pair) = PAIR
        .get_or_init(|| {
            regex::Regex::new(
                r#"(?:^|[{,\s-])["']?([A-Za-z0-9_.-]+)["']?\s*:\s+((?:\$\{[^}]*\}|[^,{}#])+)"#,
            )
            .ok()
        })
        .as_ref()
    else {
        return (line.to_string(), column);
    };
    let mut out = String::new();
    let mut last = 0;
    let mut col = column;
    for caps in pair.captures_iter(line) {
        let (Some(key), Some(value)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        let k = key.as_str();
        let v = value.as_str().trim_end();
        let names_a_variable = k.to_ascii_lowercase().ends_with("_env");
        // `Bearer ${API_TOKEN}`: the secret is in the environment, not here.
        let only_references = v.contains("${");
        let secret = (crate::secret::is_secret_header(k) || crate::secret::is_sensitive_name(k))
            && !names_a_variable
            && !only_references;
        if !secret || v.is_empty() {
            continue;
        }
        let start = value.start();
        let end = start + v.len();
        out.push_str(&line[last..start]);
        out.push_str(crate::secret::MASK);
        if column > end {
            col = col + crate::secret::MASK.len() - (end - start).min(col);
        }
        last = end;
    }
    out.push_str(&line[last..]);
    (crate::secret::redact_urls(&out), col)
}

/// The YAML key on `line` just before `column` (1-based): for
/// `  timeout: 5x` and the column of `5x`, `timeout`.
fn key_before(line: &str, column: usize) -> Option<String> {
    let before: String = line.chars().take(column.saturating_sub(1)).collect();
    let before = before.trim_end().strip_suffix(':')?;
    let key = before
        .rsplit(['{', ','])
        .next()?
        .trim()
        .trim_start_matches("- ")
        .trim_matches(|c| c == '"' || c == '\'');
    (!key.is_empty()).then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_column_field_and_caret() {
        let text = "windows:\n  - Mon-Fri 09:00\n";
        let e = Located::new(
            Path::new("g.yml"),
            text,
            2,
            5,
            Some("windows[0]".into()),
            "bad".into(),
        );
        assert_eq!(
            e.to_string(),
            "g.yml:2:5: windows[0]: bad\n  |\n2 |   - Mon-Fri 09:00\n  |     ^"
        );
    }

    #[test]
    fn secret_values_are_masked_in_the_shown_line() {
        let (l, c) = mask_line("    headers: { X-Api-Key: k3y-123, Accept: json }", 44);
        assert_eq!(l, "    headers: { X-Api-Key: ***, Accept: json }");
        assert_eq!(&l[c - 1..c + 5], "json }");
        let (l, _) = mask_line("  Authorization: Bearer s3cr3t", 1);
        assert_eq!(l, "  Authorization: ***");
        let (l, _) = mask_line(
            "  - { type: http, url: \"https://u:pw@h/x?token=t0k\", token_env: LOCK }",
            1,
        );
        assert_eq!(
            l,
            "  - { type: http, url: \"https://u:***@h/x?token=***\", token_env: LOCK }"
        );
        let (l, _) = mask_line("  Authorization: Bearer ${API_TOKEN}", 1);
        assert_eq!(l, "  Authorization: Bearer ${API_TOKEN}");
        let (l, _) = mask_line("  timezone: UTC", 1);
        assert_eq!(l, "  timezone: UTC");
    }

    #[test]
    fn finds_the_key_before_a_value() {
        assert_eq!(key_before("  timeout: 5x", 12).as_deref(), Some("timeout"));
        assert_eq!(
            key_before("  - {when: a, timezone: Mars}", 25).as_deref(),
            Some("timezone")
        );
        assert_eq!(key_before("  - Mon-Fri", 5), None);
    }

    #[test]
    fn strips_the_parsers_own_position() {
        assert_eq!(
            strip_position("line 2 column 1: unknown field `x`"),
            "unknown field `x`"
        );
        assert_eq!(strip_position("error: line 2 column 1: oops"), "oops");
        assert_eq!(strip_position("plain"), "plain");
        assert_eq!(
            strip_position("timeout: invalid duration `5x` at line 2, column 12"),
            "timeout: invalid duration `5x`"
        );
        assert_eq!(
            strip_position("a value at line 2, column x"),
            "a value at line 2, column x"
        );
    }
}

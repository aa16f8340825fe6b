//! Short, single-line excerpts of what a server sent, for the "actual" side
//! of an assert: at most [`MAX_CHARS`] characters, control characters
//! escaped, `…` where something was cut. Secrets are masked later by the
//! check's [`Redactor`](super::redact::Redactor), over the whole result.
//!
//! ```text
//! {"status":"degraded","db":"down","since":"2026-05-04T…  (2048 bytes)
//! ```

use serde_json::Value;

pub const MAX_CHARS: usize = 120;

/// A string value, cut to [`MAX_CHARS`].
pub fn text(s: &str) -> String {
    cut(s, 0, MAX_CHARS)
}

/// A JSON value, compact, cut to [`MAX_CHARS`].
pub fn json(v: &Value) -> String {
    text(&v.to_string())
}

/// The start of a body, with its size when it was cut.
pub fn body_start(body: &str, total_bytes: usize) -> String {
    if body.is_empty() {
        return "(empty body)".to_string();
    }
    let shown = cut(body, 0, MAX_CHARS);
    if shown.ends_with('…') {
        format!("{shown}  ({total_bytes} bytes)")
    } else {
        shown
    }
}

/// The part of a body around a byte range (a match), with context before it.
pub fn around(body: &str, range: std::ops::Range<usize>) -> String {
    let context = MAX_CHARS.saturating_sub(range.len().min(MAX_CHARS)) / 2;
    let before = body.get(..range.start).unwrap_or("");
    let from = before
        .char_indices()
        .rev()
        .take(context)
        .last()
        .map_or(before.len(), |(i, _)| i);
    let prefix = if from > 0 { "…" } else { "" };
    format!("{prefix}{}", cut(body, from, MAX_CHARS))
}

/// Up to `max` characters of `s` from byte `from` (a char boundary), one line.
fn cut(s: &str, from: usize, max: usize) -> String {
    let tail = s.get(from..).unwrap_or("");
    let mut out = String::new();
    for (count, c) in tail.chars().enumerate() {
        if count == max {
            out.push('…');
            return out;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_escaped() {
        assert_eq!(text("a\nb\tc"), "a\\nb\\tc");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        let long = "x".repeat(500);
        let out = body_start(&long, 500);
        assert!(out.starts_with(&"x".repeat(MAX_CHARS)));
        assert!(out.ends_with("…  (500 bytes)"), "{out}");
    }

    #[test]
    fn around_shows_the_match_in_context() {
        let body = format!("{}NEEDLE{}", "a".repeat(300), "b".repeat(300));
        let out = around(&body, 300..306);
        assert!(out.starts_with('…') && out.contains("aNEEDLEb"), "{out}");
        assert_eq!(around("short NEEDLE", 6..12), "short NEEDLE");
    }

    #[test]
    fn empty_body_says_so() {
        assert_eq!(body_start("", 0), "(empty body)");
    }
}

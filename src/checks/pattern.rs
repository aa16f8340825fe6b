//! A regular expression from a check definition, compiled when the config is
//! read so that an invalid one fails at load time, not mid-deploy.
//!
//! Syntax: the `regex` crate's (RE2-like: no look-around, no back-references;
//! matching time is linear in the body size). Matching is a search, not an
//! anchored match: `version \d+` matches anywhere; use `^…$` to anchor.
//! See <https://docs.rs/regex/latest/regex/#syntax>.

use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use super::scope;

/// Compiled-size limit: generous for real patterns, refuses pathological ones.
const SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct Pattern(Regex);

impl Pattern {
    pub fn new(text: &str) -> Result<Pattern, String> {
        RegexBuilder::new(text)
            .size_limit(SIZE_LIMIT)
            .build()
            .map(Pattern)
            .map_err(|e| format!("invalid regex `{text}`: {}", first_line(&e.to_string())))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }

    /// Where the first match is, for an excerpt around it.
    pub fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        self.0.find(text).map(|m| m.range())
    }
}

/// regex's errors draw the pattern over several lines; the last line says
/// what is wrong, which is all a one-line message needs.
fn first_line(error: &str) -> String {
    let lines: Vec<&str> = error
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines
        .last()
        .map(|l| l.trim_start_matches("error: ").to_string())
        .unwrap_or_default()
}

impl TryFrom<String> for Pattern {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Pattern::new(&text).map_err(scope::message)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_and_searches() {
        let p = Pattern::new(r"version \d+").unwrap();
        assert!(p.is_match("app version 12 ok"));
        assert_eq!(p.find("x version 3"), Some(2..11));
    }

    #[test]
    fn invalid_regex_says_what_is_wrong_on_one_line() {
        let err = Pattern::new("(").unwrap_err();
        assert_eq!(err, "invalid regex `(`: unclosed group");
    }
}

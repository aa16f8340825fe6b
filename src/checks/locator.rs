//! Where a JSON assert looks in the response body: a JSON Pointer
//! ([RFC 6901](https://www.rfc-editor.org/rfc/rfc6901): `/items/0/price`)
//! or a JSONPath subset ([RFC 9535](https://www.rfc-editor.org/rfc/rfc9535):
//! `$.items[0].price`).
//!
//! The JSONPath subset is the singular part: `$`, `.name`, `['name']`,
//! `["name"]`, `[N]`, and `[-N]` (from the end). Wildcards, slices, filters
//! and `..` are refused at load time: an assert compares one value, and a
//! path that may select several would make `==` ambiguous.
//!
//! ```text
//! /status            $.status
//! /items/0/price     $.items[0].price
//! /a~1b              $['a/b']
//! ```

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locator {
    raw: String,
    /// Empty for a JSON Pointer, which serde_json resolves itself.
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(i64),
}

impl Locator {
    pub fn parse(raw: &str) -> Result<Locator, String> {
        let steps = if raw.starts_with('/') {
            check_pointer(raw)?;
            Vec::new()
        } else if let Some(path) = raw.strip_prefix('$') {
            json_path(raw, path)?
        } else {
            return Err(format!(
                "invalid JSON location `{raw}`: start with `/` (JSON Pointer, e.g. /items/0) \
                 or `$` (JSONPath, e.g. $.items[0])"
            ));
        };
        Ok(Locator {
            raw: raw.to_string(),
            steps,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The value at this location, if there is one.
    pub fn find<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        if self.raw.starts_with('/') {
            return root.pointer(&self.raw);
        }
        self.steps
            .iter()
            .try_fold(root, |value, step| match (step, value) {
                (Step::Key(k), Value::Object(map)) => map.get(k),
                (Step::Index(i), Value::Array(items)) => {
                    let i = if *i < 0 { items.len() as i64 + i } else { *i };
                    usize::try_from(i).ok().and_then(|i| items.get(i))
                }
                _ => None,
            })
    }
}

/// RFC 6901: `~` must be followed by 0 or 1 (serde_json would take it as text).
fn check_pointer(raw: &str) -> Result<(), String> {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Err(format!(
                "invalid JSON Pointer `{raw}`: `~` must be followed by 0 or 1 \
                 (`~0` is `~`, `~1` is `/`)"
            ));
        }
    }
    Ok(())
}

fn json_path(raw: &str, mut rest: &str) -> Result<Vec<Step>, String> {
    let bad = |why: &str| {
        format!(
            "invalid JSONPath `{raw}`: {why} (supported: $.a.b, $.a[0], $.a[-1], $['a b']; \
             or a JSON Pointer /a/0)"
        )
    };
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if rest.starts_with("..") {
            return Err(bad("`..` (descendants) may select several values"));
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let name = &after[..end];
            if name.is_empty() {
                return Err(bad("empty name after `.`"));
            }
            if name == "*" {
                return Err(bad("`*` may select several values"));
            }
            steps.push(Step::Key(name.to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = closing_bracket(after).ok_or_else(|| bad("unclosed `[`"))?;
            let inner = after[..end].trim();
            steps.push(bracket(inner).ok_or_else(|| {
                bad(&format!(
                    "`[{inner}]` is not a quoted name or an integer index"
                ))
            })?);
            rest = &after[end + 1..];
        } else {
            return Err(bad(&format!(
                "unexpected `{}`",
                rest.chars().next().unwrap_or(' ')
            )));
        }
    }
    Ok(steps)
}

/// The `]` closing a bracket, skipping any inside a quoted name.
fn closing_bracket(s: &str) -> Option<usize> {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, ']') => return Some(i),
            _ => {}
        }
        escaped = false;
    }
    None
}

fn bracket(inner: &str) -> Option<Step> {
    for q in ['\'', '"'] {
        if let Some(name) = inner.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            let unescaped = name
                .replace(&format!("\\{q}"), &q.to_string())
                .replace("\\\\", "\\");
            return Some(Step::Key(unescaped));
        }
    }
    inner.parse::<i64>().ok().map(Step::Index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"items": [{"price": 3}, {"price": 5}], "a/b": 1, "m~n": 2, "a b": {"c": true}})
    }

    #[test]
    fn pointer_and_path_find_the_same_values() {
        let d = doc();
        for (loc, want) in [
            ("/items/0/price", json!(3)),
            ("$.items[0].price", json!(3)),
            ("$.items[-1].price", json!(5)),
            ("$['items'][1]['price']", json!(5)),
            ("/a~1b", json!(1)),
            ("/m~0n", json!(2)),
            ("$[\"a b\"].c", json!(true)),
            ("$", d.clone()),
        ] {
            assert_eq!(Locator::parse(loc).unwrap().find(&d), Some(&want), "{loc}");
        }
    }

    #[test]
    fn missing_values_are_none() {
        let d = doc();
        for loc in [
            "/items/2",
            "/items/01",
            "$.items[5]",
            "$.nope",
            "/items/0/price/x",
        ] {
            assert_eq!(Locator::parse(loc).unwrap().find(&d), None, "{loc}");
        }
    }

    #[test]
    fn invalid_locations_say_why() {
        let cases = [
            ("items.0", "start with `/`"),
            ("/a~2", "`~` must be followed by 0 or 1"),
            ("$..price", "`..` (descendants)"),
            ("$.items[*]", "`[*]` is not a quoted name"),
            ("$.items.*", "`*` may select several"),
            ("$.items[0", "unclosed `[`"),
            ("$.", "empty name"),
            ("$x", "unexpected `x`"),
        ];
        for (loc, why) in cases {
            let err = Locator::parse(loc).unwrap_err();
            assert!(err.contains(why), "{loc}: {err}");
        }
    }
}

//! Predicates: the right-hand side of header and JSON asserts, one short
//! string each.
//!
//! | form | passes when the value… |
//! |---|---|
//! | `exists` / `not exists` | is present / is absent |
//! | `== V` / `!= V` | equals / differs from V |
//! | `< N`, `<= N`, `> N`, `>= N` | is a number in that relation to N |
//! | `contains V` / `not contains V` | string has substring V; array has element V; object has key V |
//! | `matches RE` / `not matches RE` | string (or number, boolean) is matched by the regex |
//! | `is T` / `is not T` | has JSON type T: string, number, integer, boolean, array, object, null |
//!
//! V is read as JSON when it parses as JSON (`3`, `true`, `null`, `"3"`,
//! `[1,2]`), otherwise as a bare string (`== ok`). So `== 3` is the number
//! and `== "3"` the string; JSON values never change type to match.
//! Header values are text: there V is compared as text and `< N` parses the
//! header as a number.
//!
//! Every predicate but `not exists` fails on a missing value. YAML reads an
//! unquoted leading `>`, `!`, `&`, `*` or `|` itself, so quote those:
//! `"> 0"`, `"!= 3"` (a bare `!= 3` reaches us as `3`, which is refused).
//!
//! Hurl's predicates and Gatus's conditions were the model; we keep the
//! subset that judges one value, in words that read well in YAML.

use serde::Deserialize;
use serde_json::Value;

use super::excerpt;
use super::pattern::Pattern;
use super::scope;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct Predicate {
    raw: String,
    op: Op,
}

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Exists(bool),
    Eq(Operand),
    Ne(Operand),
    Cmp(Cmp, f64),
    Contains(Operand, bool),
    Matches(Pattern, bool),
    Is(JsonType, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// A literal: its JSON reading for JSON values, its text for header values.
#[derive(Debug, Clone, PartialEq)]
struct Operand {
    json: Value,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

/// What a predicate is applied to.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Json(Option<&'a Value>),
    Text(Option<&'a str>),
}

const FORMS: &str = "==, !=, <, <=, >, >=, contains, not contains, matches, not matches, \
                     exists, not exists, is TYPE, is not TYPE";

impl Predicate {
    pub fn parse(text: &str) -> Result<Predicate, String> {
        let raw = text.trim();
        let op = parse_op(raw)?;
        Ok(Predicate {
            raw: raw.to_string(),
            op,
        })
    }

    /// The predicate as written, e.g. `>= 3`.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// True when the subject satisfies the predicate.
    pub fn test(&self, subject: Subject<'_>) -> bool {
        match subject {
            Subject::Json(value) => self.test_json(value),
            Subject::Text(text) => self.test_text(text),
        }
    }

    fn test_json(&self, value: Option<&Value>) -> bool {
        let Some(v) = value else {
            return self.op == Op::Exists(false);
        };
        match &self.op {
            Op::Exists(want) => *want,
            Op::Eq(o) => json_eq(v, &o.json),
            Op::Ne(o) => !json_eq(v, &o.json),
            Op::Cmp(cmp, n) => v.as_f64().is_some_and(|x| compare(*cmp, x, *n)),
            Op::Contains(o, want) => {
                let has = match v {
                    Value::String(s) => s.contains(&o.text),
                    Value::Array(items) => items.iter().any(|i| json_eq(i, &o.json)),
                    Value::Object(map) => map.contains_key(&o.text),
                    _ => return false,
                };
                has == *want
            }
            Op::Matches(p, want) => match v {
                Value::String(s) => p.is_match(s) == *want,
                Value::Number(_) | Value::Bool(_) => p.is_match(&v.to_string()) == *want,
                _ => false,
            },
            Op::Is(t, want) => t.holds(v) == *want,
        }
    }

    fn test_text(&self, text: Option<&str>) -> bool {
        let Some(s) = text else {
            return self.op == Op::Exists(false);
        };
        match &self.op {
            Op::Exists(want) => *want,
            Op::Eq(o) => s == o.text,
            Op::Ne(o) => s != o.text,
            Op::Cmp(cmp, n) => s.trim().parse::<f64>().is_ok_and(|x| compare(*cmp, x, *n)),
            Op::Contains(o, want) => s.contains(&o.text) == *want,
            Op::Matches(p, want) => p.is_match(s) == *want,
            Op::Is(t, want) => (*t == JsonType::String) == *want,
        }
    }
}

/// How a subject is shown as the "actual" of an assert.
pub fn show(subject: Subject<'_>) -> String {
    match subject {
        Subject::Json(None) | Subject::Text(None) => "(missing)".to_string(),
        Subject::Json(Some(v)) => excerpt::json(v),
        Subject::Text(Some(s)) => excerpt::text(s),
    }
}

fn parse_op(raw: &str) -> Result<Op, String> {
    match raw {
        "exists" => return Ok(Op::Exists(true)),
        "not exists" => return Ok(Op::Exists(false)),
        _ => {}
    }
    for (sym, cmp) in [
        ("<=", Cmp::Le),
        (">=", Cmp::Ge),
        ("<", Cmp::Lt),
        (">", Cmp::Gt),
    ] {
        if let Some(rest) = raw.strip_prefix(sym) {
            let value = operand(sym, rest)?;
            let n = value.json.as_f64().ok_or_else(|| {
                format!("`{sym}` needs a number, got `{}` in `{raw}`", rest.trim())
            })?;
            return Ok(Op::Cmp(cmp, n));
        }
    }
    if let Some(rest) = raw.strip_prefix("==") {
        return Ok(Op::Eq(operand("==", rest)?));
    }
    if let Some(rest) = raw.strip_prefix("!=") {
        return Ok(Op::Ne(operand("!=", rest)?));
    }
    let (negated, body) = match raw.strip_prefix("not ") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, raw),
    };
    if let Some(rest) = word(body, "contains") {
        return Ok(Op::Contains(operand("contains", rest)?, !negated));
    }
    if let Some(rest) = word(body, "matches") {
        let pattern = Pattern::new(rest.trim())?;
        return Ok(Op::Matches(pattern, !negated));
    }
    if let Some(rest) = word(raw, "is") {
        let (negated, name) = match word(rest.trim_start(), "not") {
            Some(name) => (true, name.trim()),
            None => (false, rest.trim()),
        };
        let t = JsonType::parse(name).ok_or_else(|| {
            format!(
                "unknown type `{name}` in `{raw}` \
                 (expected string, number, integer, boolean, array, object or null)"
            )
        })?;
        return Ok(Op::Is(t, !negated));
    }
    Err(unknown(raw))
}

fn unknown(raw: &str) -> String {
    let hint = if raw.is_empty() || serde_json::from_str::<Value>(raw).is_ok() {
        format!(
            "; to compare, write `== {raw}`. YAML reads an unquoted leading `!` or `>` itself: \
             quote such predicates, e.g. \"!= {raw}\""
        )
    } else {
        String::new()
    };
    format!("unknown predicate `{raw}` (expected {FORMS}{hint})")
}

/// The rest after a keyword followed by a space (or nothing).
fn word<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(keyword)?;
    (rest.is_empty() || rest.starts_with(' ')).then_some(rest)
}

fn operand(op: &str, rest: &str) -> Result<Operand, String> {
    let text = rest.trim();
    if text.is_empty() {
        return Err(format!("`{op}` needs a value, e.g. `{op} 3` or `{op} ok`"));
    }
    let json = serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.into()));
    let text = match &json {
        Value::String(s) => s.clone(),
        _ => text.to_string(),
    };
    Ok(Operand { json, text })
}

fn compare(cmp: Cmp, x: f64, n: f64) -> bool {
    match cmp {
        Cmp::Lt => x < n,
        Cmp::Le => x <= n,
        Cmp::Gt => x > n,
        Cmp::Ge => x >= n,
    }
}

/// JSON equality where numbers compare by value (`1 == 1.0`), recursively.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

impl JsonType {
    fn parse(name: &str) -> Option<JsonType> {
        Some(match name {
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" | "bool" => JsonType::Boolean,
            "array" | "list" => JsonType::Array,
            "object" => JsonType::Object,
            "null" => JsonType::Null,
            _ => return None,
        })
    }

    fn holds(self, v: &Value) -> bool {
        match self {
            JsonType::String => v.is_string(),
            JsonType::Number => v.is_number(),
            JsonType::Integer => v.is_i64() || v.is_u64(),
            JsonType::Boolean => v.is_boolean(),
            JsonType::Array => v.is_array(),
            JsonType::Object => v.is_object(),
            JsonType::Null => v.is_null(),
        }
    }
}

impl TryFrom<String> for Predicate {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Predicate::parse(&text).map_err(scope::message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_test(p: &str, v: Value) -> bool {
        Predicate::parse(p).unwrap().test(Subject::Json(Some(&v)))
    }

    #[test]
    fn equality_reads_operands_as_json_first() {
        assert!(json_test("== ok", json!("ok")));
        assert!(json_test("== \"ok\"", json!("ok")));
        assert!(json_test("== 3", json!(3.0)));
        assert!(!json_test("== 3", json!("3")));
        assert!(json_test("== \"3\"", json!("3")));
        assert!(json_test("== true", json!(true)));
        assert!(json_test("== null", json!(null)));
        assert!(json_test("== [1, 2]", json!([1, 2])));
        assert!(json_test("!= degraded", json!("ok")));
    }

    #[test]
    fn comparisons_need_numbers() {
        assert!(json_test("> 0", json!(0.5)));
        assert!(json_test("<= 3", json!(3)));
        assert!(!json_test("< 3", json!("2")));
        assert!(json_test(">=-1", json!(-1)));
    }

    #[test]
    fn contains_works_on_strings_arrays_and_objects() {
        assert!(json_test("contains shop", json!("the shop")));
        assert!(json_test("contains 2", json!([1, 2])));
        assert!(json_test("contains id", json!({"id": 1})));
        assert!(json_test("not contains x", json!("abc")));
        assert!(!json_test("contains 2", json!(2)));
    }

    #[test]
    fn matches_and_types() {
        assert!(json_test("matches ^v\\d+$", json!("v12")));
        assert!(json_test("matches ^12", json!(123)));
        assert!(json_test("not matches ^x", json!("abc")));
        assert!(json_test("is integer", json!(3)));
        assert!(!json_test("is integer", json!(3.5)));
        assert!(json_test("is not null", json!([])));
        assert!(json_test("is array", json!([])));
    }

    #[test]
    fn missing_values_pass_only_not_exists() {
        for p in [
            "exists",
            "== 1",
            "!= 1",
            "< 1",
            "contains a",
            "not contains a",
            "is null",
        ] {
            assert!(
                !Predicate::parse(p).unwrap().test(Subject::Json(None)),
                "{p}"
            );
        }
        assert!(
            Predicate::parse("not exists")
                .unwrap()
                .test(Subject::Json(None))
        );
        assert!(
            Predicate::parse("not exists")
                .unwrap()
                .test(Subject::Text(None))
        );
    }

    #[test]
    fn header_values_are_text() {
        let t = |p: &str, v: &str| Predicate::parse(p).unwrap().test(Subject::Text(Some(v)));
        assert!(t("== 5", "5"));
        assert!(t("== application/json", "application/json"));
        assert!(t("contains json", "application/json; charset=utf-8"));
        assert!(t("< 1000", "512"));
        assert!(!t("< 1000", "lots"));
        assert!(t("matches ^max-age=\\d+", "max-age=60"));
    }

    #[test]
    fn bad_predicates_say_what_is_accepted() {
        let err = Predicate::parse("eq 3").unwrap_err();
        assert!(
            err.starts_with("unknown predicate `eq 3` (expected ==, !="),
            "{err}"
        );
        let err = Predicate::parse("3").unwrap_err();
        assert!(
            err.contains("write `== 3`") && err.contains("\"!= 3\""),
            "{err}"
        );
        assert_eq!(
            Predicate::parse("< abc").unwrap_err(),
            "`<` needs a number, got `abc` in `< abc`"
        );
        assert!(
            Predicate::parse("==")
                .unwrap_err()
                .contains("`==` needs a value")
        );
        assert!(
            Predicate::parse("matches (")
                .unwrap_err()
                .contains("invalid regex `(`")
        );
        assert!(
            Predicate::parse("is text")
                .unwrap_err()
                .contains("unknown type `text`")
        );
        assert!(
            Predicate::parse("containsx")
                .unwrap_err()
                .contains("unknown predicate")
        );
    }
}

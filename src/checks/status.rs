//! The expected HTTP status: one code, a class, or a list of either.
//!
//! ```yaml
//! status: 200
//! status: 2xx
//! status: [200, 204, 3xx]
//! ```
//!
//! On the command line (`--expect-status`) the same forms are written
//! `200`, `2xx` or `200,204`. Codes are 100–599 (RFC 9110 §15).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::scope;

const FIELD: &str = "expect.status";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSet(Vec<Rule>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Code(u16),
    /// `2xx`: the hundreds digit.
    Class(u16),
}

impl StatusSet {
    /// Any 2xx: what a check expects when it says nothing about status.
    pub fn success() -> StatusSet {
        StatusSet(vec![Rule::Class(2)])
    }

    /// `200`, `2xx`, or several separated by commas.
    pub fn parse(text: &str) -> Result<StatusSet, String> {
        let rules = text
            .split(',')
            .map(|one| rule(one.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(StatusSet(rules))
    }

    pub fn contains(&self, code: u16) -> bool {
        self.0.iter().any(|r| match r {
            Rule::Code(c) => *c == code,
            Rule::Class(c) => code / 100 == *c,
        })
    }
}

fn rule(text: &str) -> Result<Rule, String> {
    let bad = || {
        format!("invalid status `{text}` (expected a code 100-599 like 200, or a class like 2xx)")
    };
    let lower = text.to_ascii_lowercase();
    if let Some(digit) = lower.strip_suffix("xx") {
        let class: u16 = digit.parse().map_err(|_| bad())?;
        return (1..=5)
            .contains(&class)
            .then_some(Rule::Class(class))
            .ok_or_else(bad);
    }
    code(text.parse::<u64>().map_err(|_| bad())?).map_err(|_| bad())
}

fn code(n: u64) -> Result<Rule, String> {
    u16::try_from(n)
        .ok()
        .filter(|c| (100..=599).contains(c))
        .map(Rule::Code)
        .ok_or_else(|| {
            format!("invalid status `{n}` (expected a code 100-599 like 200, or a class like 2xx)")
        })
}

impl fmt::Display for StatusSet {
    /// `200`, `2xx`, `200, 204 or 3xx`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items: Vec<String> = self
            .0
            .iter()
            .map(|r| match r {
                Rule::Code(c) => c.to_string(),
                Rule::Class(c) => format!("{c}xx"),
            })
            .collect();
        match items.split_last() {
            Some((last, rest)) if !rest.is_empty() => write!(f, "{} or {last}", rest.join(", ")),
            _ => f.write_str(&items.join("")),
        }
    }
}

impl<'de> Deserialize<'de> for StatusSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StatusVisitor)
    }
}

struct StatusVisitor;

impl<'de> Visitor<'de> for StatusVisitor {
    type Value = StatusSet;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a status code (200), a class (2xx) or a list of them")
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<StatusSet, E> {
        code(n)
            .map(|r| StatusSet(vec![r]))
            .map_err(|m| E::custom(scope::message_at(FIELD, m)))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<StatusSet, E> {
        self.visit_u64(u64::try_from(n).unwrap_or(0))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<StatusSet, E> {
        StatusSet::parse(s).map_err(|m| E::custom(scope::message_at(FIELD, m)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StatusSet, A::Error> {
        let mut rules = Vec::new();
        while let Some(one) = seq.next_element::<StatusSet>()? {
            rules.extend(one.0);
        }
        if rules.is_empty() {
            return Err(de::Error::custom(scope::message_at(
                FIELD,
                "empty list of statuses",
            )));
        }
        Ok(StatusSet(rules))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Result<StatusSet, String> {
        serde_saphyr::from_str::<StatusSet>(text).map_err(|e| e.to_string())
    }

    #[test]
    fn codes_classes_and_lists() {
        assert!(yaml("200").unwrap().contains(200));
        assert!(yaml("2xx").unwrap().contains(204));
        assert!(!yaml("2xx").unwrap().contains(301));
        let set = yaml("[200, 3XX]").unwrap();
        assert!(set.contains(302) && set.contains(200) && !set.contains(204));
        assert_eq!(set.to_string(), "200 or 3xx");
        assert_eq!(
            StatusSet::parse("200, 204,5xx").unwrap().to_string(),
            "200, 204 or 5xx"
        );
    }

    #[test]
    fn bad_statuses_name_the_field() {
        for bad in ["99", "600", "abc", "6xx", "[]", "-1"] {
            let err = yaml(bad).unwrap_err();
            assert!(err.contains("expect.status: "), "{bad}: {err}");
        }
    }
}

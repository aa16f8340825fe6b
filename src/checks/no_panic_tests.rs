//! "No panic on any input": every parser of check definitions, and the
//! helpers that show server output, take arbitrary text without panicking.

use proptest::prelude::*;

use super::CheckSpec;
use super::excerpt;
use super::locator::Locator;
use super::predicate::{Predicate, Subject};
use super::redact;
use super::resolver::ConnectTo;
use super::status::StatusSet;
use crate::input::EnvTemplate as Template;

proptest! {
    #[test]
    fn parsers_never_panic(text in "\\PC*") {
        let _ = Locator::parse(&text).map(|l| l.find(&serde_json::json!({"a": [1]})).is_some());
        if let Ok(p) = Predicate::parse(&text) {
            p.test(Subject::Json(Some(&serde_json::json!("x"))));
            p.test(Subject::Text(Some(&text)));
        }
        let _ = Template::parse(&text);
        let _ = StatusSet::parse(&text);
        let _ = ConnectTo::parse(&text);
        let _ = redact::url(&text);
        let _ = serde_saphyr::from_str::<CheckSpec>(&text);
    }

    #[test]
    fn structured_prefixes_never_panic(
        prefix in prop::sample::select(vec!["/", "$", "$.", "$[", "== ", "< ", "matches ", "${", "https://"]),
        rest in "[\\[\\]'\"~.$0-9a-z:{}@/?#=&\\\\-]{0,12}",
    ) {
        let text = format!("{prefix}{rest}");
        let _ = Locator::parse(&text).map(|l| l.find(&serde_json::json!({"a": [1, {"b": 2}]})).is_some());
        let _ = Predicate::parse(&text);
        let _ = Template::parse(&text);
        let _ = redact::url(&text);
    }

    #[test]
    fn excerpts_never_panic(body in "\\PC{0,300}", start in 0usize..400, len in 0usize..50) {
        let _ = excerpt::around(&body, start..start + len);
        let _ = excerpt::body_start(&body, body.len());
    }
}

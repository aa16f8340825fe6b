//! Where we are while deserializing a check, so that a leaf value that fails
//! validation can say which check and which field it belongs to.
//!
//! serde gives a leaf (a regex, a predicate, a duration) no idea of its
//! parents, and serde-saphyr only attaches the line and column. We keep the
//! check's name and a stack of field labels in a thread-local, set by
//! `CheckSpec`'s `Deserialize` and by the map visitors of `headers`/`json`,
//! and leaf errors read it:
//!
//! ```text
//! check `home`: expect.json `$.items[0]`: unknown predicate `eq 3` (...)
//! ```
//!
//! Limit: the name is known only once the `name` key has been read; a check
//! that puts a bad field before its name is described by its URL, or as
//! "a check". Deserialization runs on one thread, in document order, so a
//! thread-local is exact (no `flatten`/`untagged` buffering is used around
//! validated leaves).

use std::cell::RefCell;
use std::fmt::Display;

#[derive(Default)]
struct Scope {
    /// Set while a check is being read: its name and URL once seen.
    check: Option<CheckId>,
    fields: Vec<String>,
}

#[derive(Default)]
struct CheckId {
    name: Option<String>,
    url: Option<String>,
}

thread_local! {
    static SCOPE: RefCell<Scope> = RefCell::new(Scope::default());
}

/// Runs `f` as the deserialization of one check; restores the outer scope
/// afterwards (checks do not nest, but tests may deserialize anything).
pub(crate) fn within_check<T>(f: impl FnOnce() -> T) -> T {
    let fresh = Scope {
        check: Some(CheckId::default()),
        fields: Vec::new(),
    };
    let outer = SCOPE.with(|s| s.replace(fresh));
    let out = f();
    SCOPE.with(|s| *s.borrow_mut() = outer);
    out
}

pub(crate) fn set_name(name: &str) {
    SCOPE.with(|s| {
        if let Some(check) = s.borrow_mut().check.as_mut() {
            check.name = Some(name.to_string());
        }
    });
}

pub(crate) fn set_url(url: &str) {
    SCOPE.with(|s| {
        if let Some(check) = s.borrow_mut().check.as_mut() {
            check.url = Some(url.to_string());
        }
    });
}

/// Runs `f` with `label` pushed on the field stack.
pub(crate) fn within_field<T>(label: impl Into<String>, f: impl FnOnce() -> T) -> T {
    SCOPE.with(|s| s.borrow_mut().fields.push(label.into()));
    let out = f();
    SCOPE.with(|s| s.borrow_mut().fields.pop());
    out
}

/// The check being read, for messages: its name, else its URL.
fn check_label() -> Option<String> {
    SCOPE.with(|s| {
        let s = s.borrow();
        let check = s.check.as_ref()?;
        Some(match (&check.name, &check.url) {
            (Some(name), _) => format!("check `{name}`"),
            (None, Some(url)) => format!("check `{}`", super::redact::url(url)),
            (None, None) => "a check".to_string(),
        })
    })
}

/// `check `NAME`: FIELD: message`, with FIELD from the innermost labels.
pub(crate) fn message(message: impl Display) -> String {
    let field = SCOPE.with(|s| s.borrow().fields.join(" "));
    render(Some(field).filter(|f| !f.is_empty()), message)
}

/// Like [`message`] for a leaf that always sits at the same field.
pub(crate) fn message_at(field: &str, message: impl Display) -> String {
    render(Some(field.to_string()), message)
}

fn render(field: Option<String>, message: impl Display) -> String {
    match (check_label(), field) {
        (Some(check), Some(field)) => format!("{check}: {field}: {message}"),
        (Some(check), None) => format!("{check}: {message}"),
        (None, Some(field)) => format!("{field}: {message}"),
        (None, None) => message.to_string(),
    }
}

/// `deserialize_with` functions that label a struct field for leaf errors.
macro_rules! labeled {
    ($($fn_name:ident => $label:literal),* $(,)?) => {
        $(
            pub(crate) fn $fn_name<'de, D, T>(d: D) -> Result<T, D::Error>
            where
                D: serde::Deserializer<'de>,
                T: serde::Deserialize<'de>,
            {
                within_field($label, || T::deserialize(d))
            }
        )*
    };
}

pub(crate) mod field {
    use super::within_field;
    labeled! {
        timeout => "timeout",
        connect_timeout => "connect_timeout",
        retry => "retry",
        body_contains => "expect.body.contains",
        body_not_contains => "expect.body.not_contains",
        body_matches => "expect.body.matches",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_check_and_the_innermost_field() {
        let msg = within_check(|| {
            set_name("home");
            within_field("expect.json", || within_field("`/a`", || message("bad")))
        });
        assert_eq!(msg, "check `home`: expect.json `/a`: bad");
    }

    #[test]
    fn falls_back_to_the_url_then_to_a_check() {
        let by_url = within_check(|| {
            set_url("https://u:pw@x/");
            message_at("timeout", "bad")
        });
        assert_eq!(by_url, "check `https://u:***@x/`: timeout: bad");
        assert_eq!(within_check(|| message("bad")), "a check: bad");
    }

    #[test]
    fn outside_a_check_only_the_field_is_named() {
        assert_eq!(message_at("expect.status", "bad"), "expect.status: bad");
        assert_eq!(message("bad"), "bad");
    }
}

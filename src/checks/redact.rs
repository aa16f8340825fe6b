//! Keeping secrets out of results, errors and logs.
//!
//! Three rules, applied to every string a result can carry:
//! - URLs lose their password (`https://user:***@host/`) and the values of
//!   query parameters whose names look secret (`?token=***`);
//! - header values are secret when the header's name looks secret
//!   (`Authorization`, `Cookie`, `X-Api-Key`, anything with token, key,
//!   secret, password, auth or session in it), when the check marks them
//!   `secret: true`, or when they expand a variable whose name contains
//!   TOKEN, KEY, SECRET or PASSWORD;
//! - every secret value a check knows of is masked wherever it appears
//!   (a body that echoes the token, an error that quotes the URL): see
//!   [`Redactor`].
//!
//! Limit: a secret is found by exact text, so a server that re-encodes it
//! (base64, URL-encoding) is not caught.

pub use crate::secret::is_secret_header;

/// A URL fit to show: one implementation for the whole crate.
pub use crate::secret::redact_url as url;

/// Masks every known secret value in a text, in every form
/// ([`crate::secret::Secrets`]). Cheap to clone; one per check.
pub type Redactor = crate::secret::Secrets;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_url_passwords_and_secret_query_values() {
        assert_eq!(
            url("https://bob:hunter2@shop.test/x?a=1"),
            "https://bob:***@shop.test/x?a=1"
        );
        assert_eq!(url("https://tok@shop.test/"), "https://***@shop.test/");
        assert_eq!(
            url("https://shop.test/h?api_key=abc&page=2&token=t#frag"),
            "https://shop.test/h?api_key=***&page=2&token=***#frag"
        );
        assert_eq!(url("https://shop.test/a@b"), "https://shop.test/a@b");
    }

    #[test]
    fn knows_secret_names() {
        use crate::secret::is_secret_variable;
        assert!(is_secret_variable("API_TOKEN"));
        assert!(is_secret_variable("DB_PASSWORD"));
        assert!(!is_secret_variable("TARGET_HOST"));
        assert!(is_secret_header("Authorization"));
        assert!(is_secret_header("X-Api-Key"));
        assert!(is_secret_header("Set-Cookie"));
        assert!(!is_secret_header("Content-Type"));
    }

    #[test]
    fn redactor_masks_values_and_bare_credentials() {
        let mut r = Redactor::default();
        r.add_header_value("Bearer s3cr3t-value");
        assert_eq!(r.clean("echo: s3cr3t-value!"), "echo: ***!");
        assert_eq!(
            r.clean("Authorization: Bearer s3cr3t-value"),
            "Authorization: ***"
        );
        r.add("");
        assert_eq!(r.clean("nothing"), "nothing");
    }
}

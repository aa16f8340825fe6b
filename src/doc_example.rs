//! Tests keep documentation honest: the YAML examples in module docs are
//! loaded by tests, so an example that stops parsing fails the build.

/// The first ```` ```yaml ```` block in a file's `//!` docs whose first line
/// starts with `first_line`, without the `//! ` prefixes.
pub fn yaml_in_module_docs(source: &str, first_line: &str) -> String {
    let fence = format!("//! ```yaml\n//! {first_line}");
    let start = source.find(&fence).map(|i| i + "//! ```yaml\n".len());
    let start = start.unwrap_or_else(|| panic!("no ```yaml block starting with {first_line:?}"));
    let end = start + source[start..].find("//! ```\n").expect("closing fence");
    source[start..end]
        .lines()
        .map(|l| {
            l.strip_prefix("//! ")
                .or(l.strip_prefix("//!"))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

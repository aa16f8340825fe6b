//! Reading checks from YAML and preparing them: every bad definition fails
//! at load time with a message that names the check and the field (and,
//! from serde-saphyr, the line and column). Exact texts are pinned: they
//! are the user interface of a config mistake.

use serde::Deserialize;

use super::*;
use crate::Context;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    checks: Vec<CheckSpec>,
}

fn load(yaml: &str) -> Result<Vec<CheckSpec>, String> {
    serde_saphyr::from_str::<Doc>(yaml)
        .map(|d| d.checks)
        .map_err(|e| e.to_string())
}

/// The first line of a serde-saphyr error: `error: line L column C: message`.
fn first_line(yaml: &str) -> String {
    let err = load(yaml).unwrap_err();
    err.lines().next().unwrap_or_default().to_string()
}

fn ctx(vars: &[(&str, &str)]) -> Context {
    Context::with_env(vars)
}

#[test]
fn the_documented_example_loads() {
    let yaml = crate::doc_example::yaml_in_module_docs(include_str!("mod.rs"), "checks:");
    let specs = load(&yaml).unwrap();
    assert_eq!(specs.len(), 4);
    let checks = prepare(
        &specs,
        &ctx(&[("NEW_STACK_IP", "10.0.3.17"), ("API_TOKEN", "t0k3n")]),
    )
    .unwrap();
    assert_eq!(
        checks[3].connect_to.as_ref().unwrap().to_string(),
        "10.0.3.17:8443"
    );
    assert_eq!(checks[0].expect.json.0.len(), 4);
}

#[test]
fn invalid_regex_names_check_field_and_place() {
    let yaml = "checks:\n  - name: home\n    url: https://x/\n    expect:\n      body:\n        matches: '('\n";
    assert_eq!(
        first_line(yaml),
        "error: line 6 column 18: check `home`: expect.body.matches: invalid regex `(`: unclosed group"
    );
}

#[test]
fn unknown_predicate_names_check_and_json_location() {
    let yaml = "checks:\n  - name: api\n    url: https://x/\n    expect:\n      json:\n        $.a: eq 3\n";
    let line = first_line(yaml);
    assert!(
        line.starts_with("error: line 6 column 14: check `api`: expect.json `$.a`: unknown predicate `eq 3` (expected ==, !=,"),
        "{line}"
    );
}

#[test]
fn unquoted_bang_predicate_is_refused_not_inverted() {
    // YAML reads `!= 3` as the tag `!=` on `3`; it must not become `== 3`.
    let yaml =
        "checks:\n  - name: api\n    url: https://x/\n    expect:\n      json:\n        /n: != 3\n";
    let err = load(yaml).unwrap_err();
    assert!(
        err.contains("unknown predicate `3`") && err.contains("\"!= 3\""),
        "{err}"
    );
}

#[test]
fn invalid_pointer_and_path_name_the_location() {
    let yaml = "checks:\n  - name: api\n    url: https://x/\n    expect:\n      json:\n        /a~2: exists\n";
    assert!(first_line(yaml).contains(
        "check `api`: expect.json `/a~2`: invalid JSON Pointer `/a~2`: `~` must be followed by 0 or 1"
    ));
    let yaml = "checks:\n  - name: api\n    url: https://x/\n    expect:\n      json:\n        $..a: exists\n";
    assert!(first_line(yaml).contains("check `api`: expect.json `$..a`: invalid JSONPath `$..a`"));
}

#[test]
fn missing_url_names_the_check() {
    let yaml = "checks:\n  - name: home\n    expect: { status: 200 }\n";
    assert_eq!(
        first_line(yaml),
        "error: line 2 column 5: check `home`: url: missing (every check needs a URL)"
    );
}

#[test]
fn other_bad_fields_name_check_and_field() {
    let cases = [
        (
            "url: ftp://x/",
            "check `c`: url: `ftp://x/` is not an http:// or https:// URL",
        ),
        (
            "url: https://x/\n    method: FETCH",
            "check `c`: method: unknown method `FETCH`",
        ),
        (
            "url: https://x/\n    timeout: 5x",
            "check `c`: timeout: invalid duration `5x`",
        ),
        (
            "url: https://x/\n    connect_timeout: 0s",
            "check `c`: connect_timeout: invalid duration `0s`: must be more than 0s",
        ),
        (
            "url: https://x/\n    retry: { within: 1m, every: 2s }",
            "unknown field `every`",
        ),
        (
            "url: https://x/\n    retry: soon",
            "check `c`: retry: invalid duration `soon`",
        ),
        (
            "url: https://x/\n    follow_redirects: 99",
            "check `c`: follow_redirects: 99 is too many (at most 20)",
        ),
        (
            "url: https://x/\n    resolve: 10.0.0.1:x",
            "check `c`: resolve: invalid address `10.0.0.1:x`",
        ),
        (
            "url: https://x/\n    expect: { status: 700 }",
            "check `c`: expect.status: invalid status `700`",
        ),
        (
            "url: https://x/\n    expect: { latency: '> 1s' }",
            "check `c`: expect.latency: `> 1s`: latency takes an upper bound",
        ),
        (
            "url: https://x/\n    expect: { tls_days_left: '< 3' }",
            "check `c`: expect.tls_days_left: `< 3`: days left takes a lower bound",
        ),
        (
            "url: http://x/\n    expect: { tls_days_left: 14 }",
            "check `c`: expect.tls_days_left: needs an https:// URL",
        ),
        (
            "url: https://x/\n    body: hi",
            "check `c`: body: a GET request carries no body",
        ),
        (
            "url: https://x/\n    method: HEAD\n    expect: { body: { contains: a } }",
            "check `c`: expect: a HEAD response has no body",
        ),
        (
            "url: https://x/\n    headers: { Host: shop }",
            "check `c`: headers `Host`: do not set Host",
        ),
        (
            "url: https://x/\n    expect: { headers: { 'a b': exists } }",
            "check `c`: expect.headers `a b`: invalid header name",
        ),
        (
            "url: https://x/\n    expect: { body: { contain: a } }",
            "unknown field `contain`",
        ),
        (
            "url: https://x/\n    expectt: {}",
            "unknown field `expectt`",
        ),
        ("url: https://${HOST/", "check `c`: url: unclosed `${`"),
    ];
    for (fields, want) in cases {
        let yaml = format!("checks:\n  - name: c\n    {fields}\n");
        let err = load(&yaml).unwrap_err();
        assert!(err.contains(want), "{fields}\n got: {err}");
        assert!(err.contains("line "), "no location: {err}");
    }
}

#[test]
fn a_check_without_a_name_is_called_by_its_url() {
    let yaml = "checks:\n  - url: https://u:pw@x/\n    timeout: 5x\n";
    assert!(first_line(yaml).contains("check `https://u:***@x/`: timeout: invalid duration `5x`"));
}

#[test]
fn unset_variable_names_check_and_field() {
    let specs = load("checks:\n  - name: home\n    url: https://${TARGET_HOST}/\n").unwrap();
    let err = prepare(&specs, &ctx(&[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "check `home`: url: variable `TARGET_HOST` is not set"
    );
    assert_eq!(err.code(), 2);
    let specs =
        load("checks:\n  - name: home\n    url: https://x/\n    headers: { X-T: '${T}' }\n")
            .unwrap();
    let err = prepare(&specs, &ctx(&[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "check `home`: headers `X-T`: variable `T` is not set"
    );
    let specs =
        load("checks:\n  - name: home\n    url: https://x/\n    resolve: '${IP}'\n").unwrap();
    let err = prepare(&specs, &ctx(&[("IP", "not an ip")])).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("check `home`: resolve: invalid address `not an ip`"),
        "{err}"
    );
}

#[test]
fn a_url_only_bad_once_filled_is_refused_without_its_secret() {
    let specs = load("checks:\n  - name: home\n    url: 'https://${API_KEY} x/'\n").unwrap();
    let err = prepare(&specs, &ctx(&[("API_KEY", "k3y")]))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("check `home`: url: "), "{err}");
    assert!(!err.contains("k3y"), "{err}");
}

#[test]
fn duplicate_names_are_refused() {
    let specs =
        load("checks:\n  - { name: a, url: 'https://x/' }\n  - { name: a, url: 'https://y/' }\n")
            .unwrap();
    let err = prepare(&specs, &ctx(&[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "check `a`: name: used by two checks (names must be unique: reports key on them)"
    );
}

#[test]
fn secrets_from_variables_and_headers_are_known_and_hidden() {
    let yaml = "checks:\n  - name: api\n    url: https://bob:pw1@x/?token=${API_TOKEN}\n    headers:\n      Authorization: Bearer abc123\n      X-Tenant: { value: acme-7, secret: true }\n";
    let checks = prepare(&load(yaml).unwrap(), &ctx(&[("API_TOKEN", "t0k3n")])).unwrap();
    let c = &checks[0];
    assert_eq!(c.shown_url, "https://bob:***@x/?token=***");
    let echoed = "t0k3n abc123 acme-7 pw1 Bearer abc123";
    assert_eq!(c.redact(echoed), "*** *** *** *** ***");
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("t0k3n") && !debug.contains("abc123"),
        "{debug}"
    );
}

#[test]
fn quick_check_from_flags() {
    let spec = CheckSpec::quick("https://x/health", Some("200,204"), &["OK".into()]).unwrap();
    assert_eq!(spec.display_name(), "https://x/health");
    assert_eq!(spec.expect.status.unwrap().to_string(), "200 or 204");
    assert_eq!(spec.expect.body.contains.0, vec!["OK".to_string()]);
    let err = CheckSpec::quick("https://x/", Some("abc"), &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "--expect-status: invalid status `abc` (expected a code 100-599 like 200, or a class like 2xx)"
    );
    let err = CheckSpec::from_url("x.example.com").unwrap_err();
    assert_eq!(
        err.to_string(),
        "--url: `x.example.com` is not an http:// or https:// URL"
    );
}

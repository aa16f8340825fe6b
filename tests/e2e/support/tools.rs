//! External tools some tests need (buildah, file, ldd). Missing tools fail
//! the test under `CI=true`; on a developer machine the test prints a loud
//! skip instead, so a missing tool is never silent.

use std::process::{Command, Stdio};

/// True when `tool --version` (or the given probe) runs. Panics when it does
/// not and `CI` is set.
pub fn require(tool: &str, probe: &[&str], why: &str) -> bool {
    let found = Command::new(tool)
        .args(probe)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if found {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(
        !ci,
        "`{tool}` is required for {why} and CI is set; ./scripts/test installs it"
    );
    loud(&format!(
        "\n!!!!!!!! SKIPPED {why}: `{tool}` is not installed (./scripts/test installs it) !!!!!!!!\n"
    ));
    false
}

/// Prints straight to the process's stderr, past the test harness's output
/// capture, so a skipped or pending test is seen in a passing run.
pub fn loud(message: &str) {
    use std::io::Write as _;
    let _ = std::io::stderr().write_all(message.as_bytes());
}

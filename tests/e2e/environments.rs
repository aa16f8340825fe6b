//! Environment-specific settings: `environments:` blocks chosen by the
//! deployment environment (Bitbucket's `BITBUCKET_DEPLOYMENT_ENVIRONMENT`,
//! Bamboo's `bamboo_deploy_environment`, or `--environment`).

use crate::support::Test;

const CONFIG: &str = "timezone: UTC
windows: [Mon-Fri 09:00-17:00]
environments:
  production:
    windows: [Tue 10:00-11:00]
  staging:
    windows: []   # staging: always open
";

// Saturday 2026-04-04 12:00 UTC: outside the top-level and production windows.
const SATURDAY: &str = "2026-04-04T12:00:00Z";

fn gate() -> Test {
    Test::new().config(CONFIG).args(["gate", "--at", SATURDAY])
}

#[test]
fn bitbucket_deployment_environment_selects_its_block() {
    gate()
        .env("BITBUCKET_DEPLOYMENT_ENVIRONMENT", "staging")
        .status(0)
        .stdout_has("no windows configured");
    gate()
        .env("BITBUCKET_DEPLOYMENT_ENVIRONMENT", "production")
        .status(1)
        .stdout_has("opens 2026-04-07 10:00 UTC");
}

#[test]
fn bamboo_deploy_environment_selects_its_block() {
    gate().env("bamboo_deploy_environment", "staging").status(0);
}

#[test]
fn flag_beats_the_pipeline_environment() {
    gate()
        .env("BITBUCKET_DEPLOYMENT_ENVIRONMENT", "production")
        .args(["--environment", "staging"])
        .status(0);
}

#[test]
fn an_environment_without_a_block_uses_the_top_level() {
    gate()
        .env("BITBUCKET_DEPLOYMENT_ENVIRONMENT", "test")
        .status(1)
        .stdout_has("Window closed: outside every window; opens 2026-04-06 09:00 UTC");
}

#[test]
fn a_mistyped_explicit_environment_is_bad_input() {
    gate()
        .args(["--environment", "prod"])
        .status(2)
        .stderr_has("error: invalid --environment: no environment `prod` in greenlight.yml (known: production, staging)");
}

#[test]
fn unknown_keys_in_an_environment_are_located() {
    Test::new()
        .config("environments:\n  production:\n    windowz: []\n")
        .args(["gate", "--lock-env", "X"])
        .status(2)
        .stderr_has("greenlight.yml:3:5: unknown field `windowz`");
}

#[test]
fn pipe_errors_name_the_variable_the_user_wrote() {
    Test::new()
        .args(["pipe"])
        .env("COMMAND", "gate")
        .env("WINDOW", "Mon-Fri 09:00-17:00")
        .env("TIMEZONE", "Mars/Olympus")
        .status(2)
        .stderr_has("error: invalid TIMEZONE: unknown time zone `Mars/Olympus`");
    Test::new()
        .args(["pipe"])
        .env("COMMAND", "gate")
        .env("TIMEZONE", "UTC")
        .env("WINDOWS_COUNT", "1")
        .env("WINDOWS_0", "Mon-Fri 25:00-26:00")
        .status(2)
        .stderr_has("error: invalid WINDOWS_0..WINDOWS_COUNT: invalid window");
}

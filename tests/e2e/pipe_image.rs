//! The Bitbucket pipe image end to end: built from the real `Dockerfile`
//! around the static binary and run the way Pipelines runs a pipe (see
//! `support/buildah.rs`). Each test builds its own image (well under a
//! second for a `FROM scratch` image) so tests stay independent.

use std::path::Path;

use crate::support::buildah::PipeImage;
use crate::support::{Reply, Server, Test};

/// Wednesday 12:00 in Sydney: inside `Mon-Fri 09:00-15:30`.
const AT_OPEN: &str = "2026-03-04T01:00:00Z";
/// Saturday 10:00 in Sydney.
const AT_CLOSED: &str = "2026-04-03T23:00:00Z";
const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";

const SYDNEY: &str = "timezone: Australia/Sydney\nwindows: [Mon-Fri 09:00-15:30]\n";

#[test]
fn image_is_from_scratch_small_and_runs_greenlight_pipe() {
    let Some(image) = PipeImage::build() else {
        return;
    };
    assert_eq!(image.entrypoint, ["/greenlight", "pipe"]);
    assert_eq!(
        image.files(),
        ["/LICENSE", "/README.md", "/greenlight", "/pipe.yml"]
    );
    let size = image.size();
    assert!(size < 10_000_000, "image is {size} bytes, over 10 MB");
    assert_eq!(
        image.exec(&["/greenlight", "--version"]).trim(),
        format!("greenlight {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn gate_open_exits_0_with_a_green_tick() {
    let Some(image) = PipeImage::build() else {
        return;
    };
    let clone = Test::new().config(SYDNEY);
    let run = image.run_pipe(clone.path(), &[("COMMAND", "gate"), ("AT", AT_OPEN)]);
    run.exits(0);
    run.stdout_has(&format!(
        "{GREEN}✔ Window open: inside Mon-Fri 09:00-15:30 (Australia/Sydney)"
    ))
    .stdout_has(&format!("{GREEN}✔ GO"));
}

#[test]
fn gate_closed_exits_1_with_a_red_cross_and_the_reason() {
    let Some(image) = PipeImage::build() else {
        return;
    };
    let clone = Test::new();
    let run = image.run_pipe(
        clone.path(),
        &[
            ("COMMAND", "gate"),
            ("WINDOW", "Mon-Fri 09:00-15:30"),
            ("TIMEZONE", "Australia/Sydney"),
            ("AT", AT_CLOSED),
        ],
    );
    run.exits(1);
    run.stdout_has(&format!(
        "{RED}✖ Window closed: outside every window; opens 2026-04-06 09:00 AEST (2026-04-05 23:00 UTC)"
    ))
    .stdout_has(&format!("{RED}✖ NO-GO: deploy window closed"));

    // A lock variable (a deployment variable passed to the pipe) closes it too.
    let clone = Test::new().config(SYDNEY);
    let run = image.run_pipe(
        clone.path(),
        &[
            ("COMMAND", "gate"),
            ("AT", AT_OPEN),
            ("LOCK_ENV", "DEPLOY_LOCK"),
            ("DEPLOY_LOCK", "incident INC-42"),
        ],
    );
    run.exits(1);
    run.stdout_has(&format!(
        "{RED}✖ NO-GO: locked (env:DEPLOY_LOCK): incident INC-42"
    ));
}

#[test]
fn list_variables_and_a_config_per_deployment_environment() {
    let Some(image) = PipeImage::build() else {
        return;
    };
    // `WINDOWS: [...]` in the step arrives as WINDOWS_COUNT, WINDOWS_0, ...
    let clone = Test::new();
    let run = image.run_pipe(
        clone.path(),
        &[
            ("COMMAND", "gate"),
            ("WINDOWS_COUNT", "2"),
            ("WINDOWS_0", "Mon-Fri 09:00-15:30"),
            ("WINDOWS_1", "Sat 09:00-11:00"),
            ("TIMEZONE", "Australia/Sydney"),
            ("AT", AT_CLOSED),
        ],
    );
    run.exits(0);
    run.stdout_has("inside Sat 09:00-11:00 (Australia/Sydney)");

    // `CONFIG: greenlight.$BITBUCKET_DEPLOYMENT_ENVIRONMENT.yml`, as Bitbucket
    // expands it in a production deployment step.
    let clone = Test::new().config("windows: []\n").file(
        "greenlight.production.yml",
        &format!(
            "{SYDNEY}freezes:\n  - {{ reason: Quarter close, from: 2026-03-02, to: 2026-03-06 }}\n"
        ),
    );
    let run = image.run_pipe(
        clone.path(),
        &[
            ("COMMAND", "gate"),
            ("BITBUCKET_DEPLOYMENT_ENVIRONMENT", "production"),
            ("CONFIG", "greenlight.production.yml"),
            ("AT", AT_OPEN),
        ],
    );
    run.exits(1);
    run.stdout_has("Quarter close");
}

#[test]
fn bad_variables_exit_2_before_evaluating_anything() {
    let Some(image) = PipeImage::build() else {
        return;
    };
    let clone = Test::new();
    let run = image.run_pipe(
        clone.path(),
        &[
            ("COMMAND", "gate"),
            ("WINDOW", "Mon-Fri 09:00-15:30"),
            ("TIMEZONE", "Mars/Olympus"),
        ],
    );
    run.exits(2);
    run.stderr_has(&format!("{RED}✖ error: "))
        .stderr_has("unknown time zone `Mars/Olympus`");

    let run = image.run_pipe(clone.path(), &[("WINDOW", "Mon 09:00-10:00")]);
    run.exits(2);
    run.stderr_has("the pipe variable COMMAND is required");

    let run = image.run_pipe(
        clone.path(),
        &[("COMMAND", "gate"), ("WINDOWS_COUNT", "two")],
    );
    run.exits(2);
    run.stderr_has("WINDOWS_COUNT must be a number, not `two`");
}

#[test]
fn debug_shows_debug_lines_but_never_the_token() {
    let Some(image) = PipeImage::build() else {
        return;
    };
    const TOKEN: &str = "glt_s3cr3t-7f9c2e41";
    // A real lock API on 127.0.0.1 (chroot isolation shares the host's
    // network): locked for the right token, 401 otherwise.
    let api = Server::start(|req| {
        if req.header("authorization") == Some(&format!("Bearer {TOKEN}")) {
            Reply::json(200, r#"{"locked":true,"reason":"INC-9","by":"bob"}"#)
        } else {
            Reply::status(401)
        }
    });
    let clone = Test::new();
    let url = api.url("/lock");
    let run = image.run_pipe(
        clone.path(),
        &[
            ("COMMAND", "gate"),
            ("WINDOW", "daily 00:00-24:00"),
            ("TIMEZONE", "UTC"),
            ("LOCK_URL", &url),
            ("LOCK_TOKEN_ENV", "LOCK_API_TOKEN"),
            ("LOCK_API_TOKEN", TOKEN),
            ("DEBUG", "true"),
        ],
    );
    run.exits(1);
    run.stdout_has("locked by bob: INC-9")
        .stderr_has(" DEBUG greenlight")
        .nowhere(TOKEN)
        .nowhere("s3cr3t");
    assert!(
        !api.requests().is_empty(),
        "the lock API saw no request from the container"
    );
}

#[test]
fn lock_file_is_written_in_the_clone_directory() {
    let Some(image) = PipeImage::build() else {
        return;
    };
    let clone = Test::new();
    let lock = clone.path().join(".greenlight/lock.json");
    let vars = |command| {
        [
            ("COMMAND", command),
            ("LOCK_FILE", ".greenlight/lock.json"),
            ("LOCK_REASON", "demo for a customer"),
            ("AT", AT_OPEN),
        ]
    };
    let run = image.run_pipe(clone.path(), &vars("lock"));
    run.exits(0);
    let written = std::fs::read_to_string(&lock).expect("lock file in the clone dir");
    assert!(written.contains("demo for a customer"), "{written}");
    // No $USER in a pipe: the step's triggerer is who locked.
    assert!(written.contains("{7c1e-alice}"), "{written}");

    let run = image.run_pipe(clone.path(), &vars("gate"));
    run.exits(1);
    run.stdout_has("locked by {7c1e-alice}");

    let run = image.run_pipe(clone.path(), &vars("unlock"));
    run.exits(0);
    assert!(!Path::new(&lock).exists(), "unlock left {}", lock.display());
}

/// `checks` writes JUnit to `$BITBUCKET_CLONE_DIR/test-results/` by default.
#[test]
fn junit_lands_in_the_clone_directorys_test_results() {
    let Some(image) = PipeImage::build() else {
        return;
    };
    let site = Server::fixed(Reply::text(200, "OK"));
    let clone = Test::new();
    let url = site.url("/health");
    let run = image.run_pipe(
        clone.path(),
        &[
            ("COMMAND", "checks"),
            ("CHECK_URL", &url),
            ("CHECK_STATUS", "200"),
        ],
    );
    run.exits(0);
    let junit = clone.path().join("test-results/greenlight-checks.xml");
    let xml = std::fs::read_to_string(&junit)
        .unwrap_or_else(|e| panic!("{}: {e}\n{}{}", junit.display(), run.stdout, run.stderr));
    assert!(xml.contains("<testsuites"), "{xml}");
}

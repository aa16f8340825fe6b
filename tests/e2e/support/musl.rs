//! The static release binary (`x86_64-unknown-linux-musl`) that the pipe
//! image and the Bamboo download ship, built once per test run.
//!
//! `scripts/test` builds it before `cargo test`, so here cargo usually only
//! confirms it is up to date (about a second). Run alone, the first test that
//! needs it pays for the release build (about three minutes on two cores).
//! Cargo, not a timestamp check, decides whether it is stale.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

pub const TARGET: &str = "x86_64-unknown-linux-musl";

/// The path of the up-to-date static binary; panics with cargo's own
/// explanation when it cannot be built.
pub fn binary() -> PathBuf {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BUILT.get_or_init(build) {
        Ok(path) => path.clone(),
        Err(e) => panic!("{e}"),
    }
}

/// The target directory the test binary itself was built in (so the musl
/// build reuses it, wherever `CARGO_TARGET_DIR` points).
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_greenlight"));
    // <target>/debug/greenlight (or <target>/release/greenlight)
    exe.parent()
        .and_then(|profile| profile.parent())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn build() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = target_dir();
    let mut command = Command::new(&cargo);
    command
        .args([
            "build",
            "--release",
            "--bin",
            "greenlight",
            "--target",
            TARGET,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO_TARGET_DIR", &target_dir);
    // The variables `cargo test` sets for this test process would look like
    // changed inputs to build scripts that track them (ring's tracks
    // CARGO_MANIFEST_DIR) and force a rebuild of what `scripts/test` built.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let per_crate = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
        ]
        .iter()
        .any(|p| name.starts_with(p));
        if per_crate || matches!(&*name, "CARGO_PRIMARY_PACKAGE" | "CARGO_TARGET_TMPDIR") {
            command.env_remove(&*name);
        }
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`cargo build --release --target {TARGET}` failed ({status}); it needs \
             `rustup target add {TARGET}` and musl-tools (./scripts/test installs both)"
        ));
    }
    let path = target_dir.join(TARGET).join("release").join("greenlight");
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the musl build succeeded but {} is missing",
            path.display()
        ))
    }
}

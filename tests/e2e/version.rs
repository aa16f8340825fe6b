//! One version everywhere: `greenlight --version`, `Cargo.toml`, the pipe
//! image tag in `pipe.yml`, the README and the Dockerfile, the CHANGELOG's
//! newest section and the Bamboo task's default download.

use regex::Regex;

use crate::support::Test;
use crate::support::test::repo_file;

const VERSION: &str = env!("CARGO_PKG_VERSION");

#[test]
fn version_flag_prints_the_cargo_version() {
    let run = Test::new().args(["--version"]).status(0);
    assert_eq!(run.stdout, format!("greenlight {VERSION}\n"));
}

#[test]
fn every_image_reference_has_the_cargo_version() {
    let image = Regex::new(r"greenlight/greenlight:([0-9A-Za-z.+-]+)").unwrap();
    for file in ["pipe.yml", "README.md", "Dockerfile"] {
        let text = repo_file(file);
        let tags: Vec<&str> = image
            .captures_iter(&text)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        assert!(
            !tags.is_empty(),
            "{file} names no greenlight/greenlight image"
        );
        for tag in tags {
            assert_eq!(
                tag, VERSION,
                "{file}: image tag {tag}, Cargo.toml says {VERSION}"
            );
        }
    }
}

#[test]
fn changelog_newest_section_is_the_cargo_version() {
    let changelog = repo_file("CHANGELOG.md");
    let heading = changelog
        .lines()
        .find(|l| l.starts_with("## ["))
        .expect("CHANGELOG.md has a version section");
    let ok = Regex::new(r"^## \[([^\]]+)\] - (Unreleased|\d{4}-\d{2}-\d{2})$").unwrap();
    let caps = ok
        .captures(heading)
        .unwrap_or_else(|| panic!("`{heading}`: want `## [X.Y.Z] - Unreleased` or a date"));
    assert_eq!(
        &caps[1], VERSION,
        "CHANGELOG.md newest section vs Cargo.toml"
    );
}

#[test]
fn bamboo_task_downloads_the_cargo_version() {
    let script = repo_file("bamboo/greenlight-task.sh");
    assert!(
        script.contains(&format!(
            "version=${{bamboo_greenlight_download_version:-{VERSION}}}"
        )),
        "bamboo/greenlight-task.sh does not default to {VERSION}"
    );
}

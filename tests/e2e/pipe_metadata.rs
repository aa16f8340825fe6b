//! `pipe.yml`, the README's "Bitbucket pipe" section and the code agree:
//! every pipe variable is `COMMAND` or an option's variable from
//! `cli::OPTIONS` without its `GREENLIGHT_` prefix (plus the list form,
//! `WINDOWS`, of options that take several values), and every pipe command
//! is documented. Adding an option or a command makes these tests name what
//! is missing where.

use std::collections::BTreeSet;

use clap::CommandFactory;
use greenlight::cli::{Cli, OPTIONS};
use greenlight::pipe;
use serde::Deserialize;

use crate::support::test::repo_file;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PipeYml {
    name: String,
    image: String,
    category: String,
    description: String,
    repository: String,
    vendor: Party,
    maintainer: Party,
    tags: Vec<String>,
    variables: Vec<Variable>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Party {
    name: String,
    website: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Variable {
    name: String,
    description: String,
    #[serde(default)]
    required: bool,
}

fn pipe_yml() -> PipeYml {
    serde_saphyr::from_str(&repo_file("pipe.yml")).unwrap_or_else(|e| panic!("pipe.yml: {e}"))
}

/// The text of a `## title` section (up to the next `## `), or of a
/// `### title` subsection within it.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let level = heading.split(' ').next().unwrap_or_default();
    let start = text
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README has no `{heading}` section"));
    let body = &text[start + heading.len() + 2..];
    let end = body
        .match_indices(&format!("\n{level} "))
        .map(|(i, _)| i)
        .next()
        .unwrap_or(body.len());
    &body[..end]
}

/// The README's Variables table: (name, required, usage).
fn readme_variables() -> Vec<(String, bool, String)> {
    let readme = repo_file("README.md");
    let pipe = section(&readme, "## Bitbucket pipe");
    section(pipe, "### Variables")
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Variable "))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let (name, required) = match cells[0].strip_suffix(" (*)") {
                Some(n) => (n, true),
                None => (cells[0], false),
            };
            (name.to_string(), required, cells[1..].join(" | "))
        })
        .collect()
}

/// Options whose variable takes several values (`;`-separated), which the
/// pipe also accepts as a Bitbucket list (`WINDOWS_COUNT`, `WINDOWS_0`...).
fn list_variables() -> BTreeSet<String> {
    let cli = Cli::command();
    let mut args: Vec<&clap::Arg> = cli.get_arguments().collect();
    for sub in cli.get_subcommands() {
        args.extend(sub.get_arguments());
    }
    OPTIONS
        .iter()
        .filter(|o| {
            args.iter().any(|a| {
                a.get_long() == Some(o.flag)
                    && a.get_help()
                        .is_some_and(|h| h.to_string().contains("';'-separated"))
            })
        })
        .map(|o| pipe::list_name(pipe::pipe_name(o.env)))
        .collect()
}

/// Every variable `pipe.yml` and the README must list.
fn expected_variables() -> BTreeSet<String> {
    pipe::variables()
        .into_iter()
        .map(String::from)
        .chain(list_variables())
        .collect()
}

#[test]
fn pipe_yml_has_the_fields_atlassian_lists() {
    let p = pipe_yml();
    assert_eq!(p.name, "greenlight");
    assert!(p.image.starts_with("greenlight/greenlight:"), "{}", p.image);
    let categories = [
        "Alerting",
        "Artifact management",
        "Code quality",
        "Deployment",
        "Feature flagging",
        "Monitoring",
        "Notifications",
        "Security",
        "Testing",
        "Utilities",
        "Workflow automation",
    ];
    assert!(categories.contains(&p.category.as_str()), "{}", p.category);
    assert!(!p.description.trim().is_empty());
    assert!(p.repository.starts_with("https://"), "{}", p.repository);
    for party in [&p.vendor, &p.maintainer] {
        assert!(!party.name.is_empty());
        assert!(
            party.website.is_some() || party.email.is_some(),
            "{party:?}"
        );
    }
    assert!(!p.tags.is_empty());
}

#[test]
fn pipe_yml_lists_exactly_the_pipe_variables() {
    let p = pipe_yml();
    let names: Vec<&str> = p.variables.iter().map(|v| v.name.as_str()).collect();
    let listed: BTreeSet<String> = names.iter().map(|n| n.to_string()).collect();
    assert_eq!(listed.len(), names.len(), "pipe.yml lists a variable twice");
    let expected = expected_variables();
    let missing: Vec<_> = expected.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&expected).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "pipe.yml variables differ from cli::OPTIONS: missing {missing:?}, unknown {unknown:?}"
    );
    for v in &p.variables {
        assert!(
            !v.description.trim().is_empty(),
            "{} has no description",
            v.name
        );
        assert_eq!(
            v.required,
            v.name == "COMMAND",
            "only COMMAND is required: {v:?}"
        );
    }
}

#[test]
fn readme_variables_table_agrees_with_pipe_yml() {
    let p = pipe_yml();
    let table = readme_variables();
    let in_table: Vec<&str> = table.iter().map(|(n, _, _)| n.as_str()).collect();
    let in_yml: Vec<&str> = p.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        in_table, in_yml,
        "README Variables table vs pipe.yml (same order)"
    );
    for ((name, required, usage), v) in table.iter().zip(&p.variables) {
        assert_eq!(
            *required, v.required,
            "{name}: `(*)` in the README vs pipe.yml"
        );
        if !required {
            assert!(
                usage.contains("Default:"),
                "README: {name} states no default"
            );
        }
    }
}

#[test]
fn readme_yaml_definition_shows_every_variable() {
    let readme = repo_file("README.md");
    let yaml = section(section(&readme, "## Bitbucket pipe"), "### YAML Definition");
    for name in expected_variables() {
        let shown = yaml.lines().any(|l| {
            l.trim_start()
                .trim_start_matches("# ")
                .starts_with(&format!("{name}:"))
        });
        assert!(shown, "README YAML Definition lacks {name}");
    }
}

#[test]
fn every_pipe_command_is_documented() {
    let p = pipe_yml();
    let command = p
        .variables
        .iter()
        .find(|v| v.name == "COMMAND")
        .expect("COMMAND in pipe.yml");
    let table = readme_variables();
    let (_, _, usage) = table
        .iter()
        .find(|(n, _, _)| n == "COMMAND")
        .expect("COMMAND in the README");
    let readme = repo_file("README.md");
    let yaml = section(section(&readme, "## Bitbucket pipe"), "### YAML Definition");
    let comment = yaml
        .lines()
        .find(|l| l.trim_start().starts_with("COMMAND:"))
        .expect("COMMAND in the YAML Definition");
    for c in pipe::COMMANDS {
        assert!(
            command.description.contains(c),
            "pipe.yml COMMAND lacks {c}"
        );
        assert!(
            usage.contains(&format!("`{c}`")),
            "README COMMAND row lacks `{c}`"
        );
        assert!(
            comment.contains(c),
            "README YAML Definition COMMAND comment lacks {c}"
        );
    }
}

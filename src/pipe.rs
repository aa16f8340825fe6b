//! Running as a Bitbucket Pipelines pipe. Bitbucket passes the pipe's
//! variables as environment variables named as in `pipe.yml`; `greenlight
//! pipe` (the image's entrypoint) turns them into the `GREENLIGHT_*`
//! variables every option already reads, and runs `COMMAND`.
//!
//! - `COMMAND` (required): `gate`, `status`, `lock`, `unlock`, ...
//! - every option's variable without the `GREENLIGHT_` prefix: `WINDOW`,
//!   `TIMEZONE`, `CONFIG`, `LOCK_URL`, ... (see [`crate::cli::OPTIONS`]);
//! - lists the Bitbucket way: `WINDOWS_COUNT=2`, `WINDOWS_0`, `WINDOWS_1`;
//! - `DEBUG: 'true'` turns on debug output;
//! - relative paths resolve against `BITBUCKET_CLONE_DIR`;
//! - with `BITBUCKET_PIPE_SHARED_STORAGE_DIR` set (always, in a pipe), the
//!   JSON result is also written to `$BITBUCKET_PIPE_SHARED_STORAGE_DIR/greenlight/<command>.json`
//!   for later steps;
//! - Code Insights (`CODE_INSIGHTS: 'true'`) use the proxy as a pipe's
//!   container reaches it, `http://host.docker.internal:29418`.
//!
//! A `GREENLIGHT_*` variable that is already set wins over its pipe name.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::cli::OPTIONS;
use crate::context::Context;

/// The subcommands a pipe may run.
pub const COMMANDS: &[&str] = &[
    "gate", "status", "lock", "unlock", "checks", "compare", "verify", "release", "history",
    "calendar",
];

/// The list form of a pipe variable: `WINDOW` → `WINDOWS`, `CANARY` →
/// `CANARIES` (`WINDOWS_COUNT`, `WINDOWS_0`, ... in Bitbucket).
pub fn list_name(name: &str) -> String {
    match name.strip_suffix('Y') {
        Some(stem) => format!("{stem}IES"),
        None => format!("{name}S"),
    }
}

/// The pipe variable for an option's `GREENLIGHT_*` variable.
pub fn pipe_name(env: &str) -> &str {
    env.strip_prefix("GREENLIGHT_").unwrap_or(env)
}

/// Every pipe variable: `COMMAND`, then each option's (which includes
/// `DEBUG`). `pipe.yml` and the README's Variables table list exactly these,
/// plus the list form (`WINDOWS`) of options that take several values;
/// `tests/e2e/pipe_metadata.rs` checks all three agree.
pub fn variables() -> Vec<&'static str> {
    std::iter::once("COMMAND")
        .chain(OPTIONS.iter().map(|o| pipe_name(o.env)))
        .collect()
}

/// The arguments and context to run for this pipe invocation.
pub fn prepare(ctx: &Context) -> Result<(Vec<OsString>, Context), String> {
    let command = ctx.var("COMMAND").ok_or_else(|| {
        format!(
            "the pipe variable COMMAND is required (one of: {})",
            COMMANDS.join(", ")
        )
    })?;
    let command = command.trim().to_ascii_lowercase();
    if !COMMANDS.contains(&command.as_str()) {
        return Err(format!(
            "COMMAND `{command}` is not one of: {}",
            COMMANDS.join(", ")
        ));
    }
    let mut out = ctx.clone();
    for option in OPTIONS {
        if out.var(option.env).is_some() {
            continue;
        }
        let name = pipe_name(option.env);
        let list_var = list_name(name);
        let value = match list(ctx, &list_var)? {
            Some(v) => Some((v, format!("{list_var}_0..{list_var}_COUNT"))),
            None => ctx.var(name).map(|v| (v.to_string(), name.to_string())),
        };
        if let Some((v, origin)) = value {
            out.env.insert(option.env.to_string(), v);
            out.origins.insert(option.env.to_string(), origin);
        }
    }
    if let Some(dir) = ctx.var("BITBUCKET_CLONE_DIR") {
        out.cwd = PathBuf::from(dir);
    }
    // Code Insights go through the proxy as a pipe (a container) sees it.
    out.env
        .insert(crate::config::publish::IN_PIPE.to_string(), "true".into());
    // Later steps read the result from the pipes' shared storage.
    if let Some(dir) = ctx.var("BITBUCKET_PIPE_SHARED_STORAGE_DIR") {
        let path = PathBuf::from(dir)
            .join("greenlight")
            .join(format!("{command}.json"));
        let shared = format!("json={}", path.display());
        let all = match out.var("GREENLIGHT_REPORT") {
            Some(r) => format!("{r};{shared}"),
            None => shared,
        };
        out.env.insert("GREENLIGHT_REPORT".to_string(), all);
    }
    Ok((vec!["greenlight".into(), command.into()], out))
}

/// A Bitbucket list variable (`NAME_COUNT`, `NAME_0`..) joined with `;`.
fn list(ctx: &Context, name: &str) -> Result<Option<String>, String> {
    let Some(count) = ctx.var(&format!("{name}_COUNT")) else {
        return Ok(None);
    };
    let n: usize = count
        .trim()
        .parse()
        .map_err(|_| format!("{name}_COUNT must be a number, not `{count}`"))?;
    let items = (0..n)
        .map(|i| {
            ctx.var(&format!("{name}_{i}"))
                .map(str::to_string)
                .ok_or_else(|| format!("{name}_COUNT is {n} but {name}_{i} is not set"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(items.join(";")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(vars: &[(&str, &str)]) -> Context {
        Context::with_env(vars)
    }

    #[test]
    fn pipe_variables_become_greenlight_variables() {
        let (args, c) = prepare(&ctx(&[
            ("COMMAND", "Gate"),
            ("WINDOW", "Mon 09:00-10:00"),
            ("TIMEZONE", "UTC"),
            ("BITBUCKET_CLONE_DIR", "/clone"),
        ]))
        .unwrap();
        assert_eq!(
            args,
            vec![OsString::from("greenlight"), OsString::from("gate")]
        );
        assert_eq!(c.var("GREENLIGHT_WINDOW"), Some("Mon 09:00-10:00"));
        assert_eq!(c.var("GREENLIGHT_TIMEZONE"), Some("UTC"));
        assert_eq!(c.cwd, PathBuf::from("/clone"));
    }

    #[test]
    fn list_variables_follow_the_bitbucket_convention() {
        let (_, c) = prepare(&ctx(&[
            ("COMMAND", "gate"),
            ("WINDOWS_COUNT", "2"),
            ("WINDOWS_0", "Mon 09:00-10:00"),
            ("WINDOWS_1", "Tue 09:00-10:00"),
        ]))
        .unwrap();
        assert_eq!(
            c.var("GREENLIGHT_WINDOW"),
            Some("Mon 09:00-10:00;Tue 09:00-10:00")
        );
        let e = prepare(&ctx(&[
            ("COMMAND", "gate"),
            ("WINDOWS_COUNT", "2"),
            ("WINDOWS_0", "x"),
        ]))
        .unwrap_err();
        assert_eq!(e, "WINDOWS_COUNT is 2 but WINDOWS_1 is not set");
    }

    #[test]
    fn every_subcommand_but_pipe_is_a_pipe_command() {
        use clap::CommandFactory;
        let mut cli: Vec<String> = crate::cli::Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .filter(|name| name != "pipe")
            .collect();
        let mut pipe = COMMANDS.to_vec();
        cli.sort();
        pipe.sort();
        assert_eq!(
            cli, pipe,
            "pipe::COMMANDS must list every subcommand (then add it to pipe.yml and the README)"
        );
    }

    #[test]
    fn variables_are_command_and_every_option() {
        let vars = variables();
        assert_eq!(vars[0], "COMMAND");
        assert!(vars.contains(&"DEBUG") && vars.contains(&"WINDOW"));
        assert_eq!(vars.len(), OPTIONS.len() + 1);
    }

    #[test]
    fn command_is_required_and_checked() {
        assert!(
            prepare(&ctx(&[]))
                .unwrap_err()
                .starts_with("the pipe variable COMMAND is required")
        );
        assert!(
            prepare(&ctx(&[("COMMAND", "deploy")]))
                .unwrap_err()
                .starts_with("COMMAND `deploy` is not one of")
        );
    }
}

//! One function per subcommand: resolve config, evaluate, report, and
//! return the exit code. This is the only place that prints results.

use crate::cli::{Format, GateArgs, LockArgs, SourceArgs, UnlockArgs};
use crate::config::settings::pick;
use crate::config::{GateConfig, Settings};
use crate::context::Context;
use crate::error::Error;
use crate::gate;
use crate::http::Deadline;
use crate::lock::{LockError, LockRecord, Source};
use crate::report::{self, Mark};

pub fn gate(args: &GateArgs, s: &Settings, ctx: &Context, status_only: bool) -> Result<u8, Error> {
    let cfg = GateConfig::resolve(args, s, ctx)?;
    // With a config file, an empty schedule is a choice (`windows: []`:
    // always open); without one, nothing to evaluate is a usage mistake.
    if s.file.is_none() && cfg.schedule.is_empty() && cfg.sources.is_empty() {
        return Err(Error::Usage(
            "nothing to evaluate: give a window (--window and --timezone, or `windows:` in greenlight.yml) or a lock source (--lock-env, --lock-file, --lock-url)".into(),
        ));
    }
    let deadline = s.deadline(ctx);
    let result = gate::evaluate(&cfg, s.at, ctx, deadline);
    log::debug!("gate evaluated in {:?}", ctx.started.elapsed());
    let code = if status_only {
        0
    } else {
        result.outcome.code()
    };
    let command = if status_only { "status" } else { "gate" };
    match s.format {
        Format::Json => report::emit(&report::json::render(command, code, &result)),
        Format::Text => {
            let prefix = if status_only { "gate would say " } else { "" };
            report::emit(&report::text::gate(&result, s.painter(), s.quiet, prefix));
        }
    }
    Ok(code)
}

pub fn lock(args: &LockArgs, s: &Settings, ctx: &Context) -> Result<u8, Error> {
    let reason = pick("reason", args.reason.as_deref(), ctx)
        .map(|r| r.value)
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| Error::Usage("`lock` needs --reason (or GREENLIGHT_LOCK_REASON), e.g. --reason \"incident INC-42\"".into()))?;
    let by = pick("by", args.by.as_deref(), ctx)
        .map(|b| b.value)
        .or_else(|| ctx.var("USER").map(str::to_string))
        .or_else(|| ctx.var("BITBUCKET_STEP_TRIGGERER_UUID").map(str::to_string));
    let expires = match pick("expires", args.expires.as_deref(), ctx) {
        Some(e) => {
            let d = crate::duration::parse(&e.value).map_err(|m| e.invalid(m))?;
            Some(s.at + chrono::Duration::from_std(d).map_err(|_| e.invalid("too long"))?)
        }
        None => None,
    };
    let record = LockRecord {
        locked: true,
        reason,
        by,
        since: Some(s.at),
        expires,
    };
    let detail = format!(
        "{}{}{}",
        record.reason,
        record
            .by
            .as_deref()
            .map(|b| format!(", by {b}"))
            .unwrap_or_default(),
        record
            .expires
            .map(|e| format!(", expires {}", e.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default()
    );
    write_all(
        s,
        ctx,
        &args.sources,
        args.source.as_deref(),
        "Locked",
        &detail,
        |src, d| src.lock(&record, d),
    )
}

pub fn unlock(args: &UnlockArgs, s: &Settings, ctx: &Context) -> Result<u8, Error> {
    write_all(
        s,
        ctx,
        &args.sources,
        args.source.as_deref(),
        "Unlocked",
        "",
        |src, d| src.unlock(d),
    )
}

/// Applies `op` to every writable source (or the one named), printing a
/// line per source. The exit code is the worst of them.
fn write_all(
    s: &Settings,
    ctx: &Context,
    sources: &SourceArgs,
    only: Option<&str>,
    verb: &str,
    detail: &str,
    op: impl Fn(&dyn Source, Deadline) -> Option<Result<String, LockError>>,
) -> Result<u8, Error> {
    let args = GateArgs {
        sources: sources.clone(),
        ..GateArgs::default()
    };
    let cfg = GateConfig::resolve(&args, s, ctx)?;
    let only = pick("source", only, ctx).map(|o| o.value);
    let specs: Vec<_> = cfg
        .sources
        .iter()
        .filter(|spec| only.as_deref().is_none_or(|n| spec.name() == n))
        .collect();
    if let Some(name) = &only {
        if specs.is_empty() {
            let known: Vec<&str> = cfg.sources.iter().map(|s| s.name()).collect();
            return Err(LockError::UnknownSource(name.clone(), known.join(", ")).into());
        }
    }
    let deadline = s.deadline(ctx);
    let mut outcomes = Vec::new();
    for spec in specs {
        let source = spec.build(ctx, cfg.policy);
        if let Some(result) = op(source.as_ref(), deadline) {
            outcomes.push((source.name().to_string(), result));
        }
    }
    if outcomes.is_empty() {
        return Err(LockError::NothingWritable.into());
    }
    let code = outcomes
        .iter()
        .map(|(_, r)| r.as_ref().map_or_else(LockError::code, |_| 0))
        .max()
        .unwrap_or(0);
    match s.format {
        Format::Json => {
            let rows: Vec<_> = outcomes
                .iter()
                .map(|(name, r)| match r {
                    Ok(m) => serde_json::json!({"source": name, "ok": true, "message": m}),
                    Err(e) => {
                        serde_json::json!({"source": name, "ok": false, "message": e.to_string()})
                    }
                })
                .collect();
            report::emit(&report::json::render(
                &verb.to_lowercase(),
                code,
                &serde_json::json!({ "results": rows }),
            ));
        }
        Format::Text => {
            let p = s.painter();
            for (name, r) in &outcomes {
                match r {
                    Ok(m) if detail.is_empty() => {
                        report::emit(&p.line(Mark::Ok, &format!("{verb} {name}: {m}")))
                    }
                    Ok(m) => {
                        report::emit(&p.line(Mark::Ok, &format!("{verb} {name}: {m} ({detail})")))
                    }
                    Err(e) => report::emit(&p.line(Mark::Fail, &e.to_string())),
                }
            }
        }
    }
    Ok(code)
}

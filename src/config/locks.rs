//! Stage two of lock sources (for `gate`, `status`, `lock`, `unlock`):
//! each `locks.sources` entry is built by its kind ([`crate::lock::KINDS`]),
//! then the sources given by flags (`--lock-env`, `--lock-file`,
//! `--lock-url`) are added. And of `lock`/`unlock`: the record to write
//! and the sources that can be written.

use chrono::{DateTime, Utc};

use super::{Inputs, Loaded, LockConfig};
use crate::cli::{LockArgs, SourceArgs, UnlockArgs};
use crate::context::Context;
use crate::http::{self, Policy};
use crate::input::{ConfigError, Keys, pick, pick_bool};
use crate::lock::{
    self, EnvSource, FileSource, HttpSource, HttpSpec, LockRecord, LockSource, Pointers, Setup,
    Write, default_name, token_from,
};
use crate::secret::Secrets;

/// Every configured lock source: the file's, then the flags'.
pub fn sources(
    args: &SourceArgs,
    file: Option<&Loaded>,
    ctx: &Context,
    store: Option<&std::sync::Arc<crate::store::Etcd>>,
) -> Result<Vec<Box<dyn LockSource>>, ConfigError> {
    sources_of(args, file, ctx, store, |_| true)
}

/// The config's writable lock sources only (others are not even built: a
/// missing incident API key does not stop `on_no_go`).
pub fn writable_sources(
    file: Option<&Loaded>,
    ctx: &Context,
    store: Option<&std::sync::Arc<crate::store::Etcd>>,
) -> Result<Vec<Box<dyn LockSource>>, ConfigError> {
    sources_of(&SourceArgs::default(), file, ctx, store, |k| k.writable())
}

fn sources_of(
    args: &SourceArgs,
    file: Option<&Loaded>,
    ctx: &Context,
    store: Option<&std::sync::Arc<crate::store::Etcd>>,
    keep: impl Fn(&dyn lock::LockKind) -> bool,
) -> Result<Vec<Box<dyn LockSource>>, ConfigError> {
    let policy = policy(file);
    let mut out: Vec<Box<dyn LockSource>> = Vec::new();
    if let Some(f) = file {
        for (i, entry) in f.file.locks.sources.iter().enumerate() {
            let e = &entry.value;
            let field = format!("locks.sources[{i}]");
            let kind = lock::by_name(&e.kind.value).ok_or_else(|| {
                f.text.error_at(
                    &e.kind.referenced,
                    format!("{field}.type"),
                    format!("unknown lock source type `{}`", e.kind.value),
                )
            })?;
            if !keep(kind) {
                continue;
            }
            let keys = Keys::new(&f.text, field, entry.referenced, &e.keys);
            keys.only(kind.keys(), |key| {
                format!(
                    "`{key}` does not apply to lock sources of type `{}`",
                    kind.name()
                )
            })?;
            let mut setup = Setup {
                name: e.name.clone(),
                keys,
                ctx,
                policy,
                store: store.cloned(),
            };
            let source = kind.configure(&mut setup)?;
            if let Some(key) = setup.keys.rest().next() {
                return Err(setup.keys.here(format!(
                    "`{key}` is not used by lock sources of type `{}`",
                    kind.name()
                )));
            }
            out.push(source);
        }
    }
    if let Some(s) = pick("lock-env", args.lock_env.as_deref(), ctx) {
        out.push(Box::new(EnvSource::new(
            default_name("env", &s.value),
            &s.value,
            ctx,
        )));
    }
    if let Some(s) = pick("lock-file", args.lock_file.as_deref(), ctx) {
        out.push(Box::new(FileSource::new(
            default_name("file", &s.value),
            &s.value,
            ctx,
        )));
    }
    if let Some(s) = pick("lock-url", args.lock_url.as_deref(), ctx) {
        http::check_url(&s.value).map_err(|m| s.invalid(m))?;
        let token = match pick("lock-token-env", args.lock_token_env.as_deref(), ctx) {
            Some(var) => Some(token_from(&var.value, ctx).map_err(|m| var.invalid(m))?),
            None => None,
        };
        let spec = HttpSpec {
            name: default_name("http", &http::authority(&s.value)),
            url: s.value.clone(),
            headers: Vec::new(),
            pointers: Pointers::default(),
        };
        let source =
            HttpSource::new(spec, token, Secrets::new(), policy).map_err(|m| s.invalid(m))?;
        out.push(Box::new(source));
    }
    for (i, s) in out.iter().enumerate() {
        if out[..i].iter().any(|o| o.name() == s.name()) {
            return Err(ConfigError::Usage(format!(
                "two lock sources are named `{}`: give one a `name`",
                s.name()
            )));
        }
    }
    Ok(out)
}

/// `locks.timeout` (per attempt) and `locks.retries` (at most 10).
fn policy(file: Option<&Loaded>) -> Policy {
    let locks = file.map(|f| &f.file.locks);
    let mut policy = Policy::default();
    if let Some(t) = locks.and_then(|l| l.timeout) {
        policy.timeout = t.get();
    }
    if let Some(r) = locks.and_then(|l| l.retries) {
        policy.retries = r.min(10);
    }
    policy
}

/// `lock`: the record (reason, who, since the run's clock, expiry) and
/// the sources to write it to.
pub fn lock(args: &LockArgs, i: &Inputs<'_>) -> Result<LockConfig, ConfigError> {
    let ctx = i.ctx;
    let reason = pick("reason", args.reason.as_deref(), ctx)
        .map(|r| r.value)
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| ConfigError::Usage("`lock` needs --reason (or GREENLIGHT_LOCK_REASON), e.g. --reason \"incident INC-42\"".into()))?;
    let by = pick("by", args.by.as_deref(), ctx)
        .map(|b| b.value)
        .or_else(|| ctx.var("USER").map(str::to_string))
        .or_else(|| ctx.var("BITBUCKET_STEP_TRIGGERER_UUID").map(str::to_string));
    let expires = match pick("expires", args.expires.as_deref(), ctx) {
        Some(e) => {
            let d = crate::duration::parse_positive(&e.value).map_err(|m| e.invalid(m))?;
            Some(after(i.settings.at, d).ok_or_else(|| e.invalid("too long"))?)
        }
        None => None,
    };
    let record = LockRecord {
        locked: true,
        reason,
        by,
        since: Some(i.settings.at),
        expires,
        auto: false,
    };
    Ok(LockConfig {
        write: Write::Lock {
            record,
            force: pick_bool("force", args.force, ctx),
        },
        sources: writable(&args.sources, args.source.as_deref(), i)?,
    })
}

/// `unlock`: the sources to lift the lock from.
pub fn unlock(args: &UnlockArgs, i: &Inputs<'_>) -> Result<LockConfig, ConfigError> {
    Ok(LockConfig {
        write: Write::Unlock {
            by: Some(crate::store::default_holder(i.ctx)),
        },
        sources: writable(&args.sources, args.source.as_deref(), i)?,
    })
}

/// `at + d`, or `None` past the calendar's end.
fn after(at: DateTime<Utc>, d: std::time::Duration) -> Option<DateTime<Utc>> {
    at.checked_add_signed(chrono::Duration::from_std(d).ok()?)
}

/// The sources that can be written, or only the one named by `--source`.
fn writable(
    args: &SourceArgs,
    only: Option<&str>,
    i: &Inputs<'_>,
) -> Result<Vec<Box<dyn LockSource>>, ConfigError> {
    let all = sources(args, i.file, i.ctx, i.store.as_ref())?;
    let only = pick("source", only, i.ctx).map(|o| o.value);
    if let Some(name) = &only
        && !all.iter().any(|s| s.name() == name)
    {
        let known: Vec<&str> = all.iter().map(|s| s.name()).collect();
        return Err(ConfigError::Usage(format!(
            "no lock source named `{name}` (known: {})",
            known.join(", ")
        )));
    }
    let chosen: Vec<Box<dyn LockSource>> = all
        .into_iter()
        .filter(|s| only.as_deref().is_none_or(|n| s.name() == n))
        .filter(|s| s.writer().is_some())
        .collect();
    if chosen.is_empty() {
        return Err(ConfigError::Usage(
            "no lock source can be written: configure a `file` or `http` lock source (--lock-file, --lock-url or locks.sources in the config)".into(),
        ));
    }
    Ok(chosen)
}

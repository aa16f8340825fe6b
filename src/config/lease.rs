//! Stage two of the deploy lease (`lease:` and `--lease`, `--ttl`,
//! `--wait`, `--slots`, `--holder`): the name, the holder, the time to
//! live and the slots, checked once. A lease needs the shared store.

use std::time::Duration;

use super::Inputs;
use crate::cli::LeaseArgs;
use crate::input::{ConfigError, Sourced, pick};
use crate::lease::LeasePlan;
use crate::store::{LeaseRequest, Leases};

/// Default time to live.
pub const DEFAULT_TTL: Duration = Duration::from_secs(30 * 60);
/// The most slots a lease may have.
const MAX_SLOTS: u32 = 100;

/// The lease to take, when one is named.
pub fn plan(args: &LeaseArgs, i: &Inputs<'_>) -> Result<Option<LeasePlan>, ConfigError> {
    let entry = i
        .file
        .and_then(|f| f.file.lease.clone())
        .unwrap_or_default();
    let name = match pick("lease", args.lease.as_deref(), i.ctx) {
        Some(s) => Some((s.value.clone(), Some(s))),
        None => entry.name.clone().map(|n| (n, None)),
    };
    let Some((name, from)) = name else {
        return Ok(None);
    };
    let bad = |from: &Option<Sourced>, m: String| match from {
        Some(s) => s.invalid(m),
        None => ConfigError::Usage(format!("lease: {m}")),
    };
    let name = name.trim().trim_matches('/').to_string();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(bad(
            &from,
            "a lease needs a name, e.g. shop/production".into(),
        ));
    }
    let Some(store) = i.store.clone() else {
        return Err(bad(
            &from,
            format!(
                "the lease `{name}` needs the shared store: add `store: {{type: etcd, endpoints: [...]}}` or --etcd-endpoints"
            ),
        ));
    };
    let duration = |s: Sourced| crate::duration::parse_positive(&s.value).map_err(|e| s.invalid(e));
    let ttl = match pick("ttl", args.ttl.as_deref(), i.ctx) {
        Some(s) => duration(s)?,
        None => entry.ttl.map_or(DEFAULT_TTL, |t| t.get()),
    };
    let wait = match pick("wait", args.wait.as_deref(), i.ctx) {
        Some(s) => Some(duration(s)?),
        None => entry.wait.map(|w| w.get()),
    };
    let slots = match pick("slots", args.slots.as_deref(), i.ctx) {
        Some(s) => s
            .value
            .trim()
            .parse::<u32>()
            .map_err(|_| s.invalid(format!("`{}` is not a number of slots", s.value)))?,
        None => entry.slots.unwrap_or(1),
    };
    if !(1..=MAX_SLOTS).contains(&slots) {
        return Err(bad(
            &None,
            format!("slots must be 1 to {MAX_SLOTS}, got {slots}"),
        ));
    }
    Ok(Some(LeasePlan {
        leases: Leases::new(store),
        request: LeaseRequest {
            name,
            holder: holder(args.holder.as_deref(), i),
            ttl,
            slots,
        },
        wait,
    }))
}

/// `release` and `verify --release`: the lease (`--lease` or the config's)
/// and the holder; with `force`, the reason is required.
pub fn release(
    target: &crate::cli::LeaseTarget,
    force: Option<(bool, Option<&str>)>,
    i: &Inputs<'_>,
) -> Result<crate::lease::ReleasePlan, ConfigError> {
    let entry = i
        .file
        .and_then(|f| f.file.lease.clone())
        .unwrap_or_default();
    let name = pick("lease", target.lease.as_deref(), i.ctx)
        .map(|s| s.value)
        .or(entry.name)
        .map(|n| n.trim().trim_matches('/').to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            ConfigError::Usage(
                "which lease? give --lease NAME (or `lease: {name: ...}` in the config)".into(),
            )
        })?;
    let store = i.store.clone().ok_or_else(|| {
        ConfigError::Usage(format!(
            "the lease `{name}` needs the shared store: add `store: {{type: etcd, endpoints: [...]}}` or --etcd-endpoints"
        ))
    })?;
    let given = pick("holder", target.holder.as_deref(), i.ctx).map(|s| s.value);
    let force = match force {
        Some((true, reason)) => {
            let reason = pick("reason", reason, i.ctx)
                .map(|s| s.value.trim().to_string())
                .filter(|r| !r.is_empty())
                .ok_or_else(|| {
                    ConfigError::Usage(
                        "--force frees someone else's lease: say why with --reason (it is recorded)".into(),
                    )
                })?;
            Some((given.clone(), reason))
        }
        _ => None,
    };
    Ok(crate::lease::ReleasePlan {
        leases: Leases::new(store),
        name,
        holder: holder(target.holder.as_deref(), i),
        force,
    })
}

/// `history`: a lease's, or an etcd lock source's.
pub fn history(
    args: &crate::cli::HistoryArgs,
    i: &Inputs<'_>,
) -> Result<crate::history::HistoryConfig, ConfigError> {
    let store = i.store.clone().ok_or_else(|| {
        ConfigError::Usage(
            "history is kept in the shared store: add `store: {type: etcd, endpoints: [...]}` or --etcd-endpoints".into(),
        )
    })?;
    if crate::input::pick_bool("overrides", args.overrides, i.ctx) {
        return Ok(crate::history::HistoryConfig {
            store,
            of: "overrides and rollbacks".into(),
            base: crate::store::history::overrides_key(),
        });
    }
    if let Some(source) = pick("source", args.source.as_deref(), i.ctx) {
        let key = source
            .value
            .trim()
            .strip_prefix("etcd:")
            .unwrap_or(source.value.trim())
            .to_string();
        // A source named otherwise is looked up in the config.
        let key = i
            .file
            .and_then(|f| {
                f.file.locks.sources.iter().find_map(|s| {
                    let s = &s.value;
                    (s.kind.value == "etcd" && s.name.as_deref() == Some(source.value.trim()))
                        .then(|| {
                            s.keys
                                .get("key")
                                .and_then(|v| v.value.as_str().map(str::to_string))
                        })
                        .flatten()
                })
            })
            .unwrap_or(key);
        return Ok(crate::history::HistoryConfig {
            store,
            of: format!("lock etcd:{key}"),
            base: crate::store::history::lock_key(key.trim_matches('/')),
        });
    }
    let entry = i
        .file
        .and_then(|f| f.file.lease.clone())
        .unwrap_or_default();
    let name = pick("lease", args.lease.as_deref(), i.ctx)
        .map(|s| s.value)
        .or(entry.name)
        .map(|n| n.trim().trim_matches('/').to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            ConfigError::Usage("whose history? give --lease NAME or --source NAME".into())
        })?;
    Ok(crate::history::HistoryConfig {
        store,
        of: format!("lease {name}"),
        base: crate::store::history::lease_key(&name),
    })
}

/// `--holder`, else the pipeline's identity.
pub fn holder(flag: Option<&str>, i: &Inputs<'_>) -> String {
    pick("holder", flag, i.ctx)
        .map(|s| s.value.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| crate::store::default_holder(i.ctx))
}

//! The shared store: where locks and deploy leases live so that every
//! pipeline of every repository sees them (issue #11). One kind today,
//! etcd ([`etcd`]), spoken to through its v3 JSON gateway.
//!
//! ```yaml
//! store:
//!   type: etcd
//!   endpoints: [https://etcd-1:2379, https://etcd-2:2379, https://etcd-3:2379]
//!   prefix: /greenlight/              # every key greenlight writes is under it
//!   ca_file: etcd-ca.pem              # optional TLS: CA, client certificate and key
//!   cert_file: client.pem
//!   key_file: client-key.pem
//!   user: deployer                    # optional auth
//!   password_env: ETCD_PASSWORD
//!   timeout: 5s                       # per attempt, per endpoint (default 5s)
//!   retries: 1                        # rounds over every endpoint after the first (default 1)
//! ```
//!
//! Flags and variables (`--etcd-endpoints`, `GREENLIGHT_ETCD_ENDPOINTS`,
//! ...) set or replace these keys. [`lease`] keeps deploy leases in it,
//! [`history`] what happened.

pub mod etcd;
pub mod history;
pub mod lease;

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

pub use etcd::{Compare, Etcd, EtcdSpec, Kv, Op, StoreError, TxnResult};
pub use lease::{Lease, LeaseRequest, Leases, Queued, Released, Taken};

use crate::context::Context;
use crate::duration::HumanDuration;
use crate::http::Policy;
use crate::input::{ConfigError, Sourced};

/// `store:` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreEntry {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub endpoints: Vec<String>,
    pub prefix: Option<String>,
    pub ca_file: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
    pub user: Option<String>,
    pub password_env: Option<String>,
    pub timeout: Option<HumanDuration>,
    pub retries: Option<u32>,
}

/// The store settings given by flags or variables (each replaces the
/// file's key of the same name).
#[derive(Debug, Default)]
pub struct StoreFlags {
    pub endpoints: Option<Sourced>,
    pub prefix: Option<Sourced>,
    pub ca_file: Option<Sourced>,
    pub cert_file: Option<Sourced>,
    pub key_file: Option<Sourced>,
    pub user: Option<Sourced>,
    pub password_env: Option<Sourced>,
}

const DEFAULT_PREFIX: &str = "/greenlight/";

/// Builds the store, if one is configured (by the file or by
/// `--etcd-endpoints`). Secrets are read here, once; files relative to the
/// working directory.
pub fn resolve(
    file: Option<&StoreEntry>,
    flags: &StoreFlags,
    run_trust: &crate::http::Trust,
    ctx: &Context,
) -> Result<Option<Arc<Etcd>>, ConfigError> {
    let usage = |m: String| ConfigError::Usage(format!("store: {m}"));
    let entry = file.cloned().unwrap_or_default();
    if let Some(kind) = entry.kind.as_deref().filter(|k| *k != "etcd") {
        return Err(usage(format!("unknown store type `{kind}` (known: etcd)")));
    }
    let endpoints: Vec<String> = match &flags.endpoints {
        Some(s) => s
            .value
            .split([',', ';', ' '])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect(),
        None => entry.endpoints.clone(),
    };
    if endpoints.is_empty() {
        if file.is_some() {
            return Err(usage(
                "`endpoints` is empty: list the cluster's client URLs, e.g. [https://etcd-1:2379]"
                    .into(),
            ));
        }
        return Ok(None);
    }
    for e in &endpoints {
        crate::http::check_url(e).map_err(|m| match &flags.endpoints {
            Some(s) => s.invalid(m),
            None => usage(format!("endpoints: {m}")),
        })?;
    }
    let pick =
        |flag: &Option<Sourced>, key: &Option<String>| -> Option<(String, Option<Sourced>)> {
            match flag {
                Some(s) => Some((s.value.clone(), Some(s.clone()))),
                None => key.clone().map(|v| (v, None)),
            }
        };
    let mut prefix =
        pick(&flags.prefix, &entry.prefix).map_or_else(|| DEFAULT_PREFIX.to_string(), |(p, _)| p);
    if !prefix.ends_with('/') {
        prefix.push('/');
    }
    let read = |(path, from): (String, Option<Sourced>),
                what: &'static str|
     -> Result<Vec<u8>, ConfigError> {
        let until = std::time::Instant::now() + Duration::from_secs(60);
        crate::input::read::read_bytes(&ctx.cwd.join(&path), 1 << 20, what, until).map_err(|e| {
            let m = format!("{what} `{path}`: {e}");
            match from {
                Some(s) => s.invalid(m),
                None => usage(m),
            }
        })
    };
    let ca = match pick(&flags.ca_file, &entry.ca_file) {
        Some(f) => {
            let pem = read(f.clone(), "CA file")?;
            Some(
                crate::http::Trust::from_pem(&pem)
                    .map_err(|m| usage(format!("CA file `{}`: {m}", f.0)))?,
            )
        }
        None => None,
    };
    let client = match (
        pick(&flags.cert_file, &entry.cert_file),
        pick(&flags.key_file, &entry.key_file),
    ) {
        (Some(c), Some(k)) => Some((read(c, "client certificate")?, read(k, "client key")?)),
        (None, None) => None,
        _ => {
            return Err(usage(
                "a client certificate needs both `cert_file` and `key_file`".into(),
            ));
        }
    };
    let tls = if ca.is_some() || client.is_some() {
        let client = client.as_ref().map(|(c, k)| (c.as_slice(), k.as_slice()));
        // Without its own CA, the store trusts what the run trusts.
        Some(crate::http::tls_config(ca.as_ref().or(Some(run_trust)), client).map_err(usage)?)
    } else {
        None
    };
    let user = match (
        pick(&flags.user, &entry.user),
        pick(&flags.password_env, &entry.password_env),
    ) {
        (Some((user, _)), Some((var, from))) => {
            let password = ctx
                .secret(&var, "etcd's password")
                .map_err(|m| match from {
                    Some(s) => s.invalid(m),
                    None => usage(format!("password_env: {m}")),
                })?;
            Some((user, password))
        }
        (None, None) => None,
        _ => return Err(usage("auth needs both `user` and `password_env`".into())),
    };
    let mut policy = Policy {
        timeout: Duration::from_secs(5),
        retries: 1,
        ..Policy::default()
    };
    if let Some(t) = entry.timeout {
        policy.timeout = t.get();
    }
    if let Some(r) = entry.retries {
        policy.retries = r.min(10);
    }
    Ok(Some(Arc::new(Etcd::new(EtcdSpec {
        endpoints,
        prefix,
        user,
        tls,
        policy,
    }))))
}

/// A name as one key segment: `/`, `%` and control characters escaped, so
/// that no name's keys can be mistaken for another's.
pub fn key_part(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '/' | '%' => format!("%{:02X}", u32::from(c)),
            c if c.is_control() => format!("%{:02X}", u32::from(c) & 0xff),
            c => c.to_string(),
        })
        .collect()
}

/// Who a pipeline is, so that the `gate` that took a lease and the
/// `release` that frees it match without configuration: in Bitbucket
/// Pipelines the repository, the pipeline and the step
/// (`BITBUCKET_REPO_FULL_NAME`, `BITBUCKET_PIPELINE_UUID`,
/// `BITBUCKET_STEP_UUID`: parallel steps are distinct holders; a later
/// step releasing gives `--holder`), in Bamboo the build result
/// (`bamboo_buildResultKey`), else `user@host`.
pub fn default_holder(ctx: &Context) -> String {
    if let (Some(repo), Some(pipeline)) = (
        ctx.var("BITBUCKET_REPO_FULL_NAME"),
        ctx.var("BITBUCKET_PIPELINE_UUID"),
    ) {
        return match ctx.var("BITBUCKET_STEP_UUID") {
            Some(step) => format!("{repo}#{pipeline}/{step}"),
            None => format!("{repo}#{pipeline}"),
        };
    }
    if let Some(key) = ctx.var("bamboo_buildResultKey") {
        return format!("bamboo:{key}");
    }
    let user = ctx
        .var("USER")
        .or_else(|| ctx.var("USERNAME"))
        .unwrap_or("unknown");
    let host = ctx
        .var("HOSTNAME")
        .map(str::to_string)
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{user}@{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_holder_is_the_pipeline() {
        let ctx = Context::with_env(&[
            ("BITBUCKET_REPO_FULL_NAME", "acme/shop"),
            ("BITBUCKET_PIPELINE_UUID", "{1234}"),
            ("BITBUCKET_STEP_UUID", "{s1}"),
        ]);
        assert_eq!(default_holder(&ctx), "acme/shop#{1234}/{s1}");
        let ctx = Context::with_env(&[("bamboo_buildResultKey", "SHOP-DEPLOY-42")]);
        assert_eq!(default_holder(&ctx), "bamboo:SHOP-DEPLOY-42");
        let ctx = Context::with_env(&[("USER", "alice"), ("HOSTNAME", "ci-7")]);
        assert_eq!(default_holder(&ctx), "alice@ci-7");
    }
}

//! Locking by itself after a bad deploy (`on_no_go: {lock: true}`): when
//! `verify` or `compare` says no-go, a lock is written to every writable
//! lock source (etcd, file, HTTP) whose reason names what failed and links
//! the pipeline run, so that nobody deploys on top of a bad deploy until a
//! person unlocks. Someone else's lock already there is left as it is (and
//! said); the verdict and its exit code are unchanged.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::context::Context;
use crate::http::Deadline;
use crate::lock::{LockRecord, LockRun, LockSource, Write, write_all};

/// The longest reason written (a verdict summary can be long).
const MAX_REASON: usize = 400;

pub struct AutoLock {
    /// The writable lock sources.
    pub sources: Vec<Box<dyn LockSource>>,
    pub expires: Option<Duration>,
    /// Who locks: the pipeline.
    pub by: String,
    /// The pipeline run, when the CI says where it is.
    pub link: Option<String>,
}

impl AutoLock {
    /// Writes the lock; `why` is the verdict's one sentence.
    pub fn apply(&self, why: &str, at: DateTime<Utc>, deadline: Deadline) -> LockRun {
        let mut reason = format!("bad deploy: {why}");
        if reason.chars().count() > MAX_REASON {
            reason = reason.chars().take(MAX_REASON - 1).collect::<String>() + "…";
        }
        if let Some(link) = &self.link {
            reason.push_str(&format!(" ({link})"));
        }
        let record = LockRecord {
            locked: true,
            reason,
            by: Some(self.by.clone()),
            since: Some(at),
            expires: self
                .expires
                .and_then(|d| chrono::Duration::from_std(d).ok())
                .and_then(|d| at.checked_add_signed(d)),
            auto: true,
        };
        write_all(
            &self.sources,
            Write::Lock {
                record,
                force: false,
            },
            at,
            deadline,
        )
    }
}

/// The CI run's page: Bitbucket Pipelines
/// (`$BITBUCKET_GIT_HTTP_ORIGIN/pipelines/results/$BITBUCKET_BUILD_NUMBER`)
/// or Bamboo (`bamboo_resultsUrl`).
pub fn pipeline_link(ctx: &Context) -> Option<String> {
    if let (Some(origin), Some(n)) = (
        ctx.var("BITBUCKET_GIT_HTTP_ORIGIN"),
        ctx.var("BITBUCKET_BUILD_NUMBER"),
    ) {
        let origin = origin.replacen("http://", "https://", 1);
        return Some(format!(
            "{}/pipelines/results/{n}",
            origin.trim_end_matches('/')
        ));
    }
    ctx.var("bamboo_resultsUrl").map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_the_pipeline_run() {
        let ctx = Context::with_env(&[
            (
                "BITBUCKET_GIT_HTTP_ORIGIN",
                "http://bitbucket.org/acme/shop",
            ),
            ("BITBUCKET_BUILD_NUMBER", "412"),
        ]);
        assert_eq!(
            pipeline_link(&ctx).as_deref(),
            Some("https://bitbucket.org/acme/shop/pipelines/results/412")
        );
        let ctx = Context::with_env(&[(
            "bamboo_resultsUrl",
            "https://bamboo.acme.com/browse/SHOP-DEPLOY-42",
        )]);
        assert_eq!(
            pipeline_link(&ctx).as_deref(),
            Some("https://bamboo.acme.com/browse/SHOP-DEPLOY-42")
        );
        assert_eq!(pipeline_link(&Context::with_env(&[])), None);
    }
}

//! Stage two of `on_no_go:` for `verify` and `compare`: the writable lock
//! sources a no-go locks, who locks (the pipeline) and the link to its run.

use super::Inputs;
use crate::autolock::{AutoLock, pipeline_link};
use crate::input::ConfigError;

pub fn resolve(i: &Inputs<'_>) -> Result<Option<AutoLock>, ConfigError> {
    let Some(entry) = i.file.and_then(|f| f.file.on_no_go.clone()) else {
        return Ok(None);
    };
    if !entry.lock {
        return Ok(None);
    }
    let sources = super::locks::writable_sources(i.file, i.ctx, i.store.as_ref())?;
    if sources.is_empty() {
        return Err(ConfigError::Usage(
            "on_no_go.lock needs a lock source that can be written: an `etcd`, `file` or `http` source in locks.sources".into(),
        ));
    }
    Ok(Some(AutoLock {
        sources,
        expires: entry.expires.map(|e| e.get()),
        by: crate::store::default_holder(i.ctx),
        link: pipeline_link(i.ctx),
    }))
}

/// Whether the config asks a no-go to lock (then the store is needed).
pub fn wanted(file: Option<&super::Loaded>) -> bool {
    file.and_then(|f| f.file.on_no_go.as_ref())
        .is_some_and(|o| o.lock)
}

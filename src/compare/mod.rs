//! Baseline comparison: is the canary (the new stack) worse than a
//! baseline? Issue #4; product spec in `PRODUCT.md` ("Baseline
//! comparison"). The statistics are the judge's ([`crate::judge`]); this
//! module configures, fetches and gathers.
//!
//! # The flow
//!
//! ```text
//! YAML `compare:` ─serde─▶ CompareEntry ─resolve(ctx, --at, flags)─▶ CompareConfig ─fetch─▶ values per side
//!   (leaves checked:          (config.rs)   (templates filled, queries      (plan.rs)   (concurrent, bounded
//!    line:col)                               concrete, secrets read)                     by the deadline)
//!       ─▶ samples / counts ─judge_all─▶ Verdict ─▶ CompareResult (result.rs) ─▶ text / JSON / JUnit
//! ```
//!
//! - [`config`]: the section as written; its module docs show the YAML.
//! - [`resolve`], [`source`], [`sides`], [`metric`]: stage two, errors at
//!   file:line:column naming the field.
//! - [`fetch`]: the queries; [`run`]: from values to a [`CompareResult`].
//!
//! Three kinds of baseline: the old stack over the same window (template
//! variables per side, `{{group}}` = `blue` / `green`), the same queries
//! earlier (`baseline: {offset: 7d}`, reported as weaker evidence), or a
//! per-metric fixed `bound` (absolute SLO; only the canary is queried).
//!
//! A source that fails (Prometheus down, a query it rejects, a missing
//! file) makes its metric an `Error` with the cause; the verdict is then
//! at best inconclusive (exit 3), never a silent pass.

pub mod config;
pub mod fetch;
pub mod metric;
pub mod plan;
pub mod resolve;
pub mod result;
pub mod run;
pub mod sides;
pub mod source;
pub mod template;
pub mod values;

#[cfg(test)]
mod tests;

pub use config::CompareEntry;
pub use plan::CompareConfig;
pub use result::CompareResult;
pub use run::run;
pub use sides::Overrides;

use crate::config::{ConfigError, Settings};
use crate::context::Context;

/// The comparison configured in the settings' file, or `None` when the
/// file has no `compare:` section.
pub fn load(
    settings: &Settings,
    overrides: &Overrides,
    ctx: &Context,
) -> Result<Option<CompareConfig>, ConfigError> {
    let Some(loaded) = settings.file.as_ref() else {
        return Ok(None);
    };
    let Some(entry) = loaded.file.compare.as_ref() else {
        return Ok(None);
    };
    resolve::resolve(loaded, entry, overrides, settings.at, ctx).map(Some)
}

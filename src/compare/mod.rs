//! Baseline comparison: is the canary (the new stack) worse than a
//! baseline? Issue #4; product spec in `PRODUCT.md` ("Baseline
//! comparison"). The statistics are the judge's ([`crate::judge`]); this
//! module configures, fetches and gathers.
//!
//! # The flow
//!
//! ```text
//! YAML `compare:` ─serde─▶ CompareEntry ─resolve(ctx, --at, flags)─▶ CompareConfig ─fetch─▶ series per side
//!   (leaves checked:          (config.rs)   (templates filled, queries      (plan.rs)   (concurrent, bounded
//!    line:col)                               built by the source kind)                   by the deadline)
//!       ─▶ samples / counts ─judge_all─▶ Verdict ─▶ CompareResult (result.rs) ─▶ text / JSON / JUnit
//! ```
//!
//! - [`config`]: the section as written; its module docs show the YAML.
//!   A metric's source keys (`query`, `file`, `column`...) belong to the
//!   source kind ([`crate::metrics`]), which reads them in stage two.
//! - [`resolve`], [`sides`], [`metric`]: stage two, errors at
//!   file:line:column naming the field.
//! - [`fetch`] runs the queries, [`combine`] turns series into samples,
//!   [`run`] goes from values to a [`CompareResult`].
//!
//! Three kinds of baseline: the old stack over the same window (template
//! variables per side, `{{group}}` = `blue` / `green`), the same queries
//! earlier (`baseline: {offset: 7d}`, reported as weaker evidence), or a
//! per-metric fixed `bound` (absolute SLO; only the canary is queried).
//!
//! A source that fails (Prometheus down, a query it rejects, a missing
//! file) makes its metric an `Error` with the cause; the verdict is then
//! at best inconclusive (exit 3), never a silent pass.

pub mod combine;
pub mod config;
pub mod counters;
pub mod evidence;
pub mod fetch;
pub mod metric;
pub mod plan;
pub mod resolve;
pub mod result;
pub mod run;
pub mod sides;
pub mod template;
pub mod values;
pub mod watch;

#[cfg(test)]
mod tests;

pub use config::CompareEntry;
pub use plan::{CompareConfig, Comparison};
pub use resolve::resolve;
pub use result::CompareResult;
pub use run::run;
pub use sides::Overrides;

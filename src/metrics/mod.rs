//! Metric sources: where the numbers the judge compares come from. Each
//! kind is one file behind [`MetricKind`] and [`MetricSource`] (see
//! [`source`]), listed once in [`KINDS`]:
//!
//! | kind | what | time series |
//! |---|---|---|
//! | `prometheus` | range queries (PromQL) | yes (`window`, `step`, `offset`) |
//! | `file` | CSV/TSV/JSON/NDJSON/k6 samples | no: every value is a sample |
//! | `datadog` | metric queries (`/api/v1/query`) | yes (`window`, `offset`) |
//! | `sentry` | release health sessions, event counts | yes |
//! | `signalfx` | Splunk Observability metric time series | yes |
//!
//! Sources know nothing about statistics: they fetch [`Series`]; the
//! comparison ([`crate::compare`]) combines, counts and judges them.
//! Non-finite values (`NaN`, `+Inf`, `-Inf`) are kept as they come: the
//! judge counts and reports what it drops.
//!
//! Adding a kind: a file here implementing [`MetricKind`],
//! [`MetricSource`] and [`Query`], and its line in the `registry!` of
//! [`KINDS`] (see `src/registry.rs`).

mod api;
mod error;
pub mod file_values;
pub mod source;

pub use error::MetricsError;
pub use source::{
    Asked, Fetched, Fill, MetricKind, MetricSource, PlanSide, Query, Range, Request, Role, Series,
    TimeSeries,
};

registry! {
    /// Every kind of metric source, by `compare.source.type`.
    pub static KINDS: [dyn MetricKind] = {
        pub prometheus::Prometheus,
        pub file::File,
        pub datadog::Datadog,
        pub sentry::Sentry,
        pub signalfx::SignalFx,
        #[cfg(feature = "test-kinds")] fixed::Fixed,
    }
}

/// The keys a metric of any kind may take.
pub fn all_metric_keys() -> Vec<&'static str> {
    crate::input::union(KINDS.iter().map(|k| k.metric_keys()))
}

/// The keys `compare.source` of any kind may take.
pub fn all_source_keys() -> Vec<&'static str> {
    crate::input::union(KINDS.iter().map(|k| k.source_keys()))
}

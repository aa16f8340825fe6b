//! `type: fixed` (tests only, feature `test-kinds`): values written in the
//! config itself. It exists to prove that a metric source is one file and
//! one line in [`super::KINDS`], and to feed the judge exact numbers in
//! end-to-end tests.
//!
//! ```yaml
//! compare:
//!   source: { type: fixed }
//!   metrics:
//!     - { name: latency, baseline_values: [100, 101, 99], canary_values: [130, 131, 129] }
//! ```

use super::source::{
    Asked,Fetched, MetricKind, MetricSource, PlanSide, Query, Request, Series, TimeSeries};
use super::MetricsError;
use crate::context::Context;
use crate::http::Deadline;
use crate::input::{ConfigError, Keys};

pub struct Fixed;

impl MetricKind for Fixed {
    fn name(&self) -> &'static str {
        "fixed"
    }
    fn source_keys(&self) -> &'static [&'static str] {
        &[]
    }
    fn metric_keys(&self) -> &'static [&'static str] {
        &["baseline_values", "canary_values"]
    }
    fn time_series(&self) -> Option<TimeSeries> {
        None
    }
    fn configure(&self, _: &mut Keys<'_>, _: &Context) -> Result<Box<dyn MetricSource>, ConfigError> {
        Ok(Box::new(FixedSource))
    }
}

struct FixedSource;

impl MetricSource for FixedSource {
    fn name(&self) -> &str {
        "fixed"
    }
    fn plan(&self, keys: &mut Keys<'_>, side: &PlanSide<'_>) -> Result<Request, ConfigError> {
        if side.asked != Asked::Values {
            return Err(keys.here("a `fixed` metric is continuous".into()));
        }
        let key = format!("{}_values", side.side);
        let values = keys
            .take::<Vec<f64>>(&key)?
            .ok_or_else(|| keys.here(format!("needs `{key}`")))?;
        Ok(Request::Values(Box::new(FixedValues(key, values.value))))
    }
}

/// The key the values were written under, and the values.
#[derive(Debug)]
struct FixedValues(String, Vec<f64>);

impl Query for FixedValues {
    fn describe(&self) -> String {
        format!("{} ({} values)", self.0, self.1.len())
    }
    fn fetch(&self, _: Deadline) -> Result<Fetched, MetricsError> {
        Ok(Fetched {
            series: vec![Series {
                values: self.1.clone(),
                ..Series::default()
            }],
            warnings: Vec::new(),
        })
    }
}

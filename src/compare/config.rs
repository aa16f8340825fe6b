//! The `compare:` section as written (stage one). Unknown keys are errors;
//! leaves are checked as they are read ([`super::values`]); what depends on
//! several keys (a ratio metric needs `errors` and `total`, a query may only
//! use variables both sides define) is checked in [`super::resolve`], at
//! the place kept by `Spanned`.
//!
//! ```yaml
//! compare:
//!   source:
//!     type: prometheus
//!     url: http://prometheus.internal:9090
//!     token_env: PROMETHEUS_TOKEN          # bearer token from this variable; never printed
//!     headers: { X-Scope-OrgID: payments }
//!     timeout: 10s                         # per attempt (default 10s)
//!     retries: 2
//!   window: 10m                            # ending at --at, or now (default 10m)
//!   step: 15s                              # default 15s; not below the scrape interval
//!   baseline: { group: blue }              # or { offset: 7d } (historical)
//!   canary: { group: "${NEW_GROUP}" }      # ${VAR}s come from the environment
//!   confidence: 0.95
//!   min_samples: 20
//!   thresholds: { pass: 95, marginal: 75 }
//!   metrics:
//!     - name: latency_p95
//!       query: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{group="{{group}}"}[1m])))
//!       tolerance: 10%
//!       critical: true
//!     - name: errors
//!       kind: ratio
//!       errors: sum(increase(http_requests_total{group="{{group}}",code=~"5.."}[{{step}}]))
//!       total: sum(increase(http_requests_total{group="{{group}}"}[{{step}}]))
//!       tolerance: 50%
//!     - name: p95 under 300ms
//!       query: histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{group="{{group}}"}[1m])))
//!       bound: 300ms                       # absolute SLO: only the canary is queried
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

use super::values::{Confidence, MinSamples, Quantity, Scalar, Score, Unit, Weight};
use crate::duration::HumanDuration;
use crate::input::{Keyed, RawKeys, deserialize_keyed, key_list, read_kind, unset};
use crate::metrics;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareEntry {
    pub source: Spanned<SourceEntry>,
    pub window: Option<Spanned<HumanDuration>>,
    pub step: Option<Spanned<HumanDuration>>,
    /// The label that tells replicas apart (default `instance`).
    pub replica_label: Option<Spanned<String>>,
    pub baseline: Option<Spanned<SideEntry>>,
    pub canary: Option<Spanned<SideEntry>>,
    pub confidence: Option<Confidence>,
    pub min_samples: Option<MinSamples>,
    pub thresholds: Option<Spanned<ThresholdsEntry>>,
    /// Watch the canary this long, looking every `every` (`--watch`).
    pub watch: Option<Spanned<HumanDuration>>,
    pub every: Option<Spanned<HumanDuration>>,
    /// While watching, stop at the first clear go too.
    pub stop_on_go: Option<bool>,
    pub metrics: Spanned<Vec<Spanned<MetricEntry>>>,
}

/// Where the numbers come from: `type` names a metric source kind
/// ([`crate::metrics::KINDS`]); the other keys are that kind's own.
#[derive(Debug)]
pub struct SourceEntry {
    pub kind: Spanned<String>,
    pub keys: RawKeys,
}

impl Default for SourceEntry {
    fn default() -> Self {
        SourceEntry {
            kind: unset(),
            keys: RawKeys::default(),
        }
    }
}

impl Keyed for SourceEntry {
    const EXPECTING: &'static str = "a metric source: a map with `type`";
    fn expected() -> &'static [&'static str] {
        static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
        key_list(&KEYS, &["type"], metrics::all_source_keys)
    }
    fn plugin_keys() -> Vec<&'static str> {
        metrics::all_source_keys()
    }
    fn common<'de, A: MapAccess<'de>>(&mut self, key: &str, m: &mut A) -> Result<bool, A::Error> {
        if key != "type" {
            return Ok(false);
        }
        self.kind = read_kind(m, metrics::name_list())?;
        Ok(true)
    }
    fn required(&self) -> (&'static str, &Spanned<String>) {
        ("type", &self.kind)
    }
    fn plugin_map(&mut self) -> &mut RawKeys {
        &mut self.keys
    }
}

impl<'de> Deserialize<'de> for SourceEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_keyed(d)
    }
}

/// One side's template variables, and for a historical baseline `offset`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct SideEntry(pub BTreeMap<String, Spanned<Scalar>>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsEntry {
    pub pass: Option<Score>,
    pub marginal: Option<Score>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindEntry {
    Continuous,
    Ratio,
    /// A latency quantile from raw histogram buckets.
    Histogram,
    /// A gauge's slope over the window (leaks).
    Trend,
}

impl KindEntry {
    pub fn name(self) -> &'static str {
        match self {
            KindEntry::Continuous => "continuous",
            KindEntry::Ratio => "ratio",
            KindEntry::Histogram => "histogram",
            KindEntry::Trend => "trend",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectionEntry {
    Increase,
    Decrease,
    Either,
}

/// One metric: the comparison's own keys, typed; the source's keys
/// (`query`, `file`, `column`...) kept for the source to read
/// ([`crate::metrics::MetricSource::plan`]).
#[derive(Debug)]
pub struct MetricEntry {
    pub name: Spanned<String>,
    pub kind: Option<KindEntry>,
    pub direction: Option<DirectionEntry>,
    pub tolerance: Option<Spanned<Quantity>>,
    pub bound: Option<Spanned<Quantity>>,
    pub unit: Option<Unit>,
    pub critical: bool,
    pub must_have_data: bool,
    pub weight: Option<Weight>,
    pub min_samples: Option<MinSamples>,
    pub combine: Option<Spanned<CombineEntry>>,
    /// The quantile of a histogram metric (default 0.95).
    pub quantile: Option<Spanned<Quantity>>,
    /// The source's keys.
    pub keys: RawKeys,
}

/// The comparison's own keys of a metric, in the order messages list them.
const METRIC_KEYS: &[&str] = &[
    "name",
    "kind",
    "direction",
    "tolerance",
    "bound",
    "unit",
    "critical",
    "must_have_data",
    "weight",
    "min_samples",
    "combine",
    "quantile",
];

impl Default for MetricEntry {
    fn default() -> Self {
        MetricEntry {
            name: unset(),
            kind: None,
            direction: None,
            tolerance: None,
            bound: None,
            unit: None,
            critical: false,
            must_have_data: false,
            weight: None,
            min_samples: None,
            combine: None,
            quantile: None,
            keys: RawKeys::default(),
        }
    }
}

impl Keyed for MetricEntry {
    const EXPECTING: &'static str = "a metric: a map with `name` and its query";
    /// The comparison's keys, then every source's.
    fn expected() -> &'static [&'static str] {
        static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
        key_list(&KEYS, METRIC_KEYS, metrics::all_metric_keys)
    }
    fn plugin_keys() -> Vec<&'static str> {
        metrics::all_metric_keys()
    }
    fn common<'de, A: MapAccess<'de>>(&mut self, key: &str, m: &mut A) -> Result<bool, A::Error> {
        match key {
            "name" => self.name = m.next_value()?,
            "kind" => self.kind = m.next_value()?,
            "direction" => self.direction = m.next_value()?,
            "tolerance" => self.tolerance = m.next_value()?,
            "bound" => self.bound = m.next_value()?,
            "unit" => self.unit = m.next_value()?,
            "critical" => self.critical = m.next_value()?,
            "must_have_data" => self.must_have_data = m.next_value()?,
            "weight" => self.weight = m.next_value()?,
            "min_samples" => self.min_samples = m.next_value()?,
            "combine" => self.combine = m.next_value()?,
            "quantile" => self.quantile = m.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn required(&self) -> (&'static str, &Spanned<String>) {
        ("name", &self.name)
    }
    fn plugin_map(&mut self) -> &mut RawKeys {
        &mut self.keys
    }
}

impl<'de> Deserialize<'de> for MetricEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_keyed(d)
    }
}

/// `sum` (default), `pool`, or `{ label: pod, value: "{{pod}}" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CombineEntry {
    Sum,
    Pool,
    Select { label: String, value: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectMap {
    label: String,
    value: Scalar,
}

impl<'de> Deserialize<'de> for CombineEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CombineEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`sum`, `pool`, or `{ label: NAME, value: VALUE }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CombineEntry, E> {
                match v {
                    "sum" => Ok(CombineEntry::Sum),
                    "pool" => Ok(CombineEntry::Pool),
                    other => Err(E::custom(format!(
                        "unknown combine `{other}` (expected `sum`, `pool`, or `{{ label: NAME, value: VALUE }}`)"
                    ))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<CombineEntry, A::Error> {
                let s = SelectMap::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(CombineEntry::Select {
                    label: s.label,
                    value: s.value.0,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        compare: CompareEntry,
    }

    fn parse(yaml: &str) -> Result<CompareEntry, String> {
        serde_saphyr::from_str::<Doc>(yaml)
            .map(|d| d.compare)
            .map_err(|e| e.without_snippet().to_string())
    }

    #[test]
    fn the_documented_example_parses() {
        let yaml = crate::doc_example::yaml_in_module_docs(include_str!("config.rs"), "compare:");
        let c = parse(&yaml).unwrap();
        assert_eq!(c.metrics.value.len(), 3);
        assert_eq!(c.source.value.kind.value, "prometheus");
        assert_eq!(
            c.metrics.value[2].value.bound.as_ref().unwrap().value,
            Quantity::Time(0.3)
        );
        assert_eq!(
            c.baseline.unwrap().value.0["group"].value,
            Scalar("blue".into())
        );
    }

    #[test]
    fn combine_forms() {
        let c = parse(
            "compare:\n  source: {type: file}\n  metrics:\n    - {name: a, combine: pool}\n    - {name: b, combine: {label: pod, value: 3}}\n",
        )
        .unwrap();
        assert_eq!(
            c.metrics.value[0].value.combine.as_ref().unwrap().value,
            CombineEntry::Pool
        );
        assert_eq!(
            c.metrics.value[1].value.combine.as_ref().unwrap().value,
            CombineEntry::Select {
                label: "pod".into(),
                value: "3".into()
            }
        );
        let e =
            parse("compare:\n  source: {type: file}\n  metrics:\n    - {name: a, combine: max}\n")
                .unwrap_err();
        assert!(e.contains("unknown combine `max`"), "{e}");
    }

    #[test]
    fn bad_leaves_are_located() {
        let e = parse(
            "compare:\n  source: {type: file}\n  metrics:\n    - name: a\n      tolerance: ten percent\n",
        )
        .unwrap_err();
        assert!(e.contains("line 5, column 18"), "{e}");
        assert!(e.contains("`ten percent` is not a number"), "{e}");
        let e = parse("compare:\n  source: {type: file}\n  confidence: 95\n  metrics: []\n")
            .unwrap_err();
        assert!(e.contains("line 3") && e.contains("column 15"), "{e}");
    }
}

//! Tests across the judge's parts: SciPy reference values, verdict rules,
//! and simulations on fixed seeds.

mod classification;
mod reference;
mod series_reference;
mod simulation;
mod support;
mod verdict_rules;

//! `gate` and `status`: the deploy window and every lock source at the
//! run's one clock. `status` evaluates the same; its exit code differs
//! ([`crate::result::RunResult::exit_code`]).

use crate::config::Settings;
use crate::gate::{self, GateConfig, GateResult};

pub fn gate(cfg: &GateConfig, s: &Settings) -> GateResult {
    let result = gate::evaluate(cfg, s.at, s.deadline);
    log::debug!("gate evaluated: {:?}", result.outcome);
    result
}

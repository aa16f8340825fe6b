#!/usr/bin/env bash
# Benchmark (not a test): the judge on simulated services in a real
# Prometheus, the full table of issue #10. Runs the end-to-end test
# `simulation::the_judge_on_simulated_services` (tests/e2e/simulation.rs)
# with 200 runs per cell instead of the suite's 20, release build, and
# prints its table: per cell (healthy A/A at 0/3/6/10% replica variation,
# +20% latency / 3x errors / 3 MiB/min leak at 0/3%) the share of no-go and
# go verdicts, and per metric the share classified high and the share whose
# 95% interval contains "no change"; then the watch runs (15m every 1m).
# The data is described in tests/e2e/support/sim.rs.
#
# Usage: bench/simulate.sh [RUNS] [SEED]   (default 200 runs per cell, seed 1)
# Needs prometheus and promtool (Debian package `prometheus`).
set -euo pipefail
cd "$(dirname "$0")/.."
export SIM_RUNS="${1:-200}" SIM_SEED="${2:-1}"
cargo test --release --quiet --features test-kinds --test e2e -- \
  simulation::the_judge_on_simulated_services --exact --nocapture 2>&1 |
  grep -E '^(\||A/A|Simulated|watch|targets|.*panicked)' || true

#!/usr/bin/env bash
# Benchmark of the checks engine: N checks (default 200) against a local
# server that delays each response (default 200 ms); prints the run's wall
# time against its slowest single check, at several concurrency limits.
#   bench/checks.sh [--checks N] [--delay-ms MS]
# Optimised, but without the release profile's LTO, to build quickly.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_PROFILE_BENCH_LTO=false CARGO_PROFILE_BENCH_CODEGEN_UNITS=16
exec cargo bench --quiet --bench checks -- "$@"

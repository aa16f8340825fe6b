#!/usr/bin/env bash
# Benchmark (not a test): greenlight's judge against SciPy on 1,000,000 vs
# 1,000,000 samples, in the same run on the same data.
#
# - builds bench/judge (a small runner over the greenlight library) with
#   --release;
# - installs SciPy + NumPy from PyPI into a throwaway venv in a temp dir and
#   generates the samples there (log-normal latencies with ties);
# - runs the Rust judge (Mann-Whitney + Hodges–Lehmann with its 95%
#   interval, then the full one-metric judgement) and SciPy's
#   mannwhitneyu(method="asymptotic") under GNU time, and prints wall time
#   and peak RSS side by side. SciPy has no Hodges–Lehmann; the naive
#   median of the 10^12 pairwise differences would need 8 TB.
#
# Usage: bench/judge.sh [N]   (default N = 1000000 per side)
set -euo pipefail
n="${1:-1000000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$here/judge/Cargo.lock"' EXIT

. "$here/common.sh"
need_gnu_time

echo "building the runner (release) ..." >&2
cp "$root/Cargo.lock" "$here/judge/Cargo.lock"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}/bench-judge" \
  cargo build --quiet --release --manifest-path "$here/judge/Cargo.toml"
runner="${CARGO_TARGET_DIR:-$root/target}/bench-judge/release/judge-bench"

echo "installing scipy + numpy into a throwaway venv ..." >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check scipy numpy
py="$work/venv/bin/python"

echo "generating $n vs $n samples ..." >&2
"$py" "$here/judge_scipy.py" generate "$n" "$work/baseline.f64" "$work/canary.f64"

measure() { # label, output file, command...
  local label="$1" out="$2"
  shift 2
  /usr/bin/time -v -o "$work/$label.time" "$@" >"$out"
}
measure rust "$work/rust.json" "$runner" "$work/baseline.f64" "$work/canary.f64"
measure scipy "$work/scipy.json" "$py" "$here/judge_scipy.py" run "$work/baseline.f64" "$work/canary.f64"

wall() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$1"; }

echo
echo "== $n vs $n samples =="
printf '%-44s %-14s %s\n' "process" "wall (m:ss)" "peak RSS"
printf '%-44s %-14s %s\n' "greenlight judge (MWU + HL + CI + verdict)" "$(wall "$work/rust.time")" "$(rss "$work/rust.time")"
printf '%-44s %-14s %s\n' "python + scipy.stats.mannwhitneyu" "$(wall "$work/scipy.time")" "$(rss "$work/scipy.time")"
echo
echo "greenlight: $(cat "$work/rust.json")"
echo "scipy:      $(cat "$work/scipy.json")"

#!/usr/bin/env bash
# Benchmark (not a test): whole-process time and peak memory of
# `greenlight gate` on a local config, next to a `date`-based shell script
# doing the same weekly-window check. Prints figures; asserts nothing.
#
#   bench/gate.sh [runs]        (default 30 runs; needs hyperfine and GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
if ! command -v hyperfine >/dev/null || [ ! -x /usr/bin/time ]; then
  apt-get install -y -qq hyperfine time >/dev/null
fi

# GREENLIGHT_BIN: a binary already built (bench/ship.sh passes the musl one).
bin=${GREENLIGHT_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release --quiet; bin=target/release/greenlight
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/greenlight.yml" <<'YAML'
timezone: Australia/Sydney
windows: [Mon-Fri 09:00-15:30]
freezes:
  - { name: holidays, reason: Holiday freeze, yearly: { from: "12-24", to: "01-02" } }
locks:
  sources:
    - { type: env, variable: DEPLOY_LOCK }
    - { type: file, path: lock.json }
YAML
cat > "$work/gate.sh" <<'SH'
#!/bin/sh
# The same weekly window check with date(1): Mon-Fri 09:00-15:30 Sydney.
dow=$(TZ=Australia/Sydney date +%u); hm=$(TZ=Australia/Sydney date +%H%M)
if [ -n "${DEPLOY_LOCK:-}" ] || [ -f lock.json ]; then echo "locked"; exit 1; fi
if [ "$dow" -le 5 ] && [ "$hm" -ge 0900 ] && [ "$hm" -lt 1530 ]; then echo "open"; exit 0; fi
echo "closed"; exit 1
SH
chmod +x "$work/gate.sh"
abs_bin=$(realpath "$bin")

echo "binary: $bin, $(stat -c %s "$bin") bytes ($(( $(stat -c %s "$bin") / 1024 )) KiB)"
cd "$work"
hyperfine --warmup 3 --runs "$runs" -N -i --export-json hf.json \
  "$abs_bin gate --quiet" "./gate.sh" >/dev/null 2>&1
python3 - <<'PY'
import json
r = json.load(open("hf.json"))["results"]
for x in r:
    print(f'{x["command"]:<40} median {x["median"]*1000:7.2f} ms  mean {x["mean"]*1000:7.2f} ms  min {x["min"]*1000:7.2f} ms')
print(f'ratio greenlight/shell (median): {r[0]["median"]/r[1]["median"]:.2f}')
PY
# Peak RSS (max resident set, KiB) of the whole process: median of 15 runs.
rss() {
  for _ in $(seq 15); do
    /usr/bin/time -f %M "$@" >/dev/null 2>"$work/rss" || true
    tail -1 "$work/rss"
  done | sort -n | sed -n 8p
}
gl_rss=$(rss "$abs_bin" gate --quiet); sh_rss=$(rss ./gate.sh)
echo "peak RSS (median of 15): greenlight $gl_rss KiB, shell $sh_rss KiB"
python3 -c "print(f'ratio greenlight/shell (peak RSS): {$gl_rss/$sh_rss:.2f}')"

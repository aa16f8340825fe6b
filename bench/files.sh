#!/usr/bin/env bash
# Benchmark (not a test): `greenlight compare` on big load-test files,
# against Python + SciPy on the same files in the same run (issue #13).
#
# 1. k6: two `k6 run --out json` files of REQUESTS requests each (8 Point
#    lines a request: http_reqs, 6 timings, http_req_failed; ~10 tags each,
#    plus the Metric lines), latency = http_req_duration{status="200"}.
#    Python: a streaming script reading line by line with json.loads,
#    filtering on type, metric and tag, then scipy.stats.mannwhitneyu; and
#    the same script skipping lines that do not name the metric before
#    parsing them (what greenlight does).
# 2. CSV: ROWS rows a side (timestamp, latency_ms, status, bytes);
#    greenlight compare on latency_ms against pandas.read_csv +
#    scipy.stats.mannwhitneyu.
#
# Prints wall time and peak RSS (GNU time) of each process, and the ratios.
# Needs ~3.3 GB of disk per million requests a side.
#
# Usage: bench/files.sh [REQUESTS] [ROWS]   (default 1000000 1000000)
#        SCI_PYTHON=/path/to/python with scipy+numpy+pandas skips the venv.
set -euo pipefail
requests="${1:-1000000}"
rows="${2:-1000000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

. "$here/common.sh"
need_gnu_time
build_greenlight

py="${SCI_PYTHON:-}"
if [ -z "$py" ]; then
  echo "installing scipy + numpy + pandas into a throwaway venv ..." >&2
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check scipy numpy pandas
  py="$work/venv/bin/python"
fi

echo "generating 2 k6 files of $requests requests and 2 CSV files of $rows rows ..." >&2
"$py" - "$requests" "$rows" "$work" <<'PY'
import sys, numpy as np
requests, rows, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
names = ["http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
         "http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_failed"]
kinds = {"http_reqs": "counter", "http_req_failed": "rate"}
def k6(path, seed, scale):
    rng = np.random.default_rng(seed)
    latency = rng.lognormal(np.log(120 * scale), 0.4, requests).round(3)
    status = np.where(rng.random(requests) < 0.01, "503", "200")
    with open(path, "w", buffering=1 << 22) as f:
        for m in names:
            kind = kinds.get(m, "trend")
            contains = "time" if kind == "trend" else "default"
            f.write('{"type":"Metric","data":{"name":"%s","type":"%s","contains":"%s","thresholds":[],"submetrics":null},"metric":"%s"}\n' % (m, kind, contains, m))
        out = []
        for i in range(requests):
            s = status[i]
            tags = ('{"expected_response":"%s","group":"","method":"GET","name":"https://shop.example.com/api/cart?id=%d",'
                    '"proto":"HTTP/1.1","scenario":"default","status":"%s","tls_version":"tls1.3","url":"https://shop.example.com/api/cart?id=%d"}'
                    % ("true" if s == "200" else "false", i % 100, s, i % 100))
            t = "2026-12-04T10:%02d:%02d.%06d+00:00" % ((i // 60000) % 60, (i // 1000) % 60, i % 1000 * 1000)
            d = latency[i]
            for m, v in (("http_reqs", 1), ("http_req_duration", d), ("http_req_blocked", 0.004),
                         ("http_req_connecting", 0), ("http_req_tls_handshaking", 0),
                         ("http_req_sending", 0.021), ("http_req_waiting", round(d * 0.97, 3)),
                         ("http_req_failed", 0 if s == "200" else 1)):
                out.append('{"metric":"%s","type":"Point","data":{"time":"%s","value":%s,"tags":%s}}\n' % (m, t, v, tags))
            if len(out) >= 80000:
                f.write("".join(out)); out = []
        f.write("".join(out))
def csv(path, seed, scale):
    rng = np.random.default_rng(seed)
    latency = rng.lognormal(np.log(120 * scale), 0.4, rows).round(3)
    with open(path, "w") as f:
        f.write("timestamp,latency_ms,status,bytes\n")
        f.write("".join("2026-12-04T10:00:%02dZ,%s,200,%d\n" % (i % 60, latency[i], 512 + i % 900) for i in range(rows)))
k6(f"{work}/blue.json", 1, 1.0); k6(f"{work}/green.json", 2, 1.02)
csv(f"{work}/blue.csv", 3, 1.0); csv(f"{work}/green.csv", 4, 1.02)
PY

cat >"$work/k6.yml" <<'YAML'
compare:
  source: { type: file }
  baseline: { group: blue }
  canary: { group: green }
  metrics:
    - name: latency
      file: "{{group}}.json"
      format: k6
      metric: http_req_duration
      tags: { status: "200" }
      unit: ms
YAML
cat >"$work/csv.yml" <<'YAML'
compare:
  source: { type: file }
  baseline: { group: blue }
  canary: { group: green }
  metrics:
    - { name: latency, file: "{{group}}.csv", column: latency_ms, unit: ms }
YAML
cat >"$work/k6_test.py" <<'PY'
import json, sys
from scipy.stats import mannwhitneyu
prefilter = sys.argv[1] == "prefilter"
def values(path):
    out = []
    with open(path) as f:
        for line in f:
            if prefilter and '"http_req_duration"' not in line:
                continue
            o = json.loads(line)
            if o["type"] == "Point" and o["metric"] == "http_req_duration" and o["data"]["tags"].get("status") == "200":
                out.append(o["data"]["value"])
    return out
b, c = values(sys.argv[2]), values(sys.argv[3])
r = mannwhitneyu(c, b, method="asymptotic")
print(len(b), len(c), r.pvalue)
PY
cat >"$work/csv_test.py" <<'PY'
import sys, pandas as pd
from scipy.stats import mannwhitneyu
b = pd.read_csv(sys.argv[1])["latency_ms"].dropna().to_numpy()
c = pd.read_csv(sys.argv[2])["latency_ms"].dropna().to_numpy()
r = mannwhitneyu(c, b, method="asymptotic")
print(len(b), len(c), r.pvalue)
PY

measure() { # label, command...
  local label="$1"
  shift
  (cd "$work" && /usr/bin/time -v -o "$work/$label.time" "$@" >"$work/$label.out" 2>&1) || true
}
wall_s() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.2f", s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$1"; }

cat "$work/blue.json" "$work/green.json" >/dev/null # warm the page cache alike for everyone
measure k6_greenlight "$bin" --config k6.yml compare --format json
measure k6_python "$py" k6_test.py plain blue.json green.json
measure k6_python_prefilter "$py" k6_test.py prefilter blue.json green.json
measure csv_greenlight "$bin" --config csv.yml compare --format json
measure csv_python "$py" csv_test.py blue.csv green.csv

size() { du -h "$work/$1" | cut -f1; }
echo
echo "== k6: $requests requests a side ($(size blue.json) + $(size green.json)) =="
printf '%-48s %-10s %s\n' process "wall (s)" "peak RSS"
for l in k6_greenlight k6_python k6_python_prefilter; do
  printf '%-48s %-10s %s\n' "$l" "$(wall_s "$work/$l.time")" "$(rss "$work/$l.time")"
done
awk -v g="$(wall_s "$work/k6_greenlight.time")" -v p="$(wall_s "$work/k6_python.time")" -v q="$(wall_s "$work/k6_python_prefilter.time")" \
  'BEGIN { printf "greenlight / python: %.3f; greenlight / python with the prefilter: %.3f (target <= 0.25 of python)\n", g / p, g / q }'
echo
echo "== CSV: $rows rows a side =="
printf '%-48s %-10s %s\n' process "wall (s)" "peak RSS"
for l in csv_greenlight csv_python; do
  printf '%-48s %-10s %s\n' "$l" "$(wall_s "$work/$l.time")" "$(rss "$work/$l.time")"
done
echo
echo "greenlight k6:  $(grep -o '"reason": *"[^"]*"' "$work/k6_greenlight.out" | head -1)"
echo "python k6:      $(cat "$work/k6_python.out")"
echo "greenlight csv: $(grep -o '"reason": *"[^"]*"' "$work/csv_greenlight.out" | head -1)"
echo "python csv:     $(cat "$work/csv_python.out")"

#!/usr/bin/env bash
# Benchmark (not a test): memory of `greenlight compare` on large Prometheus
# answers (issue #9 item 6: two 12 MB answers took 142 MB).
#
# Serves one large `query_range` answer (SERIES series x POINTS points,
# about 12 MB with the defaults) from a local Python HTTP server for every
# query, runs `greenlight compare` on a metric whose baseline and canary
# both fetch it (two answers at once), and prints the answer size, the peak
# RSS (GNU time) and their ratio.
#
# Usage: bench/prometheus_memory.sh [SERIES] [POINTS]   (default 50 10000)
set -euo pipefail
series="${1:-50}"
points="${2:-10000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

. "$here/common.sh"
need_gnu_time
build_greenlight

python3 - "$series" "$points" "$work/answer.json" <<'PY'
import json, sys
series, points, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
start = 1767225600
with open(path, "w") as f:
    f.write('{"status":"success","data":{"resultType":"matrix","result":[')
    for s in range(series):
        if s:
            f.write(",")
        values = ",".join(f'[{start + 15 * i},"{0.1 + (i % 97) * 0.0013:.6f}"]' for i in range(points))
        f.write(json.dumps({"metric": {"instance": f"10.0.0.{s}:9100"}})[:-1] + ',"values":[' + values + "]}")
    f.write("]}}")
PY
size=$(stat -c %s "$work/answer.json")

cat >"$work/serve.py" <<'PY'
import http.server, sys
body = open(sys.argv[1], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$work/serve.py" "$work/answer.json" >"$work/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")

cat >"$work/greenlight.yml" <<EOF2
compare:
  source: { type: prometheus, url: "http://127.0.0.1:$port", timeout: 60s }
  window: 10m
  baseline: { group: blue }
  canary: { group: green }
  metrics:
    - { name: cpu, query: 'cpu{group="{{group}}"}', combine: pool }
EOF2
cd "$work"
/usr/bin/time -f "%e s, %M KiB" -o "$work/time" "$bin" compare --quiet --deadline 120s >/dev/null || true
read -r wall _ rss _ <"$work/time"
printf 'answer: %d bytes (%.1f MiB) x 2 at once, %d series x %d points\n' "$size" "$(echo "$size/1048576" | bc -l)" "$series" "$points"
printf 'greenlight compare: %s s wall, peak RSS %d KiB (%.1f MiB), %.2f x the two answers\n' \
  "$wall" "$rss" "$(echo "$rss/1024" | bc -l)" "$(echo "$rss*1024/($size*2)" | bc -l)"

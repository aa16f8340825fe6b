#!/usr/bin/env bash
# Benchmark (not a test): deploy leases on a local 3-member etcd cluster.
#
# - starts etcd (Debian's etcd-server) three times on 127.0.0.1, data in a
#   temp dir, stopped by PID on exit;
# - builds greenlight (release);
# - round trips: N times `gate --lease` followed by `release`, one after
#   the other; prints the median and p99 of each pair, in milliseconds;
# - contention: 50 pipelines start `gate --lease --wait 10m` at once, and
#   each releases as soon as it holds the lease (slots: 1); prints the time
#   until all 50 were served, one after another, and checks from the
#   lease's history that no two ever held it at once.
#
# Usage: bench/lease.sh [N]   (default N = 200)
set -euo pipefail
n="${1:-200}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
c=(); p=()
for i in 0 1 2; do c+=("$(port)"); p+=("$(port)"); done
cluster="m0=http://127.0.0.1:${p[0]},m1=http://127.0.0.1:${p[1]},m2=http://127.0.0.1:${p[2]}"
for i in 0 1 2; do
  etcd --name "m$i" --data-dir "$work/m$i" \
    --listen-client-urls "http://127.0.0.1:${c[$i]}" --advertise-client-urls "http://127.0.0.1:${c[$i]}" \
    --listen-peer-urls "http://127.0.0.1:${p[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${p[$i]}" \
    --initial-cluster "$cluster" --initial-cluster-token "bench-$$" --log-level error \
    >/dev/null 2>&1 &
  pids+=("$!")
done
endpoints="http://127.0.0.1:${c[0]},http://127.0.0.1:${c[1]},http://127.0.0.1:${c[2]}"
for _ in $(seq 100); do
  ETCDCTL_API=3 etcdctl --endpoints="$endpoints" endpoint health >/dev/null 2>&1 && break
  sleep 0.1
done

echo "building greenlight (release) ..." >&2
(cd "$root" && cargo build --release --quiet)
g="$root/target/release/greenlight"
export GREENLIGHT_ETCD_ENDPOINTS="$endpoints"

ms() { date +%s%N; }
times="$work/times"
: >"$times"
for i in $(seq "$n"); do
  t0=$(ms)
  "$g" gate --lease bench/roundtrip --holder "bench-$i" --quiet >/dev/null
  "$g" release --lease bench/roundtrip --holder "bench-$i" --quiet >/dev/null
  t1=$(ms)
  echo $(( (t1 - t0) / 1000 )) >>"$times"
done
sort -n "$times" | awk -v n="$n" '
  { v[NR] = $1 }
  END {
    printf "gate --lease + release, %d round trips on a 3-member etcd: median %.2f ms, p99 %.2f ms, max %.2f ms\n",
      n, v[int((n + 1) / 2)] / 1000, v[int(n * 0.99 + 0.999)] / 1000, v[n] / 1000
  }'

start=$(ms)
clients=()
for i in $(seq 50); do
  ( "$g" gate --lease bench/contended --holder "pipeline-$i" --wait 10m --quiet >/dev/null 2>&1 &&
    "$g" release --lease bench/contended --holder "pipeline-$i" --quiet >/dev/null ) &
  clients+=("$!")
done
failed=0
for c in "${clients[@]}"; do wait "$c" || failed=$((failed + 1)); done
end=$(ms)
"$g" history --lease bench/contended --format json >"$work/history.json"
python3 - "$work/history.json" "$(( (end - start) / 1000000 ))" "$failed" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))["events"]
taken = [e for e in events if e["event"] == "taken"]
held, worst = set(), 0
for e in events:
    if e["event"] == "taken":
        held.add(e["by"]); worst = max(worst, len(held))
    elif e["event"] in ("released", "force-released"):
        held.discard(e.get("replaced"))
print(f"50 contending gates (slots 1, --wait): all served in {int(sys.argv[2]) / 1000:.2f} s "
      f"({len(taken)} leases taken, at most {worst} held at once, {sys.argv[3]} gates failed)")
# The benchmark's one check: one holder at a time, every gate served.
if worst > 1 or len(taken) != 50 or sys.argv[3] != "0":
    sys.exit("FAILED: two held the lease at once, or a gate was not served")
PY

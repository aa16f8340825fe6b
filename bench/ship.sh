#!/usr/bin/env bash
# Benchmark (not a test) of what ships: the static musl binary's size, the
# pipe image's size, and `greenlight gate` with a local config as a whole
# process (median time and peak memory, via bench/gate.sh) next to a
# date-based shell gate doing the same window check. Prints figures only.
#
#   bench/ship.sh [runs]        (default 30; needs buildah, hyperfine, GNU time)
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-musl
runs=${1:-30}

cargo build --release --quiet --target "$target"
bin=target/$target/release/greenlight
echo "== static binary"
file "$bin" | sed 's/^[^:]*: //'
ldd "$bin" 2>&1 | sed 's/^\s*/ldd: /' || true
size=$(stat -c %s "$bin")
echo "size: $size bytes ($(python3 -c "print(f'{$size/1048576:.2f}')") MiB)"

echo "== pipe image (FROM scratch, buildah, vfs)"
if command -v buildah >/dev/null; then
  store=$(mktemp -d)
  b() { buildah --root "$store/root" --runroot "$store/run" --storage-driver vfs "$@"; }
  cleanup() { b rmi --all --force >/dev/null 2>&1 || true; rm -rf "$store"; }
  trap cleanup EXIT
  start=$(date +%s.%N)
  b bud --quiet --isolation chroot --tag localhost/greenlight-bench:latest . >/dev/null
  end=$(date +%s.%N)
  echo "image: $(b images --format '{{.Size}}' localhost/greenlight-bench:latest) (built in $(python3 -c "print(f'{$end-$start:.2f}')") s)"
else
  echo "image: buildah is not installed; skipped"
fi

echo "== gate: greenlight (musl) vs date-based shell, whole process"
GREENLIGHT_BIN=$bin bench/gate.sh "$runs"

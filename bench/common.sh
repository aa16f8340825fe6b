# Sourced by the bench scripts: what several of them need first.
#
#   need_gnu_time       installs Debian's `time` (GNU time, for peak RSS)
#   build_greenlight    builds the release binary and sets $bin to it
#
# Expects $root (the repository) to be set by the caller.

need_gnu_time() {
  if ! [ -x /usr/bin/time ]; then
    echo "installing GNU time (Debian package 'time')" >&2
    apt-get install -y -qq time >/dev/null
  fi
}

build_greenlight() {
  echo "building greenlight (release) ..." >&2
  cargo build --quiet --release --manifest-path "$root/Cargo.toml"
  bin="${CARGO_TARGET_DIR:-$root/target}/release/greenlight"
}

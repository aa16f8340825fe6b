#!/bin/sh
# greenlight as a Bamboo Script task (README "Bamboo").
#
#   bamboo/greenlight-task.sh [COMMAND [ARGS...]]      COMMAND defaults to gate
#
# Plan and deployment variables reach a task as bamboo_* variables, and
# greenlight reads bamboo_greenlight_* itself (plan variable
# greenlight.window is bamboo_greenlight_window). This script only:
#   1. finds the binary: $GREENLIGHT_BIN or greenlight.bin, then `greenlight`
#      on PATH, else downloads the static Linux build once per agent (cached
#      by version and URL) and checks its SHA-256 before every run, cached
#      or not (a binary changed on the agent is refused);
#   2. in a deployment, uses greenlight.<environment>.yml when that file
#      exists and no config is set (environment lower-cased, spaces as -);
#   3. runs greenlight and exits with its code: 0 go, 1 no-go, 2 bad input,
#      3 inconclusive. Any non-zero code fails the task. Its own failures use
#      the same codes: 3 when the download fails, 2 on a checksum mismatch.
#
# Download variables (plan, deployment or global):
#   greenlight.download_version   default below
#   greenlight.download_url       default: the project's Bitbucket downloads
#   greenlight.download_sha256    default: the .sha256 file published beside it
set -eu

version=${bamboo_greenlight_download_version:-0.1.0}
url=${bamboo_greenlight_download_url:-https://bitbucket.org/greenlight/greenlight/downloads/greenlight-$version-x86_64-linux-musl}
sha256=${bamboo_greenlight_download_sha256:-}

say() { printf 'greenlight-task: %s\n' "$*" >&2; }

fetch() { # fetch URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 --connect-timeout 10 --max-time 120 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -T 30 -t 3 -O "$2" "$1"
  else
    say "neither curl nor wget is installed; set greenlight.bin or put greenlight on PATH"
    exit 2
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

sha256_of_stdin() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum | cut -d' ' -f1
  else
    shasum -a 256 | cut -d' ' -f1
  fi
}

# The SHA-256 the binary must have: greenlight.download_sha256, else the
# .sha256 file published beside the binary (fetched every run, so that a
# cached binary is checked against the publisher, not against itself).
expected_sha256() {
  if [ -n "$sha256" ]; then
    return
  fi
  if ! fetch "$url.sha256" "$1"; then
    say "could not download $url.sha256 (or set greenlight.download_sha256)"
    exit 3
  fi
  sha256=$(cut -d' ' -f1 <"$1")
}

download() {
  # Cached per version and per URL: another URL is another binary.
  key=$(printf '%s' "$url" | sha256_of_stdin | cut -c1-16)
  dir=${bamboo_agentWorkingDirectory:-${TMPDIR:-/tmp}}/greenlight/$version-$key
  bin=$dir/greenlight
  mkdir -p "$dir"
  tmp=$(mktemp "$dir/.download.XXXXXX")
  trap 'rm -f "$tmp" "$tmp.sha256"' EXIT
  expected_sha256 "$tmp.sha256"
  if [ -x "$bin" ]; then
    actual=$(sha256_of "$bin")
    if [ "$actual" = "$sha256" ]; then
      rm -f "$tmp" "$tmp.sha256"
      trap - EXIT
      return
    fi
    say "the cached $bin does not match its checksum (expected $sha256, got $actual): downloading it again"
  fi
  say "downloading greenlight $version from $url"
  if ! fetch "$url" "$tmp"; then
    say "could not download $url"
    exit 3
  fi
  actual=$(sha256_of "$tmp")
  if [ "$actual" != "$sha256" ]; then
    say "checksum mismatch for $url: expected $sha256, got $actual; not running it"
    exit 2
  fi
  chmod +x "$tmp"
  mv -f "$tmp" "$bin"
  rm -f "$tmp.sha256"
  trap - EXIT
}

bin=${GREENLIGHT_BIN:-${bamboo_greenlight_bin:-}}
if [ -n "$bin" ]; then
  if [ ! -x "$bin" ]; then
    say "$bin (GREENLIGHT_BIN or greenlight.bin) is not an executable file"
    exit 2
  fi
elif command -v greenlight >/dev/null 2>&1; then
  bin=greenlight
else
  download
fi

command=${1:-gate}
if [ $# -gt 0 ]; then shift; fi

env_name=${bamboo_deploy_environment:-}
if [ -n "$env_name" ] && [ -z "${GREENLIGHT_CONFIG:-}${bamboo_greenlight_config:-}" ]; then
  env_config="greenlight.$(printf '%s' "$env_name" | tr 'A-Z ' 'a-z-').yml"
  if [ -f "$env_config" ]; then
    say "deployment environment $env_name: using $env_config"
    GREENLIGHT_CONFIG=$env_config
    export GREENLIGHT_CONFIG
  fi
fi

exec "$bin" "$command" "$@"

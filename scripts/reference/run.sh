#!/usr/bin/env bash
# Regenerates the reference values the judge and the freezes are checked
# against: tests/data/judge/reference.json and series_reference.json (SciPy,
# NumPy, statsmodels) and tests/data/window/rrule_reference.json
# (python-dateutil). Installs them from PyPI into a throwaway virtualenv in
# a temp dir, runs the make_*.py scripts beside this one, and removes the
# venv. Versions are pinned so the files are reproducible; override with
# SCIPY_SPEC / NUMPY_SPEC / STATSMODELS_SPEC / DATEUTIL_SPEC (e.g.
# SCIPY_SPEC=scipy).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "${SCIPY_SPEC:-scipy==1.17.1}" "${NUMPY_SPEC:-numpy==2.4.6}" \
  "${STATSMODELS_SPEC:-statsmodels==0.15.0}" "${DATEUTIL_SPEC:-python-dateutil==4.0.0}"
out="$root/tests/data/judge/reference.json"
mkdir -p "$(dirname "$out")"
"$venv/bin/python" "$here/make_reference.py" > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
rrule="$root/tests/data/window/rrule_reference.json"
mkdir -p "$(dirname "$rrule")"
"$venv/bin/python" "$here/make_rrule_reference.py" > "$rrule.tmp"
mv "$rrule.tmp" "$rrule"
echo "wrote $rrule"
series="$root/tests/data/judge/series_reference.json"
"$venv/bin/python" "$here/make_series_reference.py" > "$series.tmp"
mv "$series.tmp" "$series"
echo "wrote $series"

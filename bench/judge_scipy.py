"""The SciPy side of bench/judge.sh: generate the samples, or time
scipy.stats.mannwhitneyu on them. Prints one JSON line."""

import json
import sys
import time

import numpy as np
from scipy import stats


def generate(n, baseline_path, canary_path):
    # Log-normal latencies (median 120 ms, σ 0.5) at 1 µs resolution, so
    # there are ties; the canary is 2% slower.
    rng = np.random.default_rng(42)
    baseline = np.round(rng.lognormal(np.log(120.0), 0.5, n), 3)
    canary = np.round(1.02 * rng.lognormal(np.log(120.0), 0.5, n), 3)
    baseline.astype("<f8").tofile(baseline_path)
    canary.astype("<f8").tofile(canary_path)


def run(baseline_path, canary_path):
    baseline = np.fromfile(baseline_path, dtype="<f8")
    canary = np.fromfile(canary_path, dtype="<f8")
    t = time.perf_counter()
    res = stats.mannwhitneyu(canary, baseline, alternative="two-sided", method="asymptotic")
    elapsed = time.perf_counter() - t
    print(json.dumps({"n": [len(baseline), len(canary)], "u": float(res.statistic),
                      "p_two_sided": float(res.pvalue), "mannwhitneyu_s": elapsed}))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        run(sys.argv[2], sys.argv[3])

#!/usr/bin/env python3
"""Reference values for greenlight's judge, computed with SciPy and NumPy.

Writes JSON to stdout (run.sh stores it as tests/data/judge/reference.json).
The Rust tests in src/judge/tests/reference.rs read that file and compare
within 1e-9 relative (exact methods) or 1e-6 (normal approximations).

Conventions shared with the Rust side: x = canary, y = baseline; U is the
statistic of x; "greater" means the canary tends to be larger.

- Mann-Whitney: scipy.stats.mannwhitneyu(x, y, alternative, method,
  use_continuity=True) for method in asymptotic / exact (samples without
  ties only) / auto.
- Hodges-Lehmann: numpy.median(numpy.subtract.outer(x, y)).
- Two Poisson rates: conditioning on the total error count N, the canary's
  count is Binomial(N, p0) with p0 = r*t1 / (r*t1 + t2) for the null rate
  ratio r; scipy.stats.binomtest(x1, N, p0, alternative).pvalue, and
  binomtest(x1, N).proportion_ci(confidence, method="exact").
- Rate against a bound: binomtest(x, n, bound, alternative).
- Sign test against a bound: binomtest(above, above + below, 0.5, alt);
  median interval: scipy.stats.quantile_test(x).confidence_interval().

Samples are rounded to a few decimals so that JSON parsing cannot change
their order or ties.
"""

import json
import math
import re
import sys

import numpy as np
import scipy
from scipy import stats

ALTERNATIVES = ["two-sided", "less", "greater"]


def has_ties(x, y):
    pooled = np.concatenate([x, y])
    return len(np.unique(pooled)) < len(pooled)


def mwu_case(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    case = {"name": name, "canary": x.tolist(), "baseline": y.tolist()}
    # Exact only without ties, and only where greenlight computes it exactly
    # (C(n1 + n2, n1) must fit in a signed 128-bit integer; beyond that it
    # falls back to the normal approximation).
    exact_ok = not has_ties(x, y) and math.comb(len(x) + len(y), len(x)) < 2**126
    methods = ["asymptotic", "auto"] + (["exact"] if exact_ok else [])
    for method in methods:
        ps = {}
        for alt in ALTERNATIVES:
            res = stats.mannwhitneyu(x, y, alternative=alt, method=method, use_continuity=True)
            ps[alt] = float(res.pvalue)
            case["u"] = float(res.statistic)
        case["p_" + method] = ps
    case["hodges_lehmann"] = float(np.median(np.subtract.outer(x, y)))
    return case


def distinct(values):
    """Rounded values, nudged until all are distinct (for the exact path)."""
    seen, out = set(), []
    for v in values:
        v = round(float(v), 3)
        while v in seen:
            v = round(v + 0.001, 3)
        seen.add(v)
        out.append(v)
    return out


def mwu_cases():
    rng = np.random.default_rng(20240601)
    cases = []
    pool = distinct(rng.normal(100, 15, 200))
    cases.append(mwu_case("exact_5v7", pool[0:5], pool[5:12]))
    cases.append(mwu_case("exact_8v8_shifted", [v + 20 for v in pool[12:20]], pool[20:28]))
    cases.append(mwu_case("exact_3v10", pool[28:31], pool[31:41]))
    cases.append(mwu_case("exact_1v6", pool[41:42], pool[42:48]))
    cases.append(mwu_case("exact_8v60", pool[48:56], pool[56:116]))
    cases.append(mwu_case("exact_7v9_negative", [v - 110 for v in pool[116:123]],
                          [v - 100 for v in pool[123:132]]))
    cases.append(mwu_case("exact_25v30_requested", [v + 8 for v in pool[132:157]], pool[157:187]))
    cases.append(mwu_case("ties_6v6", [1, 2, 2, 3, 5, 5], [2, 3, 3, 4, 4, 6]))
    cases.append(mwu_case("ties_poisson_30v40", rng.poisson(3, 30), rng.poisson(3.5, 40)))
    cases.append(mwu_case("normal_1000v1200",
                          np.round(rng.normal(10, 2, 1000), 4),
                          np.round(rng.normal(10.1, 2, 1200), 4)))
    cases.append(mwu_case("lognormal_200v150_plus20pct",
                          np.round(1.2 * rng.lognormal(np.log(120), 0.4, 200), 3),
                          np.round(rng.lognormal(np.log(120), 0.4, 150), 3)))
    cases.append(mwu_case("constant_identical_25v25", [5.0] * 25, [5.0] * 25))
    cases.append(mwu_case("constant_different_25v30", [6.0] * 25, [5.0] * 30))
    cases.append(mwu_case("one_sided_shift_50v50",
                          np.round(rng.normal(13, 2, 50), 3), np.round(rng.normal(10, 2, 50), 3)))
    cases.append(mwu_case("mixed_sign_40v35",
                          np.round(rng.normal(-0.2, 1, 40), 3), np.round(rng.normal(0, 1, 35), 3)))
    cases.append(mwu_case("heavy_ties_2000v2000",
                          rng.integers(1, 6, 2000), rng.integers(1, 6, 2000)))
    return cases


def poisson_cases():
    rows = [
        # canary errors, canary requests, baseline errors, baseline requests, null ratio
        (20, 100_000, 0, 100_000, 1.1),
        (2, 50, 0, 50, 1.1),
        (90, 6000, 30, 6000, 1.1),
        (30, 6000, 30, 6000, 1.0),
        (0, 1000, 5, 1000, 1.1),
        (1, 10, 3, 30, 1.1),
        (7, 200, 3, 800, 2.0),
        (5000, 1_000_000, 4800, 1_000_000, 1.0),
        (123_456, 10_000_000, 120_000, 9_000_000, 1.05),
    ]
    cases = []
    for x1, t1, x2, t2, r in rows:
        n = x1 + x2
        p0 = (r * t1) / (r * t1 + t2)
        case = {"canary": [x1, t1], "baseline": [x2, t2], "null_ratio": r, "p0": p0}
        case["p"] = {alt: float(stats.binomtest(x1, n, p0, alternative=alt).pvalue)
                     for alt in ["less", "greater"]}
        for conf in [0.95, 0.99]:
            ci = stats.binomtest(x1, n).proportion_ci(confidence_level=conf, method="exact")
            case["share_ci_%d" % round(conf * 100)] = [float(ci.low), float(ci.high)]
        cases.append(case)
    return cases


def rate_bound_cases():
    rows = [(15, 1000, 0.01), (3, 1000, 0.01), (0, 500, 0.001), (250, 20_000, 0.01),
            (40_000, 2_000_000, 0.02)]
    cases = []
    for x, n, bound in rows:
        case = {"errors": x, "total": n, "bound": bound}
        case["p"] = {alt: float(stats.binomtest(x, n, bound, alternative=alt).pvalue)
                     for alt in ["less", "greater"]}
        ci = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="exact")
        case["ci_95"] = [float(ci.low), float(ci.high)]
        cases.append(case)
    return cases


def sign_cases():
    rng = np.random.default_rng(7)
    samples = [
        ("lognormal_40_above", np.round(rng.lognormal(np.log(320), 0.2, 40), 2), 300.0),
        ("lognormal_40_below", np.round(rng.lognormal(np.log(250), 0.2, 40), 2), 300.0),
        ("ties_at_bound_25", np.array([300.0] * 5 + list(np.round(rng.normal(310, 10, 20), 1))),
         300.0),
        ("small_9", np.round(rng.normal(5, 1, 9), 2), 5.0),
    ]
    cases = []
    for name, x, bound in samples:
        above = int(np.sum(x > bound))
        below = int(np.sum(x < bound))
        case = {"name": name, "values": x.tolist(), "bound": bound}
        case["p"] = {alt: float(stats.binomtest(above, above + below, 0.5, alternative=alt).pvalue)
                     for alt in ["less", "greater"]}
        ci = stats.quantile_test(x, q=bound, p=0.5).confidence_interval(0.95)
        case["median_ci_95"] = [float(ci.low), float(ci.high)]
        case["median"] = float(np.median(x))
        cases.append(case)
    return cases


def main():
    out = {
        "generated_by": "scripts/reference/make_reference.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mann_whitney": mwu_cases(),
        "poisson_ratio": poisson_cases(),
        "rate_bound": rate_bound_cases(),
        "sign_test": sign_cases(),
    }
    text = json.dumps(out, indent=1)
    # One line per array of numbers keeps the file short and diffs readable.
    text = re.sub(r"\[\s+([-+0-9.eE,\s]+?)\s+\]",
                  lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference values for the statistics greenlight uses on real time series
(issue #10), computed with SciPy, NumPy and statsmodels.

Writes JSON to stdout (run.sh stores it as
tests/data/judge/series_reference.json); src/judge/tests/series_reference.rs
reads it.

- Student's t: scipy.stats.t.sf(t, df) and t.isf(p, df), fractional df too.
- Replicas as the unit: scipy.stats.ttest_ind(canary, baseline,
  equal_var=True) (pooled, equal numbers of replicas) and equal_var=False
  (Welch), alternative="greater": statistic, p-value, df, and the 95%
  confidence interval of the difference.
- Lag-1 autocorrelation: statsmodels.tsa.stattools.acf(x, nlags=1, fft=False).
- Least-squares slope: scipy.stats.linregress(t, v): slope and its stderr.
- Histogram quantile: cumulative bucket counts N * lognorm.cdf(bounds) of a
  log-normal; the quantile is scipy.stats.lognorm.ppf(q), its standard
  error on the log scale sigma * sqrt(q(1-q)/N) / norm.pdf(norm.ppf(q)).
- Quasi-Poisson rate ratio over replicas: statsmodels GLM, Poisson family,
  log(requests) offset, a canary indicator, scale="X2" (Pearson), use_t:
  the log rate ratio, its standard error, the dispersion, and the 95%
  t interval on df_resid.
"""

import json
import sys

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats
from statsmodels.tsa.stattools import acf

DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]


def student_cases():
    cases = []
    for df in [1.0, 2.0, 2.5, 3.7092, 4.0, 10.0, 30.0, 1000.0]:
        case = {"df": df, "sf": [], "isf": []}
        for t in [-3.0, -1.0, 0.0, 0.5, 2.0, 5.0, 12.0]:
            case["sf"].append([t, float(stats.t.sf(t, df))])
        for p in [0.4, 0.05, 0.025, 0.005, 0.001, 0.0001]:
            case["isf"].append([p, float(stats.t.isf(p, df))])
        cases.append(case)
    return cases


def two_sample_cases(rng):
    cases = []
    for nb, nc, shift, sd_b, sd_c in [(3, 3, 0.1, 0.03, 0.03), (3, 3, 0.0, 0.05, 0.02),
                                       (4, 4, 0.05, 0.04, 0.06), (6, 6, -0.02, 0.01, 0.01),
                                       (3, 5, 0.1, 0.03, 0.03), (2, 4, 0.2, 0.1, 0.05)]:
        b = np.round(rng.normal(0.0, sd_b, nb), 6)
        c = np.round(rng.normal(shift, sd_c, nc), 6)
        case = {"baseline": b.tolist(), "canary": c.tolist()}
        for name, equal in [("pooled", True), ("welch", False)]:
            res = stats.ttest_ind(c, b, equal_var=equal, alternative="greater")
            two = stats.ttest_ind(c, b, equal_var=equal)
            ci = two.confidence_interval(0.95)
            case[name] = {"t": float(res.statistic), "p": float(res.pvalue),
                          "df": float(res.df), "ci": [float(ci.low), float(ci.high)]}
        cases.append(case)
    return cases


def ar1(rng, n, phi):
    x = np.empty(n)
    x[0] = rng.normal()
    for i in range(1, n):
        x[i] = phi * x[i - 1] + rng.normal()
    return x


def lag1_cases(rng):
    cases = []
    for n, phi in [(40, 0.0), (40, 0.9), (100, 0.5), (25, -0.3)]:
        x = np.round(ar1(rng, n, phi) + 10.0, 6)
        cases.append({"values": x.tolist(), "lag1": float(acf(x, nlags=1, fft=False)[1])})
    return cases


def ols_cases(rng):
    cases = []
    for n, slope, noise in [(40, 0.05, 1.0), (60, 3.0, 10.0), (10, -2.0, 0.5)]:
        t = np.round(1_767_225_600 + 15.0 * np.arange(n) + rng.uniform(0, 3, n), 3)
        v = np.round(200.0 + slope * (t - t[0]) + rng.normal(0, noise, n), 6)
        res = stats.linregress(t, v)
        cases.append({"times": t.tolist(), "values": v.tolist(),
                      "slope": float(res.slope), "stderr": float(res.stderr)})
    return cases


def histogram_cases():
    cases = []
    for median, sigma, q, n in [(0.1, 0.5, 0.95, 1e5), (0.03, 0.8, 0.99, 5e4),
                                (0.2, 0.4, 0.5, 2e4), (1.2, 0.6, 0.9, 1e6)]:
        mu = np.log(median)
        dist = stats.lognorm(s=sigma, scale=median)
        buckets = [[b, float(n * dist.cdf(b))] for b in DEFAULT_BUCKETS] + [["+Inf", n]]
        z = stats.norm.ppf(q)
        cases.append({
            "buckets": buckets, "q": q,
            "quantile": float(dist.ppf(q)),
            "log_se": float(sigma * np.sqrt(q * (1 - q) / n) / stats.norm.pdf(z)),
            "mu": float(mu), "sigma": sigma,
        })
    return cases


def quasi_poisson_cases(rng):
    cases = []
    for rb, rc, rate, ratio, spread, total in [(3, 3, 0.01, 1.0, 0.3, 20_000),
                                               (3, 3, 0.01, 3.0, 0.2, 50_000),
                                               (4, 2, 0.005, 1.5, 0.5, 100_000)]:
        b_tot = rng.integers(total // 2, total, rb)
        c_tot = rng.integers(total // 2, total, rc)
        b_err = rng.poisson(b_tot * rate * np.exp(rng.normal(0, spread, rb)))
        c_err = rng.poisson(c_tot * rate * ratio * np.exp(rng.normal(0, spread, rc)))
        y = np.concatenate([b_err, c_err])
        exposure = np.concatenate([b_tot, c_tot]).astype(float)
        canary = np.concatenate([np.zeros(rb), np.ones(rc)])
        x = sm.add_constant(canary)
        fit = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(exposure)).fit(
            scale="X2", use_t=True)
        ci = fit.conf_int(alpha=0.05)
        cases.append({
            "baseline": [[int(e), int(t)] for e, t in zip(b_err, b_tot)],
            "canary": [[int(e), int(t)] for e, t in zip(c_err, c_tot)],
            "log_ratio": float(fit.params[1]), "se": float(fit.bse[1]),
            "dispersion": float(fit.scale), "df": float(fit.df_resid),
            "ci": [float(ci[1][0]), float(ci[1][1])],
        })
    return cases


def main():
    rng = np.random.default_rng(20261204)
    out = {
        "generated_by": "scripts/reference/make_series_reference.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                     "statsmodels": statsmodels.__version__},
        "student": student_cases(),
        "two_sample": two_sample_cases(rng),
        "lag1": lag1_cases(rng),
        "ols": ols_cases(rng),
        "histogram": histogram_cases(),
        "quasi_poisson": quasi_poisson_cases(rng),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

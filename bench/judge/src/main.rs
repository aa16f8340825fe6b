//! Times greenlight's judge on two files of little-endian f64 samples
//! (baseline, canary): Mann-Whitney U, the Hodges–Lehmann shift with its
//! 95% interval, and the full one-metric judgement. Prints one JSON line.
//! Run by `bench/judge.sh`; not a test.

use std::time::Instant;

use greenlight::judge::{
    Alternative, Data, Kind, Method, MetricInput, MetricSpec, Thresholds, hodges_lehmann, judge,
    mann_whitney_u,
};

fn read(path: &str) -> Result<Vec<f64>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect())
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, baseline, canary] = args.as_slice() else {
        return Err("usage: judge-bench BASELINE.f64 CANARY.f64".into());
    };
    let (baseline, canary) = (read(baseline)?, read(canary)?);

    let t = Instant::now();
    let mw = mann_whitney_u(
        &canary,
        &baseline,
        Alternative::TwoSided,
        Method::Asymptotic,
    )
    .map_err(|e| e.to_string())?;
    let mw_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let hl = hodges_lehmann(&canary, &baseline, 0.95).map_err(|e| e.to_string())?;
    let hl_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let spec = MetricSpec::new("latency", Kind::Continuous);
    let data = Data::Continuous {
        baseline: &baseline,
        canary: &canary,
    };
    let verdict = judge(&[MetricInput { spec: &spec, data }], Thresholds::default());
    let judge_s = t.elapsed().as_secs_f64();

    let out = serde_json::json!({
        "n": [baseline.len(), canary.len()],
        "u": mw.u, "p_two_sided": mw.p_value, "mann_whitney_s": mw_s,
        "hodges_lehmann": hl.estimate, "hl_ci95": [hl.lower, hl.upper], "hodges_lehmann_s": hl_s,
        "judge_s": judge_s, "reason": verdict.metrics[0].reason,
    });
    println!("{out}");
    Ok(())
}

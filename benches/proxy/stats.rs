//! Percentiles (nearest rank) over latency samples in nanoseconds, reported in microseconds.

use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub n: usize,
    pub p50: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

impl Summary {
    /// Summarises samples in ns (sorted in place).
    pub fn of_ns(samples: &mut [u64]) -> Summary {
        samples.sort_unstable();
        Summary {
            n: samples.len(),
            p50: pct(samples, 50.0) / 1e3,
            p99: pct(samples, 99.0) / 1e3,
            p999: pct(samples, 99.9) / 1e3,
            max: samples.last().copied().unwrap_or(0) as f64 / 1e3,
        }
    }

    /// Summarises samples already in µs.
    pub fn of_us(samples: &mut [u64]) -> Summary {
        let mut ns: Vec<u64> = samples.iter().map(|u| u * 1000).collect();
        Summary::of_ns(&mut ns)
    }

    pub fn json(&self) -> Value {
        json!({ "n": self.n, "p50_us": r1(self.p50), "p99_us": r1(self.p99), "p999_us": r1(self.p999), "max_us": r1(self.max) })
    }
}

/// Nearest-rank percentile of sorted samples.
pub fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64
}

/// The median of values (not sorted in place).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return 0.0;
    }
    v[v.len() / 2]
}

/// The 25th and 75th percentiles of values.
pub fn iqr(values: &[f64]) -> (f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let at = |p: f64| v[((p * (v.len() - 1) as f64).round() as usize).min(v.len() - 1)];
    (at(0.25), at(0.75))
}

pub fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

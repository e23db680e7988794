//! The statistical model: monthly growth from a straight line through ln(monthly cost), carried
//! forward from the last month (a random walk with that drift), its predictive distribution,
//! and the rolling-origin back-test. Floats live here only; callers convert to cents.

use super::dist::{t_cdf, t_quantile};

/// Months of history the trend is fitted on (the most recent ones).
pub const WINDOW: usize = 12;
/// The first back-test origin: forecasts are scored from the 7th month of history on.
pub const FIRST_ORIGIN: usize = 6;
/// Fewer positive months than this and the model falls back to the last month, flat.
const MIN_FIT: usize = 3;

pub const LOG_LINEAR: &str = "log_linear_trend";
pub const NAIVE: &str = "naive_last_month";

/// A fitted trend in log space: ln cost(x) = level + slope * (x - anchor), x the month index,
/// `anchor` the last month fitted and `level` its actual ln cost.
#[derive(Debug, Clone)]
pub struct Trend {
    pub method: &'static str,
    level: f64,
    anchor: f64,
    /// ln(1 + monthly growth) as fitted (0 for the naive fallback).
    pub fitted_slope: f64,
    slope: f64,
    spread: Option<Spread>,
}

/// The uncertainty of a fit: `step_sd` of a one-month move around the growth, and the variance
/// of the fitted slope; the variance of ln cost `h` months ahead is `step_sd² h + slope_var h²`.
#[derive(Debug, Clone)]
struct Spread {
    step_sd: f64,
    slope_var: f64,
    df: f64,
}

/// The predictive distribution of ln(cost) at one month: Student's t around `mu`.
#[derive(Debug, Clone, Copy)]
pub struct Predictive {
    pub mu: f64,
    pub se: f64,
    pub df: f64,
}

impl Trend {
    /// Fits `(x, ln cost)` points; `None` without any point.
    pub fn fit(points: &[(f64, f64)]) -> Option<Trend> {
        let last = points.last()?;
        if points.len() < MIN_FIT {
            return Some(Trend {
                method: NAIVE,
                level: last.1,
                anchor: last.0,
                fitted_slope: 0.0,
                slope: 0.0,
                spread: None,
            });
        }
        let n = points.len() as f64;
        let x_mean = points.iter().map(|p| p.0).sum::<f64>() / n;
        let y_mean = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - x_mean).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - x_mean) * (p.1 - y_mean)).sum();
        let slope = sxy / sxx;
        let intercept = y_mean - slope * x_mean;
        let sse: f64 = points
            .iter()
            .map(|p| (p.1 - intercept - slope * p.0).powi(2))
            .sum();
        let df = n - 2.0;
        // Month-to-month moves around the growth; a gap of k months counts as k steps.
        let steps: Vec<f64> = points
            .windows(2)
            .map(|w| {
                let dx = w[1].0 - w[0].0;
                (w[1].1 - w[0].1 - slope * dx) / dx.sqrt()
            })
            .collect();
        let step_var = steps.iter().map(|d| d * d).sum::<f64>() / (steps.len() as f64 - 1.0);
        Some(Trend {
            method: LOG_LINEAR,
            level: last.1,
            anchor: last.0,
            fitted_slope: slope,
            slope,
            spread: Some(Spread {
                step_sd: step_var.sqrt(),
                slope_var: sse / df / sxx,
                df,
            }),
        })
    }

    /// Replaces the growth from the last fitted month on (the level there is kept).
    pub fn with_growth(mut self, monthly_growth: f64) -> Trend {
        self.slope = (1.0 + monthly_growth).max(f64::MIN_POSITIVE).ln();
        self
    }

    /// The monthly growth the forecast uses (fitted or overridden), as a fraction.
    pub fn growth(&self) -> f64 {
        self.slope.exp() - 1.0
    }

    pub fn predict(&self, x: f64) -> Predictive {
        let h = (x - self.anchor).max(0.0);
        let mu = self.level + self.slope * h;
        match &self.spread {
            Some(s) => Predictive {
                mu,
                se: (s.step_sd.powi(2) * h + s.slope_var * h * h).sqrt(),
                df: s.df,
            },
            None => Predictive {
                mu,
                se: 0.0,
                df: 1.0,
            },
        }
    }
}

impl Predictive {
    /// The `p` quantile of cost.
    pub fn quantile(&self, p: f64) -> f64 {
        if self.se <= 0.0 {
            return self.mu.exp();
        }
        (self.mu + t_quantile(p, self.df) * self.se).exp()
    }

    /// P(cost > value).
    pub fn prob_above(&self, value: f64) -> f64 {
        if value <= 0.0 {
            return 1.0;
        }
        let z = value.ln() - self.mu;
        if self.se <= 0.0 {
            return if z < 0.0 { 1.0 } else { 0.0 };
        }
        1.0 - t_cdf(z / self.se, self.df)
    }
}

/// The fitting points for a model trained on `history[..end]`: the last [`WINDOW`] months,
/// skipping months without positive spend (no logarithm).
pub fn points(history: &[f64], end: usize) -> Vec<(f64, f64)> {
    let end = end.min(history.len());
    (end.saturating_sub(WINDOW)..end)
        .filter(|&i| history[i] > 0.0)
        .map(|i| (i as f64, history[i].ln()))
        .collect()
}

/// Rolling-origin back-test: for each origin from [`FIRST_ORIGIN`], fit on the months before it
/// and forecast it one step ahead; the absolute percentage errors of the medians, as fractions.
pub fn backtest_errors(history: &[f64]) -> Vec<f64> {
    (FIRST_ORIGIN..history.len())
        .filter(|&k| history[k] > 0.0)
        .filter_map(|k| {
            let trend = Trend::fit(&points(history, k))?;
            let median = trend.predict(k as f64).quantile(0.5);
            Some((median - history[k]).abs() / history[k])
        })
        .collect()
}

/// The mean of [`backtest_errors`]: `None` with fewer than `FIRST_ORIGIN + 1` months.
pub fn backtest_mape(history: &[f64]) -> Option<f64> {
    let errors = backtest_errors(history);
    if errors.is_empty() {
        return None;
    }
    Some(errors.iter().sum::<f64>() / errors.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_exponential_is_recovered() {
        let history: Vec<f64> = (0..10).map(|i| 1000.0 * 1.1f64.powi(i)).collect();
        let trend = Trend::fit(&points(&history, history.len())).expect("fit");
        assert!((trend.growth() - 0.1).abs() < 1e-9);
        let p = trend.predict(12.0);
        assert!((p.quantile(0.5) - 1000.0 * 1.1f64.powi(12)).abs() < 1e-6);
        assert!(backtest_mape(&history).expect("mape") < 1e-9);
    }

    #[test]
    fn short_histories_fall_back() {
        let trend = Trend::fit(&points(&[500.0, 700.0], 2)).expect("fit");
        assert_eq!(trend.method, NAIVE);
        assert!((trend.predict(5.0).quantile(0.9) - 700.0).abs() < 1e-9);
        assert!(Trend::fit(&[]).is_none());
        assert!(backtest_mape(&[1.0; 6]).is_none());
    }
}

//! The spend forecast (`tollgate forecast`, docs/CONTRACTS.md "JSON output"): monthly history, a
//! 12-month forecast with a median and an 80% interval, when each target is crossed, a back-test
//! error, and what-if scenarios.
//!
//! # Method: a log-linear trend carried from the last month (`log_linear_trend`)
//!
//! Monthly growth is the slope of an ordinary least-squares line through ln(monthly total)
//! against the month index, over the last [`model::WINDOW`] (12) complete months; the forecast
//! starts from the last complete month's actual spend and grows at that rate. Why:
//! - AI spend compounds: the premise is 3.8x a year, i.e. a roughly constant ~12% a month.
//!   Constant relative growth is a straight line in logs; its one slope is the number people
//!   reason about ("+12%/month") and the one `--growth` overrides. In logs, residuals are
//!   relative (a 5% wobble weighs the same at $5K and at $30K) and no band goes below $0.
//! - The regression slope is stable: on synthetic 14-month series with 10%/month growth and
//!   6% noise it lands within ~0.3 points of 10%, where an adaptive slope (Holt's linear trend)
//!   was off by up to 5-10 points, which compounds to a wildly different month 12. With 7 to 15
//!   monthly points, richer models (damped trend, ARIMA, seasonality) have parameters the data
//!   cannot pin down, and a damping factor would be a guess that bends the forecast away from the
//!   sustained growth the history shows.
//! - Spend shifts persist (a feature launches, a provider reprices), so the level comes from the
//!   last month rather than the fitted line, as a run-rate forecast would. On the demo ledger
//!   (growth accelerating from ~8% to ~16% a month) this halves the back-test error, 4.8% vs
//!   10.1% for the line itself; on synthetic series with independent noise it costs under a point.
//! - A 12-month window follows the current regime (model mix, prices) rather than older history.
//!
//! The predictive distribution of ln(cost) h months after the last complete month is that of a
//! random walk with drift: Student's t (n - 2 degrees of freedom) around the carried trend, with
//! variance `s² h + Var(slope) h²`, `s` the spread of month-to-month moves around the growth and
//! `Var(slope)` the regression's. So the band widens with the horizon and includes the
//! uncertainty of the growth itself. p10/p90 are its 10% and 90% quantiles (the 80% interval) and
//! p50 its median, mapped back with `exp`.
//! With fewer than 3 months of positive spend the method is `naive_last_month` (the last month,
//! flat, no band); with no complete month it is `none` and the forecast is empty.
//!
//! # What goes in
//! History is the complete months before the month of `today`, from the ledger's first complete
//! month (a first month whose data starts after its 1st is partial and dropped); a month with no
//! rows in between counts $0 (and is left out of the fit). Sums are exact decimals. The forecast is
//! the 12 months starting with the current one, which the model forecasts whole (month-to-date
//! actuals are not blended in). Floats are used inside the model only; outputs are cents.
//!
//! # Targets
//! `month_p50` is the first forecast month whose median (in cents) is at least the target.
//! `probability_by_year_end` is P(spend of December of `today`'s year > target) under the
//! predictive distribution, scenarios included. December of the current year is always in the
//! forecast window; in December it is the month in progress (its whole-month spend).
//!
//! # Back-test
//! `backtest_mape` is a fraction (0.05 = 5%): rolling origin, one step ahead. For every origin k
//! from 6, the model is fitted exactly as above on the months before k and its median for month k
//! is compared with the actual. `None` with fewer than 7 months of history. Scenarios are what-ifs,
//! not part of the model, so they are not back-tested.
//!
//! # Scenarios
//! A price change of `pct` on a provider/model scales forecast months from its date on by
//! `1 + share * pct/100`, `share` being the matching rows' share of the last complete month's
//! spend (provider case-insensitive; a model matches itself and its dated snapshots). The month
//! containing the date is scaled pro rata by day; several price changes add up. A growth override
//! replaces the fitted slope from the fitted level of the last history month on and keeps the
//! band's width; if several are given the last one wins.

mod dist;
pub mod model;
pub mod scenario;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::money::{self, serialize_usd};
use crate::month::Month;
use crate::store::{queries, Store, StoreError};
use model::Trend;
use scenario::{month_factor, signed_pct, target_label, PriceShift};
pub use scenario::{parse_growth, parse_price_change, Scenario};

/// Months forecast, starting with the current one.
pub const HORIZON: i32 = 12;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Forecast {
    pub method: String,
    pub history: Vec<MonthCost>,
    pub forecast: Vec<MonthBand>,
    pub targets: Vec<TargetCrossing>,
    pub backtest_mape: Option<f64>,
    pub scenarios_applied: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthCost {
    pub month: Month,
    #[serde(serialize_with = "serialize_usd")]
    pub cost: Decimal,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthBand {
    pub month: Month,
    #[serde(serialize_with = "serialize_usd")]
    pub p10: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub p50: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub p90: Decimal,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TargetCrossing {
    #[serde(serialize_with = "serialize_usd")]
    pub usd: Decimal,
    pub month_p50: Option<Month>,
    pub probability_by_year_end: f64,
}

/// A forecast with the model's own numbers, for people (the table) and the cockpit.
#[derive(Debug, Clone, PartialEq)]
pub struct Detailed {
    pub forecast: Forecast,
    /// Monthly growth as fitted, a fraction (`None` without history).
    pub fitted_growth: Option<f64>,
    /// Monthly growth the forecast uses (the fitted one or the override).
    pub growth: Option<f64>,
    /// Months the trend was fitted on.
    pub fit_months: usize,
    /// Back-test origins scored.
    pub backtest_months: usize,
}

/// The forecast as of `today` (the month of `today` is the first forecast month).
pub fn run(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    scenarios: &[Scenario],
) -> Result<Forecast, StoreError> {
    run_detailed(store, config, today, scenarios).map(|d| d.forecast)
}

/// [`run`] with the fitted growth and the sizes behind it. Kept by the store until the next
/// ledger write: the gates' G4 and the forecast view ask for the same one.
pub fn run_detailed(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    scenarios: &[Scenario],
) -> Result<Detailed, StoreError> {
    let key = format!("forecast {today} {scenarios:?} {:x}", config.fingerprint());
    store.memoized(&key, || compute(store, config, today, scenarios))
}

fn compute(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    scenarios: &[Scenario],
) -> Result<Detailed, StoreError> {
    let current = Month::of(today);
    let history = history(store, current)?;
    let values: Vec<f64> = history
        .iter()
        .map(|h| h.cost.to_f64().unwrap_or(0.0))
        .collect();
    let n = values.len();
    let fit_points = model::points(&values, n);
    let fitted = Trend::fit(&fit_points);
    let mut applied = Vec::new();

    let growth_override = scenarios
        .iter()
        .filter_map(|s| match s {
            Scenario::Growth { monthly_pct } => Some(*monthly_pct),
            Scenario::PriceChange { .. } => None,
        })
        .next_back();
    let trend = match (&fitted, growth_override) {
        (Some(t), Some(g)) => {
            let pct = g.to_f64().unwrap_or(0.0);
            applied.push(format!(
                "growth {}/month instead of the fitted {}/month",
                signed_pct(pct),
                signed_pct(t.growth() * 100.0)
            ));
            Some(t.clone().with_growth(pct / 100.0))
        }
        (t, _) => t.clone(),
    };

    let shifts = if trend.is_some() {
        price_shifts(store, current.prev(), scenarios, &mut applied)?
    } else {
        Vec::new()
    };

    let mut forecast = Vec::new();
    let mut predictive = Vec::new();
    if let Some(trend) = &trend {
        for h in 0..HORIZON {
            let month = current.plus(h);
            let p = trend.predict((n as i64 + i64::from(h)) as f64);
            let f = month_factor(&shifts, month);
            forecast.push(MonthBand {
                month,
                p10: to_cents(p.quantile(0.1) * f),
                p50: to_cents(p.quantile(0.5) * f),
                p90: to_cents(p.quantile(0.9) * f),
            });
            predictive.push((month, p, f));
        }
    }

    let december = Month {
        year: today.year(),
        month: 12,
    };
    let targets = config
        .forecast
        .targets
        .iter()
        .map(|&usd| {
            let target = usd.to_f64().unwrap_or(f64::INFINITY);
            let probability = predictive
                .iter()
                .find(|(m, _, _)| *m == december)
                .map(|(_, p, f)| {
                    if *f > 0.0 {
                        p.prob_above(target / f)
                    } else {
                        0.0
                    }
                })
                .unwrap_or(0.0);
            TargetCrossing {
                usd,
                month_p50: forecast.iter().find(|b| b.p50 >= usd).map(|b| b.month),
                probability_by_year_end: round4(probability),
            }
        })
        .collect();

    let errors = model::backtest_errors(&values);
    let backtest_mape =
        (!errors.is_empty()).then(|| round4(errors.iter().sum::<f64>() / errors.len() as f64));
    Ok(Detailed {
        forecast: Forecast {
            method: trend
                .as_ref()
                .map(|t| t.method)
                .unwrap_or("none")
                .to_string(),
            history,
            forecast,
            targets,
            backtest_mape,
            scenarios_applied: applied,
        },
        fitted_growth: fitted.as_ref().map(Trend::growth),
        growth: trend.as_ref().map(Trend::growth),
        fit_months: fit_points.len(),
        backtest_months: errors.len(),
    })
}

/// Complete months before `current`, from the ledger's first complete month; gaps are $0.
fn history(store: &Store, current: Month) -> Result<Vec<MonthCost>, StoreError> {
    let start: Option<String> = store
        .conn()
        .prepare_cached(queries::FORECAST_LEDGER_START)?
        .query_row([], |r| r.get(0))?;
    let Some(start) = start.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()) else {
        return Ok(Vec::new());
    };
    let first = if start.day() > 1 {
        Month::of(start).next()
    } else {
        Month::of(start)
    };
    let mut totals: HashMap<Month, Decimal> = HashMap::new();
    let mut stmt = store.conn().prepare_cached(queries::TOTALS_PER_MONTH)?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, NaiveDate>(0)?, r.get::<_, Decimal>(1)?))
    })?;
    for row in rows {
        let (month, cost) = row?;
        totals.insert(Month::of(month), cost);
    }
    let mut out = Vec::new();
    let mut month = first;
    while month < current {
        out.push(MonthCost {
            month,
            cost: money::cents(totals.get(&month).copied().unwrap_or_default()),
        });
        month = month.next();
    }
    Ok(out)
}

/// Resolves the price changes against `base` month's spend, noting each in `applied`.
fn price_shifts(
    store: &Store,
    base: Month,
    scenarios: &[Scenario],
    applied: &mut Vec<String>,
) -> Result<Vec<PriceShift>, StoreError> {
    let changes: Vec<_> = scenarios
        .iter()
        .filter_map(|s| match s {
            Scenario::PriceChange {
                provider,
                model,
                from,
                pct,
            } => Some((provider.as_deref(), model.as_deref(), *from, *pct)),
            Scenario::Growth { .. } => None,
        })
        .collect();
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let (start, end) = base.bounds();
    let mut stmt = store.conn().prepare_cached(queries::FORECAST_SHARES)?;
    let rows = stmt.query_map(duckdb::params![start, end], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Decimal>(2)?,
        ))
    })?;
    let spend = rows.collect::<Result<Vec<_>, _>>()?;
    let total: Decimal = spend.iter().map(|s| s.2).sum();
    Ok(changes
        .into_iter()
        .map(|(provider, model, from, pct)| {
            let matched: Decimal = spend
                .iter()
                .filter(|(p, m, _)| scenario::matches(provider, model, p, m.as_deref()))
                .map(|s| s.2)
                .sum();
            let share = if total.is_zero() {
                0.0
            } else {
                (matched / total).to_f64().unwrap_or(0.0)
            };
            let pct = pct.to_f64().unwrap_or(0.0);
            applied.push(format!(
                "price {} {} from {from} ({:.1}% of {base} spend)",
                target_label(provider, model),
                signed_pct(pct),
                share * 100.0
            ));
            PriceShift { share, pct, from }
        })
        .collect())
}

fn to_cents(value: f64) -> Decimal {
    if !value.is_finite() || value <= 0.0 {
        return Decimal::ZERO;
    }
    Decimal::from_f64(value.min(1e15))
        .map(money::cents)
        .unwrap_or_default()
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

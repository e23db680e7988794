//! The Overview tab's data, with no UI: month to date, the projected month end against the
//! approved baseline and the G3 line, spend by category (with daily series for sparklines) and
//! by provider, top use cases month over month, the unallocated share and the cost-per-outcome
//! metrics. The complete month comes from [`crate::report::month_report`], so the cockpit and
//! `tollgate report` show the same numbers.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use duckdb::params;
use rust_decimal::Decimal;

use crate::config::{Category, Config};
use crate::money::{cents, cents_summing_to};
use crate::month::{days_after, Month};
use crate::report::{self, MonthReport, ProviderCost};
use crate::store::{queries, Store, StoreError};

/// Days of the per-category sparklines.
pub const SPARK_DAYS: u32 = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// The "as of" date; the month in progress is its month.
    pub today: NaiveDate,
    pub month: Month,
    /// The latest ChargePeriodEnd in the ledger (None when it is empty).
    pub data_through: Option<NaiveDateTime>,
    /// Rows of `month` with ChargePeriodStart before the day after `today`, to the cent.
    pub month_to_date: Decimal,
    /// The gateway's estimate for the month's hours after the last billed data, not in
    /// `month_to_date` (empty without gateway data; [`crate::live`]).
    pub live: crate::live::LiveEstimate,
    pub projection: crate::projection::Projection,
    pub baseline: Decimal,
    pub jump_pct: Decimal,
    /// baseline x (1 + jump_pct / 100): above it the G3 gate fires.
    pub g3_line: Decimal,
    /// Month to date per category (every category, in [`Category::ALL`] order), lines adding up
    /// to `month_to_date`.
    pub by_category: Vec<CategorySpend>,
    /// Month to date per provider, largest first, adding up to `month_to_date`.
    pub by_provider: Vec<ProviderCost>,
    /// Month to date that no rule allocates.
    pub unallocated: Decimal,
    /// `unallocated` as a percentage of `month_to_date` (one decimal), None when nothing is spent.
    pub unallocated_pct: Option<Decimal>,
    /// The latest complete month (as `tollgate report` picks it), with its prior month.
    pub report: MonthReport,
    /// The cost per outcome of every use case with an outcome metric in `report.month`,
    /// largest spend first (as `report.by_use_case`).
    pub outcomes: Vec<OutcomeMetric>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CategorySpend {
    pub category: Category,
    pub cost: Decimal,
    /// Allocated cost per day for the `SPARK_DAYS` days ending `today`, oldest first (exact).
    pub daily: Vec<Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeMetric {
    pub metric: String,
    /// How the metric reads, e.g. "per weekly active AI user" (the config's outcome labels).
    pub label: String,
    /// Its short unit, e.g. "WAU".
    pub unit: String,
    pub use_case: String,
    pub cost: Decimal,
    pub outcome_value: Option<Decimal>,
    pub cost_per_outcome: Option<Decimal>,
}

impl Overview {
    pub fn over_g3_line(&self) -> bool {
        self.projection.month_end > self.g3_line
    }
}

/// Month-over-month change in percent (one decimal); None when there is no prior spend.
pub fn change_pct(cost: Decimal, prior: Option<Decimal>) -> Option<Decimal> {
    let prior = prior.filter(|p| !p.is_zero())?;
    Some(((cost - prior) / prior.abs() * Decimal::ONE_HUNDRED).round_dp(1))
}

/// Loads everything the Overview shows. Refreshes the allocation from `config`.
pub fn load(store: &Store, config: &Config, today: NaiveDate) -> Result<Overview, StoreError> {
    // month_report refreshes the allocation, which the queries below need too.
    let report_month = report::default_month(store, today)?;
    let report = report::month_report(store, config, report_month)?;

    let month = Month::of(today);
    let mtd = MonthToDate::load(store, month, days_after(today, 1))?;
    let month_to_date_exact = mtd.total;
    let month_to_date = cents(month_to_date_exact);

    let by_category = category_spend(store, today, &mtd.by_category, month_to_date_exact)?;

    let providers = mtd.providers;
    let rounded = cents_summing_to(
        &providers.iter().map(|p| p.1).collect::<Vec<_>>(),
        month_to_date_exact,
    );
    let by_provider = providers
        .into_iter()
        .zip(rounded)
        .map(|((p, _), cost)| ProviderCost { provider: p, cost })
        .collect();

    let unallocated_exact = mtd.unallocated;
    let unallocated_pct = crate::fmt::share_pct(unallocated_exact, month_to_date_exact);

    let gates = &config.gates;
    // The G3 baseline in force this month: the configured one until a decision approves another.
    let approved = crate::gates::approved_baselines(store)?;
    let baseline = crate::gates::baseline_for(month, &approved, gates.approved_baseline_usd);
    let g3_line = crate::gates::g3_line(baseline, gates.jump_pct);

    Ok(Overview {
        today,
        month,
        data_through: data_through(store)?,
        month_to_date,
        live: crate::live::estimate(store, month.first_day(), days_after(today, 1))?,
        projection: crate::projection::projected_month_end(store, today)?,
        baseline,
        jump_pct: gates.jump_pct,
        g3_line,
        by_category,
        by_provider,
        unallocated: cents(unallocated_exact),
        unallocated_pct,
        outcomes: outcome_metrics(&report),
        report,
    })
}

fn outcome_metrics(report: &MonthReport) -> Vec<OutcomeMetric> {
    report
        .by_use_case
        .iter()
        .filter_map(|u| {
            let metric = u.outcome_metric.clone()?;
            let label = u.outcome_label.clone()?;
            Some(OutcomeMetric {
                metric,
                label: label.label,
                unit: label.unit,
                use_case: u.use_case.clone(),
                cost: u.cost,
                outcome_value: u.outcome_value,
                cost_per_outcome: u.cost_per_outcome,
            })
        })
        .collect()
}

/// The month so far: `[month start, end)`. Read from the monthly rollup when no ledger row of
/// the month lies at or after `end` (the usual case: data ends today), so the month's rollup is
/// exactly the month to date; from the ledger rows otherwise (e.g. `--at` a past date).
struct MonthToDate {
    total: Decimal,
    unallocated: Decimal,
    by_category: HashMap<String, Decimal>,
    providers: Vec<(String, Decimal)>,
}

impl MonthToDate {
    /// Needs the allocation (`Store::refresh_allocation`).
    fn load(store: &Store, month: Month, end: NaiveDate) -> Result<MonthToDate, StoreError> {
        let (next, _) = month.next().bounds();
        let later: i64 = store
            .conn()
            .prepare_cached(queries::ROWS_OVER_DAYS)?
            .query_row(params![midnight(end), next], |r| r.get(0))?;
        if later == 0 {
            let alloc = store.month_allocation(month)?;
            return Ok(MonthToDate {
                total: alloc.total,
                unallocated: alloc.unallocated,
                by_category: alloc.by_category,
                providers: store.month_providers(month)?,
            });
        }
        let start = month.first_day();
        Ok(MonthToDate {
            total: crate::projection::range_total(store, start, end)?,
            unallocated: range_pairs(store, queries::USE_CASES_OVER_DAYS, start, end)?
                .into_iter()
                .filter(|(uc, _)| uc.is_none())
                .map(|(_, c)| c)
                .sum(),
            by_category: range_pairs(store, queries::CATEGORIES_OVER_DAYS, start, end)?
                .into_iter()
                .map(|(c, v)| (c.unwrap_or_default(), v))
                .collect(),
            providers: range_pairs(store, queries::PROVIDERS_OVER_DAYS, start, end)?
                .into_iter()
                .map(|(p, c)| (p.unwrap_or_default(), c))
                .collect(),
        })
    }
}

fn category_spend(
    store: &Store,
    today: NaiveDate,
    by_name: &HashMap<String, Decimal>,
    total: Decimal,
) -> Result<Vec<CategorySpend>, StoreError> {
    let exact: Vec<Decimal> = Category::ALL
        .iter()
        .map(|c| by_name.get(c.as_str()).copied().unwrap_or_default())
        .collect();
    let rounded = cents_summing_to(&exact, total);

    let spark_first = today
        .checked_sub_days(Days::new(u64::from(SPARK_DAYS - 1)))
        .unwrap_or(today);
    let mut daily: HashMap<String, Vec<Decimal>> = HashMap::new();
    let mut stmt = store.conn().prepare_cached(queries::CATEGORIES_PER_DAY)?;
    let rows = stmt.query_map(params![spark_first, days_after(today, 1)], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Decimal>(2)?,
        ))
    })?;
    for row in rows {
        let (day, category, cost) = row?;
        let Ok(idx) = usize::try_from((day - spark_first).num_days()) else {
            continue;
        };
        let series = daily
            .entry(category)
            .or_insert_with(|| vec![Decimal::ZERO; SPARK_DAYS as usize]);
        if let Some(slot) = series.get_mut(idx) {
            *slot += cost;
        }
    }
    Ok(Category::ALL
        .iter()
        .zip(rounded)
        .map(|(c, cost)| CategorySpend {
            category: *c,
            cost,
            daily: daily
                .remove(c.as_str())
                .unwrap_or_else(|| vec![Decimal::ZERO; SPARK_DAYS as usize]),
        })
        .collect())
}

fn data_through(store: &Store) -> Result<Option<NaiveDateTime>, StoreError> {
    let text: Option<String> = store
        .conn()
        .prepare_cached(queries::FRESHNESS)?
        .query_row([], |r| r.get(0))?;
    Ok(text.and_then(|t| NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S").ok()))
}

/// Exact EffectiveCost of the days in [start, end).
/// `(name, cost)` pairs of a query over the days in [start, end).
fn range_pairs(
    store: &Store,
    query: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<(Option<String>, Decimal)>, StoreError> {
    let mut stmt = store.conn().prepare_cached(query)?;
    let rows = stmt.query_map(params![start, end], |r| {
        Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Decimal>(1)?))
    })?;
    rows.map(|r| r.map_err(StoreError::from)).collect()
}

fn midnight(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_over_month_change() {
        let d = |s: &str| crate::money::parse(s).expect("decimal");
        assert_eq!(change_pct(d("150"), Some(d("100"))), Some(d("50.0")));
        assert_eq!(change_pct(d("50"), Some(d("200"))), Some(d("-75.0")));
        assert_eq!(change_pct(d("50"), Some(Decimal::ZERO)), None);
        assert_eq!(change_pct(d("50"), None), None);
    }
}

//! The spend the gates judge: complete months from the ledger (totals, and allocated per use
//! case as `tollgate report` computes them), and the month in progress projected to its end.
//!
//! Projection: the aggregate comes from [`crate::projection::projected_month_end`] (trailing
//! 14-day daily average x days in month), so the G3 gate and the cockpit agree. A use case's
//! projection (G1, G2) is the same rule over the same window applied to its allocated cost plus
//! its gateway estimate after the last billed data ([`crate::live`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use duckdb::params;
use rust_decimal::Decimal;

use crate::config::Config;
use crate::money::cents;
use crate::month::Month;
use crate::projection::{projected_month_end, Projection};
use crate::store::{queries, Store, StoreError};

/// How many complete months before the month in progress are evaluated.
pub const MONTHS_BACK: i32 = 13;

#[derive(Debug, Clone, Default)]
pub struct MonthSpend {
    /// Exact ledger total (every row, allocated or not).
    pub total: Decimal,
    /// Exact allocated cost per use case.
    pub by_use_case: HashMap<String, Decimal>,
}

impl MonthSpend {
    pub fn use_case(&self, id: &str) -> Decimal {
        self.by_use_case.get(id).copied().unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Spend {
    pub current: Month,
    /// Months with ledger rows, up to and including the month before `current`.
    pub complete: BTreeMap<Month, MonthSpend>,
    /// The complete months to evaluate: those of the last `MONTHS_BACK` with rows.
    pub evaluated: Vec<Month>,
    /// The month in progress, projected to its end (totals and use cases to the cent).
    pub projected: MonthSpend,
    pub projection: Projection,
}

impl Spend {
    /// The month's spend, or None when the ledger has no rows in it (history not synced).
    pub fn month(&self, month: Month) -> Option<&MonthSpend> {
        self.complete.get(&month)
    }
}

/// Loads the spend as of `today` (the month in progress is `today`'s). Refreshes allocation.
pub fn load(store: &Store, config: &Config, today: NaiveDate) -> Result<Spend, StoreError> {
    store.refresh_allocation(config)?;
    let current = Month::of(today);
    // The month before the first evaluated one is loaded too: G1 compares with it.
    let first = current.plus(-MONTHS_BACK - 1);
    let complete: BTreeMap<Month, MonthSpend> = store
        .months()?
        .range(first..current)
        .map(|(month, alloc)| {
            let spend = MonthSpend {
                total: alloc.total,
                by_use_case: alloc.by_use_case.clone(),
            };
            (*month, spend)
        })
        .collect();
    let evaluated = complete
        .keys()
        .copied()
        .filter(|m| *m >= current.plus(-MONTHS_BACK))
        .collect();

    let projection = projected_month_end(store, today)?;
    let projected = project_use_cases(store, &projection)?;
    Ok(Spend {
        current,
        complete,
        evaluated,
        projected,
        projection,
    })
}

/// Each use case's cost over the projection window x days in month / window days, to the cent.
fn project_use_cases(store: &Store, p: &Projection) -> Result<MonthSpend, StoreError> {
    let start = p.window_first;
    let end = p
        .window_last
        .checked_add_days(Days::new(1))
        .unwrap_or(p.window_last);
    let mut out = MonthSpend {
        total: p.month_end,
        ..Default::default()
    };
    let mut stmt = store.conn().prepare_cached(queries::USE_CASES_OVER_DAYS)?;
    let rows = stmt.query_map(params![start, end], |r| {
        Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Decimal>(1)?))
    })?;
    // Billed cost of the window, plus the gateway's estimate after the last billed data.
    let mut window: HashMap<String, Decimal> = HashMap::new();
    for row in rows {
        if let (Some(use_case), cost) = row? {
            *window.entry(use_case).or_default() += cost;
        }
    }
    for (use_case, cost) in &p.live.by_use_case {
        if let Some(id) = use_case {
            *window.entry(id.clone()).or_default() += *cost;
        }
    }
    for (use_case, cost) in window {
        let month_end = cost * Decimal::from(p.days_in_month) / Decimal::from(p.window_days);
        out.by_use_case.insert(use_case, cents(month_end));
    }
    Ok(out)
}

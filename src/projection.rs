//! The month end projected from a trailing daily average: the G3 `projected` rule
//! (docs/CONTRACTS.md "Gates"), computed once here for the gates and the Overview.

use chrono::{Days, NaiveDate};
use duckdb::params;
use rust_decimal::Decimal;

use crate::money::cents;
use crate::month::{days_after, Month};
use crate::store::{queries, Store, StoreError};

/// Days averaged to project the month end (the G3 `projected` rule, docs/CONTRACTS.md "Gates").
pub const PROJECTION_WINDOW_DAYS: u32 = 14;
/// The month end projected from a trailing daily average.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub month_end: Decimal,
    /// Cost of the window / its days, to the cent (shown; `month_end` uses the exact value).
    pub daily_average: Decimal,
    /// The window, both ends inclusive: the `PROJECTION_WINDOW_DAYS` days ending `today`.
    pub window_first: NaiveDate,
    pub window_last: NaiveDate,
    pub window_days: u32,
    pub days_in_month: u32,
}

impl Projection {
    /// How the projection was made, for people.
    pub fn method(&self) -> String {
        format!(
            "trailing {}-day daily average ({} to {}) x {} days in month",
            self.window_days, self.window_first, self.window_last, self.days_in_month
        )
    }
}

/// The month end projected as of `today`: the average daily cost of the `PROJECTION_WINDOW_DAYS`
/// days ending `today` (inclusive) x the days of `today`'s month, rounded to the cent. This is
/// the G3 `projected` rule, shared by the gates and the Overview.
pub fn projected_month_end(store: &Store, today: NaiveDate) -> Result<Projection, StoreError> {
    let days = PROJECTION_WINDOW_DAYS;
    let window_first = today
        .checked_sub_days(Days::new(u64::from(days - 1)))
        .unwrap_or(today);
    let window_cost = range_total(store, window_first, days_after(today, 1))?;
    let days_in_month = Month::of(today).days();
    let window_days = Decimal::from(days);
    Ok(Projection {
        month_end: cents(window_cost * Decimal::from(days_in_month) / window_days),
        daily_average: cents(window_cost / window_days),
        window_first,
        window_last: today,
        window_days: days,
        days_in_month,
    })
}

/// Total effective cost of the days in [`start`, `end`) (the daily rollup).
pub(crate) fn range_total(
    store: &Store,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Decimal, StoreError> {
    Ok(store
        .conn()
        .prepare_cached(queries::TOTALS_OVER_DAYS)?
        .query_row(params![start, end], |r| r.get(0))?)
}

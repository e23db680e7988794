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
    /// The part of the window's cost that is the gateway's estimate for the hours after the
    /// last billed data ([`crate::live`]); empty without gateway data.
    pub live: crate::live::LiveEstimate,
}

impl Projection {
    /// How the projection was made, for people.
    pub fn method(&self) -> String {
        let mut m = format!(
            "trailing {}-day daily average ({} to {}) x {} days in month",
            self.window_days, self.window_first, self.window_last, self.days_in_month
        );
        if !self.live.is_empty() {
            m.push_str(&format!(
                ", incl. {} {}",
                crate::money::usd(self.live.total),
                self.live.describe()
            ));
        }
        m
    }
}

/// The month end projected as of `today`: the average daily cost of the `PROJECTION_WINDOW_DAYS`
/// days ending `today` (inclusive) x the days of `today`'s month, rounded to the cent. This is
/// the G3 `projected` rule, shared by the gates and the Overview. The window's cost includes the
/// gateway's estimate for the hours after the last billed data ([`crate::live`]).
pub fn projected_month_end(store: &Store, today: NaiveDate) -> Result<Projection, StoreError> {
    let days = PROJECTION_WINDOW_DAYS;
    let window_first = today
        .checked_sub_days(Days::new(u64::from(days - 1)))
        .unwrap_or(today);
    let end = days_after(today, 1);
    let live = crate::live::estimate(store, window_first, end)?;
    let window_cost = range_total(store, window_first, end)? + live.total;
    let days_in_month = Month::of(today).days();
    let window_days = Decimal::from(days);
    Ok(Projection {
        month_end: cents(window_cost * Decimal::from(days_in_month) / window_days),
        daily_average: cents(window_cost / window_days),
        window_first,
        window_last: today,
        window_days: days,
        days_in_month,
        live,
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

//! The Use cases tab's own queries over the daily rollup (`daily_alloc`), each filtered in SQL
//! by days, use case and slice so a drill step reads only the rows it shows. Callers refresh the allocation
//! first (the engine functions each level also calls do).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use duckdb::params;
use rust_decimal::Decimal;

use super::data::{Slice, SliceLine};
use crate::month::Month;
use crate::store::queries;
use crate::store::{Store, StoreError};

/// A slice's cost, tokens and requests on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayValues {
    pub cost: Decimal,
    pub tokens: Option<Decimal>,
    pub requests: Option<Decimal>,
}

/// Cost per (day, use case) for the days `from..=to`.
pub fn daily_by_use_case(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<(NaiveDate, String), Decimal>, StoreError> {
    let mut stmt = store.conn().prepare_cached(queries::USE_CASES_DAILY)?;
    let rows = stmt.query_map(params![from, after(to)], |r| {
        Ok((
            (r.get::<_, NaiveDate>(0)?, r.get::<_, String>(1)?),
            r.get::<_, Decimal>(2)?,
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The slices of use case `id` in `month` (from the monthly rollup), largest first, with exact
/// (unrounded) costs. Every use case's slices of the month are read at once and kept until the
/// next write or allocation change, so opening the next use case costs no query.
pub fn slices(store: &Store, month: Month, id: &str) -> Result<Vec<SliceLine>, StoreError> {
    let all = store.memoized_on_allocation(&format!("use case slices {month}"), || {
        month_slices(store, month).map(Arc::new)
    })?;
    Ok(all.get(id).cloned().unwrap_or_default())
}

fn month_slices(
    store: &Store,
    month: Month,
) -> Result<HashMap<String, Vec<SliceLine>>, StoreError> {
    let mut stmt = store.conn().prepare_cached(queries::USE_CASE_SLICES)?;
    let (start, end) = (month.first_day(), month.next().first_day());
    let rows = stmt.query_map(params![start, end], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Slice {
                provider: r.get(1)?,
                item: r.get(2)?,
                api_key: r.get(3)?,
            },
            r.get::<_, String>(4)?,
            r.get::<_, Decimal>(5)?,
            r.get::<_, Option<Decimal>>(6)?,
            r.get::<_, Option<Decimal>>(7)?,
        ))
    })?;
    let mut out: HashMap<String, Vec<SliceLine>> = HashMap::new();
    for row in rows {
        let (use_case, slice, api_key_name, cost, tokens, requests) = row?;
        out.entry(use_case).or_default().push(SliceLine {
            slice,
            api_key_name,
            cost,
            tokens,
            requests,
        });
    }
    Ok(out)
}

/// One slice of use case `id` per day for the days `from..=to` (days without rows left out).
pub fn slice_daily(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    id: &str,
    slice: &Slice,
) -> Result<BTreeMap<NaiveDate, DayValues>, StoreError> {
    let mut stmt = store.conn().prepare_cached(queries::USE_CASE_SLICE_DAILY)?;
    let rows = stmt.query_map(
        params![
            from,
            after(to),
            id,
            slice.provider,
            slice.item,
            slice.api_key
        ],
        |r| {
            Ok((
                r.get::<_, NaiveDate>(0)?,
                r.get::<_, Decimal>(1)?,
                r.get::<_, Option<Decimal>>(2)?,
                r.get::<_, Option<Decimal>>(3)?,
            ))
        },
    )?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (day, cost, tokens, requests) = row?;
        out.insert(
            day,
            DayValues {
                cost,
                tokens,
                requests,
            },
        );
    }
    Ok(out)
}

/// The day after `day` (the exclusive end of a range through `day`).
fn after(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(day)
}

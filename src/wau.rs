//! Weekly active users from the gateway (`outcome = { metric = "wau", source = "gateway" }`):
//! the monthly `wau` value of a use case counted from the pseudonymous users of its gateway
//! request records, so cost per WAU needs no CSV. Only pseudonyms are counted; the raw user id
//! never exists in tollgate.
//!
//! The rule (also in docs/CONTRACTS.md, "Outcomes from the gateway"):
//!
//! 1. A week is an ISO week, Monday to Sunday (UTC days). Its active users are the distinct
//!    pseudonyms with at least one request of the use case in the whole week, refused requests
//!    not counted; records without a user do not count.
//! 2. A month's WAU is the average of the weeks that overlap it, each weighed by its days in
//!    the month: a week contributing d of its 7 days weighs d/7. So
//!    `WAU = Σ users(week) × d(week) / Σ d(week)`; for a month the gateway saw every week of,
//!    `Σ d` is the month's days.
//! 3. Only weeks in which the gateway recorded anything (for any use case) are averaged: weeks
//!    before the gateway was deployed, or not yet reached in the month in progress, are left
//!    out rather than counted as zero users. A month with no such week has no value.
//! 4. The value is rounded to six decimals (the outcome table's scale). A gateway-counted
//!    value replaces an imported `wau` value of the same use case and month.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use duckdb::params;
use rust_decimal::Decimal;

use crate::config::{Config, GATEWAY_METRIC};
use crate::month::Month;
use crate::report::Outcomes;
use crate::store::{queries, Store, StoreError};

/// Distinct users per (week's Monday, use case), and the weeks with any record.
pub struct WeekGrid {
    pub users: BTreeMap<(NaiveDate, String), i64>,
    pub weeks: BTreeSet<NaiveDate>,
}

/// The Monday of `day`'s ISO week.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// The weeks overlapping `month`, each with its days in the month.
pub fn weeks_of(month: Month) -> Vec<(NaiveDate, u32)> {
    let (first, end) = (month.first_day(), month.next().first_day());
    let mut out = Vec::new();
    let mut monday = week_of(first);
    while monday < end {
        let sunday_next = monday + Days::new(7);
        let from = monday.max(first);
        let to = sunday_next.min(end);
        out.push((monday, (to - from).num_days() as u32));
        monday = sunday_next;
    }
    out
}

/// The grid of the weeks overlapping `[from_month, to_month]`.
fn grid(store: &Store, from_month: Month, to_month: Month) -> Result<WeekGrid, StoreError> {
    let start = week_of(from_month.first_day());
    let end = week_of(to_month.next().first_day()) + Days::new(7);
    let mut stmt = store
        .conn()
        .prepare_cached(queries::OUTCOMES_GATEWAY_WEEKLY_USERS)?;
    let rows = stmt.query_map(params![start, end], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut g = WeekGrid {
        users: BTreeMap::new(),
        weeks: BTreeSet::new(),
    };
    for row in rows {
        let (week, use_case, users) = row?;
        g.weeks.insert(week);
        if let Some(u) = use_case {
            g.users.insert((week, u), users);
        }
    }
    Ok(g)
}

/// The WAU of `use_case` in `month` by the rule above; None when the gateway saw no week of it.
pub fn month_wau(g: &WeekGrid, use_case: &str, month: Month) -> Option<Decimal> {
    let (mut weighted, mut days) = (Decimal::ZERO, 0u32);
    for (monday, d) in weeks_of(month) {
        if !g.weeks.contains(&monday) {
            continue;
        }
        let users = g
            .users
            .get(&(monday, use_case.to_string()))
            .copied()
            .unwrap_or(0);
        weighted += Decimal::from(users) * Decimal::from(d);
        days += d;
    }
    (days > 0).then(|| (weighted / Decimal::from(days)).round_dp(6))
}

/// Adds the gateway-counted `wau` of every use case configured for it to `values` (month ->
/// outcomes), for `only` that month or for every month the gateway has records in.
pub fn add_gateway_wau(
    store: &Store,
    config: &Config,
    only: Option<Month>,
    values: &mut HashMap<Month, Outcomes>,
) -> Result<(), StoreError> {
    let ids: Vec<&str> = config
        .use_cases
        .iter()
        .filter(|u| u.wau_from_gateway())
        .map(|u| u.id.as_str())
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let months: Vec<Month> = match only {
        Some(m) => vec![m],
        None => {
            let span: (Option<NaiveDate>, Option<NaiveDate>) =
                store
                    .conn()
                    .query_row(queries::OUTCOMES_GATEWAY_SPAN, [], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
            match span {
                (Some(a), Some(b)) => {
                    let (mut m, last) = (Month::of(a), Month::of(b));
                    let mut out = Vec::new();
                    while m <= last {
                        out.push(m);
                        m = m.next();
                    }
                    out
                }
                _ => return Ok(()),
            }
        }
    };
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(());
    };
    let g = grid(store, *first, *last)?;
    for m in months {
        for id in &ids {
            if let Some(v) = month_wau(&g, id, m) {
                values
                    .entry(m)
                    .or_default()
                    .insert((id.to_string(), GATEWAY_METRIC.to_string()), v);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
    }

    #[test]
    fn weeks_split_at_month_ends_by_days() {
        // October 2026 starts on a Thursday: 4 + 7 + 7 + 7 + 6 days.
        let oct: Month = "2026-10".parse().expect("m");
        let w = weeks_of(oct);
        assert_eq!(
            w,
            [
                (day("2026-09-28"), 4),
                (day("2026-10-05"), 7),
                (day("2026-10-12"), 7),
                (day("2026-10-19"), 7),
                (day("2026-10-26"), 6)
            ]
        );
        assert_eq!(week_of(day("2026-11-01")), day("2026-10-26"));
        // February 2027 starts on a Monday: four whole weeks.
        let feb: Month = "2027-02".parse().expect("m");
        assert_eq!(
            weeks_of(feb).iter().map(|w| w.1).collect::<Vec<_>>(),
            [7, 7, 7, 7]
        );
    }
}

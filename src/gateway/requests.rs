//! `tollgate requests`: the gateway's requests per day and use case, and in total (with the
//! latency percentiles the Use cases drill-down shows), from the request table (never the
//! billed ledger). The JSON is the contract of docs/CONTRACTS.md (section 3.13).

use chrono::NaiveDate;
use duckdb::params;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::serialize_usd;
use crate::store::{queries, Store, StoreError};

/// The use case of requests that carried none.
pub const UNALLOCATED: &str = "unallocated";

/// Which requests: days in [since, until) (open ends when `None`), one use case (an id or
/// `unallocated`) or all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub use_case: Option<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestDays {
    pub days: Vec<RequestDay>,
    pub total: RequestTotal,
}

/// One day and use case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestDay {
    pub day: NaiveDate,
    /// A use case id, or `unallocated`.
    pub use_case: String,
    pub requests: i64,
    /// Distinct pseudonymous users that day.
    pub users: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// The priced requests' captured cost (exact in the DB; cents here).
    #[serde(serialize_with = "serialize_usd")]
    pub cost_usd: Decimal,
    /// Requests the proxy refused (never sent upstream).
    pub refused: i64,
}

/// Every request the filter keeps, together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestTotal {
    pub requests: i64,
    /// Distinct pseudonymous users over the whole span (not the sum of the days').
    pub users: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    #[serde(serialize_with = "serialize_usd")]
    pub cost_usd: Decimal,
    pub refused: i64,
    /// Latency percentiles of the forwarded requests (refusals left out), in ms; `null`
    /// without any.
    pub latency_p50_ms: Option<f64>,
    pub latency_p95_ms: Option<f64>,
}

/// Days (oldest first, use cases by id within a day) and the total of `filter`.
pub fn per_day(store: &Store, filter: &Filter) -> Result<RequestDays, StoreError> {
    let mut stmt = store
        .conn()
        .prepare_cached(queries::GATEWAY_REQUESTS_PER_DAY)?;
    let rows = stmt.query_map(params![filter.since, filter.use_case, filter.until], |r| {
        Ok(RequestDay {
            day: r.get(0)?,
            use_case: r.get(1)?,
            requests: r.get(2)?,
            users: r.get(3)?,
            input_tokens: r.get(4)?,
            output_tokens: r.get(5)?,
            cost_usd: r.get(6)?,
            refused: r.get(7)?,
        })
    })?;
    let days = rows.collect::<Result<_, _>>()?;
    Ok(RequestDays {
        days,
        total: total(store, filter)?,
    })
}

/// The total of `filter` alone (what the Use cases drill-down shows for a month).
pub fn total(store: &Store, filter: &Filter) -> Result<RequestTotal, StoreError> {
    let mut stmt = store
        .conn()
        .prepare_cached(queries::GATEWAY_REQUESTS_TOTAL)?;
    Ok(
        stmt.query_row(params![filter.since, filter.use_case, filter.until], |r| {
            Ok(RequestTotal {
                requests: r.get(0)?,
                users: r.get(1)?,
                input_tokens: r.get(2)?,
                output_tokens: r.get(3)?,
                cost_usd: r.get(4)?,
                refused: r.get(5)?,
                latency_p50_ms: r.get(6)?,
                latency_p95_ms: r.get(7)?,
            })
        })?,
    )
}

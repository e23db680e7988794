//! A gateway source's live figures (the Sources tab's row; `doctor` prints the same):
//! requests and refusals in the last hour, the newest record, and the month's capture rate —
//! the cost the gateway captured over what the providers billed for the same providers and
//! days (`None` when there is no bill to compare with).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use duckdb::params;
use rust_decimal::Decimal;

use crate::month::Month;
use crate::store::{queries, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct GatewayStatus {
    pub requests_last_hour: i64,
    pub refused_last_hour: i64,
    /// Request records ingested from this source.
    pub records: i64,
    /// When the newest request started (UTC).
    pub newest: Option<NaiveDateTime>,
    /// The month's capture, when the month has a bill for the gateway's providers.
    pub capture: Option<Capture>,
}

/// Captured / billed for the month of `now`, over the days the bill covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub captured_usd: Decimal,
    pub billed_usd: Decimal,
    /// The last day of the bill compared (captured cost after it is not counted).
    pub billed_through: NaiveDate,
    /// captured / billed (a fraction); `None` when the bill is $0.
    pub rate: Option<Decimal>,
}

/// The figures of gateway source `source` as of `now`.
pub fn source_status(
    store: &Store,
    source: &str,
    now: NaiveDateTime,
) -> Result<GatewayStatus, StoreError> {
    let c = store.conn();
    let mut stmt = c.prepare_cached(queries::GATEWAY_SOURCE_STATUS)?;
    let mut out = stmt.query_row(params![source, now - Duration::hours(1), now], |r| {
        Ok(GatewayStatus {
            requests_last_hour: r.get(0)?,
            refused_last_hour: r.get(1)?,
            records: r.get(2)?,
            newest: r.get(3)?,
            capture: None,
        })
    })?;
    let month = Month::of(now.date());
    let mut stmt = c.prepare_cached(queries::GATEWAY_CAPTURE_OVER_DAYS)?;
    let (billed, through, captured): (Option<Decimal>, Option<NaiveDate>, Option<Decimal>) = stmt
        .query_row(
        params![source, month.first_day(), month.next().first_day()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    out.capture = match (billed, through) {
        (Some(billed_usd), Some(billed_through)) => {
            let captured_usd = captured.unwrap_or_default();
            Some(Capture {
                rate: (!billed_usd.is_zero()).then(|| captured_usd / billed_usd),
                captured_usd,
                billed_usd,
                billed_through,
            })
        }
        _ => None,
    };
    Ok(out)
}

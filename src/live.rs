//! Live spend (issue 15 item 5): provider bills arrive a day or so late, the gateway's records
//! (`gateway_requests`, ingested by `sync` from a `gateway` source) are minutes old. For the
//! hours after a provider's last billed data (its latest ChargePeriodEnd in the ledger; all of
//! them for a provider never billed), the gateway-captured cost stands in as an estimate. The
//! bill and the estimate never overlap: the estimate starts where the billed rows end, and
//! shrinks as billed days arrive, so nothing is counted twice. The Overview's month to date and
//! the projections of the Overview and the gates add it, labelled as an estimate.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use duckdb::params;
use rust_decimal::Decimal;

use crate::store::{queries, Store, StoreError};

/// The gateway estimate of some days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveEstimate {
    /// Exact.
    pub total: Decimal,
    /// Exact, per use case (None = unallocated).
    pub by_use_case: HashMap<Option<String>, Decimal>,
    /// Per provider with an estimate: where its bill ends (None: never billed) and the estimate.
    pub providers: Vec<ProviderEstimate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderEstimate {
    pub provider: String,
    pub billed_through: Option<NaiveDateTime>,
    /// Exact.
    pub cost: Decimal,
}

impl LiveEstimate {
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }

    pub fn use_case(&self, id: &str) -> Decimal {
        self.by_use_case
            .get(&Some(id.to_string()))
            .copied()
            .unwrap_or_default()
    }

    /// `estimated from the gateway after the last bill (OpenAI billed through 2026-12-04 00:00)`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .providers
            .iter()
            .map(|p| match p.billed_through {
                Some(t) => format!(
                    "{} billed through {}",
                    p.provider,
                    t.format("%Y-%m-%d %H:%M")
                ),
                None => format!("{} not billed yet", p.provider),
            })
            .collect();
        format!(
            "estimated from the gateway after the last bill ({})",
            parts.join(", ")
        )
    }
}

/// The estimate for requests started on the days `[start, end)`.
pub fn estimate(
    store: &Store,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<LiveEstimate, StoreError> {
    let mut out = LiveEstimate::default();
    let mut stmt = store
        .conn()
        .prepare_cached(queries::GATEWAY_LIVE_OVER_DAYS)?;
    let rows = stmt.query_map(params![midnight(start), midnight(end)], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<NaiveDateTime>>(2)?,
            r.get::<_, Decimal>(3)?,
        ))
    })?;
    for row in rows {
        let (use_case, provider, through, cost) = row?;
        out.total += cost;
        *out.by_use_case.entry(use_case).or_default() += cost;
        match out.providers.iter_mut().find(|p| p.provider == provider) {
            Some(p) => p.cost += cost,
            None => out.providers.push(ProviderEstimate {
                provider,
                billed_through: through,
                cost,
            }),
        }
    }
    Ok(out)
}

fn midnight(day: NaiveDate) -> NaiveDateTime {
    day.and_time(chrono::NaiveTime::MIN)
}

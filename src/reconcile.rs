//! `tollgate reconcile`: per provider and month, what was billed against usage x the list price
//! in force on each day, and what the gateway (`tollgate proxy`, ingested by sync) captured.
//! Billed and usage x price cover the same rows: those with a model, a token type and a token
//! count whose price is known. Tokens with no known price are reported as unpriced with their
//! counts, never priced at $0.
//!
//! The third column: `gateway_usd` is the priced gateway records' cost of the month for the
//! provider, and `capture_rate = gateway_usd / billed` (a fraction, four decimals) says how
//! much of the billed traffic went through the gateway; below [`LOW_CAPTURE`] the status is
//! `low_capture` (traffic bypasses it), unless the bill already disagrees with usage x price
//! (`mismatch` comes first). A month in which the gateway recorded nothing at all has
//! `gateway_usd` and `capture_rate` null, never $0 or 0%; in a month it has data, a provider it
//! saw nothing of is captured at $0.00. A provider only the gateway saw is listed with $0
//! billed and a null rate.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use duckdb::params;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::money::{self, serialize_opt_usd, serialize_usd};
use crate::month::Month;
use crate::prices::{cost_of, PriceBook, PriceError, STANDARD};
use crate::store::queries;
use crate::store::Store;

/// A difference within this share of the billed amount (in percent) is `ok`.
pub const TOLERANCE_PCT: i64 = 1;
/// A capture rate below this (95%) is `low_capture`.
pub const LOW_CAPTURE: Decimal = Decimal::from_parts(95, 0, 0, false, 2);

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reconciliation {
    pub month: Month,
    pub providers: Vec<ProviderReconciliation>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Mismatch,
    LowCapture,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Mismatch => "mismatch",
            Status::LowCapture => "low_capture",
        }
    }
}

/// One provider's month. Money is rounded to cents and `difference = billed - usage_x_price`
/// of the rounded values; `difference_pct` and `status` come from the exact values.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProviderReconciliation {
    pub provider: String,
    /// BilledCost of the priced token rows.
    #[serde(serialize_with = "serialize_usd")]
    pub billed: Decimal,
    /// Tokens x the price in force on each row's day, of the same rows.
    #[serde(serialize_with = "serialize_usd")]
    pub usage_x_price: Decimal,
    /// What the gateway captured (its priced records' cost); `null` when the gateway recorded
    /// nothing in the month.
    #[serde(serialize_with = "serialize_opt_usd")]
    pub gateway_usd: Option<Decimal>,
    /// `gateway_usd / billed` of the exact values, a fraction with four decimals; `null` without
    /// gateway data or when nothing was billed.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub capture_rate: Option<Decimal>,
    #[serde(serialize_with = "serialize_usd")]
    pub difference: Decimal,
    /// `difference` as a percentage of `billed`; `null` when nothing was billed but usage was.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub difference_pct: Option<Decimal>,
    pub status: Status,
    /// Tokens on rows whose model and token type have no known price.
    pub unpriced_tokens: i64,
    /// BilledCost of those rows, left out of `billed` so both sides compare the same usage.
    #[serde(serialize_with = "serialize_usd")]
    pub unpriced_billed: Decimal,
    pub unpriced_models: Vec<UnpricedModel>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnpricedModel {
    pub model: String,
    pub token_types: Vec<String>,
    pub tokens: i64,
}

#[derive(Default)]
struct Totals {
    billed: Decimal,
    usage_x_price: Decimal,
    unpriced_billed: Decimal,
    unpriced: BTreeMap<String, (Vec<String>, Decimal)>,
}

/// Reconciles `month` against the prices in `store`.
pub fn reconcile(store: &Store, month: Month) -> Result<Reconciliation, PriceError> {
    let book = PriceBook::load(store.conn())?;
    let (start, end) = month.bounds();
    let mut stmt = store.conn().prepare(queries::RECONCILE_USAGE)?;
    let rows = stmt.query_map(params![start, end], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, NaiveDate>(3)?,
            r.get::<_, Decimal>(4)?,
            r.get::<_, Decimal>(5)?,
        ))
    })?;
    let mut by_provider: BTreeMap<String, Totals> = BTreeMap::new();
    for row in rows {
        let (provider, model, token_type, day, tokens, billed) = row?;
        let t = by_provider.entry(provider.clone()).or_default();
        // Ledger rows carry no tier yet: usage is priced at the standard tier.
        match book.lookup(&provider, &model, &token_type, STANDARD, day) {
            Some(price) => {
                t.billed += billed;
                t.usage_x_price += cost_of(tokens, price.usd_per_mtok);
            }
            None => {
                t.unpriced_billed += billed;
                let (types, count) = t.unpriced.entry(model).or_default();
                if !types.contains(&token_type) {
                    types.push(token_type);
                }
                *count += tokens;
            }
        }
    }
    let captured = gateway_captured(store, month)?;
    if let Some(captured) = &captured {
        for provider in captured.keys() {
            by_provider.entry(provider.clone()).or_default();
        }
    }
    let providers = by_provider
        .into_iter()
        .map(|(provider, t)| {
            let gateway = captured
                .as_ref()
                .map(|c| c.get(&provider).copied().unwrap_or_default());
            summarise(provider, t, gateway)
        })
        .collect();
    Ok(Reconciliation { month, providers })
}

/// The gateway's captured cost of `month` per provider; None when it recorded nothing then.
fn gateway_captured(
    store: &Store,
    month: Month,
) -> Result<Option<BTreeMap<String, Decimal>>, PriceError> {
    let (start, end) = (month.first_day(), month.next().first_day());
    let mut stmt = store.conn().prepare(queries::RECONCILE_GATEWAY)?;
    let rows = stmt.query_map(params![start, end], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Decimal>(1)?))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (provider, captured) = row?;
        out.insert(provider, captured);
    }
    Ok((!out.is_empty()).then_some(out))
}

fn summarise(provider: String, t: Totals, gateway: Option<Decimal>) -> ProviderReconciliation {
    let exact_diff = t.billed - t.usage_x_price;
    let difference_pct = if t.billed.is_zero() {
        t.usage_x_price.is_zero().then_some(Decimal::ZERO)
    } else {
        Some((exact_diff / t.billed * Decimal::from(100)).round_dp(2))
    };
    let within =
        exact_diff.abs() * Decimal::from(100) <= t.billed.abs() * Decimal::from(TOLERANCE_PCT);
    let billed = cents(t.billed);
    let usage_x_price = cents(t.usage_x_price);
    let whole = |d: Decimal| i64::try_from(d.round()).unwrap_or(i64::MAX);
    let mut unpriced_models: Vec<UnpricedModel> = t
        .unpriced
        .into_iter()
        .map(|(model, (mut token_types, tokens))| {
            token_types.sort();
            UnpricedModel {
                model,
                token_types,
                tokens: whole(tokens),
            }
        })
        .collect();
    unpriced_models.sort_by(|a, b| b.tokens.cmp(&a.tokens).then(a.model.cmp(&b.model)));
    let capture_rate = gateway
        .filter(|_| !t.billed.is_zero())
        .map(|g| (g / t.billed).round_dp(4));
    let status = if !within {
        Status::Mismatch
    } else if capture_rate.is_some_and(|r| r < LOW_CAPTURE) {
        Status::LowCapture
    } else {
        Status::Ok
    };
    ProviderReconciliation {
        provider,
        billed,
        usage_x_price,
        gateway_usd: gateway.map(cents),
        capture_rate,
        difference: billed - usage_x_price,
        difference_pct,
        status,
        unpriced_tokens: unpriced_models.iter().map(|m| m.tokens).sum(),
        unpriced_billed: cents(t.unpriced_billed),
        unpriced_models,
    }
}

/// Rounded to the cent and written with two decimals (`12.00`, not `12`).
fn cents(value: Decimal) -> Decimal {
    let mut c = money::cents(value);
    c.rescale(2);
    c
}

//! The ledger row every source becomes: FOCUS 1.2 columns plus tollgate's `x_` columns.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

/// One FOCUS-aligned ledger row, before it is staged. Money is exact.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub row_key: String,
    pub source: String,
    pub source_file: Option<String>,
    pub billed_cost: Decimal,
    pub effective_cost: Decimal,
    pub list_cost: Option<Decimal>,
    pub billing_account_id: String,
    pub billing_account_name: Option<String>,
    pub billing_currency: String,
    pub charge_category: String,
    pub charge_description: Option<String>,
    pub charge_frequency: Option<String>,
    pub charge_period_start: NaiveDateTime,
    pub charge_period_end: NaiveDateTime,
    pub consumed_quantity: Option<Decimal>,
    pub consumed_unit: Option<String>,
    pub pricing_category: Option<String>,
    pub list_unit_price: Option<Decimal>,
    pub provider_name: String,
    pub publisher_name: String,
    pub invoice_issuer_name: String,
    pub region_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    pub resource_type: Option<String>,
    pub service_category: String,
    pub service_subcategory: Option<String>,
    pub service_name: String,
    pub sku_id: Option<String>,
    pub sku_price_details: Option<String>,
    pub sub_account_id: Option<String>,
    pub sub_account_name: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub model: Option<String>,
    pub token_type: Option<String>,
    pub requests: Option<i64>,
    pub api_key_id: Option<String>,
    pub api_key_name: Option<String>,
    pub raw_usage_type: Option<String>,
    pub unpriced: bool,
}

/// What a source knows about a charge; [`LedgerRow::new`] fills the FOCUS defaults around it.
#[derive(Debug, Clone)]
pub struct Charge<'a> {
    pub source: &'a str,
    pub provider: &'a str,
    pub service: &'a str,
    pub service_category: &'a str,
    pub service_subcategory: Option<&'a str>,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub cost: Decimal,
}

impl LedgerRow {
    /// A usage row with the FOCUS defaults for a provider-billed charge.
    /// `key_parts` are the natural key of the row within its source; they make `row_key`.
    pub fn new(charge: Charge<'_>, key_parts: &[&str]) -> Self {
        let mut key = vec![charge.source, charge.provider];
        let start = charge.start.format("%Y-%m-%dT%H:%M:%S").to_string();
        key.push(&start);
        key.extend_from_slice(key_parts);
        LedgerRow {
            row_key: row_key(&key),
            source: charge.source.to_string(),
            source_file: None,
            billed_cost: charge.cost,
            effective_cost: charge.cost,
            list_cost: None,
            billing_account_id: charge.provider.to_lowercase(),
            billing_account_name: None,
            billing_currency: "USD".to_string(),
            charge_category: "Usage".to_string(),
            charge_description: None,
            charge_frequency: Some("Usage-Based".to_string()),
            charge_period_start: charge.start,
            charge_period_end: charge.end,
            consumed_quantity: None,
            consumed_unit: None,
            pricing_category: Some("Standard".to_string()),
            list_unit_price: None,
            provider_name: charge.provider.to_string(),
            publisher_name: charge.provider.to_string(),
            invoice_issuer_name: charge.provider.to_string(),
            region_id: None,
            resource_id: None,
            resource_name: None,
            resource_type: None,
            service_category: charge.service_category.to_string(),
            service_subcategory: charge.service_subcategory.map(str::to_string),
            service_name: charge.service.to_string(),
            sku_id: None,
            sku_price_details: None,
            sub_account_id: None,
            sub_account_name: None,
            tags: BTreeMap::new(),
            model: None,
            token_type: None,
            requests: None,
            api_key_id: None,
            api_key_name: None,
            raw_usage_type: None,
            unpriced: false,
        }
    }

    /// FOCUS BillingPeriod: the calendar month of the charge.
    pub fn billing_period(&self) -> (NaiveDateTime, NaiveDateTime) {
        month_bounds(self.charge_period_start.date())
    }

    /// Tags as a FOCUS key-value JSON object string, or `None` when there are none.
    pub fn tags_json(&self) -> Option<String> {
        if self.tags.is_empty() {
            None
        } else {
            serde_json::to_string(&self.tags).ok()
        }
    }
}

/// A deterministic key from the parts that identify a row within its source.
pub fn row_key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(&h.finalize()[..16])
}

/// The first instant of the month of `day` and of the month after.
pub fn month_bounds(day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let first = day.with_day(1).unwrap_or(day);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .unwrap_or(first);
    (
        first.and_time(chrono::NaiveTime::MIN),
        next.and_time(chrono::NaiveTime::MIN),
    )
}

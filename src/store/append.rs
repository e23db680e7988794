//! Appending rows through DuckDB's Appender with native values: money as DECIMAL (the
//! `rust_decimal` mantissa and scale, cast by DuckDB to the column's precision exactly as a
//! text cast would round), timestamps as TIMESTAMP microseconds, text borrowed. No value goes
//! through text and back. [`append_ledger_rows`] fills the staging table of a write; the
//! value helpers serve any other table appended to the same way (e.g. a request log).

use chrono::NaiveDateTime;
use duckdb::types::{TimeUnit, Value};
use duckdb::{Connection, ToSql};
use rust_decimal::Decimal;

use crate::normalize::LedgerRow;

/// A DECIMAL value for the Appender (`NULL` for `None`).
pub fn decimal(d: Option<&Decimal>) -> Value {
    d.map_or(Value::Null, |d| Value::Decimal((*d).into()))
}

/// A TIMESTAMP value (UTC, microseconds) for the Appender.
pub fn timestamp(t: &NaiveDateTime) -> Value {
    Value::Timestamp(TimeUnit::Microsecond, t.and_utc().timestamp_micros())
}

/// Appends `rows` to `table` in the temp schema (columns of queries/rollups/staging.sql).
pub fn append_ledger_rows(
    c: &Connection,
    table: &str,
    rows: &[LedgerRow],
) -> Result<(), duckdb::Error> {
    let mut app = c.appender_to_catalog_and_db(table, "temp", "main")?;
    for r in rows {
        let (bp_start, bp_end) = r.billing_period();
        let tags = r.tags_json();
        let values: [&dyn ToSql; 46] = [
            &decimal(Some(&r.billed_cost)),
            &decimal(Some(&r.effective_cost)),
            &decimal(r.list_cost.as_ref()),
            &Value::Null,
            &r.billing_account_id.as_str(),
            &r.billing_account_name.as_deref(),
            &r.billing_currency.as_str(),
            &timestamp(&bp_start),
            &timestamp(&bp_end),
            &r.charge_category.as_str(),
            &Value::Null,
            &r.charge_description.as_deref(),
            &r.charge_frequency.as_deref(),
            &timestamp(&r.charge_period_start),
            &timestamp(&r.charge_period_end),
            &decimal(r.consumed_quantity.as_ref()),
            &r.consumed_unit.as_deref(),
            &decimal(r.consumed_quantity.as_ref()),
            &r.consumed_unit.as_deref(),
            &r.pricing_category.as_deref(),
            &decimal(r.list_unit_price.as_ref()),
            &r.invoice_issuer_name.as_str(),
            &r.provider_name.as_str(),
            &r.publisher_name.as_str(),
            &r.region_id.as_deref(),
            &r.resource_id.as_deref(),
            &r.resource_name.as_deref(),
            &r.resource_type.as_deref(),
            &r.service_category.as_str(),
            &r.service_subcategory.as_deref(),
            &r.service_name.as_str(),
            &r.sku_id.as_deref(),
            &r.sku_price_details.as_deref(),
            &r.sub_account_id.as_deref(),
            &r.sub_account_name.as_deref(),
            &tags.as_deref(),
            &r.source.as_str(),
            &r.source_file.as_deref(),
            &r.row_key.as_str(),
            &r.model.as_deref(),
            &r.token_type.as_deref(),
            &r.requests,
            &r.api_key_id.as_deref(),
            &r.api_key_name.as_deref(),
            &r.raw_usage_type.as_deref(),
            &r.unpriced,
        ];
        app.append_row(&values[..])?;
    }
    app.flush()
}

//! Normalisation: typed, provider-shaped records in, FOCUS ledger rows out. Every source
//! (API syncs, the demo generator) goes through [`normalize`], then `store::ingest`.

pub mod anthropic;
pub mod aws;
pub mod focus_line;
pub mod gcp;
pub mod modal;
pub mod openai;
pub mod row;

pub use row::{month_bounds, row_key, Charge, LedgerRow};

use rust_decimal::Decimal;

#[derive(Debug, thiserror::Error)]
pub enum NormalizeError {
    #[error("source {source_name}: field {field} is not a number: {value}")]
    Field {
        source_name: String,
        field: String,
        value: String,
    },
    #[error("not a valid timestamp: {0}")]
    Time(String),
    #[error("source {source_name}: the cost of {what}: {}", crate::money::other_currency(.found, .ledger))]
    Currency {
        source_name: String,
        what: String,
        found: String,
        ledger: String,
    },
}

/// Refuses rows billed in another currency than the ledger's (`[ledger] currency`).
pub fn check_currency(
    source: &str,
    rows: &[LedgerRow],
    ledger: &str,
) -> Result<(), NormalizeError> {
    match rows
        .iter()
        .find(|r| !r.billing_currency.eq_ignore_ascii_case(ledger))
    {
        None => Ok(()),
        Some(r) => Err(NormalizeError::Currency {
            source_name: source.to_string(),
            what: format!(
                "{} {} on {}",
                r.provider_name,
                r.service_name,
                r.charge_period_start.date()
            ),
            found: r.billing_currency.clone(),
            ledger: ledger.to_string(),
        }),
    }
}

/// Provider-shaped records of one source window.
#[derive(Debug, Clone)]
pub enum SourceRecords {
    OpenAi(openai::OpenAiBatch),
    Anthropic(anthropic::AnthropicBatch),
    Aws(aws::AwsContext, Vec<aws::GetCostAndUsageResponse>),
    Gcp(Vec<gcp::ExportRow>),
    Modal {
        items: Vec<modal::ReportItem>,
        hourly: bool,
    },
    Focus(Vec<focus_line::FocusLine>),
}

/// The one path from provider records to ledger rows.
pub fn normalize(source: &str, records: &SourceRecords) -> Result<Vec<LedgerRow>, NormalizeError> {
    match records {
        SourceRecords::OpenAi(b) => openai::to_rows(source, b),
        SourceRecords::Anthropic(b) => anthropic::to_rows(source, b),
        SourceRecords::Aws(ctx, pages) => {
            let mut rows = Vec::new();
            for p in pages {
                rows.extend(aws::to_rows(source, ctx, p)?);
            }
            Ok(rows)
        }
        SourceRecords::Gcp(r) => gcp::to_rows(source, r),
        SourceRecords::Modal { items, hourly } => modal::to_rows(source, items, *hourly),
        SourceRecords::Focus(lines) => Ok(focus_line::to_rows(source, lines)),
    }
}

/// A JSON money value sent as a number or a numeric string, read exactly.
pub fn money_from_json(v: &serde_json::Value) -> Option<Decimal> {
    match v {
        // arbitrary_precision keeps the number's text, so no float ever touches it
        serde_json::Value::Number(n) => money_from_str(&n.to_string()),
        serde_json::Value::String(s) => money_from_str(s),
        _ => None,
    }
}

pub fn money_from_str(s: &str) -> Option<Decimal> {
    crate::money::parse(s)
}

/// "input", "cached input", "output", "cache write" ... -> tollgate's token types.
pub fn token_type_from_label(label: &str) -> Option<String> {
    let l = label.trim().to_lowercase();
    let t = if l.contains("cache") && (l.contains("write") || l.contains("creation")) {
        "cache_write"
    } else if l.contains("cached") || l.contains("cache read") || l.contains("cache_read") {
        "cached_input"
    } else if l.contains("input") {
        "input"
    } else if l.contains("output") {
        "output"
    } else {
        return None;
    };
    Some(t.to_string())
}

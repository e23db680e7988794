//! Modal billing report items (`modal billing report --json`) and their ledger rows.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration};
use serde::Deserialize;

use super::row::{Charge, LedgerRow};
use super::{money_from_json, NormalizeError};

pub const PROVIDER: &str = "Modal";

/// `WorkspaceBillingReportItem`.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportItem {
    pub object_id: String,
    pub description: String,
    pub environment_name: Option<String>,
    pub interval_start: String,
    pub cost: serde_json::Value,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// `hourly` is true for `--resolution h` reports.
pub fn to_rows(
    source: &str,
    items: &[ReportItem],
    hourly: bool,
) -> Result<Vec<LedgerRow>, NormalizeError> {
    let step = if hourly {
        Duration::hours(1)
    } else {
        Duration::days(1)
    };
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let start = DateTime::parse_from_rfc3339(&it.interval_start)
                .map_err(|_| NormalizeError::Time(it.interval_start.clone()))?
                .naive_utc();
            let cost = money_from_json(&it.cost).ok_or_else(|| NormalizeError::Field {
                source_name: source.to_string(),
                field: format!("[{i}].cost"),
                value: it.cost.to_string(),
            })?;
            let mut row = LedgerRow::new(
                Charge {
                    source,
                    provider: PROVIDER,
                    service: "Modal",
                    service_category: "Compute",
                    service_subcategory: Some("Serverless Compute"),
                    start,
                    end: start + step,
                    cost,
                },
                &["modal", &it.object_id],
            );
            row.resource_id = Some(it.object_id.clone());
            row.resource_name = Some(it.description.clone());
            row.sub_account_id = it.environment_name.clone();
            row.sub_account_name = it.environment_name.clone();
            row.charge_description = Some(it.description.clone());
            row.tags = it.tags.clone();
            Ok(row)
        })
        .collect()
}

//! Modal billing report items (`modal billing report`, read by `sources::modal_report`) and
//! their ledger rows. Interval starts are UTC: naive ISO times as the CLI prints them, or with
//! an offset (`--tz`, or the SDK's own items).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime};

use super::row::{Charge, LedgerRow};
use super::{money_from_json, NormalizeError};

pub const PROVIDER: &str = "Modal";

/// `WorkspaceBillingReportItem`, one row of the CLI's report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportItem {
    pub object_id: String,
    pub description: String,
    /// The Modal environment: the ledger's sub-account.
    pub environment_name: Option<String>,
    pub interval_start: String,
    pub cost: serde_json::Value,
    pub tags: BTreeMap<String, String>,
    /// `--show-resources`: the resource (CPU, Memory, a GPU type) this part of the cost is for.
    pub resource: Option<String>,
}

/// An interval start as UTC: RFC 3339 with an offset, or a naive ISO time (the CLI strips the
/// UTC offset), or a bare date (the CLI's table for daily reports).
pub fn interval_start_utc(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.naive_utc());
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(|d| d.and_time(chrono::NaiveTime::MIN))
    })
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
            let start = interval_start_utc(&it.interval_start)
                .ok_or_else(|| NormalizeError::Time(it.interval_start.clone()))?;
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
                &match &it.resource {
                    None => vec!["modal", &it.object_id],
                    Some(r) => vec!["modal", &it.object_id, r],
                },
            );
            row.resource_id = Some(it.object_id.clone());
            row.resource_name = Some(it.description.clone());
            row.sub_account_id = it.environment_name.clone();
            row.sub_account_name = it.environment_name.clone();
            row.charge_description = Some(match &it.resource {
                None => it.description.clone(),
                Some(r) => format!("{}: {r}", it.description),
            });
            row.tags = it.tags.clone();
            Ok(row)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_starts_are_utc() {
        let t = |s: &str| interval_start_utc(s).map(|t| t.to_string());
        let midnight = Some("2026-04-01 00:00:00".to_string());
        assert_eq!(t("2026-04-01T00:00:00"), midnight);
        assert_eq!(t("2026-04-01T00:00:00+00:00"), midnight);
        assert_eq!(t("2026-04-01T02:00:00+02:00"), midnight);
        assert_eq!(t("2026-04-01T00:00:00Z"), midnight);
        assert_eq!(t("2026-04-01"), midnight);
        assert_eq!(t("2026-04-01T00:00"), midnight);
        assert_eq!(t("yesterday"), None);
    }
}

//! AWS Cost Explorer GetCostAndUsage results and their ledger rows.
//! UnblendedCost is BilledCost, AmortizedCost is EffectiveCost; amounts are strings.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::row::{Charge, LedgerRow};
use super::NormalizeError;

pub const PROVIDER: &str = "AWS";
/// The ChargeDescription of rows from a period Cost Explorer marked `Estimated`; the sync
/// engine fetches them again until they are final.
pub const ESTIMATED: &str = "estimated";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCostAndUsageResponse {
    #[serde(default)]
    pub group_definitions: Vec<GroupDefinition>,
    pub results_by_time: Vec<ResultByTime>,
    pub next_page_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupDefinition {
    #[serde(rename = "Type")]
    pub kind: String,
    pub key: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultByTime {
    pub time_period: TimePeriod,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub estimated: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimePeriod {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    pub keys: Vec<String>,
    pub metrics: HashMap<String, MetricValue>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricValue {
    pub amount: String,
    pub unit: String,
}

/// Account context that Cost Explorer responses do not repeat.
#[derive(Debug, Clone, Default)]
pub struct AwsContext {
    pub account_id: String,
}

pub fn to_rows(
    source: &str,
    ctx: &AwsContext,
    resp: &GetCostAndUsageResponse,
) -> Result<Vec<LedgerRow>, NormalizeError> {
    let mut rows = Vec::new();
    for period in &resp.results_by_time {
        let start = day(&period.time_period.start)?;
        let end = day(&period.time_period.end)?;
        for g in &period.groups {
            let mut service = String::from("AWS");
            let mut usage_type: Option<String> = None;
            let mut tags = BTreeMap::new();
            for (def, key) in resp.group_definitions.iter().zip(&g.keys) {
                match (def.kind.as_str(), def.key.as_str()) {
                    ("DIMENSION", "SERVICE") => service = key.clone(),
                    ("DIMENSION", "USAGE_TYPE") => usage_type = Some(key.clone()),
                    ("TAG", _) => {
                        // "key$value"; "key$" is untagged
                        if let Some((k, v)) = key.split_once('$') {
                            if !v.is_empty() {
                                tags.insert(k.to_string(), v.to_string());
                            }
                        }
                    }
                    _ => {}
                }
            }
            let metric = |name: &str| -> Result<Option<Decimal>, NormalizeError> {
                g.metrics
                    .get(name)
                    .map(|m| {
                        super::money_from_str(&m.amount).ok_or_else(|| NormalizeError::Field {
                            source_name: source.to_string(),
                            field: format!("ResultsByTime[].Groups[].Metrics.{name}.Amount"),
                            value: m.amount.clone(),
                        })
                    })
                    .transpose()
            };
            let billed = metric("UnblendedCost")?.unwrap_or_default();
            let effective = metric("AmortizedCost")?.unwrap_or(billed);
            let quantity = metric("UsageQuantity")?;
            let (category, subcategory) = service_category(&service);
            let mut row = LedgerRow::new(
                Charge {
                    source,
                    provider: PROVIDER,
                    service: &service,
                    service_category: category,
                    service_subcategory: Some(subcategory),
                    start,
                    end,
                    cost: effective,
                },
                &[
                    "ce",
                    &service,
                    usage_type.as_deref().unwrap_or(""),
                    &g.keys.join("|"),
                ],
            );
            row.billed_cost = billed;
            if let Some(unit) = g
                .metrics
                .get("UnblendedCost")
                .map(|m| m.unit.trim())
                .filter(|u| !u.is_empty())
            {
                row.billing_currency = unit.to_uppercase();
            }
            row.billing_account_id = ctx.account_id.clone();
            row.sub_account_id = Some(ctx.account_id.clone()).filter(|a| !a.is_empty());
            row.consumed_quantity = quantity;
            row.tags = tags;
            if let Some(ut) = &usage_type {
                let (model, token_type) = bedrock_usage_type(ut);
                row.model = model;
                row.token_type = token_type;
                if row.token_type.is_some() {
                    row.consumed_unit = Some("Tokens".to_string());
                }
                if ut.contains("SpotUsage") {
                    row.pricing_category = Some("Dynamic".to_string());
                    row.consumed_unit = Some("Hours".to_string());
                    row.sku_price_details = ut
                        .split_once(':')
                        .map(|(_, it)| format!("{{\"InstanceType\":\"{it}\"}}"));
                }
                row.raw_usage_type = Some(ut.clone());
                row.sku_id = Some(ut.clone());
            }
            if period.estimated {
                row.charge_description = Some(ESTIMATED.to_string());
            }
            rows.push(row);
        }
    }
    Ok(rows)
}

fn service_category(service: &str) -> (&'static str, &'static str) {
    match service {
        "Amazon Bedrock" => ("AI and Machine Learning", "Generative AI"),
        "Amazon SageMaker" => ("AI and Machine Learning", "Machine Learning"),
        s if s.contains("Compute") => ("Compute", "Virtual Machines"),
        s if s.contains("Storage") || s.contains("S3") => ("Storage", "Object Storage"),
        _ => ("Other", "Other (Other)"),
    }
}

/// `USE1-Claude3.5Sonnet-input-tokens` -> (model, token type).
pub fn bedrock_usage_type(ut: &str) -> (Option<String>, Option<String>) {
    let suffixes = [
        ("-cache-read-input-token-count", "cached_input"),
        ("-cache-write-input-token-count", "cache_write"),
        ("-input-tokens", "input"),
        ("-output-tokens", "output"),
    ];
    for (suffix, tt) in suffixes {
        if let Some(pos) = ut.find(suffix) {
            let head = &ut[..pos];
            let model = head.split_once('-').map(|(_, m)| m).unwrap_or(head);
            let model = model.trim_end_matches("-mantle");
            return (Some(model.to_string()), Some(tt.to_string()));
        }
    }
    (None, None)
}

fn day(d: &str) -> Result<NaiveDateTime, NormalizeError> {
    NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map(|d| d.and_time(chrono::NaiveTime::MIN))
        .map_err(|_| NormalizeError::Time(d.to_string()))
}

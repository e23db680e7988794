//! Rows of the GCP BigQuery billing export (flattened by tollgate's query) and their ledger rows.
//! EffectiveCost = cost + credits; BilledCost = cost; labels become Tags; project is SubAccount.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::row::{Charge, LedgerRow};
use super::{money_from_str, NormalizeError};

pub const PROVIDER: &str = "Google Cloud";

#[derive(Debug, Clone, Deserialize)]
pub struct ExportRow {
    pub billing_account_id: String,
    pub service_description: String,
    pub sku_id: Option<String>,
    pub sku_description: Option<String>,
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    pub usage_start_time: NaiveDateTime,
    pub usage_end_time: NaiveDateTime,
    pub cost: String,
    pub credits: String,
    pub cost_at_list: Option<String>,
    pub currency: String,
    pub usage_amount: Option<String>,
    pub usage_unit: Option<String>,
    pub cost_type: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

pub fn to_rows(source: &str, rows: &[ExportRow]) -> Result<Vec<LedgerRow>, NormalizeError> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let field = |name: &str, v: &str| NormalizeError::Field {
                source_name: source.to_string(),
                field: format!("rows[{i}].{name}"),
                value: v.to_string(),
            };
            let cost = money_from_str(&r.cost).ok_or_else(|| field("cost", &r.cost))?;
            let credits = money_from_str(&r.credits).ok_or_else(|| field("credits", &r.credits))?;
            let (category, sub) = if r.service_description.contains("Vertex")
                || r.service_description.contains("Gemini")
            {
                ("AI and Machine Learning", "Generative AI")
            } else if r.service_description.contains("Compute") {
                ("Compute", "Virtual Machines")
            } else {
                ("Other", "Other (Other)")
            };
            let mut row = LedgerRow::new(
                Charge {
                    source,
                    provider: PROVIDER,
                    service: &r.service_description,
                    service_category: category,
                    service_subcategory: Some(sub),
                    start: r.usage_start_time,
                    end: r.usage_end_time,
                    cost: cost + credits,
                },
                &[
                    "gcp",
                    r.sku_id.as_deref().unwrap_or(""),
                    r.project_id.as_deref().unwrap_or(""),
                    &serde_json::to_string(&r.labels).unwrap_or_default(),
                    r.cost_type.as_deref().unwrap_or(""),
                ],
            );
            row.billed_cost = cost;
            row.billing_currency = r.currency.clone();
            row.billing_account_id = r.billing_account_id.clone();
            row.list_cost = r.cost_at_list.as_deref().and_then(money_from_str);
            row.sku_id = r.sku_id.clone();
            row.charge_description = r.sku_description.clone();
            row.sub_account_id = r.project_id.clone();
            row.sub_account_name = r.project_name.clone();
            row.consumed_quantity = r.usage_amount.as_deref().and_then(money_from_str);
            row.consumed_unit = r.usage_unit.clone();
            row.tags = r.labels.clone();
            if category == "AI and Machine Learning" {
                if let Some((model, token_type)) = r.sku_description.as_deref().and_then(ai_sku) {
                    row.model = Some(model);
                    row.token_type = token_type;
                }
            }
            if r.sku_description.as_deref().is_some_and(|d| {
                let d = d.to_lowercase();
                d.contains("(spot)") || d.contains("preemptible")
            }) {
                row.pricing_category = Some("Dynamic".to_string());
            }
            if let Some(d) = r
                .sku_description
                .as_deref()
                .filter(|d| is_accelerator_sku(d))
            {
                // tells the default category a GPU from a CPU instance (alloc::category)
                row.sku_price_details = Some(serde_json::json!({ "x_Accelerator": d }).to_string());
            }
            if r.cost_type.as_deref() == Some("tax") {
                row.charge_category = "Tax".to_string();
            }
            if credits != Decimal::ZERO && cost.is_zero() {
                row.charge_category = "Credit".to_string();
            }
            Ok(row)
        })
        .collect()
}

/// A GPU or TPU SKU ("Nvidia H100 80GB GPU running in Americas", "TPU v5e ..."), not the
/// instance core and RAM SKUs around it.
fn is_accelerator_sku(description: &str) -> bool {
    description
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "GPU" || w == "TPU" || w.eq_ignore_ascii_case("nvidia"))
}

/// "Gemini 2.5 Pro Input Tokens" -> ("Gemini 2.5 Pro", input): the model is the SKU description
/// before its token or character meter.
pub fn ai_sku(description: &str) -> Option<(String, Option<String>)> {
    let lower = description.to_lowercase();
    let meters = [
        " cached input tokens",
        " cache write tokens",
        " input tokens",
        " output tokens",
        " input characters",
        " output characters",
        " tokens",
        " characters",
    ];
    for m in meters {
        if let Some(pos) = lower.find(m) {
            let model = description[..pos].trim().to_string();
            return Some((model, super::token_type_from_label(&lower[pos..])));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ai_skus_name_model_and_token_type() {
        assert_eq!(
            ai_sku("Gemini 2.5 Pro Input Tokens"),
            Some(("Gemini 2.5 Pro".into(), Some("input".into())))
        );
        assert_eq!(
            ai_sku("Text Embedding 005 Input Characters"),
            Some(("Text Embedding 005".into(), Some("input".into())))
        );
        assert_eq!(ai_sku("Online prediction node hours"), None);
    }
}

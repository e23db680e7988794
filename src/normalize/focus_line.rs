//! A FOCUS line produced by a vendor export (Pinecone, GPU clouds) in memory, for sources that
//! hand tollgate FOCUS-shaped records rather than files. Files go through `import::focus`.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::row::{Charge, LedgerRow};

#[derive(Debug, Clone)]
pub struct FocusLine {
    pub provider: String,
    pub service_name: String,
    pub service_category: String,
    pub service_subcategory: Option<String>,
    pub charge_period_start: NaiveDateTime,
    pub charge_period_end: NaiveDateTime,
    pub billed_cost: Decimal,
    pub effective_cost: Decimal,
    pub sub_account_id: Option<String>,
    pub sub_account_name: Option<String>,
    pub resource_id: Option<String>,
    pub sku_id: Option<String>,
    pub pricing_category: Option<String>,
    pub consumed_quantity: Option<Decimal>,
    pub consumed_unit: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub description: Option<String>,
}

pub fn to_rows(source: &str, lines: &[FocusLine]) -> Vec<LedgerRow> {
    lines
        .iter()
        .map(|l| {
            let mut row = LedgerRow::new(
                Charge {
                    source,
                    provider: &l.provider,
                    service: &l.service_name,
                    service_category: &l.service_category,
                    service_subcategory: l.service_subcategory.as_deref(),
                    start: l.charge_period_start,
                    end: l.charge_period_end,
                    cost: l.effective_cost,
                },
                &[
                    "focus",
                    &l.service_name,
                    l.sub_account_id.as_deref().unwrap_or(""),
                    l.resource_id.as_deref().unwrap_or(""),
                    l.sku_id.as_deref().unwrap_or(""),
                ],
            );
            row.billed_cost = l.billed_cost;
            row.sub_account_id = l.sub_account_id.clone();
            row.sub_account_name = l.sub_account_name.clone();
            row.resource_id = l.resource_id.clone();
            row.sku_id = l.sku_id.clone();
            row.pricing_category = l.pricing_category.clone().or(row.pricing_category);
            row.consumed_quantity = l.consumed_quantity;
            row.consumed_unit = l.consumed_unit.clone();
            row.tags = l.tags.clone();
            row.charge_description = l.description.clone();
            row
        })
        .collect()
}

//! Anthropic Admin API records (cost_report and usage_report/messages) and their ledger rows.
//! cost_report cannot group by API key, so a token cost is split across the keys that used
//! that model in that workspace that day, in proportion to their tokens of the same type;
//! the split is exact (the last key takes the remainder).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::row::{Charge, LedgerRow};
use super::{money_from_json, NormalizeError};

pub const PROVIDER: &str = "Anthropic";
/// A null workspace_id is the organisation's default workspace.
pub const DEFAULT_WORKSPACE: &str = "default";

#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    pub data: Vec<Bucket<T>>,
    pub has_more: bool,
    pub next_page: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Bucket<T> {
    pub starting_at: String,
    pub ending_at: String,
    pub results: Vec<T>,
}

/// A cost_report result: `amount` is in cents, as a decimal string.
#[derive(Debug, Clone, Deserialize)]
pub struct CostResult {
    pub amount: serde_json::Value,
    pub currency: Option<String>,
    pub cost_type: Option<String>,
    pub description: Option<String>,
    pub model: Option<String>,
    pub token_type: Option<String>,
    pub service_tier: Option<String>,
    pub context_window: Option<String>,
    pub workspace_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CacheCreation {
    #[serde(default)]
    pub ephemeral_5m_input_tokens: i64,
    #[serde(default)]
    pub ephemeral_1h_input_tokens: i64,
}

/// A usage_report/messages result.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UsageResult {
    #[serde(default)]
    pub uncached_input_tokens: i64,
    #[serde(default)]
    pub cache_creation: Option<CacheCreation>,
    #[serde(default)]
    pub cache_read_input_tokens: i64,
    #[serde(default)]
    pub output_tokens: i64,
    pub api_key_id: Option<String>,
    pub workspace_id: Option<String>,
    pub model: Option<String>,
}

impl UsageResult {
    /// Tokens of one cost_report token_type.
    pub fn tokens_of(&self, token_type: &str) -> i64 {
        let cc = self.cache_creation.clone().unwrap_or_default();
        match token_type {
            "uncached_input_tokens" => self.uncached_input_tokens,
            "output_tokens" => self.output_tokens,
            "cache_read_input_tokens" => self.cache_read_input_tokens,
            "cache_creation.ephemeral_5m_input_tokens" => cc.ephemeral_5m_input_tokens,
            "cache_creation.ephemeral_1h_input_tokens" => cc.ephemeral_1h_input_tokens,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AnthropicBatch {
    pub costs: Vec<Bucket<CostResult>>,
    pub usage: Vec<Bucket<UsageResult>>,
    pub workspace_names: HashMap<String, String>,
    pub key_names: HashMap<String, String>,
}

/// cost_report token_type -> tollgate's token type.
pub fn token_type(t: &str) -> &'static str {
    match t {
        "uncached_input_tokens" => "input",
        "cache_read_input_tokens" => "cached_input",
        "output_tokens" => "output",
        "cache_creation.ephemeral_1h_input_tokens" => "cache_write_1h",
        t if t.starts_with("cache_creation") => "cache_write",
        _ => "other",
    }
}

pub fn to_rows(source: &str, batch: &AnthropicBatch) -> Result<Vec<LedgerRow>, NormalizeError> {
    // (day, workspace, model) -> usage results with a key
    let mut usage: HashMap<(String, String, String), Vec<&UsageResult>> = HashMap::new();
    for b in &batch.usage {
        for r in &b.results {
            // Console/Workbench usage has no key: it keeps its own (keyless) share.
            let ws = r
                .workspace_id
                .clone()
                .unwrap_or_else(|| DEFAULT_WORKSPACE.to_string());
            usage
                .entry((
                    b.starting_at.clone(),
                    ws,
                    r.model.clone().unwrap_or_default(),
                ))
                .or_default()
                .push(r);
        }
    }
    let mut rows = Vec::new();
    for bucket in &batch.costs {
        let start = parse_time(&bucket.starting_at)?;
        let end = parse_time(&bucket.ending_at)?;
        for (i, r) in bucket.results.iter().enumerate() {
            let cents = money_from_json(&r.amount).ok_or_else(|| NormalizeError::Field {
                source_name: source.to_string(),
                field: format!(
                    "amount of /v1/organizations/cost_report bucket {} results[{i}]",
                    bucket.starting_at
                ),
                value: r.amount.to_string(),
            })?;
            let cost = cents / Decimal::from(100);
            let ws = r
                .workspace_id
                .clone()
                .unwrap_or_else(|| DEFAULT_WORKSPACE.to_string());
            let model = r.model.clone().unwrap_or_default();
            let tt = r.token_type.clone().unwrap_or_default();
            let keys: Vec<(Option<String>, i64)> = usage
                .get(&(bucket.starting_at.clone(), ws.clone(), model.clone()))
                .map(|us| {
                    us.iter()
                        .map(|u| (u.api_key_id.clone(), u.tokens_of(&tt)))
                        .filter(|(_, t)| *t > 0)
                        .collect()
                })
                .unwrap_or_default();
            let shares = split_exact(cost, &keys);
            for (key, part, tokens) in shares {
                let desc = r.description.clone().unwrap_or_default();
                let mut row = LedgerRow::new(
                    Charge {
                        source,
                        provider: PROVIDER,
                        service: "Claude API",
                        service_category: "AI and Machine Learning",
                        service_subcategory: Some("Generative AI"),
                        start,
                        end,
                        cost: part,
                    },
                    &[
                        "cost",
                        &ws,
                        &desc,
                        &model,
                        &tt,
                        r.service_tier.as_deref().unwrap_or(""),
                        r.context_window.as_deref().unwrap_or(""),
                        key.as_deref().unwrap_or(""),
                    ],
                );
                if let Some(c) = &r.currency {
                    row.billing_currency = c.to_uppercase();
                }
                row.charge_description = r.description.clone();
                row.model = r.model.clone();
                row.token_type = r.token_type.as_deref().map(|t| token_type(t).to_string());
                row.raw_usage_type = r.cost_type.clone();
                if let Some(t) = tokens {
                    row.consumed_quantity = Some(Decimal::from(t));
                    row.consumed_unit = Some("Tokens".to_string());
                }
                row.sku_id = r
                    .model
                    .as_ref()
                    .map(|m| format!("{m}:{}", row.token_type.as_deref().unwrap_or("usage")));
                row.sub_account_id = Some(ws.clone());
                row.sub_account_name =
                    batch.workspace_names.get(&ws).cloned().or_else(|| {
                        (ws == DEFAULT_WORKSPACE).then(|| "Default workspace".to_string())
                    });
                row.api_key_name = key.as_ref().and_then(|k| batch.key_names.get(k).cloned());
                row.api_key_id = key;
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

/// Splits `cost` across keys by tokens; the parts add up to `cost` exactly.
fn split_exact(
    cost: Decimal,
    keys: &[(Option<String>, i64)],
) -> Vec<(Option<String>, Decimal, Option<i64>)> {
    let total: i64 = keys.iter().map(|(_, t)| t).sum();
    if keys.is_empty() || total == 0 {
        return vec![(None, cost, None)];
    }
    let mut out = Vec::new();
    let mut left = cost;
    for (i, (k, t)) in keys.iter().enumerate() {
        let part = if i + 1 == keys.len() {
            left
        } else {
            (cost * Decimal::from(*t) / Decimal::from(total)).round_dp(9)
        };
        left -= part;
        out.push((k.clone(), part, Some(*t)));
    }
    out
}

fn parse_time(t: &str) -> Result<NaiveDateTime, NormalizeError> {
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.naive_utc())
        .map_err(|_| NormalizeError::Time(t.to_string()))
}

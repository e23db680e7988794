//! OpenAI Admin API records (costs and usage buckets) and their ledger rows.
//! Costs carry the money; completions/embeddings usage adds request counts to the matching
//! cost rows, and usage that no cost row covers becomes an `unpriced` row with its tokens.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::row::{Charge, LedgerRow};
use super::{money_from_json, token_type_from_label, NormalizeError};

/// `UsageResponse`: one page of buckets.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    pub data: Vec<Bucket<T>>,
    pub has_more: bool,
    pub next_page: Option<String>,
}

/// `UsageTimeBucket`.
#[derive(Debug, Clone, Deserialize)]
pub struct Bucket<T> {
    pub start_time: i64,
    pub end_time: i64,
    pub results: Vec<T>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Amount {
    pub value: serde_json::Value,
    pub currency: Option<String>,
}

/// `organization.costs.result`.
#[derive(Debug, Clone, Deserialize)]
pub struct CostResult {
    pub amount: Option<Amount>,
    pub line_item: Option<String>,
    pub project_id: Option<String>,
    pub api_key_id: Option<String>,
    pub quantity: Option<serde_json::Value>,
    pub quantity_unit: Option<String>,
}

/// `organization.usage.completions.result` (and embeddings, which has no output fields).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UsageResult {
    #[serde(default)]
    pub input_tokens: i64,
    #[serde(default)]
    pub output_tokens: i64,
    #[serde(default)]
    pub num_model_requests: i64,
    pub input_cached_tokens: Option<i64>,
    pub input_cache_write_tokens: Option<i64>,
    pub project_id: Option<String>,
    pub api_key_id: Option<String>,
    pub model: Option<String>,
}

/// Everything one OpenAI sync window fetched.
#[derive(Debug, Clone, Default)]
pub struct OpenAiBatch {
    pub costs: Vec<Bucket<CostResult>>,
    pub completions: Vec<Bucket<UsageResult>>,
    pub embeddings: Vec<Bucket<UsageResult>>,
    pub project_names: HashMap<String, String>,
    pub key_names: HashMap<String, String>,
}

pub const PROVIDER: &str = "OpenAI";

pub fn to_rows(source: &str, batch: &OpenAiBatch) -> Result<Vec<LedgerRow>, NormalizeError> {
    let mut rows = Vec::new();
    // (day, project, key, model) -> index of the row that carries the request count
    let mut request_slot: HashMap<(i64, String, String, String), usize> = HashMap::new();
    for bucket in &batch.costs {
        let (start, end) = bucket_times(bucket.start_time, bucket.end_time)?;
        for (i, r) in bucket.results.iter().enumerate() {
            let Some(amount) = &r.amount else { continue };
            let cost = money_from_json(&amount.value).ok_or_else(|| NormalizeError::Field {
                source_name: source.to_string(),
                field: format!(
                    "amount.value of /v1/organization/costs bucket {} results[{i}]",
                    start.format("%Y-%m-%d")
                ),
                value: amount.value.to_string(),
            })?;
            let line = r.line_item.clone().unwrap_or_default();
            let (model, token_type) = parse_line_item(&line);
            let is_embedding = model.as_deref().is_some_and(|m| m.contains("embedding"));
            let mut row = LedgerRow::new(
                Charge {
                    source,
                    provider: PROVIDER,
                    service: if is_embedding {
                        "OpenAI Embeddings"
                    } else {
                        "OpenAI API"
                    },
                    service_category: "AI and Machine Learning",
                    service_subcategory: Some("Generative AI"),
                    start,
                    end,
                    cost,
                },
                &[
                    "cost",
                    &line,
                    r.project_id.as_deref().unwrap_or(""),
                    r.api_key_id.as_deref().unwrap_or(""),
                ],
            );
            if let Some(cur) = &amount.currency {
                row.billing_currency = cur.to_uppercase();
            }
            row.charge_description = (!line.is_empty()).then(|| line.clone());
            row.sku_id = model
                .as_ref()
                .map(|m| format!("{m}:{}", token_type.as_deref().unwrap_or("usage")));
            row.model = model.clone();
            row.token_type = token_type.clone();
            row.consumed_quantity = r.quantity.as_ref().and_then(money_from_json);
            row.consumed_unit = r.quantity_unit.as_deref().map(unit_label);
            set_project_and_key(
                &mut row,
                batch,
                r.project_id.as_deref(),
                r.api_key_id.as_deref(),
            );
            if let (Some(m), Some("input")) = (&model, token_type.as_deref()) {
                request_slot.insert(
                    (
                        bucket.start_time,
                        r.project_id.clone().unwrap_or_default(),
                        r.api_key_id.clone().unwrap_or_default(),
                        m.clone(),
                    ),
                    rows.len(),
                );
            }
            rows.push(row);
        }
    }
    for (usage, service) in [
        (&batch.completions, "OpenAI API"),
        (&batch.embeddings, "OpenAI Embeddings"),
    ] {
        for bucket in usage {
            let (start, end) = bucket_times(bucket.start_time, bucket.end_time)?;
            for r in &bucket.results {
                let model = r.model.clone().unwrap_or_default();
                let slot = find_slot(&request_slot, bucket.start_time, r, &model);
                match slot {
                    Some(idx) => {
                        let target = &mut rows[idx];
                        target.requests = Some(target.requests.unwrap_or(0) + r.num_model_requests);
                    }
                    None => rows.extend(unpriced_rows(source, service, start, end, r, batch)),
                }
            }
        }
    }
    Ok(rows)
}

fn find_slot(
    slots: &HashMap<(i64, String, String, String), usize>,
    day: i64,
    r: &UsageResult,
    model: &str,
) -> Option<usize> {
    let project = r.project_id.clone().unwrap_or_default();
    let key = r.api_key_id.clone().unwrap_or_default();
    if let Some(i) = slots.get(&(day, project.clone(), key.clone(), model.to_string())) {
        return Some(*i);
    }
    // Usage reports dated snapshots ("gpt-4o-2024-08-06"); costs may use the base name.
    slots
        .iter()
        .filter(|((d, p, k, m), _)| {
            *d == day && *p == project && *k == key && is_snapshot_of(model, m)
        })
        .max_by_key(|((_, _, _, m), _)| m.len())
        .map(|(_, i)| *i)
}

/// `gpt-4o-2024-08-06` is a snapshot of `gpt-4o`; `gpt-4o-mini` is not.
pub fn is_snapshot_of(model: &str, base: &str) -> bool {
    model
        .strip_prefix(base)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

fn unpriced_rows(
    source: &str,
    service: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
    r: &UsageResult,
    batch: &OpenAiBatch,
) -> Vec<LedgerRow> {
    let cached = r.input_cached_tokens.unwrap_or(0);
    let writes = r.input_cache_write_tokens.unwrap_or(0);
    // input_tokens includes cached and cache-write tokens: split them out, never count twice.
    let uncached = (r.input_tokens - cached - writes).max(0);
    let parts = [
        ("input", uncached),
        ("cached_input", cached),
        ("cache_write", writes),
        ("output", r.output_tokens),
    ];
    let model = r.model.clone().unwrap_or_default();
    let mut out = Vec::new();
    let mut requests = Some(r.num_model_requests);
    for (token_type, tokens) in parts {
        if tokens == 0 {
            continue;
        }
        let mut row = LedgerRow::new(
            Charge {
                source,
                provider: PROVIDER,
                service,
                service_category: "AI and Machine Learning",
                service_subcategory: Some("Generative AI"),
                start,
                end,
                cost: Decimal::ZERO,
            },
            &[
                "usage",
                &model,
                token_type,
                r.project_id.as_deref().unwrap_or(""),
                r.api_key_id.as_deref().unwrap_or(""),
            ],
        );
        row.unpriced = true;
        row.model = r.model.clone();
        row.token_type = Some(token_type.to_string());
        row.consumed_quantity = Some(Decimal::from(tokens));
        row.consumed_unit = Some("Tokens".to_string());
        row.requests = requests.take();
        row.charge_description = Some(format!("{model} {token_type} tokens (no billed cost)"));
        set_project_and_key(
            &mut row,
            batch,
            r.project_id.as_deref(),
            r.api_key_id.as_deref(),
        );
        out.push(row);
    }
    out
}

fn set_project_and_key(
    row: &mut LedgerRow,
    batch: &OpenAiBatch,
    project: Option<&str>,
    key: Option<&str>,
) {
    row.sub_account_id = project.map(str::to_string);
    row.sub_account_name = project.and_then(|p| batch.project_names.get(p).cloned());
    row.api_key_id = key.map(str::to_string);
    row.api_key_name = key.and_then(|k| batch.key_names.get(k).cloned());
}

/// `"gpt-4o-2024-08-06, input"` -> (model, token type). The format is undocumented: a line
/// item without a comma is kept whole as the model.
pub fn parse_line_item(line: &str) -> (Option<String>, Option<String>) {
    if line.trim().is_empty() {
        return (None, None);
    }
    match line.rsplit_once(',') {
        Some((model, kind)) => (Some(model.trim().to_string()), token_type_from_label(kind)),
        None => (Some(line.trim().to_string()), None),
    }
}

fn unit_label(unit: &str) -> String {
    match unit {
        "tokens" => "Tokens".to_string(),
        "1000_tokens" => "1000 Tokens".to_string(),
        other => other.to_string(),
    }
}

fn bucket_times(start: i64, end: i64) -> Result<(NaiveDateTime, NaiveDateTime), NormalizeError> {
    let s = DateTime::from_timestamp(start, 0).ok_or(NormalizeError::Time(start.to_string()))?;
    let e = DateTime::from_timestamp(end, 0).ok_or(NormalizeError::Time(end.to_string()))?;
    Ok((s.naive_utc(), e.naive_utc()))
}

/// Names for ids, as fetched from the projects and api_keys endpoints.
pub fn names(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_and_line_items() {
        assert!(is_snapshot_of("gpt-4o-2024-08-06", "gpt-4o"));
        assert!(!is_snapshot_of("gpt-4o-mini-2024-07-18", "gpt-4o"));
        assert!(!is_snapshot_of("gpt-4o", "gpt-4o"));
        assert_eq!(
            parse_line_item("gpt-4o-2024-08-06, cached input"),
            (
                Some("gpt-4o-2024-08-06".into()),
                Some("cached_input".into())
            )
        );
        assert_eq!(
            parse_line_item("GPT-4o mini"),
            (Some("GPT-4o mini".into()), None)
        );
    }
}

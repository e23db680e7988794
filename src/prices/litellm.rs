//! Importing LiteLLM's `model_prices_and_context_window.json`: per-token USD read exactly from
//! the JSON text and scaled to per million tokens. The whole file is checked before the DB is
//! touched, and lands in one transaction.

use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::{insert_prices, Price, PriceError, ORIGIN_IMPORT};
use crate::store::queries;
use crate::store::Store;

/// LiteLLM cost keys -> tollgate token types. Threshold variants (`_above_200k_tokens`) and
/// non-token units are not token prices tollgate applies, so they are skipped.
const COST_KEYS: &[(&str, &str)] = &[
    ("input_cost_per_token", "input"),
    ("cache_read_input_token_cost", "cached_input"),
    ("cache_creation_input_token_cost", "cache_write"),
    (
        "cache_creation_input_token_cost_above_1hr",
        "cache_write_1h",
    ),
    ("output_cost_per_token", "output"),
];

/// Key suffixes -> tiers.
const TIER_SUFFIXES: &[(&str, &str)] = &[
    ("", "standard"),
    ("_batches", "batch"),
    ("_flex", "flex"),
    ("_priority", "priority"),
];

/// DECIMAL(18, 9) holds prices below a billion dollars per million tokens.
const MAX_USD_PER_MTOK: i64 = 1_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LitellmImport {
    pub source: String,
    pub effective_from: NaiveDate,
    pub models: usize,
    pub prices: usize,
    pub replaced: usize,
}

/// Imports `path` with prices in force from `effective_from`: all of it or nothing. Re-importing
/// the same file name for the same date replaces that import.
pub fn import_litellm(
    store: &Store,
    path: &Path,
    effective_from: NaiveDate,
) -> Result<LitellmImport, PriceError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| PriceError::Read {
        file: file.clone(),
        message: e.to_string(),
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.clone());
    let source = format!("litellm:{name}");
    let prices = parse_litellm(&text, &file, &source, effective_from)?;
    let loaded_at = chrono::Utc::now().naive_utc();
    let replaced = store.in_transaction(|c| {
        let replaced = c.execute(
            queries::PRICES_DELETE_IMPORT,
            duckdb::params![source, effective_from],
        )?;
        insert_prices(c, &prices, loaded_at)?;
        Ok::<_, PriceError>(replaced)
    })?;
    let mut models: Vec<(&str, &str)> = prices
        .iter()
        .map(|p| (p.provider.as_str(), p.model.as_str()))
        .collect();
    models.dedup();
    Ok(LitellmImport {
        source: source.clone(),
        effective_from,
        models: models.len(),
        prices: prices.len(),
        replaced,
    })
}

/// The token prices of a LiteLLM file. `file` names it in errors; `source` goes on every row.
pub fn parse_litellm(
    text: &str,
    file: &str,
    source: &str,
    effective_from: NaiveDate,
) -> Result<Vec<Price>, PriceError> {
    let top: Value = serde_json::from_str(text).map_err(|e| PriceError::File {
        file: file.to_string(),
        message: format!("not valid JSON: {e}"),
    })?;
    let Value::Object(models) = top else {
        return Err(PriceError::File {
            file: file.to_string(),
            message: "expected one JSON object of model entries (LiteLLM's model_prices_and_context_window.json)".to_string(),
        });
    };
    let mut out = Vec::new();
    for (model, entry) in &models {
        if model == "sample_spec" {
            continue;
        }
        let bad = |message: String| PriceError::Model {
            file: file.to_string(),
            model: model.clone(),
            message,
        };
        let Value::Object(fields) = entry else {
            return Err(bad("expected an object of fields".to_string()));
        };
        let provider = match fields.get("litellm_provider") {
            Some(Value::String(p)) if !p.trim().is_empty() => provider_name(p.trim()),
            Some(other) => {
                return Err(bad(format!(
                    "litellm_provider is not a provider name: {other}"
                )))
            }
            None => return Err(bad("litellm_provider is missing".to_string())),
        };
        for (key, token_type, tier) in cost_fields() {
            let Some(usd_per_mtok) =
                per_mtok(fields, &key).map_err(|m| bad(format!("{key}: {m}")))?
            else {
                continue;
            };
            out.push(Price {
                provider: provider.clone(),
                model: model.clone(),
                token_type: token_type.to_string(),
                tier: tier.to_string(),
                usd_per_mtok,
                effective_from,
                effective_to: None,
                source: source.to_string(),
                origin: ORIGIN_IMPORT.to_string(),
            });
        }
    }
    Ok(out)
}

/// LiteLLM's provider ids -> FOCUS ProviderName; others are kept as LiteLLM names them.
fn provider_name(litellm: &str) -> String {
    match litellm {
        "openai" => "OpenAI".to_string(),
        "anthropic" => "Anthropic".to_string(),
        other => other.to_string(),
    }
}

fn cost_fields() -> impl Iterator<Item = (String, &'static str, &'static str)> {
    COST_KEYS.iter().flat_map(|(base, token_type)| {
        TIER_SUFFIXES
            .iter()
            .map(move |(suffix, tier)| (format!("{base}{suffix}"), *token_type, *tier))
    })
}

/// `fields[key]` (USD per token) as USD per million tokens, exactly; `None` when absent or null.
fn per_mtok(fields: &Map<String, Value>, key: &str) -> Result<Option<Decimal>, String> {
    let text = match fields.get(key) {
        None | Some(Value::Null) => return Ok(None),
        // arbitrary_precision keeps the number's own text ("3e-06"), so no float touches it.
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(format!("expected a number, found {other}")),
    };
    let per_token =
        crate::money::parse(&text).ok_or_else(|| format!("'{text}' is not a number"))?;
    if per_token.is_sign_negative() && !per_token.is_zero() {
        return Err(format!("{text} is negative"));
    }
    let per_mtok = per_token
        .checked_mul(Decimal::from(1_000_000))
        .filter(|d| *d < Decimal::from(MAX_USD_PER_MTOK))
        .ok_or_else(|| format!("{text} per token is too large to be a price"))?;
    // Beyond nine decimals per million tokens is float noise in the file (3.0000000000000004e-07).
    Ok(Some(per_mtok.round_dp(9).normalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).expect("day")
    }

    #[test]
    fn per_token_prices_scale_exactly() {
        let text = r#"{"sample_spec": {"litellm_provider": "x", "input_cost_per_token": 0},
            "m": {"litellm_provider": "openai", "input_cost_per_token": 3e-06,
                  "output_cost_per_token": 1.5e-05, "cache_read_input_token_cost": 3.0000000000000004e-07,
                  "input_cost_per_token_above_200k_tokens": 6e-06, "output_cost_per_token_batches": 7.5e-06}}"#;
        let prices = parse_litellm(text, "f.json", "litellm:f.json", day()).expect("parse");
        let got: Vec<(String, String, String)> = prices
            .iter()
            .map(|p| {
                (
                    p.token_type.clone(),
                    p.tier.clone(),
                    p.usd_per_mtok.to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("input".to_string(), "standard".to_string(), "3".to_string()),
                (
                    "cached_input".to_string(),
                    "standard".to_string(),
                    "0.3".to_string()
                ),
                (
                    "output".to_string(),
                    "standard".to_string(),
                    "15".to_string()
                ),
                ("output".to_string(), "batch".to_string(), "7.5".to_string()),
            ]
        );
        assert!(prices.iter().all(|p| p.provider == "OpenAI"));
    }

    #[test]
    fn a_bad_value_names_the_file_and_model() {
        let text = r#"{"good": {"litellm_provider": "anthropic", "input_cost_per_token": 1e-06},
                       "bad-model": {"litellm_provider": "anthropic", "input_cost_per_token": "cheap"}}"#;
        let err =
            parse_litellm(text, "prices.json", "litellm:prices.json", day()).expect_err("bad");
        let msg = err.to_string();
        assert!(
            msg.contains("prices.json")
                && msg.contains("bad-model")
                && msg.contains("input_cost_per_token"),
            "{msg}"
        );
    }
}

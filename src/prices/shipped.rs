//! tollgate's own list-price table, `prices/list_prices.toml`, and keeping a DB's copy of it
//! current: when the table changes the shipped rows are replaced; imported rows are kept.

use chrono::{DateTime, NaiveDate};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{insert_prices, Price, PriceError, ORIGIN_SHIPPED, STANDARD};
use crate::store::queries;
use crate::store::Store;

pub const SHIPPED_TOML: &str = include_str!("../../prices/list_prices.toml");

/// The settings key holding the sha256 of the shipped table a DB was loaded with.
const SETTING: &str = "prices_shipped_sha256";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    price: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    provider: String,
    model: String,
    tier: Option<String>,
    from: String,
    to: Option<String>,
    source: String,
    input: Option<String>,
    cached_input: Option<String>,
    cache_write: Option<String>,
    cache_write_1h: Option<String>,
    output: Option<String>,
}

/// The shipped prices, one row per token type.
pub fn shipped_prices() -> Result<Vec<Price>, PriceError> {
    let table: Table =
        toml::from_str(SHIPPED_TOML).map_err(|e| PriceError::Shipped(e.to_string()))?;
    let date = |model: &str, text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| PriceError::Shipped(format!("{model}: '{text}' is not a date")))
    };
    let mut out = Vec::new();
    for e in table.price {
        let from = date(&e.model, &e.from)?;
        let to = e.to.as_deref().map(|t| date(&e.model, t)).transpose()?;
        if to.is_some_and(|t| t <= from) {
            return Err(PriceError::Shipped(format!(
                "{}: `to` is not after `from`",
                e.model
            )));
        }
        let types = [
            ("input", &e.input),
            ("cached_input", &e.cached_input),
            ("cache_write", &e.cache_write),
            ("cache_write_1h", &e.cache_write_1h),
            ("output", &e.output),
        ];
        for (token_type, value) in types {
            let Some(text) = value else { continue };
            let usd_per_mtok = crate::money::parse(text)
                .filter(|d| !d.is_sign_negative())
                .ok_or_else(|| {
                    PriceError::Shipped(format!(
                        "{} {token_type}: '{text}' is not a price",
                        e.model
                    ))
                })?;
            out.push(Price {
                provider: e.provider.clone(),
                model: e.model.clone(),
                token_type: token_type.to_string(),
                tier: e.tier.clone().unwrap_or_else(|| STANDARD.to_string()),
                usd_per_mtok: usd_per_mtok.normalize(),
                effective_from: from,
                effective_to: to,
                source: e.source.clone(),
                origin: ORIGIN_SHIPPED.to_string(),
            });
        }
    }
    Ok(out)
}

/// Loads the shipped prices into `store` when they are absent or the table has changed since
/// they were loaded, in one transaction. Returns whether it wrote anything. Idempotent.
pub fn ensure_shipped(store: &Store) -> Result<bool, PriceError> {
    let sha = hex::encode(Sha256::digest(SHIPPED_TOML.as_bytes()));
    let loaded: i64 = store
        .conn()
        .query_row(queries::PRICES_COUNT_SHIPPED, [], |r| r.get(0))?;
    let current = store.setting(SETTING)?;
    if loaded > 0 && current.as_deref() == Some(sha.as_str()) {
        return Ok(false);
    }
    let prices = shipped_prices()?;
    // Shipped rows carry the earliest load time, so an import in force from the same day wins.
    let loaded_at = DateTime::UNIX_EPOCH.naive_utc();
    store.in_transaction(|c| {
        c.execute(queries::PRICES_DELETE_SHIPPED, [])?;
        insert_prices(c, &prices, loaded_at)?;
        c.execute(queries::SETTING_SET, [SETTING, sha.as_str()])?;
        Ok::<_, PriceError>(())
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_parses_and_covers_both_providers() {
        let prices = shipped_prices().expect("shipped table");
        assert!(prices
            .iter()
            .any(|p| p.provider == "OpenAI" && p.model == "gpt-5.5"));
        assert!(prices
            .iter()
            .any(|p| p.provider == "Anthropic" && p.model == "claude-sonnet-4-6"));
        assert!(prices
            .iter()
            .all(|p| super::super::TOKEN_TYPES.contains(&p.token_type.as_str())));
    }
}

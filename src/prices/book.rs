//! Price lookup in memory: the one place a model name is matched to a price row.

use std::collections::HashMap;

use chrono::NaiveDate;
use duckdb::Connection;

use super::{all_prices, Price, PriceError};

/// Prices grouped by (provider, model, token type, tier); provider and model compare
/// case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct PriceBook {
    by_key: HashMap<(String, String, String, String), Vec<Price>>,
}

impl PriceBook {
    /// `prices` in load order: of two rows in force from the same day, the later one wins.
    pub fn new(prices: Vec<Price>) -> PriceBook {
        let mut by_key: HashMap<_, Vec<Price>> = HashMap::new();
        for p in prices {
            let key = (
                p.provider.to_lowercase(),
                p.model.to_lowercase(),
                p.token_type.clone(),
                p.tier.clone(),
            );
            by_key.entry(key).or_default().push(p);
        }
        for list in by_key.values_mut() {
            // Stable: keeps load order among rows with the same effective_from.
            list.sort_by_key(|p| p.effective_from);
        }
        PriceBook { by_key }
    }

    /// Every price in the DB.
    pub fn load(conn: &Connection) -> Result<PriceBook, PriceError> {
        Ok(PriceBook::new(all_prices(conn)?))
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The price in force on `day`: the model's own rows first, then those of the longest model
    /// name that `model` is a dated snapshot of. `None` when nothing is known.
    pub fn lookup(
        &self,
        provider: &str,
        model: &str,
        token_type: &str,
        tier: &str,
        day: NaiveDate,
    ) -> Option<&Price> {
        let provider = provider.to_lowercase();
        let model = model.to_lowercase();
        let found = model_names(&model).find_map(|name| {
            let key = (
                provider.clone(),
                name.to_string(),
                token_type.to_string(),
                tier.to_string(),
            );
            // Latest effective_from in force; among equals, the last loaded.
            self.by_key
                .get(&key)?
                .iter()
                .filter(|p| p.in_force_on(day))
                .max_by_key(|p| p.effective_from)
        });
        found
    }
}

/// `model` itself, then each shorter name it is a dated snapshot of, longest first:
/// `gpt-4o-2024-08-06` -> `gpt-4o`; `claude-sonnet-4-5@20250929` -> `claude-sonnet-4-5`.
pub fn model_names(model: &str) -> impl Iterator<Item = &str> {
    let prefixes = model
        .char_indices()
        .rev()
        .filter(|(_, c)| *c == '-' || *c == '@')
        .filter(move |(i, _)| *i > 0 && is_snapshot_suffix(&model[i + 1..]))
        .map(move |(i, _)| &model[..i]);
    std::iter::once(model).chain(prefixes)
}

/// A snapshot date as providers append it to model names: `20250929`, `2024-08-06`, or the
/// older `0613` (MMDD). Anything else (`mini`, `pro`, `5-20251101`) names another model, so
/// `gpt-5.5-pro` is never priced as `gpt-5.5`.
pub fn is_snapshot_suffix(s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !s.is_ascii() {
        return false;
    }
    match s.len() {
        4 | 8 => digits(s),
        10 => {
            let b = s.as_bytes();
            b[4] == b'-' && b[7] == b'-' && digits(&s[..4]) && digits(&s[5..7]) && digits(&s[8..])
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_names_resolve_to_their_model_only() {
        let names: Vec<&str> = model_names("gpt-5.5-2026-04-23").collect();
        assert_eq!(names, ["gpt-5.5-2026-04-23", "gpt-5.5"]);
        let names: Vec<&str> = model_names("claude-opus-4-5-20251101").collect();
        assert_eq!(names, ["claude-opus-4-5-20251101", "claude-opus-4-5"]);
        let names: Vec<&str> = model_names("gpt-4-0613").collect();
        assert_eq!(names, ["gpt-4-0613", "gpt-4"]);
        let names: Vec<&str> = model_names("gpt-5.5-pro").collect();
        assert_eq!(names, ["gpt-5.5-pro"]);
        assert!(!is_snapshot_suffix("mini"));
        assert!(!is_snapshot_suffix("2026-0423"));
    }
}

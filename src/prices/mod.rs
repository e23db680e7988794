//! Prices (`tollgate prices`, docs/CONTRACTS.md): USD per million tokens by provider, model, token
//! type and tier, each row with the dates it is in force and its source. tollgate ships a
//! list-price table (`prices/list_prices.toml`) and imports LiteLLM's; lookups resolve dated
//! snapshot names to their model and never turn an unknown price into $0: they answer `None`.

mod book;
mod litellm;
mod shipped;

use crate::store::queries;
use chrono::{NaiveDate, NaiveDateTime};
use duckdb::{params, Connection};
use rust_decimal::Decimal;
use serde::Serialize;

pub use book::{is_snapshot_suffix, model_names, PriceBook};
pub use litellm::{import_litellm, parse_litellm, LitellmImport};
pub use shipped::{ensure_shipped, shipped_prices, SHIPPED_TOML};

/// The token types prices are kept for. `cache_write` is Anthropic's 5-minute write.
pub const TOKEN_TYPES: &[&str] = &[
    "input",
    "cached_input",
    "cache_write",
    "cache_write_1h",
    "output",
];

/// The tier usage is priced at unless it says otherwise.
pub const STANDARD: &str = "standard";

/// Where a price row came from: tollgate's shipped table, or an import the user ran.
pub const ORIGIN_SHIPPED: &str = "shipped";
pub const ORIGIN_IMPORT: &str = "import";
/// The demo DB's own price history (`tollgate demo`).
pub const ORIGIN_DEMO: &str = "demo";

#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    #[error("the shipped price table prices/list_prices.toml is invalid: {0}")]
    Shipped(String),
    #[error("{file}: cannot read it: {message}")]
    Read { file: String, message: String },
    #[error("{file}: {message}; nothing was imported")]
    File { file: String, message: String },
    #[error("{file}: model \"{model}\": {message}; nothing was imported")]
    Model {
        file: String,
        model: String,
        message: String,
    },
    #[error(transparent)]
    Db(#[from] duckdb::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// One price: USD per million tokens of one token type, in force from `effective_from` up to
/// (not including) `effective_to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Price {
    pub provider: String,
    pub model: String,
    pub token_type: String,
    pub tier: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub usd_per_mtok: Decimal,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub source: String,
    pub origin: String,
}

impl Price {
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day < to)
    }
}

/// The price of `tokens` tokens at `usd_per_mtok`, exactly.
pub fn cost_of(tokens: Decimal, usd_per_mtok: Decimal) -> Decimal {
    tokens * usd_per_mtok / Decimal::from(1_000_000)
}

/// The price in force on `day` for `model` (exact name first, then the longest model name it is
/// a dated snapshot of: `gpt-5.5-2026-04-23` -> `gpt-5.5`), or `None` when no price is known.
pub fn price_for(
    conn: &Connection,
    provider: &str,
    model: &str,
    token_type: &str,
    tier: &str,
    day: NaiveDate,
) -> Result<Option<Decimal>, PriceError> {
    let mut stmt = conn.prepare_cached(queries::PRICES_CANDIDATES)?;
    let rows = stmt.query_map(params![provider, model, token_type, tier], price_from_row)?;
    let book = PriceBook::new(rows.collect::<Result<Vec<_>, _>>()?);
    Ok(book
        .lookup(provider, model, token_type, tier, day)
        .map(|p| p.usd_per_mtok))
}

/// Every price row in the DB, in the order lookups read them.
pub fn all_prices(conn: &Connection) -> Result<Vec<Price>, PriceError> {
    let mut stmt = conn.prepare(queries::PRICES_SELECT)?;
    let rows = stmt.query_map([], price_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Writes `prices` as they are; `loaded_at` breaks ties between rows in force on the same day.
pub fn insert_prices(
    conn: &Connection,
    prices: &[Price],
    loaded_at: NaiveDateTime,
) -> Result<(), PriceError> {
    let mut stmt = conn.prepare_cached(queries::PRICES_INSERT)?;
    for p in prices {
        stmt.execute(params![
            p.provider,
            p.model,
            p.token_type,
            p.tier,
            p.usd_per_mtok.to_string(),
            p.effective_from,
            p.effective_to,
            p.source,
            p.origin,
            loaded_at,
        ])?;
    }
    Ok(())
}

fn price_from_row(r: &duckdb::Row<'_>) -> duckdb::Result<Price> {
    let text: String = r.get(4)?;
    let usd_per_mtok = crate::money::parse(&text).ok_or_else(|| {
        duckdb::Error::FromSqlConversionFailure(
            4,
            duckdb::types::Type::Text,
            format!("not a price: {text}").into(),
        )
    })?;
    Ok(Price {
        provider: r.get(0)?,
        model: r.get(1)?,
        token_type: r.get(2)?,
        tier: r.get(3)?,
        usd_per_mtok: usd_per_mtok.normalize(),
        effective_from: r.get(5)?,
        effective_to: r.get(6)?,
        source: r.get(7)?,
        origin: r.get(8)?,
    })
}

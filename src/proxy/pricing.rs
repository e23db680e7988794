//! Cost of a request from tollgate's shipped, dated price table (`prices/list_prices.toml`),
//! read once at start: the proxy never opens the DuckDB ledger. Priced from the model that
//! answered, at the UTC day the request started, by token type:
//! - OpenAI: (input - cached) at the input price, cached at the cached-input price, output at
//!   the output price (reasoning is part of output; cache writes are part of input and priced
//!   as input, OpenAI lists no separate write price).
//! - Anthropic: plain input, cache reads, 5-minute and 1-hour writes and output each at their own.
//!
//! A tier (batch, flex, priority) is priced from the tier's rows; a token type the tier does
//! not list falls back to the standard row. Any token type with tokens and no price makes the
//! whole request unpriced (`None`), never $0.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::route::Provider;
use super::usage::Usage;
use crate::prices::{cost_of, PriceBook, STANDARD};

#[derive(Debug, Clone)]
pub struct Pricer {
    book: PriceBook,
}

impl Pricer {
    pub fn shipped() -> Result<Pricer, crate::prices::PriceError> {
        Ok(Pricer {
            book: PriceBook::new(crate::prices::shipped_prices()?),
        })
    }

    /// The exact cost in USD, or `None` when a needed price is unknown.
    pub fn cost(
        &self,
        provider: Provider,
        model: &str,
        tier: &str,
        day: NaiveDate,
        usage: &Usage,
    ) -> Option<Decimal> {
        let mut total = Decimal::ZERO;
        for (token_type, tokens) in billable(provider, usage) {
            if tokens == 0 {
                continue;
            }
            let price = self
                .book
                .lookup(provider.name(), model, token_type, tier, day)
                .or_else(|| {
                    (tier != STANDARD)
                        .then(|| {
                            self.book
                                .lookup(provider.name(), model, token_type, STANDARD, day)
                        })
                        .flatten()
                })?;
            total += cost_of(Decimal::from(tokens), price.usd_per_mtok);
        }
        Some(total.normalize())
    }
}

/// The dearest a prompt token and an output token of `model` can be on `day`, whatever the tier
/// and cache use (USD per million tokens): for worst-case reservations against a cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorstRates {
    pub input: Decimal,
    /// `None` when the model lists no output price (embeddings).
    pub output: Option<Decimal>,
}

impl Pricer {
    /// `None` when the model has no input price at all.
    pub fn worst_rates(
        &self,
        provider: Provider,
        model: &str,
        day: NaiveDate,
    ) -> Option<WorstRates> {
        let max_of = |types: &[&str]| {
            let mut best: Option<Decimal> = None;
            for tier in [STANDARD, "priority", "flex", "batch"] {
                for t in types {
                    if let Some(p) = self.book.lookup(provider.name(), model, t, tier, day) {
                        best = Some(best.map_or(p.usd_per_mtok, |b| b.max(p.usd_per_mtok)));
                    }
                }
            }
            best
        };
        Some(WorstRates {
            input: max_of(&["input", "cached_input", "cache_write", "cache_write_1h"])?,
            output: max_of(&["output"]),
        })
    }
}

/// Tokens per token type of the price table; the parts add up to input + output.
fn billable(provider: Provider, u: &Usage) -> Vec<(&'static str, u64)> {
    match provider {
        Provider::OpenAi => vec![
            ("input", u.input.saturating_sub(u.cached_input)),
            ("cached_input", u.cached_input),
            ("output", u.output),
        ],
        Provider::Anthropic => vec![
            (
                "input",
                u.input
                    .saturating_sub(u.cached_input + u.cache_write + u.cache_write_1h),
            ),
            ("cached_input", u.cached_input),
            ("cache_write", u.cache_write),
            ("cache_write_1h", u.cache_write_1h),
            ("output", u.output),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")
    }

    #[test]
    fn openai_cached_and_reasoning_counted_once() {
        let p = Pricer::shipped().expect("prices");
        let u = Usage {
            input: 1200,
            cached_input: 1024,
            output: 300,
            reasoning: 192,
            ..Default::default()
        };
        // gpt-4o: 176 x 2.50 + 1024 x 1.25 + 300 x 10.00 per million.
        let c = p.cost(Provider::OpenAi, "gpt-4o-2024-08-06", STANDARD, day(), &u);
        assert_eq!(c, Some(d("0.00472")));
    }

    #[test]
    fn anthropic_every_token_type_and_batch() {
        let p = Pricer::shipped().expect("prices");
        let u = Usage {
            input: 1000 + 2000 + 300 + 400,
            cached_input: 2000,
            cache_write: 300,
            cache_write_1h: 400,
            output: 500,
            reasoning: 100,
        };
        // claude-sonnet-4-6: 1000 x 3 + 2000 x 0.30 + 300 x 3.75 + 400 x 6 + 500 x 15 per million.
        let c = p.cost(
            Provider::Anthropic,
            "claude-sonnet-4-6",
            STANDARD,
            day(),
            &u,
        );
        assert_eq!(c, Some(d("0.014625")));
        // Batch: input and output at half; cache rows fall back to standard.
        let c = p.cost(Provider::Anthropic, "claude-sonnet-4-6", "batch", day(), &u);
        assert_eq!(c, Some(d("0.009375")));
        assert_eq!(
            p.cost(Provider::Anthropic, "claude-unknown-9", STANDARD, day(), &u),
            None
        );
    }
}

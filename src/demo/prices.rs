//! List prices the demo's providers bill at (USD per million tokens), and how a model's daily
//! spend divides between token types.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::prices::{Price, ORIGIN_DEMO, STANDARD};

/// The flagship model whose per-token prices double partway through the history.
pub const FLAGSHIP: &str = "gpt-5.5";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Input,
    CachedInput,
    CacheWrite,
    Output,
}

impl TokenKind {
    /// The token-type half of an OpenAI cost `line_item` ("gpt-5.5, cached input").
    pub fn openai_label(self) -> &'static str {
        match self {
            TokenKind::Input => "input",
            TokenKind::CachedInput => "cached input",
            TokenKind::CacheWrite => "cache write",
            TokenKind::Output => "output",
        }
    }

    /// Anthropic cost_report `token_type`.
    pub fn anthropic_type(self) -> &'static str {
        match self {
            TokenKind::Input => "uncached_input_tokens",
            TokenKind::CachedInput => "cache_read_input_tokens",
            TokenKind::CacheWrite => "cache_creation.ephemeral_5m_input_tokens",
            TokenKind::Output => "output_tokens",
        }
    }

    pub fn anthropic_label(self) -> &'static str {
        match self {
            TokenKind::Input => "Input Tokens",
            TokenKind::CachedInput => "Cache Read Input Tokens",
            TokenKind::CacheWrite => "Cache Write (5m) Input Tokens",
            TokenKind::Output => "Output Tokens",
        }
    }
}

/// One token type of a model: its share of the model's spend and its price.
#[derive(Debug, Clone)]
pub struct Rate {
    pub kind: TokenKind,
    pub share: f64,
    pub usd_per_m: Decimal,
}

fn usd(cents_per_m: i64) -> Decimal {
    Decimal::new(cents_per_m, 3)
}

/// Rates of `model` at list price (before any price change).
pub fn rates(model: &str) -> Vec<Rate> {
    use TokenKind::*;
    // (kind, spend share, price in tenths of a cent per million tokens)
    let table: &[(TokenKind, f64, i64)] = match model {
        "gpt-5.5" => &[
            (Input, 0.30, 1_250),
            (CachedInput, 0.05, 125),
            (Output, 0.65, 10_000),
        ],
        "gpt-5.5-mini" => &[
            (Input, 0.35, 250),
            (CachedInput, 0.05, 25),
            (Output, 0.60, 2_000),
        ],
        "text-embedding-3-large" => &[(Input, 1.0, 130)],
        "text-embedding-3-small" => &[(Input, 1.0, 20)],
        "claude-opus-4-6" => &[
            (Input, 0.30, 5_000),
            (CachedInput, 0.05, 500),
            (CacheWrite, 0.10, 6_250),
            (Output, 0.55, 25_000),
        ],
        "claude-sonnet-4-6" => &[
            (Input, 0.30, 3_000),
            (CachedInput, 0.05, 300),
            (CacheWrite, 0.10, 3_750),
            (Output, 0.55, 15_000),
        ],
        "claude-haiku-4-5" => &[
            (Input, 0.30, 1_000),
            (CachedInput, 0.05, 100),
            (CacheWrite, 0.10, 1_250),
            (Output, 0.55, 5_000),
        ],
        _ => &[],
    };
    table
        .iter()
        .map(|(kind, share, p)| Rate {
            kind: *kind,
            share: *share,
            usd_per_m: usd(*p),
        })
        .collect()
}

/// The price multiplier of `model` on `day`: the flagship costs twice as much per token from
/// `doubled_on`.
pub fn multiplier(model: &str, day: NaiveDate, doubled_on: NaiveDate) -> u32 {
    if model == FLAGSHIP && day >= doubled_on {
        2
    } else {
        1
    }
}

/// Input tokens (cached included) in an average request, for request counts.
pub fn prompt_tokens(model: &str) -> f64 {
    match model {
        "gpt-5.5" => 3_200.0,
        "gpt-5.5-mini" => 1_800.0,
        m if m.contains("embedding") => 600.0,
        _ => 2_500.0,
    }
}

/// Every model the demo bills.
pub const MODELS: [&str; 7] = [
    "gpt-5.5",
    "gpt-5.5-mini",
    "text-embedding-3-large",
    "text-embedding-3-small",
    "claude-opus-4-6",
    "claude-sonnet-4-6",
    "claude-haiku-4-5",
];

impl TokenKind {
    /// The token type of price rows.
    pub fn price_type(self) -> &'static str {
        match self {
            TokenKind::Input => "input",
            TokenKind::CachedInput => "cached_input",
            TokenKind::CacheWrite => "cache_write",
            TokenKind::Output => "output",
        }
    }
}

/// The demo world's price history, for `reconcile` and what-ifs on the demo DB: each model's
/// rates from long before the history, and the flagship's doubled rates from `doubled_on`.
/// The demo's prices differ from the shipped list, so each row is repeated from every day a
/// shipped row for the same model starts: lookups take the latest start in force and, among
/// equal starts, the row loaded last, so the demo's rows shadow the shipped ones.
pub fn price_history(doubled_on: NaiveDate, shipped: &[Price]) -> Vec<Price> {
    let origin = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(doubled_on);
    let mut out = Vec::new();
    for model in MODELS {
        let provider = if model.starts_with("claude") {
            "Anthropic"
        } else {
            "OpenAI"
        };
        for rate in rates(model) {
            let token_type = rate.kind.price_type();
            let mut starts: Vec<NaiveDate> = shipped
                .iter()
                .filter(|p| {
                    p.provider.eq_ignore_ascii_case(provider)
                        && p.model.eq_ignore_ascii_case(model)
                        && p.token_type == token_type
                        && p.tier == STANDARD
                })
                .map(|p| p.effective_from)
                .chain([origin, doubled_on])
                .collect();
            starts.sort();
            starts.dedup();
            for from in starts {
                let mult = Decimal::from(multiplier(model, from, doubled_on));
                out.push(Price {
                    provider: provider.to_string(),
                    model: model.to_string(),
                    token_type: token_type.to_string(),
                    tier: STANDARD.to_string(),
                    usd_per_mtok: rate.usd_per_m * mult,
                    effective_from: from,
                    effective_to: None,
                    source: "tollgate demo: the demo world's prices".to_string(),
                    origin: ORIGIN_DEMO.to_string(),
                });
            }
        }
    }
    out
}

/// Display name for Anthropic cost descriptions ("Claude Sonnet 4.6").
pub fn claude_name(model: &str) -> String {
    let mut parts = model.trim_start_matches("claude-").split('-');
    let family = parts.next().unwrap_or("");
    let version: Vec<&str> = parts.collect();
    let mut f = family.chars();
    let family = match f.next() {
        Some(c) => c.to_uppercase().collect::<String>() + f.as_str(),
        None => String::new(),
    };
    format!("Claude {family} {}", version.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_and_names_read_well() {
        for m in [
            "gpt-5.5",
            "gpt-5.5-mini",
            "claude-opus-4-6",
            "text-embedding-3-small",
        ] {
            let s: f64 = rates(m).iter().map(|r| r.share).sum();
            assert!((s - 1.0).abs() < 1e-9, "{m}");
        }
        assert_eq!(rates("gpt-5.5")[0].usd_per_m, Decimal::new(125, 2));
        assert_eq!(claude_name("claude-sonnet-4-6"), "Claude Sonnet 4.6");
    }
}

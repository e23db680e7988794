//! What-if scenarios: a price change on a provider/model from a date, and a growth override;
//! their command-line syntax and how a price change scales a forecast month.

use chrono::NaiveDate;
use rust_decimal::prelude::*;

use crate::month::Month;
use crate::prices::model_names;

#[derive(Debug, Clone, PartialEq)]
pub enum Scenario {
    /// Prices of the matching spend change by `pct` percent from `from` on (+100 doubles them).
    /// `None` matches any provider / any model.
    PriceChange {
        provider: Option<String>,
        model: Option<String>,
        from: NaiveDate,
        pct: Decimal,
    },
    /// Replaces the fitted monthly growth with `monthly_pct` percent per month.
    Growth { monthly_pct: Decimal },
}

const PRICE_SYNTAX: &str =
    "write it as PROVIDER[:MODEL]=+PCT%@YYYY-MM-DD, e.g. OpenAI:gpt-4o=+100%@2026-12-01 (PROVIDER `*` for any)";

/// Parses `--price-change PROVIDER[:MODEL]=+100%@YYYY-MM-DD`.
pub fn parse_price_change(spec: &str) -> Result<Scenario, String> {
    let bad = |why: &str| format!("{why}; {PRICE_SYNTAX}");
    let (rest, date) = spec
        .rsplit_once('@')
        .ok_or_else(|| bad("missing '@YYYY-MM-DD' (the date the new price applies from)"))?;
    let from = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| bad(&format!("'{date}' is not a date")))?;
    let (target, pct) = rest
        .rsplit_once('=')
        .ok_or_else(|| bad("missing '=+PCT%' (the price change in percent)"))?;
    let pct = parse_pct(pct).map_err(|e| bad(&e))?;
    let (provider, model) = match target.split_once(':') {
        Some((p, m)) => (p.trim(), Some(m.trim())),
        None => (target.trim(), None),
    };
    if provider.is_empty() {
        return Err(bad("missing the provider"));
    }
    if model.is_some_and(str::is_empty) {
        return Err(bad("empty model after ':'"));
    }
    let any = |s: &str| (s != "*").then(|| s.to_string());
    Ok(Scenario::PriceChange {
        provider: any(provider),
        model: model.and_then(any),
        from,
        pct,
    })
}

/// Parses `--growth PCT` (monthly percent: `5`, `+5%`, `-2.5%`).
pub fn parse_growth(text: &str) -> Result<Decimal, String> {
    parse_pct(text).map_err(|e| format!("{e}; write the monthly growth in percent, e.g. 8 or +8%"))
}

/// `+100%`, `-20`, `12.5%` -> percent; more than -100 (a price or a spend cannot go below 0).
fn parse_pct(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let number = t.strip_suffix('%').unwrap_or(t).trim();
    let number = number.strip_prefix('+').unwrap_or(number);
    let pct =
        Decimal::from_str_exact(number).map_err(|_| format!("'{text}' is not a percentage"))?;
    if pct <= Decimal::from(-100) {
        return Err(format!("'{text}' is -100% or less"));
    }
    Ok(pct)
}

/// Whether a ledger row's provider and model fall under a price change.
pub fn matches(
    provider: Option<&str>,
    model: Option<&str>,
    row_provider: &str,
    row_model: Option<&str>,
) -> bool {
    let provider_ok = provider.is_none_or(|p| p.eq_ignore_ascii_case(row_provider));
    let model_ok = match (model, row_model) {
        (None, _) => true,
        (Some(_), None) => false,
        // The row's model or a name it is a dated snapshot of, by the price table's rule:
        // `claude-sonnet-4` never reaches `claude-sonnet-4-5`.
        (Some(m), Some(r)) => {
            let (m, r) = (m.to_ascii_lowercase(), r.to_ascii_lowercase());
            let found = model_names(&r).any(|name| name == m);
            found
        }
    };
    provider_ok && model_ok
}

/// A price change resolved against the ledger: `share` of spend changes by `pct` from `from`.
#[derive(Debug, Clone)]
pub struct PriceShift {
    pub share: f64,
    pub pct: f64,
    pub from: NaiveDate,
}

impl PriceShift {
    /// The fraction of `month` the new price applies to (pro rata by day for the month of `from`).
    fn coverage(&self, month: Month) -> f64 {
        let (start, end) = (month.first_day(), month.next().first_day());
        if self.from <= start {
            1.0
        } else if self.from >= end {
            0.0
        } else {
            (end - self.from).num_days() as f64 / f64::from(month.days())
        }
    }
}

/// The factor a month's spend is multiplied by under `shifts` (their effects add up).
pub fn month_factor(shifts: &[PriceShift], month: Month) -> f64 {
    let extra: f64 = shifts
        .iter()
        .map(|s| s.share * s.pct / 100.0 * s.coverage(month))
        .sum();
    (1.0 + extra).max(0.0)
}

/// `OpenAI:gpt-4o`, `*:gpt-4o`, `Anthropic`.
pub fn target_label(provider: Option<&str>, model: Option<&str>) -> String {
    let p = provider.unwrap_or("*");
    match model {
        Some(m) => format!("{p}:{m}"),
        None => p.to_string(),
    }
}

/// `+100%`, `-12.5%`.
pub fn signed_pct(pct: f64) -> String {
    let text = format!("{pct:+.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_price_changes() {
        let s = parse_price_change("OpenAI:gpt-4o=+100%@2026-12-01").expect("parse");
        assert_eq!(
            s,
            Scenario::PriceChange {
                provider: Some("OpenAI".into()),
                model: Some("gpt-4o".into()),
                from: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
                pct: Decimal::from(100),
            }
        );
        let s = parse_price_change("*:claude-sonnet-4=-20@2027-01-15").expect("parse");
        assert!(matches!(s, Scenario::PriceChange { provider: None, .. }));
        for bad in [
            "OpenAI=+100%",
            "OpenAI@2026-12-01",
            "=+100%@2026-12-01",
            "OpenAI=+1x0%@2026-12-01",
            "OpenAI=-100%@2026-12-01",
            "OpenAI=+100%@2026-13-01",
            "OpenAI:=+100%@2026-12-01",
        ] {
            let err = parse_price_change(bad).expect_err(bad);
            assert!(err.contains("PROVIDER[:MODEL]"), "{err}");
        }
        assert_eq!(parse_growth("+8%"), Ok(Decimal::from(8)));
        assert!(parse_growth("fast").is_err());
    }

    #[test]
    fn matching_and_coverage() {
        assert!(matches(
            Some("openai"),
            Some("gpt-4o"),
            "OpenAI",
            Some("gpt-4o-2024-08-06")
        ));
        assert!(!matches(
            Some("OpenAI"),
            Some("gpt-4o"),
            "OpenAI",
            Some("gpt-4o-mini")
        ));
        assert!(matches(None, None, "AWS", None));
        // Another model that merely starts with the name and a digit is not a snapshot of it.
        for (target, row) in [
            ("claude-sonnet-4", "claude-sonnet-4-5"),
            ("claude-sonnet-4", "claude-sonnet-4-5-20250929"),
            ("claude-3", "claude-3-5-sonnet-20241022"),
            ("gpt-4", "gpt-4-1106-preview"),
        ] {
            assert!(
                !matches(Some("Anthropic"), Some(target), "Anthropic", Some(row))
                    && !matches(Some("OpenAI"), Some(target), "OpenAI", Some(row)),
                "{target} must not match {row}"
            );
        }
        assert!(matches(
            Some("Anthropic"),
            Some("claude-sonnet-4-5"),
            "Anthropic",
            Some("claude-sonnet-4-5-20250929")
        ));
        assert!(matches(
            Some("Anthropic"),
            Some("claude-sonnet-4-5"),
            "Anthropic",
            Some("claude-sonnet-4-5@20250929")
        ));
        let shift = PriceShift {
            share: 0.5,
            pct: 100.0,
            from: NaiveDate::from_ymd_opt(2026, 12, 16).expect("date"),
        };
        let dec: Month = "2026-12".parse().expect("month");
        assert!((month_factor(std::slice::from_ref(&shift), dec) - 1.25806).abs() < 1e-4);
        assert_eq!(month_factor(std::slice::from_ref(&shift), dec.next()), 1.5);
        assert_eq!(month_factor(&[shift], dec.prev()), 1.0);
        assert_eq!(signed_pct(100.0), "+100%");
        assert_eq!(signed_pct(-12.5), "-12.5%");
    }
}

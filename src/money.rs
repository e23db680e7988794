//! Exact money. Every reported total is a `rust_decimal::Decimal` read from DuckDB's DECIMAL,
//! never a float sum; JSON carries it as a number with exactly two decimals.

use rust_decimal::prelude::*;
use serde::Serializer;

pub use rust_decimal::Decimal;

/// Parses a money string as a provider or a file sends it ("12.5", "-0.000001", "1e-3").
pub fn parse(text: &str) -> Option<Decimal> {
    let t = text.trim();
    Decimal::from_str_exact(t)
        .ok()
        .or_else(|| Decimal::from_scientific(t).ok())
}

/// Why a cost in `found` is refused by a ledger kept in `ledger` (`[ledger] currency`).
pub fn other_currency(found: &str, ledger: &str) -> String {
    format!(
        "'{found}' is not the ledger's currency {ledger}: tollgate has no exchange rates and never \
         adds two currencies. Convert these costs to {ledger} first, or keep them in a ledger of \
         their own (another --db, with [ledger] currency = \"{found}\"); nothing was written"
    )
}

/// Rounds to the cent, half away from zero, as invoices do.
pub fn cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Rounds `parts` to cents so that they add up exactly to `total` rounded to cents
/// (largest-remainder method): a report's lines always add up to its total.
pub fn cents_summing_to(parts: &[Decimal], total: Decimal) -> Vec<Decimal> {
    let target = cents(total);
    let cent = Decimal::new(1, 2);
    let mut rounded: Vec<Decimal> = parts
        .iter()
        .map(|p| p.round_dp_with_strategy(2, RoundingStrategy::ToZero))
        .collect();
    let mut gap = target - rounded.iter().copied().sum::<Decimal>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Largest remainders first when cents are missing, smallest first when cents are extra.
    order.sort_by(|&a, &b| {
        let ra = parts[a] - rounded[a];
        let rb = parts[b] - rounded[b];
        if gap >= Decimal::ZERO {
            rb.cmp(&ra).then(a.cmp(&b))
        } else {
            ra.cmp(&rb).then(a.cmp(&b))
        }
    });
    let mut i = 0;
    while !gap.is_zero() && !order.is_empty() {
        let idx = order[i % order.len()];
        if gap > Decimal::ZERO {
            rounded[idx] += cent;
            gap -= cent;
        } else {
            rounded[idx] -= cent;
            gap += cent;
        }
        i += 1;
    }
    rounded
}

/// Serialises money as a JSON number with two decimals, exactly (no float on the way).
pub fn serialize_usd<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let mut v = cents(*value);
    v.rescale(2);
    rust_decimal::serde::arbitrary_precision::serialize(&v, s)
}

/// Like [`serialize_usd`] for optional values (`null` when absent).
pub fn serialize_opt_usd<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serialize_usd(v, s),
        None => s.serialize_none(),
    }
}

/// Formats dollars for people: `$30,412.07`, `-$12.00`.
pub fn usd(value: Decimal) -> String {
    let v = cents(value);
    let neg = v.is_sign_negative() && !v.is_zero();
    let text = format!("{:.2}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let grouped = crate::fmt::group_digits(int);
    format!("{}${grouped}.{frac}", if neg { "-" } else { "" })
}

/// Compact dollars for narrow cells: `$30.4K`, `$1.2M`, `$812`.
pub fn usd_short(value: Decimal) -> String {
    let f = value.to_f64().unwrap_or(0.0);
    let a = f.abs();
    let sign = if f < 0.0 { "-" } else { "" };
    if a >= 1_000_000.0 {
        format!("{sign}${:.1}M", a / 1_000_000.0)
    } else if a >= 10_000.0 {
        format!("{sign}${:.1}K", a / 1_000.0)
    } else {
        format!("{sign}${a:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        parse(s).expect("decimal")
    }

    #[test]
    fn parts_round_to_the_rounded_total() {
        let parts = [d("0.333333"), d("0.333333"), d("0.333334")];
        let r = cents_summing_to(&parts, d("1"));
        assert_eq!(r.iter().copied().sum::<Decimal>(), d("1.00"));
        let parts = [d("10.005"), d("10.005"), d("-0.01")];
        let r = cents_summing_to(&parts, d("20.00"));
        assert_eq!(r.iter().copied().sum::<Decimal>(), d("20.00"));
    }

    #[test]
    fn negative_totals_and_extra_cents() {
        let parts = [d("-1.006"), d("-1.006"), d("-1.006")];
        let total: Decimal = parts.iter().copied().sum();
        let r = cents_summing_to(&parts, total);
        assert_eq!(r.iter().copied().sum::<Decimal>(), cents(total));
    }

    #[test]
    fn formats_dollars() {
        assert_eq!(usd(d("30412.066")), "$30,412.07");
        assert_eq!(usd(d("-12")), "-$12.00");
        assert_eq!(usd(d("0.004")), "$0.00");
        assert_eq!(usd_short(d("30412")), "$30.4K");
        assert_eq!(parse("1e-3"), Some(d("0.001")));
    }
}

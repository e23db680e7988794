//! Number formatting for people, shared by the CLI tables, the cockpit and the exports:
//! thousands grouping, shares in percent, probabilities. Money itself is formatted by
//! [`crate::money::usd`] (which groups with [`group_digits`]).

use rust_decimal::Decimal;

/// `1234567` -> `1,234,567` (a string of ASCII digits, no sign).
pub fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// An integer with thousands separators: `-24367925629` -> `-24,367,925,629`.
pub fn thousands(n: impl std::fmt::Display) -> String {
    let text = n.to_string();
    match text.strip_prefix('-') {
        Some(digits) => format!("-{}", group_digits(digits)),
        None => group_digits(&text),
    }
}

/// `part` as a percentage of `total`, rounded to one decimal; `None` when the total is zero.
pub fn share_pct(part: Decimal, total: Decimal) -> Option<Decimal> {
    (!total.is_zero()).then(|| (part / total * Decimal::ONE_HUNDRED).round_dp(1))
}

/// A fraction (`0.7469`) as a percentage with one decimal (`74.7%`), rounded half away from
/// zero (Decimal's `{:.1}` truncates).
pub fn fraction_pct(fraction: Decimal) -> String {
    let mut p = (fraction * Decimal::ONE_HUNDRED).round_dp(1);
    p.rescale(1);
    format!("{p}%")
}

/// A probability for people: `37%`, and `<1%` / `>99%` rather than a rounded 0% or 100%
/// that is not certain.
pub fn probability(p: f64) -> String {
    match p {
        p if p > 0.0 && p < 0.01 => "<1%".to_string(),
        p if p > 0.99 && p < 1.0 => ">99%".to_string(),
        p => format!("{:.0}%", p * 100.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_shares_and_probabilities() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000usize), "1,000");
        assert_eq!(thousands(-24_367_925_629i64), "-24,367,925,629");
        assert_eq!(group_digits("1234567"), "1,234,567");
        assert_eq!(
            share_pct(Decimal::ONE, Decimal::from(3)),
            Some(Decimal::new(333, 1))
        );
        assert_eq!(share_pct(Decimal::ONE, Decimal::ZERO), None);
        assert_eq!(probability(0.004), "<1%");
        assert_eq!(probability(0.995), ">99%");
        assert_eq!(probability(1.0), "100%");
        assert_eq!(probability(0.0), "0%");
        assert_eq!(probability(0.372), "37%");
    }
}

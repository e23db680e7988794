//! Splitting a day's change versus its baseline into volume, mix and unit-price effects that
//! add up to the change exactly, by construction.
//!
//! Each cell (provider x item x token type x unit) has a baseline cost `c0` and quantity `q0`
//! (averages per baseline day) and the day's `c1`, `q1`. Its baseline unit price is
//! `p0 = c0 / q0` (a cell new on the day borrows its day price `c1 / q1`, so new items show as
//! volume or mix, never as a price change). Cells are grouped by unit (tokens, hours,
//! requests, USD), because only quantities of one unit can be added up:
//!
//! - volume = sum over units of `C0_u * (Q1_u / Q0_u - 1)`: every cell of the unit grown by the
//!   unit's total quantity growth, at baseline mix and prices (all of `X_u - C0_u` when the
//!   unit had no baseline quantity);
//! - mix    = sum over units of `X_u - C0_u - volume_u`, with `X_u = sum(q1 * p0)`: the day's
//!   quantities at baseline prices, minus the scaled baseline — quantity moved between cells;
//! - price  = sum over cells of `c1 - q1 * p0`: the day's quantities times the change in unit
//!   price. Cost a cell has without any quantity (e.g. a fee on a day with no usage) is all
//!   price: this term is the residual that makes the identity exact.
//!
//! Summed, the three terms telescope to `sum(c1) - sum(c0)`: the identity holds whatever the
//! data, up to Decimal's 28 digits; [`Effects::to_cents`] then rounds so that it holds to the
//! cent.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::money::cents;

/// One cell of the decomposition. Costs and quantities are per day: the baseline ones are
/// averages over the baseline days.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// What `*_quantity` counts: a ConsumedUnit (e.g. "Tokens"), "requests" or "USD".
    pub unit: String,
    pub baseline_cost: Decimal,
    pub baseline_quantity: Decimal,
    pub day_cost: Decimal,
    pub day_quantity: Decimal,
}

/// The change split three ways (exact, unrounded).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Effects {
    pub volume: Decimal,
    pub price: Decimal,
    pub mix: Decimal,
}

impl Effects {
    pub fn total(&self) -> Decimal {
        self.volume + self.price + self.mix
    }

    /// Rounds each effect to the cent so that they add up to `change` (already in cents)
    /// exactly: the term with the largest magnitude absorbs the rounding gap, so the gap (at
    /// most a few cents) is the smallest relative distortion.
    pub fn to_cents(self, change: Decimal) -> Effects {
        let mut out = Effects {
            volume: cents(self.volume),
            price: cents(self.price),
            mix: cents(self.mix),
        };
        let gap = change - out.total();
        if !gap.is_zero() {
            let (v, p, m) = (out.volume.abs(), out.price.abs(), out.mix.abs());
            if v >= p && v >= m {
                out.volume += gap;
            } else if p >= m {
                out.price += gap;
            } else {
                out.mix += gap;
            }
        }
        out
    }
}

/// Decomposes `sum(day_cost) - sum(baseline_cost)` over `cells`; see the module docs.
pub fn decompose(cells: &[Cell]) -> Effects {
    #[derive(Default)]
    struct Unit {
        c0: Decimal,
        q0: Decimal,
        q1: Decimal,
        x: Decimal,
    }
    let mut units: BTreeMap<&str, Unit> = BTreeMap::new();
    let mut price = Decimal::ZERO;
    for c in cells {
        let p0 = if !c.baseline_quantity.is_zero() {
            c.baseline_cost / c.baseline_quantity
        } else if !c.day_quantity.is_zero() {
            c.day_cost / c.day_quantity
        } else {
            Decimal::ZERO
        };
        let at_baseline_price = c.day_quantity * p0;
        price += c.day_cost - at_baseline_price;
        let u = units.entry(c.unit.as_str()).or_default();
        u.c0 += c.baseline_cost;
        u.q0 += c.baseline_quantity;
        u.q1 += c.day_quantity;
        u.x += at_baseline_price;
    }
    let (mut volume, mut mix) = (Decimal::ZERO, Decimal::ZERO);
    for u in units.values() {
        let v = if u.q0.is_zero() {
            u.x - u.c0
        } else {
            u.c0 * (u.q1 / u.q0 - Decimal::ONE)
        };
        volume += v;
        mix += u.x - u.c0 - v;
    }
    Effects { volume, price, mix }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        crate::money::parse(s).expect("decimal")
    }

    fn cell(unit: &str, c0: &str, q0: &str, c1: &str, q1: &str) -> Cell {
        Cell {
            unit: unit.to_string(),
            baseline_cost: d(c0),
            baseline_quantity: d(q0),
            day_cost: d(c1),
            day_quantity: d(q1),
        }
    }

    #[test]
    fn new_cell_is_volume_or_mix_and_fees_without_quantity_are_price() {
        // A new unit entirely: all volume.
        let e = decompose(&[cell("Hours", "0", "0", "30", "10")]);
        assert_eq!((e.volume, e.price, e.mix), (d("30"), d("0"), d("0")));
        // A fee with no quantity on the day: all price (the residual).
        let e = decompose(&[cell("USD", "0", "0", "5", "0")]);
        assert_eq!((e.volume, e.price, e.mix), (d("0"), d("5"), d("0")));
    }

    #[test]
    fn rounding_fixes_the_largest_term() {
        let e = Effects {
            volume: d("10.004"),
            price: d("0.004"),
            mix: d("0.004"),
        };
        let r = e.to_cents(d("10.01"));
        assert_eq!(r.total(), d("10.01"));
        assert_eq!(r.volume, d("10.01"));
    }
}

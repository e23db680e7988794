//! Splitting a day's change versus its baseline into volume, mix and unit-price effects that
//! add up to the change exactly, by construction.
//!
//! Each cell (provider x item x token type x unit) has a baseline cost `c0` and quantity `q0`
//! (averages per baseline day) and the day's `c1`, `q1`. Its baseline unit price is
//! `p0 = c0 / q0` (a cell new on the day borrows its day price `c1 / q1`, so new items show as
//! volume or mix, never as a price change). Cells are grouped into commensurable groups: only
//! quantities that measure the same thing can be added up, and only items that stand in for
//! one another can trade share. The caller's groups are category x unit x token type (chat
//! input tokens, chat output tokens, embedding tokens, vector-DB units, GPU hours...): moving
//! chat tokens to a dearer model is mix, while chat growing beside flat embeddings is volume.
//!
//! - volume = sum over groups of `C0_g * (Q1_g / Q0_g - 1)`: every cell of the group grown by
//!   the group's total quantity growth, at baseline mix and prices (all of `X_g - C0_g` when
//!   the group had no baseline quantity);
//! - mix    = sum over groups of `X_g - C0_g - volume_g`, with `X_g = sum(q1 * p0)`: the day's
//!   quantities at baseline prices, minus the scaled baseline — quantity moved between cells
//!   of a group;
//! - price  = sum over cells of `c1 - q1 * p0`: the day's quantities times the change in unit
//!   price. Cost a cell has without any quantity (e.g. a fee on a day with no usage) is all
//!   price: this term is the residual that makes the identity exact.
//!
//! Uniform growth of every cell of a group is all volume, whatever the groups' sizes. Summed,
//! the three terms telescope to `sum(c1) - sum(c0)`: the identity holds whatever the data, up
//! to Decimal's 28 digits; [`Effects::to_cents`] then rounds so that it holds to the cent,
//! giving the rounding gap to the largest term (ties: volume, then price, then mix).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::money::cents;

/// One cell of the decomposition. Costs and quantities are per day: the baseline ones are
/// averages over the baseline days.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The commensurable group (see the module docs), e.g. `llm_api/Tokens/input`: the cells
    /// of one group count the same thing, in the same unit.
    pub group: String,
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
    struct Group {
        c0: Decimal,
        q0: Decimal,
        q1: Decimal,
        x: Decimal,
    }
    let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
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
        let u = groups.entry(c.group.as_str()).or_default();
        u.c0 += c.baseline_cost;
        u.q0 += c.baseline_quantity;
        u.q1 += c.day_quantity;
        u.x += at_baseline_price;
    }
    let (mut volume, mut mix) = (Decimal::ZERO, Decimal::ZERO);
    for u in groups.values() {
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

    fn cell(group: &str, c0: &str, q0: &str, c1: &str, q1: &str) -> Cell {
        Cell {
            group: group.to_string(),
            baseline_cost: d(c0),
            baseline_quantity: d(q0),
            day_cost: d(c1),
            day_quantity: d(q1),
        }
    }

    #[test]
    fn new_cell_is_volume_or_mix_and_fees_without_quantity_are_price() {
        // A new group entirely: all volume.
        let e = decompose(&[cell("Hours", "0", "0", "30", "10")]);
        assert_eq!((e.volume, e.price, e.mix), (d("30"), d("0"), d("0")));
        // A fee with no quantity on the day: all price (the residual).
        let e = decompose(&[cell("USD", "0", "0", "5", "0")]);
        assert_eq!((e.volume, e.price, e.mix), (d("0"), d("5"), d("0")));
    }

    #[test]
    fn groups_keep_cheap_plentiful_units_from_hiding_growth() {
        // Chat +50% on two models, embeddings (5M tokens for $10) flat.
        let cells = [
            cell("llm_api/Tokens/input", "100", "100000", "150", "150000"),
            cell("llm_api/Tokens/input", "40", "10000", "60", "15000"),
            cell(
                "embeddings_vector/Tokens/input",
                "10",
                "5000000",
                "10",
                "5000000",
            ),
        ];
        let e = decompose(&cells);
        assert_eq!((e.volume, e.price, e.mix), (d("70"), d("0"), d("0")));
        // The same cells in one group of "Tokens" would read as mostly mix.
        let one: Vec<Cell> = cells
            .iter()
            .map(|c| Cell {
                group: "Tokens".into(),
                ..c.clone()
            })
            .collect();
        assert!(decompose(&one).mix > d("60"));
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

//! Every month's totals and allocation, read from the monthly rollup in three queries (one
//! pass each over a few thousand rows) and kept until the next ledger write or allocation
//! change, so moving between months, tabs and drill-down levels costs no query.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::month::Month;
use crate::store::{sql, Store, StoreError};

/// Exact (unrounded) allocation of one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthAllocation {
    pub total: Decimal,
    pub by_use_case: HashMap<String, Decimal>,
    pub unallocated: Decimal,
    pub by_category: HashMap<String, Decimal>,
    /// Cost per provider, largest first (ties by name).
    pub by_provider: Vec<(String, Decimal)>,
    /// Tokens without a price (they cost $0 in the ledger until one is known).
    pub unpriced_tokens: Decimal,
    pub currency: String,
}

impl Default for MonthAllocation {
    /// A month without rows: $0 in USD.
    fn default() -> Self {
        MonthAllocation {
            total: Decimal::ZERO,
            by_use_case: HashMap::new(),
            unallocated: Decimal::ZERO,
            by_category: HashMap::new(),
            by_provider: Vec::new(),
            unpriced_tokens: Decimal::ZERO,
            currency: "USD".to_string(),
        }
    }
}

/// Every month with ledger rows.
pub type Months = BTreeMap<Month, MonthAllocation>;

impl Store {
    /// Requires [`Store::refresh_allocation`] to have run for the current config.
    /// The allocation of `month` ($0 when it has no rows).
    pub fn month_allocation(&self, month: Month) -> Result<MonthAllocation, StoreError> {
        Ok(self.months()?.get(&month).cloned().unwrap_or_default())
    }

    /// Requires [`Store::refresh_allocation`]. Every month's allocation, computed once per
    /// ledger write and allocation.
    pub fn months(&self) -> Result<Arc<Months>, StoreError> {
        self.memoized_on_allocation("months", || load(self).map(Arc::new))
    }
}

fn load(store: &Store) -> Result<Months, StoreError> {
    let c = store.conn();
    let mut months = Months::new();
    let mut stmt = c.prepare(sql::MONTHS_TOTALS)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, Decimal>(1)?,
            r.get::<_, Decimal>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    for row in rows {
        let (month, total, unpriced_tokens, currency) = row?;
        months.insert(
            Month::of(month),
            MonthAllocation {
                total,
                unpriced_tokens,
                currency,
                ..Default::default()
            },
        );
    }

    let mut stmt = c.prepare(sql::MONTHS_ALLOCATION)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Decimal>(3)?,
        ))
    })?;
    for row in rows {
        let (month, use_case, category, cost) = row?;
        let out = months.entry(Month::of(month)).or_default();
        match use_case {
            Some(u) => *out.by_use_case.entry(u).or_default() += cost,
            None => out.unallocated += cost,
        }
        *out.by_category.entry(category).or_default() += cost;
    }

    let mut stmt = c.prepare(sql::MONTHS_BY_PROVIDER)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Decimal>(2)?,
        ))
    })?;
    for row in rows {
        let (month, provider, cost) = row?;
        months
            .entry(Month::of(month))
            .or_default()
            .by_provider
            .push((provider, cost));
    }
    for m in months.values_mut() {
        m.by_provider
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    Ok(months)
}

//! Every month's totals and allocation (two queries over the monthly rollup) and every month's
//! cost per provider (one more), each kept until the next ledger write or allocation change,
//! so moving between months, tabs and drill-down levels costs no query.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::month::Month;
use crate::store::{queries, Store, StoreError};

/// Exact (unrounded) allocation of one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthAllocation {
    pub total: Decimal,
    pub by_use_case: HashMap<String, Decimal>,
    pub unallocated: Decimal,
    pub by_category: HashMap<String, Decimal>,
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
            unpriced_tokens: Decimal::ZERO,
            currency: "USD".to_string(),
        }
    }
}

/// Every month with ledger rows.
pub type Months = BTreeMap<Month, MonthAllocation>;

/// Cost per provider of every month with ledger rows, largest first (ties by name).
pub type MonthProviders = BTreeMap<Month, Vec<(String, Decimal)>>;

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

    /// The cost per provider of `month`, largest first (none when it has no rows). Computed
    /// for every month at once, once per ledger write.
    pub fn month_providers(&self, month: Month) -> Result<Vec<(String, Decimal)>, StoreError> {
        let all = self.memoized("months by provider", || load_providers(self).map(Arc::new))?;
        Ok(all.get(&month).cloned().unwrap_or_default())
    }
}

fn load(store: &Store) -> Result<Months, StoreError> {
    let c = store.conn();
    let mut months = Months::new();
    let mut stmt = c.prepare_cached(queries::TOTALS_PER_MONTH)?;
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

    let mut stmt = c.prepare_cached(queries::ALLOCATION_PER_MONTH)?;
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

    Ok(months)
}

fn load_providers(store: &Store) -> Result<MonthProviders, StoreError> {
    let mut out = MonthProviders::new();
    let mut stmt = store.conn().prepare_cached(queries::PROVIDERS_PER_MONTH)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Decimal>(2)?,
        ))
    })?;
    for row in rows {
        let (month, provider, cost) = row?;
        out.entry(Month::of(month))
            .or_default()
            .push((provider, cost));
    }
    for providers in out.values_mut() {
        providers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    Ok(out)
}

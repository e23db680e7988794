//! Month totals (`tollgate report`): the JSON contract of docs/CONTRACTS.md ("report --json"),
//! shared by the cockpit so both show the same numbers. Lines are rounded to cents so they add up
//! to the total.

use std::collections::HashMap;

use duckdb::params;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::config::{Category, Config, MetricLabel};
use crate::money::{self, cents_summing_to, serialize_opt_usd, serialize_usd};
use crate::month::Month;
use crate::store::{queries, Store, StoreError};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthReport {
    pub month: Month,
    pub currency: String,
    #[serde(serialize_with = "serialize_usd")]
    pub total: Decimal,
    pub by_provider: Vec<ProviderCost>,
    pub by_category: Vec<CategoryCost>,
    pub by_use_case: Vec<UseCaseCost>,
    #[serde(serialize_with = "serialize_usd")]
    pub unallocated: Decimal,
    pub unpriced_tokens: i64,
    /// What rules with `split_by = "gateway"` did this month; absent when none applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_split: Option<GatewaySplit>,
}

/// The month's cost under `split_by = "gateway"` rules: how much was split by gateway-captured
/// cost shares and over how many days, and where the days without gateway data went (the
/// rule's fallback use case, else `unallocated`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GatewaySplit {
    #[serde(serialize_with = "serialize_usd")]
    pub split_usd: Decimal,
    pub split_days: i64,
    #[serde(serialize_with = "serialize_usd")]
    pub fallback_usd: Decimal,
    pub fallback_days: i64,
    pub fallback_to: Vec<FallbackCost>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FallbackCost {
    pub use_case: String,
    #[serde(serialize_with = "serialize_usd")]
    pub cost: Decimal,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProviderCost {
    pub provider: String,
    #[serde(serialize_with = "serialize_usd")]
    pub cost: Decimal,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CategoryCost {
    pub category: String,
    #[serde(serialize_with = "serialize_usd")]
    pub cost: Decimal,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UseCaseCost {
    pub use_case: String,
    pub kind: String,
    #[serde(serialize_with = "serialize_usd")]
    pub cost: Decimal,
    #[serde(serialize_with = "serialize_opt_usd")]
    pub prior_month_cost: Option<Decimal>,
    pub outcome_metric: Option<String>,
    /// How the metric reads (from the config's outcome labels); not in the JSON contract.
    #[serde(skip)]
    pub outcome_label: Option<MetricLabel>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub outcome_value: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub cost_per_outcome: Option<Decimal>,
}

pub use crate::months::MonthAllocation;

/// Outcome values of one month: (use_case, metric) -> value.
pub type Outcomes = HashMap<(String, String), Decimal>;

impl Store {
    /// The month's ledger total (every row, allocated or not).
    pub fn month_total(&self, month: Month) -> Result<Decimal, StoreError> {
        let (start, end) = month.bounds();
        Ok(self
            .conn()
            .query_row(queries::TOTALS_OVER_MONTHS, params![start, end], |r| {
                r.get(0)
            })?)
    }

    /// The latest month with ledger rows.
    pub fn latest_month(&self) -> Result<Option<Month>, StoreError> {
        let m: Option<String> = self
            .conn()
            .prepare_cached(queries::LATEST_MONTH)?
            .query_row([], |r| r.get(0))?;
        Ok(m.and_then(|m| m.parse().ok()))
    }

    /// Outcome values of a month: (use_case, metric) -> value.
    pub fn outcomes(&self, month: Month) -> Result<Outcomes, StoreError> {
        Ok(self
            .outcomes_by_month(Some(month))?
            .remove(&month)
            .unwrap_or_default())
    }

    /// Outcome values as every view uses them: the imported ones, and the weekly active users
    /// the gateway counts for use cases configured so ([`crate::wau`]); month -> values.
    pub fn outcome_values(
        &self,
        config: &Config,
        only: Option<Month>,
    ) -> Result<HashMap<Month, Outcomes>, StoreError> {
        let mut all = self.outcomes_by_month(only)?;
        crate::wau::add_gateway_wau(self, config, only, &mut all)?;
        Ok(all)
    }

    /// Outcome values of every month (or of `only` that one), in one query: month ->
    /// (use_case, metric) -> value.
    pub fn outcomes_by_month(
        &self,
        only: Option<Month>,
    ) -> Result<HashMap<Month, Outcomes>, StoreError> {
        let mut stmt = self.conn().prepare_cached(queries::OUTCOMES_FOR_MONTH)?;
        let rows = stmt.query_map([only.map(|m| m.to_string())], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Decimal>(3)?,
            ))
        })?;
        let mut out: HashMap<Month, Outcomes> = HashMap::new();
        for r in rows {
            let (month, u, m, v) = r?;
            let Ok(month) = month.parse::<Month>() else {
                continue;
            };
            out.entry(month).or_default().insert((u, m), v);
        }
        Ok(out)
    }
}

/// The report of `month`. Refreshes the allocation from `config` first.
pub fn month_report(
    store: &Store,
    config: &Config,
    month: Month,
) -> Result<MonthReport, StoreError> {
    store.refresh_allocation(config)?;
    let alloc = store.month_allocation(month)?;
    let prior = store.month_allocation(month.prev())?;
    let outcomes = store
        .outcome_values(config, Some(month))?
        .remove(&month)
        .unwrap_or_default();

    // Providers, rounded to add up to the total.
    let providers = store.month_providers(month)?;
    let rounded = cents_summing_to(
        &providers.iter().map(|p| p.1).collect::<Vec<_>>(),
        alloc.total,
    );
    let by_provider = providers
        .iter()
        .zip(rounded)
        .map(|((p, _), cost)| ProviderCost {
            provider: p.clone(),
            cost,
        })
        .collect();

    let cats: Vec<Decimal> = Category::ALL
        .iter()
        .map(|c| {
            alloc
                .by_category
                .get(c.as_str())
                .copied()
                .unwrap_or_default()
        })
        .collect();
    let by_category = Category::ALL
        .iter()
        .zip(cents_summing_to(&cats, alloc.total))
        .map(|(c, cost)| CategoryCost {
            category: c.as_str().to_string(),
            cost,
        })
        .collect();

    // Use cases (configured ones first, then any id the rules produce), then unallocated last.
    let mut ids: Vec<String> = config.use_cases.iter().map(|u| u.id.clone()).collect();
    let mut extra: Vec<String> = alloc
        .by_use_case
        .keys()
        .filter(|k| !ids.contains(k))
        .cloned()
        .collect();
    extra.sort();
    ids.extend(extra);
    let mut parts: Vec<Decimal> = ids
        .iter()
        .map(|id| alloc.by_use_case.get(id).copied().unwrap_or_default())
        .collect();
    parts.push(alloc.unallocated);
    let rounded = cents_summing_to(&parts, alloc.total);
    let unallocated = rounded.last().copied().unwrap_or_default();
    let mut by_use_case: Vec<UseCaseCost> = ids
        .iter()
        .zip(&rounded)
        .map(|(id, cost)| {
            let uc = config.use_case(id);
            let metric = uc.and_then(|u| u.metric()).map(str::to_string);
            let value = metric
                .as_ref()
                .and_then(|m| outcomes.get(&(id.clone(), m.clone())).copied());
            let exact = alloc.by_use_case.get(id).copied().unwrap_or_default();
            UseCaseCost {
                use_case: id.clone(),
                kind: uc.map(|u| u.kind.as_str()).unwrap_or("unknown").to_string(),
                cost: *cost,
                prior_month_cost: prior.by_use_case.get(id).copied().map(money::cents).or(
                    if prior.total.is_zero() {
                        None
                    } else {
                        Some(Decimal::ZERO)
                    },
                ),
                outcome_label: metric.as_deref().map(|m| config.outcome_label(m)),
                outcome_metric: metric,
                outcome_value: value,
                cost_per_outcome: value
                    .filter(|v| !v.is_zero())
                    .map(|v| (exact / v).round_dp(4)),
            }
        })
        .collect();
    by_use_case.sort_by(|a, b| b.cost.cmp(&a.cost).then(a.use_case.cmp(&b.use_case)));
    Ok(MonthReport {
        month,
        currency: alloc.currency.clone(),
        total: money::cents(alloc.total),
        by_provider,
        by_category,
        by_use_case,
        unallocated,
        unpriced_tokens: i64::try_from(alloc.unpriced_tokens.trunc()).unwrap_or(0),
        gateway_split: gateway_split(store, month)?,
    })
}

/// [`GatewaySplit`] of `month` (the allocation must be current). Amounts in cents.
fn gateway_split(store: &Store, month: Month) -> Result<Option<GatewaySplit>, StoreError> {
    let mut stmt = store
        .conn()
        .prepare_cached(queries::GATEWAY_SPLIT_OVER_DAYS)?;
    let rows = stmt.query_map(params![month.first_day(), month.next().first_day()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Decimal>(3)?,
        ))
    })?;
    let mut out: Option<GatewaySplit> = None;
    let mut days: HashMap<String, i64> = HashMap::new();
    for row in rows {
        let (basis, use_case, n, cost) = row?;
        let g = out.get_or_insert_with(|| GatewaySplit {
            split_usd: Decimal::ZERO,
            split_days: 0,
            fallback_usd: Decimal::ZERO,
            fallback_days: 0,
            fallback_to: Vec::new(),
        });
        let d = days.entry(basis.clone()).or_default();
        *d = (*d).max(n);
        if basis == crate::alloc::GATEWAY_FALLBACK {
            g.fallback_usd += cost;
            g.fallback_to.push(FallbackCost { use_case, cost });
        } else {
            g.split_usd += cost;
        }
    }
    Ok(out.map(|mut g| {
        g.split_days = days.get(crate::alloc::GATEWAY_SPLIT).copied().unwrap_or(0);
        g.fallback_days = days
            .get(crate::alloc::GATEWAY_FALLBACK)
            .copied()
            .unwrap_or(0);
        g.split_usd = money::cents(g.split_usd);
        g.fallback_usd = money::cents(g.fallback_usd);
        for f in &mut g.fallback_to {
            f.cost = money::cents(f.cost);
        }
        g
    }))
}

/// The month `report` shows by default: the latest complete month before `today`'s, if the
/// ledger has it, else the latest month with data.
pub fn default_month(store: &Store, today: chrono::NaiveDate) -> Result<Month, StoreError> {
    let current = Month::of(today);
    let latest = store.latest_month()?;
    Ok(match latest {
        Some(m) if m >= current => current.prev(),
        Some(m) => m,
        None => current.prev(),
    })
}

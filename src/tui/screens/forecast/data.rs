//! What the Forecast tab shows, loaded on the DB actor's thread with the engine's own
//! function (`forecast::run_detailed`, which `tollgate forecast` calls), so the numbers cannot
//! disagree. The what-if toggles become ordinary [`Scenario`]s, the same ones the CLI's
//! `--price-change` and `--growth` flags build.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::prelude::*;

use crate::config::Config;
use crate::forecast::{self, Detailed, Scenario};
use crate::month::Month;
use crate::store::queries;
use crate::store::Store;

/// The cockpit's what-if scenarios, numbered as their keymap toggles (`toggle = 1`, `2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WhatIf {
    /// `p`: the largest LLM API provider of the last complete month doubles its prices
    /// (+100%) from the first of next month.
    PriceDouble,
    /// `x`: monthly growth is half the fitted growth.
    GrowthHalved,
}

impl WhatIf {
    pub fn from_toggle(n: u8) -> Option<WhatIf> {
        match n {
            1 => Some(WhatIf::PriceDouble),
            2 => Some(WhatIf::GrowthHalved),
            _ => None,
        }
    }
}

/// What to load.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub today: NaiveDate,
    pub what_if: BTreeSet<WhatIf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// The engine's forecast (with the fitted and used growth, for the method line).
    pub detailed: Detailed,
    /// The scenarios passed to the engine, in toggle order.
    pub scenarios: Vec<Scenario>,
    /// A short label per applied toggle, e.g. `price x2 on OpenAI from 2026-12`.
    pub labels: Vec<String>,
    /// Why an active toggle could not apply, e.g. `price x2: no LLM API spend in 2026-10`.
    pub unavailable: Vec<String>,
}

pub fn load(store: &Store, config: &Config, query: &Query) -> anyhow::Result<Data> {
    let what_if = scenarios(store, config, query)?;
    let detailed = forecast::run_detailed(store, config, query.today, &what_if.scenarios)?;
    Ok(Data {
        detailed,
        scenarios: what_if.scenarios,
        labels: what_if.labels,
        unavailable: what_if.unavailable,
    })
}

/// The active toggles as engine scenarios.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WhatIfs {
    pub scenarios: Vec<Scenario>,
    pub labels: Vec<String>,
    pub unavailable: Vec<String>,
}

/// The engine scenarios for the active toggles, with their labels.
pub fn scenarios(store: &Store, config: &Config, query: &Query) -> anyhow::Result<WhatIfs> {
    let current = Month::of(query.today);
    let mut scenarios = Vec::new();
    let mut labels = Vec::new();
    let mut unavailable = Vec::new();
    for what in &query.what_if {
        match what {
            WhatIf::PriceDouble => {
                let last = current.prev();
                match top_llm_provider(store, config, last)? {
                    Some(provider) => {
                        let from = current.next();
                        labels.push(format!("price x2 on {provider} from {from}"));
                        scenarios.push(Scenario::PriceChange {
                            provider: Some(provider),
                            model: None,
                            from: from.first_day(),
                            pct: Decimal::ONE_HUNDRED,
                        });
                    }
                    None => unavailable.push(format!("price x2: no LLM API spend in {last}")),
                }
            }
            WhatIf::GrowthHalved => {
                let fitted = forecast::run_detailed(store, config, query.today, &[])?.fitted_growth;
                match fitted.and_then(|g| Decimal::from_f64(g * 100.0 / 2.0)) {
                    Some(pct) => {
                        let pct = pct.round_dp(2);
                        labels.push(format!("growth /2 = {}%/month", pct.normalize()));
                        scenarios.push(Scenario::Growth { monthly_pct: pct });
                    }
                    None => unavailable.push("growth /2: no fitted growth yet".to_string()),
                }
            }
        }
    }
    Ok(WhatIfs {
        scenarios,
        labels,
        unavailable,
    })
}

/// The LLM API provider with the most (allocated) spend in `month`.
pub fn top_llm_provider(
    store: &Store,
    config: &Config,
    month: Month,
) -> anyhow::Result<Option<String>> {
    store.refresh_allocation(config)?;
    let (start, end) = month.bounds();
    let mut stmt = store
        .conn()
        .prepare_cached(queries::FORECAST_TOP_LLM_PROVIDER)?;
    let mut rows = stmt.query(duckdb::params![start, end])?;
    Ok(match rows.next()? {
        Some(r) => Some(r.get(0)?),
        None => None,
    })
}

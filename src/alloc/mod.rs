//! Allocation: every ledger row's cost goes to use cases (by the first matching rule, split by
//! fixed shares where a rule says so) or to `unallocated`, and to one category.
//!
//! Rules are evaluated once per distinct *dimension* (source, provider, service, sub-account,
//! key, model, tags, ...), not per row: the result is a small table `dim_alloc(x_DimKey,
//! use_case, share, category)` that reports join. Shares of a dimension add up to exactly 1,
//! so use-case totals + unallocated = ledger total to the last digit. Rules apply retroactively:
//! the table is rebuilt from the config each time.

mod category;
mod gateway;
mod rules;

use std::collections::{BTreeMap, HashMap};

use duckdb::params;
use rust_decimal::Decimal;

use crate::config::{Category, Config, SplitBy};
use crate::store::{queries, Store, StoreError};

pub use category::default_category;
pub use gateway::{
    key_matches, model_matches, GatewayDim, FALLBACK as GATEWAY_FALLBACK, SPLIT as GATEWAY_SPLIT,
};
pub use rules::{allocate, exact_shares, exact_shares_of, matches, unallocated, Allocation, Share};

/// The attributes of ledger rows that rules and categories look at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dimension {
    pub dim_key: String,
    pub source: String,
    pub provider: String,
    pub service: String,
    pub service_category: String,
    pub service_subcategory: Option<String>,
    pub sub_account_id: Option<String>,
    pub sub_account_name: Option<String>,
    pub api_key_id: Option<String>,
    pub api_key_name: Option<String>,
    pub model: Option<String>,
    pub tags: Option<String>,
    pub pricing_category: Option<String>,
    /// The SKU (an AWS usage type such as `USE1-Host:ml.g5.2xlarge`) and its price details
    /// (FOCUS `SkuPriceDetails`, e.g. `{"InstanceType": ..., "GpuCount": ...}`).
    pub sku_id: Option<String>,
    pub sku_price_details: Option<String>,
}

/// One row of `dim_alloc`: `month` None applies to every month, `day` None to every day.
#[derive(Debug, Clone, PartialEq)]
pub struct DimAlloc {
    pub dim_key: String,
    pub month: Option<String>,
    pub day: Option<chrono::NaiveDate>,
    pub use_case: Option<String>,
    pub share: Decimal,
    pub category: Category,
    /// Day rows of a `split_by = "gateway"` rule: `split` or `fallback`.
    pub gateway_basis: Option<&'static str>,
}

/// A fingerprint of what allocation depends on in the config.
fn fingerprint(config: &Config) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(&(&config.use_cases, &config.rules, &config.categories))
        .unwrap_or_default()
        .hash(&mut h);
    h.finish()
}

impl Store {
    /// Rebuilds `dim_alloc` (and the `ledger_alloc` view) from the ledger's dimensions and
    /// `config`. Rules that split by usage are weighed per month by the tokens or requests
    /// the fixed rules gave each listed use case; a month with no such usage leaves the
    /// shared cost unallocated (shown, never guessed). Rules that split by gateway data are
    /// weighed per day by the gateway-captured cost (`gateway.rs`); the request table is part
    /// of the store's generation (a gateway sync bumps it), so this rebuilds after one.
    pub fn refresh_allocation(&self, config: &Config) -> Result<usize, StoreError> {
        // Rebuilt only when the ledger or the config changed since the last build.
        let key = (self.generation(), fingerprint(config));
        if self.alloc_built_for.get() == Some(key) {
            return Ok(0);
        }
        self.alloc_built_for.set(None);
        let built = self.build_allocation(config)?;
        self.alloc_built_for.set(Some(key));
        Ok(built)
    }

    /// What the allocation now in `dim_alloc` was built for (ledger generation, config
    /// fingerprint), when it is current: values computed from it can be memoized under it.
    pub fn allocation_key(&self) -> Option<(u64, u64)> {
        self.alloc_built_for
            .get()
            .filter(|(generation, _)| *generation == self.generation())
    }

    /// `compute()`, memoized under `name` for the allocation now built (see
    /// [`Store::memoized`]); computed every time when the allocation is not current.
    pub fn memoized_on_allocation<T: Clone + Send + 'static, E>(
        &self,
        name: &str,
        compute: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        match self.allocation_key() {
            Some(key) => self.memoized(&format!("{name} {key:?}"), compute),
            None => compute(),
        }
    }

    fn build_allocation(&self, config: &Config) -> Result<usize, StoreError> {
        let dims = self.dimensions()?;
        let mut fixed = Vec::new();
        let mut by_usage = Vec::new();
        let mut by_gateway = Vec::new();
        for d in &dims {
            let category = category::category(config, d);
            match allocate(config, d) {
                Allocation::Fixed(shares) => fixed.extend(shares.into_iter().map(|s| DimAlloc {
                    dim_key: d.dim_key.clone(),
                    month: None,
                    day: None,
                    use_case: s.use_case,
                    share: s.share,
                    category,
                    gateway_basis: None,
                })),
                Allocation::ByUsage { by, use_cases } => {
                    by_usage.push((d.dim_key.clone(), category, by, use_cases))
                }
                Allocation::ByGateway {
                    use_cases,
                    fallback,
                } => by_gateway.push(GatewayDim {
                    dim: d.clone(),
                    category,
                    use_cases,
                    fallback,
                }),
            }
        }
        self.conn().execute_batch(queries::DIM_ALLOC)?;
        self.append_dim_alloc(&fixed)?;
        let weighted = self.usage_weighted(&by_usage)?;
        self.append_dim_alloc(&weighted)?;
        let daily = self.gateway_weighted(&by_gateway)?;
        self.append_dim_alloc(&daily)?;
        Ok(fixed.len() + weighted.len() + daily.len())
    }

    fn append_dim_alloc(&self, rows: &[DimAlloc]) -> Result<(), StoreError> {
        let c = self.conn();
        c.execute_batch("DELETE FROM dim_alloc_stage")?;
        let mut app = c.appender_to_catalog_and_db("dim_alloc_stage", "temp", "main")?;
        for r in rows {
            app.append_row(params![
                r.dim_key,
                r.month,
                r.day,
                r.use_case,
                r.share.to_string(),
                r.category.as_str(),
                r.gateway_basis
            ])?;
        }
        app.flush()?;
        drop(app);
        c.execute_batch(
            "INSERT INTO dim_alloc SELECT x_DimKey, month, day, use_case, CAST(share AS DECIMAL(7, 6)), category, gateway_basis FROM dim_alloc_stage",
        )?;
        Ok(())
    }

    /// Per-month shares of the dimensions that split by usage.
    fn usage_weighted(
        &self,
        dims: &[(String, Category, SplitBy, Vec<String>)],
    ) -> Result<Vec<DimAlloc>, StoreError> {
        if dims.is_empty() {
            return Ok(Vec::new());
        }
        let c = self.conn();
        let mut weights: HashMap<(String, String), (Decimal, Decimal)> = HashMap::new();
        let mut stmt = c.prepare_cached(queries::USAGE_WEIGHTS)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Decimal>(2)?,
                r.get::<_, Decimal>(3)?,
            ))
        })?;
        for row in rows {
            let (month, uc, tokens, requests) = row?;
            weights.insert((month, uc), (tokens, requests));
        }
        c.execute_batch("CREATE OR REPLACE TEMP TABLE weighted_dims (x_DimKey VARCHAR)")?;
        let mut app = c.appender_to_catalog_and_db("weighted_dims", "temp", "main")?;
        for (key, ..) in dims {
            app.append_row(params![key])?;
        }
        app.flush()?;
        drop(app);
        let by_key: HashMap<&str, &(String, Category, SplitBy, Vec<String>)> =
            dims.iter().map(|d| (d.0.as_str(), d)).collect();
        let mut out = Vec::new();
        let mut stmt = c.prepare_cached(queries::WEIGHTED_MONTHS)?;
        let pairs = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for pair in pairs {
            let (key, month) = pair?;
            let Some((_, category, by, use_cases)) = by_key.get(key.as_str()) else {
                continue;
            };
            let w: BTreeMap<String, Decimal> = use_cases
                .iter()
                .map(|u| {
                    let (tokens, requests) = weights
                        .get(&(month.clone(), u.clone()))
                        .copied()
                        .unwrap_or_default();
                    (
                        u.clone(),
                        if *by == SplitBy::Tokens {
                            tokens
                        } else {
                            requests
                        },
                    )
                })
                .collect();
            out.extend(exact_shares(&w).into_iter().map(|s| DimAlloc {
                dim_key: key.clone(),
                month: Some(month.clone()),
                day: None,
                use_case: s.use_case,
                share: s.share,
                category: *category,
                gateway_basis: None,
            }));
        }
        c.execute_batch("DROP TABLE weighted_dims")?;
        Ok(out)
    }

    pub fn dimensions(&self) -> Result<Vec<Dimension>, StoreError> {
        let mut stmt = self.conn().prepare_cached(queries::DIMENSIONS)?;
        let rows = stmt.query_map([], |r| {
            Ok(Dimension {
                dim_key: r.get(0)?,
                source: r.get(1)?,
                provider: r.get(2)?,
                service: r.get(3)?,
                service_category: r.get(4)?,
                service_subcategory: r.get(5)?,
                sub_account_id: r.get(6)?,
                sub_account_name: r.get(7)?,
                api_key_id: r.get(8)?,
                api_key_name: r.get(9)?,
                model: r.get(10)?,
                tags: r.get(11)?,
                pricing_category: r.get(12)?,
                sku_id: r.get(13)?,
                sku_price_details: r.get(14)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

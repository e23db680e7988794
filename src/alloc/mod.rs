//! Allocation: every ledger row's cost goes to use cases (by the first matching rule, split by
//! fixed shares where a rule says so) or to `unallocated`, and to one category.
//!
//! Rules are evaluated once per distinct *dimension* (source, provider, service, sub-account,
//! key, model, tags, ...), not per row: the result is a small table `dim_alloc(x_DimKey,
//! use_case, share, category)` that reports join. Shares of a dimension add up to exactly 1,
//! so use-case totals + unallocated = ledger total to the last digit. Rules apply retroactively:
//! the table is rebuilt from the config each time.

mod category;
mod rules;

use duckdb::params;
use rust_decimal::Decimal;

use crate::config::{Category, Config};
use crate::store::{sql, Store, StoreError};

pub use category::default_category;
pub use rules::{allocate, matches, Share};

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
}

/// One row of `dim_alloc`.
#[derive(Debug, Clone, PartialEq)]
pub struct DimAlloc {
    pub dim_key: String,
    pub use_case: Option<String>,
    pub share: Decimal,
    pub category: Category,
}

impl Store {
    /// Rebuilds the `dim_alloc` temp table from the ledger's dimensions and `config`.
    pub fn refresh_allocation(&self, config: &Config) -> Result<usize, StoreError> {
        let dims = self.dimensions()?;
        let rows: Vec<DimAlloc> = dims
            .iter()
            .flat_map(|d| {
                let category = category::category(config, d);
                allocate(config, d).into_iter().map(move |s| DimAlloc {
                    dim_key: d.dim_key.clone(),
                    use_case: s.use_case,
                    share: s.share,
                    category,
                })
            })
            .collect();
        let c = self.conn();
        c.execute_batch(sql::DIM_ALLOC_TABLE)?;
        let mut app = c.appender_to_catalog_and_db("dim_alloc_stage", "temp", "main")?;
        for r in &rows {
            app.append_row(params![
                r.dim_key,
                r.use_case,
                r.share.to_string(),
                r.category.as_str()
            ])?;
        }
        app.flush()?;
        drop(app);
        c.execute_batch(
            "INSERT INTO dim_alloc SELECT x_DimKey, use_case, CAST(share AS DECIMAL(7, 6)), category FROM dim_alloc_stage; DROP TABLE dim_alloc_stage;",
        )?;
        Ok(rows.len())
    }

    pub fn dimensions(&self) -> Result<Vec<Dimension>, StoreError> {
        let mut stmt = self.conn().prepare(sql::DIMENSIONS)?;
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
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

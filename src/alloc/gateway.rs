//! `split_by = "gateway"`: a rule's billed cost split each day among use cases by their share
//! of the gateway-captured cost (the proxy's request records, `gateway_daily`) for the same
//! provider and model, and the same key where a record's `key_hint` matches the bill's key.
//!
//! For each dimension the rule matches and each day it has ledger rows:
//! - records of that day whose provider equals the dimension's and whose model is the
//!   dimension's (or a dated snapshot of it, or it of theirs; a dimension without a model takes
//!   every model of the provider); among those, if some record's key_hint matches the
//!   dimension's key (its id or name, `...` read as `…`), only the matching ones count;
//! - weights are the priced records' cost per use case; records without a use case, or of a
//!   use case the rule does not list in `use_cases`, weigh for unallocated;
//! - shares are rounded by [`super::exact_shares_of`] (6 decimals, the last takes the
//!   remainder), so the day's parts add up to the day's cost exactly;
//! - a day without such records (or without priced cost) goes wholly to the rule's fallback:
//!   its `use_case`, else unallocated. Each day row says which (`gateway_basis`).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{exact_shares_of, DimAlloc, Dimension};
use crate::config::Category;
use crate::store::{queries, Store, StoreError};

/// A dimension split by gateway data: the rule's receivers and fallback.
#[derive(Debug, Clone)]
pub struct GatewayDim {
    pub dim: Dimension,
    pub category: Category,
    pub use_cases: Option<Vec<String>>,
    pub fallback: Option<String>,
}

/// One row of the gateway weights: a day's captured cost for one attribution.
#[derive(Debug, Clone)]
struct Captured {
    provider: String,
    model: Option<String>,
    key_hint: Option<String>,
    use_case: Option<String>,
    cost: Decimal,
}

/// `gateway_basis` of a day split by gateway shares.
pub const SPLIT: &str = "split";
/// `gateway_basis` of a day without gateway data.
pub const FALLBACK: &str = "fallback";

impl Store {
    /// Per-day shares of the dimensions that split by gateway data.
    pub(super) fn gateway_weighted(
        &self,
        dims: &[GatewayDim],
    ) -> Result<Vec<DimAlloc>, StoreError> {
        if dims.is_empty() {
            return Ok(Vec::new());
        }
        let c = self.conn();
        let mut by_day: HashMap<NaiveDate, Vec<Captured>> = HashMap::new();
        let mut stmt = c.prepare_cached(queries::GATEWAY_WEIGHTS)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, NaiveDate>(0)?,
                Captured {
                    provider: r.get(1)?,
                    model: r.get(2)?,
                    key_hint: r.get(3)?,
                    use_case: r.get(4)?,
                    cost: r.get(5)?,
                },
            ))
        })?;
        for row in rows {
            let (day, captured) = row?;
            by_day.entry(day).or_default().push(captured);
        }
        c.execute_batch("CREATE OR REPLACE TEMP TABLE weighted_dims (x_DimKey VARCHAR)")?;
        let mut app = c.appender_to_catalog_and_db("weighted_dims", "temp", "main")?;
        for d in dims {
            app.append_row([&d.dim.dim_key])?;
        }
        app.flush()?;
        drop(app);
        let by_key: HashMap<&str, &GatewayDim> =
            dims.iter().map(|d| (d.dim.dim_key.as_str(), d)).collect();
        let mut out = Vec::new();
        let mut stmt = c.prepare_cached(queries::WEIGHTED_DAYS)?;
        let pairs = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, NaiveDate>(1)?))
        })?;
        for pair in pairs {
            let (key, day) = pair?;
            let Some(g) = by_key.get(key.as_str()) else {
                continue;
            };
            let weights = weights(g, by_day.get(&day).map_or(&[][..], Vec::as_slice));
            let (shares, basis) = if weights.values().any(|w| *w > Decimal::ZERO) {
                (exact_shares_of(&weights), SPLIT)
            } else {
                (
                    vec![super::Share {
                        use_case: g.fallback.clone(),
                        share: Decimal::ONE,
                    }],
                    FALLBACK,
                )
            };
            out.extend(shares.into_iter().map(|s| DimAlloc {
                dim_key: key.clone(),
                month: None,
                day: Some(day),
                use_case: s.use_case,
                share: s.share,
                category: g.category,
                gateway_basis: Some(basis),
            }));
        }
        c.execute_batch("DROP TABLE weighted_dims")?;
        Ok(out)
    }
}

/// The day's captured cost per receiving use case (None: unallocated) for dimension `g`.
fn weights(g: &GatewayDim, day: &[Captured]) -> BTreeMap<Option<String>, Decimal> {
    let same: Vec<&Captured> = day
        .iter()
        .filter(|c| c.provider.eq_ignore_ascii_case(&g.dim.provider))
        .filter(|c| model_matches(g.dim.model.as_deref(), c.model.as_deref()))
        .collect();
    let keyed: Vec<&Captured> = same
        .iter()
        .copied()
        .filter(|c| {
            c.key_hint
                .as_deref()
                .is_some_and(|h| key_matches(h, &g.dim))
        })
        .collect();
    let counted = if keyed.is_empty() { same } else { keyed };
    let mut out: BTreeMap<Option<String>, Decimal> = BTreeMap::new();
    for c in counted {
        let receiver = c.use_case.clone().filter(|u| {
            g.use_cases
                .as_ref()
                .is_none_or(|list| list.iter().any(|l| l == u))
        });
        *out.entry(receiver).or_default() += c.cost;
    }
    out
}

/// The bill's model and a record's: equal, or one a dated snapshot of the other
/// (`gpt-4o` / `gpt-4o-2024-08-06`). A bill line without a model takes every model.
pub fn model_matches(billed: Option<&str>, recorded: Option<&str>) -> bool {
    match (billed, recorded) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(b), Some(r)) => b == r || snapshot_of(r, b) || snapshot_of(b, r),
    }
}

/// `name` is `model` with a snapshot date appended (`prices::is_snapshot_suffix`).
fn snapshot_of(name: &str, model: &str) -> bool {
    name.strip_prefix(model)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(crate::prices::is_snapshot_suffix)
}

/// Whether a record's key hint (`sk-…abcd`) is the dimension's key: its id or name written
/// the same way (`...` read as `…`).
pub fn key_matches(hint: &str, dim: &Dimension) -> bool {
    let norm = |s: &str| s.replace("...", "…");
    let hint = norm(hint);
    [dim.api_key_id.as_deref(), dim.api_key_name.as_deref()]
        .into_iter()
        .flatten()
        .any(|k| norm(k) == hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn captured(model: &str, key: Option<&str>, uc: Option<&str>, cost: i64) -> Captured {
        Captured {
            provider: "OpenAI".into(),
            model: Some(model.into()),
            key_hint: key.map(str::to_string),
            use_case: uc.map(str::to_string),
            cost: Decimal::new(cost, 2),
        }
    }

    fn dim(model: Option<&str>, key: Option<&str>) -> GatewayDim {
        GatewayDim {
            dim: Dimension {
                provider: "OpenAI".into(),
                model: model.map(str::to_string),
                api_key_id: key.map(str::to_string),
                ..Default::default()
            },
            category: Category::LlmApi,
            use_cases: None,
            fallback: None,
        }
    }

    #[test]
    fn models_match_exactly_or_as_dated_snapshots() {
        assert!(model_matches(Some("gpt-4o"), Some("gpt-4o-2024-08-06")));
        assert!(model_matches(Some("gpt-4o-2024-08-06"), Some("gpt-4o")));
        assert!(!model_matches(Some("gpt-4o"), Some("gpt-4o-mini")));
        assert!(!model_matches(
            Some("claude-haiku-4"),
            Some("claude-haiku-4-5")
        ));
        assert!(!model_matches(Some("gpt-4"), Some("gpt-4o")));
        assert!(model_matches(None, Some("anything")));
        assert!(!model_matches(Some("gpt-4o"), None));
    }

    #[test]
    fn a_matching_key_narrows_the_records_and_unlisted_use_cases_weigh_for_unallocated() {
        let day = [
            captured("gpt-4o", Some("sk-…AAAA"), Some("a"), 300),
            captured("gpt-4o", Some("sk-…BBBB"), Some("b"), 100),
            captured("gpt-4o", Some("sk-…AAAA"), None, 100),
            captured("gpt-4o-mini", Some("sk-…AAAA"), Some("b"), 999),
        ];
        let keyed = weights(&dim(Some("gpt-4o"), Some("sk-...AAAA")), &day);
        assert_eq!(
            keyed.into_iter().collect::<Vec<_>>(),
            vec![
                (None, Decimal::new(100, 2)),
                (Some("a".into()), Decimal::new(300, 2))
            ]
        );
        let mut listed = dim(Some("gpt-4o"), Some("key_other"));
        listed.use_cases = Some(vec!["b".into()]);
        let w = weights(&listed, &day);
        assert_eq!(w.get(&None), Some(&Decimal::new(400, 2)));
        assert_eq!(w.get(&Some("b".into())), Some(&Decimal::new(100, 2)));
    }
}

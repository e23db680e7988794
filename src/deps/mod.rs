//! Dependencies (C10): every AI item a use case relies on — use case x provider x item (the
//! model, else the resource, else the service) — derived from the ledger, with its allocated
//! spend over the 30 days ending today, and its latest review (`waste`, `convenience`,
//! `load-bearing`). Reviews are appended to `dependency_reviews` and never rewritten; the latest
//! wins.
//!
//! Spend no rule allocates is not a dependency but a gap in the rules: it is reported apart
//! ([`Unallocated`], with the provider and item of each part), is never a waste candidate and
//! cannot be reviewed. Totals per class (and `untagged`) plus the unallocated spend add up to
//! the 30-day spend to the cent.
//!
//! Waste candidates: dependencies with spend in the window and either no outcome (the use case
//! has no outcome metric configured, or no value above zero for it in the latest complete
//! month), or no usage (no requests or tokens in the window from an item that reported them
//! before — infrastructure billed without request counts is not flagged on that ground).

mod suggest;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{Days, NaiveDate, NaiveDateTime};
use duckdb::params;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

use crate::config::Config;
use crate::money::{self, cents_summing_to, serialize_usd};
use crate::month::Month;
use crate::store::queries;
use crate::store::{Store, StoreError};

pub use suggest::close_matches;

/// Days of spend shown per dependency, ending today.
pub const WINDOW_DAYS: u32 = 30;
/// The use case of rows no rule allocates.
pub const UNALLOCATED: &str = "unallocated";

/// A review's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DepClass {
    LoadBearing,
    Convenience,
    Waste,
}

impl DepClass {
    pub const ALL: [DepClass; 3] = [
        DepClass::LoadBearing,
        DepClass::Convenience,
        DepClass::Waste,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DepClass::LoadBearing => "load-bearing",
            DepClass::Convenience => "convenience",
            DepClass::Waste => "waste",
        }
    }
}

impl fmt::Display for DepClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DepClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DepClass::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| format!("'{s}' is not a class; use waste, convenience or load-bearing"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DepsError {
    #[error("no dependency '{key}'{}; `tollgate deps list` shows every key", hint(.suggestions))]
    UnknownKey {
        key: String,
        suggestions: Vec<String>,
    },
    #[error("the reviewer is empty; pass --by WHO (or set $USER or $LOGNAME)")]
    NoReviewer,
    #[error(
        "'{0}' is spend no rule allocates, not a dependency: add a rule to the config that \
         allocates it to a use case (then review the use case's dependency)"
    )]
    Unallocated(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<duckdb::Error> for DepsError {
    fn from(e: duckdb::Error) -> Self {
        DepsError::Store(StoreError::Db(e))
    }
}

fn hint(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", suggestions.join(", "))
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DepsReport {
    pub as_of: NaiveDate,
    /// The window, both ends inclusive: the `WINDOW_DAYS` days ending `as_of`.
    pub window_start: NaiveDate,
    pub window_end: NaiveDate,
    /// The month whose outcome values decide "no outcome".
    pub outcome_month: Month,
    /// Every dollar of the window: the dependencies' and the unallocated spend.
    #[serde(serialize_with = "serialize_usd")]
    pub total_30d: Decimal,
    /// Per class in `load-bearing, convenience, waste, untagged` order, in cents; with
    /// `unallocated.cost_30d` they add up to `total_30d`.
    pub totals: Vec<ClassTotal>,
    /// Spend no rule allocates (not a dependency).
    pub unallocated: Unallocated,
    /// Largest 30-day spend first; allocated spend only.
    pub dependencies: Vec<Dependency>,
}

/// The window's spend that no rule allocates: a gap in the rules, to close with a rule.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Unallocated {
    /// In cents, so that the class totals and this add up to `total_30d`.
    #[serde(serialize_with = "serialize_usd")]
    pub cost_30d: Decimal,
    /// What to do about it.
    pub action: String,
    /// By provider and item, largest first, in cents adding up to `cost_30d`.
    pub items: Vec<UnallocatedItem>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnallocatedItem {
    pub provider: String,
    pub item: String,
    #[serde(serialize_with = "serialize_usd")]
    pub cost_30d: Decimal,
}

impl Unallocated {
    /// Its largest `n` parts, `OpenAI/gpt-5.5 $521.58, ... and 3 more`.
    pub fn largest(&self, n: usize) -> String {
        let mut parts: Vec<String> = self
            .items
            .iter()
            .take(n)
            .map(|i| format!("{}/{} {}", i.provider, i.item, money::usd(i.cost_30d)))
            .collect();
        if self.items.len() > n {
            parts.push(format!("and {} more", self.items.len() - n));
        }
        parts.join(", ")
    }
}

/// What to do about unallocated spend, as every view says it.
pub const ADD_A_RULE: &str = "add a rule";

impl DepsReport {
    pub fn waste_candidates(&self) -> impl Iterator<Item = &Dependency> {
        self.dependencies.iter().filter(|d| d.waste_candidate)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClassTotal {
    /// A class, or `untagged`.
    pub class: String,
    #[serde(serialize_with = "serialize_usd")]
    pub cost_30d: Decimal,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dependency {
    /// `{use_case}/{provider}/{item}`.
    pub key: String,
    pub use_case: String,
    pub provider: String,
    pub item: String,
    /// In cents, rounded with every other dependency and the unallocated spend so that they
    /// add up to `total_30d` (and each class to its total).
    #[serde(serialize_with = "serialize_usd")]
    pub cost_30d: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub requests_30d: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub tokens_30d: Decimal,
    pub has_outcome: bool,
    pub class: Option<DepClass>,
    pub note: Option<String>,
    pub reviewer: Option<String>,
    #[serde(serialize_with = "serialize_opt_time")]
    pub reviewed_at: Option<NaiveDateTime>,
    pub waste_candidate: bool,
    /// Why it is a waste candidate: "no outcome", "no requests or tokens in 30 days".
    pub waste_reasons: Vec<String>,
}

/// One row of `dependency_reviews`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Review {
    pub key: String,
    pub class: String,
    pub note: Option<String>,
    pub reviewer: String,
    #[serde(serialize_with = "serialize_time")]
    pub reviewed_at: NaiveDateTime,
}

/// Timestamps are UTC: `2026-11-20T10:30:00Z`.
pub fn format_time(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn serialize_time<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_time(t))
}

fn serialize_opt_time<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => serialize_time(t, s),
        None => s.serialize_none(),
    }
}

/// The dependencies as of `today`. Refreshes the allocation from `config`.
pub fn list(store: &Store, config: &Config, today: NaiveDate) -> Result<DepsReport, StoreError> {
    store.refresh_allocation(config)?;
    let window_start = today
        .checked_sub_days(Days::new(u64::from(WINDOW_DAYS - 1)))
        .unwrap_or(today);
    let window_end = today.checked_add_days(Days::new(1)).unwrap_or(today);
    let outcome_month = Month::of(today).prev();
    let outcomes = store
        .outcome_values(config, Some(outcome_month))?
        .remove(&outcome_month)
        .unwrap_or_default();
    let has_outcome = |uc: &str| {
        config
            .use_case(uc)
            .and_then(|u| u.metric())
            .and_then(|m| outcomes.get(&(uc.to_string(), m.to_string())))
            .is_some_and(|v| *v > Decimal::ZERO)
    };
    let reviews = latest_reviews(store)?;

    let mut stmt = store.conn().prepare_cached(queries::DEPS_USAGE)?;
    let rows = stmt.query_map(params![window_start, window_end, window_end], |r| {
        Ok((
            [
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ],
            [
                r.get::<_, Decimal>(3)?,
                r.get::<_, Decimal>(4)?,
                r.get::<_, Decimal>(5)?,
            ],
            r.get::<_, bool>(6)?,
            r.get::<_, bool>(7)?,
        ))
    })?;
    let mut deps = Vec::new();
    let mut unallocated = Vec::new();
    let mut seen = HashSet::new();
    for row in rows {
        let ([use_case, provider, item], [cost, requests, tokens], in_window, used_ever) = row?;
        if use_case == UNALLOCATED {
            if in_window && !cost.is_zero() {
                unallocated.push(UnallocatedItem {
                    provider,
                    item,
                    cost_30d: cost,
                });
            }
            continue;
        }
        let key = format!("{use_case}/{provider}/{item}");
        let review = reviews.get(&key);
        if !in_window && review.is_none() {
            continue;
        }
        let (cost_30d, requests_30d, tokens_30d) = (cost, requests, tokens);
        let outcome = has_outcome(&use_case);
        let mut waste_reasons = Vec::new();
        if cost_30d > Decimal::ZERO {
            if !outcome {
                waste_reasons.push("no outcome".to_string());
            }
            if used_ever && requests_30d.is_zero() && tokens_30d.is_zero() {
                waste_reasons.push(format!("no requests or tokens in {WINDOW_DAYS} days"));
            }
        }
        seen.insert(key.clone());
        deps.push(Dependency {
            key,
            use_case,
            provider,
            item,
            cost_30d,
            requests_30d: requests_30d.round_dp(2).normalize(),
            tokens_30d: tokens_30d.round_dp(2).normalize(),
            has_outcome: outcome,
            class: review.and_then(|r| r.class.parse().ok()),
            note: review.and_then(|r| r.note.clone()),
            reviewer: review.map(|r| r.reviewer.clone()),
            reviewed_at: review.map(|r| r.reviewed_at),
            waste_candidate: !waste_reasons.is_empty(),
            waste_reasons,
        });
    }
    // Reviewed keys the ledger no longer has (e.g. after a rule change) stay visible at $0;
    // reviews of unallocated spend (possible before it was set apart) are not dependencies.
    for (key, r) in &reviews {
        if seen.contains(key) || is_unallocated(key) {
            continue;
        }
        let mut parts = key.splitn(3, '/');
        let (uc, provider, item) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        deps.push(Dependency {
            key: key.clone(),
            use_case: uc.to_string(),
            provider: provider.to_string(),
            item: item.to_string(),
            cost_30d: Decimal::ZERO,
            requests_30d: Decimal::ZERO,
            tokens_30d: Decimal::ZERO,
            has_outcome: has_outcome(uc),
            class: r.class.parse().ok(),
            note: r.note.clone(),
            reviewer: Some(r.reviewer.clone()),
            reviewed_at: Some(r.reviewed_at),
            waste_candidate: false,
            waste_reasons: Vec::new(),
        });
    }
    deps.sort_by(|a, b| b.cost_30d.cmp(&a.cost_30d).then(a.key.cmp(&b.key)));
    unallocated.sort_by(|a, b| {
        (b.cost_30d.cmp(&a.cost_30d))
            .then_with(|| (&a.provider, &a.item).cmp(&(&b.provider, &b.item)))
    });
    // Every line in cents, rounded together so that the dependencies and the unallocated
    // spend add up to the total, and so does every sum of them (the class totals).
    let unallocated_exact: Decimal = unallocated.iter().map(|u| u.cost_30d).sum();
    let mut exact: Vec<Decimal> = deps.iter().map(|d| d.cost_30d).collect();
    exact.push(unallocated_exact);
    let total: Decimal = exact.iter().copied().sum();
    let mut rounded = cents_summing_to(&exact, total);
    let unallocated_30d = rounded.pop().unwrap_or_default();
    for (d, cost) in deps.iter_mut().zip(rounded) {
        d.cost_30d = cost;
    }
    let parts: Vec<Decimal> = unallocated.iter().map(|u| u.cost_30d).collect();
    for (u, cost) in unallocated
        .iter_mut()
        .zip(cents_summing_to(&parts, unallocated_30d))
    {
        u.cost_30d = cost;
    }
    let classes: Vec<Option<DepClass>> = DepClass::ALL
        .into_iter()
        .map(Some)
        .chain(std::iter::once(None))
        .collect();
    let totals = classes
        .iter()
        .map(|c| {
            let of_class = || deps.iter().filter(|d| d.class == *c);
            ClassTotal {
                class: c.map(DepClass::as_str).unwrap_or("untagged").to_string(),
                cost_30d: of_class().map(|d| d.cost_30d).sum(),
                count: of_class().count(),
            }
        })
        .collect();
    Ok(DepsReport {
        as_of: today,
        window_start,
        window_end: today,
        outcome_month,
        total_30d: money::cents(total),
        totals,
        unallocated: Unallocated {
            cost_30d: unallocated_30d,
            action: ADD_A_RULE.to_string(),
            items: unallocated,
        },
        dependencies: deps,
    })
}

/// Appends a review of `key`. The key must be one the ledger has (under the allocation last
/// built by [`list`] or [`Store::refresh_allocation`]) or one already reviewed; otherwise the
/// error suggests close matches.
pub fn tag(
    store: &Store,
    key: &str,
    class: DepClass,
    note: Option<&str>,
    by: &str,
    now: NaiveDateTime,
) -> Result<Review, DepsError> {
    if is_unallocated(key) {
        return Err(DepsError::Unallocated(key.to_string()));
    }
    check_key(store, key)?;
    let by = by.trim();
    if by.is_empty() {
        return Err(DepsError::NoReviewer);
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    store.conn().execute(
        queries::DEPS_INSERT_REVIEW,
        params![key, class.as_str(), note, by, now],
    )?;
    Ok(Review {
        key: key.to_string(),
        class: class.as_str().to_string(),
        note: note.map(str::to_string),
        reviewer: by.to_string(),
        reviewed_at: now,
    })
}

/// Every review of `key`, oldest first. Unknown keys are an error, as for [`tag`].
pub fn history(store: &Store, key: &str) -> Result<Vec<Review>, DepsError> {
    check_key(store, key)?;
    let mut stmt = store.conn().prepare_cached(queries::DEPS_HISTORY)?;
    let rows = stmt.query_map([key], review_from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Every dependency key the ledger has had, and every reviewed one (unallocated spend is not
/// a dependency, so its keys are not among them).
pub fn known_keys(store: &Store) -> Result<Vec<String>, StoreError> {
    let mut stmt = store.conn().prepare_cached(queries::DEPS_KNOWN_KEYS)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let keys = rows.collect::<Result<Vec<_>, _>>()?;
    Ok(keys.into_iter().filter(|k| !is_unallocated(k)).collect())
}

/// Whether `key` names unallocated spend (`unallocated/...`), which is not a dependency.
fn is_unallocated(key: &str) -> bool {
    key.split('/').next() == Some(UNALLOCATED)
}

fn check_key(store: &Store, key: &str) -> Result<(), DepsError> {
    let keys = known_keys(store)?;
    if keys.iter().any(|k| k == key) {
        return Ok(());
    }
    Err(DepsError::UnknownKey {
        key: key.to_string(),
        suggestions: close_matches(key, &keys, 3),
    })
}

fn latest_reviews(store: &Store) -> Result<HashMap<String, Review>, StoreError> {
    let mut stmt = store.conn().prepare_cached(queries::DEPS_REVIEWS_LATEST)?;
    let rows = stmt.query_map([], review_from_row)?;
    let mut out = HashMap::new();
    for r in rows {
        let r = r?;
        out.insert(r.key.clone(), r);
    }
    Ok(out)
}

fn review_from_row(r: &duckdb::Row<'_>) -> duckdb::Result<Review> {
    Ok(Review {
        key: r.get(0)?,
        class: r.get(1)?,
        note: r.get(2)?,
        reviewer: r.get(3)?,
        reviewed_at: r.get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_parse() {
        assert_eq!("load-bearing".parse(), Ok(DepClass::LoadBearing));
        assert!("keep".parse::<DepClass>().is_err());
    }
}

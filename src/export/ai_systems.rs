//! ai_systems.csv: the EU AI Act deployer's inventory of the AI systems in use in the month.
//! A system is a use case x provider x model; it is in use when the bill charged it in the
//! month (allocated spend on rows with a model) or the gateway recorded a request of it. Each
//! row says where it came from (`seen_in`: `bill`, `gateway` or `bill+gateway`): a system only
//! on the bill has `requests` blank (unknown, not 0), one only the gateway saw has `spend_usd`
//! blank (the bill is the cost of record). First and last seen cover every day up to the
//! month's end, so a pack stays reproducible. Purpose, owner, kind and audience come from the
//! use case's config; `end_users_pseudonymised` is `yes` for traffic through the gateway (it
//! replaces user ids with HMAC pseudonyms) and `unknown` otherwise; `content_stored` is always
//! `no`: tollgate stores neither prompts nor completions.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use duckdb::params;
use rust_decimal::Decimal;

use super::csv_files::{opt, plain, table};
use super::data::PackData;
use super::ExportError;
use crate::config::Config;
use crate::month::Month;
use crate::store::{queries, Store};

pub const NAME: &str = "ai_systems.csv";

#[derive(Debug, Clone, PartialEq)]
pub struct AiSystem {
    /// None: no rule or header gives it a use case.
    pub use_case: Option<String>,
    pub provider: String,
    pub model: String,
    pub first_seen: NaiveDate,
    pub last_seen: NaiveDate,
    /// Gateway requests in the month; None when the gateway never saw it in the month.
    pub requests: Option<i64>,
    /// Allocated billed cost in the month, to the cent; None when it is not on the bill.
    pub spend: Option<Decimal>,
}

impl AiSystem {
    pub fn seen_in(&self) -> &'static str {
        match (self.spend.is_some(), self.requests.is_some()) {
            (true, true) => "bill+gateway",
            (false, true) => "gateway",
            _ => "bill",
        }
    }
}

type Key = (Option<String>, String, String);

/// The systems in use in `month`, by use case (unallocated last), provider and model.
pub fn gather(store: &Store, config: &Config, month: Month) -> Result<Vec<AiSystem>, ExportError> {
    store.refresh_allocation(config)?;
    let (start, end) = month.bounds();
    let mut out: BTreeMap<Key, AiSystem> = BTreeMap::new();
    let mut stmt = store.conn().prepare(queries::EXPORT_AI_SYSTEMS_BILL)?;
    let rows = stmt.query_map(params![start, end, start], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Decimal>(3)?,
            r.get::<_, NaiveDate>(4)?,
            r.get::<_, NaiveDate>(5)?,
        ))
    })?;
    for row in rows {
        let (use_case, provider, model, spend, first_seen, last_seen) = row?;
        out.insert(
            (use_case.clone(), provider.clone(), model.clone()),
            AiSystem {
                use_case,
                provider,
                model,
                first_seen,
                last_seen,
                requests: None,
                spend: Some(crate::money::cents(spend)),
            },
        );
    }
    let (day0, day1) = (month.first_day(), month.next().first_day());
    let mut stmt = store.conn().prepare(queries::EXPORT_AI_SYSTEMS_GATEWAY)?;
    let rows = stmt.query_map(params![day0, day1, day0], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, NaiveDate>(4)?,
            r.get::<_, NaiveDate>(5)?,
        ))
    })?;
    for row in rows {
        let (use_case, provider, model, requests, first, last) = row?;
        let key = (use_case.clone(), provider.clone(), model.clone());
        let s = out.entry(key).or_insert(AiSystem {
            use_case,
            provider,
            model,
            first_seen: first,
            last_seen: last,
            requests: None,
            spend: None,
        });
        s.requests = Some(requests);
        s.first_seen = s.first_seen.min(first);
        s.last_seen = s.last_seen.max(last);
    }
    // Allocated systems first (by id), unallocated last.
    let mut list: Vec<AiSystem> = out.into_values().collect();
    list.sort_by_key(|s| s.use_case.is_none());
    Ok(list)
}

pub fn csv(d: &PackData) -> String {
    let rows = d
        .ai_systems
        .iter()
        .map(|s| {
            let uc = s.use_case.as_deref();
            let cfg = uc.and_then(|id| d.config_use_case(id));
            vec![
                d.month.to_string(),
                uc.unwrap_or(crate::deps::UNALLOCATED).to_string(),
                uc.map(|id| d.name_of(id).to_string()).unwrap_or_default(),
                opt(cfg.and_then(|u| u.owner.clone())),
                cfg.map(|u| u.kind.as_str()).unwrap_or("").to_string(),
                s.provider.clone(),
                s.model.clone(),
                opt(cfg.and_then(|u| u.audience).map(|a| a.as_str())),
                s.first_seen.to_string(),
                s.last_seen.to_string(),
                opt(s.requests),
                opt(s.spend.map(plain)),
                if s.requests.is_some() {
                    "yes"
                } else {
                    "unknown"
                }
                .to_string(),
                "no".to_string(),
                s.seen_in().to_string(),
            ]
        })
        .collect();
    table(
        &[
            "month",
            "use_case",
            "purpose",
            "owner",
            "kind",
            "provider",
            "model",
            "audience",
            "first_seen",
            "last_seen",
            "requests",
            "spend_usd",
            "end_users_pseudonymised",
            "content_stored",
            "seen_in",
        ],
        rows,
    )
}

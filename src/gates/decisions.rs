//! Decisions on breaches and the audit log they make. The log is append-only: this file inserts
//! into `gate_decisions` and `gate_baselines` and never updates or deletes them.
//!
//! Besides breaches, `paused` and `resumed` may target a use case directly
//! (`use-case:ID`, [`decide_use_case`]): such a row has the gate column `use-case`, the month
//! the decision was taken in, and value and threshold 0 (there is no breach to quote).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use duckdb::params;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Breach, Gate, GateError, GateReport};
use crate::config::Config;
use crate::money;
use crate::month::Month;
use crate::store::queries;
use crate::store::{Store, StoreError};

/// What was decided on a breach (docs/CONTRACTS.md, "Gates").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Acknowledged,
    ReJustified,
    Paused,
    Resumed,
    Approved,
}

impl Decision {
    pub const ALL: [Decision; 5] = [
        Decision::Acknowledged,
        Decision::ReJustified,
        Decision::Paused,
        Decision::Resumed,
        Decision::Approved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Acknowledged => "acknowledged",
            Decision::ReJustified => "re-justified",
            Decision::Paused => "paused",
            Decision::Resumed => "resumed",
            Decision::Approved => "approved",
        }
    }

    /// Pausing and resuming act on a use case, so they only apply to G1 and G2.
    pub fn applies_to(self, gate: Gate) -> bool {
        match self {
            Decision::Paused | Decision::Resumed => matches!(gate, Gate::G1 | Gate::G2),
            _ => true,
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Decision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decision::ALL
            .into_iter()
            .find(|d| d.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<_> = Decision::ALL.iter().map(|d| d.as_str()).collect();
                format!("'{s}' is not a decision; use one of {}", names.join(", "))
            })
    }
}

/// The breach-id prefix of a decision on a use case itself.
pub const USE_CASE_TARGET: &str = "use-case:";
/// The gate column of a decision on a use case itself.
const USE_CASE_GATE: &str = "use-case";

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRecord {
    pub id: i64,
    pub breach_id: String,
    /// `None` for a decision on a use case itself (`use-case:ID`).
    pub gate: Option<Gate>,
    pub subject: String,
    pub month: Month,
    pub decision: Decision,
    pub by: String,
    pub note: Option<String>,
    pub decided_at: NaiveDateTime,
    /// The breach's value and threshold when the decision was taken.
    #[serde(serialize_with = "super::serialize_cents")]
    pub value: Decimal,
    #[serde(serialize_with = "super::serialize_cents")]
    pub threshold: Decimal,
}

/// A G3 baseline set by an approval: months from `effective_from` on are judged against it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovedBaseline {
    pub effective_from: Month,
    pub usd: Decimal,
    pub decision_id: i64,
}

/// Appends `decision` on the breach `id` of `report` to the audit log, with who, when and a
/// note, and returns the new log row. An `approved` decision on a G3 breach also sets that
/// breach's value as the approved baseline from the month after it. The breach is looked up in
/// `report` (what the user was shown), so its value and threshold are recorded as seen.
pub fn decide(
    store: &Store,
    report: &GateReport,
    id: &str,
    decision: Decision,
    by: &str,
    note: Option<&str>,
    now: NaiveDateTime,
) -> Result<DecisionRecord, GateError> {
    let by = by.trim();
    if by.is_empty() {
        return Err(GateError::NoDecider);
    }
    let breach = report.find(id).ok_or_else(|| GateError::UnknownBreach {
        id: id.to_string(),
        as_of: report.as_of,
    })?;
    if !decision.applies_to(breach.gate) {
        return Err(GateError::NotApplicable {
            decision,
            gate: breach.gate,
        });
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let mut rec = record(breach, 0, decision, by, note, now);
    rec.id = store.in_transaction(|c| -> Result<i64, StoreError> {
        let new_id = insert(c, &rec)?;
        if breach.gate == Gate::G3 && decision == Decision::Approved {
            c.execute(
                queries::GATES_BASELINE_INSERT,
                params![
                    breach.month.next().to_string(),
                    rec.value.to_string(),
                    new_id,
                    now
                ],
            )?;
        }
        Ok(new_id)
    })?;
    Ok(rec)
}

/// Appends `r` (its `id` ignored) to the audit log and returns the new row's id.
fn insert(c: &duckdb::Connection, r: &DecisionRecord) -> Result<i64, duckdb::Error> {
    c.query_row(
        queries::GATES_DECISION_INSERT,
        params![
            r.breach_id,
            r.gate.map_or(USE_CASE_GATE, Gate::as_str),
            r.subject,
            r.month.to_string(),
            r.decision.as_str(),
            r.by,
            r.note,
            r.decided_at,
            r.value.to_string(),
            r.threshold.to_string(),
        ],
        |row| row.get(0),
    )
}

fn record(
    breach: &Breach,
    id: i64,
    decision: Decision,
    by: &str,
    note: Option<&str>,
    decided_at: NaiveDateTime,
) -> DecisionRecord {
    DecisionRecord {
        id,
        breach_id: breach.id.clone(),
        gate: Some(breach.gate),
        subject: breach.subject.clone(),
        month: breach.month,
        decision,
        by: by.to_string(),
        note: note.map(str::to_string),
        decided_at,
        value: money::cents(breach.value),
        threshold: money::cents(breach.threshold),
    }
}

/// The whole audit log, oldest first.
pub fn audit_log(store: &Store) -> Result<Vec<DecisionRecord>, StoreError> {
    let mut stmt = store.conn().prepare_cached(queries::GATES_DECISIONS)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, String>(8)?,
            r.get::<_, Decimal>(9)?,
            r.get::<_, Decimal>(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, breach_id, gate, subject, month, decision, by, note, at, value, threshold) = row?;
        // Rows only come from `decide`; one that does not parse was written by something else
        // and is skipped rather than shown wrong.
        let gate = if gate == USE_CASE_GATE {
            Ok(None)
        } else {
            gate.parse::<Gate>().map(Some)
        };
        let (Ok(gate), Ok(month), Ok(decision), Ok(decided_at)) = (
            gate,
            month.parse::<Month>(),
            decision.parse::<Decision>(),
            NaiveDateTime::parse_from_str(&at, "%Y-%m-%d %H:%M:%S"),
        ) else {
            tracing::warn!(id, "skipping an unreadable gate decision");
            continue;
        };
        out.push(DecisionRecord {
            id,
            breach_id,
            gate,
            subject,
            month,
            decision,
            by,
            note,
            decided_at,
            value,
            threshold,
        });
    }
    Ok(out)
}

/// The latest decision on each breach id.
pub fn latest_decisions(log: &[DecisionRecord]) -> HashMap<String, DecisionRecord> {
    let mut out: HashMap<String, DecisionRecord> = HashMap::new();
    for d in log {
        match out.get(&d.breach_id) {
            Some(prev) if prev.id > d.id => {}
            _ => {
                out.insert(d.breach_id.clone(), d.clone());
            }
        }
    }
    out
}

/// Appends `paused` or `resumed` on the use case `use_case` itself (no breach needed), in the
/// month of `now`. The use case must be configured.
pub fn decide_use_case(
    store: &Store,
    config: &Config,
    use_case: &str,
    decision: Decision,
    by: &str,
    note: Option<&str>,
    now: NaiveDateTime,
) -> Result<DecisionRecord, GateError> {
    let by = by.trim();
    if by.is_empty() {
        return Err(GateError::NoDecider);
    }
    let use_case = use_case.trim();
    if config.use_case(use_case).is_none() {
        let ids: Vec<&str> = config.use_cases.iter().map(|u| u.id.as_str()).collect();
        return Err(GateError::UnknownUseCase {
            id: use_case.to_string(),
            known: if ids.is_empty() {
                "none is configured".to_string()
            } else {
                format!("configured: {}", ids.join(", "))
            },
        });
    }
    if !matches!(decision, Decision::Paused | Decision::Resumed) {
        return Err(GateError::NotForUseCase { decision });
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let breach_id = format!("{USE_CASE_TARGET}{use_case}");
    let mut rec = DecisionRecord {
        id: 0,
        breach_id,
        gate: None,
        subject: use_case.to_string(),
        month: Month::of(now.date()),
        decision,
        by: by.to_string(),
        note: note.map(str::to_string),
        decided_at: now,
        value: Decimal::ZERO,
        threshold: Decimal::ZERO,
    };
    rec.id = insert(store.conn(), &rec)?;
    Ok(rec)
}

/// Each paused use case with the decision that paused it: the use cases whose latest
/// `paused`/`resumed` decision (on a G1 or G2 breach, or on the use case itself) is `paused`.
/// The gateway refuses their requests (`gates::enforcement`).
pub fn pauses(store: &Store) -> Result<BTreeMap<String, DecisionRecord>, StoreError> {
    let mut latest: BTreeMap<String, DecisionRecord> = BTreeMap::new();
    for d in audit_log(store)? {
        if matches!(d.decision, Decision::Paused | Decision::Resumed)
            && matches!(d.gate, None | Some(Gate::G1 | Gate::G2))
        {
            latest.insert(d.subject.clone(), d);
        }
    }
    latest.retain(|_, d| d.decision == Decision::Paused);
    Ok(latest)
}

/// The ids of [`pauses`].
pub fn paused_use_cases(store: &Store) -> Result<BTreeSet<String>, StoreError> {
    Ok(pauses(store)?.into_keys().collect())
}

/// Every approved G3 baseline, in the order they were set.
pub fn approved_baselines(store: &Store) -> Result<Vec<ApprovedBaseline>, StoreError> {
    let mut stmt = store.conn().prepare_cached(queries::GATES_BASELINES)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Decimal>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (from, usd, decision_id) = row?;
        if let Ok(effective_from) = from.parse::<Month>() {
            out.push(ApprovedBaseline {
                effective_from,
                usd,
                decision_id,
            });
        }
    }
    Ok(out)
}

/// The approved baseline `month` is judged against: of the approvals in force by then, the one
/// effective from the latest month (the latest set on a tie); else the configured one.
pub fn baseline_for(month: Month, approved: &[ApprovedBaseline], configured: Decimal) -> Decimal {
    approved
        .iter()
        .filter(|b| b.effective_from <= month)
        .max_by_key(|b| (b.effective_from, b.decision_id))
        .map_or(configured, |b| b.usd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_parse_and_print() {
        for d in Decision::ALL {
            assert_eq!(d.as_str().parse::<Decision>(), Ok(d));
        }
        let err = "approve".parse::<Decision>().expect_err("bad");
        assert!(err.contains("acknowledged, re-justified, paused, resumed, approved"));
        assert!(!Decision::Paused.applies_to(Gate::G3));
        assert!(Decision::Approved.applies_to(Gate::G3));
    }

    #[test]
    fn latest_approval_in_force_wins() {
        let m = |s: &str| s.parse::<Month>().expect("month");
        let b = |from: &str, usd: i64, id: i64| ApprovedBaseline {
            effective_from: m(from),
            usd: Decimal::from(usd),
            decision_id: id,
        };
        let approved = [b("2026-06", 40_000, 1), b("2026-04", 35_000, 2)];
        let cfg = Decimal::from(30_000);
        assert_eq!(baseline_for(m("2026-03"), &approved, cfg), cfg);
        assert_eq!(
            baseline_for(m("2026-05"), &approved, cfg),
            Decimal::from(35_000)
        );
        assert_eq!(
            baseline_for(m("2026-07"), &approved, cfg),
            Decimal::from(40_000)
        );
    }
}

//! Budget gates G1-G4 (docs/CONTRACTS.md, "Gates"), with decisions and the audit log, and no UI.
//! `tollgate gates` and the cockpit's Gates tab both call [`evaluate`].
//!
//! Every complete month of the last 13 with ledger rows is judged as it was (`breach`), and the
//! month in progress as projected to its end (`projected`): the aggregate by the cockpit's
//! [`crate::projection::projected_month_end`] (trailing 14-day daily average x days in month), a
//! use case (G1, G2) by the same rule over the same window on its allocated cost. A breach's id
//! is `{gate}:{subject}:{month}` (`G1:doc-summaries:2026-10`, `G3:aggregate:2026-11`,
//! `G4:trajectory:2026-11`) and stays the same across evaluations, so decisions attach to it.

pub mod decisions;
pub mod enforcement;
pub mod rules;
pub mod spend;
pub mod trajectory;

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::config::Config;
use crate::money::{cents, serialize_usd};
use crate::month::Month;
use crate::store::{Store, StoreError};

pub use decisions::{
    approved_baselines, audit_log, baseline_for, decide, decide_use_case, paused_use_cases, pauses,
    ApprovedBaseline, Decision, DecisionRecord, USE_CASE_TARGET,
};
pub use rules::g3_line;
pub use trajectory::{Crossing, QuarterTotal, Trajectory};

#[derive(Debug, thiserror::Error)]
pub enum GateError {
    #[error("no breach `{id}` as of {as_of}; run `tollgate gates` (or `tollgate gates --at DATE` for another day) to see the breach ids")]
    UnknownBreach { id: String, as_of: NaiveDate },
    #[error("`{decision}` does not apply to {gate}: pausing and resuming act on a use case (G1, G2); use acknowledged, re-justified or approved")]
    NotApplicable { decision: Decision, gate: Gate },
    #[error("say who decides with --by NAME")]
    NoDecider,
    #[error("no use case `{id}` in the config ({known})")]
    UnknownUseCase { id: String, known: String },
    #[error("`{decision}` does not apply to a use case itself: only paused and resumed do; decide on a breach (see `tollgate gates`) for the others")]
    NotForUseCase { decision: Decision },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<duckdb::Error> for GateError {
    fn from(e: duckdb::Error) -> Self {
        GateError::Store(e.into())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Gate {
    G1,
    G2,
    G3,
    G4,
}

impl Gate {
    pub fn as_str(self) -> &'static str {
        match self {
            Gate::G1 => "G1",
            Gate::G2 => "G2",
            Gate::G3 => "G3",
            Gate::G4 => "G4",
        }
    }

    /// What the gate is about, for people.
    pub fn title(self) -> &'static str {
        match self {
            Gate::G1 => "feature spike",
            Gate::G2 => "pilot without metric",
            Gate::G3 => "sustained jump",
            Gate::G4 => "trajectory",
        }
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Gate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "G1" => Ok(Gate::G1),
            "G2" => Ok(Gate::G2),
            "G3" => Ok(Gate::G3),
            "G4" => Ok(Gate::G4),
            _ => Err(format!("'{s}' is not a gate (G1..G4)")),
        }
    }
}

/// `breach`: a complete month; `projected`: the month in progress, projected to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Breach,
    Projected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Breach => "breach",
            Status::Projected => "projected",
        }
    }
}

/// One gate over its line. Serialises as the `gates --json` contract: `decision` is the latest
/// decision's name (or null), with who took it, when and its note alongside.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    pub id: String,
    pub gate: Gate,
    pub subject: String,
    pub month: Month,
    pub status: Status,
    /// To the cent.
    pub value: Decimal,
    /// To the cent; the breach is `value > threshold`.
    pub threshold: Decimal,
    pub detail: String,
    /// The latest decision on this id.
    pub decision: Option<DecisionRecord>,
    /// How the gateway enforces this breach's use case (set by [`enforcement::annotate`]).
    pub enforced: Option<enforcement::Enforced>,
}

impl Breach {
    pub fn new(
        gate: Gate,
        subject: &str,
        month: Month,
        status: Status,
        value: Decimal,
        threshold: Decimal,
        detail: String,
    ) -> Breach {
        Breach {
            id: breach_id(gate, subject, month),
            gate,
            subject: subject.to_string(),
            month,
            status,
            value,
            threshold,
            detail,
            decision: None,
            enforced: None,
        }
    }

    /// Open: nothing decided on it yet.
    pub fn is_open(&self) -> bool {
        self.decision.is_none()
    }
}

/// Money as a JSON number with exactly two decimals, whatever the value's scale (a threshold
/// from the config is `3000`, not `3000.00`).
pub fn serialize_cents<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let mut c = cents(*value);
    c.rescale(2);
    serialize_usd(&c, s)
}

pub fn breach_id(gate: Gate, subject: &str, month: Month) -> String {
    format!("{gate}:{subject}:{month}")
}

#[derive(Serialize)]
struct BreachJson<'a> {
    id: &'a str,
    gate: Gate,
    subject: &'a str,
    month: Month,
    status: Status,
    #[serde(serialize_with = "serialize_cents")]
    value: Decimal,
    #[serde(serialize_with = "serialize_cents")]
    threshold: Decimal,
    detail: &'a str,
    decision: Option<Decision>,
    decided_by: Option<&'a str>,
    decided_at: Option<NaiveDateTime>,
    decision_note: Option<&'a str>,
    enforced_by_proxy: Option<&'a enforcement::Enforced>,
}

impl Serialize for Breach {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.decision.as_ref();
        BreachJson {
            id: &self.id,
            gate: self.gate,
            subject: &self.subject,
            month: self.month,
            status: self.status,
            value: self.value,
            threshold: self.threshold,
            detail: &self.detail,
            decision: d.map(|d| d.decision),
            decided_by: d.map(|d| d.by.as_str()),
            decided_at: d.map(|d| d.decided_at),
            decision_note: d.and_then(|d| d.note.as_deref()),
            enforced_by_proxy: self.enforced.as_ref(),
        }
        .serialize(s)
    }
}

/// Everything `tollgate gates` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateReport {
    pub as_of: NaiveDate,
    /// Open breaches first, then newest month first, then by gate and subject.
    pub breaches: Vec<Breach>,
    /// The approved baseline the month in progress is judged against, and its G3 line.
    #[serde(serialize_with = "serialize_cents")]
    pub baseline: Decimal,
    #[serde(serialize_with = "serialize_cents")]
    pub g3_line: Decimal,
    /// How the month in progress was projected.
    pub projection: String,
    /// The quarterly board template (G4).
    pub trajectory: Trajectory,
    /// The gateway's control file, when read (by [`enforcement::annotate`]).
    pub proxy_control: Option<enforcement::ControlStatus>,
}

impl GateReport {
    pub fn find(&self, id: &str) -> Option<&Breach> {
        self.breaches.iter().find(|b| b.id == id.trim())
    }

    pub fn open(&self) -> impl Iterator<Item = &Breach> {
        self.breaches.iter().filter(|b| b.is_open())
    }
}

/// Evaluates G1-G4 as of `today` (the month in progress is `today`'s), with each breach's latest
/// decision. Refreshes the allocation from `config`.
pub fn evaluate(store: &Store, config: &Config, today: NaiveDate) -> Result<GateReport, GateError> {
    let spend = spend::load(store, config, today)?;
    let approved = approved_baselines(store)?;
    let configured = config.gates.approved_baseline_usd;
    let mut breaches = Vec::new();

    let method = spend.projection.method();
    let months = spend
        .evaluated
        .iter()
        .filter_map(|m| spend.month(*m).map(|s| (*m, Status::Breach, s)))
        .chain([(spend.current, Status::Projected, &spend.projected)]);
    let mut all_outcomes = store.outcome_values(config, None)?;
    for (month, status, month_spend) in months {
        let outcomes = all_outcomes.remove(&month).unwrap_or_default();
        let judged = rules::Judged {
            month,
            status,
            spend: month_spend,
            prior: spend.month(month.prev()),
            outcomes: &outcomes,
            method: (status == Status::Projected).then_some(method.as_str()),
        };
        breaches.extend(rules::g1(config, &judged));
        breaches.extend(rules::g2(config, &judged));
        let baseline = baseline_for(month, &approved, configured);
        breaches.extend(rules::g3(config, &judged, baseline));
    }

    let (trajectory, g4) = trajectory::evaluate(store, config, today, &spend)?;
    breaches.extend(g4);

    let latest = decisions::latest_decisions(&audit_log(store)?);
    for b in &mut breaches {
        b.decision = latest.get(&b.id).cloned();
    }
    breaches.sort_by(|a, b| {
        b.is_open()
            .cmp(&a.is_open())
            .then(b.month.cmp(&a.month))
            .then(a.gate.cmp(&b.gate))
            .then(a.subject.cmp(&b.subject))
    });
    let baseline = baseline_for(spend.current, &approved, configured);
    Ok(GateReport {
        as_of: today,
        breaches,
        baseline,
        g3_line: g3_line(baseline, config.gates.jump_pct),
        projection: method,
        trajectory,
        proxy_control: None,
    })
}

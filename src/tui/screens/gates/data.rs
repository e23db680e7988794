//! What the Gates tab shows, loaded on the DB actor's thread with the engine's own functions
//! (the same ones the CLI twin calls, so the numbers cannot disagree).

use chrono::NaiveDate;

use crate::config::Config;
use crate::gates::{self, DecisionRecord, GateReport};
use crate::store::Store;

/// What to load.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    pub report: GateReport,
    /// The audit log, oldest first.
    pub log: Vec<DecisionRecord>,
}

pub fn load(store: &Store, config: &Config, query: &Query) -> anyhow::Result<Data> {
    let mut report = gates::evaluate(store, config, query.today)?;
    gates::enforcement::annotate(&mut report, gates::enforcement::status(config));
    Ok(Data {
        report,
        log: gates::audit_log(store)?,
    })
}

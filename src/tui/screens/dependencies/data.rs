//! What the Dependencies tab shows, loaded on the DB actor's thread with the engine's own functions
//! (the same ones the CLI twin calls, so the numbers cannot disagree).

use chrono::NaiveDate;

use crate::config::Config;
use crate::deps::{self, DepsReport};
use crate::store::Store;

/// What to load.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    pub report: DepsReport,
}

pub fn load(store: &Store, config: &Config, query: &Query) -> anyhow::Result<Data> {
    Ok(Data {
        report: deps::list(store, config, query.today)?,
    })
}

//! What the Sources tab shows, loaded on the DB actor's thread with the engine's own functions
//! (the same ones the CLI twin calls, so the numbers cannot disagree).

use chrono::NaiveDate;

use crate::config::Config;

use crate::store::Store;

/// What to load.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// Configured source names, in config order.
    pub names: Vec<String>,
}

pub fn load(store: &Store, config: &Config, query: &Query) -> anyhow::Result<Data> {
    let _ = (store, query);
    Ok(Data {
        names: config.sources.keys().cloned().collect(),
    })
}

//! What the Forecast tab shows, loaded on the DB actor's thread with the engine's own functions
//! (the same ones the CLI twin calls, so the numbers cannot disagree).

use chrono::NaiveDate;

use crate::config::Config;
use crate::forecast::{self, Forecast};
use crate::store::Store;

/// What to load.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    pub forecast: Forecast,
}

pub fn load(store: &Store, config: &Config, query: &Query) -> anyhow::Result<Data> {
    Ok(Data {
        forecast: forecast::run(store, config, query.today, &[])?,
    })
}

//! What the Use cases tab shows, loaded on the DB actor's thread with the engine's own functions
//! (the same ones the CLI twin calls, so the numbers cannot disagree).

use chrono::NaiveDate;

use crate::config::Config;
use crate::report::{self, MonthReport};
use crate::store::Store;

/// What to load.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    pub report: MonthReport,
}

pub fn load(store: &Store, config: &Config, query: &Query) -> anyhow::Result<Data> {
    let month = report::default_month(store, query.today)?;
    Ok(Data {
        report: report::month_report(store, config, month)?,
    })
}

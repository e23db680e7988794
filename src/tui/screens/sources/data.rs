//! What the Sources tab shows, loaded on the DB actor's thread: per source the latest ingest
//! run and what the ledger holds, from the same store queries `tollgate doctor` prints; for a
//! gateway source, its live figures (`gateway::status`) instead of ledger rows.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::config::{Config, SourceKind};
use crate::gateway::status::{source_status, GatewayStatus};
use crate::store::runs::IngestRun;
use crate::store::Store;

/// Data more than this many days behind "today" is marked stale.
pub const STALE_AFTER_DAYS: i64 = 2;

/// What to load.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub today: NaiveDate,
    /// For the gateway's last hour (`clock::now_on(today)`).
    pub now: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// Configured sources in config order, then sources found only in the ledger or the runs.
    pub sources: Vec<SourceRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    pub name: String,
    /// The config's kind (`openai`, `focus`, ...), `None` for a source not in the config.
    pub kind: Option<SourceKind>,
    /// The latest run (sync, import or demo write) recorded for this source.
    pub last_run: Option<IngestRun>,
    /// Ledger rows from this source.
    pub rows: i64,
    /// The last day with data (the day before the newest charge's exclusive end).
    pub data_through: Option<NaiveDate>,
    /// Whole days from `data_through` to "today" (0: data through today).
    pub days_behind: Option<i64>,
    /// A gateway source's figures (its `rows` and `data_through` are its request records').
    pub gateway: Option<GatewayStatus>,
}

impl SourceRow {
    pub fn stale(&self) -> bool {
        self.days_behind.is_some_and(|d| d > STALE_AFTER_DAYS)
    }

    /// The kind as written in the config, or `-`.
    pub fn kind_name(&self) -> String {
        self.kind
            .map_or_else(|| "-".to_string(), |k| k.as_str().to_string())
    }

    /// Whether `tollgate sync` fetches this source ([`SourceKind::is_syncable`]).
    pub fn syncable(&self) -> bool {
        self.kind.is_some_and(SourceKind::is_syncable)
    }

    /// The last run's error, when the last run failed.
    pub fn last_error(&self) -> Option<&str> {
        self.last_run
            .as_ref()
            .filter(|r| !r.ok())
            .and_then(|r| r.error.as_deref())
    }
}

pub fn load(store: &Store, config: &Config, query: &Query) -> anyhow::Result<Data> {
    let spans = store.ledger_spans()?;
    let runs = store.last_runs()?;
    let mut names: Vec<String> = config.sources.keys().cloned().collect();
    for name in spans
        .iter()
        .map(|s| &s.source)
        .chain(runs.iter().map(|r| &r.source))
    {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let mut sources = Vec::new();
    for name in names {
        let kind = config.sources.get(&name).map(|s| s.kind);
        let gateway = match kind {
            Some(SourceKind::Gateway) => Some(source_status(store, &name, query.now)?),
            _ => None,
        };
        let span = spans.iter().find(|s| s.source == name);
        let (rows, data_through) = match &gateway {
            Some(g) => (g.records, g.newest.map(|t| t.date())),
            None => (
                span.map_or(0, |s| s.rows),
                span.map(|s| (s.data_end - Duration::seconds(1)).date()),
            ),
        };
        sources.push(SourceRow {
            kind,
            last_run: runs.iter().find(|r| r.source == name).cloned(),
            rows,
            days_behind: data_through.map(|d| (query.today - d).num_days().max(0)),
            data_through,
            gateway,
            name,
        });
    }
    Ok(Data { sources })
}

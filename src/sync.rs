//! The sync engine (PRODUCT C2): each selected source is fetched concurrently over its window
//! (watermark minus a trailing re-fetch window; 13 months on first sync), normalised, and
//! written in one transaction per source. A failure leaves that source's previous rows whole.
//! Every run is recorded in `ingest_runs`, successful or not.

use std::time::Instant;

use chrono::{Months, NaiveDate, NaiveDateTime};
use duckdb::params;

use crate::config::{Config, SourceConfig, SourceKind};
use crate::normalize::{normalize, SourceRecords};
use crate::sources::{self, FetchWindow, RetryPolicy, SourceError};
use crate::store::{IngestScope, Store, StoreError};

#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Source names; empty means every configured API source.
    pub sources: Vec<String>,
    pub since: Option<NaiveDate>,
    pub full: bool,
    pub today: Option<NaiveDate>,
    pub retry: Option<RetryPolicy>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceOutcome {
    pub source: String,
    pub window: Option<FetchWindow>,
    pub rows: usize,
    pub requests: u64,
    pub seconds: f64,
    pub error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("no source named {0} in the config; configured: {1}")]
    UnknownSource(String, String),
    #[error("no sources to sync: add [sources.NAME] with kind = \"openai\" or \"anthropic\" to the config")]
    NothingToSync,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which configured sources a sync covers.
pub fn selected<'a>(
    config: &'a Config,
    names: &[String],
) -> Result<Vec<(&'a String, &'a SourceConfig)>, SyncError> {
    let syncable = |s: &SourceConfig| matches!(s.kind, SourceKind::Openai | SourceKind::Anthropic);
    if names.is_empty() {
        let all: Vec<_> = config.sources.iter().filter(|(_, s)| syncable(s)).collect();
        if all.is_empty() {
            return Err(SyncError::NothingToSync);
        }
        return Ok(all);
    }
    names
        .iter()
        .map(|n| {
            config.sources.get_key_value(n).ok_or_else(|| {
                SyncError::UnknownSource(
                    n.clone(),
                    config
                        .sources
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
        })
        .collect()
}

/// The window a source syncs: from `--since`, or the watermark minus the trailing days, or
/// 13 months back on the first sync; up to and including today.
pub fn window_for(
    store: &Store,
    name: &str,
    trailing_days: u32,
    opts: &SyncOptions,
    today: NaiveDate,
) -> Result<FetchWindow, StoreError> {
    let end = today.succ_opt().unwrap_or(today);
    let backfill = today
        .with_day0(0)
        .and_then(|d| d.checked_sub_months(Months::new(13)))
        .unwrap_or(today);
    let start = match (opts.since, opts.full) {
        (Some(since), _) => since,
        (None, true) => backfill,
        (None, false) => match watermark(store, name)? {
            Some(w) => (w - chrono::Duration::days(i64::from(trailing_days))).max(backfill.min(w)),
            None => backfill,
        },
    };
    Ok(FetchWindow {
        start: start.min(end),
        end,
    })
}

use chrono::Datelike;

/// The end of the last successful sync window of `source`.
pub fn watermark(store: &Store, source: &str) -> Result<Option<NaiveDate>, StoreError> {
    let w: Option<chrono::NaiveDateTime> = store.conn().query_row(
        "SELECT max(window_end) FROM ingest_runs WHERE source = ? AND kind = 'window' AND status = 'ok'",
        [source],
        |r| r.get(0),
    )?;
    Ok(w.map(|t| t.date()))
}

/// Runs a sync. `progress` is told as each source starts and ends.
pub async fn run(
    store: &Store,
    config: &Config,
    opts: &SyncOptions,
    progress: &dyn Fn(ProgressEvent),
) -> Result<Vec<SourceOutcome>, SyncError> {
    let today = opts
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let chosen = selected(config, &opts.sources)?;
    let mut jobs = Vec::new();
    for (name, src) in chosen {
        let trailing = src.trailing_days.unwrap_or(config.sync.trailing_days);
        let window = window_for(store, name, trailing, opts, today)?;
        progress(ProgressEvent::Started {
            source: name.clone(),
            window,
        });
        let retry = opts.retry.clone().unwrap_or_default();
        let name = name.clone();
        let src = src.clone();
        jobs.push(async move {
            let started = (Instant::now(), chrono::Utc::now().naive_utc());
            let fetched = fetch(&name, &src, window, retry).await;
            (name, window, started, fetched)
        });
    }
    let results = futures::future::join_all(jobs).await;
    let mut outcomes = Vec::new();
    for (name, window, (started, started_at), fetched) in results {
        let (requests, result) = match fetched {
            Ok((records, requests)) => (requests, write(store, &name, window, &records)),
            Err((e, requests)) => (requests, Err(e.to_string())),
        };
        let seconds = started.elapsed().as_secs_f64();
        let outcome = match result {
            Ok(rows) => {
                mark_started(store, &name, started_at)?;
                SourceOutcome {
                    source: name.clone(),
                    window: Some(window),
                    rows,
                    requests,
                    seconds,
                    error: None,
                }
            }
            Err(msg) => {
                record_failure(store, &name, window, started_at, &msg)?;
                SourceOutcome {
                    source: name.clone(),
                    window: Some(window),
                    rows: 0,
                    requests,
                    seconds,
                    error: Some(msg),
                }
            }
        };
        progress(ProgressEvent::Finished(outcome.clone()));
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

#[derive(Debug, Clone)]
pub enum ProgressEvent {
    Started { source: String, window: FetchWindow },
    Finished(SourceOutcome),
}

async fn fetch(
    name: &str,
    src: &SourceConfig,
    window: FetchWindow,
    retry: RetryPolicy,
) -> Result<(SourceRecords, u64), (SourceError, u64)> {
    let key = match crate::credentials::resolve(name) {
        Ok(Some(k)) => k,
        Ok(None) => {
            return Err((
                SourceError::NoCredential {
                    source_name: name.to_string(),
                },
                0,
            ))
        }
        Err(e) => {
            return Err((
                SourceError::Other {
                    source_name: name.to_string(),
                    message: e.to_string(),
                },
                0,
            ))
        }
    };
    let base = src.base_url.as_deref();
    match src.kind {
        SourceKind::Openai => {
            let http =
                sources::openai::client(name, base, key.expose(), retry).map_err(|e| (e, 0))?;
            let r = sources::openai::fetch(&http, window).await;
            r.map(|b| (SourceRecords::OpenAi(b), http.requests()))
                .map_err(|e| (e, http.requests()))
        }
        SourceKind::Anthropic => {
            let http =
                sources::anthropic::client(name, base, key.expose(), retry).map_err(|e| (e, 0))?;
            let r = sources::anthropic::fetch(&http, window).await;
            r.map(|b| (SourceRecords::Anthropic(b), http.requests()))
                .map_err(|e| (e, http.requests()))
        }
        other => Err((
            SourceError::Other {
                source_name: name.to_string(),
                message: format!("{other:?} sources are not synced by this version").to_lowercase(),
            },
            0,
        )),
    }
}

fn write(
    store: &Store,
    name: &str,
    window: FetchWindow,
    records: &SourceRecords,
) -> Result<usize, String> {
    let rows =
        normalize(name, records).map_err(|e| format!("{e}; nothing from this sync was written"))?;
    let scope = IngestScope::Window {
        source: name.to_string(),
        start: window.start_ts(),
        end: window.end_ts(),
    };
    store
        .ingest_rows(&scope, &rows)
        .map(|s| s.rows_written)
        .map_err(|e| format!("source {name}: {e}"))
}

fn record_failure(
    store: &Store,
    name: &str,
    window: FetchWindow,
    started_at: NaiveDateTime,
    msg: &str,
) -> Result<(), StoreError> {
    let now = chrono::Utc::now().naive_utc();
    store.conn().execute(
        "INSERT INTO ingest_runs SELECT COALESCE(max(id), 0) + 1, ?, 'window', ?, ?, NULL, NULL, 0, ?, ?, 'error', ? FROM ingest_runs",
        params![name, window.start_ts(), window.end_ts(), started_at, now, msg],
    )?;
    Ok(())
}

/// The run row that ingest wrote timed only the write; its start is when the fetch began.
fn mark_started(store: &Store, name: &str, started_at: NaiveDateTime) -> Result<(), StoreError> {
    store.conn().execute(
        "UPDATE ingest_runs SET started_at = ? WHERE id = (SELECT max(id) FROM ingest_runs WHERE source = ?)",
        params![started_at, name],
    )?;
    Ok(())
}

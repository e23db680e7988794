//! The sync engine (`tollgate sync`, docs/ARCHITECTURE.md "The flow"): each selected source is
//! fetched concurrently over its window (watermark minus a trailing re-fetch window; 13 months on
//! first sync), normalised, and written in one transaction per source. A failure leaves that
//! source's previous rows whole. Every run is recorded in `ingest_runs`, successful or not. API
//! sources (openai, anthropic, aws, gcp, modal) replace a window; days Cost Explorer marked
//! estimated widen the next window until they are final, and a GCP source widens its own window
//! back to days with rows exported since its last sync. `focus` sources are files: new and changed
//! ones are imported.

use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use duckdb::params;

use crate::config::{Config, SourceConfig, SourceKind};
use crate::normalize::{check_currency, normalize, NormalizeError, SourceRecords};
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

/// One source's outcome; its JSON is `tollgate sync --json`'s (docs/CONTRACTS.md, section 3.12).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SourceOutcome {
    pub source: String,
    pub window: Option<FetchWindow>,
    pub rows: usize,
    pub requests: u64,
    pub seconds: f64,
    pub error: Option<String>,
    /// What else the user should know: Cost Explorer requests and their price, FOCUS files
    /// skipped as unchanged.
    pub note: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("no source named {0} in the config; configured: {1}")]
    UnknownSource(String, String),
    #[error("no sources to sync: add [sources.NAME] with kind = \"openai\", \"anthropic\", \"aws\", \"gcp\", \"modal\", \"focus\" or \"gateway\" to the config")]
    NothingToSync,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which configured sources a sync covers.
pub fn selected<'a>(
    config: &'a Config,
    names: &[String],
) -> Result<Vec<(&'a String, &'a SourceConfig)>, SyncError> {
    if names.is_empty() {
        let all: Vec<_> = config
            .sources
            .iter()
            .filter(|(_, s)| s.kind.is_syncable())
            .collect();
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
            Some(w) => {
                let trailing =
                    (w - chrono::Duration::days(i64::from(trailing_days))).max(backfill.min(w));
                // periods a source marked estimated are fetched again until they are final
                match estimated_from(store, name)? {
                    Some(e) => trailing.min(e.max(backfill)),
                    None => trailing,
                }
            }
            None => backfill,
        },
    };
    Ok(FetchWindow {
        start: start.min(end),
        end,
    })
}

/// The end of the last successful sync window of `source`.
pub fn watermark(store: &Store, source: &str) -> Result<Option<NaiveDate>, StoreError> {
    let w: Option<chrono::NaiveDateTime> = store.conn().query_row(
        "SELECT max(window_end) FROM ingest_runs WHERE source = ? AND kind = 'window' AND status = 'ok'",
        [source],
        |r| r.get(0),
    )?;
    Ok(w.map(|t| t.date()))
}

/// The first day of the source's rows that were still estimated when fetched (Cost Explorer
/// `Estimated: true`), if any.
pub fn estimated_from(store: &Store, source: &str) -> Result<Option<NaiveDate>, StoreError> {
    let d: Option<NaiveDateTime> = store.conn().query_row(
        "SELECT min(ChargePeriodStart) FROM ledger WHERE x_Source = ? AND ChargeDescription = ?",
        params![source, crate::normalize::aws::ESTIMATED],
        |r| r.get(0),
    )?;
    Ok(d.map(|t| t.date()))
}

/// The setting that holds a GCP source's latest seen `export_time` (microseconds).
fn export_time_setting(source: &str) -> String {
    format!("sync.{source}.gcp_export_time")
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
    let mut outcomes = Vec::new();
    let mut jobs = Vec::new();
    for (name, src) in chosen {
        if src.kind == SourceKind::Gateway {
            outcomes.push(sync_gateway(store, name, src, config, progress));
            continue;
        }
        if src.kind == SourceKind::Focus {
            outcomes.push(sync_focus(
                store,
                name,
                src,
                &config.ledger.currency,
                progress,
            )?);
            continue;
        }
        let trailing = src.trailing_days.unwrap_or(config.sync.trailing_days);
        let window = window_for(store, name, trailing, opts, today)?;
        progress(ProgressEvent::Started {
            source: name.clone(),
            window: Some(window),
        });
        let retry = opts.retry.clone().unwrap_or_default();
        let last_export_micros = store
            .setting(&export_time_setting(name))?
            .and_then(|v| v.parse::<i64>().ok());
        let name = name.clone();
        let src = src.clone();
        jobs.push(async move {
            let started = (Instant::now(), chrono::Utc::now().naive_utc());
            let fetched = fetch(&name, &src, window, retry, last_export_micros).await;
            (name, window, started, fetched)
        });
    }
    let results = futures::future::join_all(jobs).await;
    for (name, window, (started, started_at), fetched) in results {
        let (requests, note, result) = match fetched {
            Ok(f) => {
                let window = FetchWindow {
                    start: f.start.unwrap_or(window.start).min(window.start),
                    end: window.end,
                };
                let written = write(store, &name, window, &f.records, &config.ledger.currency);
                if let (Ok(_), Some((k, v))) = (&written, &f.setting) {
                    store.set_setting(k, v)?;
                }
                (f.requests, f.note, written.map(|n| (n, window)))
            }
            Err(f) => (f.requests, f.note, Err(f.error.to_string())),
        };
        let seconds = started.elapsed().as_secs_f64();
        let outcome = match result {
            Ok((rows, written_window)) => {
                mark_started(store, &name, started_at)?;
                SourceOutcome {
                    source: name.clone(),
                    window: Some(written_window),
                    rows,
                    requests,
                    seconds,
                    error: None,
                    note,
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
                    note,
                }
            }
        };
        progress(ProgressEvent::Finished(outcome.clone()));
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// A `focus` source: new and changed files are imported, unchanged ones skipped.
fn sync_focus(
    store: &Store,
    name: &str,
    src: &SourceConfig,
    currency: &str,
    progress: &dyn Fn(ProgressEvent),
) -> Result<SourceOutcome, SyncError> {
    progress(ProgressEvent::Started {
        source: name.to_string(),
        window: None,
    });
    let started = Instant::now();
    let started_at = chrono::Utc::now().naive_utc();
    let result = match src.path.as_ref().and_then(|p| p.single()) {
        Some(path) => sources::focus::sync(store, name, path, currency),
        None => Err(format!("source {name}: a focus source needs path")),
    };
    let seconds = started.elapsed().as_secs_f64();
    let outcome = match result {
        Ok(s) => SourceOutcome {
            source: name.to_string(),
            window: None,
            rows: s.imported.iter().map(|(_, n)| n).sum(),
            requests: 0,
            seconds,
            error: None,
            note: Some(format!(
                "{} of {} files imported, {} unchanged",
                s.imported.len(),
                s.matched,
                s.unchanged
            )),
        },
        Err(msg) => {
            let now = chrono::Utc::now().naive_utc();
            store.conn().execute(
                "INSERT INTO ingest_runs SELECT COALESCE(max(id), 0) + 1, ?, 'file', NULL, NULL, NULL, NULL, 0, ?, ?, 'error', ? FROM ingest_runs",
                params![name, started_at, now, msg],
            )
            .map_err(StoreError::from)?;
            SourceOutcome {
                source: name.to_string(),
                window: None,
                rows: 0,
                requests: 0,
                seconds,
                error: Some(msg),
                note: None,
            }
        }
    };
    progress(ProgressEvent::Finished(outcome.clone()));
    Ok(outcome)
}

/// A `gateway` source: the spool lines appended since the last sync (docs/ARCHITECTURE.md,
/// "Gateway"). Its run is recorded by `gateway::ingest::sync`, failed or not.
fn sync_gateway(
    store: &Store,
    name: &str,
    src: &SourceConfig,
    config: &Config,
    progress: &dyn Fn(ProgressEvent),
) -> SourceOutcome {
    progress(ProgressEvent::Started {
        source: name.to_string(),
        window: None,
    });
    let started = Instant::now();
    let dirs = crate::gateway::spool_dirs(src, &config.proxy);
    let result = crate::gateway::ingest::sync(store, name, &dirs, src.path.is_some());
    let (rows, error, note) = match result {
        Ok(i) => (i.new_records, None, Some(i.note())),
        Err(e) => (0, Some(e.to_string()), None),
    };
    let outcome = SourceOutcome {
        source: name.to_string(),
        window: None,
        rows,
        requests: 0,
        seconds: started.elapsed().as_secs_f64(),
        error,
        note,
    };
    progress(ProgressEvent::Finished(outcome.clone()));
    outcome
}

#[derive(Debug, Clone)]
pub enum ProgressEvent {
    /// `window` is `None` for file sources.
    Started {
        source: String,
        window: Option<FetchWindow>,
    },
    Finished(SourceOutcome),
}

/// What a connector brought back.
struct Fetched {
    records: SourceRecords,
    requests: u64,
    /// An earlier window start the connector found changes for (GCP corrections).
    start: Option<NaiveDate>,
    /// A setting to store once the rows are written (GCP's export_time watermark).
    setting: Option<(String, String)>,
    note: Option<String>,
}

/// Why a fetch failed, with what it cost (requests made) and any note (Cost Explorer's bill).
struct FetchFailure {
    error: SourceError,
    requests: u64,
    note: Option<String>,
}

impl FetchFailure {
    fn after(error: SourceError, requests: u64) -> FetchFailure {
        FetchFailure {
            error,
            requests,
            note: None,
        }
    }
}

impl From<SourceError> for FetchFailure {
    fn from(error: SourceError) -> FetchFailure {
        FetchFailure::after(error, 0)
    }
}

fn fetched(records: SourceRecords, requests: u64) -> Fetched {
    Fetched {
        records,
        requests,
        start: None,
        setting: None,
        note: None,
    }
}

/// "3 Cost Explorer requests ($0.03)".
pub fn cost_explorer_note(requests: u64) -> String {
    let cents = requests * sources::aws::CENTS_PER_REQUEST;
    format!(
        "{requests} Cost Explorer request{} (${}.{:02} at $0.01 each)",
        if requests == 1 { "" } else { "s" },
        cents / 100,
        cents % 100
    )
}

async fn fetch(
    name: &str,
    src: &SourceConfig,
    window: FetchWindow,
    retry: RetryPolicy,
    last_export_micros: Option<i64>,
) -> Result<Fetched, FetchFailure> {
    match src.kind {
        SourceKind::Aws => {
            let keys = sources::aws::keys(name)?;
            let http = sources::aws::client(name, src.endpoint_url.as_deref(), retry)?;
            let r = sources::aws::fetch(&http, &keys, src, window).await;
            let note = Some(cost_explorer_note(http.requests()));
            match r {
                Ok((ctx, pages)) => Ok(Fetched {
                    note,
                    ..fetched(SourceRecords::Aws(ctx, pages), http.requests())
                }),
                Err(error) => Err(FetchFailure {
                    error,
                    requests: http.requests(),
                    note,
                }),
            }
        }
        SourceKind::Gcp => {
            let plan = sources::gcp::QueryPlan {
                window,
                last_export_micros,
            };
            let f = sources::gcp::fetch(name, src, &plan, retry)
                .await
                .map_err(|(e, n)| FetchFailure::after(e, n))?;
            let start = f.rows.iter().map(|r| r.usage_start_time.date()).min();
            let watermark = f.max_export_micros.max(last_export_micros);
            Ok(Fetched {
                start,
                setting: watermark.map(|w| (export_time_setting(name), w.to_string())),
                ..fetched(SourceRecords::Gcp(f.rows), f.requests)
            })
        }
        SourceKind::Modal => {
            let (items, hourly) = sources::modal::fetch(name, src, window).await?;
            Ok(fetched(SourceRecords::Modal { items, hourly }, 0))
        }
        SourceKind::Openai | SourceKind::Anthropic => {
            let key = match crate::credentials::resolve(name) {
                Ok(Some(k)) => k,
                Ok(None) => {
                    return Err(SourceError::NoCredential {
                        source_name: name.to_string(),
                    }
                    .into())
                }
                Err(e) => {
                    return Err(SourceError::Other {
                        source_name: name.to_string(),
                        message: e.to_string(),
                    }
                    .into())
                }
            };
            let base = src.base_url.as_deref();
            if src.kind == SourceKind::Openai {
                let http = sources::openai::client(name, base, key.expose(), retry)?;
                let r = sources::openai::fetch(&http, window).await;
                r.map(|b| fetched(SourceRecords::OpenAi(b), http.requests()))
                    .map_err(|e| FetchFailure::after(e, http.requests()))
            } else {
                let http = sources::anthropic::client(name, base, key.expose(), retry)?;
                let r = sources::anthropic::fetch(&http, window).await;
                r.map(|b| fetched(SourceRecords::Anthropic(b), http.requests()))
                    .map_err(|e| FetchFailure::after(e, http.requests()))
            }
        }
        other => Err(SourceError::Other {
            source_name: name.to_string(),
            message: format!("{} sources are not synced by this version", other.as_str()),
        }
        .into()),
    }
}

fn write(
    store: &Store,
    name: &str,
    window: FetchWindow,
    records: &SourceRecords,
    currency: &str,
) -> Result<usize, String> {
    let rows = normalize(name, records)
        .and_then(|rows| check_currency(name, &rows, currency).map(|()| rows))
        .map_err(|e| match e {
            NormalizeError::Currency { .. } => e.to_string(),
            e => format!("{e}; nothing from this sync was written"),
        })?;
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

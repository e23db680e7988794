//! `tollgate sync` of a `gateway` source: the spool lines appended since the last sync are
//! parsed, staged with the Appender in native types and moved into `gateway_requests` where
//! their request_id is new; the daily rollup of the days touched is rebuilt; the files'
//! offsets and the run are recorded. One transaction: an error leaves the DB as it was.
//! Corrupt lines are skipped and named (file:line) in the note; a last line without its
//! newline is left for the next sync and named as pending. Nothing here touches the ledger.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDateTime;
use duckdb::{params, Connection};

use super::spool::{self, FileRead, Offset};
use crate::store::{queries, Store};

/// How many corrupt lines a note names; the rest are counted (and all are in the log).
const NAMED: usize = 10;

/// A line of a spool file, and why it was skipped when it was.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRef {
    pub file: String,
    pub line: u64,
    pub why: Option<String>,
}

/// What a gateway sync did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ingested {
    /// Spool files found.
    pub files: usize,
    /// Complete lines read this time (from each file's offset).
    pub lines: u64,
    /// Records added to `gateway_requests`.
    pub new_records: usize,
    /// Records read whose request_id was already there (or read twice this time).
    pub known: usize,
    pub corrupt: Vec<LineRef>,
    pub pending: Vec<LineRef>,
    /// The spool dir did not exist (the proxy has not run yet).
    pub no_spool: Option<PathBuf>,
}

impl Ingested {
    /// The sync message: what was added, and every skipped and pending line by file:line.
    pub fn note(&self) -> String {
        let mut note = match &self.no_spool {
            Some(dir) => format!(
                "no spool at {} yet (start `tollgate proxy`); nothing to read",
                dir.display()
            ),
            None => format!(
                "{} new request{} from {} spool file{}",
                self.new_records,
                plural(self.new_records),
                self.files,
                plural(self.files)
            ),
        };
        if self.known > 0 {
            note.push_str(&format!(", {} already ingested", self.known));
        }
        if !self.corrupt.is_empty() {
            let named: Vec<String> = self
                .corrupt
                .iter()
                .take(NAMED)
                .map(|l| format!("{}:{} ({})", l.file, l.line, l.why.as_deref().unwrap_or("")))
                .collect();
            let more = self.corrupt.len().saturating_sub(NAMED);
            note.push_str(&format!(
                "; {} corrupt line{} skipped: {}{}",
                self.corrupt.len(),
                plural(self.corrupt.len()),
                named.join(", "),
                if more > 0 {
                    format!(" and {more} more (see the log)")
                } else {
                    String::new()
                }
            ));
        }
        if !self.pending.is_empty() {
            let named: Vec<String> = self
                .pending
                .iter()
                .map(|l| format!("{}:{}", l.file, l.line))
                .collect();
            note.push_str(&format!(
                "; pending (no newline yet, read by the next sync): {}",
                named.join(", ")
            ));
        }
        note
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("source {source_name}: {message}; nothing from this sync was written")]
    Spool {
        source_name: String,
        message: String,
    },
    #[error("source {source_name}: {error}; nothing from this sync was written")]
    Db {
        source_name: String,
        error: duckdb::Error,
    },
}

/// Syncs gateway source `source` from `dirs`, recording the run (ok or failed) in
/// `ingest_runs`. `explicit`: the dirs were configured (`path`); else they are the proxy's
/// default, which may not exist yet.
pub fn sync(
    store: &Store,
    source: &str,
    dirs: &[PathBuf],
    explicit: bool,
) -> Result<Ingested, GatewayError> {
    let started = chrono::Utc::now().naive_utc();
    let listed = dirs_text(dirs);
    let result = ingest(store, source, dirs, explicit, started);
    if let Err(e) = &result {
        let now = chrono::Utc::now().naive_utc();
        let message = e.to_string();
        store
            .conn()
            .execute(
                queries::GATEWAY_RUN_INSERT,
                params![source, listed, 0, started, now, "error", message],
            )
            .map_err(|error| GatewayError::Db {
                source_name: source.to_string(),
                error,
            })?;
    }
    result
}

fn ingest(
    store: &Store,
    source: &str,
    dirs: &[PathBuf],
    explicit: bool,
    started: NaiveDateTime,
) -> Result<Ingested, GatewayError> {
    let spool_err = |message: String| GatewayError::Spool {
        source_name: source.to_string(),
        message,
    };
    let db_err = |error: duckdb::Error| GatewayError::Db {
        source_name: source.to_string(),
        error,
    };
    let mut out = Ingested::default();
    let present: Vec<PathBuf> = dirs.iter().filter(|d| d.exists()).cloned().collect();
    if present.len() < dirs.len() {
        match dirs.iter().find(|d| !d.exists()) {
            Some(missing) if explicit => {
                return Err(spool_err(format!(
                    "spool dir {} does not exist; check path in [sources.{source}]",
                    missing.display()
                )))
            }
            Some(missing) => out.no_spool = Some(missing.clone()),
            None => {}
        }
    }
    let files = spool::files(&present).map_err(spool_err)?;
    let offsets = offsets(store.conn(), source).map_err(db_err)?;
    let mut reads: Vec<(String, FileRead, Option<&Offset>)> = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        let prev = offsets.get(&name);
        let read = spool::read(path, prev)
            .map_err(|e| spool_err(format!("{} cannot be read: {e}", path.display())))?;
        if read.restarted {
            tracing::info!(file = %name, "spool file changed since the last sync; read from the start");
        }
        out.lines += read.next.lines_done
            - if read.restarted {
                0
            } else {
                prev.map_or(0, |o| o.lines_done)
            };
        for (line, why) in &read.corrupt {
            tracing::warn!(file = %name, line, "corrupt spool line skipped: {why}");
            out.corrupt.push(LineRef {
                file: name.clone(),
                line: *line,
                why: Some(why.clone()),
            });
        }
        if let Some(line) = read.pending {
            out.pending.push(LineRef {
                file: name.clone(),
                line,
                why: None,
            });
        }
        reads.push((name, read, prev));
    }
    out.files = files.len();
    let staged: usize = reads.iter().map(|(_, r, _)| r.records.len()).sum();
    let listed = dirs_text(dirs);
    // The request table feeds the allocation (split_by = "gateway"): cached allocations go.
    store.bump_generation();
    let inserted = store
        .in_transaction(|c| {
            c.execute_batch(queries::GATEWAY_STAGING)?;
            append(c, source, &reads)?;
            let inserted = c.execute(queries::GATEWAY_INSERT_NEW, [])?;
            if staged > 0 {
                c.execute_batch(queries::GATEWAY_DAILY_REBUILD)?;
            }
            let now = chrono::Utc::now().naive_utc();
            for (name, read, prev) in &reads {
                if prev.is_some_and(|p| *p == read.next) {
                    continue;
                }
                c.execute(queries::GATEWAY_SPOOL_OFFSET_DELETE, params![source, name])?;
                c.execute(
                    queries::GATEWAY_SPOOL_OFFSET_INSERT,
                    params![
                        source,
                        name,
                        read.next.bytes_done as i64,
                        read.next.lines_done as i64,
                        read.next.head_sha256,
                        now
                    ],
                )?;
            }
            c.execute(
                queries::GATEWAY_RUN_INSERT,
                params![
                    source,
                    listed,
                    inserted as i64,
                    started,
                    now,
                    "ok",
                    Option::<String>::None
                ],
            )?;
            c.execute_batch("DROP TABLE gateway_staging")?;
            Ok::<_, duckdb::Error>(inserted)
        })
        .map_err(db_err)?;
    out.new_records = inserted;
    out.known = staged - inserted;
    Ok(out)
}

/// Every record read, into `gateway_staging` in native types.
fn append(
    c: &Connection,
    source: &str,
    reads: &[(String, FileRead, Option<&Offset>)],
) -> duckdb::Result<()> {
    let mut app = c.appender_to_catalog_and_db("gateway_staging", "temp", "main")?;
    let n = |v: Option<u64>| v.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    for (file, read, _) in reads {
        for (line, r) in &read.records {
            app.append_row(params![
                r.request_id,
                source,
                r.provider_request_id,
                r.key_hint,
                r.started(),
                r.ended(),
                r.day(),
                r.provider,
                r.endpoint,
                r.model_requested,
                r.model,
                r.use_case,
                r.user,
                r.tags_json(),
                i32::from(r.status),
                r.outcome,
                r.stream,
                n(r.input_tokens),
                n(r.cached_input_tokens),
                n(r.cache_write_tokens),
                n(r.cache_write_1h_tokens),
                n(r.output_tokens),
                n(r.reasoning_tokens),
                r.cost_usd,
                r.priced,
                r.latency_ms,
                r.ttft_ms,
                file,
                *line as i64,
            ])?;
        }
    }
    app.flush()
}

fn offsets(c: &Connection, source: &str) -> duckdb::Result<HashMap<String, Offset>> {
    let mut stmt = c.prepare_cached(queries::GATEWAY_SPOOL_OFFSETS)?;
    let rows = stmt.query_map([source], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Offset {
                bytes_done: r.get::<_, i64>(1)?.max(0) as u64,
                lines_done: r.get::<_, i64>(2)?.max(0) as u64,
                head_sha256: r.get(3)?,
            },
        ))
    })?;
    rows.collect()
}

fn dirs_text(dirs: &[PathBuf]) -> String {
    dirs.iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

//! The one write path: rows are staged (Appender, or SQL for files), checked, and then replace
//! their scope of the ledger in a single transaction. A failure anywhere leaves the DB as it was.

use chrono::NaiveDateTime;
use duckdb::{params, Connection};

use super::{queries, Result, Store};
use crate::normalize::LedgerRow;

/// Which rows of the ledger an ingest replaces.
#[derive(Debug, Clone)]
pub enum IngestScope {
    /// A source's rows whose ChargePeriodStart is in [start, end).
    Window {
        source: String,
        start: NaiveDateTime,
        end: NaiveDateTime,
    },
    /// The rows a file brought in (re-importing a file replaces them).
    File {
        source: String,
        file: String,
        sha256: String,
    },
    /// Every row of a source.
    Source { source: String },
}

impl IngestScope {
    fn source(&self) -> &str {
        match self {
            IngestScope::Window { source, .. }
            | IngestScope::File { source, .. }
            | IngestScope::Source { source } => source,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestSummary {
    pub rows_written: usize,
    pub rows_replaced: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{count} staged rows fall outside the window being replaced (first at {first}); nothing was written")]
    OutsideWindow { count: i64, first: String },
    #[error("{0} staged rows share a row key with another staged row; nothing was written")]
    DuplicateKeys(i64),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] duckdb::Error),
}

impl Store {
    /// Replaces `scope` with `rows` in one transaction.
    pub fn ingest_rows(
        &self,
        scope: &IngestScope,
        rows: &[LedgerRow],
    ) -> Result<IngestSummary, IngestError> {
        self.ingest_with(scope, |c| {
            Ok(super::append::append_ledger_rows(c, "staging", rows)?)
        })
    }

    /// Replaces `scope` with whatever `fill` stages (e.g. `INSERT INTO staging SELECT ... FROM read_csv(..)`).
    pub fn ingest_with(
        &self,
        scope: &IngestScope,
        fill: impl FnOnce(&Connection) -> Result<(), IngestError>,
    ) -> Result<IngestSummary, IngestError> {
        self.ingest_scopes(std::slice::from_ref(scope), fill)
    }

    /// Replaces several scopes at once (e.g. every file of one import): all or nothing.
    pub fn ingest_scopes(
        &self,
        scopes: &[IngestScope],
        fill: impl FnOnce(&Connection) -> Result<(), IngestError>,
    ) -> Result<IngestSummary, IngestError> {
        let started = chrono::Utc::now().naive_utc();
        // Even a failed write invalidates cached allocations: cheap, and never stale.
        self.bump_generation();
        self.in_transaction(|c| {
            c.execute_batch(queries::STAGING)?;
            fill(c)?;
            let mut replaced = 0;
            for scope in scopes {
                check_staged(c, scope, scopes.len() == 1)?;
            }
            // The (source, day) pairs this write touches: their daily rollup rows and their
            // months' monthly rollup rows are rebuilt.
            c.execute_batch(ROLLUP_SCOPE_STAGED)?;
            for scope in scopes {
                on_scope(c, scope, ROLLUP_SCOPE_REPLACED)?;
                replaced += on_scope(c, scope, "DELETE FROM ledger")?;
            }
            let written = c.execute(queries::INGEST_STAGING, [])?;
            for scope in scopes {
                cluster_by_time(c, scope)?;
            }
            c.execute_batch(queries::DIMS_REBUILD)?;
            c.execute_batch(queries::DAILY_REBUILD)?;
            c.execute_batch(queries::MONTHLY_REBUILD)?;
            if written > 0 {
                check_one_currency(c)?;
            }
            for scope in scopes {
                let n = match scope {
                    IngestScope::File { file, .. } => c.query_row(
                        "SELECT count(*) FROM staging WHERE x_SourceFile = ?",
                        [file],
                        |r| r.get::<_, i64>(0),
                    )? as usize,
                    _ => written,
                };
                record_run(c, scope, n, started)?;
            }
            c.execute_batch("DROP TABLE staging")?;
            Ok(IngestSummary {
                rows_written: written,
                rows_replaced: replaced,
            })
        })
    }
}

impl Store {
    /// Replaces `scopes` with rows that `fill` inserts straight into `ledger` (no staging table),
    /// in one transaction: the scopes' rows are deleted first, `fill` inserts only rows of those
    /// scopes and returns the scopes to record (e.g. with checksums known only once the rows are
    /// read), then each scope's rows are put in time order if they arrived out of it, and the
    /// rollups rebuilt. For bulk loads (file imports) whose rows carry unique keys by
    /// construction; anything `fill` refuses rolls all of it back.
    pub fn ingest_direct(
        &self,
        scopes: &[IngestScope],
        fill: impl FnOnce(&Connection) -> Result<Vec<IngestScope>, IngestError>,
    ) -> Result<IngestSummary, IngestError> {
        let started = chrono::Utc::now().naive_utc();
        self.bump_generation();
        self.in_transaction(|c| {
            c.execute_batch(ROLLUP_SCOPE_EMPTY)?;
            let mut replaced = 0;
            for scope in scopes {
                on_scope(c, scope, ROLLUP_SCOPE_REPLACED)?;
                replaced += on_scope(c, scope, "DELETE FROM ledger")?;
            }
            let recorded = fill(c)?;
            let mut written = 0;
            let mut counts = Vec::new();
            for scope in &recorded {
                cluster_by_time(c, scope)?;
                on_scope(c, scope, ROLLUP_SCOPE_REPLACED)?;
                let (filter, params) = scope_filter(scope);
                let n: i64 = c.query_row(
                    &format!("SELECT count(*) FROM ledger WHERE {filter}"),
                    duckdb::params_from_iter(params.iter()),
                    |r| r.get(0),
                )?;
                let n = usize::try_from(n).unwrap_or(0);
                written += n;
                counts.push(n);
            }
            c.execute_batch(queries::DIMS_REBUILD)?;
            c.execute_batch(queries::DAILY_REBUILD)?;
            c.execute_batch(queries::MONTHLY_REBUILD)?;
            if written > 0 {
                check_one_currency(c)?;
            }
            for (scope, n) in recorded.iter().zip(counts) {
                record_run(c, scope, n, started)?;
            }
            Ok(IngestSummary {
                rows_written: written,
                rows_replaced: replaced,
            })
        })
    }
}

/// Rows of one scope span at most this long per row group before they are re-sorted, so
/// zone maps still skip the groups outside a month.
const ROW_GROUP_SPAN_DAYS: i64 = 31;
/// DuckDB's rows per row group.
const ROW_GROUP_ROWS: i64 = 122_880;

/// Re-inserts the rows of `scope` in time order if some row group of them spans more than
/// [`ROW_GROUP_SPAN_DAYS`] (rows that arrived unordered); rows already clustered by time, as
/// exports written by day or month are, skip the sort.
fn cluster_by_time(c: &Connection, scope: &IngestScope) -> Result<(), IngestError> {
    let spread = format!(
        "SELECT count(*) FROM (SELECT rowid // {ROW_GROUP_ROWS} AS g, \
         max(ChargePeriodStart) - min(ChargePeriodStart) AS span FROM ledger"
    );
    let filter = scope_filter(scope);
    let late: i64 = c.query_row(
        &format!(
            "{spread} WHERE {} GROUP BY g) WHERE span > INTERVAL {ROW_GROUP_SPAN_DAYS} DAY",
            filter.0
        ),
        duckdb::params_from_iter(filter.1.iter()),
        |r| r.get(0),
    )?;
    if late == 0 {
        return Ok(());
    }
    let params = || duckdb::params_from_iter(filter.1.iter());
    c.execute(
        &format!(
            "CREATE OR REPLACE TEMP TABLE ingest_resort AS SELECT * FROM ledger WHERE {} \
             ORDER BY ChargePeriodStart, x_RowKey",
            filter.0
        ),
        params(),
    )?;
    c.execute(&format!("DELETE FROM ledger WHERE {}", filter.0), params())?;
    c.execute_batch("INSERT INTO ledger SELECT * FROM ingest_resort; DROP TABLE ingest_resort")?;
    Ok(())
}

/// The WHERE clause selecting a scope's ledger rows and its parameters.
fn scope_filter(scope: &IngestScope) -> (&'static str, Vec<duckdb::types::Value>) {
    use duckdb::types::Value;
    let micros = |t: &NaiveDateTime| {
        Value::Timestamp(
            duckdb::types::TimeUnit::Microsecond,
            t.and_utc().timestamp_micros(),
        )
    };
    match scope {
        IngestScope::Window { source, start, end } => (
            "x_Source = ? AND ChargePeriodStart >= ? AND ChargePeriodStart < ?",
            vec![Value::Text(source.clone()), micros(start), micros(end)],
        ),
        IngestScope::File { source, file, .. } => (
            "x_Source = ? AND x_SourceFile = ?",
            vec![Value::Text(source.clone()), Value::Text(file.clone())],
        ),
        IngestScope::Source { source } => ("x_Source = ?", vec![Value::Text(source.clone())]),
    }
}

/// The last guard of the one-currency rule (sources check `[ledger] currency` first): a write
/// that would leave two currencies in the ledger is refused, so no total ever adds them.
fn check_one_currency(c: &Connection) -> Result<(), IngestError> {
    let mut stmt = c.prepare("SELECT DISTINCT BillingCurrency FROM ledger_monthly ORDER BY 1")?;
    let found = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    if found.len() > 1 {
        return Err(IngestError::Invalid(format!(
            "this write would leave costs in {} in one ledger; tollgate has no exchange rates and \
             never adds two currencies, so nothing was written",
            found.join(" and ")
        )));
    }
    Ok(())
}

fn check_staged(c: &Connection, scope: &IngestScope, only: bool) -> Result<(), IngestError> {
    let dups: i64 = c.query_row(
        "SELECT count(*) FROM (SELECT x_RowKey FROM staging GROUP BY x_RowKey HAVING count(*) > 1)",
        [],
        |r| r.get(0),
    )?;
    if dups > 0 {
        return Err(IngestError::DuplicateKeys(dups));
    }
    let other_source: i64 = c.query_row(
        "SELECT count(*) FROM staging WHERE x_Source IS DISTINCT FROM ?",
        [scope.source()],
        |r| r.get(0),
    )?;
    if only && other_source > 0 {
        return Err(IngestError::Invalid(format!(
            "{other_source} staged rows name another source than {}",
            scope.source()
        )));
    }
    if let (true, IngestScope::Window { start, end, .. }) = (only, scope) {
        let (count, first): (i64, Option<String>) = c.query_row(
            "SELECT count(*), CAST(min(ChargePeriodStart) AS VARCHAR) FROM staging WHERE ChargePeriodStart < ? OR ChargePeriodStart >= ?",
            params![start, end],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if count > 0 {
            return Err(IngestError::OutsideWindow {
                count,
                first: first.unwrap_or_default(),
            });
        }
    }
    Ok(())
}

/// The days (and months) of the staged rows, as the rollups key them.
const ROLLUP_SCOPE_STAGED: &str = "CREATE OR REPLACE TEMP TABLE rollup_scope AS \
     SELECT DISTINCT x_Source, CAST(ChargePeriodStart AS DATE) AS day, \
     CAST(date_trunc('month', ChargePeriodStart) AS DATE) AS month FROM staging";
/// An empty `rollup_scope`, for writes that stage nothing ([`Store::ingest_direct`]).
const ROLLUP_SCOPE_EMPTY: &str =
    "CREATE OR REPLACE TEMP TABLE rollup_scope (x_Source VARCHAR, day DATE, month DATE)";
/// The days (and months) of the ledger rows a scope replaces (completed by [`on_scope`]).
const ROLLUP_SCOPE_REPLACED: &str = "INSERT INTO rollup_scope \
     SELECT DISTINCT x_Source, CAST(ChargePeriodStart AS DATE), \
     CAST(date_trunc('month', ChargePeriodStart) AS DATE) FROM ledger";

/// Runs `head` (a statement over `ledger`) restricted to the ledger rows of `scope`.
fn on_scope(c: &Connection, scope: &IngestScope, head: &str) -> Result<usize, IngestError> {
    let (filter, params) = scope_filter(scope);
    Ok(c.execute(
        &format!("{head} WHERE {filter}"),
        duckdb::params_from_iter(params.iter()),
    )?)
}

fn record_run(
    c: &Connection,
    scope: &IngestScope,
    written: usize,
    started: NaiveDateTime,
) -> Result<(), IngestError> {
    let (kind, ws, we, file, sha) = match scope {
        IngestScope::Window { start, end, .. } => ("window", Some(*start), Some(*end), None, None),
        IngestScope::File { file, sha256, .. } => {
            ("file", None, None, Some(file.clone()), Some(sha256.clone()))
        }
        IngestScope::Source { .. } => ("source", None, None, None, None),
    };
    c.execute(
        "INSERT INTO ingest_runs SELECT COALESCE(max(id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP, 'ok', NULL FROM ingest_runs",
        params![scope.source(), kind, ws, we, file, sha, written as i64, started],
    )?;
    Ok(())
}

//! What the ledger holds per source and what the recorded ingest runs say: one set of queries
//! for `tollgate doctor` and the cockpit's Sources tab, so the two cannot disagree.

use chrono::NaiveDateTime;

use super::{Result, Store};

/// A source's rows in the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerSpan {
    pub source: String,
    pub rows: i64,
    /// The latest `ChargePeriodEnd` (exclusive end of the newest charge).
    pub data_end: NaiveDateTime,
}

/// One row of `ingest_runs`.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestRun {
    pub id: i64,
    pub source: String,
    /// `window` (a sync), `file` (an import) or `source` (a whole source replaced, e.g. the demo).
    pub kind: String,
    pub window_start: Option<NaiveDateTime>,
    pub window_end: Option<NaiveDateTime>,
    pub file: Option<String>,
    pub rows_written: i64,
    pub started_at: NaiveDateTime,
    pub finished_at: NaiveDateTime,
    /// `ok` or `error`.
    pub status: String,
    pub error: Option<String>,
}

impl IngestRun {
    pub fn ok(&self) -> bool {
        self.status == "ok"
    }

    /// `sync`, `import`, `load` (a whole source replaced, e.g. by the demo) or the recorded kind.
    pub fn kind_label(&self) -> &str {
        match self.kind.as_str() {
            "window" => "sync",
            "file" => "import",
            "source" => "load",
            other => other,
        }
    }

    /// `2026-10-20 .. 2026-11-21` for a window, the file for an import, else empty.
    pub fn what(&self) -> String {
        match (self.window_start, self.window_end, &self.file) {
            (Some(s), Some(e), _) => format!("{} .. {}", s.date(), e.date()),
            (_, _, Some(f)) => f.clone(),
            _ => String::new(),
        }
    }

    pub fn seconds(&self) -> f64 {
        (self.finished_at - self.started_at).num_milliseconds() as f64 / 1000.0
    }
}

const LEDGER_SPANS: &str =
    "SELECT x_Source, count(*), max(ChargePeriodEnd) FROM ledger GROUP BY 1 ORDER BY 1";
const RUN_COLUMNS: &str = "id, source, kind, window_start, window_end, file, rows_written, \
     started_at, finished_at, status, error";

impl Store {
    /// Rows and the newest charge per `x_Source`, by source name.
    pub fn ledger_spans(&self) -> Result<Vec<LedgerSpan>> {
        let mut stmt = self.conn().prepare(LEDGER_SPANS)?;
        let rows = stmt.query_map([], |r| {
            Ok(LedgerSpan {
                source: r.get(0)?,
                rows: r.get(1)?,
                data_end: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The latest `limit` runs, newest first.
    pub fn recent_runs(&self, limit: usize) -> Result<Vec<IngestRun>> {
        self.runs(&format!(
            "SELECT {RUN_COLUMNS} FROM ingest_runs ORDER BY id DESC LIMIT {limit}"
        ))
    }

    /// The latest run of every source, by source name.
    pub fn last_runs(&self) -> Result<Vec<IngestRun>> {
        self.runs(&format!(
            "SELECT {RUN_COLUMNS} FROM ingest_runs \
             QUALIFY row_number() OVER (PARTITION BY source ORDER BY id DESC) = 1 ORDER BY source"
        ))
    }

    fn runs(&self, sql: &str) -> Result<Vec<IngestRun>> {
        let mut stmt = self.conn().prepare(sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(IngestRun {
                id: r.get(0)?,
                source: r.get(1)?,
                kind: r.get(2)?,
                window_start: r.get(3)?,
                window_end: r.get(4)?,
                file: r.get(5)?,
                rows_written: r.get(6)?,
                started_at: r.get(7)?,
                finished_at: r.get(8)?,
                status: r.get(9)?,
                error: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

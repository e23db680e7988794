//! focus.csv and focus.parquet: the month's (or quarter's) ledger rows as FOCUS 1.2 (every ledger column, the
//! mandatory ones included) plus `x_UseCase`, `x_Category`, `x_Share`, `x_AllocatedCost` and
//! the ledger's own `x_` columns, written by DuckDB's COPY so DECIMAL money stays exact.
//!
//! A row split across use cases is emitted once per use case (see queries/export/focus.sql):
//! every cost and quantity column is that use case's part, and the parts add up exactly to the
//! ledger row. So the FOCUS cost columns of the file add up to the month's total, grouping
//! `EffectiveCost` by `x_UseCase` gives the use-case split, and `import focus` of the file
//! reproduces the month's totals. `x_SourceFile` is the file's name only (no paths in a pack).

use std::path::Path;

use chrono::NaiveDateTime;
use duckdb::params;

use super::ExportError;
use crate::config::Config;
use crate::store::queries;
use crate::store::Store;

pub const CSV: &str = "focus.csv";
pub const PARQUET: &str = "focus.parquet";

/// Writes focus.csv and focus.parquet of the rows starting in `[start, end)` (a month's or a
/// quarter's bounds) into `dir`; returns the rows written.
pub fn write(
    store: &Store,
    config: &Config,
    (start, end): (NaiveDateTime, NaiveDateTime),
    dir: &Path,
) -> Result<usize, ExportError> {
    store.refresh_allocation(config)?;
    let c = store.conn();
    c.execute(queries::EXPORT_FOCUS, params![start, end])?;
    let rows: i64 = c.query_row("SELECT count(*) FROM export_focus", [], |r| r.get(0))?;
    // COPY takes no bound parameters: the target is a quoted literal of our own temp path.
    let copy = |name: &str, options: &str| -> Result<(), ExportError> {
        let path = dir.join(name).display().to_string().replace('\'', "''");
        c.execute_batch(&format!("COPY export_focus TO '{path}' ({options})"))?;
        Ok(())
    };
    copy(CSV, "FORMAT csv, HEADER true")?;
    copy(PARQUET, "FORMAT parquet, COMPRESSION zstd")?;
    c.execute_batch("DROP TABLE IF EXISTS export_focus")?;
    Ok(usize::try_from(rows).unwrap_or(0))
}

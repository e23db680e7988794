//! Business-review packs (`tollgate export --month M --out DIR`, docs/CONTRACTS.md "Export pack"):
//! a frozen, reproducible snapshot of one month for finance.
//!
//! A pack is a directory with `summary.md`, `report.html` (self-contained, inline SVG charts),
//! `focus.csv` and `focus.parquet` (the month's ledger rows with their use case; see
//! [`focus_files`] for how split rows are emitted), `use_cases.csv`, `gates.csv`,
//! `dependencies.csv`, `ai_systems.csv` (the AI Act inventory, see [`ai_systems`]) and
//! `manifest.json` (checksums, data watermark, version).
//!
//! - Same numbers as the CLI: every figure comes from the engine ([`crate::report`],
//!   [`crate::gates`], [`crate::forecast`], [`crate::deps`], [`crate::reconcile`]), rounded by
//!   the engine (`money::cents_summing_to`), so a pack cannot disagree with `tollgate report`.
//! - Frozen: gates and the forecast are evaluated as of the 1st of the next month once the month
//!   is over (today while it is in progress), dependencies over the 30 days to the month's last
//!   day; so the same DB and month give byte-identical files whenever they are exported. Only
//!   manifest.json carries a timestamp and a path. Every list has a stable order.
//! - Atomic: the pack is written into a temporary directory next to `DIR` and renamed into
//!   place; a failure leaves `DIR` as it was and records nothing. `DIR` must not exist, be
//!   empty, or hold an earlier pack (which is replaced).
//! - Recorded: each pack is a row of `export_packs` with a digest of its numbers; the summary
//!   says what changed since the latest pack of an earlier month (see [`diff`]).

pub mod ai_systems;
pub mod csv_files;
pub mod data;
pub mod diff;
pub mod doc;
pub mod focus_files;
pub mod html;
pub mod lake;
pub mod manifest;
pub mod quarter;
pub mod summary_md;
pub mod svg;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use duckdb::params;
use serde::Serialize;

use crate::config::Config;
use crate::month::Month;
use crate::quarter::Quarter;
use crate::store::queries;
use crate::store::{Store, StoreError};

pub const SUMMARY: &str = "summary.md";
pub const REPORT: &str = "report.html";

/// Every file of a pack but the manifest, in the order the manifest lists them.
pub const FILES: [&str; 8] = [
    SUMMARY,
    REPORT,
    focus_files::CSV,
    focus_files::PARQUET,
    csv_files::USE_CASES,
    csv_files::GATES,
    csv_files::DEPENDENCIES,
    ai_systems::NAME,
];

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no ledger rows in {month}{}; pick a month with data (`tollgate report` shows the latest) or load it with `tollgate sync` / `tollgate import focus`", latest.map(|m| format!(" (the latest month with data is {m})")).unwrap_or_else(|| " (the ledger is empty)".to_string()))]
    NoData { month: Month, latest: Option<Month> },
    #[error("no ledger rows in {quarter}{}; pick a quarter with data or load it with `tollgate sync` / `tollgate import focus`", latest.map(|m| format!(" (the latest month with data is {m}, in {})", crate::quarter::Quarter::of(m))).unwrap_or_else(|| " (the ledger is empty)".to_string()))]
    NoQuarterData {
        quarter: Quarter,
        latest: Option<Month>,
    },
    #[error(
        "{quarter} has not started yet (today is {today}); pick a quarter up to the current one"
    )]
    FutureQuarter { quarter: Quarter, today: NaiveDate },
    #[error("{month} has not started yet (today is {today}); pick a month up to the current one")]
    FutureMonth { month: Month, today: NaiveDate },
    #[error("--out {0} is a file; give a directory (new, empty, or an earlier pack to replace)")]
    OutIsFile(PathBuf),
    #[error("--out {0} is a directory that is neither empty nor a tollgate pack; give a new or empty directory so nothing of yours is overwritten")]
    OutNotEmpty(PathBuf),
    #[error(
        "cannot write the pack to {path}: {message}; check the directory exists and is writable"
    )]
    Io { path: PathBuf, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Gates(#[from] crate::gates::GateError),
    #[error(transparent)]
    Prices(#[from] crate::prices::PriceError),
}

impl From<duckdb::Error> for ExportError {
    fn from(e: duckdb::Error) -> Self {
        ExportError::Store(e.into())
    }
}

/// One file of a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackFile {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What a pack covers: a month (the business review) or a quarter (the board's pack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month(Month),
    Quarter(Quarter),
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Month(m) => m.fmt(f),
            Period::Quarter(q) => q.fmt(f),
        }
    }
}

/// Where a pack went and what is in it.
#[derive(Debug, Clone, PartialEq)]
pub struct PackSummary {
    /// The pack's directory (absolute).
    pub dir: PathBuf,
    pub period: Period,
    pub as_of: NaiveDate,
    /// Its row in `export_packs`.
    pub pack_id: i64,
    /// Rows of focus.csv / focus.parquet.
    pub focus_rows: usize,
    /// Every file, manifest.json last.
    pub files: Vec<PackFile>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |e| ExportError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// A previous pack in `out`: it may be replaced.
fn is_pack(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join(manifest::NAME))
        .is_ok_and(|t| t.contains("\"tollgate_version\""))
}

/// Checks `out` can take a pack; returns it absolute, with its parent created.
pub(crate) fn check_out(out: &Path) -> Result<PathBuf, ExportError> {
    if out.is_file() {
        return Err(ExportError::OutIsFile(out.to_path_buf()));
    }
    if out.is_dir() {
        let empty = std::fs::read_dir(out)
            .map_err(io_err(out))?
            .next()
            .is_none();
        if !empty && !is_pack(out) {
            return Err(ExportError::OutNotEmpty(out.to_path_buf()));
        }
    }
    let abs = std::path::absolute(out).map_err(io_err(out))?;
    let parent = abs.parent().ok_or_else(|| ExportError::Io {
        path: abs.clone(),
        message: "it has no parent directory".into(),
    })?;
    std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    Ok(abs)
}

/// Writes the pack of `month` as of `today` into `out` and records it in the DB. Nothing is
/// written or recorded when anything fails. Refreshes the allocation from `config`.
pub fn write_pack(
    store: &Store,
    config: &Config,
    month: Month,
    out: &Path,
    today: NaiveDate,
) -> Result<PackSummary, ExportError> {
    let out = check_out(out)?;
    let mut data = data::gather(store, config, month, today)?;
    let digest = diff::digest(&data);
    data.changes = previous_changes(store, config, month, &digest)?;
    let digest_json = serde_json::to_string(&digest).map_err(|e| ExportError::Io {
        path: out.clone(),
        message: e.to_string(),
    })?;
    let mut focus_rows = 0;
    let (pack_id, files) = assemble(
        store,
        &out,
        Period::Month(month),
        data.as_of,
        &FILES,
        &digest_json,
        |dir| {
            focus_rows = focus_files::write(store, config, month.bounds(), dir)?;
            let blocks = doc::build(&data, &FILES);
            Ok(vec![
                (SUMMARY, summary_md::render(&blocks)),
                (
                    REPORT,
                    html::render(&blocks, &|c| html::month_chart(c, &data)),
                ),
                (csv_files::USE_CASES, csv_files::use_cases(&data)),
                (csv_files::GATES, csv_files::gates(&data)),
                (csv_files::DEPENDENCIES, csv_files::dependencies(&data)),
                (ai_systems::NAME, ai_systems::csv(&data)),
            ])
        },
    )?;
    Ok(PackSummary {
        dir: out,
        period: Period::Month(month),
        as_of: data.as_of,
        pack_id,
        focus_rows,
        files,
    })
}

/// The part every pack shares: `fill` writes the pack's files into a temporary directory
/// beside `out` (FOCUS files itself, the text files it returns), then the manifest of `files`
/// is added, the pack is recorded in `export_packs` with `digest_json`, and the directory is
/// renamed into place; all of it or nothing. `out` is absolute and checked ([`check_out`]).
pub(crate) fn assemble(
    store: &Store,
    out: &Path,
    period: Period,
    as_of: NaiveDate,
    files: &[&str],
    digest_json: &str,
    fill: impl FnOnce(&Path) -> Result<Vec<(&'static str, String)>, ExportError>,
) -> Result<(i64, Vec<PackFile>), ExportError> {
    let parent = out.parent().unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".tollgate-pack-")
        .tempdir_in(parent)
        .map_err(io_err(parent))?;
    let dir = tmp.path();
    for (name, text) in fill(dir)? {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(io_err(&p))?;
    }
    let mut described = manifest::describe(dir, files).map_err(io_err(dir))?;
    let watermark: Option<String> = store
        .conn()
        .query_row(queries::FRESHNESS, [], |r| r.get(0))?;
    let (month, quarter) = match period {
        Period::Month(m) => (Some(m.to_string()), None),
        Period::Quarter(q) => (None, Some(q.to_string())),
    };
    let m = manifest::Manifest {
        tollgate_version: env!("CARGO_PKG_VERSION").to_string(),
        month,
        quarter,
        as_of: as_of.to_string(),
        created_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        data_watermark: watermark.clone(),
        database: store.path().map(|p| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.to_path_buf())
                .display()
                .to_string()
        }),
        files: described.clone(),
    };
    let manifest_path = dir.join(manifest::NAME);
    let json = serde_json::to_string_pretty(&m).map_err(|e| ExportError::Io {
        path: manifest_path.clone(),
        message: e.to_string(),
    })?;
    std::fs::write(&manifest_path, format!("{json}\n")).map_err(io_err(&manifest_path))?;
    let (bytes, sha256) = manifest::sha256_file(&manifest_path).map_err(io_err(&manifest_path))?;
    described.push(PackFile {
        name: manifest::NAME.to_string(),
        bytes,
        sha256: sha256.clone(),
    });

    // The row lands only if the pack is in place, and the pack stays only if the row landed.
    let pack_id = store.in_transaction(|c| {
        let id: i64 = c.query_row(
            queries::EXPORT_PACK_INSERT,
            params![
                period.to_string(),
                as_of,
                out.display().to_string(),
                env!("CARGO_PKG_VERSION"),
                watermark,
                sha256,
                digest_json
            ],
            |r| r.get(0),
        )?;
        move_into_place(dir, out)?;
        Ok::<_, ExportError>(id)
    })?;
    // The temporary directory was renamed; nothing is left to clean up.
    let _ = tmp.keep();
    Ok((pack_id, described))
}

/// Renames the finished pack `from` to `to`, replacing an earlier pack or empty dir there.
fn move_into_place(from: &Path, to: &Path) -> Result<(), ExportError> {
    if !to.exists() {
        return std::fs::rename(from, to).map_err(io_err(to));
    }
    let old = to.with_file_name(format!(
        ".{}.replaced",
        to.file_name().and_then(|n| n.to_str()).unwrap_or("pack")
    ));
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io_err(&old))?;
    }
    std::fs::rename(to, &old).map_err(io_err(to))?;
    if let Err(e) = std::fs::rename(from, to) {
        let _ = std::fs::rename(&old, to);
        return Err(io_err(to)(e));
    }
    std::fs::remove_dir_all(&old).map_err(io_err(&old))
}

/// What changed since the latest pack of an earlier month, if any.
fn previous_changes(
    store: &Store,
    config: &Config,
    month: Month,
    now: &diff::Digest,
) -> Result<Option<diff::Changes>, ExportError> {
    let mut stmt = store.conn().prepare(queries::EXPORT_PACK_PREVIOUS)?;
    let mut rows = stmt.query([month.to_string()])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let prev_month: String = row.get(1)?;
    let digest: String = row.get(2)?;
    let (Ok(prev_month), Ok(previous)) = (
        prev_month.parse::<Month>(),
        serde_json::from_str::<diff::Digest>(&digest),
    ) else {
        return Ok(None);
    };
    let restated = crate::report::month_report(store, config, prev_month)?;
    Ok(Some(diff::compare(&previous, &restated, now)))
}

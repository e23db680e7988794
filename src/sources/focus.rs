//! A `focus` source: the FOCUS CSV/Parquet/zip files a configured path or glob names (AWS Data
//! Exports, GCP's FOCUS export, Pinecone cost exports), synced like any other source. A file
//! whose SHA-256 matches its last successful import is skipped; a new or changed file goes
//! through `import::focus` and replaces the rows it brought before. All changed files of one
//! sync land together or not at all.

use std::path::{Path, PathBuf};

use crate::import::focus::{import_files, is_importable, sha256_file};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct FocusSync {
    /// Files matched by the path.
    pub matched: usize,
    /// Files imported this time (new or changed), with their row counts.
    pub imported: Vec<(PathBuf, usize)>,
    /// Files skipped because their checksum is unchanged.
    pub unchanged: usize,
}

/// The files `pattern` names: a file, a directory (its importable files) or a glob.
pub fn files(source: &str, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let p = Path::new(pattern);
    let mut out: Vec<PathBuf> = if p.is_dir() {
        std::fs::read_dir(p)
            .map_err(|e| format!("source {source}: cannot list {pattern}: {e}"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect()
    } else if p.is_file() {
        vec![p.to_path_buf()]
    } else {
        glob::glob(pattern)
            .map_err(|e| format!("source {source}: path '{pattern}' is not a valid glob: {e}"))?
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .collect()
    };
    out.retain(|f| is_importable(f));
    out.sort();
    if out.is_empty() {
        return Err(format!(
            "source {source}: path '{pattern}' matches no .csv, .csv.gz, .parquet or .zip file; check path in [sources.{source}]"
        ));
    }
    Ok(out)
}

/// The SHA-256 recorded by the last successful import of `file` into `source`.
fn last_sha(store: &Store, source: &str, file: &str) -> Result<Option<String>, String> {
    store
        .conn()
        .query_row(
            "SELECT file_sha256 FROM ingest_runs WHERE source = ? AND kind = 'file' AND file = ? AND status = 'ok' ORDER BY id DESC LIMIT 1",
            [source, file],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| match e {
            duckdb::Error::QueryReturnedNoRows => Ok(None),
            e => Err(format!("source {source}: {e}")),
        })
}

/// Imports the new and changed files of the source.
pub fn sync(
    store: &Store,
    source: &str,
    pattern: &str,
    currency: &str,
) -> Result<FocusSync, String> {
    let matched = files(source, pattern)?;
    let mut changed = Vec::new();
    for f in &matched {
        let canonical = std::fs::canonicalize(f)
            .map_err(|e| format!("source {source}: {}: cannot open it: {e}", f.display()))?;
        let sha = sha256_file(&canonical)
            .map_err(|e| format!("source {source}: {}: cannot read it: {e}", f.display()))?;
        let key = canonical.display().to_string();
        if last_sha(store, source, &key)?.as_deref() != Some(sha.as_str()) {
            changed.push(f.clone());
        }
    }
    let unchanged = matched.len() - changed.len();
    if changed.is_empty() {
        return Ok(FocusSync {
            matched: matched.len(),
            imported: Vec::new(),
            unchanged,
        });
    }
    let summary = import_files(store, &changed, source, currency)
        .map_err(|e| format!("source {source}: {e}"))?;
    Ok(FocusSync {
        matched: matched.len(),
        imported: summary
            .files
            .into_iter()
            .map(|f| (f.file, f.rows))
            .collect(),
        unchanged,
    })
}

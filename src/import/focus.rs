//! `tollgate import focus FILE...`: FOCUS 1.0–1.2 CSV, Parquet and zip-of-CSV exports, read
//! inside DuckDB (read_csv / read_parquet) typed and in parallel, or, when that refuses a file,
//! checked column by column to name what is wrong. All files of one import land together or
//! not at all; re-importing a file replaces the rows it brought before.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::focus_checked::{stage_file, Target};
use super::focus_typed;
use crate::store::{IngestScope, Store};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{file}: line {line}: column {column}: {message}")]
    Value {
        file: String,
        line: i64,
        column: String,
        message: String,
    },
    #[error("{0}")]
    Store(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileImport {
    pub file: PathBuf,
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    pub files: Vec<FileImport>,
    pub rows_replaced: usize,
}

/// A file to import: as the user named it, its canonical path, and its key in the ledger
/// (`x_SourceFile`, the canonical path).
struct Prepared {
    shown: PathBuf,
    canonical: PathBuf,
    key: String,
    row_key_prefix: String,
}

/// Imports `files` as source `source`. Nothing changes if any file is bad.
/// Every row's BillingCurrency must be `currency` (the ledger's, `[ledger] currency`).
///
/// The typed path ([`focus_typed`](super::focus_typed)) reads each file in parallel straight
/// into the ledger while the files' checksums are computed alongside; if it refuses anything,
/// its transaction is rolled back and the checked path ([`focus_checked`](super::focus_checked))
/// runs instead, naming the file, line and column of what is wrong (or reading what the typed
/// read could not).
pub fn import_files(
    store: &Store,
    files: &[PathBuf],
    source: &str,
    currency: &str,
) -> Result<ImportSummary, ImportError> {
    let files = expand_dirs(files)?;
    let mut prepared = Vec::new();
    for f in &files {
        let canonical = std::fs::canonicalize(f).map_err(|e| ImportError::File {
            file: f.display().to_string(),
            message: format!("cannot open it: {e}"),
        })?;
        let key = canonical.display().to_string();
        prepared.push(Prepared {
            shown: f.clone(),
            row_key_prefix: row_key_prefix(&key),
            canonical,
            key,
        });
    }
    let mut checksums = Checksums::start(&prepared);
    let tmp = tempfile::Builder::new()
        .prefix("tollgate-import")
        .tempdir()
        .map_err(|e| ImportError::Store(e.to_string()))?;
    match import_typed(
        store,
        &prepared,
        source,
        currency,
        &mut checksums,
        tmp.path(),
    ) {
        Ok(summary) => return Ok(summary),
        Err(reason) => tracing::debug!("typed import gave up ({reason}); checking every value"),
    }
    import_checked(
        store,
        &prepared,
        source,
        currency,
        &mut checksums,
        tmp.path(),
    )
}

/// The checked path: every file read as text, checked value by value, staged, then written.
fn import_checked(
    store: &Store,
    prepared: &[Prepared],
    source: &str,
    currency: &str,
    checksums: &mut Checksums,
    scratch: &Path,
) -> Result<ImportSummary, ImportError> {
    let shas = checksums.get(prepared)?;
    let scopes: Vec<IngestScope> = prepared
        .iter()
        .zip(shas)
        .map(|(p, sha256)| IngestScope::File {
            source: source.to_string(),
            file: p.key.clone(),
            sha256,
        })
        .collect();
    let mut counts = Vec::new();
    let mut failure: Option<ImportError> = None;
    let result = store.ingest_scopes(&scopes, |c| {
        for (i, p) in prepared.iter().enumerate() {
            let target = Target {
                key: &p.key,
                source,
                currency,
                row_key_prefix: &p.row_key_prefix,
            };
            match stage_file(
                c,
                &p.shown,
                &p.canonical,
                &target,
                &scratch.join(format!("checked-{i}")),
            ) {
                Ok(n) => counts.push(n),
                Err(e) => {
                    failure = Some(e);
                    return Err(crate::store::IngestError::Invalid(
                        "file rejected".to_string(),
                    ));
                }
            }
        }
        Ok(())
    });
    if let Some(e) = failure {
        return Err(e);
    }
    let summary = result.map_err(|e| ImportError::Store(e.to_string()))?;
    Ok(summary_of(prepared, counts, summary.rows_replaced))
}

/// The typed path: every file inserted straight into the ledger in one transaction. `Err`
/// (with the reason) when it gave up; nothing was written then.
fn import_typed(
    store: &Store,
    prepared: &[Prepared],
    source: &str,
    currency: &str,
    checksums: &mut Checksums,
    scratch: &Path,
) -> Result<ImportSummary, String> {
    let mut keys: Vec<&str> = prepared.iter().map(|p| p.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() != prepared.len() {
        return Err("a file is named twice".into());
    }
    let scopes: Vec<IngestScope> = prepared
        .iter()
        .map(|p| IngestScope::File {
            source: source.to_string(),
            file: p.key.clone(),
            sha256: String::new(),
        })
        .collect();
    let mut counts = Vec::new();
    let mut gave_up = None;
    let result = store.ingest_direct(&scopes, |c| {
        for (i, p) in prepared.iter().enumerate() {
            let target = Target {
                key: &p.key,
                source,
                currency,
                row_key_prefix: &p.row_key_prefix,
            };
            let scratch = scratch.join(format!("typed-{i}"));
            match focus_typed::insert_file(c, &p.canonical, &target, &scratch) {
                Ok(n) => counts.push(n),
                Err(e) => {
                    gave_up = Some(e.0);
                    return Err(crate::store::IngestError::Invalid("gave up".into()));
                }
            }
        }
        let shas = checksums
            .get(prepared)
            .map_err(|e| crate::store::IngestError::Invalid(e.to_string()))?;
        Ok(scopes
            .iter()
            .zip(shas)
            .map(|(s, sha256)| match s {
                IngestScope::File { source, file, .. } => IngestScope::File {
                    source: source.clone(),
                    file: file.clone(),
                    sha256,
                },
                other => other.clone(),
            })
            .collect())
    });
    match (result, gave_up) {
        (_, Some(reason)) => Err(reason),
        (Err(e), None) => Err(e.to_string()),
        (Ok(summary), None) => Ok(summary_of(prepared, counts, summary.rows_replaced)),
    }
}

fn summary_of(prepared: &[Prepared], counts: Vec<usize>, rows_replaced: usize) -> ImportSummary {
    ImportSummary {
        files: prepared
            .iter()
            .zip(counts)
            .map(|(p, rows)| FileImport {
                file: p.shown.clone(),
                rows,
            })
            .collect(),
        rows_replaced,
    }
}

/// The row keys of a file are this prefix and the row's line number: unique in the ledger
/// (the prefix is the file's key hashed), cheap to build, and the same on every re-import.
fn row_key_prefix(key: &str) -> String {
    let digest = hex::encode(Sha256::digest(key.as_bytes()));
    format!("{}:", &digest[..16])
}

/// The files' SHA-256, computed on threads of their own while DuckDB reads the files.
struct Checksums {
    running: Vec<std::thread::JoinHandle<std::io::Result<String>>>,
    done: Option<Vec<String>>,
}

impl Checksums {
    fn start(prepared: &[Prepared]) -> Checksums {
        let running = prepared
            .iter()
            .map(|p| {
                let path = p.canonical.clone();
                std::thread::spawn(move || sha256_file(&path))
            })
            .collect();
        Checksums {
            running,
            done: None,
        }
    }

    /// Waits for every checksum (once); the first file that could not be read is the error.
    fn get(&mut self, prepared: &[Prepared]) -> Result<Vec<String>, ImportError> {
        if let Some(done) = &self.done {
            return Ok(done.clone());
        }
        let mut out = Vec::new();
        for (p, handle) in prepared.iter().zip(self.running.drain(..)) {
            let sha = handle
                .join()
                .map_err(|_| file_err(&p.shown, "cannot read it: the checksum thread failed"))?
                .map_err(|e| file_err(&p.shown, &format!("cannot read it: {e}")))?;
            out.push(sha);
        }
        self.done = Some(out.clone());
        Ok(out)
    }
}

pub(super) fn file_err(file: &Path, message: &str) -> ImportError {
    ImportError::File {
        file: file.display().to_string(),
        message: message.to_string(),
    }
}

pub fn sha256_file(p: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(p)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Each directory among `files` replaced by the files it holds (a lake written by `export
/// --lake`, or any tree of exports), in name order, skipping names that start with `_` or `.`
/// (a lake's manifest and allocation, hidden files).
fn expand_dirs(files: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    let mut out = Vec::new();
    for f in files {
        if !f.is_dir() {
            out.push(f.clone());
            continue;
        }
        let mut found = Vec::new();
        let mut dirs = vec![f.clone()];
        while let Some(dir) = dirs.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| file_err(&dir, &format!("cannot list it: {e}")))?;
            for entry in entries {
                let path = entry
                    .map_err(|e| file_err(&dir, &format!("cannot list it: {e}")))?
                    .path();
                let hidden = path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(['_', '.']));
                if hidden {
                    continue;
                }
                if path.is_dir() {
                    dirs.push(path);
                } else if is_importable(&path) {
                    found.push(path);
                }
            }
        }
        if found.is_empty() {
            return Err(file_err(
                f,
                "is a directory with no FOCUS file (.csv, .csv.gz, .parquet or .zip) in it",
            ));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// Whether `p` has a file type `import_files` reads (.csv, .csv.gz, .tsv, .parquet, .zip).
pub fn is_importable(p: &Path) -> bool {
    format_of(p).is_some()
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Format {
    Csv,
    Parquet,
    Zip,
}

pub(super) fn format_of(p: &Path) -> Option<Format> {
    let name = p.file_name()?.to_string_lossy().to_lowercase();
    if name.ends_with(".parquet") {
        Some(Format::Parquet)
    } else if name.ends_with(".zip") {
        Some(Format::Zip)
    } else if name.ends_with(".csv") || name.ends_with(".csv.gz") || name.ends_with(".tsv") {
        Some(Format::Csv)
    } else {
        None
    }
}

/// The zip's CSV entries, extracted: (path, entry name).
pub(super) fn unzip_csvs(
    zip_path: &Path,
    dir: &Path,
) -> Result<Vec<(String, Option<String>)>, String> {
    let f = std::fs::File::open(zip_path).map_err(|e| format!("cannot open it: {e}"))?;
    let mut archive =
        zip::ZipArchive::new(f).map_err(|e| format!("is not a readable zip file: {e}"))?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("zip entry {i}: {e}"))?;
        let name = entry.name().to_string();
        if entry.is_dir() || !name.to_lowercase().ends_with(".csv") {
            continue;
        }
        let target = dir.join(format!("{i}.csv"));
        let mut w = std::fs::File::create(&target).map_err(|e| e.to_string())?;
        std::io::copy(&mut entry, &mut w).map_err(|e| format!("zip entry {name}: {e}"))?;
        out.push((target.display().to_string(), Some(name)));
    }
    if out.is_empty() {
        return Err("the zip holds no .csv file".to_string());
    }
    Ok(out)
}

#[cfg(test)]
#[path = "focus_tests.rs"]
mod tests;

//! `tollgate import focus FILE...`: FOCUS 1.0–1.2 CSV, Parquet and zip-of-CSV exports, read
//! inside DuckDB (read_csv / read_parquet), checked column by column, and written through the
//! ledger's one ingest path. All files of one import land together or not at all; re-importing
//! a file replaces the rows it brought before.

use std::io::Read;
use std::path::{Path, PathBuf};

use duckdb::Connection;
use sha2::{Digest, Sha256};

use super::focus_columns::{Kind, COLUMNS};
use super::focus_csv::{load_csv, CsvError};
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

/// Imports `files` as source `source`. Nothing changes if any file is bad.
/// Every row's BillingCurrency must be `currency` (the ledger's, `[ledger] currency`).
pub fn import_files(
    store: &Store,
    files: &[PathBuf],
    source: &str,
    currency: &str,
) -> Result<ImportSummary, ImportError> {
    let mut scopes = Vec::new();
    let mut prepared = Vec::new();
    for f in files {
        let canonical = std::fs::canonicalize(f).map_err(|e| ImportError::File {
            file: f.display().to_string(),
            message: format!("cannot open it: {e}"),
        })?;
        let sha =
            sha256_file(&canonical).map_err(|e| file_err(f, &format!("cannot read it: {e}")))?;
        let key = canonical.display().to_string();
        scopes.push(IngestScope::File {
            source: source.to_string(),
            file: key.clone(),
            sha256: sha,
        });
        prepared.push((f.clone(), canonical, key));
    }
    let mut counts = Vec::new();
    let tmp = tempfile::Builder::new()
        .prefix("tollgate-import")
        .tempdir()
        .map_err(|e| ImportError::Store(e.to_string()))?;
    let mut failure: Option<ImportError> = None;
    let result = store.ingest_scopes(&scopes, |c| {
        for (i, (shown, canonical, key)) in prepared.iter().enumerate() {
            let target = Target {
                key,
                source,
                currency,
            };
            match stage_file(
                c,
                shown,
                canonical,
                &target,
                &tmp.path().join(i.to_string()),
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
    Ok(ImportSummary {
        files: prepared
            .iter()
            .zip(counts)
            .map(|((f, _, _), rows)| FileImport {
                file: f.clone(),
                rows,
            })
            .collect(),
        rows_replaced: summary.rows_replaced,
    })
}

fn file_err(file: &Path, message: &str) -> ImportError {
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

/// Whether `p` has a file type `import_files` reads (.csv, .csv.gz, .tsv, .parquet, .zip).
pub fn is_importable(p: &Path) -> bool {
    format_of(p).is_some()
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Parquet,
    Zip,
}

fn format_of(p: &Path) -> Option<Format> {
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

/// Where a file's rows go: the file's key, the source and the ledger's currency.
struct Target<'a> {
    key: &'a str,
    source: &'a str,
    currency: &'a str,
}

/// Loads one file into `focus_raw`, checks it, and appends it to `staging`. Returns its rows.
fn stage_file(
    c: &Connection,
    shown: &Path,
    path: &Path,
    target: &Target<'_>,
    scratch: &Path,
) -> Result<usize, ImportError> {
    let Target {
        key,
        source,
        currency,
    } = *target;
    let format = format_of(path).ok_or_else(|| file_err(shown, "unknown file type: tollgate imports FOCUS .csv, .csv.gz, .parquet or .zip (of CSVs) files"))?;
    let read_err = |e: duckdb::Error| {
        let first = e.to_string().lines().next().unwrap_or_default().to_string();
        file_err(shown, &format!("cannot read it as Parquet: {first}"))
    };
    let csv_err = |e: CsvError| file_err(shown, &e.to_string());
    match format {
        Format::Csv => load_csv(c, &[(path.display().to_string(), None)]).map_err(csv_err)?,
        Format::Parquet => load_parquet(c, &path.display().to_string()).map_err(read_err)?,
        Format::Zip => {
            let csvs = unzip_csvs(path, scratch).map_err(|m| file_err(shown, &m))?;
            load_csv(c, &csvs).map_err(csv_err)?
        }
    }
    let columns = raw_columns(c).map_err(|e| file_err(shown, &e.to_string()))?;
    let found = |aliases: &[&str], name: &str| -> Option<String> {
        let wanted: Vec<String> = if aliases.is_empty() {
            vec![name.to_lowercase()]
        } else {
            aliases.iter().map(|a| a.to_lowercase()).collect()
        };
        wanted
            .iter()
            .find_map(|w| columns.iter().find(|c| c.to_lowercase() == *w).cloned())
    };
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|col| col.required && found(col.aliases, col.name).is_none())
        .map(|col| col.name)
        .collect();
    if !missing.is_empty() {
        return Err(file_err(
            shown,
            &format!(
                "missing mandatory FOCUS column{} {}; tollgate reads FOCUS 1.0-1.2 cost and usage exports (header row required)",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", ")
            ),
        ));
    }
    let rows: i64 = c
        .query_row("SELECT count(*) FROM focus_raw", [], |r| r.get(0))
        .map_err(|e| file_err(shown, &e.to_string()))?;
    if rows == 0 {
        return Err(file_err(
            shown,
            "has a header but no rows; nothing to import",
        ));
    }
    let mut select = Vec::new();
    for col in COLUMNS {
        let expr = match found(col.aliases, col.name) {
            Some(actual) => {
                let q = quote_ident(&actual);
                check_column(c, shown, col.name, &q, col.kind, col.required)?;
                match col.kind {
                    Kind::Time => format!("CAST(NULLIF(trim({q}), '') AS TIMESTAMP)"),
                    Kind::Integer => format!("CAST(NULLIF(trim({q}), '') AS BIGINT)"),
                    _ => format!("NULLIF(trim({q}), '')"),
                }
            }
            None => default_expr(col.name, &found),
        };
        select.push(expr);
    }
    if let Some(actual) = found(&[], "BillingCurrency") {
        check_currency(c, shown, &quote_ident(&actual), currency)?;
    }
    // x_Source, x_SourceFile, x_RowKey go where staging.sql has them (after Tags).
    let tags_at = COLUMNS
        .iter()
        .position(|c| c.name == "Tags")
        .map(|i| i + 1)
        .unwrap_or(select.len());
    select.insert(tags_at, "?".to_string());
    select.insert(tags_at + 1, "?".to_string());
    select.insert(tags_at + 2, "md5(concat(?, chr(31), __line))".to_string());
    select.push("false".to_string());
    let sql = format!(
        "INSERT INTO staging SELECT {} FROM focus_raw ORDER BY __line",
        select.join(", ")
    );
    let n = c.execute(&sql, [source, key, key]).map_err(|e| {
        file_err(
            shown,
            &format!(
                "cannot convert its rows: {}",
                e.to_string().lines().next().unwrap_or_default()
            ),
        )
    })?;
    c.execute_batch("DROP TABLE focus_raw")
        .map_err(|e| file_err(shown, &e.to_string()))?;
    Ok(n)
}

/// Values for optional columns a file does not have.
fn default_expr(name: &str, found: &dyn Fn(&[&str], &str) -> Option<String>) -> String {
    let col = |n: &str| found(&[], n).map(|a| quote_ident(&a));
    let provider = found(
        &["ProviderName", "ServiceProviderName", "Provider"],
        "ProviderName",
    )
    .map(|a| quote_ident(&a));
    let start =
        col("ChargePeriodStart").map(|s| format!("CAST(NULLIF(trim({s}), '') AS TIMESTAMP)"));
    match (name, provider, start) {
        ("InvoiceIssuerName" | "PublisherName", Some(p), _) => format!("NULLIF(trim({p}), '')"),
        ("BillingPeriodStart", _, Some(s)) => format!("date_trunc('month', {s})"),
        ("BillingPeriodEnd", _, Some(s)) => format!("date_trunc('month', {s}) + INTERVAL 1 MONTH"),
        _ => "NULL".to_string(),
    }
}

fn check_column(
    c: &Connection,
    shown: &Path,
    name: &str,
    q: &str,
    kind: Kind,
    required: bool,
) -> Result<(), ImportError> {
    let value_err = |line: i64, message: String| ImportError::Value {
        file: shown.display().to_string(),
        line,
        column: name.to_string(),
        message,
    };
    let db = |e: duckdb::Error| file_err(shown, &e.to_string());
    if required {
        let sql = format!("SELECT min(__line) FROM focus_raw WHERE {q} IS NULL OR trim({q}) = ''");
        if let Some(line) = c
            .query_row(&sql, [], |r| r.get::<_, Option<i64>>(0))
            .map_err(db)?
        {
            return Err(value_err(
                line,
                "is empty, but FOCUS requires a value".to_string(),
            ));
        }
    }
    let (cast, what) = match kind {
        Kind::Money | Kind::Quantity => ("DECIMAL(38, 12)", "a number"),
        Kind::Time => ("TIMESTAMP", "a UTC timestamp such as 2026-07-14T00:00:00Z"),
        Kind::Integer => ("BIGINT", "a whole number"),
        Kind::Text => return Ok(()),
    };
    let sql = format!(
        "SELECT __line, {q} FROM focus_raw WHERE NULLIF(trim({q}), '') IS NOT NULL AND TRY_CAST(trim({q}) AS {cast}) IS NULL ORDER BY __line LIMIT 1"
    );
    let bad: Option<(i64, String)> = c
        .query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))
        .map(Some)
        .or_else(|e| {
            if matches!(e, duckdb::Error::QueryReturnedNoRows) {
                Ok(None)
            } else {
                Err(e)
            }
        })
        .map_err(db)?;
    if let Some((line, value)) = bad {
        return Err(value_err(line, format!("'{value}' is not {what}")));
    }
    if kind == Kind::Money {
        let sql = format!("SELECT min(__line) FROM focus_raw WHERE abs(TRY_CAST(trim({q}) AS DECIMAL(38, 12))) >= 1000000000");
        if let Some(line) = c
            .query_row(&sql, [], |r| r.get::<_, Option<i64>>(0))
            .map_err(db)?
        {
            return Err(value_err(
                line,
                "is a billion dollars or more on one row; check the file's units".to_string(),
            ));
        }
    }
    Ok(())
}

/// The first row billed in another currency than the ledger's: tollgate has no exchange rates.
fn check_currency(
    c: &Connection,
    shown: &Path,
    q: &str,
    currency: &str,
) -> Result<(), ImportError> {
    let sql = format!(
        "SELECT __line, trim({q}) FROM focus_raw WHERE NULLIF(trim({q}), '') IS NOT NULL AND upper(trim({q})) <> ? ORDER BY __line LIMIT 1"
    );
    let other: Option<(i64, String)> = c
        .query_row(&sql, [currency], |r| Ok((r.get(0)?, r.get(1)?)))
        .map(Some)
        .or_else(|e| match e {
            duckdb::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })
        .map_err(|e| file_err(shown, &e.to_string()))?;
    match other {
        None => Ok(()),
        Some((line, found)) => Err(ImportError::Value {
            file: shown.display().to_string(),
            line,
            column: "BillingCurrency".to_string(),
            message: crate::money::other_currency(&found, currency),
        }),
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn load_parquet(c: &Connection, path: &str) -> Result<(), duckdb::Error> {
    let lit = format!("'{}'", path.replace('\'', "''"));
    c.execute_batch(&format!(
        "CREATE OR REPLACE TEMP TABLE focus_typed AS SELECT * FROM read_parquet({lit})"
    ))?;
    let cols = describe(c, "focus_typed")?;
    let exprs: Vec<String> = cols
        .iter()
        .map(|(name, ty)| {
            let q = quote_ident(name);
            let ty = ty.to_uppercase();
            let e = if ty.starts_with("MAP") || ty.starts_with("STRUCT") {
                format!("CAST(to_json({q}) AS VARCHAR)")
            } else if ty.contains("TIME ZONE") || ty == "TIMESTAMPTZ" {
                format!("strftime(CAST({q} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f')")
            } else {
                format!("CAST({q} AS VARCHAR)")
            };
            format!("{e} AS {q}")
        })
        .collect();
    c.execute_batch(&format!(
        "CREATE OR REPLACE TEMP TABLE focus_raw AS SELECT row_number() OVER () AS __line, {} FROM focus_typed; DROP TABLE focus_typed;",
        exprs.join(", ")
    ))
}

fn describe(c: &Connection, table: &str) -> Result<Vec<(String, String)>, duckdb::Error> {
    let mut stmt = c.prepare("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND database_name = 'temp' ORDER BY column_index")?;
    let rows = stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

fn raw_columns(c: &Connection) -> Result<Vec<String>, duckdb::Error> {
    Ok(describe(c, "focus_raw")?
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n != "__line")
        .collect())
}

/// The zip's CSV entries, extracted: (path, entry name).
fn unzip_csvs(zip_path: &Path, dir: &Path) -> Result<Vec<(String, Option<String>)>, String> {
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

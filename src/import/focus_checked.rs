//! The checked import path: every column of a file read as text into `focus_raw` with its line
//! number, checked column by column (the first empty mandatory value, the first value that is
//! not a number or a timestamp, a billion dollars on one row, another currency: each named by
//! line and column), then staged by SQL. Slow on large files; `import_files` runs it only when
//! the typed path ([`super::focus_typed`]) refuses a file, to name what is wrong, or to read
//! what the typed read cannot.

use std::path::Path;

use duckdb::Connection;

use super::focus::{file_err, format_of, unzip_csvs, Format, ImportError};
use super::focus_columns::{Kind, COLUMNS};
use super::focus_csv::{load_csv, CsvError};

/// Where a file's rows go: the file's key, the source, the ledger's currency, and the prefix
/// of its row keys (a row's key is the prefix and its line number).
pub(super) struct Target<'a> {
    pub key: &'a str,
    pub source: &'a str,
    pub currency: &'a str,
    pub row_key_prefix: &'a str,
}

/// Loads one file into `focus_raw`, checks it, and appends it to `staging`. Returns its rows.
pub(super) fn stage_file(
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
        row_key_prefix,
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
    select.insert(tags_at + 2, "concat(?, __line)".to_string());
    select.push(unpriced_expr(columns.iter().map(String::as_str)));
    let sql = format!(
        "INSERT INTO staging SELECT {} FROM focus_raw ORDER BY __line",
        select.join(", ")
    );
    let n = c
        .execute(&sql, [source, key, row_key_prefix])
        .map_err(|e| {
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

/// `x_Unpriced` from the file's column of that name (a tollgate export or lake), else false.
pub(super) fn unpriced_expr<'a>(mut names: impl Iterator<Item = &'a str>) -> String {
    match names.find(|n| n.eq_ignore_ascii_case("x_Unpriced")) {
        Some(n) => format!(
            "COALESCE(CAST(NULLIF(trim(CAST({} AS VARCHAR)), '') AS BOOLEAN), false)",
            quote_ident(n)
        ),
        None => "false".to_string(),
    }
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
        Kind::Money | Kind::Quantity | Kind::Price => ("DECIMAL(38, 12)", "a number"),
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

pub(super) fn quote_ident(name: &str) -> String {
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

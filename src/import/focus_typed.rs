//! The typed import path: one `INSERT INTO ledger SELECT ... FROM read_csv(..)` (or
//! `read_parquet`) per file, each column read in parallel straight as the ledger's type, the row
//! key a per-file prefix and the row's line number, no staging table and no text round trip.
//! Whatever it cannot take (a value that does not parse, an empty mandatory value, another
//! currency, a missing column, no rows) makes it give up: the caller rolls back and runs the
//! checked path ([`super::focus_checked`]), which names the file, line and column. So a file
//! lands through here exactly as the checked path would land it, or not at all.

use std::path::Path;

use duckdb::Connection;

use super::focus::{format_of, unzip_csvs, Format};
use super::focus_checked::{quote_ident, unpriced_expr, Target};
use super::focus_columns::{Kind, COLUMNS};
use super::focus_csv::{header, literal};
use crate::store::queries;

/// Why the typed path gave up on a file (the checked path says it properly).
#[derive(Debug)]
pub(super) struct GaveUp(pub String);

impl From<duckdb::Error> for GaveUp {
    fn from(e: duckdb::Error) -> Self {
        GaveUp(e.to_string())
    }
}

/// Inserts one file's rows into `ledger`; returns how many.
pub(super) fn insert_file(
    c: &Connection,
    path: &Path,
    target: &Target<'_>,
    scratch: &Path,
) -> Result<usize, GaveUp> {
    let format = format_of(path).ok_or_else(|| GaveUp("unknown file type".into()))?;
    let mut rows = 0;
    match format {
        Format::Parquet => {
            let lit = literal(&path.display().to_string());
            let columns = parquet_columns(c, &lit)?;
            rows += insert(c, &format!("read_parquet({lit})"), &columns, target, 0)?;
        }
        Format::Csv => {
            rows += insert_csv(c, &path.display().to_string(), target, 0)?;
        }
        Format::Zip => {
            for (csv, _) in unzip_csvs(path, scratch).map_err(GaveUp)? {
                // Entries are numbered on as if one file, like the checked path numbers them.
                rows += insert_csv(c, &csv, target, rows)?;
            }
        }
    }
    if rows == 0 {
        return Err(GaveUp("no rows".into()));
    }
    Ok(rows)
}

fn insert_csv(
    c: &Connection,
    path: &str,
    target: &Target<'_>,
    offset: usize,
) -> Result<usize, GaveUp> {
    let (delim, names) = header(c, path).map_err(|e| GaveUp(e.to_string()))?;
    let columns: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            let ty = COLUMNS
                .iter()
                .find(|col| matches(col.aliases, col.name, n))
                .map_or("VARCHAR", |col| col.kind.ledger_type());
            (n.clone(), ty.to_string())
        })
        .collect();
    let spec = columns
        .iter()
        .map(|(n, t)| format!("{}: '{t}'", literal(n)))
        .collect::<Vec<_>>()
        .join(", ");
    let reader = format!(
        "read_csv({}, header = true, auto_detect = false, columns = {{{spec}}}, delim = {}, \
         quote = '\"', escape = '\"', strict_mode = true)",
        literal(path),
        literal(&delim.to_string())
    );
    // The header is line 1: the first row is line 2.
    insert(c, &reader, &columns, target, offset + 1)
}

fn matches(aliases: &[&str], name: &str, candidate: &str) -> bool {
    if aliases.is_empty() {
        name.eq_ignore_ascii_case(candidate)
    } else {
        aliases.iter().any(|a| a.eq_ignore_ascii_case(candidate))
    }
}

fn parquet_columns(c: &Connection, lit: &str) -> Result<Vec<(String, String)>, GaveUp> {
    let mut stmt = c.prepare(&format!("DESCRIBE SELECT * FROM read_parquet({lit})"))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `INSERT INTO ledger` the rows of `reader` (whose columns and types are `columns`), the same
/// statement as queries/rollups/ingest_staging.sql over a staging-shaped select of the file
/// (see [`Store::ingest_direct`](crate::store::Store::ingest_direct)).
fn insert(
    c: &Connection,
    reader: &str,
    columns: &[(String, String)],
    target: &Target<'_>,
    line_offset: usize,
) -> Result<usize, GaveUp> {
    let found = |aliases: &[&str], name: &str| -> Option<(String, String)> {
        let wanted: Vec<&str> = if aliases.is_empty() {
            vec![name]
        } else {
            aliases.to_vec()
        };
        wanted.iter().find_map(|w| {
            columns
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(w))
                .cloned()
        })
    };
    if let Some(col) = COLUMNS
        .iter()
        .find(|col| col.required && found(col.aliases, col.name).is_none())
    {
        return Err(GaveUp(format!("missing {}", col.name)));
    }
    let value = |name: &str| -> Option<String> {
        let col = COLUMNS.iter().find(|c| c.name == name)?;
        found(col.aliases, col.name).map(|(n, t)| value_expr(col.kind, &quote_ident(&n), &t))
    };
    let mut select = Vec::new();
    for col in COLUMNS {
        let expr = match found(col.aliases, col.name) {
            Some((n, t)) => value_expr(col.kind, &quote_ident(&n), &t),
            None => {
                let start = value("ChargePeriodStart").unwrap_or_else(|| "NULL".into());
                match col.name {
                    "InvoiceIssuerName" | "PublisherName" => {
                        value("ProviderName").unwrap_or_else(|| "NULL".into())
                    }
                    "BillingPeriodStart" => format!("date_trunc('month', {start})"),
                    "BillingPeriodEnd" => {
                        format!("date_trunc('month', {start}) + INTERVAL 1 MONTH")
                    }
                    _ => format!("CAST(NULL AS {})", col.kind.ledger_type()),
                }
            }
        };
        select.push(format!("{expr} AS {}", quote_ident(col.name)));
    }
    let tags_at = COLUMNS
        .iter()
        .position(|c| c.name == "Tags")
        .map_or(select.len(), |i| i + 1);
    select.insert(tags_at, format!("{} AS x_Source", literal(target.source)));
    select.insert(
        tags_at + 1,
        format!("{} AS x_SourceFile", literal(target.key)),
    );
    select.insert(
        tags_at + 2,
        format!(
            "concat({}, row_number() OVER () + {line_offset}) AS x_RowKey",
            literal(target.row_key_prefix)
        ),
    );
    select.push(format!(
        "{} AS x_Unpriced",
        unpriced_expr(columns.iter().map(|(n, _)| n.as_str()))
    ));
    let from = format!(
        "FROM (SELECT {} FROM {reader}) AS staging",
        select.join(", ")
    );
    let sql = ingest_statement(&from)?;
    let n = c.execute(&sql, [])?;
    let other: i64 = c.query_row(
        "SELECT count(*) FROM ledger WHERE x_Source = ? AND x_SourceFile = ? AND BillingCurrency <> ?",
        [target.source, target.key, target.currency],
        |r| r.get(0),
    )?;
    if other > 0 {
        return Err(GaveUp("another currency".into()));
    }
    Ok(n)
}

/// queries/rollups/ingest_staging.sql reading `from` instead of the staging table.
fn ingest_statement(from: &str) -> Result<String, GaveUp> {
    const TAIL: &str = "FROM staging;";
    let text = queries::INGEST_STAGING.trim_end();
    text.strip_suffix(TAIL)
        .map(|head| format!("{head}{from}"))
        .ok_or_else(|| GaveUp("ingest_staging.sql no longer ends with FROM staging".into()))
}

/// A file column of type `ty` as the ledger's type for `kind`, the way the checked path reads
/// it: text trimmed (empty is NULL); a number or time of the same family cast directly; any
/// other type through its text.
fn value_expr(kind: Kind, q: &str, ty: &str) -> String {
    let ty = ty.to_uppercase().replace(' ', "");
    let target = kind.ledger_type();
    let text = |e: &str| format!("NULLIF(trim({e}), '')");
    if kind == Kind::Text {
        return if ty == "VARCHAR" {
            text(q)
        } else if ty.starts_with("MAP") || ty.starts_with("STRUCT") {
            text(&format!("CAST(to_json({q}) AS VARCHAR)"))
        } else if ty.contains("TIMEZONE") || ty == "TIMESTAMPTZ" {
            text(&format!(
                "strftime(CAST({q} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f')"
            ))
        } else {
            text(&format!("CAST({q} AS VARCHAR)"))
        };
    }
    let integer = [
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    ]
    .contains(&ty.as_str());
    let same_family = match kind {
        Kind::Money | Kind::Quantity | Kind::Price => ty.starts_with("DECIMAL") || integer,
        Kind::Time => ty.starts_with("TIMESTAMP") || ty == "DATE",
        Kind::Integer => integer,
        Kind::Text => false,
    };
    if ty == target.replace(' ', "") {
        q.to_string()
    } else if ty == "VARCHAR" {
        format!("CAST({} AS {target})", text(q))
    } else if same_family {
        format!("CAST({q} AS {target})")
    } else {
        format!(
            "CAST({} AS {target})",
            text(&format!("CAST({q} AS VARCHAR)"))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingest_statement_reads_the_given_relation() {
        let sql = ingest_statement("FROM x AS staging").expect("statement");
        assert!(sql.starts_with("-- "), "{sql}");
        assert!(sql.ends_with("FROM x AS staging"), "{sql}");
        assert!(!sql.contains("ORDER BY"), "{sql}");
    }

    #[test]
    fn values_are_read_like_the_checked_path() {
        assert_eq!(value_expr(Kind::Money, "\"c\"", "DECIMAL(18, 9)"), "\"c\"");
        assert_eq!(
            value_expr(Kind::Money, "\"c\"", "DECIMAL(18,6)"),
            "CAST(\"c\" AS DECIMAL(18, 9))"
        );
        assert_eq!(
            value_expr(Kind::Money, "\"c\"", "DOUBLE"),
            "CAST(NULLIF(trim(CAST(\"c\" AS VARCHAR)), '') AS DECIMAL(18, 9))"
        );
        assert_eq!(
            value_expr(Kind::Time, "\"t\"", "TIMESTAMP WITH TIME ZONE"),
            "CAST(\"t\" AS TIMESTAMP)"
        );
        assert_eq!(
            value_expr(Kind::Text, "\"s\"", "VARCHAR"),
            "NULLIF(trim(\"s\"), '')"
        );
    }
}

//! Reading FOCUS CSV files into `focus_raw` strictly: the header line is read first (DuckDB
//! decompresses .csv.gz), its delimiter taken from it, and the rows read with exactly its
//! columns, so a broken line is an error that names it ("line 3: 24 fields where the header has
//! 23", "line 3: a quoted value is not closed") instead of a dialect guess that reads the file
//! as one column or silently runs a broken quote into the next fields.

use duckdb::Connection;

/// Why a CSV file cannot be read.
#[derive(Debug, PartialEq)]
pub enum CsvError {
    /// A line breaks the CSV format: its number (the header is line 1) and why.
    Line {
        line: u64,
        reason: String,
    },
    Other(String),
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsvError::Line { line, reason } => write!(
                f,
                "line {line}: {reason}; fix that line or export the file again"
            ),
            CsvError::Other(m) => f.write_str(m),
        }
    }
}

/// Loads `files` (one file, or the CSVs of one zip with their entry names) into the temp table
/// `focus_raw`, with `__line` the file's line number of each row (header is line 1; a zip's
/// entries are numbered on as if one file, which keeps their row keys apart).
pub fn load_csv(c: &Connection, files: &[(String, Option<String>)]) -> Result<(), CsvError> {
    let mut parts = Vec::new();
    let mut offset: i64 = 0;
    for (i, (path, entry)) in files.iter().enumerate() {
        let in_entry = |e: CsvError| match (entry, e) {
            (None, e) => e,
            (Some(name), CsvError::Line { line, reason }) => CsvError::Line {
                line,
                reason: format!("{reason} (in {name})"),
            },
            (Some(name), CsvError::Other(m)) => CsvError::Other(format!("{name}: {m}")),
        };
        let table = format!("focus_part_{i}");
        load_one(c, path, &table).map_err(in_entry)?;
        parts.push(format!(
            "SELECT * REPLACE (__line + {offset} AS __line) FROM {table}"
        ));
        let rows: i64 = c
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map_err(|e| CsvError::Other(e.to_string()))?;
        offset += rows;
    }
    let drop: String = (0..files.len())
        .map(|i| format!("DROP TABLE focus_part_{i};"))
        .collect();
    c.execute_batch(&format!(
        "CREATE OR REPLACE TEMP TABLE focus_raw AS {}; {drop}",
        parts.join(" UNION ALL BY NAME ")
    ))
    .map_err(|e| reason(&e.to_string()))
}

/// The file's delimiter and column names, from its header line.
pub(super) fn header(c: &Connection, path: &str) -> Result<(char, Vec<String>), CsvError> {
    let Some(header) = header_line(c, &literal(path))? else {
        return Err(CsvError::Other(
            "is empty; a FOCUS CSV starts with a header row".to_string(),
        ));
    };
    let delim = delimiter(&header);
    Ok((delim, split_header(&header, delim)))
}

fn load_one(c: &Connection, path: &str, table: &str) -> Result<(), CsvError> {
    let lit = literal(path);
    let (delim, names) = header(c, path)?;
    let columns = names
        .iter()
        .map(|n| format!("{}: 'VARCHAR'", literal(n)))
        .collect::<Vec<_>>()
        .join(", ");
    c.execute_batch(&format!(
        "CREATE OR REPLACE TEMP TABLE {table} AS SELECT row_number() OVER () + 1 AS __line, * \
         FROM read_csv({lit}, header = true, auto_detect = false, columns = {{{columns}}}, \
         delim = {}, quote = '\"', escape = '\"', strict_mode = true, parallel = false)",
        literal(&delim.to_string())
    ))
    .map_err(|e| reason(&e.to_string()))
}

pub(super) fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The file's first line, as text (`None` for an empty file).
fn header_line(c: &Connection, lit: &str) -> Result<Option<String>, CsvError> {
    let sql = format!(
        "SELECT h FROM read_csv({lit}, header = false, auto_detect = false, columns = {{'h': 'VARCHAR'}}, \
         delim = '\u{1f}', quote = '', escape = '', strict_mode = false) LIMIT 1"
    );
    let mut stmt = c.prepare(&sql).map_err(|e| reason(&e.to_string()))?;
    let mut rows = stmt.query([]).map_err(|e| reason(&e.to_string()))?;
    match rows.next().map_err(|e| reason(&e.to_string()))? {
        Some(r) => Ok(r.get::<_, Option<String>>(0).ok().flatten()),
        None => Ok(None),
    }
}

/// `,` unless the header has none and uses `;`, a tab or `|`.
fn delimiter(header: &str) -> char {
    if header.contains(',') {
        return ',';
    }
    ['\t', ';', '|']
        .into_iter()
        .find(|d| header.contains(*d))
        .unwrap_or(',')
}

/// Header names, unquoted.
fn split_header(header: &str, delim: char) -> Vec<String> {
    header
        .split(delim)
        .map(|n| {
            let n = n.trim();
            match n.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
                Some(inner) => inner.replace("\"\"", "\""),
                None => n.to_string(),
            }
        })
        .collect()
}

/// DuckDB's CSV error as a line and a reason ("CSV Error on Line: 3 ... Expected Number of
/// Columns: 23 Found: 24"), or its first line.
fn reason(e: &str) -> CsvError {
    let line = e
        .split("CSV Error on Line: ")
        .nth(1)
        .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<u64>().ok());
    let Some(line) = line else {
        return CsvError::Other(e.lines().next().unwrap_or_default().to_string());
    };
    let detail = e
        .lines()
        .skip_while(|l| !l.starts_with("Original Line:"))
        .nth(1)
        .unwrap_or_default()
        .trim();
    let counts = detail
        .strip_prefix("Expected Number of Columns: ")
        .and_then(|t| t.split_once(" Found: "));
    let reason = match counts {
        Some((want, found)) => format!("{found} fields where the header has {want}"),
        None if detail.contains("unterminated quote") => {
            "a quoted value is not closed (unterminated quote)".to_string()
        }
        None if detail.is_empty() => "it breaks the CSV format".to_string(),
        None => detail.trim_end_matches('.').to_string(),
    };
    CsvError::Line { line, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duckdb_errors_become_lines_and_reasons() {
        let e = "Invalid Input Error: CSV Error on Line: 3\nOriginal Line: a,b,c\nExpected Number of Columns: 2 Found: 3\nPossible fixes:";
        assert_eq!(
            reason(e),
            CsvError::Line {
                line: 3,
                reason: "3 fields where the header has 2".into()
            }
        );
        let e = "Invalid Input Error: CSV Error on Line: 7\nOriginal Line: a,\"b\nValue with unterminated quote found.\n\nPossible fixes:";
        assert_eq!(
            reason(e).to_string(),
            "line 7: a quoted value is not closed (unterminated quote); fix that line or export the file again"
        );
        assert_eq!(
            reason("IO Error: No files found"),
            CsvError::Other("IO Error: No files found".into())
        );
    }

    #[test]
    fn headers_and_delimiters() {
        assert_eq!(delimiter("a;b;c"), ';');
        assert_eq!(delimiter("a\tb"), '\t');
        assert_eq!(delimiter("a,b;c"), ',');
        assert_eq!(split_header("\"A\",B, C ", ','), vec!["A", "B", "C"]);
    }
}

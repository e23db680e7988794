//! Outcome values (`tollgate import outcomes`, docs/CONTRACTS.md "Commands"): how many weekly
//! active AI users, tickets deflected, PRs generated... a use case had in a month, for cost per
//! outcome. Imported from a CSV (`month,use_case,metric,value`) or set one at a time
//! ([`set_outcome`]; the cockpit has no key for it yet).
//!
//! A CSV is checked whole before anything is written: every bad line is reported (up to
//! [`MAX_REPORTED`]) with its line number, and then nothing is imported. A good file lands in
//! one transaction; a value replaces any earlier one for the same (month, use case, metric).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use duckdb::{params, Connection};
use rust_decimal::Decimal;

use crate::config::Config;
use crate::money;
use crate::month::Month;
use crate::store::{queries, Store, StoreError};

/// The columns an outcome CSV has, in any order.
pub const COLUMNS: [&str; 4] = ["month", "use_case", "metric", "value"];
/// Bad lines listed in one error; the rest are counted.
pub const MAX_REPORTED: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum OutcomeError {
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error("{}", bad_lines_message(.file, .lines, .more, .hint.as_deref()))]
    BadLines {
        file: String,
        /// (line number, what is wrong), the first [`MAX_REPORTED`].
        lines: Vec<(usize, String)>,
        /// Bad lines not listed.
        more: usize,
        hint: Option<String>,
    },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<duckdb::Error> for OutcomeError {
    fn from(e: duckdb::Error) -> Self {
        OutcomeError::Store(e.into())
    }
}

/// One line (the binary shows an error's first line only): every bad line, `; `-separated.
fn bad_lines_message(
    file: &str,
    lines: &[(usize, String)],
    more: &usize,
    hint: Option<&str>,
) -> String {
    let count = lines.len() + more;
    let mut s = format!(
        "{file}: {count} bad line{}, nothing was imported: ",
        if count == 1 { "" } else { "s" }
    );
    let listed: Vec<String> = lines
        .iter()
        .map(|(line, message)| format!("line {line}: {message}"))
        .collect();
    s.push_str(&listed.join("; "));
    if *more > 0 {
        let _ = write!(s, "; ... and {more} more");
    }
    if let Some(h) = hint {
        let _ = write!(s, " ({h})");
    }
    s
}

/// One outcome value.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub month: Month,
    pub use_case: String,
    pub metric: String,
    pub value: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeImport {
    pub rows: usize,
    /// Values that replaced an earlier value for the same key.
    pub replaced: usize,
}

/// Imports an outcome CSV: all of it, or nothing if any line is bad.
pub fn import_file(
    store: &Store,
    config: &Config,
    path: &Path,
) -> Result<OutcomeImport, OutcomeError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| OutcomeError::File {
        file: file.clone(),
        message: format!("cannot read it: {e}"),
    })?;
    let rows = parse_csv(&text, &file, config)?;
    let name = path
        .file_name()
        .map_or(file.clone(), |n| n.to_string_lossy().into_owned());
    let source = format!("csv:{name}");
    let replaced = store.in_transaction(|c| -> Result<usize, OutcomeError> {
        let mut replaced = 0;
        for r in &rows {
            replaced += usize::from(upsert(c, r, &source)?);
        }
        Ok(replaced)
    })?;
    Ok(OutcomeImport {
        rows: rows.len(),
        replaced,
    })
}

/// Records one outcome value (replacing an earlier one for the same month, use case and
/// metric); returns whether it replaced one. `source` says where it came from (e.g. `cockpit`).
pub fn set_outcome(
    store: &Store,
    month: Month,
    use_case: &str,
    metric: &str,
    value: Decimal,
    source: &str,
) -> Result<bool, OutcomeError> {
    let outcome = Outcome {
        month,
        use_case: use_case.trim().to_string(),
        metric: metric.trim().to_string(),
        value,
    };
    if outcome.use_case.is_empty() || outcome.metric.is_empty() {
        return Err(OutcomeError::Invalid(
            "an outcome needs a use case and a metric".to_string(),
        ));
    }
    if value.is_sign_negative() && !value.is_zero() {
        return Err(OutcomeError::Invalid(format!(
            "outcome value {value} is negative; it counts things (users, tickets, PRs)"
        )));
    }
    store.in_transaction(|c| upsert(c, &outcome, source))
}

fn upsert(c: &Connection, o: &Outcome, source: &str) -> Result<bool, OutcomeError> {
    let key = params![o.month.to_string(), o.use_case, o.metric];
    let existed: i64 = c.query_row(queries::OUTCOMES_EXISTS, key, |r| r.get(0))?;
    c.execute(
        queries::OUTCOMES_UPSERT,
        params![
            o.month.to_string(),
            o.use_case,
            o.metric,
            o.value.to_string(),
            source
        ],
    )?;
    Ok(existed > 0)
}

/// Parses and checks an outcome CSV (`file` names it in errors). Use cases must be in `config`.
pub fn parse_csv(text: &str, file: &str, config: &Config) -> Result<Vec<Outcome>, OutcomeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let file_err = |message: String| OutcomeError::File {
        file: file.to_string(),
        message,
    };
    let (header_line, header) = lines.next().ok_or_else(|| {
        file_err(format!(
            "it is empty; an outcome CSV starts with the header {}",
            COLUMNS.join(",")
        ))
    })?;
    let positions =
        header_positions(header).map_err(|m| file_err(format!("line {header_line}: {m}")))?;

    let mut out = Vec::new();
    let mut bad: Vec<(usize, String)> = Vec::new();
    let mut unknown_use_case = false;
    let mut seen: HashMap<(Month, String, String), usize> = HashMap::new();
    for (n, line) in lines {
        match parse_line(line, &positions, config) {
            Ok(o) => {
                let key = (o.month, o.use_case.clone(), o.metric.clone());
                if let Some(first) = seen.get(&key) {
                    bad.push((
                        n,
                        format!(
                            "repeats {},{},{} of line {first}",
                            o.month, o.use_case, o.metric
                        ),
                    ));
                } else {
                    seen.insert(key, n);
                    out.push(o);
                }
            }
            Err(LineError::UnknownUseCase(m)) => {
                unknown_use_case = true;
                bad.push((n, m));
            }
            Err(LineError::Bad(m)) => bad.push((n, m)),
        }
    }
    if bad.is_empty() {
        return Ok(out);
    }
    let more = bad.len().saturating_sub(MAX_REPORTED);
    bad.truncate(MAX_REPORTED);
    let hint = unknown_use_case.then(|| {
        let ids: Vec<&str> = config.use_cases.iter().map(|u| u.id.as_str()).collect();
        if ids.is_empty() {
            "the config has no use cases; add [[use_cases]] to tollgate.toml first".to_string()
        } else {
            format!("use cases in the config: {}", ids.join(", "))
        }
    });
    Err(OutcomeError::BadLines {
        file: file.to_string(),
        lines: bad,
        more,
        hint,
    })
}

/// Index of each of [`COLUMNS`] in the header.
fn header_positions(header: &str) -> Result<[usize; 4], String> {
    let names: Vec<String> = split_line(header)?
        .into_iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    let expected = COLUMNS.join(",");
    if let Some(extra) = names.iter().find(|n| !COLUMNS.contains(&n.as_str())) {
        return Err(format!(
            "unknown column `{extra}`; the header must be {expected}"
        ));
    }
    let mut pos = [0; 4];
    for (i, col) in COLUMNS.iter().enumerate() {
        let found: Vec<usize> = (0..names.len()).filter(|&j| names[j] == *col).collect();
        match found.as_slice() {
            [j] => pos[i] = *j,
            [] => return Err(format!("no `{col}` column; the header must be {expected}")),
            _ => return Err(format!("the `{col}` column appears twice")),
        }
    }
    Ok(pos)
}

enum LineError {
    UnknownUseCase(String),
    Bad(String),
}

fn parse_line(line: &str, pos: &[usize; 4], config: &Config) -> Result<Outcome, LineError> {
    let fields = split_line(line).map_err(LineError::Bad)?;
    if fields.len() != COLUMNS.len() {
        return Err(LineError::Bad(format!(
            "{} fields where the header has {}",
            fields.len(),
            COLUMNS.len()
        )));
    }
    let [month, use_case, metric, value] = pos.map(|i| fields[i].as_str());
    let month: Month = month
        .parse()
        .map_err(|e: String| LineError::Bad(format!("month: {e}")))?;
    if use_case.is_empty() {
        return Err(LineError::Bad("use_case is empty".to_string()));
    }
    if config.use_case(use_case).is_none() {
        return Err(LineError::UnknownUseCase(format!(
            "unknown use case `{use_case}` (not in the config)"
        )));
    }
    if metric.is_empty() {
        return Err(LineError::Bad(
            "metric is empty (e.g. wau, tickets_deflected, prs_generated)".to_string(),
        ));
    }
    let value = money::parse(value)
        .ok_or_else(|| LineError::Bad(format!("value `{value}` is not a number")))?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(LineError::Bad(format!(
            "value {value} is negative; outcome values count things (users, tickets, PRs)"
        )));
    }
    Ok(Outcome {
        month,
        use_case: use_case.to_string(),
        metric: metric.to_string(),
        value,
    })
}

/// Splits one CSV line: fields trimmed, double-quoted fields may hold commas and `""`.
fn split_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                fields.push(finish(&field, was_quoted));
                field.clear();
                was_quoted = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".to_string());
    }
    fields.push(finish(&field, was_quoted));
    Ok(fields)
}

fn finish(field: &str, quoted: bool) -> String {
    if quoted {
        field.trim_end().to_string()
    } else {
        field.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(
            split_line(r#"2026-10, "a, b" ,"say ""hi""",3"#).expect("split"),
            ["2026-10", "a, b", "say \"hi\"", "3"]
        );
        assert!(split_line(r#"2026-10,"open"#).is_err());
        assert_eq!(split_line("").expect("split"), [""]);
    }

    #[test]
    fn header_in_any_order() {
        assert_eq!(
            header_positions("Value,metric,month,use_case").expect("header"),
            [2, 3, 1, 0]
        );
        assert!(header_positions("month,use_case,metric")
            .expect_err("missing")
            .contains("no `value` column"));
        assert!(header_positions("month,use_case,metric,value,notes")
            .expect_err("extra")
            .contains("unknown column `notes`"));
    }
}

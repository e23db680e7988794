//! Modal (reference/cloud-billing.md 4.1): Modal has no public REST billing API, so this source
//! runs `modal billing report --start .. --end .. --resolution d --tag-names * --json` (the
//! `modal` CLI holds its own token), or reads a saved JSON or CSV report (`report_file`). Items
//! outside the window are left out so the window's rows are replaced exactly.

use std::path::Path;

use chrono::{DateTime, Timelike};

use super::{FetchWindow, SourceError};
use crate::config::SourceConfig;
use crate::normalize::modal::ReportItem;

/// The executable looked up on PATH.
pub const EXECUTABLE: &str = "modal";

/// The window's report items and whether they are hourly.
pub async fn fetch(
    source: &str,
    cfg: &SourceConfig,
    window: FetchWindow,
) -> Result<(Vec<ReportItem>, bool), SourceError> {
    let items = match &cfg.report_file {
        Some(file) => read_report(source, Path::new(file))?,
        None => run_cli(source, window).await?,
    };
    let hourly = items.iter().any(|i| {
        DateTime::parse_from_rfc3339(&i.interval_start)
            .is_ok_and(|t| t.naive_utc().time().hour() != 0 || t.naive_utc().time().minute() != 0)
    });
    let mut kept = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let start = DateTime::parse_from_rfc3339(&item.interval_start)
            .map_err(|_| SourceError::Other {
                source_name: source.to_string(),
                message: format!(
                    "report item [{i}] interval_start is not an RFC 3339 time: {}",
                    item.interval_start
                ),
            })?
            .naive_utc();
        if start >= window.start_ts() && start < window.end_ts() {
            kept.push(item);
        }
    }
    Ok((kept, hourly))
}

async fn run_cli(source: &str, window: FetchWindow) -> Result<Vec<ReportItem>, SourceError> {
    let other = |message: String| SourceError::Other {
        source_name: source.to_string(),
        message,
    };
    let out = tokio::process::Command::new(EXECUTABLE)
        .args([
            "billing",
            "report",
            "--start",
            &window.start.to_string(),
            "--end",
            &window.end.to_string(),
            "--resolution",
            "d",
            "--tag-names",
            "*",
            "--json",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => other(format!(
                "the `{EXECUTABLE}` command is not on PATH. Install it (`pip install modal`) and \
                 log in (`modal token new`), or set report_file in [sources.{source}] to a saved \
                 `modal billing report --json` or --csv file"
            )),
            _ => other(format!("cannot run `{EXECUTABLE}`: {e}")),
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first: String = stderr.lines().take(3).collect::<Vec<_>>().join(" / ");
        return Err(other(format!(
            "`{EXECUTABLE} billing report` exited with {}: {}",
            out.status,
            super::http::redact(first.trim())
        )));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| SourceError::Malformed {
        source_name: source.to_string(),
        endpoint: format!("`{EXECUTABLE} billing report --json`"),
        message: e.to_string(),
    })
}

/// A saved report: a JSON array of items, or a CSV with the same columns (`tags` a JSON object).
pub fn read_report(source: &str, path: &Path) -> Result<Vec<ReportItem>, SourceError> {
    let shown = path.display().to_string();
    let other = |message: String| SourceError::Other {
        source_name: source.to_string(),
        message: format!("{shown}: {message}"),
    };
    let text = std::fs::read_to_string(path).map_err(|e| other(format!("cannot read it: {e}")))?;
    if shown.to_lowercase().ends_with(".csv") {
        return csv_items(&text).map_err(other);
    }
    serde_json::from_str(&text).map_err(|e| other(format!("not a Modal billing report: {e}")))
}

fn csv_items(text: &str) -> Result<Vec<ReportItem>, String> {
    let records = parse_csv(text)?;
    let Some((header, rows)) = records.split_first() else {
        return Ok(Vec::new());
    };
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let need = |name: &str| col(name).ok_or_else(|| format!("no {name} column"));
    let (object_id, description, interval_start, cost) = (
        need("object_id")?,
        need("description")?,
        need("interval_start")?,
        need("cost")?,
    );
    let (environment, tags) = (col("environment_name"), col("tags"));
    rows.iter()
        .enumerate()
        .filter(|(_, r)| !(r.len() == 1 && r[0].is_empty()))
        .map(|(i, r)| {
            let line = i + 2;
            let cell = |c: usize| r.get(c).cloned().unwrap_or_default();
            let tags = match tags.map(cell).filter(|t| !t.trim().is_empty()) {
                None => Default::default(),
                Some(t) => serde_json::from_str(&t)
                    .map_err(|_| format!("line {line}: column tags is not a JSON object: {t}"))?,
            };
            Ok(ReportItem {
                object_id: cell(object_id),
                description: cell(description),
                environment_name: environment.map(cell).filter(|e| !e.is_empty()),
                interval_start: cell(interval_start),
                cost: serde_json::Value::String(cell(cost)),
                tags,
            })
        })
        .collect()
}

/// RFC 4180 records: quoted fields may hold commas, newlines and doubled quotes.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".to_string());
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_report_with_quoted_tags() {
        let text = "object_id,description,environment_name,interval_start,cost,tags\n\
                    ap-1,\"train, big\",main,2026-07-14T00:00:00+00:00,37.4120,\"{\"\"team\"\":\"\"research\"\"}\"\n";
        let items = csv_items(text).expect("items");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].description, "train, big");
        assert_eq!(items[0].cost, serde_json::Value::String("37.4120".into()));
        assert_eq!(
            items[0].tags.get("team").map(String::as_str),
            Some("research")
        );
    }

    #[test]
    fn csv_without_cost_column_is_named() {
        let e = csv_items("object_id,description,interval_start\n").expect_err("no cost");
        assert_eq!(e, "no cost column");
    }
}

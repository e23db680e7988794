//! Modal (reference/cloud-billing.md 4.1): Modal has no public REST billing API, so this source
//! runs `modal billing report --start .. --end .. --resolution d --tag-names * --json` (the
//! `modal` CLI holds its own token), or reads a saved JSON or CSV report (`report_file`; shapes
//! in `modal_report`). Items outside the window are left out so the window's rows are replaced
//! exactly.

use std::path::Path;

use chrono::Timelike;

use super::{modal_report, FetchWindow, SourceError};
use crate::config::SourceConfig;
use crate::normalize::modal::{interval_start_utc, ReportItem};

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
        interval_start_utc(&i.interval_start)
            .is_some_and(|t| t.time().hour() != 0 || t.time().minute() != 0)
    });
    let mut kept = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let start = interval_start_utc(&item.interval_start).ok_or_else(|| SourceError::Other {
            source_name: source.to_string(),
            message: format!(
                "report item [{i}] interval_start is not an ISO time: {}",
                item.interval_start
            ),
        })?;
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
    modal_report::from_json(&String::from_utf8_lossy(&out.stdout)).map_err(|message| {
        SourceError::Malformed {
            source_name: source.to_string(),
            endpoint: format!("`{EXECUTABLE} billing report --json`"),
            message,
        }
    })
}

/// A saved report: the CLI's `--json` output, or its `--csv` output (a `.csv` file).
pub fn read_report(source: &str, path: &Path) -> Result<Vec<ReportItem>, SourceError> {
    let shown = path.display().to_string();
    let other = |message: String| SourceError::Other {
        source_name: source.to_string(),
        message: format!("{shown}: {message}"),
    };
    let text = std::fs::read_to_string(path).map_err(|e| other(format!("cannot read it: {e}")))?;
    if shown.to_lowercase().ends_with(".csv") {
        return modal_report::from_csv(&text).map_err(other);
    }
    modal_report::from_json(&text).map_err(other)
}

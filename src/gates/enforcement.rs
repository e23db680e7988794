//! Gates that act: tollgate publishes what the gateway must enforce — the paused use cases (from
//! the audit log, [`super::pauses`]) and each use case's `monthly_cap_usd` (from the config) —
//! to the proxy's control file (`proxy::control`), and reads it back to say which decisions the
//! proxy enforces.
//!
//! [`publish`] runs after every decision, when `sync` starts and when the cockpit opens; it
//! writes only when what is enforced changed, with the next generation (one more than both the
//! file's and the one this DB last wrote, so it grows even past a file that was replaced by
//! hand). A pause keeps the `since` of the file it was already in. A demo DB never publishes:
//! its use cases are not the proxy's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Gate, GateReport};
use crate::config::Config;
use crate::proxy::control::{self, Control, ControlError, Pause, UseCaseControl};
use crate::store::{Store, StoreError};

/// The DB setting holding the last generation this DB wrote.
const GENERATION_SETTING: &str = "proxy.control_generation";

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the gateway's control file in {dir}: {source}")]
    Write {
        dir: PathBuf,
        source: std::io::Error,
    },
}

impl From<duckdb::Error> for PublishError {
    fn from(e: duckdb::Error) -> Self {
        PublishError::Store(e.into())
    }
}

/// What [`publish`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Written with this generation.
    Written { path: PathBuf, generation: u64 },
    /// The file already says the same (or there is nothing to enforce and no file).
    Unchanged,
    /// A demo DB: nothing is published.
    Demo,
}

/// Writes the control file when what is enforced changed (see the module doc).
pub fn publish(
    store: &Store,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Published, PublishError> {
    if store.setting("demo")?.is_some() {
        return Ok(Published::Demo);
    }
    let dir = crate::proxy::config::spool_dir(config);
    let path = control::path(&dir);
    let existing = control::read(&path);
    let previous = existing.as_ref().ok().and_then(Option::as_ref);
    let now_text = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let wanted = wanted(store, config, previous, &now_text)?;
    match &existing {
        Ok(Some(c)) if c.use_cases == wanted => return Ok(Published::Unchanged),
        Ok(None) if wanted.is_empty() => return Ok(Published::Unchanged),
        _ => {}
    }
    let stored = store
        .setting(GENERATION_SETTING)?
        .and_then(|g| g.parse::<u64>().ok())
        .unwrap_or(0);
    let generation = previous.map_or(0, |c| c.generation).max(stored) + 1;
    let next = Control {
        version: control::VERSION,
        generation,
        written_at: now_text,
        use_cases: wanted,
    };
    let path = control::write(&dir, &next).map_err(|source| PublishError::Write {
        dir: dir.clone(),
        source,
    })?;
    store.set_setting(GENERATION_SETTING, &generation.to_string())?;
    tracing::info!(file = %path.display(), generation, "gateway control file written");
    Ok(Published::Written { path, generation })
}

/// Publishes and logs a failure instead of returning it: for `sync` and the cockpit's start,
/// which go on without it. Returns a line for people when it wrote or failed.
pub fn publish_quietly(store: &Store, config: &Config) -> Option<String> {
    match publish(store, config, Utc::now()) {
        Ok(Published::Written { path, generation }) => Some(format!(
            "gateway control file {} updated (generation {generation})",
            path.display()
        )),
        Ok(_) => None,
        Err(e) => {
            tracing::warn!("gateway control file not updated: {e}");
            Some(format!("warning: gateway control file not updated: {e}"))
        }
    }
}

/// What the control file should hold now.
fn wanted(
    store: &Store,
    config: &Config,
    previous: Option<&Control>,
    now: &str,
) -> Result<BTreeMap<String, UseCaseControl>, StoreError> {
    let mut out: BTreeMap<String, UseCaseControl> = BTreeMap::new();
    for (id, d) in super::pauses(store)? {
        let since = previous
            .and_then(|c| c.use_cases.get(&id))
            .and_then(|u| u.paused.as_ref())
            .map_or_else(|| now.to_string(), |p| p.since.clone());
        out.entry(id).or_default().paused = Some(Pause {
            since,
            by: d.by,
            decision: d.breach_id,
        });
    }
    for u in &config.use_cases {
        if let Some(cap) = u.monthly_cap_usd {
            out.entry(u.id.clone()).or_default().monthly_cap_usd = Some(cap);
        }
    }
    Ok(out)
}

/// The control file as `gates`, the Gates tab and `doctor` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlStatus {
    pub path: String,
    /// Absent: there is no control file (nothing enforced).
    pub present: bool,
    pub generation: Option<u64>,
    pub written_at: Option<String>,
    pub paused: Vec<String>,
    pub caps: Vec<Cap>,
    /// Why the file cannot be used: a running proxy keeps the last good one it read.
    pub error: Option<String>,
    #[serde(skip)]
    control: Option<Control>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cap {
    pub use_case: String,
    #[serde(serialize_with = "crate::money::serialize_usd")]
    pub monthly_cap_usd: Decimal,
}

impl ControlStatus {
    /// `bot, search`, or `none`.
    pub fn paused_text(&self) -> String {
        if self.paused.is_empty() {
            return "none".to_string();
        }
        self.paused.join(", ")
    }

    /// `bot $500.00/month, search $20.00/month`, or `none`.
    pub fn caps_text(&self) -> String {
        if self.caps.is_empty() {
            return "none".to_string();
        }
        let caps: Vec<String> = self
            .caps
            .iter()
            .map(|c| {
                format!(
                    "{} {}/month",
                    c.use_case,
                    crate::money::usd(c.monthly_cap_usd)
                )
            })
            .collect();
        caps.join(", ")
    }
}

/// Reads the control file of the configured spool dir.
pub fn status(config: &Config) -> ControlStatus {
    status_at(&control::path(&crate::proxy::config::spool_dir(config)))
}

pub fn status_at(path: &Path) -> ControlStatus {
    let mut out = ControlStatus {
        path: path.display().to_string(),
        present: false,
        generation: None,
        written_at: None,
        paused: Vec::new(),
        caps: Vec::new(),
        error: None,
        control: None,
    };
    match control::read(path) {
        Ok(None) => {}
        Ok(Some(c)) => {
            out.present = true;
            out.generation = Some(c.generation);
            out.written_at = Some(c.written_at.clone());
            out.paused = c.paused().map(|(id, _)| id.to_string()).collect();
            out.caps = c
                .caps()
                .map(|(id, cap)| Cap {
                    use_case: id.to_string(),
                    monthly_cap_usd: cap,
                })
                .collect();
            out.control = Some(c);
        }
        Err(e) => {
            out.present = !matches!(e, ControlError::Io { .. });
            out.error = Some(e.to_string());
        }
    }
    out
}

/// How the proxy enforces a use case's breach: paused since, and its cap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enforced {
    /// When the pause was written to the control file; null when only a cap applies.
    pub paused_since: Option<String>,
    #[serde(serialize_with = "crate::money::serialize_opt_usd")]
    pub monthly_cap_usd: Option<Decimal>,
    pub generation: u64,
}

impl Enforced {
    /// `enforced by proxy since 2026-12-05 12:00 UTC`, `capped by proxy at $500.00/month`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(since) = &self.paused_since {
            let when = DateTime::parse_from_rfc3339(since).map_or_else(
                |_| since.clone(),
                |t| {
                    t.with_timezone(&Utc)
                        .format("%Y-%m-%d %H:%M UTC")
                        .to_string()
                },
            );
            parts.push(format!("paused: enforced by proxy since {when}"));
        }
        if let Some(cap) = self.monthly_cap_usd {
            parts.push(format!(
                "capped by proxy at {}/month",
                crate::money::usd(cap)
            ));
        }
        parts.join("; ")
    }
}

/// Marks each G1/G2 breach whose use case the control file pauses or caps.
pub fn annotate(report: &mut GateReport, status: ControlStatus) {
    let control = status.control.clone();
    report.proxy_control = Some(status);
    let Some(c) = control else {
        return;
    };
    for b in &mut report.breaches {
        if !matches!(b.gate, Gate::G1 | Gate::G2) {
            continue;
        }
        b.enforced = c.use_cases.get(&b.subject).map(|u| Enforced {
            paused_since: u.paused.as_ref().map(|p| p.since.clone()),
            monthly_cap_usd: u.monthly_cap_usd,
            generation: c.generation,
        });
    }
}

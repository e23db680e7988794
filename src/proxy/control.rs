//! The control file, `control.json` in the proxy's spool dir: what tollgate tells the gateway
//! to enforce (paused use cases and monthly caps), and the only way it tells it. tollgate
//! (`tollgate gates decide`, `sync`, the cockpit; see `gates::enforcement`) writes it; the
//! proxy reads it (`proxy::control_watch`). It is replaced whole (a temp file in the same dir,
//! fsynced, then renamed over it), so a reader sees the old file or the new one, never half.
//!
//! ```json
//! {"version": 1, "generation": 7, "written_at": "2026-12-05T12:00:00Z",
//!  "use_cases": {"bot": {"paused": {"since": "2026-12-05T11:59:58Z", "by": "ana",
//!                                   "decision": "use-case:bot"},
//!                        "monthly_cap_usd": "500.00"}}}
//! ```
//! `generation` grows by one with every write; `use_cases` lists only use cases with something
//! to enforce. A file with a higher `version` than this build knows is refused, not guessed at.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub const FILE_NAME: &str = "control.json";
/// The format this build writes and reads.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub version: u32,
    pub generation: u64,
    /// RFC 3339, UTC.
    pub written_at: String,
    pub use_cases: BTreeMap<String, UseCaseControl>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UseCaseControl {
    /// Set while the use case is paused: its requests are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<Pause>,
    /// Gateway-captured spend of the UTC month may not go over this (a decimal string).
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub monthly_cap_usd: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    /// When tollgate first wrote the pause into the control file (RFC 3339, UTC).
    pub since: String,
    /// Who decided.
    pub by: String,
    /// The audit-log breach id of the decision (`G2:bot:2026-11`, `use-case:bot`).
    pub decision: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} cannot be parsed (line {line}, column {column}: {message})")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path} has version {found}, newer than this tollgate understands ({VERSION}); upgrade tollgate")]
    TooNew { path: PathBuf, found: u32 },
}

impl Control {
    /// Nothing to enforce.
    pub fn is_empty(&self) -> bool {
        self.use_cases.is_empty()
    }

    pub fn paused(&self) -> impl Iterator<Item = (&str, &Pause)> {
        self.use_cases
            .iter()
            .filter_map(|(id, u)| u.paused.as_ref().map(|p| (id.as_str(), p)))
    }

    pub fn caps(&self) -> impl Iterator<Item = (&str, Decimal)> {
        self.use_cases
            .iter()
            .filter_map(|(id, u)| u.monthly_cap_usd.map(|c| (id.as_str(), c)))
    }
}

/// The control file of a spool dir.
pub fn path(spool_dir: &Path) -> PathBuf {
    spool_dir.join(FILE_NAME)
}

/// The control file at `path`; `Ok(None)` when there is none.
pub fn read(path: &Path) -> Result<Option<Control>, ControlError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ControlError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    parse(path, &bytes).map(Some)
}

/// Parses a control file's bytes (`path` only names it in errors).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Control, ControlError> {
    // The version first, so a newer format is named as such rather than as a parse error.
    #[derive(Deserialize)]
    struct Versioned {
        version: u32,
    }
    if let Ok(v) = serde_json::from_slice::<Versioned>(bytes) {
        if v.version > VERSION {
            return Err(ControlError::TooNew {
                path: path.to_path_buf(),
                found: v.version,
            });
        }
    }
    serde_json::from_slice(bytes).map_err(|e| ControlError::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

/// Replaces the control file in `dir` with `control` atomically (created with `dir` if need be).
pub fn write(dir: &Path, control: &Control) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let target = path(dir);
    let tmp = dir.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        serde_json::to_writer_pretty(&mut f, control)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        std::fs::rename(&tmp, &target)?;
        // The rename itself must survive a power cut.
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|()| target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Control {
        let mut use_cases = BTreeMap::new();
        use_cases.insert(
            "bot".to_string(),
            UseCaseControl {
                paused: Some(Pause {
                    since: "2026-12-05T12:00:00Z".into(),
                    by: "ana".into(),
                    decision: "use-case:bot".into(),
                }),
                monthly_cap_usd: Some(Decimal::new(50000, 2)),
            },
        );
        Control {
            version: VERSION,
            generation: 3,
            written_at: "2026-12-05T12:00:01Z".into(),
            use_cases,
        }
    }

    #[test]
    fn round_trips_and_replaces() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(read(&path(dir.path())).expect("read").is_none());
        let c = sample();
        write(dir.path(), &c).expect("write");
        let text = std::fs::read_to_string(path(dir.path())).expect("text");
        assert!(text.contains("\"monthly_cap_usd\": \"500.00\""), "{text}");
        assert_eq!(read(&path(dir.path())).expect("read"), Some(c.clone()));
        let mut next = c;
        next.generation = 4;
        next.use_cases.clear();
        write(dir.path(), &next).expect("write");
        assert_eq!(read(&path(dir.path())).expect("read"), Some(next));
        // Only the control file is left: no temp file behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(FILE_NAME)]);
    }

    #[test]
    fn bad_files_are_named() {
        let p = Path::new("/spool/control.json");
        let e = parse(p, b"{\"version\": 1, \"generation\": ").expect_err("truncated");
        assert!(
            e.to_string()
                .starts_with("/spool/control.json cannot be parsed (line 1"),
            "{e}"
        );
        let e = parse(p, b"{\"version\": 9}").expect_err("newer");
        assert!(e.to_string().contains("version 9, newer"), "{e}");
    }
}

//! Turning DuckDB's "Conflicting lock is held in ..." into a message naming the holder.

use std::fmt;
use std::path::Path;

use super::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct LockHolder {
    pub program: String,
    pub pid: Option<u32>,
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pid {
            Some(pid) => write!(f, "{} (PID {pid})", self.program),
            None => write!(f, "{}", self.program),
        }
    }
}

pub(super) fn classify(path: &Path, err: duckdb::Error) -> StoreError {
    let text = err.to_string();
    if let Some(holder) = parse_holder(&text) {
        return StoreError::Locked {
            path: path.to_path_buf(),
            holder,
        };
    }
    StoreError::Open {
        path: path.to_path_buf(),
        message: text.lines().next().unwrap_or_default().to_string(),
    }
}

/// Parses `Conflicting lock is held in /usr/bin/tollgate (PID 1234) by user root`.
pub fn parse_holder(text: &str) -> Option<LockHolder> {
    let rest = text.split("Conflicting lock is held in ").nth(1)?;
    let (program, after) = match rest.find(" (PID ") {
        Some(i) => (&rest[..i], &rest[i + 6..]),
        None => (rest.split(" by user").next().unwrap_or(rest), ""),
    };
    let pid = after.split(')').next().and_then(|p| p.trim().parse().ok());
    Some(LockHolder {
        program: program.trim().to_string(),
        pid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_duckdb_lock_message() {
        let msg = "IO Error: Could not set lock on file \"/tmp/a.duckdb\": Conflicting lock is held in /usr/local/bin/tollgate (PID 4242) by user root. See also https://duckdb.org/docs/stable/connect/concurrency";
        let h = parse_holder(msg).expect("holder");
        assert_eq!(h.program, "/usr/local/bin/tollgate");
        assert_eq!(h.pid, Some(4242));
        assert!(parse_holder("IO Error: disk full").is_none());
    }
}

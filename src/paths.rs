//! Where tollgate keeps its files: XDG data (the DB), config (tollgate.toml) and state (logs).

use std::path::PathBuf;

use directories::ProjectDirs;

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "tollgate")
}

fn or_cwd(p: Option<PathBuf>, leaf: &str) -> PathBuf {
    p.unwrap_or_else(|| PathBuf::from(".tollgate")).join(leaf)
}

/// The user's ledger: `$XDG_DATA_HOME/tollgate/tollgate.duckdb`.
pub fn default_db() -> PathBuf {
    or_cwd(
        dirs().map(|d| d.data_dir().to_path_buf()),
        "tollgate.duckdb",
    )
}

/// The demo's ledger, never the user's: `$XDG_DATA_HOME/tollgate/demo.duckdb`.
pub fn demo_db() -> PathBuf {
    or_cwd(dirs().map(|d| d.data_dir().to_path_buf()), "demo.duckdb")
}

/// `$XDG_CONFIG_HOME/tollgate/tollgate.toml`.
pub fn default_config() -> PathBuf {
    or_cwd(
        dirs().map(|d| d.config_dir().to_path_buf()),
        "tollgate.toml",
    )
}

/// `$XDG_STATE_HOME/tollgate/` (logs).
pub fn state_dir() -> PathBuf {
    dirs()
        .and_then(|d| d.state_dir().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| or_cwd(dirs().map(|d| d.data_dir().to_path_buf()), "state"))
}

/// `$XDG_DATA_HOME/tollgate/spool/`: the gateway's request spool.
pub fn default_spool_dir() -> PathBuf {
    or_cwd(dirs().map(|d| d.data_dir().to_path_buf()), "spool")
}

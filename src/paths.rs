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

/// The log file: `tollgate.log` in [`state_dir`].
pub fn log_file() -> PathBuf {
    state_dir().join(LOG_FILE)
}

/// The log file's name.
pub const LOG_FILE: &str = "tollgate.log";

/// The cockpit's key bindings: `keymap.toml` next to the config file in use (`--config`), else
/// in the XDG config dir.
pub fn keymap_file(config_file: Option<&std::path::Path>) -> PathBuf {
    let config = config_file.map_or_else(default_config, std::path::Path::to_path_buf);
    config
        .parent()
        .map_or_else(|| PathBuf::from("keymap.toml"), |d| d.join("keymap.toml"))
}

/// `$XDG_DATA_HOME/tollgate/spool/`: the gateway's request spool.
pub fn default_spool_dir() -> PathBuf {
    or_cwd(dirs().map(|d| d.data_dir().to_path_buf()), "spool")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keymap_lives_next_to_the_config_in_use() {
        assert_eq!(
            keymap_file(Some(std::path::Path::new("/etc/team/tollgate.toml"))),
            PathBuf::from("/etc/team/keymap.toml")
        );
        assert_eq!(
            keymap_file(None),
            default_config().with_file_name("keymap.toml")
        );
    }
}

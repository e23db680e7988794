//! The proxy's settings, resolved from `[proxy]` in tollgate.toml and the command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use http::HeaderName;

use crate::config::{Config, SourceKind};

#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub spool_dir: PathBuf,
    /// Upstream base URLs without a trailing `/`.
    pub openai_url: String,
    pub anthropic_url: String,
    pub require_use_case: bool,
    pub fsync_interval: Duration,
    pub user_header: HeaderName,
    pub worker_threads: usize,
    /// The source name rules see for proxied requests: the configured `gateway` source, else
    /// `gateway`.
    pub source: String,
}

impl Settings {
    /// `listen` overrides the config's address (`--listen`).
    pub fn new(config: &Config, listen: Option<&str>) -> anyhow::Result<Settings> {
        let p = &config.proxy;
        let addr = listen.unwrap_or(&p.listen);
        let listen = addr.parse::<SocketAddr>().with_context(|| {
            format!("--listen {addr}: not an address; write IP:PORT, e.g. 127.0.0.1:4141")
        })?;
        let user_header = HeaderName::from_bytes(p.user_header.as_bytes()).with_context(|| {
            format!(
                "proxy.user_header: '{}' is not a header name",
                p.user_header
            )
        })?;
        let worker_threads = p.worker_threads.unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        let source = config
            .sources
            .iter()
            .find(|(_, s)| s.kind == SourceKind::Gateway)
            .map_or_else(|| "gateway".to_string(), |(name, _)| name.clone());
        Ok(Settings {
            listen,
            spool_dir: spool_dir(config),
            openai_url: p.openai_url.trim_end_matches('/').to_string(),
            anthropic_url: p.anthropic_url.trim_end_matches('/').to_string(),
            require_use_case: p.require_use_case,
            fsync_interval: Duration::from_millis(p.fsync_interval_ms),
            user_header,
            worker_threads,
            source,
        })
    }
}

/// The proxy's spool dir: `[proxy] spool_dir`, else `spool/` in the XDG data dir. The control
/// file lives there too.
pub fn spool_dir(config: &Config) -> PathBuf {
    config
        .proxy
        .spool_dir
        .as_ref()
        .map_or_else(crate::paths::default_spool_dir, PathBuf::from)
}

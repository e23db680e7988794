//! `tollgate proxy [--listen ADDR]`: the gateway. Reads the config (never the DB), takes the
//! pseudonym secret (creating it on the first start), prints one line when it listens and runs
//! until SIGTERM/SIGINT.

use clap::Args;

use crate::cli::Cli;
use crate::config::{self, LoadedConfig};
use crate::credentials::Origin;
use crate::proxy::{self, config::Settings, pseudonym};

#[derive(Debug, Args)]
pub struct ProxyArgs {
    /// Address to listen on, IP:PORT (default: [proxy] listen, 127.0.0.1:4141)
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
}

pub fn run(cli: &Cli, args: &ProxyArgs) -> anyhow::Result<()> {
    let loaded = load_config(cli)?;
    let settings = Settings::new(&loaded.config, args.listen.as_deref())?;
    let (secret, origin, created) = pseudonym::load_or_create_secret()?;
    if created {
        tracing::info!("created the proxy's pseudonym secret in the keyring");
    }
    if let Origin::Keyring(b) = origin {
        if !b.survives_reboot() {
            tracing::warn!(
                "the proxy secret is in the {}; pseudonyms change after a reboot unless TOLLGATE_PROXY_KEY is set",
                b.describe()
            );
        }
    }
    tracing::info!(config = %loaded.origin.describe(), "starting the proxy");
    proxy::run(settings, loaded.config, &secret, |addr, spool| {
        eprintln!(
            "tollgate proxy listening on {addr}, spool {}",
            spool.display()
        );
    })
}

/// `--config`/TOLLGATE_CONFIG, else the user's tollgate.toml, else the defaults; never the DB.
pub fn load_config(cli: &Cli) -> anyhow::Result<LoadedConfig> {
    if let Some(p) = cli.config.as_deref() {
        return Ok(config::load_file(p)?);
    }
    let user = crate::paths::default_config();
    if user.exists() {
        return Ok(config::load_file(&user)?);
    }
    Ok(config::defaults())
}

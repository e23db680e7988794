//! What each subcommand does, on top of the library. `run` is the binary's whole job.

pub mod auth;
mod demo;
pub mod deps;
mod doctor;
pub mod export;
pub mod forecast;
pub mod gates;
mod import;
pub mod outcomes;
mod overview;
pub mod pipe;
pub mod prices;
pub mod proxy;
pub mod reconcile;
mod report;
pub mod requests;
pub mod spikes;
mod sync;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::cli::{Cli, Command};
use crate::config::{self, LoadedConfig, Origin};
use crate::store::Store;

/// Exit code for a DB held by another process (EX_TEMPFAIL).
pub const EXIT_LOCKED: i32 = 75;

/// The exit code an error maps to: 75 for a locked DB, 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    match err.downcast_ref::<crate::store::StoreError>() {
        Some(crate::store::StoreError::Locked { .. }) => EXIT_LOCKED,
        _ => 1,
    }
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Some(Command::Demo(args)) => demo::run(&cli, args),
        Some(Command::Import { what }) => import::run(&cli, what),
        Some(Command::Report(args)) => report::run(&cli, args),
        Some(Command::Overview(args)) => overview::run(&cli, args),
        Some(Command::Prices { cmd }) => prices::run(&cli, cmd),
        Some(Command::Reconcile(args)) => reconcile::run(&cli, args),
        Some(Command::Forecast(args)) => forecast::run(&cli, args),
        Some(Command::Gates(args)) => gates::run(&cli, args),
        Some(Command::Spikes(args)) => spikes::run(&cli, args),
        Some(Command::Requests(args)) => requests::run(&cli, args),
        Some(Command::Deps { cmd }) => deps::run(&cli, cmd),
        Some(Command::Sync(args)) => sync::run_cmd(&cli, args),
        Some(Command::Export(args)) => export::run(&cli, args),
        Some(Command::Auth { cmd }) => auth::run(cmd),
        Some(Command::Proxy(args)) => proxy::run(&cli, args),
        Some(Command::Doctor(args)) => doctor::run(&cli, args),
        None => {
            let ctx = Context::open(&cli)?;
            let today = ctx.today()?;
            crate::tui::run(ctx.store, ctx.config, today)
        }
    }
}

/// An open DB with the config that applies to it.
pub struct Context {
    pub store: Store,
    pub config: LoadedConfig,
    pub db_path: PathBuf,
}

impl Context {
    pub fn open(cli: &Cli) -> anyhow::Result<Context> {
        let db_path = cli.db.clone().unwrap_or_else(crate::paths::default_db);
        Self::open_at(cli, db_path)
    }

    pub fn open_at(cli: &Cli, db_path: PathBuf) -> anyhow::Result<Context> {
        // An explicit config is checked before the DB is touched: a bad config changes nothing.
        let explicit = cli.config.as_deref().map(config::load_file).transpose()?;
        let store = Store::open(&db_path)?;
        crate::prices::ensure_shipped(&store)?;
        let config = match explicit {
            Some(c) => c,
            None => resolve_config(None, &store, &db_path)?,
        };
        tracing::info!(db = %db_path.display(), config = %config.origin.describe(), "opened");
        Ok(Context {
            store,
            config,
            db_path,
        })
    }

    /// The date views are computed for ([`crate::clock::as_of`]).
    pub fn today(&self) -> anyhow::Result<NaiveDate> {
        crate::clock::as_of(&self.store)
    }
}

/// `--config`/TOLLGATE_CONFIG (errors are fatal), else the config stored with the DB (the
/// demo's), else the user's tollgate.toml if it exists, else the embedded defaults.
pub fn resolve_config(
    explicit: Option<&Path>,
    store: &Store,
    db_path: &Path,
) -> anyhow::Result<LoadedConfig> {
    if let Some(p) = explicit {
        return Ok(config::load_file(p)?);
    }
    if let Some(text) = store.setting("config_toml")? {
        let origin = Origin::Stored(db_path.to_path_buf());
        let cfg = config::parse(&text, &origin.describe())?;
        return Ok(LoadedConfig {
            config: cfg,
            origin,
            text,
        });
    }
    let user = crate::paths::default_config();
    if user.exists() {
        return Ok(config::load_file(&user)?);
    }
    Ok(config::defaults())
}

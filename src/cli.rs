//! The command line (docs/CONTRACTS.md, "Commands"). Global options work before or after the
//! subcommand.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tollgate",
    version,
    about = "FinOps cockpit for tokens and GPUs: AI spend in one local ledger"
)]
pub struct Cli {
    /// Config file (default: tollgate.toml in the XDG config dir)
    #[arg(long, global = true, env = "TOLLGATE_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// DuckDB ledger file (default: tollgate.duckdb in the XDG data dir)
    #[arg(long, global = true, env = "TOLLGATE_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the demo dataset into a demo DB and open the cockpit on it
    Demo(DemoArgs),
    /// Load FOCUS cost exports or outcome values
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Month totals by provider, category and use case
    Report(ReportArgs),
    /// The Overview tab's numbers: month to date, projection, G3 line, categories, providers
    Overview(OverviewArgs),
    /// Prices per million tokens: list them, or import LiteLLM's price table
    Prices {
        #[command(subcommand)]
        cmd: crate::commands::prices::PricesCommand,
    },
    /// Billed cost vs usage x list price, per provider, for a month
    Reconcile(crate::commands::reconcile::ReconcileArgs),
    /// Budget gates G1-G4: breaches, projections for the month in progress, decisions
    Gates(crate::commands::gates::GatesArgs),
    /// Monthly history and a 12-month forecast with an 80% interval, targets and what-ifs
    Forecast(crate::commands::forecast::ForecastArgs),
    /// Days whose spend jumped, per use case, split into volume, price and mix
    Spikes(crate::commands::spikes::SpikesArgs),
    /// The gateway's requests per day and use case: requests, users, tokens, captured cost, refused
    Requests(crate::commands::requests::RequestsArgs),
    /// AI dependencies (use case x provider x item): 30-day spend, reviews, waste candidates
    Deps {
        #[command(subcommand)]
        cmd: crate::commands::deps::DepsCommand,
    },
    /// Write a month's business-review pack (summary, HTML report, FOCUS rows, tables, manifest)
    Export(crate::commands::export::ExportArgs),
    /// Pull the configured sources (incremental; --full re-fetches everything)
    Sync(SyncArgs),
    /// Manage a source's stored credential (OS keyring)
    Auth {
        #[command(subcommand)]
        cmd: crate::commands::auth::AuthCommand,
    },
    /// The gateway: an OpenAI/Anthropic pass-through that records each request's use case,
    /// pseudonymous user, tokens and cost to the spool (never content)
    Proxy(crate::commands::proxy::ProxyArgs),
    /// Check the config, the DB, credentials, the keyring, the proxy and the sync runs
    Doctor(DoctorArgs),
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print the same facts as JSON (never a secret)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Write the demo DB and print a summary, without opening the cockpit
    #[arg(long)]
    pub no_tui: bool,
    /// Random seed of the generated data
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The demo's "today" (YYYY-MM-DD); defaults to today
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
    /// Print the demo's config (use cases and rules) as a starting template, and exit
    #[arg(long)]
    pub print_config: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// FOCUS 1.0-1.2 CSV, Parquet or zip-of-CSV files; re-importing a file replaces its rows
    Focus {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Source name the rows are tagged with
        #[arg(long, default_value = "focus")]
        source: String,
    },
    /// Outcome values: a CSV with the header month,use_case,metric,value; re-importing replaces the same keys
    Outcomes {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Month (YYYY-MM); default: the latest complete month
    #[arg(long, value_name = "M")]
    pub month: Option<String>,
    /// Print the JSON contract instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OverviewArgs {
    /// Print the JSON contract instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Only this source (repeatable); default: every configured source
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
    /// Fetch from this date (YYYY-MM-DD) instead of the watermark
    #[arg(long, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// Re-fetch the whole backfill window (13 months), ignoring the watermark
    #[arg(long)]
    pub full: bool,
    /// Print each source's outcome as JSON on stdout instead of the progress text
    #[arg(long)]
    pub json: bool,
}

//! `tollgate prices list` and `tollgate prices import litellm FILE`.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Subcommand;
use serde::Serialize;

use super::Context;
use crate::cli::Cli;
use crate::prices::{self, Price};

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// List the prices (USD per million tokens) with their dates and sources
    List {
        /// Only prices for this model: names containing it, or the model it is a snapshot of
        #[arg(long, value_name = "M")]
        model: Option<String>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Import a price table
    Import {
        #[command(subcommand)]
        what: PricesImport,
    },
}

#[derive(Debug, Subcommand)]
pub enum PricesImport {
    /// LiteLLM's model_prices_and_context_window.json (USD per token; all or nothing)
    Litellm {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// First day the imported prices are in force (YYYY-MM-DD); default: today
        #[arg(long, value_name = "DATE")]
        effective: Option<NaiveDate>,
    },
}

#[derive(Serialize)]
struct PriceList<'a> {
    prices: Vec<&'a Price>,
}

pub fn run(cli: &Cli, cmd: &PricesCommand) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    prices::ensure_shipped(&ctx.store)?;
    match cmd {
        PricesCommand::List { model, json } => {
            let all = prices::all_prices(ctx.store.conn())?;
            let shown = select(&all, model.as_deref());
            let mut out = std::io::stdout().lock();
            if *json {
                serde_json::to_writer_pretty(&mut out, &PriceList { prices: shown })?;
                writeln!(out)?;
            } else {
                write!(out, "{}", render_table(&shown))?;
            }
        }
        PricesCommand::Import {
            what: PricesImport::Litellm { file, effective },
        } => {
            let effective = match effective {
                Some(d) => *d,
                None => ctx.today()?,
            };
            let done = prices::import_litellm(&ctx.store, file, effective)?;
            println!(
                "imported {} prices for {} models from {} (source {}, in force from {})",
                done.prices,
                done.models,
                file.display(),
                done.source,
                done.effective_from
            );
            if done.replaced > 0 {
                println!(
                    "replaced {} prices from an earlier import of the same file for that date",
                    done.replaced
                );
            }
        }
    }
    Ok(())
}

/// Rows whose model contains `filter`, plus the rows a snapshot name like `filter` resolves to.
fn select<'a>(all: &'a [Price], filter: Option<&str>) -> Vec<&'a Price> {
    let Some(f) = filter.map(str::to_lowercase) else {
        return all.iter().collect();
    };
    let resolved: Vec<String> = all
        .iter()
        .filter(|p| {
            f.strip_prefix(&p.model.to_lowercase()).is_some_and(|rest| {
                rest.strip_prefix(['-', '@'])
                    .is_some_and(prices::is_snapshot_suffix)
            })
        })
        .map(|p| p.model.to_lowercase())
        .collect();
    all.iter()
        .filter(|p| {
            let m = p.model.to_lowercase();
            m.contains(&f) || resolved.contains(&m)
        })
        .collect()
}

fn render_table(rows: &[&Price]) -> String {
    if rows.is_empty() {
        return "no prices match\n".to_string();
    }
    let mut s = format!(
        "{:<10} {:<28} {:<15} {:<9} {:>12}  {:<10} {:<10}  {}\n",
        "provider", "model", "token type", "tier", "USD/MTok", "from", "to", "source"
    );
    for p in rows {
        s.push_str(&format!(
            "{:<10} {:<28} {:<15} {:<9} {:>12}  {:<10} {:<10}  {}\n",
            p.provider,
            p.model,
            p.token_type,
            p.tier,
            p.usd_per_mtok.to_string(),
            p.effective_from.to_string(),
            p.effective_to
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".to_string()),
            p.source
        ));
    }
    s
}

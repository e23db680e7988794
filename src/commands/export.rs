//! `tollgate export --month M --out DIR`: write the month's business-review pack;
//! `tollgate export --quarter YYYY-Qn --out DIR`: the board's quarterly pack;
//! `tollgate export --lake DIR [--since M]`: write or update the FOCUS Parquet lake.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::Context;
use crate::cli::Cli;
use crate::month::Month;
use crate::quarter::Quarter;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["month", "quarter", "lake"])))]
pub struct ExportArgs {
    /// Month of the business-review pack (YYYY-MM)
    #[arg(long, value_name = "M", value_parser = parse_month)]
    pub month: Option<Month>,
    /// Quarter of the board pack (YYYY-Qn, e.g. 2026-Q3)
    #[arg(long, value_name = "Q", value_parser = parse_quarter)]
    pub quarter: Option<Quarter>,
    /// Directory the pack is written to (new, empty, or an earlier pack to replace)
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "lake",
        conflicts_with = "lake"
    )]
    pub out: Option<PathBuf>,
    /// Write the ledger as a Hive-partitioned FOCUS Parquet lake into DIR (new, empty, or an
    /// earlier lake, whose changed partitions are rewritten)
    #[arg(long, value_name = "DIR")]
    pub lake: Option<PathBuf>,
    /// With --lake: only BillingPeriod months from M on (earlier partitions are left alone)
    #[arg(long, value_name = "M", value_parser = parse_month, requires = "lake")]
    pub since: Option<Month>,
}

fn parse_month(s: &str) -> Result<Month, String> {
    s.parse::<Month>()
}

fn parse_quarter(s: &str) -> Result<Quarter, String> {
    s.parse::<Quarter>()
}

pub fn run(cli: &Cli, args: &ExportArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let mut out = std::io::stdout().lock();
    let Some(dir) = args.out.as_ref() else {
        let dir = args.lake.as_deref().unwrap_or(std::path::Path::new("."));
        let lake =
            crate::export::lake::write_lake(&ctx.store, &ctx.config.config, dir, args.since)?;
        writeln!(
            out,
            "lake {}: {} partitions, {} written, {} unchanged, {} removed",
            lake.dir.display(),
            lake.partitions,
            lake.written.len(),
            lake.unchanged,
            lake.removed.len()
        )?;
        for p in &lake.written {
            writeln!(out, "  wrote   {p}")?;
        }
        for p in &lake.removed {
            writeln!(out, "  removed {p}")?;
        }
        return Ok(());
    };
    let today = ctx.today()?;
    let config = &ctx.config.config;
    let pack = match (args.month, args.quarter) {
        (_, Some(q)) => {
            crate::export::quarter::write_quarter_pack(&ctx.store, config, q, dir, today)?
        }
        (Some(m), None) => crate::export::write_pack(&ctx.store, config, m, dir, today)?,
        (None, None) => anyhow::bail!("give --month YYYY-MM or --quarter YYYY-Qn"),
    };
    writeln!(
        out,
        "pack {} of {} written to {}",
        pack.pack_id,
        pack.period,
        pack.dir.display()
    )?;
    for f in &pack.files {
        writeln!(
            out,
            "  {:<18} {:>10} bytes  sha256 {}",
            f.name, f.bytes, f.sha256
        )?;
    }
    Ok(())
}

//! `tollgate export --month M --out DIR`: write the month's business-review pack.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::Context;
use crate::cli::Cli;
use crate::month::Month;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Month of the pack (YYYY-MM)
    #[arg(long, value_name = "M", value_parser = parse_month)]
    pub month: Month,
    /// Directory the pack is written to (new, empty, or an earlier pack to replace)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

fn parse_month(s: &str) -> Result<Month, String> {
    s.parse::<Month>()
}

pub fn run(cli: &Cli, args: &ExportArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let today = ctx.today()?;
    let pack =
        crate::export::write_pack(&ctx.store, &ctx.config.config, args.month, &args.out, today)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "pack {} of {} written to {}",
        pack.pack_id,
        pack.month,
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

//! `tollgate import outcomes FILE`.

use std::path::Path;

use super::Context;
use crate::cli::Cli;
use crate::outcomes::import_file;

pub fn run(cli: &Cli, file: &Path) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let summary = import_file(&ctx.store, &ctx.config.config, file)?;
    println!(
        "imported {} outcome values from {}",
        summary.rows,
        file.display()
    );
    if summary.replaced > 0 {
        println!(
            "{} of them replaced earlier values for the same month, use case and metric",
            summary.replaced
        );
    }
    Ok(())
}

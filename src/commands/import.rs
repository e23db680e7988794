//! `tollgate import focus FILE...`.

use super::Context;
use crate::cli::{Cli, ImportCommand};
use crate::import::focus::import_files;

pub fn run(cli: &Cli, what: &ImportCommand) -> anyhow::Result<()> {
    match what {
        ImportCommand::Focus { files, source } => {
            let ctx = Context::open(cli)?;
            let summary = import_files(
                &ctx.store,
                files,
                source,
                &ctx.config.config.ledger.currency,
            )?;
            for f in &summary.files {
                println!(
                    "imported {} rows from {} (source {source})",
                    f.rows,
                    f.file.display()
                );
            }
            if summary.rows_replaced > 0 {
                println!(
                    "replaced {} rows from earlier imports of the same files",
                    summary.rows_replaced
                );
            }
            Ok(())
        }
        ImportCommand::Outcomes { file } => super::outcomes::run(cli, file),
    }
}

//! `tollgate doctor`: the config, the DB, credentials, the keyring and the sync runs — what
//! tollgate is using and whether it is healthy. Each source's endpoint and credential are
//! resolved as sync resolves them (`sources::in_use`). Never prints a secret.

use super::Context;
use crate::cli::Cli;
use crate::credentials;

pub fn run(cli: &Cli) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let s = &ctx.store;
    println!(
        "db:      {} (schema {})",
        ctx.db_path.display(),
        s.schema_version()?
    );
    println!("config:  {}", ctx.config.origin.describe());
    println!("log:     {}", crate::paths::log_file().display());
    match credentials::backend() {
        Ok(b) => println!("keyring: {b}"),
        Err(e) => println!(
            "keyring: none usable ({}); use TOLLGATE_<SOURCE>_KEY env vars",
            e.0
        ),
    }
    let (rows, first, last): (i64, Option<String>, Option<String>) = s.conn().query_row(
        "SELECT count(*), CAST(min(ChargePeriodStart) AS VARCHAR), CAST(max(ChargePeriodEnd) AS VARCHAR) FROM ledger",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    println!(
        "ledger:  {rows} rows, {} to {}",
        first.unwrap_or_else(|| "-".into()),
        last.unwrap_or_else(|| "-".into())
    );
    println!("\nsources");
    for (name, src) in &ctx.config.config.sources {
        let used = crate::sources::in_use::in_use(name, src);
        println!(
            "  source {name} ({}, {}): {}",
            src.kind.as_str(),
            used.endpoint,
            used.credential
        );
    }
    for span in s.ledger_spans()? {
        println!(
            "  data from {}: {} rows, up to {}",
            span.source, span.rows, span.data_end
        );
    }
    println!("\nrecent runs");
    let mut any = false;
    for run in s.recent_runs(20)? {
        any = true;
        let tail = run
            .error
            .as_deref()
            .filter(|e| !e.is_empty())
            .map_or_else(String::new, |e| format!(": {e}"));
        println!(
            "  {}  {:<12} {:<6} {:<26} {:>8} rows {:>7.1}s  {}{tail}",
            run.finished_at,
            run.source,
            run.kind_label(),
            run.what(),
            run.rows_written,
            run.seconds(),
            run.status
        );
    }
    if !any {
        println!("  none yet: run `tollgate sync` or `tollgate import focus FILE`");
    }
    Ok(())
}

//! `tollgate demo`: the premise dataset in a demo DB (never the user's own), then the cockpit.

use anyhow::bail;

use super::Context;
use crate::cli::{Cli, DemoArgs};
use crate::money::usd;

pub fn run(cli: &Cli, args: &DemoArgs) -> anyhow::Result<()> {
    if args.print_config {
        print!("{}", crate::demo::CONFIG_TOML);
        return Ok(());
    }
    let db_path = cli.db.clone().unwrap_or_else(crate::paths::demo_db);
    let ctx = Context::open_at(cli, db_path.clone())?;
    let is_demo = ctx.store.setting("demo")?.is_some();
    let rows: i64 = ctx
        .store
        .conn()
        .query_row("SELECT count(*) FROM ledger", [], |r| r.get(0))?;
    if !is_demo && rows > 0 {
        bail!(
            "{} holds your own data ({rows} ledger rows); the demo only writes into a demo DB. Pass --db with a new file, or leave --db out to use {}",
            db_path.display(),
            crate::paths::demo_db().display()
        );
    }
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let started = std::time::Instant::now();
    let summary = crate::demo::write(&ctx.store, args.seed, as_of)?;
    if args.no_tui {
        println!(
            "demo: {} ledger rows over {} months in {} ({:.1}s); {} totals {}",
            summary.rows,
            summary.months,
            db_path.display(),
            started.elapsed().as_secs_f64(),
            summary.latest_complete_month,
            usd(summary.latest_complete_total)
        );
        println!("try: tollgate --db {} report", db_path.display());
        return Ok(());
    }
    // Re-read the config stored with the demo DB unless --config was given.
    let config = super::resolve_config(cli.config.as_deref(), &ctx.store, &db_path)?;
    crate::tui::run(ctx.store, config, as_of)
}

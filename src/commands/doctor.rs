//! `tollgate doctor`: the config, the DB, credentials, the keyring and the sync runs — what
//! tollgate is using and whether it is healthy. Never prints a secret.

use super::Context;
use crate::cli::Cli;
use crate::credentials::{self, Origin};

pub fn run(cli: &Cli) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let s = &ctx.store;
    println!(
        "db:      {} (schema {})",
        ctx.db_path.display(),
        s.schema_version()?
    );
    println!("config:  {}", ctx.config.origin.describe());
    println!(
        "log:     {}",
        crate::paths::state_dir().join("tollgate.log").display()
    );
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
        let cred = match credentials::status(name) {
            Ok(st) => match st.origin {
                Origin::Env(var) => format!("credential from {var}"),
                Origin::Keyring(b) => format!("credential in the {}", b.name()),
                Origin::Missing => format!(
                    "no credential (set {} or `tollgate auth set {name}`)",
                    st.env_var
                ),
            },
            Err(e) => format!("credential: {e}"),
        };
        let url = src
            .base_url
            .as_deref()
            .or(src.endpoint_url.as_deref())
            .unwrap_or("default endpoint");
        println!(
            "  source {name} ({}, {url}): {cred}",
            format!("{:?}", src.kind).to_lowercase()
        );
    }
    let mut stmt = s.conn().prepare(
        "SELECT x_Source, count(*), CAST(max(ChargePeriodEnd) AS VARCHAR) FROM ledger GROUP BY 1 ORDER BY 1",
    )?;
    let sources = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for src in sources {
        let (name, n, fresh) = src?;
        println!("  data from {name}: {n} rows, up to {fresh}");
    }
    println!("\nrecent runs");
    let mut stmt = s.conn().prepare(
        "SELECT source, kind, CAST(COALESCE(CAST(window_start AS DATE) || ' .. ' || CAST(window_end AS DATE), file, '') AS VARCHAR), \
         rows_written, CAST(finished_at AS VARCHAR), date_diff('millisecond', started_at, finished_at), status, COALESCE(error, '') \
         FROM ingest_runs ORDER BY id DESC LIMIT 20",
    )?;
    let runs = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    let mut any = false;
    for run in runs {
        let (src, kind, what, n, at, ms, status, err) = run?;
        let kind = match kind.as_str() {
            "window" => "sync",
            "file" => "import",
            other => other,
        };
        any = true;
        let tail = if err.is_empty() {
            String::new()
        } else {
            format!(": {err}")
        };
        println!(
            "  {at}  {src:<12} {kind:<6} {what:<26} {n:>8} rows {:>7.1}s  {status}{tail}",
            ms as f64 / 1000.0
        );
    }
    if !any {
        println!("  none yet: run `tollgate sync` or `tollgate import focus FILE`");
    }
    Ok(())
}

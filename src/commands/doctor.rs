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
    proxy(&ctx.config.config);
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

/// The gateway: its settings, the spool and its newest record, and where its secret lives.
fn proxy(config: &crate::config::Config) {
    let p = &config.proxy;
    let spool = p
        .spool_dir
        .as_ref()
        .map_or_else(crate::paths::default_spool_dir, std::path::PathBuf::from);
    let workers = p
        .worker_threads
        .map_or_else(|| "all cores".to_string(), |n| n.to_string());
    println!(
        "proxy:   listen {}, openai {}, anthropic {}, require_use_case {}, spool flushed to disk every {} ms, user header {}, workers {workers}",
        p.listen, p.openai_url, p.anthropic_url, p.require_use_case, p.fsync_interval_ms, p.user_header
    );
    match crate::proxy::spool::summary(&spool) {
        Ok(s) => {
            println!(
                "spool:   {} ({} files, {})",
                spool.display(),
                s.files,
                human_bytes(s.bytes)
            );
            match s.newest {
                Some(r) => println!(
                    "  newest record: {} {} {} {} {} {} cost {}",
                    text(&r["started_at"]),
                    text(&r["request_id"]),
                    text(&r["provider"]),
                    text(&r["model"]),
                    text(&r["status"]),
                    text(&r["outcome"]),
                    text(&r["cost_usd"])
                ),
                None => println!("  no records yet"),
            }
        }
        Err(_) => println!("spool:   {} (not created yet)", spool.display()),
    }
    let name = crate::proxy::pseudonym::SECRET_NAME;
    match credentials::status(name) {
        Ok(st) => match st.origin {
            credentials::Origin::Env(var) => println!("  pseudonym secret from {var}"),
            credentials::Origin::Keyring(b) if !b.survives_reboot() => println!(
                "  warning: the pseudonym secret is in the {b}: every user's pseudonym changes after a reboot; set {} to keep them",
                st.env_var
            ),
            credentials::Origin::Keyring(b) => println!("  pseudonym secret in the {}", b.name()),
            credentials::Origin::Missing => println!(
                "  no pseudonym secret yet: `tollgate proxy` creates one in the keyring (or set {})",
                st.env_var
            ),
        },
        Err(e) => println!("  pseudonym secret: {e}"),
    }
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".to_string(),
        other => other.to_string(),
    }
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

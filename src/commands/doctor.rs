//! `tollgate doctor`: the config, the DB, credentials, the keyring and the sync runs — what
//! tollgate is using and whether it is healthy. Each source's endpoint and credential are
//! resolved as sync resolves them (`sources::in_use`). Never prints a secret. `--json` prints
//! the same facts as JSON (docs/CONTRACTS.md, section 3.11).

use serde::Serialize;

use super::Context;
use crate::cli::{Cli, DoctorArgs};
use crate::credentials;
use crate::gates::enforcement::{self, ControlStatus};

#[derive(Serialize)]
struct Facts {
    db: String,
    schema: u32,
    config: String,
    log: String,
    /// The keyring backend, or why none is usable.
    keyring: Option<String>,
    keyring_error: Option<String>,
    ledger: LedgerFacts,
    sources: Vec<SourceFacts>,
    data: Vec<DataFacts>,
    recent_runs: Vec<RunFacts>,
    /// The gateway's control file (what the proxy is told to enforce).
    proxy_control: ControlStatus,
}

#[derive(Serialize)]
struct LedgerFacts {
    rows: i64,
    first: Option<String>,
    last: Option<String>,
}

#[derive(Serialize)]
struct SourceFacts {
    name: String,
    kind: &'static str,
    endpoint: String,
    /// Where the credential comes from, with a masked hint; never the secret.
    credential: String,
}

#[derive(Serialize)]
struct DataFacts {
    source: String,
    rows: i64,
    data_end: String,
}

#[derive(Serialize)]
struct RunFacts {
    finished_at: String,
    source: String,
    kind: String,
    what: String,
    rows: i64,
    seconds: f64,
    status: String,
    error: Option<String>,
}

pub fn run(cli: &Cli, args: &DoctorArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let facts = gather(&ctx)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&facts)?);
    } else {
        print_text(&facts);
        proxy(&ctx.config.config);
        control(&ctx.config.config, &facts.proxy_control);
    }
    Ok(())
}

fn gather(ctx: &Context) -> anyhow::Result<Facts> {
    let s = &ctx.store;
    let proxy_control = enforcement::status(&ctx.config.config);
    let (keyring, keyring_error) = match credentials::backend() {
        Ok(b) => (Some(b.to_string()), None),
        Err(e) => (None, Some(e.0)),
    };
    let (rows, first, last): (i64, Option<String>, Option<String>) = s.conn().query_row(
        "SELECT count(*), CAST(min(ChargePeriodStart) AS VARCHAR), CAST(max(ChargePeriodEnd) AS VARCHAR) FROM ledger",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let sources = ctx
        .config
        .config
        .sources
        .iter()
        .map(|(name, src)| {
            let used = crate::sources::in_use::in_use(name, src, &ctx.config.config.proxy);
            SourceFacts {
                name: name.clone(),
                kind: src.kind.as_str(),
                endpoint: used.endpoint,
                credential: used.credential,
            }
        })
        .collect();
    let data = s
        .ledger_spans()?
        .into_iter()
        .map(|span| DataFacts {
            source: span.source,
            rows: span.rows,
            data_end: span.data_end.to_string(),
        })
        .collect();
    let recent_runs = s
        .recent_runs(20)?
        .into_iter()
        .map(|run| RunFacts {
            finished_at: run.finished_at.to_string(),
            kind: run.kind_label().to_string(),
            what: run.what(),
            rows: run.rows_written,
            seconds: run.seconds(),
            error: run.error.clone().filter(|e| !e.is_empty()),
            source: run.source,
            status: run.status,
        })
        .collect();
    Ok(Facts {
        db: ctx.db_path.display().to_string(),
        schema: s.schema_version()?,
        config: ctx.config.origin.describe(),
        log: crate::paths::log_file().display().to_string(),
        keyring,
        keyring_error,
        ledger: LedgerFacts { rows, first, last },
        sources,
        data,
        recent_runs,
        proxy_control,
    })
}

fn print_text(f: &Facts) {
    println!("db:      {} (schema {})", f.db, f.schema);
    println!("config:  {}", f.config);
    println!("log:     {}", f.log);
    match (&f.keyring, &f.keyring_error) {
        (Some(b), _) => println!("keyring: {b}"),
        (None, e) => println!(
            "keyring: none usable ({}); use TOLLGATE_<SOURCE>_KEY env vars",
            e.as_deref().unwrap_or_default()
        ),
    }
    println!(
        "ledger:  {} rows, {} to {}",
        f.ledger.rows,
        f.ledger.first.as_deref().unwrap_or("-"),
        f.ledger.last.as_deref().unwrap_or("-")
    );
    println!("\nsources");
    for src in &f.sources {
        println!(
            "  source {} ({}, {}): {}",
            src.name, src.kind, src.endpoint, src.credential
        );
    }
    for d in &f.data {
        println!(
            "  data from {}: {} rows, up to {}",
            d.source, d.rows, d.data_end
        );
    }
    println!("\nrecent runs");
    for run in &f.recent_runs {
        let tail = run
            .error
            .as_deref()
            .map_or_else(String::new, |e| format!(": {e}"));
        println!(
            "  {}  {:<12} {:<6} {:<26} {:>8} rows {:>7.1}s  {}{tail}",
            run.finished_at, run.source, run.kind, run.what, run.rows, run.seconds, run.status
        );
    }
    if f.recent_runs.is_empty() {
        println!("  none yet: run `tollgate sync` or `tollgate import focus FILE`");
    }
}

/// The gateway: its settings, the spool and its newest record, and where its secret lives.
fn proxy(config: &crate::config::Config) {
    let p = &config.proxy;
    let spool = crate::proxy::config::spool_dir(config);
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

/// The control file: what the proxy enforces, or why it cannot be read.
fn control(config: &crate::config::Config, c: &ControlStatus) {
    if let Some(e) = &c.error {
        println!("control: {e}");
        println!("  a running proxy keeps the last good control file it read; `tollgate gates decide ...` or `tollgate sync` writes a new one");
        return;
    }
    if !c.present {
        println!("control: {} (none: nothing paused or capped)", c.path);
    } else {
        println!(
            "control: {} (version {}, generation {}, written {})",
            c.path,
            crate::proxy::control::VERSION,
            c.generation.unwrap_or_default(),
            c.written_at.as_deref().unwrap_or("-")
        );
        println!("  paused: {}", c.paused_text());
        println!("  caps:   {}", c.caps_text());
    }
    let configured: Vec<(String, rust_decimal::Decimal)> = config
        .use_cases
        .iter()
        .filter_map(|u| u.monthly_cap_usd.map(|c| (u.id.clone(), c)))
        .collect();
    let published: Vec<(String, rust_decimal::Decimal)> = c
        .caps
        .iter()
        .map(|cap| (cap.use_case.clone(), cap.monthly_cap_usd))
        .collect();
    if configured != published {
        println!("  the config's monthly caps differ from the control file: `tollgate sync` (or opening the cockpit) publishes them");
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

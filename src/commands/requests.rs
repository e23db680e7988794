//! `tollgate requests`: the gateway's requests per day and use case (requests, users, tokens,
//! captured cost, refused), as a table or, with --json, the JSON of `gateway::requests`.

use std::io::Write;

use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use clap::Args;

use super::Context;
use crate::cli::Cli;
use crate::fmt::thousands;
use crate::gateway::requests::{per_day, Filter, RequestDays, UNALLOCATED};
use crate::money::usd;
use crate::month::Month;

#[derive(Debug, Args)]
pub struct RequestsArgs {
    /// Only this use case (its id in the config, or `unallocated`)
    #[arg(long, value_name = "ID")]
    pub use_case: Option<String>,
    /// Only days from DATE (YYYY-MM-DD) on
    #[arg(long, value_name = "DATE", conflicts_with = "month")]
    pub since: Option<String>,
    /// Only the days of month M (YYYY-MM): the Use cases drill-down's figures for that month
    #[arg(long, value_name = "M")]
    pub month: Option<String>,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(cli: &Cli, args: &RequestsArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let config = &ctx.config.config;
    if let Some(id) = &args.use_case {
        if id != UNALLOCATED && config.use_case(id).is_none() {
            let ids: Vec<&str> = config.use_cases.iter().map(|u| u.id.as_str()).collect();
            bail!(
                "no use case '{id}' in the config; use one of: {}, {UNALLOCATED}",
                ids.join(", ")
            );
        }
    }
    let since = args
        .since
        .as_deref()
        .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .transpose()
        .with_context(|| {
            format!(
                "--since {}: not a date; write it as YYYY-MM-DD",
                args.since.as_deref().unwrap_or_default()
            )
        })?;
    let month: Option<Month> = args
        .month
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(anyhow::Error::msg)
        .context("--month")?;
    let filter = Filter {
        use_case: args.use_case.clone(),
        since: since.or(month.map(Month::first_day)),
        until: month.map(|m| m.next().first_day()),
    };
    let days = per_day(&ctx.store, &filter)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &days)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render_table(&days))?;
    }
    Ok(())
}

pub fn render_table(r: &RequestDays) -> String {
    let mut s =
        String::from("tollgate requests (the gateway's records; not the billed ledger)\n\n");
    if r.days.is_empty() {
        s.push_str("  no gateway requests: run `tollgate proxy` and `tollgate sync` with a gateway source\n");
        return s;
    }
    s.push_str(&format!(
        "  {:<10}  {:<20} {:>9} {:>7} {:>13} {:>13} {:>12} {:>8}\n",
        "day", "use case", "requests", "users", "input tokens", "output tokens", "cost", "refused"
    ));
    for d in &r.days {
        s.push_str(&format!(
            "  {:<10}  {:<20} {:>9} {:>7} {:>13} {:>13} {:>12} {:>8}\n",
            d.day.to_string(),
            d.use_case,
            thousands(d.requests),
            thousands(d.users),
            thousands(d.input_tokens),
            thousands(d.output_tokens),
            usd(d.cost_usd),
            thousands(d.refused)
        ));
    }
    let t = &r.total;
    s.push_str(&format!(
        "  {:<10}  {:<20} {:>9} {:>7} {:>13} {:>13} {:>12} {:>8}\n",
        "total",
        "",
        thousands(t.requests),
        thousands(t.users),
        thousands(t.input_tokens),
        thousands(t.output_tokens),
        usd(t.cost_usd),
        thousands(t.refused)
    ));
    if let (Some(p50), Some(p95)) = (t.latency_p50_ms, t.latency_p95_ms) {
        s.push_str(&format!(
            "\n  latency p50 {p50:.1} ms, p95 {p95:.1} ms (forwarded requests)\n"
        ));
    }
    s
}

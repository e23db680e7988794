//! `tollgate reconcile`: a table for people, the JSON contract with --json.

use std::io::Write;

use anyhow::Context as _;
use clap::Args;

use super::Context;
use crate::cli::Cli;
use crate::money::usd;
use crate::month::Month;
use crate::reconcile::{reconcile, Reconciliation};
use crate::report::default_month;

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Month (YYYY-MM); default: the latest complete month
    #[arg(long, value_name = "M")]
    pub month: Option<String>,
    /// Print the JSON contract instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(cli: &Cli, args: &ReconcileArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let month: Month = match &args.month {
        Some(m) => m.parse().map_err(anyhow::Error::msg).context("--month")?,
        None => default_month(&ctx.store, ctx.today()?)?,
    };
    crate::prices::ensure_shipped(&ctx.store)?;
    let rec = reconcile(&ctx.store, month)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &rec)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render_table(&rec))?;
    }
    Ok(())
}

pub fn render_table(r: &Reconciliation) -> String {
    let mut s = format!("tollgate reconcile {}\n\n", r.month);
    if r.providers.is_empty() {
        s.push_str("  no token usage in this month\n");
        return s;
    }
    s.push_str(&format!(
        "  {:<12} {:>14} {:>14} {:>14} {:>8} {:>14} {:>9}  {}\n",
        "provider",
        "billed",
        "usage x price",
        "gateway",
        "capture",
        "difference",
        "diff %",
        "status"
    ));
    for p in &r.providers {
        s.push_str(&format!(
            "  {:<12} {:>14} {:>14} {:>14} {:>8} {:>14} {:>9}  {}\n",
            p.provider,
            usd(p.billed),
            usd(p.usage_x_price),
            p.gateway_usd.map(usd).unwrap_or_else(|| "-".to_string()),
            p.capture_rate
                .map(crate::fmt::fraction_pct)
                .unwrap_or_else(|| "-".to_string()),
            usd(p.difference),
            p.difference_pct
                .map(|d| format!("{d:.2}%"))
                .unwrap_or_else(|| "-".to_string()),
            p.status.as_str()
        ));
    }
    if r.providers.iter().all(|p| p.gateway_usd.is_none()) {
        s.push_str(&format!(
            "\n  gateway: no gateway records in {} (a `gateway` source ingests what `tollgate proxy` saw)\n",
            r.month
        ));
    } else if r.providers.iter().any(|p| {
        p.capture_rate
            .is_some_and(|c| c < crate::reconcile::LOW_CAPTURE)
    }) {
        s.push_str("\n  capture under 95% of billed: traffic bypasses the gateway (`low_capture` unless the bill mismatches)\n");
    }
    let unpriced: Vec<_> = r
        .providers
        .iter()
        .filter(|p| p.unpriced_tokens > 0)
        .collect();
    if !unpriced.is_empty() {
        s.push_str("\n  unpriced (no known price; left out of both sides, never counted as $0):\n");
        for p in unpriced {
            for m in &p.unpriced_models {
                s.push_str(&format!(
                    "    {:<12} {:<32} {:>16} tokens  ({})\n",
                    p.provider,
                    m.model,
                    crate::fmt::thousands(m.tokens),
                    m.token_types.join(", ")
                ));
            }
            if !p.unpriced_billed.is_zero() {
                s.push_str(&format!(
                    "    {:<12} billed for unpriced usage: {}\n",
                    p.provider,
                    usd(p.unpriced_billed)
                ));
            }
        }
        s.push_str("  import prices with `tollgate prices import litellm FILE`\n");
    }
    s
}

//! `tollgate report`: a table for people, the JSON contract with --json.

use std::io::Write;

use anyhow::Context as _;

use super::Context;
use crate::cli::{Cli, ReportArgs};
use crate::money::usd;
use crate::month::Month;
use crate::report::{default_month, month_report, MonthReport};

pub fn run(cli: &Cli, args: &ReportArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let month: Month = match &args.month {
        Some(m) => m.parse().map_err(anyhow::Error::msg).context("--month")?,
        None => default_month(&ctx.store, ctx.today()?)?,
    };
    let report = month_report(&ctx.store, &ctx.config.config, month)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render_table(&report))?;
    }
    Ok(())
}

fn pct(part: rust_decimal::Decimal, total: rust_decimal::Decimal) -> String {
    crate::fmt::share_pct(part, total).map_or_else(|| "-".to_string(), |p| format!("{p:.1}%"))
}

pub fn render_table(r: &MonthReport) -> String {
    let mut s = String::new();
    let line = |s: &mut String, a: &str, b: String, c: String| {
        s.push_str(&format!("  {a:<34} {b:>14} {c:>8}\n"))
    };
    s.push_str(&format!("tollgate report {} ({})\n\n", r.month, r.currency));
    s.push_str(&format!("  {:<34} {:>14}\n\n", "Total", usd(r.total)));
    s.push_str("By provider\n");
    for p in &r.by_provider {
        line(&mut s, &p.provider, usd(p.cost), pct(p.cost, r.total));
    }
    s.push_str("\nBy category\n");
    for c in &r.by_category {
        line(&mut s, &c.category, usd(c.cost), pct(c.cost, r.total));
    }
    s.push_str(&format!(
        "\nBy use case{:>34} {:>8} {:>14} {:>14}\n",
        "cost", "share", "prior month", "per outcome"
    ));
    for u in &r.by_use_case {
        let per = match (&u.outcome_metric, &u.outcome_label, u.cost_per_outcome) {
            (Some(_), Some(l), Some(v)) => format!("${v}{}", l.per_unit()),
            (Some(m), _, None) => format!("no {m} value"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "  {:<24} {:<10} {:>14} {:>8} {:>14} {:>14}\n",
            u.use_case,
            u.kind,
            usd(u.cost),
            pct(u.cost, r.total),
            u.prior_month_cost
                .map(usd)
                .unwrap_or_else(|| "-".to_string()),
            per
        ));
    }
    line(
        &mut s,
        "unallocated",
        usd(r.unallocated),
        pct(r.unallocated, r.total),
    );
    if let Some(g) = &r.gateway_split {
        s.push_str(&format!(
            "\n  split by gateway: {} over {} day{} by each use case's gateway-captured cost",
            usd(g.split_usd),
            g.split_days,
            if g.split_days == 1 { "" } else { "s" }
        ));
        if g.fallback_days > 0 {
            let to: Vec<String> = g
                .fallback_to
                .iter()
                .map(|f| format!("{} {}", f.use_case, usd(f.cost)))
                .collect();
            s.push_str(&format!(
                "; {} on {} day{} without gateway data went to the rules' fallback ({})",
                usd(g.fallback_usd),
                g.fallback_days,
                if g.fallback_days == 1 { "" } else { "s" },
                to.join(", ")
            ));
        }
        s.push('\n');
    }
    if r.unpriced_tokens > 0 {
        s.push_str(&format!(
            "\n  unpriced: {} tokens have no known price and are not in the totals\n",
            r.unpriced_tokens
        ));
    }
    s
}

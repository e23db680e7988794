//! `tollgate gates [--at DATE] [--json]`, `gates decide ID ...` and `gates log`.

use std::io::Write;

use anyhow::Context as _;
use chrono::{NaiveDate, Timelike as _};
use clap::{Args, Subcommand};

use super::Context;
use crate::cli::Cli;
use crate::gates::enforcement::{self, Published};
use crate::gates::{self, Decision, DecisionRecord, GateReport};
use crate::money::usd;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct GatesArgs {
    /// Evaluate as of this date (YYYY-MM-DD) instead of today
    #[arg(long, value_name = "DATE")]
    pub at: Option<NaiveDate>,
    /// Print the JSON contract instead of a table
    #[arg(long)]
    pub json: bool,
    #[command(subcommand)]
    pub cmd: Option<GatesCommand>,
}

#[derive(Debug, Subcommand)]
pub enum GatesCommand {
    /// Append a decision on a breach to the audit log
    Decide {
        /// Breach id as `tollgate gates` shows it, e.g. G1:doc-summaries:2026-10, or
        /// use-case:ID to pause or resume a use case without a breach
        id: String,
        /// acknowledged, re-justified, paused, resumed or approved
        #[arg(long, value_name = "D")]
        decision: Decision,
        /// Who decides
        #[arg(long, value_name = "WHO")]
        by: String,
        /// Why
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// The date the breach was evaluated at (YYYY-MM-DD), for a projected breach of another day
        #[arg(long, value_name = "DATE")]
        at: Option<NaiveDate>,
    },
    /// Print the audit log of decisions, oldest first
    Log {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cli: &Cli, args: &GatesArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let config = &ctx.config.config;
    let mut out = std::io::stdout().lock();
    match &args.cmd {
        None => {
            let today = match args.at {
                Some(d) => d,
                None => ctx.today()?,
            };
            let mut report = gates::evaluate(&ctx.store, config, today)?;
            enforcement::annotate(&mut report, enforcement::status(config));
            if args.json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                write!(out, "{}", render_report(&report))?;
            }
        }
        Some(GatesCommand::Decide {
            id,
            decision,
            by,
            note,
            at,
        }) => {
            let today = match at {
                Some(d) => *d,
                None => ctx.today()?,
            };
            let now = chrono::Utc::now().naive_utc();
            let now = now.with_nanosecond(0).unwrap_or(now);
            let record = match id.strip_prefix(gates::USE_CASE_TARGET) {
                Some(use_case) => gates::decide_use_case(
                    &ctx.store,
                    config,
                    use_case,
                    *decision,
                    by,
                    note.as_deref(),
                    now,
                ),
                None => {
                    let report = gates::evaluate(&ctx.store, config, today)?;
                    gates::decide(&ctx.store, &report, id, *decision, by, note.as_deref(), now)
                }
            }
            .with_context(|| format!("recording the decision on {id}"))?;
            writeln!(
                out,
                "recorded: {} {} by {} at {} (decision #{})",
                record.breach_id, record.decision, record.by, record.decided_at, record.id
            )?;
            if record.gate == Some(gates::Gate::G3) && record.decision == Decision::Approved {
                writeln!(
                    out,
                    "the approved baseline is now {} from {} on",
                    usd(record.value),
                    record.month.next()
                )?;
            }
            match enforcement::publish(&ctx.store, config, chrono::Utc::now())
                .context("the decision is recorded, but the gateway was not told")?
            {
                Published::Written { path, generation } => writeln!(
                    out,
                    "the gateway's control file {} now says so (generation {generation}); a running proxy applies it within a second",
                    path.display()
                )?,
                Published::Unchanged => {}
                Published::Demo => {
                    if matches!(decision, Decision::Paused | Decision::Resumed) {
                        writeln!(out, "a demo DB does not control the gateway")?;
                    }
                }
            }
        }
        Some(GatesCommand::Log { json }) => {
            let log = gates::audit_log(&ctx.store)?;
            if *json {
                serde_json::to_writer_pretty(&mut out, &log)?;
                writeln!(out)?;
            } else {
                write!(out, "{}", render_log(&log))?;
            }
        }
    }
    Ok(())
}

pub fn render_report(r: &GateReport) -> String {
    let mut s = format!(
        "tollgate gates as of {}: approved baseline {}, G3 line {}\n\n",
        r.as_of,
        usd(r.baseline),
        usd(r.g3_line)
    );
    if r.breaches.is_empty() {
        s.push_str("  no breaches\n");
    } else {
        s.push_str(&format!(
            "  {:<34} {:<10} {:>13} {:>13}  {}\n",
            "ID", "STATUS", "VALUE", "THRESHOLD", "DECISION"
        ));
        for b in &r.breaches {
            let decision = b.decision.as_ref().map_or_else(
                || "open".to_string(),
                |d| format!("{} by {} {}", d.decision, d.by, d.decided_at.date()),
            );
            s.push_str(&format!(
                "  {:<34} {:<10} {:>13} {:>13}  {}\n      {} ({}): {}\n",
                b.id,
                b.status.as_str(),
                usd(b.value),
                usd(b.threshold),
                decision,
                b.gate,
                b.gate.title(),
                b.detail
            ));
            if let Some(e) = &b.enforced {
                s.push_str(&format!("      {}\n", e.describe()));
            }
        }
    }
    if let Some(c) = &r.proxy_control {
        s.push_str(&control_line(c));
    }
    s.push_str("\nQuarterly trajectory (G4)\n");
    for q in &r.trajectory.quarters {
        let growth = q
            .qoq_growth_pct
            .map_or_else(String::new, |g| format!("{g:+}% QoQ"));
        s.push_str(&format!(
            "  {:<10} {:>14} {:<9} {}\n",
            q.quarter,
            usd(q.total),
            q.status,
            growth
        ));
    }
    for t in &r.trajectory.targets {
        let when = t
            .month_p50
            .map_or_else(|| "not within the forecast".to_string(), |m| m.to_string());
        s.push_str(&format!(
            "  target {:>12}/month: median crosses {when}; P(by year end) {:.0}%\n",
            usd(t.usd),
            t.probability_by_year_end * 100.0
        ));
    }
    s.push_str(&format!(
        "\n  the month in progress is projected by {}\n  decide with `tollgate gates decide ID --decision D --by WHO [--note TEXT]`\n",
        r.projection
    ));
    s
}

pub fn render_log(log: &[DecisionRecord]) -> String {
    if log.is_empty() {
        return "no decisions yet\n".to_string();
    }
    let mut s = format!(
        "  {:>4}  {:<19}  {:<34} {:<13} {:<16} {:>13} {:>13}  NOTE\n",
        "#", "DECIDED AT", "BREACH", "DECISION", "BY", "VALUE", "THRESHOLD"
    );
    for d in log {
        s.push_str(&format!(
            "  {:>4}  {:<19}  {:<34} {:<13} {:<16} {:>13} {:>13}  {}\n",
            d.id,
            d.decided_at.format("%Y-%m-%d %H:%M:%S"),
            d.breach_id,
            d.decision.as_str(),
            d.by,
            usd(d.value),
            usd(d.threshold),
            d.note.as_deref().unwrap_or("")
        ));
    }
    s
}

/// The gateway's control file in one or two lines: what the proxy is told to enforce.
pub fn control_line(c: &enforcement::ControlStatus) -> String {
    if let Some(e) = &c.error {
        return format!(
            "\n  gateway control file: {e}\n      a running proxy keeps the last good one; the next decision or sync rewrites it\n"
        );
    }
    if !c.present {
        return String::new();
    }
    format!(
        "\n  enforced by the gateway ({}, generation {}, written {}): paused {}; caps {}\n",
        c.path,
        c.generation.unwrap_or_default(),
        c.written_at.as_deref().unwrap_or("-"),
        c.paused_text(),
        c.caps_text()
    )
}

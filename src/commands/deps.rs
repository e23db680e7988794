//! `tollgate deps list|tag|history`: AI dependencies, their 30-day spend and their reviews.

use std::io::Write;

use clap::Subcommand;

use super::Context;
use crate::cli::Cli;
use crate::deps::{self, format_time, DepClass, DepsReport, Review};
use crate::money::usd;

#[derive(Debug, Subcommand)]
pub enum DepsCommand {
    /// Dependencies (use case x provider x item) with 30-day spend, class and waste candidates
    List {
        /// Only dependencies never reviewed
        #[arg(long)]
        untagged: bool,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Review a dependency: append a class (history is kept; the latest wins)
    Tag {
        /// The dependency key, `use_case/provider/item` (see `tollgate deps list`)
        key: String,
        /// waste, convenience or load-bearing
        #[arg(long, value_name = "C", value_parser = parse_class)]
        class: DepClass,
        /// Why
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// Who reviews (default: $USER, else $LOGNAME, else the account name)
        #[arg(long, value_name = "WHO")]
        by: Option<String>,
    },
    /// Every review of a dependency, oldest first
    History {
        key: String,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
}

fn parse_class(s: &str) -> Result<DepClass, String> {
    s.parse()
}

pub fn run(cli: &Cli, cmd: &DepsCommand) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let today = ctx.today()?;
    let mut out = std::io::stdout().lock();
    match cmd {
        DepsCommand::List { untagged, json } => {
            let mut report = deps::list(&ctx.store, &ctx.config.config, today)?;
            if *untagged {
                report.dependencies.retain(|d| d.class.is_none());
            }
            if *json {
                serde_json::to_writer_pretty(&mut out, &report)?;
                writeln!(out)?;
            } else {
                write!(out, "{}", render_table(&report))?;
            }
        }
        DepsCommand::Tag {
            key,
            class,
            note,
            by,
        } => {
            ctx.store.refresh_allocation(&ctx.config.config)?;
            let by = match by {
                Some(b) => b.clone(),
                None => crate::user::name()?,
            };
            // Stamped on the day views are computed for (a demo's as-of date), at the current
            // time, so a review made today sorts after the reviews shown today.
            let now = today.and_time(chrono::Utc::now().time());
            let r = deps::tag(&ctx.store, key, *class, note.as_deref(), &by, now)?;
            writeln!(
                out,
                "{} is now {} (by {}, {})",
                r.key,
                r.class,
                r.reviewer,
                format_time(&r.reviewed_at)
            )?;
        }
        DepsCommand::History { key, json } => {
            ctx.store.refresh_allocation(&ctx.config.config)?;
            let reviews = deps::history(&ctx.store, key)?;
            if *json {
                serde_json::to_writer_pretty(&mut out, &reviews)?;
                writeln!(out)?;
            } else {
                write!(out, "{}", render_history(key, &reviews))?;
            }
        }
    }
    Ok(())
}

pub fn render_table(r: &DepsReport) -> String {
    let mut s = format!(
        "tollgate deps: spend {} to {}, outcomes of {}\n\n",
        r.window_start, r.window_end, r.outcome_month
    );
    s.push_str(&format!(
        "  {:<60} {:>12}  {:<13} {}\n",
        "dependency", "cost 30d", "class", "note"
    ));
    for d in &r.dependencies {
        let class = d.class.map(DepClass::as_str).unwrap_or("-");
        let mut note = d.note.clone().unwrap_or_default();
        if d.waste_candidate {
            let why = format!("waste candidate: {}", d.waste_reasons.join(", "));
            note = if note.is_empty() {
                why
            } else {
                format!("{note} [{why}]")
            };
        }
        s.push_str(&format!(
            "  {:<60} {:>12}  {:<13} {}\n",
            d.key,
            usd(d.cost_30d),
            class,
            note
        ));
    }
    if !r.unallocated.cost_30d.is_zero() {
        s.push_str(&format!(
            "\n  {} unallocated: {} (no rule matches {})\n",
            usd(r.unallocated.cost_30d),
            r.unallocated.action,
            r.unallocated.largest(3)
        ));
    }
    s.push_str("\nTotals\n");
    for t in &r.totals {
        s.push_str(&format!(
            "  {:<60} {:>12}  {} dependencies\n",
            t.class,
            usd(t.cost_30d),
            t.count
        ));
    }
    if !r.unallocated.cost_30d.is_zero() {
        s.push_str(&format!(
            "  {:<60} {:>12}  {}\n",
            "unallocated",
            usd(r.unallocated.cost_30d),
            r.unallocated.action
        ));
    }
    s.push_str(&format!("  {:<60} {:>12}\n", "total", usd(r.total_30d)));
    s
}

fn render_history(key: &str, reviews: &[Review]) -> String {
    let mut s = format!("reviews of {key}\n");
    if reviews.is_empty() {
        s.push_str("  never reviewed\n");
    }
    for r in reviews {
        s.push_str(&format!(
            "  {}  {:<13} {:<16} {}\n",
            format_time(&r.reviewed_at),
            r.class,
            r.reviewer,
            r.note.as_deref().unwrap_or("")
        ));
    }
    s
}

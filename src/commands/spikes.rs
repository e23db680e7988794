//! `tollgate spikes`: flagged days (spikes and level shifts) with their volume/price/mix split;
//! JSON with --json.

use std::io::Write;

use anyhow::bail;
use clap::Args;

use super::Context;
use crate::cli::Cli;
use crate::deps::UNALLOCATED as UNALLOCATED_USE_CASE;
use crate::money::usd;
use crate::spikes::{spikes_with, SpikeReport, SpikeRule, DEFAULT_DAYS};

#[derive(Debug, Args)]
pub struct SpikesArgs {
    /// Only this use case (its id in the config, or `unallocated`)
    #[arg(long, value_name = "ID")]
    pub use_case: Option<String>,
    /// How many days, ending today, to look at
    #[arg(long, value_name = "N", default_value_t = DEFAULT_DAYS)]
    pub days: u32,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(cli: &Cli, args: &SpikesArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let config = &ctx.config.config;
    if let Some(id) = &args.use_case {
        if id != UNALLOCATED_USE_CASE && config.use_case(id).is_none() {
            let ids: Vec<&str> = config.use_cases.iter().map(|u| u.id.as_str()).collect();
            bail!(
                "no use case '{id}' in the config; use one of: {}, {UNALLOCATED_USE_CASE}",
                ids.join(", ")
            );
        }
    }
    let report = spikes_with(
        &ctx.store,
        config,
        ctx.today()?,
        args.use_case.as_deref(),
        args.days,
        &SpikeRule::default(),
    )?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render_table(&report))?;
    }
    Ok(())
}

pub fn render_table(r: &SpikeReport) -> String {
    let mut s = format!("tollgate spikes {} to {}\n", r.from, r.as_of);
    s.push_str(&format!("  rule: {}\n\n", r.rule.method));
    if r.spikes.is_empty() {
        s.push_str("  no spikes\n");
        return s;
    }
    for sp in &r.spikes {
        s.push_str(&format!(
            "{}  {:<22} {:>12}  baseline {:>11}  change {:>11}  z {}  (mostly {})\n",
            sp.day,
            sp.use_case,
            usd(sp.cost),
            usd(sp.baseline),
            usd(sp.change),
            sp.z_score,
            sp.main_effect()
        ));
        if let Some(level) = sp.level_summary() {
            s.push_str(&format!(
                "    level shift {level}, through {}; later days measured at the new level\n",
                sp.through
            ));
        }
        s.push_str(&format!(
            "    volume {:>11}   price {:>11}   mix {:>11}\n",
            usd(sp.volume_effect),
            usd(sp.price_effect),
            usd(sp.mix_effect)
        ));
        for row in &sp.top_rows {
            let what = [
                Some(row.provider.as_str()),
                Some(row.item.as_str()),
                row.token_type.as_deref(),
                row.api_key.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
            s.push_str(&format!(
                "    {:<58} {:>11} -> {:>11}  ({})\n",
                what,
                usd(row.baseline_cost),
                usd(row.day_cost),
                usd(row.change)
            ));
        }
        s.push('\n');
    }
    s
}

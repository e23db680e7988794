//! `tollgate overview`: the Overview tab's numbers, from the same [`crate::overview::load`] the
//! cockpit calls; a short table for people, the JSON contract with --json.

use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use super::Context;
use crate::cli::{Cli, OverviewArgs};
use crate::money::{serialize_opt_usd, serialize_usd, usd};
use crate::overview::{change_pct, Overview};

pub fn run(cli: &Cli, args: &OverviewArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let overview = crate::overview::load(&ctx.store, &ctx.config.config, ctx.today()?)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &OverviewJson::from(&overview))?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render_table(&overview))?;
    }
    Ok(())
}

/// The JSON contract of `tollgate overview --json` (docs/CONTRACTS.md).
#[derive(Serialize)]
struct OverviewJson<'a> {
    month: String,
    currency: &'a str,
    #[serde(serialize_with = "serialize_usd")]
    month_to_date: Decimal,
    /// The gateway's estimate after the last billed data (not in `month_to_date`), or null.
    live_estimate: Option<LiveJson>,
    projection: ProjectionJson,
    #[serde(serialize_with = "serialize_usd")]
    baseline: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    g3_line: Decimal,
    over_g3_line: bool,
    by_category: Vec<CategoryJson>,
    by_provider: &'a [crate::report::ProviderCost],
    /// The latest complete month the use cases are from.
    use_cases_month: String,
    top_use_cases: Vec<UseCaseJson<'a>>,
    #[serde(serialize_with = "serialize_usd")]
    unallocated: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    unallocated_pct: Option<Decimal>,
    outcomes: Vec<OutcomeJson<'a>>,
}

#[derive(Serialize)]
struct LiveJson {
    #[serde(serialize_with = "serialize_usd")]
    cost: Decimal,
    providers: Vec<LiveProviderJson>,
    note: String,
}

#[derive(Serialize)]
struct LiveProviderJson {
    provider: String,
    billed_through: Option<chrono::NaiveDateTime>,
    #[serde(serialize_with = "serialize_usd")]
    cost: Decimal,
}

#[derive(Serialize)]
struct ProjectionJson {
    #[serde(serialize_with = "serialize_usd")]
    month_end: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    daily_average: Decimal,
    window_first: chrono::NaiveDate,
    window_last: chrono::NaiveDate,
    method: String,
}

#[derive(Serialize)]
struct CategoryJson {
    category: &'static str,
    #[serde(serialize_with = "serialize_usd")]
    cost: Decimal,
}

#[derive(Serialize)]
struct UseCaseJson<'a> {
    use_case: &'a str,
    #[serde(serialize_with = "serialize_usd")]
    cost: Decimal,
    #[serde(serialize_with = "serialize_opt_usd")]
    prior_month_cost: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    change_pct: Option<Decimal>,
}

#[derive(Serialize)]
struct OutcomeJson<'a> {
    metric: &'a str,
    label: &'a str,
    use_case: &'a str,
    #[serde(serialize_with = "serialize_usd")]
    cost: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    value: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    cost_per_outcome: Option<Decimal>,
}

impl<'a> From<&'a Overview> for OverviewJson<'a> {
    fn from(o: &'a Overview) -> Self {
        OverviewJson {
            month: o.month.to_string(),
            currency: &o.report.currency,
            month_to_date: o.month_to_date,
            live_estimate: (!o.live.is_empty()).then(|| LiveJson {
                cost: o.live.total,
                providers: o
                    .live
                    .providers
                    .iter()
                    .map(|p| LiveProviderJson {
                        provider: p.provider.clone(),
                        billed_through: p.billed_through,
                        cost: p.cost,
                    })
                    .collect(),
                note: o.live.describe(),
            }),
            projection: ProjectionJson {
                month_end: o.projection.month_end,
                daily_average: o.projection.daily_average,
                window_first: o.projection.window_first,
                window_last: o.projection.window_last,
                method: o.projection.method(),
            },
            baseline: o.baseline,
            g3_line: o.g3_line,
            over_g3_line: o.over_g3_line(),
            by_category: o
                .by_category
                .iter()
                .map(|c| CategoryJson {
                    category: c.category.as_str(),
                    cost: c.cost,
                })
                .collect(),
            by_provider: &o.by_provider,
            use_cases_month: o.report.month.to_string(),
            top_use_cases: o
                .report
                .by_use_case
                .iter()
                .map(|u| UseCaseJson {
                    use_case: &u.use_case,
                    cost: u.cost,
                    prior_month_cost: u.prior_month_cost,
                    change_pct: change_pct(u.cost, u.prior_month_cost),
                })
                .collect(),
            unallocated: o.unallocated,
            unallocated_pct: o.unallocated_pct,
            outcomes: o
                .outcomes
                .iter()
                .map(|m| OutcomeJson {
                    metric: &m.metric,
                    label: &m.label,
                    use_case: &m.use_case,
                    cost: m.cost,
                    value: m.outcome_value,
                    cost_per_outcome: m.cost_per_outcome,
                })
                .collect(),
        }
    }
}

fn render_table(o: &Overview) -> String {
    let mut s = format!("tollgate overview {} ({})\n\n", o.month, o.report.currency);
    let line = |s: &mut String, a: &str, b: String| s.push_str(&format!("  {a:<34} {b:>14}\n"));
    line(&mut s, "Month to date", usd(o.month_to_date));
    if !o.live.is_empty() {
        line(&mut s, "  + live estimate", usd(o.live.total));
        s.push_str(&format!("    ({})\n", o.live.describe()));
    }
    line(&mut s, "Projected month end", usd(o.projection.month_end));
    line(&mut s, "Baseline", usd(o.baseline));
    line(&mut s, "G3 line", usd(o.g3_line));
    line(&mut s, "Unallocated", usd(o.unallocated));
    s.push_str(&format!("  ({})\n\nBy category\n", o.projection.method()));
    for c in &o.by_category {
        line(&mut s, c.category.as_str(), usd(c.cost));
    }
    s.push_str("\nBy provider\n");
    for p in &o.by_provider {
        line(&mut s, &p.provider, usd(p.cost));
    }
    s.push_str(&format!("\nTop use cases ({})\n", o.report.month));
    for u in &o.report.by_use_case {
        line(&mut s, &u.use_case, usd(u.cost));
    }
    s
}

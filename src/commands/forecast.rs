//! `tollgate forecast`: a table with a small chart for people, the JSON contract with --json.

use std::io::Write;

use clap::Args;
use rust_decimal::prelude::*;

use super::Context;
use crate::cli::Cli;
use crate::forecast::{self, parse_growth, parse_price_change, Detailed, Scenario};
use crate::money::{usd, usd_short};
use crate::month::Month;

#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Print the JSON contract instead of a table
    #[arg(long)]
    pub json: bool,
    /// What if prices change from a date, e.g. OpenAI:gpt-4o=+100%@2026-12-01 (repeatable)
    #[arg(long, value_name = "PROVIDER[:MODEL]=PCT@DATE", value_parser = parse_price_change)]
    pub price_change: Vec<Scenario>,
    /// What if spend grows by PCT percent a month instead of the fitted growth
    #[arg(long, value_name = "PCT", value_parser = parse_growth, allow_hyphen_values = true)]
    pub growth: Option<Decimal>,
}

pub fn run(cli: &Cli, args: &ForecastArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    let today = ctx.today()?;
    let mut scenarios = args.price_change.clone();
    if let Some(g) = args.growth {
        scenarios.push(Scenario::Growth { monthly_pct: g });
    }
    let detailed = forecast::run_detailed(&ctx.store, &ctx.config.config, today, &scenarios)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &detailed.forecast)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render_table(&detailed, today))?;
    }
    Ok(())
}

const CHART_WIDTH: usize = 32;

pub fn render_table(d: &Detailed, today: chrono::NaiveDate) -> String {
    let f = &d.forecast;
    let mut s = format!("tollgate forecast (as of {today})\n\n");
    if f.forecast.is_empty() {
        s.push_str("  no complete month of spend in the ledger yet; sync or import first\n");
        return s;
    }
    let pct = |g: f64| format!("{:+.1}%", g * 100.0);
    match (d.fitted_growth, d.growth) {
        (Some(fitted), Some(used)) if f.method == forecast::model::LOG_LINEAR => {
            s.push_str(&format!(
                "  method      log-linear trend on the last {} complete months, fitted growth {}/month",
                d.fit_months,
                pct(fitted)
            ));
            if (used - fitted).abs() > 1e-12 {
                s.push_str(&format!(", using {}/month", pct(used)));
            }
            s.push('\n');
        }
        _ => s.push_str(&format!(
            "  method      {} (too little history for a trend; no interval)\n",
            f.method
        )),
    }
    match f.backtest_mape {
        Some(m) => s.push_str(&format!(
            "  back-test   one-step-ahead MAPE {:.1}% over {} months\n",
            m * 100.0,
            d.backtest_months
        )),
        None => s.push_str("  back-test   needs at least 7 complete months\n"),
    }
    for a in &f.scenarios_applied {
        s.push_str(&format!("  what-if     {a}\n"));
    }

    let max = f
        .history
        .iter()
        .map(|h| h.cost)
        .chain(f.forecast.iter().map(|b| b.p90))
        .max()
        .unwrap_or_default();
    let chart = Chart {
        max: max.to_f64().unwrap_or(0.0),
        targets: f
            .targets
            .iter()
            .filter_map(|t| t.usd.to_f64())
            .filter(|t| *t <= max.to_f64().unwrap_or(0.0))
            .collect(),
    };
    s.push_str(&format!(
        "\n  {:<8} {:>12} {:>12} {:>12}  {}\n",
        "month",
        "actual/p50",
        "p10",
        "p90",
        format_args!("0 .. {}", usd_short(max))
    ));
    for h in &f.history {
        s.push_str(&format!(
            "  {:<8} {:>12} {:>12} {:>12}  {}\n",
            h.month.to_string(),
            usd(h.cost),
            "",
            "",
            chart.bar(&[(h.cost, '█')])
        ));
    }
    for (i, b) in f.forecast.iter().enumerate() {
        let mark = if i == 0 { "*" } else { " " };
        s.push_str(&format!(
            "  {:<8} {:>12} {:>12} {:>12}  {}\n",
            format!("{}{mark}", b.month),
            usd(b.p50),
            usd(b.p10),
            usd(b.p90),
            chart.bar(&[(b.p10, '▓'), (b.p50, '▒'), (b.p90, '░')])
        ));
    }
    s.push_str(
        "\n  * month in progress    █ actual  ▓ to p10  ▒ p10..p50  ░ p50..p90  │ target\n\n",
    );
    s.push_str("Targets\n");
    let december = Month {
        year: chrono::Datelike::year(&today),
        month: 12,
    };
    for t in &f.targets {
        let when = match t.month_p50 {
            Some(m) => format!("median crosses in {m}"),
            None => "median not within 12 months".to_string(),
        };
        s.push_str(&format!(
            "  {:>12}/month  {:<30} P({} > target) {}\n",
            usd(t.usd),
            when,
            december.short_name(),
            crate::fmt::probability(t.probability_by_year_end)
        ));
    }
    s
}

/// A horizontal bar scaled to `max`, with the targets marked.
struct Chart {
    max: f64,
    targets: Vec<f64>,
}

impl Chart {
    /// `segments` are (upper value, fill) in increasing order.
    fn bar(&self, segments: &[(Decimal, char)]) -> String {
        let cells = |v: Decimal| -> usize {
            if self.max <= 0.0 {
                return 0;
            }
            let frac = v.to_f64().unwrap_or(0.0) / self.max;
            ((frac * CHART_WIDTH as f64).round().max(0.0) as usize).min(CHART_WIDTH)
        };
        let mut row = vec![' '; CHART_WIDTH];
        let mut from = 0;
        for (value, fill) in segments {
            let to = cells(*value).max(from);
            for c in &mut row[from..to] {
                *c = *fill;
            }
            from = to;
        }
        for t in &self.targets {
            let col = ((t / self.max) * CHART_WIDTH as f64).round() as usize;
            if let Some(c) = row.get_mut(col.saturating_sub(1)) {
                *c = '│';
            }
        }
        row.into_iter().collect::<String>().trim_end().to_string()
    }
}

//! The pack's document, independent of format: summary.md and report.html render the same
//! blocks, so both show the same numbers in the same order. Every number comes from
//! [`PackData`] (the engine's own results), formatted with `money::usd`.

use chrono::Datelike;
use rust_decimal::Decimal;

use super::csv_files::pct;
use super::data::PackData;
use crate::deps::DepClass;
use crate::forecast::Forecast;
use crate::money::usd;

/// Which chart goes where (report.html only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    Trend,
    UseCases,
    CostPerOutcome,
    /// The board pack's quarter totals.
    Quarters,
}

impl Chart {
    /// The figure's id in report.html (`chart-<id>`).
    pub fn id(self) -> &'static str {
        match self {
            Chart::Trend => "trend",
            Chart::UseCases => "use-cases",
            Chart::CostPerOutcome => "cost-per-outcome",
            Chart::Quarters => "quarters",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub head: Vec<String>,
    /// Columns aligned right (numbers).
    pub right: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    /// The last row is a total.
    pub total_last: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Para(String),
    Bullets(Vec<String>),
    Table(Table),
    Chart(Chart),
}

pub(crate) fn table(head: &[&str], rows: Vec<Vec<String>>, total_last: bool) -> Block {
    // Text columns are the first one and those whose header names a text field.
    let text = [
        "Use case",
        "Kind",
        "Metric",
        "Gate",
        "Subject",
        "Month",
        "Status",
        "Decision",
        "Detail",
        "Class",
        "Source",
        "First charge",
        "Data through",
        "Whole month",
        "Provider",
        "Category",
        "Target",
        "Median crosses",
        "Dependency",
        "Waste candidate",
        "Quarter",
        "Decided at",
        "By",
        "Note",
    ];
    Block::Table(Table {
        head: head.iter().map(|h| h.to_string()).collect(),
        right: head
            .iter()
            .enumerate()
            .map(|(i, h)| i > 0 && !text.contains(h))
            .collect(),
        rows,
        total_last,
    })
}

pub(crate) fn change(now: Decimal, before: Option<Decimal>) -> String {
    match before {
        Some(b) if !b.is_zero() => {
            let diff = now - b;
            let sign = if diff.is_sign_negative() { "" } else { "+" };
            format!("{sign}{} ({sign}{}%)", usd(diff), pct(diff, b))
        }
        Some(_) => "new".to_string(),
        None => "-".to_string(),
    }
}

pub(crate) fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "-".to_string())
}

/// The back-test sentence of a forecast.
pub(crate) fn backtest(f: &Forecast) -> String {
    f.backtest_mape
        .map(|m| format!("{:.1}%", m * 100.0))
        .unwrap_or_else(|| "n/a (under 7 months of history)".into())
}

/// Each target, the month the forecast median first reaches it, and P(over in December).
pub(crate) fn targets_table(f: &Forecast, year: i32) -> Block {
    let rows = f
        .targets
        .iter()
        .map(|t| {
            vec![
                usd(t.usd),
                or_dash(t.month_p50.map(|m| m.to_string())),
                format!("{:.1}%", t.probability_by_year_end * 100.0),
            ]
        })
        .collect();
    let p_head = format!("P(over in Dec {year})");
    table(&["Target", "Median crosses", &p_head], rows, false)
}

pub fn build(d: &PackData, files: &[&str]) -> Vec<Block> {
    let r = &d.report;
    let mut b = vec![Block::Title(format!(
        "AI spend review: {} ({})",
        d.month.short_name(),
        d.month
    ))];
    b.push(Block::Para(format!(
        "Currency {}. Spend is EffectiveCost of every charge in the month, as `tollgate report --month {}` shows it. Gates and the forecast are as of {}; dependencies cover the 30 days to {}.",
        r.currency, d.month, d.as_of, d.deps_day
    )));

    if d.as_of < d.month.next().first_day() {
        b.push(Block::Para(format!(
            "{} is in progress: figures are month to date (as of {}), so the change on the prior month compares a partial month with a whole one.",
            d.month, d.as_of
        )));
    }
    b.push(Block::Heading("Headline".into()));
    let prior_total = d.prior.as_ref().map(|p| p.total);
    b.push(table(
        &["", "Amount"],
        vec![
            vec![format!("Total spend {}", d.month), usd(r.total)],
            vec![
                format!("Prior month {}", d.month.prev()),
                or_dash(prior_total.map(usd)),
            ],
            vec!["Month over month".into(), change(r.total, prior_total)],
            vec![
                "Unallocated".into(),
                format!(
                    "{} ({}% of total)",
                    usd(r.unallocated),
                    pct(r.unallocated, r.total)
                ),
            ],
        ],
        false,
    ));
    if r.unpriced_tokens > 0 {
        b.push(Block::Para(format!(
            "{} tokens have no known price and are not in the totals.",
            r.unpriced_tokens
        )));
    }
    b.push(Block::Chart(Chart::Trend));

    b.push(Block::Heading("Spend by use case".into()));
    b.push(Block::Chart(Chart::UseCases));
    let mut rows: Vec<Vec<String>> = r
        .by_use_case
        .iter()
        .map(|u| {
            vec![
                format!("{} ({})", d.name_of(&u.use_case), u.use_case),
                u.kind.clone(),
                usd(u.cost),
                format!("{}%", pct(u.cost, r.total)),
                or_dash(u.prior_month_cost.map(usd)),
                change(u.cost, u.prior_month_cost),
            ]
        })
        .collect();
    rows.push(vec![
        "unallocated".into(),
        String::new(),
        usd(r.unallocated),
        format!("{}%", pct(r.unallocated, r.total)),
        String::new(),
        String::new(),
    ]);
    rows.push(vec![
        "Total".into(),
        String::new(),
        usd(r.total),
        "100.0%".into(),
        or_dash(prior_total.map(usd)),
        change(r.total, prior_total),
    ]);
    b.push(table(
        &["Use case", "Kind", "Cost", "Share", "Prior month", "Change"],
        rows,
        true,
    ));

    b.push(Block::Heading("Cost per outcome".into()));
    let with_metric: Vec<_> = r
        .by_use_case
        .iter()
        .filter(|u| u.outcome_metric.is_some())
        .collect();
    if with_metric.is_empty() {
        b.push(Block::Para(
            "No use case has an outcome metric configured.".into(),
        ));
    } else {
        let prior_cpo = |id: &str| {
            d.prior
                .as_ref()
                .and_then(|p| p.by_use_case.iter().find(|u| u.use_case == id))
                .and_then(|u| u.cost_per_outcome)
        };
        let rows = with_metric
            .iter()
            .map(|u| {
                vec![
                    format!("{} ({})", d.name_of(&u.use_case), u.use_case),
                    u.outcome_label
                        .as_ref()
                        .map(|l| l.label.clone())
                        .unwrap_or_default(),
                    or_dash(u.outcome_value.map(|v| v.normalize().to_string())),
                    usd(u.cost),
                    or_dash(u.cost_per_outcome.map(|v| format!("${v}"))),
                    or_dash(prior_cpo(&u.use_case).map(|v| format!("${v}"))),
                ]
            })
            .collect();
        b.push(Block::Chart(Chart::CostPerOutcome));
        b.push(table(
            &[
                "Use case",
                "Metric",
                "Outcomes",
                "Cost",
                "Cost per outcome",
                "Prior month",
            ],
            rows,
            false,
        ));
    }

    b.push(Block::Heading("Spend by category".into()));
    let prior_cat = |c: &str| {
        d.prior
            .as_ref()
            .and_then(|p| p.by_category.iter().find(|x| x.category == c))
            .map(|x| x.cost)
    };
    let mut rows: Vec<Vec<String>> = r
        .by_category
        .iter()
        .map(|c| {
            vec![
                c.category.clone(),
                usd(c.cost),
                format!("{}%", pct(c.cost, r.total)),
                or_dash(prior_cat(&c.category).map(usd)),
            ]
        })
        .collect();
    rows.push(vec![
        "Total".into(),
        usd(r.total),
        "100.0%".into(),
        or_dash(prior_total.map(usd)),
    ]);
    b.push(table(
        &["Category", "Cost", "Share", "Prior month"],
        rows,
        true,
    ));

    b.push(Block::Heading("Spend by provider".into()));
    let mut rows: Vec<Vec<String>> = r
        .by_provider
        .iter()
        .map(|p| {
            vec![
                p.provider.clone(),
                usd(p.cost),
                format!("{}%", pct(p.cost, r.total)),
            ]
        })
        .collect();
    rows.push(vec!["Total".into(), usd(r.total), "100.0%".into()]);
    b.push(table(&["Provider", "Cost", "Share"], rows, true));

    b.push(Block::Heading("Gates".into()));
    b.push(Block::Para(format!(
        "Approved baseline {}, G3 line {}. Breaches of {} and later (`tollgate gates --at {}`).",
        usd(d.gate_baseline),
        usd(d.g3_line),
        d.month,
        d.as_of
    )));
    if d.gates.is_empty() {
        b.push(Block::Para("No gate breached or projected.".into()));
    } else {
        let rows = d
            .gates
            .iter()
            .map(|g| {
                let decision = match &g.decision {
                    Some(x) => format!(
                        "{} by {} on {}{}",
                        x.decision,
                        x.by,
                        x.decided_at.date(),
                        x.note
                            .as_ref()
                            .map(|n| format!(": {n}"))
                            .unwrap_or_default()
                    ),
                    None => "open".into(),
                };
                vec![
                    format!("{} {}", g.gate, g.gate.title()),
                    g.subject.clone(),
                    g.month.to_string(),
                    g.status.as_str().into(),
                    usd(g.value),
                    usd(g.threshold),
                    decision,
                    g.detail.clone(),
                ]
            })
            .collect();
        b.push(table(
            &[
                "Gate",
                "Subject",
                "Month",
                "Status",
                "Value",
                "Threshold",
                "Decision",
                "Detail",
            ],
            rows,
            false,
        ));
    }

    b.push(Block::Heading("Forecast and targets".into()));
    let f = &d.forecast;
    b.push(Block::Para(format!(
        "Method {}; one-step back-test error {}. Median (p50) with the 80% interval (p10-p90).",
        f.method,
        backtest(f)
    )));
    if !f.forecast.is_empty() {
        let rows = f
            .forecast
            .iter()
            .map(|m| vec![m.month.to_string(), usd(m.p10), usd(m.p50), usd(m.p90)])
            .collect();
        b.push(table(&["Month", "p10", "p50", "p90"], rows, false));
    }
    b.push(targets_table(f, d.as_of.year()));

    b.push(Block::Heading("Dependencies by class".into()));
    let deps = &d.deps;
    b.push(Block::Para(format!(
        "Allocated spend over {} to {} (`tollgate deps list` as of {}).",
        deps.window_start, deps.window_end, d.deps_day
    )));
    let mut rows: Vec<Vec<String>> = deps
        .totals
        .iter()
        .map(|t| vec![t.class.clone(), t.count.to_string(), usd(t.cost_30d)])
        .collect();
    let unallocated = &deps.unallocated;
    if !unallocated.cost_30d.is_zero() {
        rows.push(vec![
            "unallocated (not a dependency)".into(),
            "-".into(),
            usd(unallocated.cost_30d),
        ]);
    }
    rows.push(vec![
        "Total".into(),
        deps.dependencies.len().to_string(),
        usd(deps.total_30d),
    ]);
    b.push(table(
        &["Class", "Dependencies", "Cost (30 days)"],
        rows,
        true,
    ));
    if !unallocated.cost_30d.is_zero() {
        b.push(Block::Para(format!(
            "{} unallocated: {}. No rule matches {}.",
            usd(unallocated.cost_30d),
            unallocated.action,
            unallocated.largest(3)
        )));
    }
    // The map: every dependency under its class (untagged last), largest first within a class.
    let mut rows = Vec::new();
    for class in DepClass::ALL.map(Some).into_iter().chain([None]) {
        for x in deps.dependencies.iter().filter(|x| x.class == class) {
            rows.push(vec![
                class.map(|c| c.as_str()).unwrap_or("untagged").to_string(),
                x.key.clone(),
                usd(x.cost_30d),
                if x.waste_candidate {
                    x.waste_reasons.join("; ")
                } else {
                    String::new()
                },
            ]);
        }
    }
    if !rows.is_empty() {
        b.push(table(
            &["Class", "Dependency", "Cost (30 days)", "Waste candidate"],
            rows,
            false,
        ));
    }

    b.push(Block::Heading("Data freshness".into()));
    let rows = d
        .freshness
        .iter()
        .map(|s| {
            vec![
                s.source.clone(),
                s.rows.to_string(),
                s.first_start.clone(),
                s.last_end.clone(),
                if s.complete {
                    "yes".into()
                } else {
                    "no".into()
                },
            ]
        })
        .collect();
    b.push(table(
        &[
            "Source",
            "Rows",
            "First charge",
            "Data through",
            "Whole month",
        ],
        rows,
        false,
    ));

    b.push(Block::Heading("Reconciliation".into()));
    if d.reconcile.providers.is_empty() {
        b.push(Block::Para(
            "No token usage in this month to reconcile.".into(),
        ));
    } else {
        let rows = d
            .reconcile
            .providers
            .iter()
            .map(|p| {
                vec![
                    p.provider.clone(),
                    usd(p.billed),
                    usd(p.usage_x_price),
                    or_dash(p.gateway_usd.map(usd)),
                    or_dash(p.capture_rate.map(crate::fmt::fraction_pct)),
                    usd(p.difference),
                    or_dash(p.difference_pct.map(|x| format!("{x:.2}%"))),
                    p.status.as_str().into(),
                ]
            })
            .collect();
        b.push(table(
            &[
                "Provider",
                "Billed",
                "Usage x price",
                "Gateway",
                "Capture",
                "Difference",
                "Diff %",
                "Status",
            ],
            rows,
            false,
        ));
    }

    b.push(Block::Heading("AI systems in use".into()));
    let on_gateway = d.ai_systems.iter().filter(|s| s.requests.is_some()).count();
    b.push(Block::Para(format!(
        "{} AI systems (use case x provider x model) were in use in {}, {} of them seen by the gateway (end users pseudonymised). tollgate stores no prompt or completion content. The EU AI Act deployer's inventory, with purpose, owner, audience and first and last seen, is in ai_systems.csv.",
        d.ai_systems.len(),
        d.month,
        on_gateway
    )));

    b.push(Block::Heading("Changes since the previous pack".into()));
    match &d.changes {
        Some(c) => {
            b.push(Block::Para(format!(
                "Compared with the pack of {}.",
                c.previous_month
            )));
            b.push(Block::Bullets(c.lines.clone()));
        }
        None => b.push(Block::Para(
            "No pack of an earlier month is recorded in this database; nothing to compare.".into(),
        )),
    }

    b.push(Block::Heading("Files".into()));
    b.push(Block::Bullets(
        files.iter().map(|f| f.to_string()).collect(),
    ));
    b.push(Block::Para(
        "manifest.json lists every file with its sha256, the data watermark and the tollgate version.".into(),
    ));
    b
}

//! The board pack's document (PRODUCT G4), rendered by the monthly pack's writers
//! (`summary_md`, `html`): quarter totals and quarter-over-quarter growth, the quarter's months,
//! spend and cost per outcome by use case against the quarter before, the forecast's target
//! crossings, and every gate decision taken in the quarter.

use chrono::Datelike;

use super::data::QuarterData;
use crate::export::csv_files::pct;
use crate::export::doc::{backtest, change, or_dash, table, targets_table, Block, Chart};
use crate::money::usd;

fn month_span(d: &QuarterData) -> String {
    let [a, _, c] = d.quarter.months();
    format!(
        "{} to {}",
        a.first_day().format("%b"),
        c.first_day().format("%b %Y")
    )
}

pub fn build(d: &QuarterData, files: &[&str]) -> Vec<Block> {
    let q = d.quarter;
    let total = d.total();
    let currency = d
        .months
        .first()
        .map_or("USD".to_string(), |m| m.currency.clone());
    let mut b = vec![Block::Title(format!(
        "AI spend board pack: {q} ({})",
        month_span(d)
    ))];
    b.push(Block::Para(format!(
        "Currency {currency}. A quarter's spend is the sum of its months as `tollgate report --month M` shows them (EffectiveCost of every charge). The forecast is as of {}.",
        d.as_of
    )));
    if d.in_progress {
        b.push(Block::Para(format!(
            "{q} is in progress: figures are quarter to date (as of {}), and growth is shown for complete quarters only.",
            d.as_of
        )));
    }

    b.push(Block::Heading("Quarter totals".into()));
    let rows = d
        .history
        .iter()
        .map(|l| {
            vec![
                l.quarter.to_string(),
                l.status().to_string(),
                l.months_with_data.to_string(),
                usd(l.total),
                or_dash(l.qoq_growth_pct.map(|g| format!("{g:+}%"))),
            ]
        })
        .collect();
    b.push(table(
        &["Quarter", "Status", "Months", "Total", "QoQ growth"],
        rows,
        false,
    ));
    b.push(Block::Chart(Chart::Quarters));

    b.push(Block::Heading(format!("Months of {q}")));
    let mut rows: Vec<Vec<String>> = d
        .months
        .iter()
        .map(|m| {
            let mut row = vec![m.month.to_string()];
            row.extend(m.by_category.iter().map(|c| usd(c.cost)));
            row.push(usd(m.unallocated));
            row.push(usd(m.total));
            row
        })
        .collect();
    let mut sum_row = vec!["Total".to_string()];
    for i in 0..crate::config::Category::ALL.len() {
        sum_row.push(usd(d.months.iter().map(|m| m.by_category[i].cost).sum()));
    }
    sum_row.push(usd(d.unallocated));
    sum_row.push(usd(total));
    rows.push(sum_row);
    let mut head = vec!["Month".to_string()];
    head.extend(
        crate::config::Category::ALL
            .iter()
            .map(|c| c.label().to_string()),
    );
    head.push("Unallocated".into());
    head.push("Total".into());
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    b.push(table(&head, rows, true));

    b.push(Block::Heading("Spend by use case".into()));
    let prior_total = d
        .history
        .iter()
        .find(|l| l.quarter == q.prev())
        .map(|l| l.total);
    let mut rows: Vec<Vec<String>> = d
        .use_cases
        .iter()
        .map(|u| {
            vec![
                format!("{} ({})", d.name_of(&u.use_case), u.use_case),
                u.kind.clone(),
                usd(u.cost),
                format!("{}%", pct(u.cost, total)),
                or_dash(u.prior_cost.map(usd)),
                change(u.cost, u.prior_cost),
            ]
        })
        .collect();
    rows.push(vec![
        "unallocated".into(),
        String::new(),
        usd(d.unallocated),
        format!("{}%", pct(d.unallocated, total)),
        or_dash(d.prior_unallocated.map(usd)),
        change(d.unallocated, d.prior_unallocated),
    ]);
    rows.push(vec![
        "Total".into(),
        String::new(),
        usd(total),
        "100.0%".into(),
        or_dash(prior_total.map(usd)),
        change(total, prior_total),
    ]);
    b.push(table(
        &[
            "Use case",
            "Kind",
            "Cost",
            "Share",
            "Prior quarter",
            "Change",
        ],
        rows,
        true,
    ));

    b.push(Block::Heading("Cost per outcome by quarter".into()));
    let with_metric: Vec<_> = d
        .use_cases
        .iter()
        .filter_map(|u| u.outcome.as_ref().map(|o| (u, o)))
        .collect();
    if with_metric.is_empty() {
        b.push(Block::Para(
            "No use case has an outcome metric configured.".into(),
        ));
    } else {
        b.push(Block::Para(
            "A quarter's cost per outcome is the allocated cost of the months that have an outcome value divided by the sum of those values (for weekly active users: the average month's cost per average weekly user).".into(),
        ));
        let rows = with_metric
            .iter()
            .map(|(u, o)| {
                vec![
                    format!("{} ({})", d.name_of(&u.use_case), u.use_case),
                    o.label.clone(),
                    or_dash(o.value.map(|v| v.normalize().to_string())),
                    format!("{} of {}", o.months_with_value, d.months.len()),
                    or_dash(o.cost_per_outcome.map(|v| format!("${v}"))),
                    or_dash(o.prior_cost_per_outcome.map(|v| format!("${v}"))),
                ]
            })
            .collect();
        b.push(table(
            &[
                "Use case",
                "Metric",
                "Outcomes",
                "Months with a value",
                "Cost per outcome",
                "Prior quarter",
            ],
            rows,
            false,
        ));
    }

    b.push(Block::Heading("Forecast and targets".into()));
    let f = &d.forecast;
    b.push(Block::Para(format!(
        "Method {}; one-step back-test error {}. The month the forecast median first reaches each target, and the probability that December {} is over it.",
        f.method,
        backtest(f),
        d.as_of.year()
    )));
    b.push(targets_table(f, d.as_of.year()));

    b.push(Block::Heading(format!("Gate decisions in {q}")));
    if d.decisions.is_empty() {
        b.push(Block::Para(format!(
            "No gate decision was recorded in {q}."
        )));
    } else {
        let rows = d
            .decisions
            .iter()
            .map(|x| {
                vec![
                    x.decided_at.format("%Y-%m-%d %H:%M").to_string(),
                    x.gate
                        .map_or_else(|| "use case".to_string(), |g| format!("{g} {}", g.title())),
                    x.subject.clone(),
                    x.month.to_string(),
                    x.decision.as_str().to_string(),
                    x.by.clone(),
                    usd(x.value),
                    usd(x.threshold),
                    x.note.clone().unwrap_or_default(),
                ]
            })
            .collect();
        b.push(table(
            &[
                "Decided at",
                "Gate",
                "Subject",
                "Month",
                "Decision",
                "By",
                "Value",
                "Threshold",
                "Note",
            ],
            rows,
            false,
        ));
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

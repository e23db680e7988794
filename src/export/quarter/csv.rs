//! The board pack's tables for spreadsheets, written by the monthly pack's CSV writer:
//! quarters.csv, months.csv, use_cases.csv (ends with `unallocated`, so its cost column adds up
//! to the quarter's total), targets.csv and decisions.csv.

use super::data::QuarterData;
use crate::deps::format_time;
use crate::export::csv_files::{opt, pct, plain, table};

pub const QUARTERS: &str = "quarters.csv";
pub const MONTHS: &str = "months.csv";
pub const TARGETS: &str = "targets.csv";
pub const DECISIONS: &str = "decisions.csv";

pub fn quarters(d: &QuarterData) -> String {
    let rows = d
        .history
        .iter()
        .map(|l| {
            vec![
                l.quarter.to_string(),
                l.status().to_string(),
                l.months_with_data.to_string(),
                plain(l.total),
                opt(l.qoq_growth_pct),
            ]
        })
        .collect();
    table(
        &["quarter", "status", "months", "total", "qoq_growth_pct"],
        rows,
    )
}

pub fn months(d: &QuarterData) -> String {
    let rows = d
        .months
        .iter()
        .map(|m| {
            let mut row = vec![d.quarter.to_string(), m.month.to_string(), plain(m.total)];
            row.extend(m.by_category.iter().map(|c| plain(c.cost)));
            row.push(plain(m.unallocated));
            row
        })
        .collect();
    let mut head = vec!["quarter", "month", "total"];
    head.extend(crate::config::Category::ALL.iter().map(|c| c.as_str()));
    head.push("unallocated");
    table(&head, rows)
}

pub fn use_cases(d: &QuarterData) -> String {
    let total = d.total();
    let q = d.quarter.to_string();
    let mut rows: Vec<Vec<String>> = d
        .use_cases
        .iter()
        .map(|u| {
            let o = u.outcome.as_ref();
            vec![
                q.clone(),
                u.use_case.clone(),
                d.name_of(&u.use_case).to_string(),
                u.kind.clone(),
                plain(u.cost),
                pct(u.cost, total),
                opt(u.prior_cost.map(plain)),
                opt(o.map(|o| o.metric.clone())),
                opt(o.map(|o| o.label.clone())),
                opt(o.and_then(|o| o.value).map(|v| v.normalize())),
                opt(o.map(|o| o.months_with_value)),
                opt(o.and_then(|o| o.cost_per_outcome)),
                opt(o.and_then(|o| o.prior_cost_per_outcome)),
            ]
        })
        .collect();
    let mut line = vec![String::new(); 13];
    line[0] = q;
    line[1] = crate::deps::UNALLOCATED.to_string();
    line[4] = plain(d.unallocated);
    line[5] = pct(d.unallocated, total);
    line[6] = opt(d.prior_unallocated.map(plain));
    rows.push(line);
    table(
        &[
            "quarter",
            "use_case",
            "name",
            "kind",
            "cost",
            "share_pct",
            "prior_quarter_cost",
            "outcome_metric",
            "outcome_label",
            "outcome_value",
            "months_with_value",
            "cost_per_outcome",
            "prior_quarter_cost_per_outcome",
        ],
        rows,
    )
}

pub fn targets(d: &QuarterData) -> String {
    let rows = d
        .forecast
        .targets
        .iter()
        .map(|t| {
            vec![
                plain(t.usd),
                opt(t.month_p50),
                format!("{:.4}", t.probability_by_year_end),
            ]
        })
        .collect();
    table(&["usd", "month_p50", "probability_by_year_end"], rows)
}

pub fn decisions(d: &QuarterData) -> String {
    let rows = d
        .decisions
        .iter()
        .map(|x| {
            vec![
                x.id.to_string(),
                x.breach_id.clone(),
                x.gate
                    .map_or_else(|| "use-case".to_string(), |g| g.to_string()),
                x.subject.clone(),
                x.month.to_string(),
                x.decision.as_str().to_string(),
                x.by.clone(),
                format_time(&x.decided_at),
                plain(x.value),
                plain(x.threshold),
                opt(x.note.clone()),
            ]
        })
        .collect();
    table(
        &[
            "id",
            "breach_id",
            "gate",
            "subject",
            "month",
            "decision",
            "by",
            "decided_at",
            "value",
            "threshold",
            "note",
        ],
        rows,
    )
}

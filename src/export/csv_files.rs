//! use_cases.csv, gates.csv and dependencies.csv: the pack's tables for spreadsheets. Money is
//! plain dollars with two decimals (`1234.50`), the same cents `tollgate report`, `gates` and
//! `deps list` show; use_cases.csv ends with the `unallocated` line so its cost column adds up
//! to the month's total.

use rust_decimal::Decimal;

use super::data::PackData;
use crate::deps::format_time;
use crate::money::cents;

pub const USE_CASES: &str = "use_cases.csv";
pub const GATES: &str = "gates.csv";
pub const DEPENDENCIES: &str = "dependencies.csv";

/// Dollars with exactly two decimals, no symbol.
pub fn plain(v: Decimal) -> String {
    let mut c = cents(v);
    c.rescale(2);
    c.to_string()
}

/// Share of `total` in percent with one decimal; empty when the total is zero.
pub fn pct(part: Decimal, total: Decimal) -> String {
    crate::fmt::share_pct(part, total).map_or_else(String::new, |mut p| {
        p.rescale(1);
        p.to_string()
    })
}

/// One CSV field, quoted when it has to be (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub(crate) fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut out = header.join(",");
    out.push('\n');
    for r in rows {
        out.push_str(&r.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

pub(crate) fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub fn use_cases(d: &PackData) -> String {
    let r = &d.report;
    let mut rows: Vec<Vec<String>> = r
        .by_use_case
        .iter()
        .map(|u| {
            vec![
                d.month.to_string(),
                u.use_case.clone(),
                d.name_of(&u.use_case).to_string(),
                u.kind.clone(),
                plain(u.cost),
                pct(u.cost, r.total),
                opt(u.prior_month_cost.map(plain)),
                opt(u.outcome_metric.clone()),
                opt(u.outcome_label.as_ref().map(|l| l.label.clone())),
                opt(u.outcome_value.map(|v| v.normalize())),
                opt(u.cost_per_outcome),
            ]
        })
        .collect();
    rows.push(vec![
        d.month.to_string(),
        crate::deps::UNALLOCATED.to_string(),
        String::new(),
        String::new(),
        plain(r.unallocated),
        pct(r.unallocated, r.total),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    table(
        &[
            "month",
            "use_case",
            "name",
            "kind",
            "cost",
            "share_pct",
            "prior_month_cost",
            "outcome_metric",
            "outcome_label",
            "outcome_value",
            "cost_per_outcome",
        ],
        rows,
    )
}

pub fn gates(d: &PackData) -> String {
    let rows = d
        .gates
        .iter()
        .map(|b| {
            let dec = b.decision.as_ref();
            vec![
                b.id.clone(),
                b.gate.to_string(),
                b.subject.clone(),
                b.month.to_string(),
                b.status.as_str().to_string(),
                plain(b.value),
                plain(b.threshold),
                b.detail.clone(),
                opt(dec.map(|d| d.decision.as_str())),
                opt(dec.map(|d| d.by.clone())),
                opt(dec.map(|d| format_time(&d.decided_at))),
                opt(dec.and_then(|d| d.note.clone())),
            ]
        })
        .collect();
    table(
        &[
            "id",
            "gate",
            "subject",
            "month",
            "status",
            "value",
            "threshold",
            "detail",
            "decision",
            "decided_by",
            "decided_at",
            "decision_note",
        ],
        rows,
    )
}

/// The dependencies, then one line for the spend no rule allocates (not a dependency), so
/// that `cost_30d` adds up to the window's spend to the cent.
pub fn dependencies(d: &PackData) -> String {
    let mut rows: Vec<Vec<String>> = d
        .deps
        .dependencies
        .iter()
        .map(|x| {
            vec![
                x.key.clone(),
                x.use_case.clone(),
                x.provider.clone(),
                x.item.clone(),
                plain(x.cost_30d),
                x.requests_30d.normalize().to_string(),
                x.tokens_30d.normalize().to_string(),
                opt(x.class.map(|c| c.as_str())),
                opt(x.note.clone()),
                opt(x.reviewer.clone()),
                opt(x.reviewed_at.as_ref().map(format_time)),
                x.waste_candidate.to_string(),
                x.waste_reasons.join("; "),
            ]
        })
        .collect();
    let u = &d.deps.unallocated;
    if !u.cost_30d.is_zero() {
        let mut line = vec![String::new(); 13];
        line[0] = crate::deps::UNALLOCATED.to_string();
        line[1] = crate::deps::UNALLOCATED.to_string();
        line[4] = plain(u.cost_30d);
        line[8] = format!("not a dependency: no rule matches this spend; {}", u.action);
        line[11] = false.to_string();
        rows.push(line);
    }
    table(
        &[
            "key",
            "use_case",
            "provider",
            "item",
            "cost_30d",
            "requests_30d",
            "tokens_30d",
            "class",
            "note",
            "reviewer",
            "reviewed_at",
            "waste_candidate",
            "waste_reasons",
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed_and_formats_money() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
        assert_eq!(plain(Decimal::new(12345, 3)), "12.35");
        assert_eq!(plain(Decimal::from(3000)), "3000.00");
        assert_eq!(pct(Decimal::from(1), Decimal::from(3)), "33.3");
        assert_eq!(pct(Decimal::from(1), Decimal::ZERO), "");
    }
}

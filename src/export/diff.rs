//! What changed since the previous pack. Each pack stores a [`Digest`] of its key numbers in
//! `export_packs`; the next pack compares against the latest pack of an *earlier* month (the
//! previous business review), so exporting the same month twice gives the same files.
//!
//! The comparison says: how the previous month's figures were restated since its pack (late
//! data, re-allocation), use cases that appeared or went, gate breaches that are new or whose
//! decision changed, and target crossings that moved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::data::PackData;
use crate::money::{cents, usd};
use crate::month::Month;
use crate::report::MonthReport;

/// The numbers of a pack worth comparing later. Money is text in cents (exact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    pub month: String,
    pub total: String,
    pub unallocated: String,
    pub use_cases: BTreeMap<String, String>,
    /// Breach id -> its decision, or `open`.
    pub gates: BTreeMap<String, String>,
    /// Target (USD) -> the month the median crosses it, or `none`.
    pub targets: BTreeMap<String, String>,
}

/// The changes, as sentences for people.
#[derive(Debug, Clone, PartialEq)]
pub struct Changes {
    pub previous_month: Month,
    pub lines: Vec<String>,
}

pub fn digest(data: &PackData) -> Digest {
    Digest {
        month: data.month.to_string(),
        total: cents(data.report.total).to_string(),
        unallocated: cents(data.report.unallocated).to_string(),
        use_cases: data
            .report
            .by_use_case
            .iter()
            .map(|u| (u.use_case.clone(), cents(u.cost).to_string()))
            .collect(),
        gates: data
            .gates
            .iter()
            .map(|b| {
                let d = b
                    .decision
                    .as_ref()
                    .map(|d| d.decision.as_str().to_string())
                    .unwrap_or_else(|| "open".to_string());
                (b.id.clone(), d)
            })
            .collect(),
        targets: data
            .forecast
            .targets
            .iter()
            .map(|t| {
                let m = t
                    .month_p50
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "none".to_string());
                (cents(t.usd).to_string(), m)
            })
            .collect(),
    }
}

fn money(text: &str) -> rust_decimal::Decimal {
    crate::money::parse(text).unwrap_or_default()
}

/// Compares the previous pack's digest with this pack; `restated` is the ledger's report of
/// the previous pack's month as it stands now.
pub fn compare(previous: &Digest, restated: &MonthReport, now: &Digest) -> Changes {
    let prev_month = restated.month;
    let mut lines = Vec::new();
    let was = money(&previous.total);
    if cents(restated.total) != was {
        lines.push(format!(
            "{prev_month} total restated: {} in its pack, {} now ({}).",
            usd(was),
            usd(restated.total),
            signed_usd(restated.total - was)
        ));
    }
    for u in &restated.by_use_case {
        if let Some(before) = previous.use_cases.get(&u.use_case).map(|t| money(t)) {
            if before != cents(u.cost) {
                lines.push(format!(
                    "{prev_month} {} restated: {} in its pack, {} now ({}).",
                    u.use_case,
                    usd(before),
                    usd(u.cost),
                    signed_usd(u.cost - before)
                ));
            }
        }
    }
    let spent = |d: &Digest, id: &str| d.use_cases.get(id).is_some_and(|c| !money(c).is_zero());
    for id in now.use_cases.keys() {
        if spent(now, id) && !spent(previous, id) {
            lines.push(format!("New use case with spend: {id}."));
        }
    }
    for id in previous.use_cases.keys() {
        if spent(previous, id) && !spent(now, id) {
            lines.push(format!("No spend any more: {id}."));
        }
    }
    for (id, decision) in &now.gates {
        match previous.gates.get(id) {
            None => lines.push(format!("New gate breach {id} ({decision}).")),
            Some(before) if before != decision => {
                lines.push(format!("Gate {id}: {before} -> {decision}."))
            }
            Some(_) => {}
        }
    }
    for (usd_text, month) in &now.targets {
        let label = usd(money(usd_text));
        match previous.targets.get(usd_text) {
            Some(before) if before != month => lines.push(format!(
                "Target {label}: median crossing moved from {before} to {month}."
            )),
            None => lines.push(format!("New target {label}: median crossing {month}.")),
            Some(_) => {}
        }
    }
    if lines.is_empty() {
        lines.push(format!(
            "Nothing changed: {prev_month}'s figures, gates and target crossings are as in its pack."
        ));
    }
    Changes {
        previous_month: prev_month,
        lines,
    }
}

fn signed_usd(v: rust_decimal::Decimal) -> String {
    if v.is_sign_negative() {
        usd(v)
    } else {
        format!("+{}", usd(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(total: &str, ucs: &[(&str, &str)], gates: &[(&str, &str)]) -> Digest {
        Digest {
            month: "2026-09".into(),
            total: total.into(),
            unallocated: "0.00".into(),
            use_cases: ucs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            gates: gates
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            targets: BTreeMap::new(),
        }
    }

    fn report(total: &str, ucs: &[(&str, &str)]) -> MonthReport {
        MonthReport {
            month: "2026-09".parse().expect("month"),
            currency: "USD".into(),
            total: money(total),
            by_provider: vec![],
            by_category: vec![],
            by_use_case: ucs
                .iter()
                .map(|(id, c)| crate::report::UseCaseCost {
                    use_case: id.to_string(),
                    kind: "feature".into(),
                    cost: money(c),
                    prior_month_cost: None,
                    outcome_metric: None,
                    outcome_label: None,
                    outcome_value: None,
                    cost_per_outcome: None,
                })
                .collect(),
            unallocated: rust_decimal::Decimal::ZERO,
            unpriced_tokens: 0,
            gateway_split: None,
        }
    }

    #[test]
    fn restatements_new_use_cases_and_gate_decisions() {
        let prev = digest("100.00", &[("a", "100.00")], &[("G1:a:2026-09", "open")]);
        let now = digest(
            "50.00",
            &[("a", "30.00"), ("b", "20.00")],
            &[
                ("G1:a:2026-09", "acknowledged"),
                ("G3:aggregate:2026-10", "open"),
            ],
        );
        let c = compare(&prev, &report("110.00", &[("a", "110.00")]), &now);
        assert_eq!(
            c.lines,
            vec![
                "2026-09 total restated: $100.00 in its pack, $110.00 now (+$10.00).",
                "2026-09 a restated: $100.00 in its pack, $110.00 now (+$10.00).",
                "New use case with spend: b.",
                "Gate G1:a:2026-09: open -> acknowledged.",
                "New gate breach G3:aggregate:2026-10 (open).",
            ]
        );
    }

    #[test]
    fn nothing_changed_says_so() {
        let prev = digest("100.00", &[("a", "100.00")], &[]);
        let c = compare(&prev, &report("100.00", &[("a", "100.00")]), &prev);
        assert_eq!(c.lines.len(), 1);
        assert!(c.lines[0].starts_with("Nothing changed"));
    }
}

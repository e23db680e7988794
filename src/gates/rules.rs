//! G1-G3 on one month's spend (docs/CONTRACTS.md, "Gates"). Pure: the numbers come in, breaches
//! come out. Values are compared to the cent and strictly: spend exactly at a threshold is not a
//! breach.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::spend::MonthSpend;
use super::{Breach, Gate, Status};
use crate::config::{Config, UseCaseKind};
use crate::money::{cents, usd};
use crate::month::Month;

/// One month as the gates see it.
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    pub month: Month,
    pub status: Status,
    pub spend: &'a MonthSpend,
    /// The prior month's spend; None when the ledger has no rows for it (history starts here).
    pub prior: Option<&'a MonthSpend>,
    /// Outcome values of `month`: (use case, metric) -> value.
    pub outcomes: &'a HashMap<(String, String), Decimal>,
    /// For projected months: how the projection was made.
    pub method: Option<&'a str>,
}

impl Judged<'_> {
    /// "spent $X in 2026-10" or "is projected to spend $X in 2026-11 (method)".
    fn spent(&self, value: Decimal) -> String {
        match (self.status, self.method) {
            (Status::Projected, Some(m)) => {
                format!(
                    "is projected to spend {} in {} ({m})",
                    usd(value),
                    self.month
                )
            }
            (Status::Projected, None) => {
                format!("is projected to spend {} in {}", usd(value), self.month)
            }
            (Status::Breach, _) => format!("spent {} in {}", usd(value), self.month),
        }
    }

    /// "was $X in 2026-10" or "is projected at $X for 2026-11 (method)".
    fn total(&self, value: Decimal) -> String {
        match (self.status, self.method) {
            (Status::Projected, Some(m)) => {
                format!("is projected at {} for {} ({m})", usd(value), self.month)
            }
            (Status::Projected, None) => {
                format!("is projected at {} for {}", usd(value), self.month)
            }
            (Status::Breach, _) => format!("was {} in {}", usd(value), self.month),
        }
    }
}

/// G1 feature spike: a `feature` use case over `feature_min_usd` and over `feature_growth` x its
/// prior month. A use case with no spend in the prior month (a new feature) has a prior of $0,
/// so the growth condition holds; a month whose prior month has no ledger rows at all (the
/// start of the synced history) cannot be judged for growth and is skipped.
pub fn g1(config: &Config, j: &Judged<'_>) -> Vec<Breach> {
    let gates = &config.gates;
    let min = cents(gates.feature_min_usd);
    let mut out = Vec::new();
    let Some(prior) = j.prior else {
        return out;
    };
    for uc in config
        .use_cases
        .iter()
        .filter(|u| u.kind == UseCaseKind::Feature)
    {
        let value = cents(j.spend.use_case(&uc.id));
        let prior_value = cents(prior.use_case(&uc.id));
        let growth_line = cents(gates.feature_growth * prior_value);
        if value <= min || value <= growth_line {
            continue;
        }
        let growth = if prior_value.is_zero() {
            format!(
                "and it had no spend in {} (a new feature's first month counts as a spike)",
                j.month.prev()
            )
        } else {
            format!(
                "and over {} x its {} spend of {} ({})",
                gates.feature_growth.normalize(),
                j.month.prev(),
                usd(prior_value),
                usd(growth_line)
            )
        };
        out.push(Breach::new(
            Gate::G1,
            &uc.id,
            j.month,
            j.status,
            value,
            min.max(growth_line),
            format!(
                "{} {}, over the {} feature minimum {growth}; a feature spike needs re-justification",
                uc.id,
                j.spent(value),
                usd(min)
            ),
        ));
    }
    out
}

/// G2 pilot without metric: a `pilot` use case over `pilot_min_usd` with no outcome metric
/// configured, or none of its metric's value for the month.
pub fn g2(config: &Config, j: &Judged<'_>) -> Vec<Breach> {
    let min = cents(config.gates.pilot_min_usd);
    let mut out = Vec::new();
    for uc in config
        .use_cases
        .iter()
        .filter(|u| u.kind == UseCaseKind::Pilot)
    {
        let value = cents(j.spend.use_case(&uc.id));
        if value <= min {
            continue;
        }
        let missing = match uc.metric().map(str::to_string) {
            None => {
                "it has no outcome metric configured (set `outcome` on the use case)".to_string()
            }
            Some(metric) if !j.outcomes.contains_key(&(uc.id.clone(), metric.clone())) => format!(
                "it has no `{metric}` value for {} (add one with `tollgate import outcomes FILE`)",
                j.month
            ),
            Some(_) => continue,
        };
        out.push(Breach::new(
            Gate::G2,
            &uc.id,
            j.month,
            j.status,
            value,
            min,
            format!(
                "{} {}, over the {} pilot limit, but {missing}; a pilot without a cost-per-outcome metric is to be paused",
                uc.id,
                j.spent(value),
                usd(min)
            ),
        ));
    }
    out
}

/// The subject of G3 breaches: all spend together.
pub const AGGREGATE: &str = "aggregate";

/// G3 sustained jump: the month's total over `baseline` x (1 + jump_pct / 100).
pub fn g3(config: &Config, j: &Judged<'_>, baseline: Decimal) -> Option<Breach> {
    let jump = config.gates.jump_pct;
    let line = g3_line(baseline, jump);
    let value = cents(j.spend.total);
    (value > line).then(|| {
        Breach::new(
            Gate::G3,
            AGGREGATE,
            j.month,
            j.status,
            value,
            line,
            format!(
                "total AI spend {}, over the G3 line of {} (approved baseline {} + {}%); a sustained jump needs approval, which makes {} the new baseline",
                j.total(value),
                usd(line),
                usd(baseline),
                jump.normalize(),
                usd(value)
            ),
        )
    })
}

/// baseline x (1 + jump_pct / 100), to the cent: above it G3 fires.
pub fn g3_line(baseline: Decimal, jump_pct: Decimal) -> Decimal {
    cents(baseline * (Decimal::ONE + jump_pct / Decimal::ONE_HUNDRED))
}

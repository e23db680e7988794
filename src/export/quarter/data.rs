//! Everything the board pack shows, from the engine: each month of the quarter is
//! `report::month_report` (so a quarter is exactly the sum of the monthly reports, to the cent),
//! the targets come from `forecast::run`, the decisions from the gates' audit log.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::config::Config;
use crate::export::data::month_rows;
use crate::export::ExportError;
use crate::forecast::{self, Forecast};
use crate::gates::trajectory::QUARTERS;
use crate::gates::{audit_log, DecisionRecord};
use crate::month::Month;
use crate::quarter::Quarter;
use crate::report::{month_report, MonthReport};
use crate::store::Store;

/// The inputs of one board pack.
#[derive(Debug, Clone)]
pub struct QuarterData {
    pub quarter: Quarter,
    /// The forecast is as of this day: the 1st after the quarter once it is over, else today.
    pub as_of: NaiveDate,
    /// The quarter has not ended: its figures are quarter to date.
    pub in_progress: bool,
    /// The reports of the quarter's months that have ledger rows, in order.
    pub months: Vec<MonthReport>,
    /// The last quarters up to this one, oldest first ([`QUARTERS`] of them, those with data).
    pub history: Vec<QuarterLine>,
    /// Every use case with cost in this quarter or the one before, largest first.
    pub use_cases: Vec<UseCaseQuarter>,
    pub unallocated: Decimal,
    /// The quarter before: its unallocated cost, when it has data.
    pub prior_unallocated: Option<Decimal>,
    pub forecast: Forecast,
    /// Gate decisions recorded in the quarter (by their time, UTC), oldest first.
    pub decisions: Vec<DecisionRecord>,
    /// Use case id -> display name, from the config.
    pub names: Vec<(String, String)>,
}

impl QuarterData {
    /// The quarter's total: the sum of its months' reported totals.
    pub fn total(&self) -> Decimal {
        self.months.iter().map(|m| m.total).sum()
    }

    pub fn name_of<'a>(&'a self, use_case: &'a str) -> &'a str {
        self.names
            .iter()
            .find(|(id, _)| id == use_case)
            .map(|(_, n)| n.as_str())
            .unwrap_or(use_case)
    }

    /// This quarter's line of [`QuarterData::history`].
    pub fn line(&self) -> Option<&QuarterLine> {
        self.history.iter().find(|l| l.quarter == self.quarter)
    }
}

/// One quarter's total.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterLine {
    pub quarter: Quarter,
    /// The sum of its months' totals, each rounded to the cent as `tollgate report` shows it.
    pub total: Decimal,
    /// Months with ledger rows (up to the month in progress).
    pub months_with_data: usize,
    /// Over, with all three months in the ledger.
    pub complete: bool,
    /// Growth over the quarter before in percent, one decimal; None unless both are complete
    /// and the one before is not zero.
    pub qoq_growth_pct: Option<Decimal>,
}

impl QuarterLine {
    pub fn status(&self) -> &'static str {
        if self.complete {
            "complete"
        } else if self.months_with_data == 3 {
            "in progress"
        } else {
            "partial"
        }
    }
}

/// One use case over the quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct UseCaseQuarter {
    pub use_case: String,
    pub kind: String,
    pub cost: Decimal,
    /// The quarter before (0 when it had none); None when that quarter has no data.
    pub prior_cost: Option<Decimal>,
    pub outcome: Option<QuarterOutcome>,
}

/// A use case's outcome metric over the quarter: see [`outcome_over`].
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterOutcome {
    pub metric: String,
    pub label: String,
    /// The sum of the monthly values (None: no month has one).
    pub value: Option<Decimal>,
    pub months_with_value: usize,
    pub cost_per_outcome: Option<Decimal>,
    /// The same for the quarter before.
    pub prior_cost_per_outcome: Option<Decimal>,
}

/// Cost per outcome over some months: the allocated cost of the months that have a (non-zero)
/// value, divided by the sum of those values, four decimals. For counts (tickets, PRs) that is
/// cost per thing; for `wau` (a monthly average) it is the average month's cost per average
/// weekly user, the same meaning as the monthly figure. Returns (value sum, months, ratio).
pub fn outcome_over(
    reports: &[MonthReport],
    use_case: &str,
) -> (Option<Decimal>, usize, Option<Decimal>) {
    let mut value = None::<Decimal>;
    let (mut cost, mut months) = (Decimal::ZERO, 0);
    for r in reports {
        let Some(u) = r.by_use_case.iter().find(|u| u.use_case == use_case) else {
            continue;
        };
        if let Some(v) = u.outcome_value.filter(|v| !v.is_zero()) {
            value = Some(value.unwrap_or_default() + v);
            cost += u.cost;
            months += 1;
        }
    }
    let ratio = value.filter(|v| !v.is_zero()).map(|v| {
        let mut r = (cost / v).round_dp(4);
        r.rescale(4);
        r
    });
    (value, months, ratio)
}

/// Reports of the months of `q` up to `today`'s month that have ledger rows.
fn reports(
    store: &Store,
    config: &Config,
    q: Quarter,
    today: NaiveDate,
) -> Result<Vec<MonthReport>, ExportError> {
    let mut out = Vec::new();
    for m in q.months().into_iter().filter(|m| *m <= Month::of(today)) {
        if month_rows(store, m)? > 0 {
            out.push(month_report(store, config, m)?);
        }
    }
    Ok(out)
}

/// The last [`QUARTERS`] quarters ending with `q`, from the months' reported totals.
fn history(store: &Store, q: Quarter, today: NaiveDate) -> Result<Vec<QuarterLine>, ExportError> {
    let mut out: Vec<QuarterLine> = Vec::new();
    let first = Quarter::of(q.first_month().plus(-3 * (QUARTERS - 1)));
    let mut at = first;
    while at <= q {
        let mut total = Decimal::ZERO;
        let mut months_with_data = 0;
        for m in at.months().into_iter().filter(|m| *m <= Month::of(today)) {
            if month_rows(store, m)? > 0 {
                total += crate::money::cents(store.month_total(m)?);
                months_with_data += 1;
            }
        }
        if months_with_data > 0 {
            let complete = months_with_data == 3 && at.end_day() <= today;
            let qoq_growth_pct = match out.last() {
                Some(prev) if prev.quarter == at.prev() && prev.complete && complete => {
                    (!prev.total.is_zero()).then(|| {
                        ((total - prev.total) / prev.total.abs() * Decimal::ONE_HUNDRED).round_dp(1)
                    })
                }
                _ => None,
            };
            out.push(QuarterLine {
                quarter: at,
                total,
                months_with_data,
                complete,
                qoq_growth_pct,
            });
        }
        at = Quarter::of(at.first_month().plus(3));
    }
    Ok(out)
}

/// Gathers the board pack of `q` as of `today`. The quarter must have begun and have rows.
pub fn gather(
    store: &Store,
    config: &Config,
    q: Quarter,
    today: NaiveDate,
) -> Result<QuarterData, ExportError> {
    if q.first_day() > today {
        return Err(ExportError::FutureQuarter { quarter: q, today });
    }
    let months = reports(store, config, q, today)?;
    if months.is_empty() {
        let latest = store.latest_month()?;
        return Err(ExportError::NoQuarterData { quarter: q, latest });
    }
    let prior = reports(store, config, q.prev(), today)?;
    let as_of = today.min(q.end_day());

    // Configured use cases first, then any other id a rule yields, as the report lists them.
    let mut ids: Vec<String> = config.use_cases.iter().map(|u| u.id.clone()).collect();
    let mut extra: Vec<String> = months
        .iter()
        .chain(&prior)
        .flat_map(|r| r.by_use_case.iter().map(|u| u.use_case.clone()))
        .filter(|id| !ids.contains(id))
        .collect();
    extra.sort();
    extra.dedup();
    ids.extend(extra);
    let cost_in = |reports: &[MonthReport], id: &str| -> Decimal {
        reports
            .iter()
            .flat_map(|r| r.by_use_case.iter().filter(|u| u.use_case == id))
            .map(|u| u.cost)
            .sum()
    };
    let mut use_cases: Vec<UseCaseQuarter> = ids
        .iter()
        .map(|id| {
            let uc = config.use_case(id);
            let outcome = uc
                .and_then(|u| u.metric())
                .map(str::to_string)
                .map(|metric| {
                    let (value, months_with_value, cost_per_outcome) = outcome_over(&months, id);
                    QuarterOutcome {
                        label: config.outcome_label(&metric).label,
                        metric,
                        value,
                        months_with_value,
                        cost_per_outcome,
                        prior_cost_per_outcome: outcome_over(&prior, id).2,
                    }
                });
            UseCaseQuarter {
                use_case: id.clone(),
                kind: uc.map(|u| u.kind.as_str()).unwrap_or("unknown").to_string(),
                cost: cost_in(&months, id),
                prior_cost: (!prior.is_empty()).then(|| cost_in(&prior, id)),
                outcome,
            }
        })
        .collect();
    use_cases.sort_by(|a, b| b.cost.cmp(&a.cost).then(a.use_case.cmp(&b.use_case)));

    let (start, end) = (q.first_day(), q.end_day());
    let decisions = audit_log(store)?
        .into_iter()
        .filter(|d| (start..end).contains(&d.decided_at.date()))
        .collect();
    Ok(QuarterData {
        quarter: q,
        as_of,
        in_progress: q.end_day() > today,
        history: history(store, q, today)?,
        unallocated: months.iter().map(|m| m.unallocated).sum(),
        prior_unallocated: (!prior.is_empty()).then(|| prior.iter().map(|m| m.unallocated).sum()),
        months,
        use_cases,
        forecast: forecast::run(store, config, as_of, &[])?,
        decisions,
        names: config
            .use_cases
            .iter()
            .map(|u| (u.id.clone(), u.name.clone()))
            .collect(),
    })
}

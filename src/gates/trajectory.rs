//! G4 trajectory: the quarterly board template (quarter totals, quarter-over-quarter growth) and
//! when the forecast median crosses the targets. Flagged for review (status `projected`, subject
//! `trajectory`, the month in progress) when a target crossing falls within
//! [`REVIEW_MONTHS`] months of today.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::spend::Spend;
use super::{Breach, Gate, Status};
use crate::config::Config;
use crate::money::{cents, usd};
use crate::month::Month;
use crate::store::{Store, StoreError};

/// A target crossed within this many months of today flags G4.
pub const REVIEW_MONTHS: i32 = 6;
/// Quarters in the board template (the current one and four before it: a year-ago comparison).
pub const QUARTERS: i32 = 5;
pub const SUBJECT: &str = "trajectory";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    pub quarters: Vec<QuarterTotal>,
    /// The forecast method, as the forecast names it.
    pub method: String,
    pub backtest_mape: Option<f64>,
    pub targets: Vec<Crossing>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterTotal {
    /// `2026-Q3`
    pub quarter: String,
    /// Complete quarters: the ledger. The quarter in progress: complete months, the month in
    /// progress projected to its end, and the forecast median for the months after it.
    #[serde(serialize_with = "super::serialize_cents")]
    pub total: Decimal,
    /// `complete`, `outlook` (the quarter in progress) or `partial` (history starts inside it).
    pub status: &'static str,
    /// Growth over the quarter before, in percent (one decimal); None when either is partial.
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub qoq_growth_pct: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Crossing {
    #[serde(serialize_with = "super::serialize_cents")]
    pub usd: Decimal,
    /// The first month the forecast median is over the target.
    pub month_p50: Option<Month>,
    /// Months from the month in progress to `month_p50`.
    pub months_away: Option<i32>,
    pub probability_by_year_end: f64,
    pub within_review_window: bool,
}

/// The quarter a month is in, as `YYYY-Qn`.
pub fn quarter_of(m: Month) -> String {
    format!("{}-Q{}", m.year, (m.month - 1) / 3 + 1)
}

fn quarter_start(m: Month) -> Month {
    Month {
        year: m.year,
        month: (m.month - 1) / 3 * 3 + 1,
    }
}

/// Whole months from `a` to `b`.
pub fn months_between(a: Month, b: Month) -> i32 {
    (b.year - a.year) * 12 + b.month as i32 - a.month as i32
}

/// The board template and, when a target falls within the review window, the G4 flag.
pub fn evaluate(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    spend: &Spend,
) -> Result<(Trajectory, Option<Breach>), StoreError> {
    let fc = crate::forecast::run(store, config, today, &[])?;
    let current = spend.current;
    let p50 = |m: Month| fc.forecast.iter().find(|b| b.month == m).map(|b| b.p50);

    let quarters = quarter_totals(current, |m| {
        if m < current {
            spend.month(m).map(|s| s.total)
        } else if m == current {
            Some(spend.projected.total)
        } else {
            p50(m)
        }
    });

    let targets: Vec<Crossing> = fc
        .targets
        .iter()
        .map(|t| {
            let months_away = t.month_p50.map(|m| months_between(current, m));
            Crossing {
                usd: t.usd,
                month_p50: t.month_p50,
                months_away,
                probability_by_year_end: t.probability_by_year_end,
                within_review_window: months_away.is_some_and(|n| n <= REVIEW_MONTHS),
            }
        })
        .collect();

    let flag = targets
        .iter()
        .filter(|t| t.within_review_window)
        .min_by_key(|t| (t.month_p50, t.usd))
        .map(|t| {
            let month = t.month_p50.unwrap_or(current);
            let value = p50(month).map_or(t.usd, cents);
            Breach::new(
                Gate::G4,
                SUBJECT,
                current,
                Status::Projected,
                value,
                cents(t.usd),
                g4_detail(t, month, value, &quarters, &fc.method),
            )
        });
    Ok((
        Trajectory {
            quarters,
            method: fc.method,
            backtest_mape: fc.backtest_mape,
            targets,
        },
        flag,
    ))
}

/// The last [`QUARTERS`] quarters up to the one in progress, from each month's cost (None: not
/// known). Quarters with no known month are left out.
fn quarter_totals(current: Month, cost: impl Fn(Month) -> Option<Decimal>) -> Vec<QuarterTotal> {
    let first = quarter_start(current).plus(-3 * (QUARTERS - 1));
    let mut out: Vec<(Month, QuarterTotal)> = Vec::new();
    for start in (0..QUARTERS).map(|q| first.plus(3 * q)) {
        let known: Vec<Decimal> = (0..3).filter_map(|i| cost(start.plus(i))).collect();
        if known.is_empty() {
            continue;
        }
        let status = if start.plus(2) >= current {
            "outlook"
        } else if known.len() == 3 {
            "complete"
        } else {
            "partial"
        };
        let total = cents(known.iter().copied().sum());
        let qoq_growth_pct = match out.last() {
            Some((prev_start, prev))
                if prev_start.plus(3) == start
                    && prev.status != "partial"
                    && status != "partial"
                    && !prev.total.is_zero() =>
            {
                let g = (total - prev.total) / prev.total.abs() * Decimal::ONE_HUNDRED;
                Some(g.round_dp(1))
            }
            _ => None,
        };
        out.push((
            start,
            QuarterTotal {
                quarter: quarter_of(start),
                total,
                status,
                qoq_growth_pct,
            },
        ));
    }
    out.into_iter().map(|(_, q)| q).collect()
}

fn g4_detail(
    t: &Crossing,
    month: Month,
    value: Decimal,
    quarters: &[QuarterTotal],
    method: &str,
) -> String {
    let when = match t.months_away {
        Some(n) if n <= 0 => "this month".to_string(),
        Some(1) => "1 month away".to_string(),
        Some(n) => format!("{n} months away"),
        None => String::new(),
    };
    let last = quarters
        .iter()
        .rev()
        .find(|q| q.status == "complete")
        .map(|q| match q.qoq_growth_pct {
            Some(g) => format!("; {} totalled {} ({g:+}% QoQ)", q.quarter, usd(q.total)),
            None => format!("; {} totalled {}", q.quarter, usd(q.total)),
        })
        .unwrap_or_default();
    format!(
        "the forecast median ({method}) reaches {} a month in {month} ({when}), crossing the {} target; probability of crossing by year end {:.0}%{last}; review the trajectory with the board",
        usd(value),
        usd(t.usd),
        t.probability_by_year_end * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        s.parse().expect("month")
    }

    #[test]
    fn quarters_and_growth() {
        assert_eq!(quarter_of(m("2026-11")), "2026-Q4");
        assert_eq!(quarter_of(m("2026-01")), "2026-Q1");
        assert_eq!(months_between(m("2026-11"), m("2027-05")), 6);
        // history from 2025-11; the quarter in progress (2026-Q4) is an outlook
        let q = quarter_totals(m("2026-11"), |mo| {
            (mo >= m("2025-11")).then(|| Decimal::from(mo.month * 100))
        });
        let names: Vec<_> = q.iter().map(|q| (q.quarter.as_str(), q.status)).collect();
        assert_eq!(
            names,
            [
                ("2025-Q4", "partial"),
                ("2026-Q1", "complete"),
                ("2026-Q2", "complete"),
                ("2026-Q3", "complete"),
                ("2026-Q4", "outlook")
            ]
        );
        assert_eq!(q[0].total, Decimal::from(2300));
        assert_eq!(q[0].qoq_growth_pct, None);
        assert_eq!(q[1].total, Decimal::from(600));
        // Q2 = 400+500+600 = 1500 over Q1 = 600: +150%
        assert_eq!(q[2].qoq_growth_pct, Some(Decimal::from(150)));
    }
}

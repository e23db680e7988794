//! Everything a pack shows, taken from the engine modules (report, gates, forecast, deps,
//! reconcile) so that no number in a pack is computed twice or can disagree with the CLI.

use chrono::{Days, NaiveDate};
use duckdb::params;

use super::diff::Changes;
use super::ExportError;
use crate::config::Config;
use crate::deps::{self, DepsReport};
use crate::forecast::{self, Forecast};
use crate::gates::{self, Breach};
use crate::month::Month;
use crate::reconcile::{reconcile, Reconciliation};
use crate::report::{month_report, MonthReport};
use crate::store::{queries, Store};

/// The inputs of one pack.
#[derive(Debug, Clone)]
pub struct PackData {
    pub month: Month,
    /// Gates and the forecast are evaluated as of this day: the 1st of the next month once the
    /// month is over (so the month is judged complete and the forecast starts after it), else
    /// today.
    pub as_of: NaiveDate,
    /// Dependencies cover the 30 days ending this day: the month's last day, or today.
    pub deps_day: NaiveDate,
    pub report: MonthReport,
    /// The month before, when the ledger has rows in it.
    pub prior: Option<MonthReport>,
    /// Use case id -> display name, from the config.
    pub names: Vec<(String, String)>,
    /// Breaches of the month and later (the month after it projected), in the gates' order.
    pub gates: Vec<Breach>,
    pub gate_baseline: rust_decimal::Decimal,
    pub g3_line: rust_decimal::Decimal,
    pub forecast: Forecast,
    pub deps: DepsReport,
    pub reconcile: Reconciliation,
    pub freshness: Vec<SourceFreshness>,
    /// What changed since the previous pack (None when there is none).
    pub changes: Option<Changes>,
    /// The AI systems in use in the month (ai_systems.csv).
    pub ai_systems: Vec<super::ai_systems::AiSystem>,
    /// The use cases as configured.
    pub use_cases: Vec<crate::config::UseCase>,
}

/// How far one source's rows of the month reach.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFreshness {
    pub source: String,
    pub rows: i64,
    pub first_start: String,
    pub last_end: String,
    /// The rows reach the end of the month.
    pub complete: bool,
}

impl PackData {
    pub fn config_use_case(&self, id: &str) -> Option<&crate::config::UseCase> {
        self.use_cases.iter().find(|u| u.id == id)
    }

    pub fn name_of<'a>(&'a self, use_case: &'a str) -> &'a str {
        self.names
            .iter()
            .find(|(id, _)| id == use_case)
            .map(|(_, n)| n.as_str())
            .unwrap_or(use_case)
    }
}

/// Rows of `month` in the ledger.
pub fn month_rows(store: &Store, month: Month) -> Result<i64, ExportError> {
    let (start, end) = (month.first_day(), month.next().first_day());
    Ok(store
        .conn()
        .query_row(queries::TOTALS_OVER_DAYS, params![start, end], |r| r.get(2))?)
}

/// The day gates and the forecast are evaluated at (see [`PackData::as_of`]).
pub fn as_of(month: Month, today: NaiveDate) -> NaiveDate {
    today.min(month.next().first_day())
}

/// Gathers the pack of `month` as of `today`. The month must have ledger rows.
pub fn gather(
    store: &Store,
    config: &Config,
    month: Month,
    today: NaiveDate,
) -> Result<PackData, ExportError> {
    if month.first_day() > today {
        return Err(ExportError::FutureMonth { month, today });
    }
    if month_rows(store, month)? == 0 {
        let latest = store.latest_month()?;
        return Err(ExportError::NoData { month, latest });
    }
    let as_of = as_of(month, today);
    let month_end = month
        .next()
        .first_day()
        .checked_sub_days(Days::new(1))
        .unwrap_or(as_of);
    let deps_day = today.min(month_end);

    let report = month_report(store, config, month)?;
    let prior = if month_rows(store, month.prev())? > 0 {
        Some(month_report(store, config, month.prev())?)
    } else {
        None
    };
    let gate_report = gates::evaluate(store, config, as_of)?;
    let gates = gate_report
        .breaches
        .iter()
        .filter(|b| b.month >= month)
        .cloned()
        .collect();
    let forecast = forecast::run(store, config, as_of, &[])?;
    let deps = deps::list(store, config, deps_day)?;
    let reconcile = reconcile(store, month)?;
    let freshness = freshness(store, month)?;
    let ai_systems = super::ai_systems::gather(store, config, month)?;
    Ok(PackData {
        month,
        as_of,
        deps_day,
        report,
        prior,
        names: config
            .use_cases
            .iter()
            .map(|u| (u.id.clone(), u.name.clone()))
            .collect(),
        gates,
        gate_baseline: gate_report.baseline,
        g3_line: gate_report.g3_line,
        forecast,
        deps,
        reconcile,
        freshness,
        changes: None,
        ai_systems,
        use_cases: config.use_cases.clone(),
    })
}

fn freshness(store: &Store, month: Month) -> Result<Vec<SourceFreshness>, ExportError> {
    let (start, end) = month.bounds();
    let month_end = end.format("%Y-%m-%d %H:%M:%S").to_string();
    let mut stmt = store.conn().prepare(queries::EXPORT_FRESHNESS)?;
    let rows = stmt.query_map(params![start, end], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (source, rows, first_start, last_end) = r?;
        out.push(SourceFreshness {
            complete: last_end >= month_end,
            source,
            rows,
            first_start,
            last_end,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_closed_month_is_judged_from_the_first_of_the_next() {
        let oct: Month = "2026-10".parse().expect("month");
        assert_eq!(as_of(oct, day("2026-11-20")), day("2026-11-01"));
        assert_eq!(as_of(oct, day("2027-03-02")), day("2026-11-01"));
        assert_eq!(as_of(oct, day("2026-10-17")), day("2026-10-17"));
    }
}

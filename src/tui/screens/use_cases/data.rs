//! What the Use cases tab shows at each drill-down level, loaded on the DB actor's thread with
//! the engine's own functions (`report::month_report`, `spikes::spikes_with`: the ones `tollgate
//! report` and `tollgate spikes` call, so the numbers cannot disagree) plus three small queries
//! over `ledger_alloc` filtered in SQL by month, use case and slice (`sql.rs`).

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::sql;
use crate::config::{Config, MetricLabel};
use crate::deps::UNALLOCATED;
use crate::gateway::requests::{self, RequestTotal};
use crate::money::{cents, cents_summing_to};
use crate::month::Month;
use crate::overview::change_pct;
use crate::report::{self, MonthReport};
use crate::spikes::{self, Spike, SpikeRule};
use crate::store::Store;

/// Days of each use case's sparkline.
pub const SPARK_DAYS: u32 = 30;

/// What to load: one drill-down level.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The "as of" date: the month in progress ends here, and "recent" spikes are the ones
    /// `tollgate spikes` lists (the 30 days ending here).
    pub today: NaiveDate,
    pub level: Level,
}

/// A drill-down level: what it shows and of which month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    /// Level 0: every use case in `month` (None: the latest complete month, as `report`).
    Table { month: Option<Month> },
    /// Level 1: one use case by provider / item / API key in `month` (None: as `Table`).
    UseCase { id: String, month: Option<Month> },
    /// Level 2: one slice of a use case day by day.
    Slice {
        id: String,
        month: Month,
        slice: Slice,
    },
    /// Level 3: the spike of the use case on `day`, reached through `slice`.
    Spike {
        id: String,
        month: Month,
        slice: Slice,
        day: NaiveDate,
    },
}

impl Level {
    pub fn depth(&self) -> usize {
        match self {
            Level::Table { .. } => 0,
            Level::UseCase { .. } => 1,
            Level::Slice { .. } => 2,
            Level::Spike { .. } => 3,
        }
    }
}

/// A provider x item (model, resource or service) x API key of one use case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slice {
    pub provider: String,
    pub item: String,
    /// `x_ApiKeyId`, empty for rows without one.
    pub api_key: String,
}

impl Slice {
    /// `OpenAI gpt-5.5` (breadcrumbs).
    pub fn label(&self) -> String {
        format!("{} {}", self.provider, self.item)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Table(TableData),
    UseCase(UseCaseData),
    Slice(SliceData),
    Spike(SpikeData),
}

impl Data {
    /// The level this data answers (as it was asked for).
    pub fn level(&self) -> &Level {
        match self {
            Data::Table(d) => &d.level,
            Data::UseCase(d) => &d.level,
            Data::Slice(d) => &d.level,
            Data::Spike(d) => &d.level,
        }
    }
}

/// Level 0.
#[derive(Debug, Clone, PartialEq)]
pub struct TableData {
    pub level: Level,
    /// The month shown (resolved when the query left it to the default).
    pub month: Month,
    /// `report --json` for the month: the numbers of every row.
    pub report: MonthReport,
    /// One line per use case of the report (its order), then `unallocated`.
    pub rows: Vec<UseCaseLine>,
    /// The prior month's total to the cent (None when it has no rows).
    pub prior_total: Option<Decimal>,
    /// Last day of the sparklines (the month's last day, or today in the month in progress).
    pub spark_end: NaiveDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UseCaseLine {
    pub use_case: String,
    pub name: String,
    pub kind: String,
    pub owner: String,
    pub cost: Decimal,
    pub prior_month_cost: Option<Decimal>,
    /// Month over month in percent (one decimal), None without a prior month or from zero.
    pub change_pct: Option<Decimal>,
    /// Share of the month's total in percent (one decimal).
    pub share_pct: Option<Decimal>,
    pub outcome_metric: Option<String>,
    /// How the metric reads (the config's outcome labels).
    pub outcome_label: Option<MetricLabel>,
    pub outcome_value: Option<Decimal>,
    pub cost_per_outcome: Option<Decimal>,
    /// Cost per day for the `SPARK_DAYS` days ending `spark_end`, oldest first.
    pub daily: Vec<Decimal>,
}

/// Level 1.
#[derive(Debug, Clone, PartialEq)]
pub struct UseCaseData {
    pub level: Level,
    /// The month shown (resolved when the query left it to the default).
    pub month: Month,
    pub name: String,
    /// The use case's cost in the month as `report` shows it; the slices add up to it.
    pub cost: Decimal,
    pub slices: Vec<SliceLine>,
    /// Spikes of the use case in the month and in the 30 days ending today (as `tollgate
    /// spikes --use-case` lists them), oldest first, each day once.
    pub spikes: Vec<Spike>,
    /// The gateway's requests of the use case in the month (requests, users, latency), when
    /// it has any: `tollgate requests --use-case ID --month M --json`'s `total`.
    pub gateway: Option<RequestTotal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SliceLine {
    pub slice: Slice,
    /// `x_ApiKeyName`, empty when unknown.
    pub api_key_name: String,
    /// To the cent, adding up to the use case's cost.
    pub cost: Decimal,
    pub tokens: Option<Decimal>,
    pub requests: Option<Decimal>,
}

impl SliceLine {
    /// The key as shown: its name, else its id, else `–`.
    pub fn key_label(&self) -> &str {
        if !self.api_key_name.is_empty() {
            &self.api_key_name
        } else if !self.slice.api_key.is_empty() {
            &self.slice.api_key
        } else {
            "–"
        }
    }
}

/// Level 2.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceData {
    pub level: Level,
    /// The month's days (through today in the month in progress), oldest first.
    pub days: Vec<DayLine>,
    /// Sum of the days, to the cent.
    pub total: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DayLine {
    pub day: NaiveDate,
    /// The slice's cost that day (exact).
    pub cost: Decimal,
    /// The slice's baseline: the mean of its trailing 28 days that the spike rule does not flag
    /// (as `spikes` defines a use case's baseline); None with under 14 days of history.
    pub baseline: Option<Decimal>,
    pub tokens: Option<Decimal>,
    pub requests: Option<Decimal>,
    /// The use case's spike that day (from `spikes::spikes_with`), if the day is flagged.
    pub spike: Option<Spike>,
}

/// Level 3.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeData {
    pub level: Level,
    /// The engine's explanation (None when the day is not a spike, e.g. after a re-sync).
    pub spike: Option<Spike>,
}

pub fn load(store: &Store, config: &Config, query: &Query) -> anyhow::Result<Data> {
    let today = query.today;
    let level = query.level.clone();
    Ok(match &query.level {
        Level::Table { month } => {
            let month = month_or_default(store, *month, today)?;
            Data::Table(load_table(store, config, level, month, today)?)
        }
        Level::UseCase { id, month } => {
            let month = month_or_default(store, *month, today)?;
            Data::UseCase(load_use_case(
                store,
                config,
                level.clone(),
                id,
                month,
                today,
            )?)
        }
        Level::Slice { id, month, slice } => Data::Slice(load_slice(
            store,
            config,
            level.clone(),
            id,
            *month,
            slice,
            today,
        )?),
        Level::Spike { id, month, day, .. } => Data::Spike(SpikeData {
            spike: use_case_spikes(store, config, id, *month, today)?
                .into_iter()
                .find(|s| s.day == *day),
            level,
        }),
    })
}

fn load_table(
    store: &Store,
    config: &Config,
    level: Level,
    month: Month,
    today: NaiveDate,
) -> anyhow::Result<TableData> {
    let report = report::month_report(store, config, month)?;
    let spark_end = last_shown_day(month, today);
    let spark_from = sub_days(spark_end, SPARK_DAYS - 1);
    let daily = sql::daily_by_use_case(store, spark_from, spark_end)?;
    let series = |id: &str| -> Vec<Decimal> {
        spark_from
            .iter_days()
            .take(SPARK_DAYS as usize)
            .map(|d| daily.get(&(d, id.to_string())).copied().unwrap_or_default())
            .collect()
    };
    let share = |cost: Decimal| crate::fmt::share_pct(cost, report.total);
    let mut rows: Vec<UseCaseLine> = report
        .by_use_case
        .iter()
        .map(|u| {
            let uc = config.use_case(&u.use_case);
            UseCaseLine {
                use_case: u.use_case.clone(),
                name: uc.map(|c| c.name.clone()).unwrap_or_default(),
                kind: u.kind.clone(),
                owner: uc.and_then(|c| c.owner.clone()).unwrap_or_default(),
                cost: u.cost,
                prior_month_cost: u.prior_month_cost,
                change_pct: change_pct(u.cost, u.prior_month_cost),
                share_pct: share(u.cost),
                outcome_metric: u.outcome_metric.clone(),
                outcome_label: u.outcome_label.clone(),
                outcome_value: u.outcome_value,
                cost_per_outcome: u.cost_per_outcome,
                daily: series(&u.use_case),
            }
        })
        .collect();
    let prior = store.month_allocation(month.prev())?;
    let prior_unallocated = (!prior.total.is_zero()).then(|| cents(prior.unallocated));
    rows.push(UseCaseLine {
        use_case: UNALLOCATED.to_string(),
        name: "no rule matches".to_string(),
        kind: String::new(),
        owner: String::new(),
        cost: report.unallocated,
        prior_month_cost: prior_unallocated,
        change_pct: change_pct(report.unallocated, prior_unallocated),
        share_pct: share(report.unallocated),
        outcome_metric: None,
        outcome_label: None,
        outcome_value: None,
        cost_per_outcome: None,
        daily: series(UNALLOCATED),
    });
    Ok(TableData {
        level,
        month,
        report,
        rows,
        prior_total: (!prior.total.is_zero()).then(|| cents(prior.total)),
        spark_end,
    })
}

fn load_use_case(
    store: &Store,
    config: &Config,
    level: Level,
    id: &str,
    month: Month,
    today: NaiveDate,
) -> anyhow::Result<UseCaseData> {
    let report = report::month_report(store, config, month)?;
    let cost = if id == UNALLOCATED {
        report.unallocated
    } else {
        report
            .by_use_case
            .iter()
            .find(|u| u.use_case == id)
            .map_or(Decimal::ZERO, |u| u.cost)
    };
    let raw = sql::slices(store, month, id)?;
    let rounded = cents_summing_to(&raw.iter().map(|s| s.cost).collect::<Vec<_>>(), cost);
    let slices = raw
        .into_iter()
        .zip(rounded)
        .map(|(s, cost)| SliceLine { cost, ..s })
        .collect();

    let found = use_case_spikes(store, config, id, month, today)?;
    let gateway = requests::total(
        store,
        &requests::Filter {
            use_case: Some(id.to_string()),
            since: Some(month.first_day()),
            until: Some(month.next().first_day()),
        },
    )?;
    Ok(UseCaseData {
        level,
        month,
        name: config
            .use_case(id)
            .map_or_else(|| "no rule matches".to_string(), |u| u.name.clone()),
        cost,
        slices,
        spikes: found,
        gateway: (gateway.requests > 0).then_some(gateway),
    })
}

fn load_slice(
    store: &Store,
    config: &Config,
    level: Level,
    id: &str,
    month: Month,
    slice: &Slice,
    today: NaiveDate,
) -> anyhow::Result<SliceData> {
    let rule = SpikeRule::default();
    let last = last_shown_day(month, today);
    let from = month.first_day();
    let history_from = sub_days(from, rule.window_days);
    let daily = sql::slice_daily(store, history_from, last, id, slice)?;
    let flagged: Vec<Spike> = use_case_spikes(store, config, id, month, today)?
        .into_iter()
        .filter(|s| Month::of(s.day) == month)
        .collect();
    let first_day = daily.keys().next().copied().unwrap_or(from);
    let cost_of = |d: NaiveDate| daily.get(&d).map_or(Decimal::ZERO, |v| v.cost);

    let mut days = Vec::new();
    for day in from.iter_days().take_while(|d| *d <= last) {
        let history: Vec<Decimal> = (1..=rule.window_days)
            .rev()
            .map(|i| sub_days(day, i))
            .filter(|d| *d >= first_day)
            .map(cost_of)
            .collect();
        let values = daily.get(&day);
        days.push(DayLine {
            day,
            cost: cost_of(day),
            baseline: baseline(&rule, &history),
            tokens: values.and_then(|v| v.tokens),
            requests: values.and_then(|v| v.requests),
            spike: flagged.iter().find(|s| s.day == day).cloned(),
        });
    }
    let total = cents(days.iter().map(|d| d.cost).sum());
    Ok(SliceData { level, days, total })
}

/// The mean of the days of `history` the rule does not flag against it (the `spikes` baseline).
fn baseline(rule: &SpikeRule, history: &[Decimal]) -> Option<Decimal> {
    let stats = rule.stats(history)?;
    let kept: Vec<Decimal> = history
        .iter()
        .copied()
        .filter(|c| !rule.flags(&stats, *c))
        .collect();
    (!kept.is_empty()).then(|| kept.iter().sum::<Decimal>() / Decimal::from(kept.len()))
}

/// The spikes of use case `id` on the days of `month` (through `today`) and on the recent days
/// `tollgate spikes` lists, from that engine in one call over both (a day's explanation does
/// not depend on the range it is found in). Memoized until the next write or allocation
/// change, so the use case, its slices and its spike days share one computation.
fn use_case_spikes(
    store: &Store,
    config: &Config,
    id: &str,
    month: Month,
    today: NaiveDate,
) -> anyhow::Result<Vec<Spike>> {
    let recent = sub_days(today, spikes::DEFAULT_DAYS - 1);
    let first = month.first_day().min(recent);
    if first > today {
        return Ok(Vec::new());
    }
    store.refresh_allocation(config)?;
    let key = format!("use case spikes {id} {month} {today}");
    Ok(store.memoized_on_allocation(&key, || {
        let days = (today - first).num_days() as u32 + 1;
        let in_range = |d: NaiveDate| Month::of(d) == month || d >= recent;
        let report =
            spikes::spikes_with(store, config, today, Some(id), days, &SpikeRule::default())?;
        Ok::<_, crate::store::StoreError>(
            report
                .spikes
                .into_iter()
                .filter(|s| in_range(s.day))
                .collect::<Vec<_>>(),
        )
    })?)
}

/// `month`, or the month `tollgate report` shows by default.
fn month_or_default(
    store: &Store,
    month: Option<Month>,
    today: NaiveDate,
) -> anyhow::Result<Month> {
    Ok(match month {
        Some(m) => m,
        None => report::default_month(store, today)?,
    })
}

/// The month's last day, or `today` while the month is in progress.
fn last_shown_day(month: Month, today: NaiveDate) -> NaiveDate {
    let last = sub_days(month.next().first_day(), 1);
    last.min(today)
}

fn sub_days(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(n))).unwrap_or(day)
}

//! Spikes (C9): daily allocated spend per use case, days flagged by a robust rule over the
//! trailing 28 days ([`SpikeRule`], weekly seasonality included), told apart as one-day spikes
//! or level shifts ([`events`]: a lasting step up is one event, and the days after it are
//! measured against the new level), and each explained: its change versus the baseline split
//! into volume, unit-price and mix effects ([`decompose`]), and the rows behind it.
//!
//! The baseline of a day is the mean daily cost over its trailing window, leaving out days
//! that were spikes themselves (so last week's spike does not inflate today's baseline) and,
//! after a level shift, the days before it; days without rows count as $0. The mean, not the
//! median, because it is additive: the baseline of every cell (provider x item x token type x
//! unit) is its mean over the same days, and the cells add up to the baseline, which the exact
//! decomposition needs. The rule itself uses the median and MAD, which one spike cannot move.

mod decompose;
mod events;
mod rule;

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use duckdb::params;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::config::Config;
use crate::money::{cents, serialize_opt_usd, serialize_usd};
use crate::store::queries;
use crate::store::{Store, StoreError};

pub use decompose::{decompose, Cell, Effects};
pub use events::EventKind;
pub use rule::{median, SpikeRule, WindowStats};

/// Days `tollgate spikes` looks at by default: the 30 days ending today.
pub const DEFAULT_DAYS: u32 = 30;
/// Rows shown behind each spike.
pub const TOP_ROWS: usize = 5;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpikeReport {
    pub as_of: NaiveDate,
    /// First day looked at (the last day is `as_of`).
    pub from: NaiveDate,
    pub rule: RuleSummary,
    /// Flagged days (spikes and the first days of level shifts), oldest first, then by use
    /// case.
    pub spikes: Vec<Spike>,
}

/// The rule's thresholds, as printed and in JSON.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleSummary {
    pub method: String,
    pub window_days: u32,
    pub min_history_days: u32,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub k: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub min_change_usd: Decimal,
}

/// One flagged day of one use case: a spike, or the first day of a level shift. Money is in
/// cents: `cost - baseline == change` and `volume_effect + price_effect + mix_effect == change`
/// exactly.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Spike {
    pub use_case: String,
    pub day: NaiveDate,
    /// `spike` (one day above its baseline) or `level_shift` (the first day of a new, higher
    /// level that held for the days after it; those are not flagged again).
    pub kind: EventKind,
    /// Level shifts: the new level, the median daily cost of the week from `day`.
    #[serde(serialize_with = "serialize_opt_usd")]
    pub level: Option<Decimal>,
    /// Level shifts: the new level against the window's median, in percent (one decimal).
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub level_change_pct: Option<Decimal>,
    /// The last day of the event: `day` for a spike; for a level shift the day before the next
    /// one, or the last day looked at.
    pub through: NaiveDate,
    #[serde(serialize_with = "serialize_usd")]
    pub cost: Decimal,
    /// Mean daily cost over the baseline days (see the module docs).
    #[serde(serialize_with = "serialize_usd")]
    pub baseline: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub change: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub volume_effect: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub price_effect: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub mix_effect: Decimal,
    /// (cost - reference) / robust standard deviation of the trailing window, the reference
    /// being the window's median or the median of the day's weekday when that is higher.
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub z_score: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub median: Decimal,
    /// Days the baseline averages over.
    pub baseline_days: usize,
    /// The largest changes by row group, largest first.
    pub top_rows: Vec<SpikeRow>,
}

impl Spike {
    pub fn is_level_shift(&self) -> bool {
        self.kind == EventKind::LevelShift
    }

    /// "from 23 Nov, +45%/day (to $1,234.56/day)" for a level shift.
    pub fn level_summary(&self) -> Option<String> {
        let level = self.level?;
        let pct = self
            .level_change_pct
            .map(|p| {
                let sign = if p.is_sign_negative() { "" } else { "+" };
                format!("{sign}{}%/day ", p.normalize())
            })
            .unwrap_or_default();
        Some(format!(
            "from {}, {pct}(to {}/day)",
            self.day.format("%-d %b"),
            crate::money::usd(level)
        ))
    }

    /// The effect that explains most of the change: "volume", "price" or "mix".
    pub fn main_effect(&self) -> &'static str {
        let (v, p, m) = (
            self.volume_effect.abs(),
            self.price_effect.abs(),
            self.mix_effect.abs(),
        );
        if v >= p && v >= m {
            "volume"
        } else if p >= m {
            "price"
        } else {
            "mix"
        }
    }
}

/// A row group behind a spike: the day against its baseline-day average.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpikeRow {
    /// The dependency key, `{use_case}/{provider}/{item}` (as in `tollgate deps`).
    pub key: String,
    pub provider: String,
    pub item: String,
    pub token_type: Option<String>,
    pub api_key: Option<String>,
    #[serde(serialize_with = "serialize_usd")]
    pub baseline_cost: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub day_cost: Decimal,
    #[serde(serialize_with = "serialize_usd")]
    pub change: Decimal,
    /// What the quantities count: a ConsumedUnit such as "Tokens", "requests" or "USD".
    pub unit: String,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub baseline_quantity: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub day_quantity: Decimal,
}

/// One row of `spikes_daily_cells.sql`.
#[derive(Debug, Clone)]
struct CellRow {
    day: NaiveDate,
    use_case: String,
    group: Group,
    cost: Decimal,
    quantity: Decimal,
    requests: Decimal,
    has_quantity: bool,
    has_requests: bool,
}

/// The finest grain shown: a decomposition cell plus the API key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Group {
    provider: String,
    item: String,
    token_type: String,
    unit: String,
    api_key: String,
    /// The category (`llm_api`, `embeddings_vector`...): quantities of one unit and token type
    /// are only added up within a category.
    category: String,
}

/// A decomposition cell: provider, item, token type, unit and category.
type CellKey<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

impl Group {
    fn cell(&self) -> CellKey<'_> {
        (
            &self.provider,
            &self.item,
            &self.token_type,
            &self.unit,
            &self.category,
        )
    }
}

/// The quantity a cell is measured in: its ConsumedQuantity where rows carry one, else
/// requests, else its cost (so its unit price is 1 and it only has volume and mix).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Measure {
    Consumed,
    Requests,
    Cost,
}

/// Spikes of the `DEFAULT_DAYS` days ending `today`, for every use case or one.
/// Refreshes the allocation from `config`.
pub fn spikes(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    use_case: Option<&str>,
) -> Result<SpikeReport, StoreError> {
    spikes_with(
        store,
        config,
        today,
        use_case,
        DEFAULT_DAYS,
        &SpikeRule::default(),
    )
}

/// [`spikes`] over the `days` days ending `today`, with any rule.
pub fn spikes_with(
    store: &Store,
    config: &Config,
    today: NaiveDate,
    use_case: Option<&str>,
    days: u32,
    rule: &SpikeRule,
) -> Result<SpikeReport, StoreError> {
    store.refresh_allocation(config)?;
    let from = sub_days(today, days.max(1) - 1);
    // Two windows back: the days before `from` are measured too, so that a level that began
    // before it is known and its days are not flagged.
    let load_from = sub_days(from, 2 * rule.window_days);
    let rows = load_cells(store, load_from, add_days(today, 1), use_case)?;
    let first_days = store.memoized_on_allocation("spike first days", || first_days(store))?;

    let mut by_use_case: BTreeMap<String, Vec<CellRow>> = BTreeMap::new();
    for r in rows {
        by_use_case.entry(r.use_case.clone()).or_default().push(r);
    }
    let mut spikes = Vec::new();
    for (uc, rows) in &by_use_case {
        let first = first_days.get(uc).copied().unwrap_or(load_from);
        spikes.extend(use_case_spikes(uc, rows, first, from, today, rule));
    }
    spikes.sort_by(|a, b| a.day.cmp(&b.day).then(a.use_case.cmp(&b.use_case)));
    Ok(SpikeReport {
        as_of: today,
        from,
        rule: RuleSummary {
            method: format!(
                "cost - median > {} x 1.4826 x MAD and >= ${} over the trailing {} days \
                 (at least {} days of history; the median of the day's weekday when higher); \
                 a level shift when the median of the week from the day is over the line too \
                 (later days then measured at the new level); baseline = mean of the trailing \
                 days of the level that are not spikes",
                rule.k, rule.min_change_usd, rule.window_days, rule.min_history_days
            ),
            window_days: rule.window_days,
            min_history_days: rule.min_history_days,
            k: rule.k,
            min_change_usd: rule.min_change_usd,
        },
        spikes,
    })
}

fn use_case_spikes(
    use_case: &str,
    rows: &[CellRow],
    first_day: NaiveDate,
    from: NaiveDate,
    today: NaiveDate,
    rule: &SpikeRule,
) -> Vec<Spike> {
    // Daily totals in a dense array from the first loaded day (`origin`) through `today`.
    let origin = sub_days(from, 2 * rule.window_days);
    let offset = |d: NaiveDate| (d - origin).num_days();
    let span = usize::try_from(offset(today) + 1).unwrap_or(0);
    let mut daily = vec![Decimal::ZERO; span];
    let mut by_day: HashMap<NaiveDate, Vec<&CellRow>> = HashMap::new();
    let mut measures: HashMap<CellKey<'_>, (bool, bool)> = HashMap::new();
    for r in rows {
        if let Some(cost) = usize::try_from(offset(r.day))
            .ok()
            .and_then(|i| daily.get_mut(i))
        {
            *cost += r.cost;
        }
        by_day.entry(r.day).or_default().push(r);
        let m = measures.entry(r.group.cell()).or_default();
        m.0 |= r.has_quantity;
        m.1 |= r.has_requests;
    }
    let measure = |g: &Group| match measures.get(&g.cell()) {
        Some((true, _)) => Measure::Consumed,
        Some((false, true)) => Measure::Requests,
        _ => Measure::Cost,
    };
    // History never reaches before the use case's first day.
    let first = usize::try_from(offset(first_day)).unwrap_or(0);
    let reported = usize::try_from(offset(from)).unwrap_or(0);
    let eval_from = reported.saturating_sub(rule.window_days as usize);
    let day_of = |i: usize| add_days(origin, i as u32);

    events::find(&daily, first, eval_from, rule)
        .into_iter()
        .filter(|e| e.index >= reported)
        .map(|e| {
            let baseline_days: Vec<NaiveDate> = e.baseline.iter().map(|i| day_of(*i)).collect();
            let mut spike = explain(
                use_case,
                day_of(e.index),
                &e.stats,
                &baseline_days,
                &by_day,
                &measure,
            );
            spike.kind = e.kind;
            spike.level = e.level.map(cents);
            spike.level_change_pct = e.level.filter(|_| e.stats.median > Decimal::ZERO).map(|l| {
                ((l - e.stats.median) / e.stats.median * Decimal::ONE_HUNDRED).round_dp(1)
            });
            spike.through = day_of(e.through);
            spike
        })
        .collect()
}

/// The spike on `day`: baseline, the decomposition and the top rows.
fn explain(
    use_case: &str,
    day: NaiveDate,
    stats: &WindowStats,
    baseline_days: &[NaiveDate],
    by_day: &HashMap<NaiveDate, Vec<&CellRow>>,
    measure: &dyn Fn(&Group) -> Measure,
) -> Spike {
    // Per group: (baseline cost, baseline quantity, day cost, day quantity), baseline summed.
    let mut groups: BTreeMap<Group, [Decimal; 4]> = BTreeMap::new();
    let quantity = |r: &CellRow| match measure(&r.group) {
        Measure::Consumed => r.quantity,
        Measure::Requests => r.requests,
        Measure::Cost => r.cost,
    };
    for d in baseline_days {
        for r in by_day.get(d).into_iter().flatten() {
            let g = groups.entry(r.group.clone()).or_default();
            g[0] += r.cost;
            g[1] += quantity(r);
        }
    }
    let n = Decimal::from(baseline_days.len().max(1));
    for g in groups.values_mut() {
        g[0] /= n;
        g[1] /= n;
    }
    for r in by_day.get(&day).into_iter().flatten() {
        let g = groups.entry(r.group.clone()).or_default();
        g[2] += r.cost;
        g[3] += quantity(r);
    }

    // Decomposition cells: the groups without the API key, in commensurable groups of one
    // category, unit and token type.
    let mut cells: BTreeMap<CellKey<'_>, Cell> = BTreeMap::new();
    for (g, v) in &groups {
        let c = cells.entry(g.cell()).or_insert_with(|| Cell {
            group: format!(
                "{}/{}/{}",
                g.category,
                unit_label(measure(g), &g.unit),
                g.token_type
            ),
            baseline_cost: Decimal::ZERO,
            baseline_quantity: Decimal::ZERO,
            day_cost: Decimal::ZERO,
            day_quantity: Decimal::ZERO,
        });
        c.baseline_cost += v[0];
        c.baseline_quantity += v[1];
        c.day_cost += v[2];
        c.day_quantity += v[3];
    }
    let cells: Vec<Cell> = cells.into_values().collect();
    let effects = decompose(&cells);
    let exact_cost: Decimal = cells.iter().map(|c| c.day_cost).sum();
    let exact_baseline: Decimal = cells.iter().map(|c| c.baseline_cost).sum();
    let (cost, baseline) = (cents(exact_cost), cents(exact_baseline));
    let change = cost - baseline;
    let rounded = effects.to_cents(change);

    let mut top_rows: Vec<SpikeRow> = groups
        .iter()
        .map(|(g, v)| SpikeRow {
            key: format!("{use_case}/{}/{}", g.provider, g.item),
            provider: g.provider.clone(),
            item: g.item.clone(),
            token_type: (!g.token_type.is_empty()).then(|| g.token_type.clone()),
            api_key: (!g.api_key.is_empty()).then(|| g.api_key.clone()),
            baseline_cost: v[0],
            day_cost: v[2],
            change: v[2] - v[0],
            unit: unit_label(measure(g), &g.unit),
            baseline_quantity: v[1].round_dp(2),
            day_quantity: v[3].round_dp(2),
        })
        .collect();
    top_rows.sort_by(|a, b| b.change.abs().cmp(&a.change.abs()).then(a.key.cmp(&b.key)));
    top_rows.truncate(TOP_ROWS);

    Spike {
        use_case: use_case.to_string(),
        day,
        kind: EventKind::Spike,
        level: None,
        level_change_pct: None,
        through: day,
        cost,
        baseline,
        change,
        volume_effect: rounded.volume,
        price_effect: rounded.price,
        mix_effect: rounded.mix,
        z_score: stats.z_score(exact_cost),
        median: stats.median,
        baseline_days: baseline_days.len(),
        top_rows,
    }
}

fn load_cells(
    store: &Store,
    from: NaiveDate,
    until: NaiveDate,
    use_case: Option<&str>,
) -> Result<Vec<CellRow>, StoreError> {
    let mut stmt = store.conn().prepare_cached(queries::SPIKES_DAILY_CELLS)?;
    let rows = stmt.query_map(params![from, until, use_case], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, String>(1)?,
            Group {
                provider: r.get(2)?,
                item: r.get(3)?,
                token_type: r.get(4)?,
                unit: r.get(5)?,
                api_key: r.get(6)?,
                category: r.get(12)?,
            },
            [
                r.get::<_, Decimal>(7)?,
                r.get::<_, Decimal>(8)?,
                r.get::<_, Decimal>(9)?,
            ],
            r.get::<_, bool>(10)?,
            r.get::<_, bool>(11)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (day, uc, group, [cost, quantity, requests], has_quantity, has_requests) = row?;
        if use_case.is_some_and(|u| u != uc) {
            continue;
        }
        out.push(CellRow {
            day,
            use_case: uc,
            group,
            cost,
            quantity,
            requests,
            has_quantity,
            has_requests,
        });
    }
    Ok(out)
}

fn first_days(store: &Store) -> Result<HashMap<String, NaiveDate>, StoreError> {
    let mut stmt = store.conn().prepare_cached(queries::SPIKES_FIRST_DAY)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (uc, day) = row?;
        if let Ok(d) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            out.insert(uc, d);
        }
    }
    Ok(out)
}

fn unit_label(measure: Measure, consumed_unit: &str) -> String {
    match measure {
        Measure::Consumed if consumed_unit.is_empty() => "units".to_string(),
        Measure::Consumed => consumed_unit.to_string(),
        Measure::Requests => "requests".to_string(),
        Measure::Cost => "USD".to_string(),
    }
}

fn sub_days(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_sub_days(Days::new(u64::from(n))).unwrap_or(day)
}

fn add_days(day: NaiveDate, n: u32) -> NaiveDate {
    day.checked_add_days(Days::new(u64::from(n))).unwrap_or(day)
}

//! Events in one use case's daily cost: one-day spikes and level shifts.
//!
//! Each day is measured against its trailing window ([`SpikeRule`]). A flagged day whose
//! following days stay up — the median of the week from it (at least three days, fewer at the
//! end of the data) is well above the window's median ([`SpikeRule::holds`]) — starts a level
//! shift: one event, and from then on the days before it count at the new level (scaled by
//! new level / old median), so the window adapts at once and the days of the new level are
//! not flagged again. A flagged day whose week falls back is a spike. Near the end of the data a rise
//! younger than three days is reported as a spike until it has held.

use rust_decimal::Decimal;

use super::rule::{median, SpikeRule, WindowStats};

/// Days from a flagged day whose median is its new level (a week, so weekdays and weekends
/// weigh alike).
pub const LEVEL_DAYS: usize = 7;
/// Fewest days from a flagged day (itself included) before it can be called a level shift.
pub const MIN_LEVEL_DAYS: usize = 3;

/// What a flagged day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// One day well above its baseline.
    Spike,
    /// The first day of a new, higher level that held for the days after it.
    LevelShift,
}

/// One flagged day.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Index of the day in the series.
    pub index: usize,
    pub kind: EventKind,
    /// The window the day was measured against.
    pub stats: WindowStats,
    /// The days whose mean is its baseline: the window's days that were not spikes, within
    /// the level in force (the whole window for the first day of a level).
    pub baseline: Vec<usize>,
    /// Level shifts: the new level (median daily cost of the week from `index`).
    pub level: Option<Decimal>,
    /// The last day of the event: the day of a spike; for a level shift the day before the
    /// next one, or the series' last day.
    pub through: usize,
}

/// Events of `daily` (consecutive days; none before `first`, the use case's first day),
/// measuring the days from `eval_from` on. Days evaluated before those the caller reports let
/// a level that began earlier be known.
pub fn find(daily: &[Decimal], first: usize, eval_from: usize, rule: &SpikeRule) -> Vec<Event> {
    let window = rule.window_days as usize;
    let last = daily.len().saturating_sub(1);
    let mut adapted = daily.to_vec();
    let mut spike_days = vec![false; daily.len()];
    let mut level_from = first;
    let mut events: Vec<Event> = Vec::new();
    for k in eval_from.max(first)..daily.len() {
        let lo = k.saturating_sub(window).max(first);
        let Some(stats) = adapted.get(lo..k).and_then(|h| rule.stats(h)) else {
            continue;
        };
        if !rule.flags(&stats, daily[k]) {
            continue;
        }
        let from = if level_from.max(lo) < k {
            level_from.max(lo)
        } else {
            lo
        };
        let baseline = (from..k).filter(|i| !spike_days[*i]).collect();
        let week = &daily[k..(k + LEVEL_DAYS).min(daily.len())];
        let level = (week.len() >= MIN_LEVEL_DAYS)
            .then(|| median(week.to_vec()))
            .filter(|l| rule.holds(&stats, *l));
        if let Some(level) = level {
            rescale(&mut adapted[..k], stats.median, level);
            level_from = k;
            if let Some(prev) = events
                .iter_mut()
                .rev()
                .find(|e| e.kind == EventKind::LevelShift)
            {
                prev.through = prev.through.min(k - 1);
            }
        } else {
            spike_days[k] = true;
        }
        events.push(Event {
            index: k,
            kind: if level.is_some() {
                EventKind::LevelShift
            } else {
                EventKind::Spike
            },
            stats,
            baseline,
            level,
            through: if level.is_some() { last } else { k },
        });
    }
    events
}

/// The days before a level shift as they would be at the new level.
fn rescale(days: &mut [Decimal], old: Decimal, new: Decimal) {
    if old > Decimal::ZERO {
        let ratio = new / old;
        days.iter_mut().for_each(|d| *d *= ratio);
    } else {
        days.iter_mut().for_each(|d| *d = new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(f: impl Fn(usize) -> i64) -> Vec<Decimal> {
        (0..60).map(|i| Decimal::from(f(i))).collect()
    }

    fn kinds(daily: &[Decimal]) -> Vec<(usize, EventKind)> {
        find(daily, 0, 0, &SpikeRule::default())
            .iter()
            .map(|e| (e.index, e.kind))
            .collect()
    }

    #[test]
    fn a_spike_a_step_and_a_rise_too_young_to_call() {
        use EventKind::*;
        assert_eq!(
            kinds(&series(|i| if i == 40 { 400 } else { 100 })),
            [(40, Spike)]
        );
        assert_eq!(
            kinds(&series(|i| if i >= 40 { 150 } else { 100 })),
            [(40, LevelShift)]
        );
        // Two days of a new level at the end of the data: spikes until it has held three days.
        assert_eq!(
            kinds(&series(|i| if i >= 58 { 150 } else { 100 })),
            [(58, Spike), (59, Spike)]
        );
    }

    #[test]
    fn a_second_step_closes_the_first() {
        let daily = series(|i| match i {
            i if i >= 50 => 300,
            i if i >= 30 => 200,
            _ => 100,
        });
        let e = find(&daily, 0, 0, &SpikeRule::default());
        let got: Vec<(usize, usize, Option<Decimal>)> =
            e.iter().map(|e| (e.index, e.through, e.level)).collect();
        assert_eq!(
            got,
            [
                (30, 49, Some(Decimal::from(200))),
                (50, 59, Some(Decimal::from(300)))
            ]
        );
        // The second step's baseline is the first step's level, its days only.
        assert_eq!(e[1].baseline, (30..50).collect::<Vec<_>>());
    }
}

//! The robust spike rule: a day is a spike when its cost is far above the median of the
//! trailing window, measured in MADs (the modified z-score of Iglewicz and Hoaglin), and the
//! jump is worth money. Weekly seasonality: a day is also measured against the median of the
//! same weekday in the window, and the higher of the two medians is its reference, so a busy
//! weekend (or a busy Monday) is not a spike every week.

use rust_decimal::Decimal;

/// Thresholds of the rule. [`SpikeRule::default`] is what `tollgate spikes` and the cockpit use.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeRule {
    /// Days before the day that form its history (the day itself excluded).
    pub window_days: u32,
    /// Fewest days of history (since the use case's first row) before a day can be flagged.
    pub min_history_days: u32,
    /// How many robust standard deviations above the median flags a day.
    pub k: Decimal,
    /// Smallest jump above the median, in USD, worth flagging.
    pub min_change_usd: Decimal,
    /// Floor of the robust standard deviation as a fraction of the median, so a perfectly
    /// flat history (MAD = 0) still gives a finite z-score.
    pub sigma_floor_fraction: Decimal,
}

impl Default for SpikeRule {
    /// 28 days of history (four whole weeks, so weekdays and weekends weigh as they do in a
    /// month), at least 14 of them, k = 3.5 (the usual cut-off of the modified z-score), a $25
    /// floor, and a robust standard deviation of at least 2% of the median.
    fn default() -> Self {
        SpikeRule {
            window_days: 28,
            min_history_days: 14,
            k: Decimal::new(35, 1),
            min_change_usd: Decimal::from(25),
            sigma_floor_fraction: Decimal::new(2, 2),
        }
    }
}

/// 1 / Phi^-1(3/4): scales the MAD to a standard deviation for normal data.
const MAD_SCALE: Decimal = Decimal::from_parts(14826, 0, 0, false, 4);

/// Same-weekday days needed in the window before their median counts (two weeks: what the
/// shortest history allowed has).
const MIN_SAME_WEEKDAY: usize = 2;

/// Median and robust standard deviation of a window of daily costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowStats {
    pub median: Decimal,
    /// max(1.4826 x MAD, sigma_floor_fraction x |median|, $0.01).
    pub sigma: Decimal,
    /// The median of the days of the window on the evaluated day's weekday (every 7th day
    /// back), when the window has at least two of them.
    pub weekday_median: Option<Decimal>,
}

impl SpikeRule {
    /// The stats of `history` (consecutive days, oldest first, ending the day before the one
    /// evaluated), or None with fewer than `min_history_days` days.
    pub fn stats(&self, history: &[Decimal]) -> Option<WindowStats> {
        if history.is_empty() || history.len() < self.min_history_days as usize {
            return None;
        }
        let m = median(history.to_vec());
        let mad = median(history.iter().map(|x| (*x - m).abs()).collect());
        let sigma = (MAD_SCALE * mad)
            .max(self.sigma_floor_fraction * m.abs())
            .max(Decimal::new(1, 2));
        let same_weekday: Vec<Decimal> = history.iter().rev().skip(6).step_by(7).copied().collect();
        let weekday_median = (same_weekday.len() >= MIN_SAME_WEEKDAY).then(|| median(same_weekday));
        Some(WindowStats {
            median: m,
            sigma,
            weekday_median,
        })
    }

    /// Whether `cost` is a spike against `stats` (above its reference, see
    /// [`WindowStats::reference`]).
    pub fn flags(&self, stats: &WindowStats, cost: Decimal) -> bool {
        self.above(stats.reference(), stats.sigma, cost)
    }

    /// Whether `cost` is far enough above `reference`, in units of `sigma` and in dollars.
    fn above(&self, reference: Decimal, sigma: Decimal, cost: Decimal) -> bool {
        let jump = cost - reference;
        jump > self.k * sigma && jump >= self.min_change_usd
    }

    /// Whether the days after a flagged day held the rise: their median `level` is above the
    /// window's median by half the spike threshold (in sigmas and in dollars). A spike's
    /// following days sit around the old median; a lasting step keeps them near its own height.
    pub fn holds(&self, stats: &WindowStats, level: Decimal) -> bool {
        let jump = level - stats.median;
        let half = Decimal::TWO;
        jump > self.k / half * stats.sigma && jump >= self.min_change_usd / half
    }
}

impl WindowStats {
    /// What a day is measured against: the window's median, or the median of its weekday when
    /// that is higher.
    pub fn reference(&self) -> Decimal {
        self.weekday_median
            .map_or(self.median, |w| w.max(self.median))
    }

    /// (cost - reference) / sigma, to two decimals.
    pub fn z_score(&self, cost: Decimal) -> Decimal {
        ((cost - self.reference()) / self.sigma).round_dp(2)
    }
}

/// The median; the mean of the two middle values for an even count.
pub fn median(values: Vec<Decimal>) -> Decimal {
    if values.is_empty() {
        return Decimal::ZERO;
    }
    // Selection, not a full sort: the spike rule takes two medians per day and use case. The
    // values are compared as integers at one common scale (exact, and much cheaper than
    // Decimal's own comparison, which aligns scales pair by pair); the values themselves are
    // returned untouched.
    let scale = values.iter().map(Decimal::scale).max().unwrap_or(0);
    let keyed: Option<Vec<(i128, Decimal)>> = values
        .iter()
        .map(|v| {
            let mut k = *v;
            k.rescale(scale);
            (k.scale() == scale).then(|| (k.mantissa(), *v))
        })
        .collect();
    match keyed {
        Some(mut keyed) => middle(&mut keyed, |a, b| a.0.cmp(&b.0), |k| k.1),
        // A value that cannot take the common scale: compare as Decimals.
        None => middle(&mut values.clone(), Decimal::cmp, |v| *v),
    }
}

/// The median of `items` by `cmp`, read through `value`.
fn middle<T>(
    items: &mut [T],
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Copy,
    value: impl Fn(&T) -> Decimal,
) -> Decimal {
    let n = items.len();
    let (below, mid, _) = items.select_nth_unstable_by(n / 2, cmp);
    let upper = value(mid);
    if n % 2 == 1 {
        return upper;
    }
    let lower = below
        .iter()
        .max_by(|a, b| cmp(a, b))
        .map(&value)
        .unwrap_or(upper);
    (lower + upper) / Decimal::TWO
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: i64) -> Decimal {
        Decimal::from(v)
    }

    #[test]
    fn medians_compare_values_across_scales_and_signs() {
        let d = |s: &str| s.parse::<Decimal>().expect("decimal");
        assert_eq!(
            median(vec![d("1.50"), d("-2"), d("3.125"), d("0")]),
            d("0.75")
        );
        assert_eq!(median(vec![d("0.1"), d("0.05"), d("0.100")]), d("0.1"));
        assert_eq!(median(vec![d("-0.5"), d("-0.25"), d("-1")]), d("-0.5"));
        // The value comes back as it was written, not at the common scale.
        assert_eq!(
            median(vec![d("0"), d("0"), d("1.000000000000000")]).scale(),
            0
        );
    }

    #[test]
    fn medians_and_thresholds() {
        assert_eq!(median(vec![d(3), d(1), d(2)]), d(2));
        assert_eq!(median(vec![d(4), d(1), d(2), d(3)]), Decimal::new(25, 1));
        let rule = SpikeRule::default();
        assert_eq!(rule.stats(&vec![d(100); 13]), None);
        let flat = rule.stats(&vec![d(100); 28]).expect("stats");
        // MAD 0: sigma is 2% of the median, so the threshold is 100 + 3.5 x 2 = 107, and the
        // $25 floor wins.
        assert_eq!(flat.sigma, d(2));
        assert!(!rule.flags(&flat, d(124)));
        assert!(rule.flags(&flat, d(125)));
        assert_eq!(flat.z_score(d(125)), Decimal::new(1250, 2));
    }

    #[test]
    fn a_busy_weekday_is_measured_against_its_own_weekday() {
        // Four weeks: 100 a day, 200 every 7th day (the weekday evaluated next).
        let history: Vec<Decimal> = (0..28)
            .map(|i| d(if i % 7 == 0 { 200 } else { 100 }))
            .collect();
        let rule = SpikeRule::default();
        let s = rule.stats(&history).expect("stats");
        assert_eq!((s.median, s.weekday_median), (d(100), Some(d(200))));
        assert!(!rule.flags(&s, d(200)));
        assert!(rule.flags(&s, d(260)));
        // On the other weekdays the window's median stays the reference.
        let history: Vec<Decimal> = (0..28)
            .map(|i| d(if i % 7 == 3 { 200 } else { 100 }))
            .collect();
        let s = rule.stats(&history).expect("stats");
        assert_eq!(s.reference(), d(100));
        assert!(rule.flags(&s, d(200)));
    }
}

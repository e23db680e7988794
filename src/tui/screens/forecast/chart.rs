//! The forecast chart, drawn cell by cell so every series has its own character and the chart
//! reads the same without colour: history as a solid area (`█`), the forecast median as dots
//! (`•`), the p10–p90 band shaded (`░`) between its two boundaries (`·`), each target as a
//! dashed line (`┄`) labelled with its amount, and the first forecast month marked (`┆`).
//! The y axis has dollar ticks at round steps and reaches what the reader needs: the history,
//! the targets and the median through the horizon. The band's upper edge can run far above
//! those (a year out, p90 is often twice the median); where it leaves the chart it is clipped
//! and its top row marked (`↑`) instead of squashing everything else into the bottom rows.
//! The x axis has month labels.
//!
//! Heights are drawing only: values come in as f64 from the engine's exact cents.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use rust_decimal::prelude::*;

use crate::money::usd_short;
use crate::month::Month;
use crate::tui::theme::Theme;

pub const ACTUAL: char = '█';
pub const MEDIAN: char = '•';
pub const BAND: char = '░';
pub const BAND_EDGE: char = '·';
pub const TARGET: char = '┄';
pub const NOW: char = '┆';
/// The band's top row where p90 is above the chart.
pub const CLIPPED: char = '↑';

/// What the chart plots.
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub history: Vec<(Month, f64)>,
    /// (month, p10, p50, p90).
    pub forecast: Vec<(Month, f64, f64, f64)>,
    pub targets: Vec<f64>,
}

impl Series {
    fn months(&self) -> Vec<Month> {
        self.history
            .iter()
            .map(|h| h.0)
            .chain(self.forecast.iter().map(|f| f.0))
            .collect()
    }

    /// The largest value the y axis must reach: history, median and targets (not the p90).
    fn max(&self) -> f64 {
        self.history
            .iter()
            .map(|h| h.1)
            .chain(self.forecast.iter().map(|f| f.2))
            .chain(self.targets.iter().copied())
            .fold(0.0, f64::max)
    }

    /// (p10, p50, p90) at fractional point index `t` (history points count as a zero-width
    /// band, so the forecast starts where the history ends).
    fn at(&self, t: f64) -> (f64, f64, f64) {
        let point = |i: usize| -> (f64, f64, f64) {
            match self.history.get(i) {
                Some(h) => (h.1, h.1, h.1),
                None => self
                    .forecast
                    .get(i - self.history.len())
                    .map_or((0.0, 0.0, 0.0), |f| (f.1, f.2, f.3)),
            }
        };
        let i = t.floor() as usize;
        let frac = t - t.floor();
        let (a, b) = (point(i), point(i + 1));
        if frac == 0.0 || i + 1 >= self.history.len() + self.forecast.len() {
            return a;
        }
        let mix = |x: f64, y: f64| x + (y - x) * frac;
        (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }
}

/// A round step (1, 2 or 5 times a power of ten) giving at most `ticks` steps up to `max`.
pub fn nice_step(max: f64, ticks: u32) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / f64::from(ticks.max(1));
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

fn dollars(v: f64) -> String {
    usd_short(Decimal::from_f64(v).unwrap_or_default())
}

struct Styles {
    actual: Style,
    median: Style,
    band: Style,
    target: Style,
    axis: Style,
    label: Style,
}

/// Draws `series` into `area` (no border; the caller's panel has one). Returns whether the
/// band was clipped at the top (for the legend).
pub fn render(series: &Series, theme: &Theme, area: Rect, buf: &mut Buffer) -> bool {
    let styles = Styles {
        actual: theme.sparkline(),
        median: theme.accent(),
        band: theme.forecast_band(),
        target: theme.budget_warn(),
        axis: theme.border(),
        label: theme.muted(),
    };
    let months = series.months();
    // Rows: the plot, the x axis, the month labels.
    let plot_h = area.height.saturating_sub(2);
    if months.len() < 2 || plot_h < 3 || area.width < 20 {
        buf.set_string(area.x, area.y, "too little to chart", styles.label);
        return false;
    }
    let step = nice_step(series.max(), u32::from(plot_h / 3).clamp(2, 8));
    let top = (series.max() / step).ceil().max(1.0) * step;
    let ticks: Vec<f64> = (0..=((top / step).round() as u32))
        .map(|i| f64::from(i) * step)
        .collect();
    let label_w = ticks.iter().map(|t| dollars(*t).len()).max().unwrap_or(1) as u16;
    let axis_x = area.x + label_w + 1;
    let plot = Rect {
        x: axis_x + 1,
        y: area.y,
        width: area.right().saturating_sub(axis_x + 1),
        height: plot_h,
    };
    let row_of = |v: f64| -> u16 {
        let level = (v.max(0.0) / top * f64::from(plot_h - 1)).round() as u16;
        plot.bottom() - 1 - level.min(plot_h - 1)
    };
    let last_point = (months.len() - 1) as f64;
    let t_of = |col: u16| -> f64 {
        f64::from(col - plot.x) * last_point / f64::from(plot.width.max(2) - 1)
    };
    let col_of = |i: usize| -> u16 {
        plot.x + (i as f64 * f64::from(plot.width.max(2) - 1) / last_point).round() as u16
    };
    let history_end = series.history.len().saturating_sub(1) as f64;
    let now_col = (!series.history.is_empty() && !series.forecast.is_empty())
        .then(|| col_of(series.history.len()));

    // Axes and ticks.
    for y in plot.y..plot.bottom() {
        buf.set_string(axis_x, y, "│", styles.axis);
    }
    for t in &ticks {
        let y = row_of(*t);
        let text = dollars(*t);
        buf.set_string(area.x + label_w - text.len() as u16, y, &text, styles.label);
        buf.set_string(axis_x, y, "┤", styles.axis);
    }
    buf.set_string(axis_x, plot.bottom(), "└", styles.axis);
    for x in plot.x..plot.right() {
        buf.set_string(x, plot.bottom(), "─", styles.axis);
    }

    // Series, column by column.
    let mut clipped = false;
    for x in plot.x..plot.right() {
        let t = t_of(x);
        let (p10, p50, p90) = series.at(t);
        if t <= history_end || series.forecast.is_empty() {
            for y in row_of(p50)..plot.bottom() {
                set(buf, x, y, ACTUAL, styles.actual);
            }
        } else {
            let (hi, lo) = (row_of(p90), row_of(p10));
            let over = p90 > top;
            clipped |= over;
            for y in hi..=lo {
                let c = match y {
                    y if y == hi && over => CLIPPED,
                    y if y == hi || y == lo => BAND_EDGE,
                    _ => BAND,
                };
                set(buf, x, y, c, styles.band);
            }
        }
    }
    if let Some(x) = now_col {
        for y in plot.y..plot.bottom() {
            if cell_is(buf, x, y, ' ') {
                set(buf, x, y, NOW, styles.label);
            }
        }
    }
    for target in &series.targets {
        let y = row_of(*target);
        for x in plot.x..plot.right() {
            if cell_is(buf, x, y, ' ') || cell_is(buf, x, y, BAND) || cell_is(buf, x, y, NOW) {
                set(buf, x, y, TARGET, styles.target);
            }
        }
    }
    // The median last, so it stays visible over the band and the target lines.
    for x in plot.x..plot.right() {
        let t = t_of(x);
        if t > history_end && !series.forecast.is_empty() {
            let (_, p50, _) = series.at(t);
            set(buf, x, row_of(p50), MEDIAN, styles.median);
        }
    }
    // Target labels at the left, where the history is low, over everything else.
    for target in &series.targets {
        let label = format!(" {} target ", dollars(*target));
        if plot.width > label.chars().count() as u16 + 1 {
            buf.set_string(plot.x + 1, row_of(*target), &label, styles.target);
        }
    }

    // Month labels: as many as fit with a space between them.
    let per_month = f64::from(plot.width) / months.len() as f64;
    let every = ((7.0 / per_month).ceil() as usize).max(1);
    let label_y = plot.bottom() + 1;
    let mut free_from = area.x;
    for (i, m) in months.iter().enumerate() {
        let x = col_of(i);
        let jan = m.month == 1;
        if (i % every != 0 && !(jan && every < 12)) || x < free_from {
            continue;
        }
        let text = m.first_day().format("%b %y").to_string();
        if x + text.len() as u16 > area.right() {
            continue;
        }
        buf.set_string(x, label_y, &text, styles.label);
        free_from = x + text.len() as u16 + 1;
    }
    clipped
}

fn set(buf: &mut Buffer, x: u16, y: u16, c: char, style: Style) {
    if let Some(cell) = buf.cell_mut((x, y)) {
        cell.set_char(c).set_style(style);
    }
}

fn cell_is(buf: &Buffer, x: u16, y: u16, c: char) -> bool {
    buf.cell((x, y))
        .is_some_and(|cell| cell.symbol().chars().eq(std::iter::once(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(80_000.0, 4), 20_000.0);
        assert_eq!(nice_step(95_000.0, 4), 50_000.0);
        assert_eq!(nice_step(30_000.0, 5), 10_000.0);
        assert_eq!(nice_step(0.0, 4), 1.0);
    }

    #[test]
    fn every_series_has_its_own_character() {
        let m = |s: &str| s.parse::<Month>().expect("month");
        let series = Series {
            history: vec![(m("2026-01"), 10.0), (m("2026-02"), 20.0)],
            forecast: vec![
                (m("2026-03"), 20.0, 30.0, 40.0),
                (m("2026-04"), 25.0, 40.0, 60.0),
            ],
            targets: vec![50.0],
        };
        let area = Rect::new(0, 0, 40, 14);
        let mut buf = Buffer::empty(area);
        render(&series, &Theme::no_color(), area, &mut buf);
        let text: String = buf.content().iter().map(|c| c.symbol()).collect();
        for c in [ACTUAL, MEDIAN, BAND, BAND_EDGE, TARGET, NOW] {
            assert!(text.contains(c), "no {c} in\n{text}");
        }
        assert!(text.contains("$50 target"), "{text}");
        assert!(text.contains("Jan 26"), "{text}");
    }

    #[test]
    fn the_axis_ends_at_the_median_and_the_band_above_it_is_marked() {
        let m = |s: &str| s.parse::<Month>().expect("month");
        let series = Series {
            history: vec![(m("2026-01"), 10.0), (m("2026-02"), 20.0)],
            forecast: vec![
                (m("2026-03"), 20.0, 30.0, 60.0),
                (m("2026-04"), 25.0, 40.0, 200.0),
            ],
            targets: vec![30.0],
        };
        let area = Rect::new(0, 0, 40, 14);
        let mut buf = Buffer::empty(area);
        assert!(render(&series, &Theme::no_color(), area, &mut buf));
        let text: String = buf.content().iter().map(|c| c.symbol()).collect();
        // Ticks up to $40 (the median's peak), not $200 (the p90's).
        assert!(text.contains("$40"), "{text}");
        assert!(!text.contains("$200") && !text.contains("$100"), "{text}");
        let top_row: String = (0..area.width)
            .map(|x| buf[(x, 0)].symbol().to_string())
            .collect();
        assert!(top_row.contains(CLIPPED), "{top_row}");
        // Nothing clipped when the band fits.
        let fits = Series {
            forecast: vec![(m("2026-03"), 20.0, 25.0, 28.0)],
            ..series
        };
        let mut buf = Buffer::empty(area);
        assert!(!render(&fits, &Theme::no_color(), area, &mut buf));
    }
}

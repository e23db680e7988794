//! Draws the Forecast tab from `&App`; never queries. The chart (history, median, p10–p90
//! band, targets) beside the months ahead with their p10/p50/p90, over a panel with each
//! target's crossing month and probability by year end, the back-test error, the method and
//! the what-ifs applied — or, after Enter, the selected month in detail.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap};
use rust_decimal::prelude::*;

use super::chart::{self, Series, ACTUAL, BAND, CLIPPED, MEDIAN, NOW, TARGET};
use super::data::Data;
use crate::fmt::probability;
use crate::forecast::{model, MonthBand};
use crate::money::{usd, usd_short};
use crate::month::Month;
use crate::tui::app::App;
use crate::tui::widgets::panel;
use crate::tui::widgets::ready_or_status;

/// Columns from which the months table shows full dollar amounts instead of `$20.1K`.
const WIDE: u16 = 110;
/// The screen row of the table's first month: header and tab bar, the border, the heading.
const FIRST_ROW: u16 = 2 + 1 + 1;

/// The chart, the months table and the info panel within the body (`detail`: the month
/// whose detail the info panel shows).
pub fn layout(area: Rect, data: &Data, detail: Option<&MonthBand>) -> [Rect; 3] {
    let [top, info] = Layout::vertical([
        Constraint::Min(8),
        Constraint::Length(info_height(data, detail, area.width)),
    ])
    .areas(area);
    let table_width = if area.width >= WIDE { 51 } else { 39 };
    let [chart, table] =
        Layout::horizontal([Constraint::Min(30), Constraint::Length(table_width)]).areas(top);
    [chart, table, info]
}

/// The month index under screen row `y`, with `selected` kept in view as the table does.
pub fn row_at(
    y: u16,
    selected: usize,
    ctx_rows: u16,
    data: &Data,
    detail: Option<&MonthBand>,
    len: usize,
) -> Option<usize> {
    let body = Rect::new(0, 0, 200, ctx_rows + 3);
    let shown = usize::from(
        layout(body, data, detail)[1]
            .height
            .saturating_sub(3)
            .max(1),
    );
    let offset = (selected + 1).saturating_sub(shown);
    let line = usize::from(y.checked_sub(FIRST_ROW)?);
    let i = offset + line;
    (line < shown && i < len).then_some(i)
}

/// The text a filter matches against: the month and its three amounts.
pub fn row_text(b: &MonthBand) -> String {
    format!(
        "{} {} {} {} {}",
        b.month,
        b.month.short_name(),
        usd(b.p10),
        usd(b.p50),
        usd(b.p90)
    )
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let state = &app.forecast;
    let Some(data) = ready_or_status(
        &state.data,
        "Forecast",
        "Computing the forecast…",
        theme,
        area,
        buf,
    ) else {
        return;
    };
    let f = &data.detailed.forecast;
    if f.forecast.is_empty() {
        Paragraph::new(Line::styled(
            "no complete month of spend in the ledger yet; sync or import first",
            theme.muted(),
        ))
        .block(panel("Forecast", theme))
        .render(area, buf);
        return;
    }
    let detail = state.detail_month();
    let [chart_area, table_area, info_area] = layout(area, data, detail);

    // The what-ifs in full are the info panel's title and lines.
    let mut title = "Forecast".to_string();
    if !data.labels.is_empty() {
        title.push_str(" · with the what-if below");
    }
    if state.recomputing {
        title.push_str(" · recomputing…");
    }
    let block = panel(title, theme);
    let inner = block.inner(chart_area);
    block.render(chart_area, buf);
    let [plot, legend] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let clipped = chart::render(&series(data), theme, plot, buf);
    let now = format!("{NOW} {}", f.forecast[0].month.short_name());
    let mut keys = vec![
        format!("{ACTUAL} actual"),
        format!("{MEDIAN} p50"),
        format!("{BAND} p10–p90"),
    ];
    if clipped {
        keys.push(format!("{CLIPPED} p90 above"));
    }
    keys.extend([format!("{TARGET} target"), now]);
    let mut text = keys.join("  ");
    if text.chars().count() > usize::from(legend.width) {
        text = keys.join(" ");
    }
    Paragraph::new(Line::styled(text, theme.muted())).render(legend, buf);

    render_table(app, data, table_area, buf);
    render_info(app, data, detail, info_area, buf);
}

fn series(data: &Data) -> Series {
    let f = &data.detailed.forecast;
    let n = |d: Decimal| d.to_f64().unwrap_or(0.0);
    Series {
        history: f.history.iter().map(|h| (h.month, n(h.cost))).collect(),
        forecast: f
            .forecast
            .iter()
            .map(|b| (b.month, n(b.p10), n(b.p50), n(b.p90)))
            .collect(),
        targets: f.targets.iter().map(|t| n(t.usd)).collect(),
    }
}

fn render_table(app: &App, data: &Data, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let state = &app.forecast;
    let wide = area.width >= 51;
    let money = |d: Decimal| if wide { usd(d) } else { usd_short(d) };
    let amount_w = if wide { 12 } else { 8 };
    let current = data.detailed.forecast.forecast.first().map(|b| b.month);
    let visible = state.visible();
    let rows: Vec<Row> = visible
        .iter()
        .map(|b| {
            let mark = if Some(b.month) == current { "*" } else { "" };
            Row::new(vec![
                Cell::from(format!("{}{mark}", b.month)),
                Cell::from(Line::styled(money(b.p10), theme.muted()).right_aligned()),
                Cell::from(Line::from(money(b.p50)).right_aligned()),
                Cell::from(Line::styled(money(b.p90), theme.muted()).right_aligned()),
            ])
            .style(theme.text())
        })
        .collect();
    let mut title = "Months ahead (* in progress)".to_string();
    if state.filter.is_active() {
        title = format!("Months · filter: {}", state.filter.text);
    }
    let header = Row::new(vec![
        Cell::from("month"),
        Cell::from(Line::from("p10").right_aligned()),
        Cell::from(Line::from("p50").right_aligned()),
        Cell::from(Line::from("p90").right_aligned()),
    ])
    .style(theme.muted());
    let table = Table::new(
        rows,
        [
            Constraint::Length(8),
            Constraint::Length(amount_w),
            Constraint::Length(amount_w),
            Constraint::Length(amount_w),
        ],
    )
    .header(header)
    .block(panel(title, theme))
    .row_highlight_style(theme.selection())
    .highlight_symbol("▶ ");
    let mut table_state =
        TableState::default().with_selected((!visible.is_empty()).then_some(state.selected));
    StatefulWidget::render(table, area, buf, &mut table_state);
}

/// How an info line is styled.
#[derive(Clone, Copy)]
enum Tone {
    Text,
    Warn,
    Ok,
    Accent,
}

/// The info panel's lines, `(label, text, tone)`, shorter when `wide` is false.
fn info_lines(data: &Data, wide: bool) -> Vec<(&'static str, String, Tone)> {
    let d = &data.detailed;
    let f = &d.forecast;
    let pct = |g: f64| format!("{:+.1}%", g * 100.0);
    let mut method = f.method.clone();
    if f.method == model::LOG_LINEAR {
        match (d.fitted_growth, d.growth) {
            (Some(fitted), Some(used)) if (used - fitted).abs() > 1e-12 => {
                method.push_str(&format!(
                    ", growth {}/month (fitted {} on {} months)",
                    pct(used),
                    pct(fitted),
                    d.fit_months
                ))
            }
            (Some(fitted), _) => method.push_str(&format!(
                ", growth {}/month fitted on {} months",
                pct(fitted),
                d.fit_months
            )),
            _ => {}
        }
    } else {
        method.push_str(" (too little history for a trend; no band)");
    }
    match (f.backtest_mape, wide) {
        (Some(m), true) => method.push_str(&format!(
            " · back-test MAPE {:.1}% ({} months)",
            m * 100.0,
            d.backtest_months
        )),
        (Some(m), false) => method.push_str(&format!(" · MAPE {:.1}%", m * 100.0)),
        (None, _) => method.push_str(" · back-test needs 7 complete months"),
    }
    let mut lines = vec![("method", method, Tone::Text)];
    let december = Month {
        year: f.forecast.first().map_or(0, |b| b.month.year),
        month: 12,
    };
    for t in &f.targets {
        let (when, tone) = match t.month_p50 {
            Some(m) => (format!("p50 crosses in {m}"), Tone::Warn),
            None => ("p50 not within 12 months".to_string(), Tone::Ok),
        };
        let odds = if wide {
            format!("P({} > target)", december.short_name())
        } else {
            format!("P({} > target)", december.first_day().format("%b"))
        };
        lines.push((
            "target",
            format!(
                "{:>11}/month  {when:<24} {odds} {}",
                usd(t.usd),
                probability(t.probability_by_year_end)
            ),
            tone,
        ));
    }
    for a in &f.scenarios_applied {
        lines.push(("what-if", a.clone(), Tone::Accent));
    }
    // Toggles that could not apply say why.
    for u in &data.unavailable {
        lines.push(("what-if", u.clone(), Tone::Warn));
    }
    lines
}

/// The info panel's lines for `month` in detail: its band, its change over the last complete
/// month, where it stands against each target, and the what-ifs applied.
fn detail_lines(data: &Data, month: &MonthBand) -> Vec<(&'static str, String, Tone)> {
    let f = &data.detailed.forecast;
    let mut lines = vec![(
        "month",
        format!(
            "{} · p50 {} · 80% between {} and {}",
            month.month,
            usd(month.p50),
            usd(month.p10),
            usd(month.p90)
        ),
        Tone::Text,
    )];
    if let Some(last) = f.history.last().filter(|h| !h.cost.is_zero()) {
        let pct = |v: Decimal| ((v - last.cost) / last.cost * Decimal::ONE_HUNDRED).round_dp(1);
        let signed = |p: Decimal| {
            if p.is_sign_negative() {
                format!("{p}%")
            } else {
                format!("+{p}%")
            }
        };
        lines.push((
            "change",
            format!(
                "vs {} ({}): {} at p50 ({} to {})",
                last.month,
                usd(last.cost),
                signed(pct(month.p50)),
                signed(pct(month.p10)),
                signed(pct(month.p90))
            ),
            Tone::Text,
        ));
    }
    for t in &f.targets {
        let target = format!("{}/month", usd(t.usd));
        let (text, tone) = if month.p10 > t.usd {
            (format!("{target}: over it even at p10"), Tone::Warn)
        } else if month.p50 > t.usd {
            (format!("{target}: over it at p50 (not at p10)"), Tone::Warn)
        } else if month.p90 > t.usd {
            (
                format!("{target}: under it at p50, over it at p90"),
                Tone::Text,
            )
        } else {
            (format!("{target}: under it even at p90"), Tone::Ok)
        };
        lines.push(("target", text, tone));
    }
    for a in &f.scenarios_applied {
        lines.push(("what-if", a.clone(), Tone::Accent));
    }
    lines
}

const LABEL_WIDTH: usize = 9;

/// The info panel's lines: the targets and method, or a month in detail.
fn panel_lines(
    data: &Data,
    detail: Option<&MonthBand>,
    wide: bool,
) -> Vec<(&'static str, String, Tone)> {
    match detail {
        Some(month) => detail_lines(data, month),
        None => info_lines(data, wide),
    }
}

/// Rows the info panel needs at `width` (borders included), its lines wrapped.
fn info_height(data: &Data, detail: Option<&MonthBand>, width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = panel_lines(data, detail, width >= WIDE)
        .iter()
        .map(|(_, text, _)| (LABEL_WIDTH + text.chars().count()).div_ceil(inner))
        .sum();
    rows as u16 + 2
}

fn render_info(app: &App, data: &Data, detail: Option<&MonthBand>, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let lines: Vec<Line> = panel_lines(data, detail, area.width >= WIDE)
        .into_iter()
        .map(|(label, text, tone)| {
            let style = match tone {
                Tone::Text => theme.text(),
                Tone::Warn => theme.budget_warn(),
                Tone::Ok => theme.budget_ok(),
                Tone::Accent => theme.accent(),
            };
            Line::from(vec![
                Span::styled(format!("{label:<LABEL_WIDTH$}"), theme.muted()),
                Span::styled(text, style),
            ])
        })
        .collect();
    let title = match (detail, data.labels.is_empty()) {
        (Some(m), _) => format!("{} in detail · Esc closes", m.month),
        (None, true) => "Targets · method".to_string(),
        (None, false) => format!("what-if: {}", data.labels.join(" + ")),
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(panel(title, theme))
        .render(area, buf);
}

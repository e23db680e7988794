//! Overview tab: the month so far against the budget line, where the money goes, and the
//! latest complete month by use case with its cost-per-outcome metrics.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Cell, Paragraph, Row, Sparkline, StatefulWidget, Table, TableState, Widget,
};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::config::Category;
use crate::money::{usd, usd_short};
use crate::overview::{change_pct, Overview};
use crate::tui::theme::Theme;
use crate::tui::widgets::{self, fit, panel};
use crate::tui::App;

/// Columns from which panels show full dollar amounts instead of `$20.1K`.
const WIDE: u16 = 50;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(overview) = widgets::ready_or_status(
        &app.overview,
        "Overview",
        "Loading the overview…",
        theme,
        area,
        buf,
    ) else {
        return;
    };

    // One more line for a failed reload's message.
    let budget_height = if app.last_error.is_some() { 7 } else { 6 };
    let [budget, rest] =
        Layout::vertical([Constraint::Length(budget_height), Constraint::Min(0)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(rest);
    // Taller sparklines when the terminal has the rows for them.
    let spark_rows: u16 = if rest.height >= 28 { 2 } else { 1 };
    let category_height = 2 + spark_rows * Category::ALL.len() as u16;
    let [categories, providers] =
        Layout::vertical([Constraint::Length(category_height), Constraint::Min(0)]).areas(left);
    let outcome_lines = overview.outcomes.len().max(1) as u16;
    let [use_cases, outcomes] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(outcome_lines + 2)]).areas(right);

    render_budget(app, overview, budget, buf);
    render_categories(theme, overview, spark_rows, categories, buf);
    render_providers(theme, overview, providers, buf);
    render_use_cases(app, overview, use_cases, buf);
    render_outcomes(theme, overview, outcomes, buf);
}

fn render_budget(app: &App, o: &Overview, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let p = &o.projection;
    let label = |s: &str| Span::styled(format!("{s:<15}"), theme.muted());
    let amount = |d: Decimal, style: Style| Span::styled(format!("{:>12}", usd(d)), style);
    let day = o.today.format("%-d").to_string();

    let status = if o.over_g3_line() {
        Span::styled(
            format!("   ▲ over the G3 line by {}", usd(p.month_end - o.g3_line)),
            theme.budget_over(),
        )
    } else if p.month_end > o.baseline {
        Span::styled(
            format!(
                "   ● above baseline, {} under the G3 line",
                usd(o.g3_line - p.month_end)
            ),
            theme.budget_warn(),
        )
    } else {
        Span::styled("   ✓ within the approved baseline", theme.budget_ok())
    };
    let mut lines = vec![
        Line::from(vec![
            label("Month to date"),
            amount(o.month_to_date, theme.text()),
            Span::styled(
                format!("   {} 1–{day}", o.month.first_day().format("%b")),
                theme.muted(),
            ),
            Span::styled(
                o.unallocated_pct.map_or_else(String::new, |pct| {
                    format!(" · unallocated {} ({pct}%)", usd(o.unallocated))
                }),
                theme.muted(),
            ),
            Span::styled(
                if o.live.is_empty() {
                    String::new()
                } else {
                    format!(" · + {} live estimate (gateway)", usd(o.live.total))
                },
                theme.muted(),
            ),
        ]),
        Line::from(vec![
            label("Projected"),
            amount(
                p.month_end,
                if o.over_g3_line() {
                    theme.budget_over()
                } else {
                    theme.text()
                },
            ),
            status,
        ]),
        Line::from(vec![
            label("G3 line"),
            amount(o.g3_line, theme.text()),
            Span::styled(
                format!(
                    "   approved baseline {} + {}%",
                    usd(o.baseline),
                    o.jump_pct.normalize()
                ),
                theme.muted(),
            ),
        ]),
        Line::from(vec![
            label("Method"),
            Span::styled(
                format!(
                    "{}/day, trailing {}-day average to {} × {} days",
                    usd(p.daily_average),
                    p.window_days,
                    p.window_last.format("%b %-d"),
                    p.days_in_month
                ),
                theme.muted(),
            ),
        ]),
    ];
    if let Some(e) = &app.last_error {
        lines.push(Line::styled(format!("⚠ {e}"), theme.error()));
    }
    let title = format!("Budget · {}", o.month.short_name());
    Paragraph::new(lines)
        .block(panel(title, theme))
        .render(area, buf);
}

fn short_label(c: Category) -> &'static str {
    match c {
        Category::LlmApi => "LLM APIs",
        Category::EmbeddingsVector => "Embeddings/vector",
        Category::Experimentation => "Experimentation",
        Category::Other => "Other",
    }
}

/// Dollars as wide as the panel allows.
fn money(d: Decimal, wide: bool) -> String {
    if wide {
        usd(d)
    } else {
        usd_short(d)
    }
}

fn render_categories(theme: &Theme, o: &Overview, spark_rows: u16, area: Rect, buf: &mut Buffer) {
    let block = panel(
        format!("By category · {} to date", o.month.first_day().format("%b")),
        theme,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    let wide = area.width >= WIDE;
    let amount_width = if wide { 11 } else { 7 };
    let label_width = 17;
    for (i, c) in o.by_category.iter().enumerate() {
        let y = inner.y + i as u16 * spark_rows;
        if y + spark_rows > inner.bottom() {
            break;
        }
        let text = format!(
            "{} {:>amount_width$} ",
            fit(short_label(c.category), label_width),
            money(c.cost, wide)
        );
        let row = Rect {
            y,
            height: spark_rows,
            ..inner
        };
        Paragraph::new(Line::styled(text.clone(), theme.text())).render(row, buf);
        let used = text.chars().count() as u16;
        let spark = Rect {
            x: row.x + used.min(row.width),
            width: row.width.saturating_sub(used),
            ..row
        };
        // The latest days that fit; heights are drawing only, so cents as integers will do.
        let days: Vec<u64> = c.daily.iter().map(|d| cents_for_drawing(*d)).collect();
        let shown = &days[days.len().saturating_sub(spark.width as usize)..];
        Sparkline::default()
            .data(shown)
            .style(theme.sparkline())
            .render(spark, buf);
    }
}

fn cents_for_drawing(d: Decimal) -> u64 {
    (d.max(Decimal::ZERO) * Decimal::ONE_HUNDRED)
        .round()
        .to_u64()
        .unwrap_or(u64::MAX)
}

fn render_providers(theme: &Theme, o: &Overview, area: Rect, buf: &mut Buffer) {
    let block = panel(
        format!("By provider · {} to date", o.month.first_day().format("%b")),
        theme,
    );
    let wide = area.width >= WIDE;
    let amount_width = if wide { 11 } else { 7 };
    let name_width = (area.width as usize)
        .saturating_sub(2 + 1 + amount_width + 7)
        .max(8);
    let lines: Vec<Line> = if o.by_provider.is_empty() {
        vec![Line::styled("no spend this month yet", theme.muted())]
    } else {
        o.by_provider
            .iter()
            .map(|p| {
                let share = share_pct(p.cost, o.month_to_date)
                    .map_or_else(String::new, |s| format!("{s:>5}%"));
                Line::from(vec![
                    Span::styled(fit(&p.provider, name_width), theme.text()),
                    Span::styled(
                        format!(" {:>amount_width$}", money(p.cost, wide)),
                        theme.text(),
                    ),
                    Span::styled(format!(" {share}"), theme.muted()),
                ])
            })
            .collect()
    };
    Paragraph::new(lines).block(block).render(area, buf);
}

fn share_pct(part: Decimal, total: Decimal) -> Option<Decimal> {
    (!total.is_zero()).then(|| (part / total * Decimal::ONE_HUNDRED).round_dp(1))
}

fn render_use_cases(app: &App, o: &Overview, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let r = &o.report;
    let wide = area.width >= WIDE;
    // The kind column only when names keep 18 columns beside it.
    let with_kind = area.width >= WIDE + 6;
    let title = format!(
        "Top use cases · {} vs {}",
        r.month.short_name(),
        r.month.prev().first_day().format("%b")
    );
    let mut rows: Vec<Row> = r
        .by_use_case
        .iter()
        .map(|u| {
            let (change, style) = mom(u.cost, u.prior_month_cost, theme);
            let mut cells = vec![Cell::from(u.use_case.clone())];
            if with_kind {
                cells.push(Cell::from(Span::styled(u.kind.clone(), theme.muted())));
            }
            cells.push(Cell::from(Line::from(money(u.cost, wide)).right_aligned()));
            cells.push(Cell::from(Line::styled(change, style).right_aligned()));
            Row::new(cells).style(theme.text())
        })
        .collect();
    let unallocated = match share_pct(r.unallocated, r.total) {
        Some(s) => format!("(unallocated {s}%)"),
        None => "(unallocated)".to_string(),
    };
    let mut last = vec![Cell::from(Span::styled(unallocated, theme.muted()))];
    if with_kind {
        last.push(Cell::from(""));
    }
    last.push(Cell::from(
        Line::styled(money(r.unallocated, wide), theme.muted()).right_aligned(),
    ));
    last.push(Cell::from(""));
    rows.push(Row::new(last));

    let amount_width = if wide { 11 } else { 7 };
    let mut widths = vec![Constraint::Min(10)];
    let mut header = vec![Cell::from("use case")];
    if with_kind {
        widths.push(Constraint::Length(10));
        header.push(Cell::from("kind"));
    }
    widths.extend([Constraint::Length(amount_width), Constraint::Length(9)]);
    header.extend([
        Cell::from(Line::from("cost").right_aligned()),
        Cell::from(Line::from("vs prior").right_aligned()),
    ]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.muted()))
        .block(panel(title, theme))
        .row_highlight_style(theme.selection())
        .highlight_symbol("▶ ");
    let mut state =
        TableState::default().with_selected((!r.by_use_case.is_empty()).then_some(app.selected));
    StatefulWidget::render(table, area, buf, &mut state);
}

/// Month-over-month change with a marker that carries the direction without colour.
pub(crate) fn mom(cost: Decimal, prior: Option<Decimal>, theme: &Theme) -> (String, Style) {
    match change_pct(cost, prior) {
        None if cost.is_zero() => ("–".to_string(), theme.muted()),
        None => ("new".to_string(), theme.budget_warn()),
        Some(p) => {
            let shown = if p.abs() >= Decimal::ONE_HUNDRED {
                p.round_dp(0)
            } else {
                p
            };
            if p.is_sign_positive() && !p.is_zero() {
                (format!("▲ +{shown}%"), theme.budget_warn())
            } else if p.is_zero() {
                ("= 0%".to_string(), theme.muted())
            } else {
                (format!("▼ {shown}%"), theme.budget_ok())
            }
        }
    }
}

fn render_outcomes(theme: &Theme, o: &Overview, area: Rect, buf: &mut Buffer) {
    let block = panel(
        format!("Cost per outcome · {}", o.report.month.short_name()),
        theme,
    );
    let inner_width = area.width.saturating_sub(2) as usize;
    let value_width = 8;
    let mut lines = Vec::new();
    if o.outcomes.is_empty() {
        lines.push(Line::styled("no outcome metrics configured", theme.muted()));
    }
    for m in &o.outcomes {
        let value = match m.cost_per_outcome {
            Some(c) => Span::styled(format!("{:>value_width$}", usd(c)), theme.text()),
            None => Span::styled(format!("{:>value_width$}", "no data"), theme.budget_warn()),
        };
        // Wide: "per weekly active AI user   $2.24  assistant"; narrow: the use case first,
        // since several use cases can share a metric.
        let spans = if area.width >= WIDE {
            let label_width = 25;
            let room = inner_width.saturating_sub(label_width + value_width + 2);
            vec![
                Span::styled(fit(&m.label, label_width), theme.text()),
                value,
                Span::styled(format!("  {}", fit(&m.use_case, room)), theme.muted()),
            ]
        } else {
            // " per ticket": as wide as the widest unit needs, within reason.
            let label_width = o
                .outcomes
                .iter()
                .map(|m| m.unit.chars().count() + 5)
                .max()
                .unwrap_or(11)
                .clamp(11, 14);
            let use_case_width = inner_width.saturating_sub(label_width + value_width).max(8);
            vec![
                Span::styled(fit(&m.use_case, use_case_width), theme.text()),
                Span::styled(fit(&format!(" per {}", m.unit), label_width), theme.muted()),
                value,
            ]
        };
        lines.push(Line::from(spans));
    }
    Paragraph::new(lines).block(block).render(area, buf);
}

//! Draws the Dependencies tab from `&App`; never queries. Top: the dependencies (largest 30-day
//! spend first); below: the selected row's review and waste reasons, then the class totals
//! and, apart from them, the spend no rule allocates.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use super::data::Data;
use super::labels;
use crate::deps::{DepClass, Dependency};
use crate::money::usd;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::widgets::ready_or_status;
use crate::tui::widgets::{fit, panel};

/// Columns from which the provider, the review date and the note get their own columns.
const WIDE: u16 = 110;
/// Rows under the table: the selected row (2 lines) and the class totals (2 lines, then the
/// unallocated spend), bordered.
const DETAIL: u16 = 4;
const TOTALS: u16 = 5;

/// The table's rectangle: the body less the two panels under it (clicks use it too).
pub fn table_area(body: Rect) -> Rect {
    Rect {
        height: body.height.saturating_sub(DETAIL + TOTALS).max(4),
        ..body
    }
}

/// Data rows the table shows at once.
pub fn table_rows(body: Rect) -> usize {
    usize::from(table_area(body).height.saturating_sub(3))
}

/// First row drawn: the selection is kept on screen, at the bottom when scrolled.
pub fn offset(selected: usize, shown: usize) -> usize {
    (selected + 1).saturating_sub(shown.max(1))
}

/// The row drawn at screen row `y`, if any.
pub fn row_at(body: Rect, rows: usize, selected: usize, y: u16) -> Option<usize> {
    let first = body.y + 2;
    let shown = table_rows(body);
    if y < first || usize::from(y - first) >= shown {
        return None;
    }
    let i = offset(selected, shown) + usize::from(y - first);
    (i < rows).then_some(i)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(data) = ready_or_status(
        &app.dependencies.data,
        "Dependencies",
        "Loading the dependencies…",
        theme,
        area,
        buf,
    ) else {
        return;
    };
    let table = table_area(area);
    let [detail, totals] = Layout::vertical([Constraint::Length(DETAIL), Constraint::Min(0)])
        .areas(Rect {
            y: table.bottom(),
            height: area.height.saturating_sub(table.height),
            ..area
        });
    render_table(app, data, table, buf);
    render_detail(theme, app.dependencies.selected_dep(), detail, buf);
    render_totals(theme, data, totals, buf);
}

fn render_table(app: &App, data: &Data, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let state = &app.dependencies;
    let r = &data.report;
    let visible = state.visible();
    let wide = area.width >= WIDE;
    let candidates = r.waste_candidates().count();
    let mut title = format!(
        "Dependencies · 30 days to {} · {} shown · ⚑ {candidates} waste?",
        r.window_end,
        visible.len()
    );
    if state.untagged_only {
        title.push_str(" · unreviewed only (u: all)");
    }
    if state.filter.is_active() {
        title.push_str(&format!(" · filter \"{}\" (Esc clears)", state.filter.text));
    }
    if visible.is_empty() {
        let text = if r.dependencies.is_empty() {
            "no AI spend in the last 30 days: nothing to review"
        } else if state.untagged_only && !state.filter.is_active() {
            "✓ every dependency is reviewed (u shows them all)"
        } else {
            "no dependency matches (Esc clears the filter, u toggles unreviewed only)"
        };
        Paragraph::new(Line::styled(text, theme.muted()))
            .block(panel(title, theme))
            .render(area, buf);
        return;
    }

    let width_of = |texts: &mut dyn Iterator<Item = usize>, min: usize, max: usize| {
        texts.chain([min]).max().unwrap_or(min).min(max) as u16
    };
    // Money is never cut: its column is as wide as the widest amount.
    let money_width = width_of(
        &mut visible.iter().map(|d| usd(d.cost_30d).chars().count()),
        8,
        usize::MAX,
    );
    let use_case_width = width_of(
        &mut visible.iter().map(|d| d.use_case.chars().count()),
        8,
        20,
    );
    let mut widths = vec![Constraint::Length(8), Constraint::Length(use_case_width)];
    let mut header = vec![Cell::from(""), Cell::from("use case")];
    if wide {
        let provider_width = width_of(
            &mut visible.iter().map(|d| d.provider.chars().count()),
            8,
            12,
        );
        widths.extend([Constraint::Length(provider_width), Constraint::Fill(3)]);
        header.extend([Cell::from("provider"), Cell::from("item")]);
    } else {
        widths.push(Constraint::Fill(1));
        header.push(Cell::from("provider/item"));
    }
    widths.extend([Constraint::Length(money_width), Constraint::Length(14)]);
    header.extend([
        Cell::from(Line::from("30-day").right_aligned()),
        Cell::from("class"),
    ]);
    if wide {
        widths.extend([Constraint::Length(10), Constraint::Fill(2)]);
        header.extend([Cell::from("reviewed"), Cell::from("note")]);
    }
    let rows = visible.iter().map(|d| {
        let mut cells = vec![
            Cell::from(Span::styled(labels::flag(d), theme.budget_warn())),
            Cell::from(d.use_case.clone()),
        ];
        if wide {
            cells.extend([Cell::from(d.provider.clone()), Cell::from(d.item.clone())]);
        } else {
            cells.push(Cell::from(format!("{}/{}", d.provider, d.item)));
        }
        cells.extend([
            Cell::from(Line::from(usd(d.cost_30d)).right_aligned()),
            Cell::from(Span::styled(
                labels::class(d.class),
                class_style(theme, d.class),
            )),
        ]);
        if wide {
            cells.extend([
                Cell::from(Span::styled(labels::reviewed(d), theme.muted())),
                Cell::from(Span::styled(
                    d.note.clone().unwrap_or_default(),
                    theme.muted(),
                )),
            ]);
        }
        Row::new(cells).style(theme.text())
    });
    let shown = usize::from(area.height.saturating_sub(3));
    let mut table_state = TableState::default()
        .with_offset(offset(state.selected, shown))
        .with_selected(Some(state.selected));
    StatefulWidget::render(
        Table::new(rows, widths)
            .header(Row::new(header).style(theme.muted()))
            .block(panel(title, theme))
            .row_highlight_style(theme.selection())
            .highlight_symbol("▶ "),
        area,
        buf,
        &mut table_state,
    );
}

fn class_style(theme: &Theme, class: Option<DepClass>) -> ratatui::style::Style {
    match class {
        Some(DepClass::LoadBearing) => theme.budget_ok(),
        Some(DepClass::Convenience) => theme.text(),
        Some(DepClass::Waste) => theme.budget_over(),
        None => theme.muted(),
    }
}

/// The selected row: why it is a waste candidate, who reviewed it and the note.
fn render_detail(theme: &Theme, dep: Option<&Dependency>, area: Rect, buf: &mut Buffer) {
    let Some(d) = dep else {
        Paragraph::new(Line::styled("no dependency selected", theme.muted()))
            .block(panel("Selected", theme))
            .render(area, buf);
        return;
    };
    let width = usize::from(area.width.saturating_sub(2));
    let mut first = Vec::new();
    if d.waste_candidate {
        first.push(Span::styled(
            format!("⚑ waste candidate: {} · ", d.waste_reasons.join(", ")),
            theme.budget_warn(),
        ));
    }
    let review = match (&d.class, &d.reviewer, &d.reviewed_at) {
        (Some(c), Some(by), Some(at)) => format!(
            "{} by {by} on {} · w/c/l re-tag, n edits the note",
            labels::class(Some(*c)),
            at.format("%Y-%m-%d")
        ),
        _ => "○ never reviewed · tag it with w (waste), c (convenience) or l (load-bearing)"
            .to_string(),
    };
    first.push(Span::styled(review, theme.muted()));
    let note = match &d.note {
        Some(n) => Line::styled(fit(&format!("note: {n}"), width), theme.text()),
        None => Line::styled("no note", theme.muted()),
    };
    Paragraph::new(vec![Line::from(first), note])
        .block(panel(&d.key, theme))
        .render(area, buf);
}

/// Money and count per class (`unreviewed` = never tagged), then the unallocated spend: with
/// it they add up to the 30-day total.
fn render_totals(theme: &Theme, data: &Data, area: Rect, buf: &mut Buffer) {
    let r = &data.report;
    let count: usize = r.totals.iter().map(|t| t.count).sum();
    let title = format!(
        "Class totals · {} over {count} dependencies · {} in all",
        usd(r.total_30d - r.unallocated.cost_30d),
        usd(r.total_30d)
    );
    let amount_width = r
        .totals
        .iter()
        .map(|t| usd(t.cost_30d).chars().count())
        .max()
        .unwrap_or(0);
    let cell = |i: usize| -> Vec<Span> {
        r.totals.get(i).map_or_else(Vec::new, |t| {
            vec![
                Span::styled(
                    format!("{:<15}", labels::total_name(&t.class)),
                    theme.text(),
                ),
                Span::styled(format!("{:>amount_width$}", usd(t.cost_30d)), theme.text()),
                Span::styled(format!(" ({:>2})    ", t.count), theme.muted()),
            ]
        })
    };
    let u = &r.unallocated;
    let width = usize::from(area.width.saturating_sub(2));
    let gap = if u.cost_30d.is_zero() {
        Line::styled("✓ every dollar is allocated to a use case", theme.muted())
    } else {
        Line::styled(
            fit(
                &format!(
                    "⚠ {} unallocated: {} (not a dependency; no rule matches {})",
                    usd(u.cost_30d),
                    u.action,
                    u.largest(3)
                ),
                width,
            ),
            theme.budget_warn(),
        )
    };
    let lines = vec![
        Line::from([cell(0), cell(1)].concat()),
        Line::from([cell(2), cell(3)].concat()),
        gap,
    ];
    Paragraph::new(lines)
        .block(panel(title, theme))
        .render(area, buf);
}

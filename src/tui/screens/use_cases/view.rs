//! Draws the Use cases tab from `&App`; never queries. Every level is one bordered panel titled
//! with its breadcrumbs: an info line, a table, and a totals line under it. The layout is one
//! function ([`layout`]) shared with the mouse handling, so a click lands on the row drawn there.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Cell, HighlightSpacing, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};

use super::data::{Data, Level};
use super::levels;
use super::state::DrillLevel;
use crate::tui::theme::Theme;
use crate::tui::widgets::panel;
use crate::tui::{App, Load};

/// Where a level draws: its info lines, its table (heading row first) and its totals line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub info: Rect,
    pub table: Rect,
    pub total: Rect,
}

/// Rows of the info area above the table at each level.
fn info_height(frame: &DrillLevel) -> u16 {
    match frame.level {
        Level::Table { .. } => 0,
        // A second line for the gateway's figures when the use case has gateway requests.
        Level::UseCase { .. } => {
            1 + u16::from(
                matches!(frame.data.ready().map(|d| &**d), Some(Data::UseCase(u)) if u.gateway.is_some()),
            )
        }
        Level::Slice { .. } => 1,
        Level::Spike { .. } => levels::SPIKE_INFO_LINES,
    }
}

/// The areas of `frame` drawn in `area` (the tab's body).
pub fn layout(area: Rect, frame: &DrillLevel) -> Areas {
    let inner = Rect {
        x: area.x.saturating_add(1),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    let total = if matches!(frame.level, Level::Spike { .. }) {
        0
    } else {
        1
    };
    let [info, table, total] = Layout::vertical([
        Constraint::Length(info_height(frame)),
        Constraint::Min(0),
        Constraint::Length(total),
    ])
    .areas(inner);
    Areas { info, table, total }
}

/// First row of `rows` drawn when `selected` must be visible in `height` rows (as ratatui's
/// table scrolls from the top).
pub fn first_shown(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

/// The row index under a click at (`column`, `row`), if it is on a table row.
pub fn row_at(areas: &Areas, selected: usize, rows: usize, column: u16, row: u16) -> Option<usize> {
    let t = areas.table;
    let first_y = t.y + 1;
    if column < t.x || column >= t.right() || row < first_y || row >= t.bottom() {
        return None;
    }
    let height = usize::from(t.height.saturating_sub(1));
    let index = first_shown(selected, height) + usize::from(row - first_y);
    (index < rows).then_some(index)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let state = &app.use_cases;
    let frame = state.top();
    let mut title = state.breadcrumbs().join(" › ");
    if let Some(data) = frame.data.ready() {
        title.push_str(&levels::title_suffix(data));
    }
    title.push_str(&frame.filter.title_suffix());
    let block = panel(title, theme);
    match &frame.data {
        Load::Ready(data) => {
            block.render(area, buf);
            let areas = layout(area, frame);
            render_level(app, frame, data, &areas, buf);
        }
        Load::Loading => message(block, &[("Loading…", theme.muted())], area, buf),
        Load::Failed(e) => message(
            block,
            &[
                (e.as_str(), theme.error()),
                ("Press r to retry, Esc to go back.", theme.muted()),
            ],
            area,
            buf,
        ),
    }
}

fn message(
    block: ratatui::widgets::Block<'_>,
    lines: &[(&str, Style)],
    area: Rect,
    buf: &mut Buffer,
) {
    let text: Vec<Line> = lines
        .iter()
        .map(|(t, s)| Line::styled(t.to_string(), *s))
        .collect();
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .block(block)
        .render(area, buf);
}

fn render_level(app: &App, frame: &DrillLevel, data: &Data, areas: &Areas, buf: &mut Buffer) {
    let theme = &app.theme;
    let info = levels::info_lines(app, frame, data, areas.info.width);
    Paragraph::new(info).render(areas.info, buf);
    let grid = levels::grid(app, frame, data);
    if grid.columns.is_empty() {
        return;
    }
    draw_grid(&grid, frame.selected, theme, areas, buf);
}

/// A table of text cells whose columns are dropped, lowest `keep` first, until they fit.
pub struct Grid {
    pub columns: Vec<Column>,
    pub rows: Vec<(Vec<Span<'static>>, Style)>,
    /// The totals line, under the table, in the same columns.
    pub total: Option<Vec<Span<'static>>>,
    /// Shown when there are no rows.
    pub empty: &'static str,
    /// Whether rows can be selected.
    pub selectable: bool,
    /// The column that takes the room left over (the first one kept if this one is dropped).
    pub flex: usize,
}

pub struct Column {
    pub title: &'static str,
    pub width: u16,
    /// Columns with the lowest value are dropped first when space runs out; `u8::MAX` never.
    pub keep: u8,
    pub right: bool,
}

/// Highlight symbol width (`▶ `).
const MARK: u16 = 2;

/// The indexes of the columns that fit in `room` columns.
fn fitting(columns: &[Column], room: u16) -> Vec<usize> {
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    loop {
        let used: u16 = kept.iter().map(|i| columns[*i].width + 1).sum::<u16>() + MARK;
        if used <= room + 1 {
            return kept;
        }
        let Some(pos) = kept
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].keep < u8::MAX)
            .min_by_key(|(_, i)| columns[**i].keep)
            .map(|(pos, _)| pos)
        else {
            return kept;
        };
        kept.remove(pos);
    }
}

fn draw_grid(grid: &Grid, selected: usize, theme: &Theme, areas: &Areas, buf: &mut Buffer) {
    let kept = fitting(&grid.columns, areas.table.width);
    // One column takes what is left over, so the money columns keep their places.
    let flex = if kept.contains(&grid.flex) {
        grid.flex
    } else {
        kept.first().copied().unwrap_or(0)
    };
    let widths: Vec<Constraint> = kept
        .iter()
        .map(|i| {
            if *i == flex {
                Constraint::Min(grid.columns[*i].width)
            } else {
                Constraint::Length(grid.columns[*i].width)
            }
        })
        .collect();
    let cell = |span: &Span<'static>, right: bool| {
        let line = Line::from(span.clone());
        Cell::from(if right { line.right_aligned() } else { line })
    };
    let pick = |spans: &[Span<'static>]| -> Vec<Cell<'static>> {
        kept.iter()
            .map(|i| {
                let span = spans.get(*i).cloned().unwrap_or_default();
                cell(&span, grid.columns[*i].right)
            })
            .collect()
    };
    let header = Row::new(
        kept.iter()
            .map(|i| cell(&Span::raw(grid.columns[*i].title), grid.columns[*i].right))
            .collect::<Vec<_>>(),
    )
    .style(theme.muted());
    let rows: Vec<Row> = grid
        .rows
        .iter()
        .map(|(spans, style)| Row::new(pick(spans)).style(*style))
        .collect();
    if rows.is_empty() {
        let y = areas.table.y + 1;
        if y < areas.table.bottom() {
            let at = Rect {
                y,
                height: 1,
                ..areas.table
            };
            Paragraph::new(Line::styled(format!("  {}", grid.empty), theme.muted()))
                .render(at, buf);
        }
    }
    let table = Table::new(rows, widths.clone())
        .header(header)
        .row_highlight_style(if grid.selectable {
            theme.selection()
        } else {
            Style::default()
        })
        .highlight_symbol("▶ ")
        .highlight_spacing(HighlightSpacing::Always);
    let height = usize::from(areas.table.height.saturating_sub(1));
    let selected = (grid.selectable && !grid.rows.is_empty()).then_some(selected);
    let mut state = TableState::default()
        .with_offset(first_shown(selected.unwrap_or(0), height))
        .with_selected(selected);
    StatefulWidget::render(table, areas.table, buf, &mut state);
    if let Some(total) = &grid.total {
        let totals = Table::new([Row::new(pick(total)).style(theme.title())], widths)
            .highlight_spacing(HighlightSpacing::Always)
            .highlight_symbol("  ");
        Widget::render(totals, areas.total, buf);
    }
}

//! Draws the Sources tab from `&App`; never queries. A table of the sources (last sync,
//! freshness, rows) over a detail panel for the selected one (its last run, the last error
//! wrapped in full, what Enter does).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap};

use super::data::SourceRow;
use crate::fmt::thousands;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::widgets::panel;
use crate::tui::widgets::ready_or_status;

/// Rows of the detail panel, borders included.
const DETAIL_HEIGHT: u16 = 8;
/// Columns from which the kind, window and error columns are shown.
const WIDE: u16 = 110;
/// The screen row of the first table row: header and tab bar, the border, the heading.
const FIRST_ROW: u16 = 2 + 1 + 1;

/// The table and the detail panel within the body.
pub fn layout(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(4), Constraint::Length(DETAIL_HEIGHT)]).areas(area)
}

/// Table rows visible when the tab's `Ctx::rows` is `ctx_rows` (the body less three rows).
fn visible_rows(ctx_rows: u16) -> u16 {
    let body = Rect::new(0, 0, 1, ctx_rows + 3);
    layout(body)[0].height.saturating_sub(3).max(1)
}

/// The row index under screen row `y`, with `selected` kept in view as the table does.
pub fn row_at(y: u16, selected: usize, ctx_rows: u16, len: usize) -> Option<usize> {
    let shown = usize::from(visible_rows(ctx_rows));
    let offset = (selected + 1).saturating_sub(shown);
    let i = offset + usize::from(y.checked_sub(FIRST_ROW)?);
    (y - FIRST_ROW < shown as u16 && i < len).then_some(i)
}

/// The text a filter matches against.
pub fn row_text(s: &SourceRow) -> String {
    format!(
        "{} {} {} {}",
        s.name,
        s.kind_name(),
        status(s).0,
        s.last_error().unwrap_or("")
    )
}

/// `✓ ok`, `✗ failed`, `– never`.
fn status(s: &SourceRow) -> (&'static str, bool) {
    match &s.last_run {
        Some(r) if r.ok() => ("✓ ok", true),
        Some(_) => ("✗ failed", false),
        None => ("– never", true),
    }
}

fn behind(s: &SourceRow) -> String {
    match s.days_behind {
        None => "no data".to_string(),
        Some(1) => "1 day".to_string(),
        Some(d) if s.stale() => format!("{d} days ⚠ stale"),
        Some(d) => format!("{d} days"),
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let state = &app.sources;
    let Some(data) = ready_or_status(
        &state.data,
        "Sources",
        "Loading the sources…",
        theme,
        area,
        buf,
    ) else {
        return;
    };
    let [table_area, detail_area] = layout(area);
    let visible = state.visible();
    let mut title = format!("Sources · {} configured", app_configured(data));
    if state.filter.is_active() {
        title.push_str(&format!(
            " · filter: {} ({} shown)",
            state.filter.text,
            visible.len()
        ));
    }
    if app.syncing {
        title.push_str(" · ⟳ syncing");
    }
    let wide = area.width >= WIDE;
    let rows: Vec<Row> = visible.iter().map(|s| row(s, wide, theme)).collect();
    let mut header = vec!["source"];
    let mut widths = vec![Constraint::Min(10)];
    if wide {
        header.push("kind");
        widths.push(Constraint::Length(9));
    }
    header.extend([
        "last sync (UTC)",
        "status",
        "data through",
        "behind",
        "rows",
    ]);
    widths.extend([
        Constraint::Length(16),
        Constraint::Length(8),
        Constraint::Length(12),
        Constraint::Length(14),
        Constraint::Length(9),
    ]);
    if wide {
        // The error itself is in the detail panel, wrapped; the status column says failed.
        header.push("last window");
        widths.push(Constraint::Length(24));
    }
    let header = Row::new(
        header
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let rows_column = i == if wide { 6 } else { 5 };
                if rows_column {
                    Cell::from(Line::from(h).right_aligned())
                } else {
                    Cell::from(h)
                }
            })
            .collect::<Vec<_>>(),
    )
    .style(theme.muted());
    let empty = visible.is_empty();
    let table = Table::new(rows, widths)
        .header(header)
        .block(panel(title, theme))
        .row_highlight_style(theme.selection())
        .highlight_symbol("▶ ");
    let mut table_state = TableState::default().with_selected((!empty).then_some(state.selected));
    StatefulWidget::render(table, table_area, buf, &mut table_state);
    if empty {
        let inner = panel("", theme).inner(table_area);
        let message = if state.filter.is_active() {
            "no source matches the filter (Esc clears it)"
        } else {
            "no sources configured: add [sources.NAME] to tollgate.toml"
        };
        Paragraph::new(Line::styled(message, theme.muted())).render(
            Rect {
                y: inner.y + 1,
                height: inner.height.saturating_sub(1),
                ..inner
            },
            buf,
        );
    }
    render_detail(app, state.selected_source(), detail_area, buf);
}

fn app_configured(data: &super::data::Data) -> usize {
    data.sources.iter().filter(|s| s.kind.is_some()).count()
}

fn row<'a>(s: &SourceRow, wide: bool, theme: &Theme) -> Row<'a> {
    let (word, ok) = status(s);
    let status_style = if ok {
        theme.text()
    } else {
        theme.budget_over()
    };
    let behind_style: Style = if s.stale() {
        theme.budget_warn()
    } else {
        theme.text()
    };
    let mut cells = vec![Cell::from(s.name.clone())];
    if wide {
        cells.push(Cell::from(Span::styled(s.kind_name(), theme.muted())));
    }
    cells.extend([
        Cell::from(s.last_run.as_ref().map_or_else(
            || "–".to_string(),
            |r| r.finished_at.format("%Y-%m-%d %H:%M").to_string(),
        )),
        Cell::from(Span::styled(word, status_style)),
        Cell::from(
            s.data_through
                .map_or_else(|| "–".to_string(), |d| d.to_string()),
        ),
        Cell::from(Span::styled(behind(s), behind_style)),
        Cell::from(Line::from(thousands(s.rows)).right_aligned()),
    ]);
    if wide {
        cells.push(Cell::from(
            s.last_run.as_ref().map(|r| r.what()).unwrap_or_default(),
        ));
    }
    Row::new(cells).style(theme.text())
}

fn render_detail(app: &App, source: Option<&SourceRow>, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(s) = source else {
        Paragraph::new("")
            .block(panel("Source", theme))
            .render(area, buf);
        return;
    };
    let label = |t: &str| Span::styled(format!("{t:<11}"), theme.muted());
    let mut lines = Vec::new();
    let what = if s.syncable() {
        format!(
            "{} · Enter syncs {} · s syncs every source",
            s.kind_name(),
            s.name
        )
    } else {
        "not in the config (rows imported or synced earlier)".to_string()
    };
    lines.push(Line::from(vec![
        label("source"),
        Span::styled(what, theme.text()),
    ]));
    match &s.last_run {
        Some(r) => {
            let (word, ok) = status(s);
            let mut spans = vec![
                label("last run"),
                Span::styled(
                    format!(
                        "{} {} UTC · ",
                        r.kind_label(),
                        r.finished_at.format("%Y-%m-%d %H:%M")
                    ),
                    theme.text(),
                ),
                Span::styled(
                    word,
                    if ok {
                        theme.budget_ok()
                    } else {
                        theme.budget_over()
                    },
                ),
                Span::styled(
                    format!(
                        " · {} rows in {:.1}s",
                        thousands(r.rows_written),
                        r.seconds()
                    ),
                    theme.text(),
                ),
            ];
            let window = r.what();
            if !window.is_empty() {
                spans.push(Span::styled(format!(" · {window}"), theme.muted()));
            }
            lines.push(Line::from(spans));
        }
        None => lines.push(Line::from(vec![
            label("last run"),
            Span::styled("never synced or imported", theme.muted()),
        ])),
    }
    let freshness = match (s.data_through, s.days_behind) {
        (Some(d), Some(_)) => {
            let stale = if s.stale() {
                " ⚠ stale: sync or import"
            } else {
                ""
            };
            format!(
                "{} rows, data through {d} ({} behind){stale}",
                thousands(s.rows),
                behind(s).trim_end_matches(" ⚠ stale")
            )
        }
        _ => "no rows in the ledger".to_string(),
    };
    lines.push(Line::from(vec![
        label("ledger"),
        Span::styled(
            freshness,
            if s.stale() {
                theme.budget_warn()
            } else {
                theme.text()
            },
        ),
    ]));
    if let Some(e) = s.last_error() {
        lines.push(Line::from(vec![
            label("last error"),
            Span::styled(e.to_string(), theme.error()),
        ]));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(panel(format!("Source · {}", s.name), theme))
        .render(area, buf);
}

//! Draws the Gates tab from `&App`; never queries. Top: the breaches (open first); below: the
//! selected breach's sentence and latest decision; then the audit log, newest first.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use super::data::Data;
use super::labels;
use crate::gates::{Breach, Status};
use crate::money::usd;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::widgets::panel;
use crate::tui::widgets::ready_or_status;

/// Columns from which the gate's title and who decided show in the table.
const WIDE: u16 = 110;
/// Rows the audit log keeps at least.
const LOG_MIN: u16 = 4;

/// Where the breach table sits in the body: its rows, a border and a heading, at most half the
/// body. Depends only on the body's height and the number of rows (clicks use it too).
pub fn table_area(body: Rect, rows: usize) -> Rect {
    let want = rows.max(1) as u16 + 3;
    let cap = (body.height / 2).max(5);
    Rect {
        height: want.min(cap).min(body.height),
        ..body
    }
}

/// Data rows the table shows at once.
pub fn table_rows(body: Rect, rows: usize) -> usize {
    usize::from(table_area(body, rows).height.saturating_sub(3))
}

/// First row drawn: the selection is kept on screen, at the bottom when scrolled.
pub fn offset(selected: usize, shown: usize) -> usize {
    (selected + 1).saturating_sub(shown.max(1))
}

/// The breach row drawn at screen row `y`, if any.
pub fn row_at(body: Rect, rows: usize, selected: usize, y: u16) -> Option<usize> {
    let table = table_area(body, rows);
    let first = table.y + 2;
    let shown = table_rows(body, rows);
    if y < first || usize::from(y - first) >= shown {
        return None;
    }
    let i = offset(selected, shown) + usize::from(y - first);
    (i < rows).then_some(i)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let state = &app.gates;
    let Some(data) = ready_or_status(&state.data, "Gates", "Loading the gates…", theme, area, buf)
    else {
        return;
    };
    let visible = state.visible();
    let table = table_area(area, visible.len());
    let rest = Rect {
        y: table.bottom(),
        height: area.height - table.height,
        ..area
    };
    let selected = visible.get(state.selected).copied();
    let detail = detail_lines(theme, selected, rest.width.saturating_sub(2));
    let detail_height = (detail.len() as u16 + 2).min(rest.height.saturating_sub(LOG_MIN));
    let [detail_area, log_area] =
        Layout::vertical([Constraint::Length(detail_height), Constraint::Min(0)]).areas(rest);

    render_table(app, data, &visible, table, buf);
    let title = selected.map_or_else(|| "Breach".to_string(), |b| b.id.clone());
    Paragraph::new(detail)
        .block(panel(title, theme))
        .render(detail_area, buf);
    // The G4 board template beside the log when there is room for it.
    let trajectory_lines = trajectory_lines(theme, data);
    if area.width >= WIDE && log_area.height >= trajectory_lines.len() as u16 + 2 {
        let [log_area, trajectory_area] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(TRAJECTORY_WIDTH)])
                .areas(log_area);
        render_log(theme, data, log_area, buf);
        Paragraph::new(trajectory_lines)
            .block(panel("G4 trajectory · quarters", theme))
            .render(trajectory_area, buf);
    } else {
        render_log(theme, data, log_area, buf);
    }
}

/// Columns of the G4 panel.
const TRAJECTORY_WIDTH: u16 = 46;

/// The quarters (complete, then the outlook) and when the forecast median crosses each target.
fn trajectory_lines(theme: &Theme, data: &Data) -> Vec<Line<'static>> {
    let t = &data.report.trajectory;
    let mut lines: Vec<Line> = t
        .quarters
        .iter()
        .map(|q| {
            let growth = q
                .qoq_growth_pct
                .map_or_else(String::new, |g| format!(" {g:+}%"));
            Line::from(vec![
                Span::styled(format!("{:<8}", q.quarter), theme.text()),
                Span::styled(format!("{:>13}", usd(q.total)), theme.text()),
                Span::styled(format!(" {:<8}{growth}", q.status), theme.muted()),
            ])
        })
        .collect();
    for c in &t.targets {
        let when = c.month_p50.map_or_else(
            || "not within the forecast".to_string(),
            |m| format!("median crosses {m}"),
        );
        let style = if c.within_review_window {
            theme.budget_warn()
        } else {
            theme.muted()
        };
        lines.push(Line::styled(format!("{}/mo: {when}", usd(c.usd)), style));
    }
    lines
}

fn render_table(app: &App, data: &Data, visible: &[&Breach], area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let state = &app.gates;
    let r = &data.report;
    let wide = area.width >= WIDE;
    let open = r.open().count();
    let mut title = format!(
        "Breaches as of {} · {open} open, {} decided",
        r.as_of,
        r.breaches.len() - open
    );
    if state.filter.is_active() {
        title.push_str(&format!(
            " · filter \"{}\" ({} of {}, Esc clears)",
            state.filter.text,
            visible.len(),
            r.breaches.len()
        ));
    }
    // The baseline when there is room for it (the G3 sentence says it too).
    let baseline = format!(
        " · baseline {}, G3 line {}",
        usd(r.baseline),
        usd(r.g3_line)
    );
    if wide && (title.chars().count() + baseline.chars().count() + 4) <= usize::from(area.width) {
        title.push_str(&baseline);
    }
    if visible.is_empty() {
        let text = if r.breaches.is_empty() {
            "✓ no gate is over its line"
        } else {
            "no breach matches the filter (Esc clears it)"
        };
        Paragraph::new(Line::styled(text, theme.muted()))
            .block(panel(title, theme))
            .render(area, buf);
        return;
    }

    // Money is never cut: its columns are as wide as the widest amount.
    let money_width = visible
        .iter()
        .flat_map(|b| [usd(b.value), usd(b.threshold)])
        .map(|s| s.chars().count())
        .chain([9])
        .max()
        .unwrap_or(9) as u16;
    let width_of = |texts: Vec<String>, min: usize| -> u16 {
        texts
            .iter()
            .map(|t| t.chars().count())
            .chain([min])
            .max()
            .unwrap_or(min) as u16
    };
    let gate_width = width_of(visible.iter().map(|b| labels::gate(b, wide)).collect(), 4);
    let subject_width = width_of(visible.iter().map(|b| b.subject.clone()).collect(), 7);
    let decision_width = width_of(
        visible.iter().map(|b| labels::decision(b, wide)).collect(),
        8,
    );
    let (subject, decision) = if wide {
        (Constraint::Length(subject_width), Constraint::Fill(1))
    } else {
        (Constraint::Fill(1), Constraint::Length(decision_width))
    };
    let widths = [
        Constraint::Length(gate_width),
        subject,
        Constraint::Length(7),
        Constraint::Length(11),
        Constraint::Length(money_width),
        Constraint::Length(money_width),
        decision,
    ];
    // Rows are built for the window on screen only: a long history has thousands of breaches.
    let shown = usize::from(area.height.saturating_sub(3));
    let first = offset(state.selected, shown);
    let window = &visible[first.min(visible.len())..(first + shown).min(visible.len())];
    let rows = window.iter().map(|b| {
        let status_style = match b.status {
            Status::Breach => theme.budget_over(),
            Status::Projected => theme.budget_warn(),
        };
        let decision_style = if b.is_open() {
            theme.budget_warn()
        } else {
            theme.muted()
        };
        Row::new(vec![
            Cell::from(labels::gate(b, wide)),
            Cell::from(b.subject.clone()),
            Cell::from(b.month.to_string()),
            Cell::from(Span::styled(labels::status(b.status), status_style)),
            Cell::from(Line::from(usd(b.value)).right_aligned()),
            Cell::from(Line::from(usd(b.threshold)).right_aligned()),
            Cell::from(Span::styled(labels::decision(b, wide), decision_style)),
        ])
        .style(theme.text())
    });
    let header = Row::new(vec![
        Cell::from("gate"),
        Cell::from("subject"),
        Cell::from("month"),
        Cell::from("status"),
        Cell::from(Line::from("value").right_aligned()),
        Cell::from(Line::from("threshold").right_aligned()),
        Cell::from("decision"),
    ])
    .style(theme.muted());
    let mut table_state =
        TableState::default().with_selected(Some(state.selected.saturating_sub(first)));
    StatefulWidget::render(
        Table::new(rows, widths)
            .header(header)
            .block(panel(title, theme))
            .row_highlight_style(theme.selection())
            .highlight_symbol("▶ "),
        area,
        buf,
        &mut table_state,
    );
}

/// The selected breach's sentence, wrapped to `width`, and its latest decision.
fn detail_lines(theme: &Theme, breach: Option<&Breach>, width: u16) -> Vec<Line<'static>> {
    let Some(b) = breach else {
        return vec![Line::styled("no breach selected", theme.muted())];
    };
    let mut lines: Vec<Line> = wrap(&b.detail, usize::from(width))
        .into_iter()
        .map(|l| Line::styled(l, theme.text()))
        .collect();
    let decided = match &b.decision {
        None => Line::from(vec![
            Span::styled("● open", theme.budget_warn()),
            Span::styled(" · press d to record a decision", theme.muted()),
        ]),
        Some(d) => {
            let mut text = format!(
                "{} {} by {} at {}",
                if b.is_open() {
                    "● still open:"
                } else {
                    "✓"
                },
                d.decision,
                d.by,
                labels::time(&d.decided_at)
            );
            if let Some(note) = &d.note {
                text.push_str(&format!(": {note}"));
            }
            text.push_str(" · d records another");
            Line::styled(text, theme.muted())
        }
    };
    lines.push(decided);
    if let Some(e) = &b.enforced {
        for l in wrap(&format!("gateway: {}", e.describe()), usize::from(width)) {
            lines.push(Line::styled(l, theme.text()));
        }
    }
    lines
}

fn render_log(theme: &Theme, data: &Data, area: Rect, buf: &mut Buffer) {
    let n = data.log.len();
    let title = format!(
        "Audit log · {n} decision{}, newest first",
        if n == 1 { "" } else { "s" }
    );
    if data.log.is_empty() {
        Paragraph::new(Line::styled(
            "no decisions yet: select a breach and press d",
            theme.muted(),
        ))
        .block(panel(title, theme))
        .render(area, buf);
        return;
    }
    let rows: Vec<[String; 5]> = data.log.iter().rev().map(labels::log_cells).collect();
    let width_of = |i: usize, min: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([min])
            .max()
            .unwrap_or(min) as u16
    };
    let widths = [
        Constraint::Length(16),
        Constraint::Length(width_of(1, 6)),
        Constraint::Length(width_of(2, 8)),
        Constraint::Length(width_of(3, 2).min(16)),
        Constraint::Fill(1),
    ];
    let header = Row::new(["time (UTC)", "breach", "decision", "by", "note"]).style(theme.muted());
    let table = Table::new(
        rows.into_iter()
            .map(|r| Row::new(r.map(Cell::from)).style(theme.text())),
        widths,
    )
    .header(header)
    .block(panel(title, theme));
    Widget::render(table, area, buf);
}

/// Greedy word wrap to `width` columns (a word longer than a line is cut into pieces).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..width).collect());
        }
        let word: String = word.into_iter().collect();
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_width() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert!(wrap("", 10).is_empty());
    }

    #[test]
    fn clicks_map_to_rows_under_the_heading() {
        let body = Rect::new(0, 2, 120, 37);
        // 5 rows: table at y 2..10, border at 2, heading at 3, rows 4..=8.
        assert_eq!(row_at(body, 5, 0, 3), None);
        assert_eq!(row_at(body, 5, 0, 4), Some(0));
        assert_eq!(row_at(body, 5, 0, 8), Some(4));
        assert_eq!(row_at(body, 5, 0, 9), None);
    }
}

//! The frame: header (as-of date, data freshness), tab bar, the selected screen, footer hints,
//! and the help overlay. `impl Widget for &App`: rendering reads state and never changes it.

use chrono::NaiveDate;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Tabs, Widget};
use ratatui::Frame;

use super::app::App;
use super::load::Load;
use super::screens;
use super::tab::Tab;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// The screen row of the tab bar.
pub const TAB_ROW: u16 = 1;

/// Draws the whole cockpit into `frame`.
pub fn render(frame: &mut Frame, app: &App) {
    frame.render_widget(app, frame.area());
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(self, area, buf);
            return;
        }
        let [header, tabs, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
            Constraint::Length(1),
        ])
        .areas(area);
        render_header(self, header, buf);
        render_tabs(self, tabs, buf);
        match self.tab {
            Tab::Overview => screens::overview::render(self, body, buf),
            Tab::UseCases => screens::use_cases::render(self, body, buf),
            Tab::Gates => screens::gates::render(self, body, buf),
            Tab::Forecast => screens::forecast::render(self, body, buf),
            Tab::Dependencies => screens::dependencies::render(self, body, buf),
            Tab::Sources => screens::sources::render(self, body, buf),
        }
        render_footer(self, footer, buf);
        if self.help {
            render_help(self, body, buf);
        }
    }
}

fn too_small(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = vec![
        Line::styled(
            format!("terminal too small (need {MIN_WIDTH}x{MIN_HEIGHT})"),
            app.theme.budget_over(),
        ),
        Line::styled(
            format!(
                "this one is {}x{}; enlarge it, or press q to quit",
                area.width, area.height
            ),
            app.theme.muted(),
        ),
    ];
    let height = (lines.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(height) / 2;
    let rect = Rect {
        x: area.x,
        y,
        width: area.width,
        height,
    };
    Paragraph::new(lines)
        .alignment(Alignment::Center)
        .render(rect, buf);
}

fn render_header(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let mut spans = vec![
        Span::styled(" tollgate ", theme.title()),
        Span::styled("│ ", theme.border()),
        Span::styled("as of ", theme.muted()),
        Span::styled(app.today.to_string(), theme.text()),
        Span::styled(" │ ", theme.border()),
    ];
    match &app.overview {
        Load::Ready(o) => match o.data_through {
            Some(t) => {
                spans.push(Span::styled("data to ", theme.muted()));
                spans.push(Span::styled(
                    format!("{} UTC", t.format("%Y-%m-%d %H:%M")),
                    theme.text(),
                ));
                let behind = days_behind(app.today, t.date());
                if behind >= 2 {
                    spans.push(Span::styled(
                        format!("  ⚠ {behind} days behind; sync"),
                        theme.budget_warn(),
                    ));
                }
            }
            None => spans.push(Span::styled(
                "no data yet: run `tollgate sync` or `tollgate demo`",
                theme.budget_warn(),
            )),
        },
        Load::Loading => spans.push(Span::styled("data to …", theme.muted())),
        Load::Failed(_) => spans.push(Span::styled("data unavailable", theme.error())),
    }
    Paragraph::new(Line::from(spans)).render(area, buf);

    let status = if app.syncing {
        Some(Span::styled("⟳ syncing… ", theme.accent()))
    } else if app.refreshing {
        Some(Span::styled("loading… ", theme.muted()))
    } else if app.last_error.is_some() {
        Some(Span::styled(
            "⚠ reload failed (see Overview) ",
            theme.error(),
        ))
    } else {
        None
    };
    if let Some(s) = status {
        Paragraph::new(Line::from(s))
            .alignment(Alignment::Right)
            .render(area, buf);
    }
}

/// Whole days between the end of the data and the day after `today` (0 when current).
fn days_behind(today: NaiveDate, data_end: NaiveDate) -> i64 {
    (today - data_end).num_days() + 1
}

fn tab_title(tab: Tab) -> String {
    format!("{} {}", tab.number(), tab.title())
}

/// The tab drawn at `column` of the tab bar (each title has a space either side and a
/// one-column divider after it).
pub fn tab_at(column: u16) -> Option<Tab> {
    let mut start = 0usize;
    for tab in Tab::ALL {
        let end = start + tab_title(tab).chars().count() + 2;
        if (start..end).contains(&usize::from(column)) {
            return Some(tab);
        }
        start = end + 1;
    }
    None
}

fn render_tabs(app: &App, area: Rect, buf: &mut Buffer) {
    let titles = Tab::ALL.iter().map(|t| tab_title(*t));
    let selected = Tab::ALL.iter().position(|t| *t == app.tab);
    Tabs::new(titles)
        .select(selected)
        .style(app.theme.muted())
        .highlight_style(app.theme.tab_active())
        .divider(Span::styled("│", app.theme.border()))
        .render(area, buf);
}

fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    if let Some(prompt) = &app.prompt {
        let line = Line::from(vec![
            Span::styled(format!(" {}: ", prompt.label), theme.accent()),
            Span::styled(prompt.text.clone(), theme.text()),
            Span::styled("█", theme.accent()),
            Span::styled("   Enter ok · Esc cancel", theme.muted()),
        ]);
        Paragraph::new(line).render(area, buf);
        return;
    }
    if let Some(status) = &app.status {
        Paragraph::new(Line::styled(format!(" {status}"), theme.accent())).render(area, buf);
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    // Whole hints only: one that does not fit is left out (`?` lists every key).
    let mut used = 1;
    for (keys, hint) in app.keymap.footer_hints(app.tab) {
        let hint = format!(" {hint}  ");
        let width = keys.chars().count() + hint.chars().count() - 2;
        if used + width > usize::from(area.width) {
            continue;
        }
        used += width + 2;
        spans.push(Span::styled(keys, theme.accent()));
        spans.push(Span::styled(hint, theme.muted()));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

fn render_help(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let lines = app.keymap.help_lines(app.tab);
    let key_width = lines
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let desc_width = lines
        .iter()
        .map(|(_, d)| d.chars().count())
        .max()
        .unwrap_or(0);
    let mut text: Vec<Line> = lines
        .into_iter()
        .map(|(keys, desc)| {
            if keys.is_empty() {
                return Line::styled(format!(" {desc}"), theme.title());
            }
            Line::from(vec![
                Span::styled(format!(" {keys:>key_width$}  "), theme.accent()),
                Span::styled(desc, theme.text()),
            ])
        })
        .collect();
    text.push(Line::default());
    text.push(Line::styled(" Esc or ? closes this help", theme.muted()));

    let width = ((key_width + desc_width + 6) as u16).min(area.width);
    let height = (text.len() as u16 + 2).min(area.height);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    // Scrolls (j/k) when the lines do not fit; the title says so.
    let hidden = (text.len() as u16).saturating_sub(height.saturating_sub(2));
    let scroll = app.help_scroll.min(hidden);
    let title = if hidden > 0 {
        format!(" Keys ({}/{}, j/k scroll) ", scroll + 1, hidden + 1)
    } else {
        " Keys ".to_string()
    };
    Clear.render(rect, buf);
    let block = Block::bordered()
        .title(Span::styled(title, theme.title()))
        .border_style(theme.border());
    Paragraph::new(text)
        .block(block)
        .scroll((scroll, 0))
        .render(rect, buf);
}

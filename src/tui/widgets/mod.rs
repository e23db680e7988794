//! Small building blocks shared by the screens.

pub mod filter;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::load::Load;
use super::theme::Theme;

/// A bordered panel with a title.
pub fn panel<'a>(title: impl Into<String>, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .title(Span::styled(format!(" {} ", title.into()), theme.title()))
        .border_style(theme.border())
}

/// `text` padded or cut to exactly `width` columns (left-aligned).
pub fn fit(text: &str, width: usize) -> String {
    let mut out: String = text.chars().take(width).collect();
    let len = out.chars().count();
    if len < text.chars().count() && width > 0 {
        out.pop();
        out.push('…');
    }
    format!("{out:<width$}")
}

/// The data of `load` when it is ready; otherwise draws the "loading" line or the error (with
/// how to retry) in a panel titled `title` over `area`, and returns None.
pub fn ready_or_status<'a, T>(
    load: &'a Load<T>,
    title: &str,
    loading: &str,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<&'a T> {
    let text = match load {
        Load::Ready(data) => return Some(data),
        Load::Loading => vec![Line::styled(loading.to_string(), theme.muted())],
        Load::Failed(e) => vec![
            Line::styled(e.clone(), theme.error()),
            Line::styled("Press r to retry.", theme.muted()),
        ],
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .block(panel(title, theme))
        .render(area, buf);
    None
}

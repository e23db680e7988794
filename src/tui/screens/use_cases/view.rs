//! Draws the Use cases tab from `&App`; never queries.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::App;
use crate::tui::widgets::placeholder;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    placeholder("Use cases", &["being built"], &app.theme, area, buf);
}

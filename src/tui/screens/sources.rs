//! Sources tab (placeholder until it is built).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::App;
use crate::tui::widgets::placeholder;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    placeholder(
        "Sources",
        &[
            "each configured source: kind, last sync, watermark and data freshness",
            "sync errors, with what to do next",
            "background sync progress while the cockpit is open",
        ],
        &app.theme,
        area,
        buf,
    );
}

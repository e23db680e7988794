//! Dependencies tab (placeholder until it is built).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::App;
use crate::tui::widgets::placeholder;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    placeholder(
        "Dependencies",
        &[
            "each AI dependency: use case x provider x model (or resource/SKU), with its 30-day cost",
            "its review class: waste, convenience or load-bearing, with note, reviewer and date",
            "totals per class and suggested waste candidates (spend with no outcome or no requests)",
            "tagging mode: w, c, l mark the selected row waste, convenience, load-bearing",
        ],
        &app.theme,
        area,
        buf,
    );
}

//! Gates tab (placeholder until it is built).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::App;
use crate::tui::widgets::placeholder;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    placeholder(
        "Gates",
        &[
            "the live breach panel: G1 feature spikes, G2 pilots without a metric, G3 sustained jump, G4 trajectory",
            "breaches of complete months and projections for the month in progress",
            "decisions (acknowledge, re-justify, pause, resume, approve) with who, when and a note",
            "the append-only audit log",
        ],
        &app.theme,
        area,
        buf,
    );
}

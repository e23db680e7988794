//! Forecast tab (placeholder until it is built).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::App;
use crate::tui::widgets::placeholder;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    placeholder(
        "Forecast",
        &[
            "monthly spend history and a 12-month forecast with its 80% interval band",
            "the $50K and $80K target lines, the month each is crossed and the probability by year end",
            "the back-test error (rolling-origin MAPE) next to it",
            "what-if scenarios: a provider/model price change from a date, a growth override",
        ],
        &app.theme,
        area,
        buf,
    );
}

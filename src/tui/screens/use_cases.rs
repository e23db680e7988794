//! Use cases tab (placeholder until it is built); shows the breadcrumb of a drill from the Overview.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::App;
use crate::tui::widgets::placeholder;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let title = match &app.drill {
        Some(id) => format!("Use cases › {id}"),
        None => "Use cases".to_string(),
    };
    placeholder(
        &title,
        &[
            "spend per use case, month over month, with owner, kind and outcome metric",
            "drill-down: use case › provider/model/key › day › spike explanation, with breadcrumbs",
            "daily spend with spikes flagged, each split into volume, unit price and mix",
            "Esc goes back to where you came from",
        ],
        &app.theme,
        area,
        buf,
    );
}

//! Mouse: the wheel moves the selection and a click on the tab bar selects that tab. Capture is
//! switched on by a guard whose drop switches it off, on every way out of the cockpit.

use std::io::stdout;

use ratatui::crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::crossterm::execute;

use super::action::Action;
use super::ui;

pub struct MouseCapture;

impl MouseCapture {
    pub fn enable() -> std::io::Result<MouseCapture> {
        execute!(stdout(), EnableMouseCapture)?;
        Ok(MouseCapture)
    }
}

impl Drop for MouseCapture {
    fn drop(&mut self) {
        // Nothing more can be done if the terminal is gone.
        let _ = execute!(stdout(), DisableMouseCapture);
    }
}

/// The action a mouse event asks for, if any.
pub fn action_for(event: &MouseEvent) -> Option<Action> {
    match event.kind {
        MouseEventKind::ScrollDown => Some(Action::Down),
        MouseEventKind::ScrollUp => Some(Action::Up),
        MouseEventKind::Down(MouseButton::Left) if event.row == ui::TAB_ROW => {
            ui::tab_at(event.column).map(|t| Action::SelectTab(t.number()))
        }
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(event.column, event.row)),
        _ => None,
    }
}

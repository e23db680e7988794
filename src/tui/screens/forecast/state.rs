//! Forecast tab state. Changed only through [`State::update`] and the DB answers.

use super::data::{Data, Query};
use crate::tui::action::Action;
use crate::tui::app::Load;
use crate::tui::screens::{Ctx, Outcome};

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub data: Load<Box<Data>>,
    /// The data on screen predates a write or a sync: reload when the tab is next shown.
    pub stale: bool,
    pub selected: usize,
}

impl Default for State {
    fn default() -> State {
        State {
            data: Load::Loading,
            stale: true,
            selected: 0,
        }
    }
}

impl State {
    /// What the DB actor should load for this tab as it stands.
    pub fn query(&self, ctx: &Ctx<'_>) -> Query {
        Query { today: ctx.today }
    }

    pub fn loaded(&mut self, data: Box<Data>) {
        self.data = Load::Ready(data);
    }

    pub fn failed(&mut self, message: String) {
        self.data = Load::Failed(message);
    }

    /// Handles an action while this tab is shown; `Outcome::ignored()` leaves it to the App.
    pub fn update(&mut self, action: &Action, ctx: &Ctx<'_>) -> Outcome {
        let _ = (action, ctx);
        Outcome::ignored()
    }

    /// The text of a prompt this tab opened (`field` as it named it).
    pub fn prompt_submitted(&mut self, field: &str, text: String, ctx: &Ctx<'_>) -> Outcome {
        let _ = (field, text, ctx);
        Outcome::handled()
    }
}

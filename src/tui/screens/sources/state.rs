//! Sources tab state. Changed only through [`State::update`] and the DB answers.

use super::data::{Data, Query, SourceRow};
use super::view;
use crate::tui::action::Action;
use crate::tui::screens::{navigated, Ctx, Reply};
use crate::tui::widgets::filter::{TableFilter, FIELD as FILTER};
use crate::tui::{Effect, Load, Tab};

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub data: Load<Box<Data>>,
    /// The data on screen predates a write or a sync: reload when the tab is next shown.
    pub stale: bool,
    /// Index into [`State::visible`].
    pub selected: usize,
    /// `/` text: only sources whose row contains it (case-insensitive) are shown.
    pub filter: TableFilter,
}

impl Default for State {
    fn default() -> State {
        State {
            data: Load::Loading,
            stale: true,
            selected: 0,
            filter: TableFilter::default(),
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
        self.clamp();
    }

    pub fn failed(&mut self, message: String) {
        self.data = Load::Failed(message);
    }

    /// The rows shown: all, or those matching the filter.
    pub fn visible(&self) -> Vec<&SourceRow> {
        let Some(data) = self.data.ready() else {
            return Vec::new();
        };
        data.sources
            .iter()
            .filter(|s| self.filter.matches(&[&view::row_text(s)]))
            .collect()
    }

    pub fn selected_source(&self) -> Option<&SourceRow> {
        self.visible().get(self.selected).copied()
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.visible().len().saturating_sub(1));
    }

    /// Handles an action while this tab is shown; `Reply::ignored()` leaves it to the App.
    pub fn update(&mut self, action: &Action, ctx: &Ctx<'_>) -> Reply {
        let len = self.visible().len();
        let page = ctx.rows.max(1) as isize;
        if let Some(row) = navigated(action, self.selected, len, page) {
            self.selected = row;
            return Reply::handled();
        }
        match action {
            Action::Enter => return self.sync_selected(),
            Action::Filter => return Reply::prompt(self.filter.prompt(Tab::Sources)),
            Action::Back if self.filter.is_active() => {
                self.filter.clear();
                self.clamp();
            }
            Action::Click(_, row) => match view::row_at(*row, self.selected, ctx.rows, len) {
                Some(i) => self.selected = i,
                None => return Reply::ignored(),
            },
            _ => return Reply::ignored(),
        }
        Reply::handled()
    }

    /// Enter: a sync of the selected source alone (the App refuses on the demo or while one runs).
    fn sync_selected(&self) -> Reply {
        let Some(source) = self.selected_source() else {
            return Reply::handled();
        };
        if source.syncable() {
            return Reply::effect(Effect::Sync {
                sources: vec![source.name.clone()],
            });
        }
        let how = format!(
            "{} is not in the config: add [sources.{}] to sync it",
            source.name, source.name
        );
        Reply::status(how)
    }

    /// The text of a prompt this tab opened (`field` as it named it).
    pub fn prompt_submitted(&mut self, field: &str, text: String, _ctx: &Ctx<'_>) -> Reply {
        if field == FILTER {
            self.filter.set(&text);
            self.selected = 0;
        }
        Reply::handled()
    }
}

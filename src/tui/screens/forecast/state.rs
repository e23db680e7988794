//! Forecast tab state. Changed only through [`State::update`] and the DB answers.

use std::collections::BTreeSet;

use super::data::{Data, Query, WhatIf};
use super::view;
use crate::forecast::MonthBand;
use crate::tui::action::Action;
use crate::tui::db::Request;
use crate::tui::prompt::Prompt;
use crate::tui::screens::{navigated, Ctx, Reply};
use crate::tui::widgets::filter::{TableFilter, FIELD as FILTER};
use crate::tui::{Effect, Load, Tab};

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub data: Load<Box<Data>>,
    /// The data on screen predates a write or a sync: reload when the tab is next shown.
    pub stale: bool,
    /// Index into [`State::visible`] (the months-ahead table).
    pub selected: usize,
    /// The what-if toggles switched on.
    pub what_if: BTreeSet<WhatIf>,
    /// A toggle changed and its forecast is being computed (the previous one stays on screen).
    pub recomputing: bool,
    /// `/` text: only the months whose row contains it are listed.
    pub filter: TableFilter,
    /// Enter opened the selected month's detail (in place of the targets panel); Esc closes it.
    pub detail: bool,
}

impl Default for State {
    fn default() -> State {
        State {
            data: Load::Loading,
            stale: true,
            selected: 0,
            what_if: BTreeSet::new(),
            recomputing: false,
            filter: TableFilter::default(),
            detail: false,
        }
    }
}

impl State {
    /// What the DB actor should load for this tab as it stands.
    pub fn query(&self, ctx: &Ctx<'_>) -> Query {
        Query {
            today: ctx.today,
            what_if: self.what_if.clone(),
        }
    }

    pub fn loaded(&mut self, data: Box<Data>) {
        self.data = Load::Ready(data);
        self.recomputing = false;
        self.selected = self.selected.min(self.visible().len().saturating_sub(1));
    }

    pub fn failed(&mut self, message: String) {
        self.data = Load::Failed(message);
        self.recomputing = false;
    }

    /// The forecast months listed: all, or those matching the filter.
    /// The month whose detail is open, if it is.
    pub fn detail_month(&self) -> Option<&MonthBand> {
        self.detail
            .then(|| self.visible().get(self.selected).copied())
            .flatten()
    }

    pub fn visible(&self) -> Vec<&MonthBand> {
        let Some(data) = self.data.ready() else {
            return Vec::new();
        };
        data.detailed
            .forecast
            .forecast
            .iter()
            .filter(|b| self.filter.matches(&[&view::row_text(b)]))
            .collect()
    }

    /// Handles an action while this tab is shown; `Reply::ignored()` leaves it to the App.
    pub fn update(&mut self, action: &Action, ctx: &Ctx<'_>) -> Reply {
        let len = self.visible().len();
        if let Some(row) = navigated(action, self.selected, len, 6) {
            self.selected = row;
            return Reply::handled();
        }
        match action {
            Action::Toggle(n) => {
                let Some(what) = WhatIf::from_toggle(*n) else {
                    return Reply::ignored();
                };
                if !self.what_if.remove(&what) {
                    self.what_if.insert(what);
                }
                self.recomputing = true;
                return Reply::effect(Effect::Db(Request::Forecast(self.query(ctx))));
            }
            Action::Filter => {
                return Reply::prompt(Prompt::new(
                    Tab::Forecast,
                    FILTER,
                    "Filter months",
                    self.filter.text.clone(),
                ))
            }
            Action::Enter if len > 0 => self.detail = true,
            Action::Back if self.detail => self.detail = false,
            Action::Back if self.filter.is_active() => {
                self.filter.clear();
                self.selected = 0;
            }
            Action::Click(_, row) => {
                let Some(data) = self.data.ready() else {
                    return Reply::ignored();
                };
                let detail = self.detail_month();
                match view::row_at(*row, self.selected, ctx.rows, data, detail, len) {
                    Some(i) => self.selected = i,
                    None => return Reply::ignored(),
                }
            }
            _ => return Reply::ignored(),
        }
        Reply::handled()
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

//! Forecast tab state. Changed only through [`State::update`] and the DB answers.

use std::collections::BTreeSet;

use super::data::{Data, Query, WhatIf};
use super::view;
use crate::forecast::MonthBand;
use crate::tui::action::Action;
use crate::tui::app::{Effect, Load, Tab};
use crate::tui::db::Request;
use crate::tui::prompt::Prompt;
use crate::tui::screens::{moved, Ctx, Outcome};

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
    pub filter: Option<String>,
}

impl Default for State {
    fn default() -> State {
        State {
            data: Load::Loading,
            stale: true,
            selected: 0,
            what_if: BTreeSet::new(),
            recomputing: false,
            filter: None,
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
    pub fn visible(&self) -> Vec<&MonthBand> {
        let Some(data) = self.data.ready() else {
            return Vec::new();
        };
        let needle = self.filter.as_deref().map(str::to_lowercase);
        data.detailed
            .forecast
            .forecast
            .iter()
            .filter(|b| {
                needle
                    .as_deref()
                    .is_none_or(|n| view::row_text(b).to_lowercase().contains(n))
            })
            .collect()
    }

    /// Handles an action while this tab is shown; `Outcome::ignored()` leaves it to the App.
    pub fn update(&mut self, action: &Action, ctx: &Ctx<'_>) -> Outcome {
        let len = self.visible().len();
        match action {
            Action::Toggle(n) => {
                let Some(what) = WhatIf::from_toggle(*n) else {
                    return Outcome::ignored();
                };
                if !self.what_if.remove(&what) {
                    self.what_if.insert(what);
                }
                self.recomputing = true;
                return Outcome::effect(Effect::Db(Request::Forecast(self.query(ctx))));
            }
            Action::Up => self.selected = moved(self.selected, -1, len),
            Action::Down => self.selected = moved(self.selected, 1, len),
            Action::PageUp => self.selected = moved(self.selected, -6, len),
            Action::PageDown => self.selected = moved(self.selected, 6, len),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = len.saturating_sub(1),
            Action::Filter => {
                return Outcome::prompt(Prompt::new(
                    Tab::Forecast,
                    "filter",
                    "Filter months",
                    self.filter.clone().unwrap_or_default(),
                ))
            }
            Action::Back if self.filter.is_some() => {
                self.filter = None;
                self.selected = 0;
            }
            Action::Click(_, row) => {
                let Some(data) = self.data.ready() else {
                    return Outcome::ignored();
                };
                match view::row_at(*row, self.selected, ctx.rows, data, len) {
                    Some(i) => self.selected = i,
                    None => return Outcome::ignored(),
                }
            }
            _ => return Outcome::ignored(),
        }
        Outcome::handled()
    }

    /// The text of a prompt this tab opened (`field` as it named it).
    pub fn prompt_submitted(&mut self, field: &str, text: String, ctx: &Ctx<'_>) -> Outcome {
        let _ = ctx;
        if field == "filter" {
            let text = text.trim();
            self.filter = (!text.is_empty()).then(|| text.to_string());
            self.selected = 0;
        }
        Outcome::handled()
    }
}

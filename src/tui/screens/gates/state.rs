//! Gates tab state. Changed only through [`State::update`] and the DB answers.
//!
//! `d` records a decision in two prompts: the decision (any unique start of one that applies to
//! the breach's gate), then an optional note; then one `Write::Decide`. The selection follows
//! the breach (by id), not the row number, across reloads.

use ratatui::layout::Rect;

use super::choose;
use super::data::{Data, Query};
use super::labels;
use super::view;
use crate::gates::{Breach, Decision};
use crate::tui::action::Action;
use crate::tui::db::{Request, Write};
use crate::tui::prompt::Prompt;
use crate::tui::screens::{navigated, Ctx, Reply};
use crate::tui::widgets::filter::{TableFilter, FIELD as FILTER};
use crate::tui::{Effect, Load, Tab};

/// Prompt fields this tab opens besides the filter (`widgets::filter::FIELD`).
const DECISION: &str = "decision";
const NOTE: &str = "note";

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub data: Load<Box<Data>>,
    /// The data on screen predates a write or a sync: reload when the tab is next shown.
    pub stale: bool,
    /// Row of the visible (filtered) breaches.
    pub selected: usize,
    /// The `/` filter (empty shows every breach).
    pub filter: TableFilter,
    /// The breach `d` was pressed on, while its decision is being typed.
    pub deciding: Option<String>,
    /// The breach and the decision chosen for it, while the note is being typed.
    pub pending: Option<(String, Decision)>,
    /// The breach to select when the next data arrives.
    pub keep: Option<String>,
}

impl Default for State {
    fn default() -> State {
        State {
            data: Load::Loading,
            stale: true,
            selected: 0,
            filter: TableFilter::default(),
            deciding: None,
            pending: None,
            keep: None,
        }
    }
}

impl State {
    /// What the DB actor should load for this tab as it stands.
    pub fn query(&self, ctx: &Ctx<'_>) -> Query {
        Query { today: ctx.today }
    }

    /// New data: the selection stays on the same breach if it is still shown.
    pub fn loaded(&mut self, data: Box<Data>) {
        let want = self
            .keep
            .take()
            .or_else(|| self.selected_breach().map(|b| b.id.clone()));
        self.data = Load::Ready(data);
        let visible = self.visible();
        self.selected = want
            .and_then(|id| visible.iter().position(|b| b.id == id))
            .unwrap_or(self.selected)
            .min(visible.len().saturating_sub(1));
    }

    pub fn failed(&mut self, message: String) {
        self.data = Load::Failed(message);
    }

    /// The breaches shown, in the engine's order (open first), through the filter.
    pub fn visible(&self) -> Vec<&Breach> {
        let Some(data) = self.data.ready() else {
            return Vec::new();
        };
        data.report
            .breaches
            .iter()
            .filter(|b| {
                let cells = labels::searchable(b);
                let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                self.filter.matches(&cells)
            })
            .collect()
    }

    pub fn selected_breach(&self) -> Option<&Breach> {
        self.visible().get(self.selected).copied()
    }

    /// Handles an action while this tab is shown; `Reply::ignored()` leaves it to the App.
    pub fn update(&mut self, action: &Action, ctx: &Ctx<'_>) -> Reply {
        let len = self.visible().len();
        let page = view::table_rows(body(ctx), len).max(1) as isize;
        if let Some(row) = navigated(action, self.selected, len, page) {
            self.selected = row;
            return Reply::handled();
        }
        match action {
            Action::Filter => return Reply::prompt(self.filter.prompt(Tab::Gates)),
            Action::Back if self.filter.is_active() => self.set_filter(""),
            Action::Decide => return self.start_decision(),
            Action::Click(_, row) => {
                if let Some(i) = view::row_at(body(ctx), len, self.selected, *row) {
                    self.selected = i;
                }
            }
            _ => return Reply::ignored(),
        }
        Reply::handled()
    }

    /// The text of a prompt this tab opened (`field` as it named it).
    pub fn prompt_submitted(&mut self, field: &str, text: String, ctx: &Ctx<'_>) -> Reply {
        match field {
            FILTER => {
                self.set_filter(&text);
                Reply::handled()
            }
            DECISION => self.decision_typed(&text),
            NOTE => self.note_typed(text, ctx),
            _ => Reply::handled(),
        }
    }

    fn set_filter(&mut self, text: &str) {
        let id = self.selected_breach().map(|b| b.id.clone());
        self.filter.set(text);
        let visible = self.visible();
        self.selected = id
            .and_then(|id| visible.iter().position(|b| b.id == id))
            .unwrap_or(0);
    }

    fn start_decision(&mut self) -> Reply {
        self.pending = None;
        let Some(b) = self.selected_breach() else {
            self.deciding = None;
            return Reply::status("no breach selected: nothing to decide");
        };
        let label = format!("decision ({})", choose::names(&choose::applicable(b.gate)));
        self.deciding = Some(b.id.clone());
        Reply::prompt(Prompt::new(Tab::Gates, DECISION, label, ""))
    }

    fn decision_typed(&mut self, text: &str) -> Reply {
        let Some(id) = self.deciding.take() else {
            return Reply::handled();
        };
        let Some(gate) = self
            .data
            .ready()
            .and_then(|d| d.report.find(&id))
            .map(|b| b.gate)
        else {
            return Reply::status(format!("{id} is no longer a breach; nothing was recorded"));
        };
        match choose::choose(text, gate) {
            Ok(decision) => {
                // Short, so a note has room on an 80-column prompt line (the breach is on screen).
                let label = format!("{decision} note (Enter skips)");
                self.pending = Some((id, decision));
                Reply::prompt(Prompt::new(Tab::Gates, NOTE, label, ""))
            }
            Err(why) => Reply::status(why),
        }
    }

    fn note_typed(&mut self, text: String, ctx: &Ctx<'_>) -> Reply {
        let Some((id, decision)) = self.pending.take() else {
            return Reply::handled();
        };
        let note = (!text.trim().is_empty()).then_some(text);
        self.keep = Some(id.clone());
        let mut reply = Reply::effect(Effect::Db(Request::Write(Write::Decide {
            id: id.clone(),
            decision,
            by: ctx.user.to_string(),
            note,
            today: ctx.today,
        })));
        reply.status = Some(format!("recording {decision} on {id}…"));
        reply
    }
}

/// The body's rectangle as the view gets it (the body starts below the header and tab bar; its
/// width does not move the table's rows).
fn body(ctx: &Ctx<'_>) -> Rect {
    Rect {
        x: 0,
        y: 2,
        width: u16::MAX / 2,
        height: ctx.rows + 3,
    }
}

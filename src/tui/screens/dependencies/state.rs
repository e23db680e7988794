//! Dependencies tab state: a review queue. `w`/`c`/`l` tag the selected row at once and move to
//! the next one; `n` edits the note (keeping the class); `u` shows only the rows never reviewed.
//! The selection follows a dependency's key, not its row number, across reloads.

use ratatui::layout::Rect;

use super::data::{Data, Query};
use super::labels;
use super::view;
use crate::deps::{DepClass, Dependency};
use crate::tui::action::Action;
use crate::tui::db::{Request, Write};
use crate::tui::prompt::Prompt;
use crate::tui::screens::{navigated, Ctx, Reply};
use crate::tui::widgets::filter::{TableFilter, FIELD as FILTER};
use crate::tui::{Effect, Load, Tab};

/// Prompt fields this tab opens besides the filter (`widgets::filter::FIELD`).
const NOTE: &str = "note";

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub data: Load<Box<Data>>,
    /// The data on screen predates a write or a sync: reload when the tab is next shown.
    pub stale: bool,
    /// Row of the visible (filtered) dependencies.
    pub selected: usize,
    /// The `/` filter (empty shows every row).
    pub filter: TableFilter,
    /// Only the dependencies never reviewed.
    pub untagged_only: bool,
    /// The dependency (key) and class whose note is being typed.
    pub noting: Option<(String, DepClass)>,
    /// The key to select when the next data arrives.
    pub keep: Option<String>,
}

impl Default for State {
    fn default() -> State {
        State {
            data: Load::Loading,
            stale: true,
            selected: 0,
            filter: TableFilter::default(),
            untagged_only: false,
            noting: None,
            keep: None,
        }
    }
}

impl State {
    /// What the DB actor should load for this tab as it stands.
    pub fn query(&self, ctx: &Ctx<'_>) -> Query {
        Query { today: ctx.today }
    }

    /// New data: the selection goes to the key asked for (the next row after a tag), else stays
    /// on the same key, else on the same row number.
    pub fn loaded(&mut self, data: Box<Data>) {
        let want = self
            .keep
            .take()
            .or_else(|| self.selected_dep().map(|d| d.key.clone()));
        self.data = Load::Ready(data);
        self.select_key(want);
    }

    pub fn failed(&mut self, message: String) {
        self.data = Load::Failed(message);
    }

    /// The rows shown: largest 30-day spend first, through the untagged-only and text filters.
    pub fn visible(&self) -> Vec<&Dependency> {
        let Some(data) = self.data.ready() else {
            return Vec::new();
        };
        data.report
            .dependencies
            .iter()
            .filter(|d| !self.untagged_only || d.class.is_none())
            .filter(|d| {
                let cells = labels::searchable(d);
                let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
                self.filter.matches(&cells)
            })
            .collect()
    }

    pub fn selected_dep(&self) -> Option<&Dependency> {
        self.visible().get(self.selected).copied()
    }

    /// Handles an action while this tab is shown; `Reply::ignored()` leaves it to the App.
    pub fn update(&mut self, action: &Action, ctx: &Ctx<'_>) -> Reply {
        let len = self.visible().len();
        let page = view::table_rows(body(ctx)).max(1) as isize;
        if let Some(row) = navigated(action, self.selected, len, page) {
            self.selected = row;
            return Reply::handled();
        }
        match action {
            Action::Filter => return Reply::prompt(self.filter.prompt(Tab::Dependencies)),
            Action::Back if self.filter.is_active() => {
                self.refilter(|s| {
                    s.filter.clear();
                });
            }
            Action::ToggleUntagged => {
                self.refilter(|s| s.untagged_only = !s.untagged_only);
            }
            Action::Tag(class) => return self.tag(*class, ctx),
            Action::Note => return self.start_note(),
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
                self.refilter(|s| s.filter.set(&text));
                Reply::handled()
            }
            NOTE => {
                let Some((key, class)) = self.noting.take() else {
                    return Reply::handled();
                };
                self.keep = Some(key.clone());
                let note = (!text.trim().is_empty()).then_some(text);
                write(key, class, note, ctx)
            }
            _ => Reply::handled(),
        }
    }

    /// Changes what is shown, keeping the selected key when it is still there.
    fn refilter(&mut self, change: impl FnOnce(&mut State)) {
        let key = self.selected_dep().map(|d| d.key.clone());
        change(self);
        self.selected = 0;
        self.select_key(key);
    }

    fn select_key(&mut self, key: Option<String>) {
        let visible = self.visible();
        self.selected = key
            .and_then(|k| visible.iter().position(|d| d.key == k))
            .unwrap_or(self.selected)
            .min(visible.len().saturating_sub(1));
    }

    /// Tags the selected row (keeping its note) and moves on to the next one, like a queue.
    fn tag(&mut self, class: DepClass, ctx: &Ctx<'_>) -> Reply {
        if self.data.ready().is_none() {
            return Reply::status("the dependencies are still loading; tag again in a moment");
        }
        let visible = self.visible();
        let Some(dep) = visible.get(self.selected) else {
            return Reply::status("no dependency selected: nothing to tag");
        };
        let (key, note) = (dep.key.clone(), dep.note.clone());
        let next = visible.get(self.selected + 1).map(|d| d.key.clone());
        let moved_on = next.is_some();
        self.keep = Some(next.unwrap_or_else(|| key.clone()));
        if moved_on {
            self.selected += 1;
        }
        write(key, class, note, ctx)
    }

    fn start_note(&mut self) -> Reply {
        self.noting = None;
        let Some(dep) = self.selected_dep() else {
            return Reply::status("no dependency selected: nothing to note");
        };
        let Some(class) = dep.class else {
            return Reply::status(
                "never reviewed: tag it first (w waste, c convenience, l load-bearing), then n",
            );
        };
        // Short, so the note has room on an 80-column prompt line (the key is on screen).
        let label = format!("Note ({class})");
        let text = dep.note.clone().unwrap_or_default();
        self.noting = Some((dep.key.clone(), class));
        Reply::prompt(Prompt::new(Tab::Dependencies, NOTE, label, text))
    }
}

fn write(key: String, class: DepClass, note: Option<String>, ctx: &Ctx<'_>) -> Reply {
    let mut reply = Reply::effect(Effect::Db(Request::Write(Write::Tag {
        key: key.clone(),
        class,
        note,
        by: ctx.user.to_string(),
        today: ctx.today,
    })));
    reply.status = Some(format!("marking {key} {class}…"));
    reply
}

/// The body's rectangle as the view gets it (below the header and the tab bar).
fn body(ctx: &Ctx<'_>) -> Rect {
    Rect {
        x: 0,
        y: 2,
        width: u16::MAX / 2,
        height: ctx.rows + 3,
    }
}

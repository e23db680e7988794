//! Use cases tab state: a stack of drill-down levels (0 = every use case, 1 = one use case by
//! provider/model/key, 2 = one slice day by day, 3 = a spike's explanation). Each level keeps
//! its data, so Esc shows the level above at once; Enter asks the DB actor for the level below.
//! Changed only through [`State::update`], [`State::prompt_submitted`] and the DB answers.

use ratatui::layout::Rect;

use super::data::{Data, DayLine, Level, Query, Slice, SliceLine, UseCaseLine};
use super::view;
use crate::month::Month;
use crate::spikes::Spike;
use crate::tui::action::Action;
use crate::tui::db::Request;
use crate::tui::screens::{navigated, Ctx, Reply};
use crate::tui::widgets::filter::{TableFilter, FIELD as FILTER};
use crate::tui::{Effect, Load, Tab};

/// One drill-down level on the stack.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillLevel {
    pub level: Level,
    pub data: Load<Box<Data>>,
    /// Index into the rows shown (after the filter).
    pub selected: usize,
    pub filter: TableFilter,
    /// A deeper level reloaded after this one was loaded: reload when it is shown again.
    pub outdated: bool,
}

impl DrillLevel {
    fn new(level: Level) -> DrillLevel {
        DrillLevel {
            level,
            data: Load::Loading,
            selected: 0,
            filter: TableFilter::default(),
            outdated: false,
        }
    }

    /// The selectable rows of this level that pass the filter, in display order.
    pub fn rows(&self) -> Vec<RowRef<'_>> {
        let Some(data) = self.data.ready() else {
            return Vec::new();
        };
        let all: Vec<RowRef<'_>> = match data.as_ref() {
            Data::Table(t) => t.rows.iter().map(RowRef::UseCase).collect(),
            Data::UseCase(u) => u
                .spikes
                .iter()
                .map(RowRef::Spike)
                .chain(u.slices.iter().map(RowRef::Slice))
                .collect(),
            Data::Slice(s) => s.days.iter().map(RowRef::Day).collect(),
            Data::Spike(_) => Vec::new(),
        };
        all.into_iter()
            .filter(|r| self.filter.matches(&r.cells()))
            .collect()
    }
}

/// A selectable row of some level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowRef<'a> {
    UseCase(&'a UseCaseLine),
    Spike(&'a Spike),
    Slice(&'a SliceLine),
    Day(&'a DayLine),
}

impl RowRef<'_> {
    /// The text the filter searches (what the row shows in words).
    fn cells(&self) -> Vec<&str> {
        match self {
            RowRef::UseCase(u) => vec![&u.use_case, &u.name, &u.kind, &u.owner],
            RowRef::Spike(s) => vec!["spike", s.main_effect()],
            RowRef::Slice(s) => vec![&s.slice.provider, &s.slice.item, s.key_label()],
            RowRef::Day(d) => {
                if d.spike.is_some() {
                    vec!["spike"]
                } else {
                    vec![]
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The drill-down levels, level 0 first; never empty.
    pub frames: Vec<DrillLevel>,
    /// The data on screen predates a write or a sync: reload when the tab is next shown.
    pub stale: bool,
    /// Level 1 was opened from the Overview: Esc there returns to the Overview.
    pub from_overview: bool,
}

impl Default for State {
    fn default() -> State {
        State {
            frames: vec![DrillLevel::new(Level::Table { month: None })],
            stale: true,
            from_overview: false,
        }
    }
}

impl State {
    /// Opens the tab on use case `id` (Enter on the Overview) for the month the Overview's
    /// table shows (the latest complete one), above level 0 of that month.
    pub fn open(&mut self, id: String) {
        let table = Level::Table { month: None };
        if self.frames[0].level != table {
            self.frames[0] = DrillLevel::new(table);
        }
        self.frames.truncate(1);
        self.frames
            .push(DrillLevel::new(Level::UseCase { id, month: None }));
        self.stale = true;
        self.from_overview = true;
    }

    /// The level shown.
    pub fn top(&self) -> &DrillLevel {
        // `frames` is never empty: level 0 is never popped.
        &self.frames[self.frames.len() - 1]
    }

    fn top_mut(&mut self) -> &mut DrillLevel {
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    /// What the DB actor should load for this tab as it stands: the level shown.
    pub fn query(&self, ctx: &Ctx<'_>) -> Query {
        Query {
            today: ctx.today,
            level: self.top().level.clone(),
        }
    }

    /// Data for a level still on the stack; answers for levels left since are dropped.
    pub fn loaded(&mut self, data: Box<Data>) {
        let Some(i) = self.frames.iter().position(|f| f.level == *data.level()) else {
            return;
        };
        let reload = self.frames[i].data.ready().is_some();
        let frame = &mut self.frames[i];
        frame.data = Load::Ready(data);
        frame.outdated = false;
        let rows = frame.rows().len();
        frame.selected = frame.selected.min(rows.saturating_sub(1));
        if reload {
            // Newer data below: the levels above it show older numbers until reloaded.
            for f in &mut self.frames[..i] {
                f.outdated = true;
            }
        }
    }

    /// A load failed: the level shows why, and `r` (a reload of a stale tab) tries again.
    pub fn failed(&mut self, message: String) {
        self.top_mut().data = Load::Failed(message);
        self.stale = true;
    }

    /// Handles an action while this tab is shown; `Reply::ignored()` leaves it to the App
    /// (Esc on level 0, or on the level 1 the Overview opened, returns to the Overview when
    /// the user came from there).
    pub fn update(&mut self, action: &Action, ctx: &Ctx<'_>) -> Reply {
        let rows = self.top().rows().len();
        let page = ctx.rows.max(1) as isize;
        let selected = self.top().selected;
        if let Some(row) = navigated(action, selected, rows, page) {
            return self.select(row);
        }
        match action {
            Action::Enter => self.enter(ctx),
            Action::Back => self.back(ctx),
            Action::Filter => {
                if matches!(self.top().level, Level::Spike { .. }) {
                    Reply::status("nothing to filter here; Esc goes back")
                } else {
                    Reply::prompt(self.top().filter.prompt(Tab::UseCases))
                }
            }
            Action::PrevMonth => self.step_month(-1, ctx),
            Action::NextMonth => self.step_month(1, ctx),
            Action::Click(column, row) => self.click(*column, *row, ctx),
            _ => Reply::ignored(),
        }
    }

    /// The text of a prompt this tab opened (`field` as it named it).
    pub fn prompt_submitted(&mut self, field: &str, text: String, _ctx: &Ctx<'_>) -> Reply {
        if field == FILTER {
            let top = self.top_mut();
            top.filter.set(&text);
            top.selected = 0;
        }
        Reply::handled()
    }

    fn select(&mut self, index: usize) -> Reply {
        self.top_mut().selected = index;
        Reply::handled()
    }

    fn enter(&mut self, ctx: &Ctx<'_>) -> Reply {
        let top = self.top();
        let rows = top.rows();
        let Some(row) = rows.get(top.selected).copied() else {
            return Reply::handled();
        };
        let (id, month) = match (&top.level, top.data.ready().map(|d| d.as_ref())) {
            (Level::Table { .. }, Some(Data::Table(t))) => (String::new(), t.month),
            (Level::UseCase { id, .. }, Some(Data::UseCase(u))) => (id.clone(), u.month),
            (Level::Slice { id, month, .. }, _) => (id.clone(), *month),
            _ => return Reply::handled(),
        };
        let next = match row {
            RowRef::UseCase(u) => vec![Level::UseCase {
                id: u.use_case.clone(),
                month: Some(month),
            }],
            RowRef::Slice(s) => vec![Level::Slice {
                id,
                month,
                slice: s.slice.clone(),
            }],
            RowRef::Spike(s) => {
                // Straight to the explanation, through the slice that moved most that day.
                let Some(slice) = spike_slice(s) else {
                    return Reply::status("no rows behind this spike");
                };
                let month = Month::of(s.day);
                vec![
                    Level::Slice {
                        id: id.clone(),
                        month,
                        slice: slice.clone(),
                    },
                    Level::Spike {
                        id,
                        month,
                        slice,
                        day: s.day,
                    },
                ]
            }
            RowRef::Day(d) => {
                let Level::Slice { slice, .. } = &top.level else {
                    return Reply::handled();
                };
                if d.spike.is_none() {
                    return Reply::status(format!(
                        "{} is not a spike; Enter explains the days marked ⚠ spike",
                        d.day
                    ));
                }
                vec![Level::Spike {
                    id,
                    month,
                    slice: slice.clone(),
                    day: d.day,
                }]
            }
        };
        self.frames.extend(next.into_iter().map(DrillLevel::new));
        Reply::effect(self.load_top(ctx))
    }

    fn back(&mut self, ctx: &Ctx<'_>) -> Reply {
        if self.top_mut().filter.clear() {
            self.top_mut().selected = 0;
            return Reply::handled();
        }
        if self.frames.len() == 1 {
            return Reply::ignored();
        }
        if self.from_overview && self.frames.len() == 2 {
            // Back where the user came from; the tab shows level 0 when next opened.
            self.from_overview = false;
            self.frames.pop();
            self.stale |= self.top().data.ready().is_none();
            return Reply {
                handled: true,
                goto: Some(Tab::Overview),
                ..Reply::default()
            };
        }
        self.frames.pop();
        let top = self.top();
        if top.data.ready().is_some() && !top.outdated {
            return Reply::handled();
        }
        // Reached without loading it (a jump to a spike) or older than the level left.
        self.top_mut().outdated = false;
        Reply::effect(self.load_top(ctx))
    }

    /// `[` / `]` on levels 0 and 1: the same view of the month before or after (not past the
    /// month in progress).
    fn step_month(&mut self, by: i32, ctx: &Ctx<'_>) -> Reply {
        let top = self.top();
        let shown = match top.data.ready().map(|d| d.as_ref()) {
            Some(Data::Table(t)) => t.month,
            Some(Data::UseCase(u)) => u.month,
            _ => return Reply::status("[ and ] change the month on the first two levels"),
        };
        let month = shown.plus(by);
        if month > Month::of(ctx.today) {
            return Reply::status(format!("{} is the month in progress", shown.short_name()));
        }
        let level = match &top.level {
            Level::Table { .. } => Level::Table { month: Some(month) },
            Level::UseCase { id, .. } => Level::UseCase {
                id: id.clone(),
                month: Some(month),
            },
            _ => return Reply::handled(),
        };
        let frame = self.top_mut();
        frame.level = level;
        frame.data = Load::Loading;
        frame.selected = 0;
        Reply::effect(self.load_top(ctx))
    }

    /// A click on a table row selects it; a click on the selected row opens it.
    fn click(&mut self, column: u16, row: u16, ctx: &Ctx<'_>) -> Reply {
        let areas = view::layout(body_area(ctx), self.top());
        let rows = self.top().rows().len();
        let Some(index) = view::row_at(&areas, self.top().selected, rows, column, row) else {
            return Reply::ignored();
        };
        if index == self.top().selected {
            return self.enter(ctx);
        }
        self.select(index)
    }

    fn load_top(&self, ctx: &Ctx<'_>) -> Effect {
        Effect::Db(Request::UseCases(self.query(ctx)))
    }

    /// The breadcrumbs of the level shown:
    /// `Use cases › support-deflection › OpenAI gpt-5.5 › 2026-11-11 › spike`.
    pub fn breadcrumbs(&self) -> Vec<String> {
        let mut out = vec!["Use cases".to_string()];
        match &self.top().level {
            Level::Table { .. } => {}
            Level::UseCase { id, .. } => out.push(id.clone()),
            Level::Slice { id, slice, .. } => out.extend([id.clone(), slice.label()]),
            Level::Spike { id, slice, day, .. } => out.extend([
                id.clone(),
                slice.label(),
                day.to_string(),
                "spike".to_string(),
            ]),
        }
        out
    }
}

/// The slice of a spike's largest change (its first row behind it).
fn spike_slice(spike: &Spike) -> Option<Slice> {
    spike.top_rows.first().map(|r| Slice {
        provider: r.provider.clone(),
        item: r.item.clone(),
        api_key: r.api_key.clone().unwrap_or_default(),
    })
}

/// The tab's body as the frame lays it out: below the header and tab bar, above the footer
/// (`ctx.rows` leaves out those three rows and a table's border and heading).
fn body_area(ctx: &Ctx<'_>) -> Rect {
    Rect {
        x: 0,
        y: 2,
        width: u16::MAX,
        height: ctx.rows.saturating_add(3),
    }
}

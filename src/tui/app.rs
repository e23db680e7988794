//! Cockpit state. [`App::update`] is the only mutator; rendering reads it (`impl Widget for &App`
//! in `ui.rs`) and side effects are returned as [`Effect`]s for the event loop to carry out.

use chrono::NaiveDate;

use super::action::Action;
use super::keymap::Keymap;
use super::theme::Theme;
use crate::overview::Overview;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    UseCases,
    Gates,
    Forecast,
    Dependencies,
    Sources,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::UseCases,
        Tab::Gates,
        Tab::Forecast,
        Tab::Dependencies,
        Tab::Sources,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::UseCases => "Use cases",
            Tab::Gates => "Gates",
            Tab::Forecast => "Forecast",
            Tab::Dependencies => "Dependencies",
            Tab::Sources => "Sources",
        }
    }

    /// The number shown next to the tab and typed to select it (1-based).
    pub fn number(self) -> u8 {
        Tab::ALL
            .iter()
            .position(|t| *t == self)
            .map_or(1, |i| i as u8 + 1)
    }

    pub fn from_number(n: u8) -> Option<Tab> {
        Tab::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    fn offset(self, by: isize) -> Tab {
        let len = Tab::ALL.len() as isize;
        let i = (self.number() as isize - 1 + by).rem_euclid(len);
        Tab::ALL[i as usize]
    }
}

/// Data that arrives from the DB actor.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(String),
}

/// What the event loop must do after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    LoadOverview,
}

#[derive(Debug, Clone)]
pub struct App {
    /// The "as of" date.
    pub today: NaiveDate,
    pub tab: Tab,
    pub help: bool,
    pub quit: bool,
    /// Terminal size last reported (columns, rows).
    pub size: (u16, u16),
    pub overview: Load<Box<Overview>>,
    /// A reload is in flight (the data shown is the previous one).
    pub refreshing: bool,
    /// The last load error while older data stays on screen.
    pub last_error: Option<String>,
    /// Selected row of the Overview's use-case table.
    pub selected: usize,
    /// The use case drilled into from the Overview (the Use cases tab's breadcrumb).
    pub drill: Option<String>,
    pub keymap: Keymap,
    pub theme: Theme,
}

impl App {
    pub fn new(today: NaiveDate, keymap: Keymap, theme: Theme) -> App {
        App {
            today,
            tab: Tab::Overview,
            help: false,
            quit: false,
            size: (0, 0),
            overview: Load::Loading,
            refreshing: true,
            last_error: None,
            selected: 0,
            drill: None,
            keymap,
            theme,
        }
    }

    pub fn update(&mut self, action: Action) -> Option<Effect> {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = !self.help,
            Action::SelectTab(n) => {
                if let Some(tab) = Tab::from_number(n) {
                    self.tab = tab;
                    self.help = false;
                }
            }
            Action::NextTab => self.tab = self.tab.offset(1),
            Action::PrevTab => self.tab = self.tab.offset(-1),
            Action::Up if !self.help => self.selected = self.selected.saturating_sub(1),
            Action::Down if !self.help => {
                self.selected = (self.selected + 1).min(self.use_case_rows().saturating_sub(1))
            }
            Action::Enter if !self.help && self.tab == Tab::Overview => {
                if let Some(id) = self.selected_use_case() {
                    self.drill = Some(id);
                    self.tab = Tab::UseCases;
                }
            }
            Action::Back => {
                if self.help {
                    self.help = false;
                } else if self.tab == Tab::UseCases && self.drill.take().is_some() {
                    self.tab = Tab::Overview;
                }
            }
            Action::Refresh => {
                self.refreshing = true;
                return Some(Effect::LoadOverview);
            }
            Action::Resize(w, h) => self.size = (w, h),
            Action::OverviewLoaded(overview) => {
                self.overview = Load::Ready(overview);
                self.refreshing = false;
                self.last_error = None;
                self.selected = self.selected.min(self.use_case_rows().saturating_sub(1));
            }
            Action::LoadFailed(message) => {
                self.refreshing = false;
                match self.overview {
                    Load::Ready(_) => self.last_error = Some(message),
                    _ => self.overview = Load::Failed(message),
                }
            }
            Action::Up | Action::Down | Action::Enter => {}
        }
        None
    }

    pub fn overview(&self) -> Option<&Overview> {
        match &self.overview {
            Load::Ready(o) => Some(o),
            _ => None,
        }
    }

    /// The use case under the Overview's selection.
    pub fn selected_use_case(&self) -> Option<String> {
        self.overview()?
            .report
            .by_use_case
            .get(self.selected)
            .map(|u| u.use_case.clone())
    }

    fn use_case_rows(&self) -> usize {
        self.overview().map_or(0, |o| o.report.by_use_case.len())
    }
}

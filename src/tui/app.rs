//! Cockpit state. [`App::update`] is the only mutator; rendering reads it (`impl Widget for &App`
//! in `ui.rs`) and side effects are returned as [`Effect`]s for the event loop to carry out.

use chrono::NaiveDate;

use super::action::{Action, Loaded};
use super::db::{Request, Write};
use super::effect::Effect;
use super::keymap::Keymap;
use super::load::Load;
use super::prompt::{Prompt, PromptEvent};
use super::screens::{self, Ctx, Reply};
use super::tab::Tab;
use super::theme::Theme;
use crate::month::Month;
use crate::overview::Overview;

/// The App's own prompt field: the month of the pack `e` exports.
const EXPORT_FIELD: &str = "export";
/// What `s` says on the demo DB.
pub const DEMO_NO_SYNC: &str =
    "this is the demo DB: sync is off; run `tollgate sync` on your own DB";

#[derive(Debug, Clone)]
pub struct App {
    /// The "as of" date.
    pub today: NaiveDate,
    pub tab: Tab,
    pub help: bool,
    /// First help line shown (the help scrolls when the terminal is short).
    pub help_scroll: u16,
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
    pub use_cases: screens::use_cases::State,
    pub gates: screens::gates::State,
    pub forecast: screens::forecast::State,
    pub dependencies: screens::dependencies::State,
    pub sources: screens::sources::State,
    /// The open text prompt, which takes every key until Enter or Esc.
    pub prompt: Option<Prompt>,
    /// A one-line message (what a write did, why it failed), until the next key.
    pub status: Option<String>,
    /// A background sync is running.
    pub syncing: bool,
    /// The DB is the demo's: syncing is off.
    pub demo: bool,
    /// Who decisions and reviews are recorded as.
    pub user: String,
    pub keymap: Keymap,
    pub theme: Theme,
}

impl App {
    pub fn new(today: NaiveDate, keymap: Keymap, theme: Theme) -> App {
        App {
            today,
            tab: Tab::Overview,
            help: false,
            help_scroll: 0,
            quit: false,
            size: (0, 0),
            overview: Load::Loading,
            refreshing: true,
            last_error: None,
            selected: 0,
            use_cases: Default::default(),
            gates: Default::default(),
            forecast: Default::default(),
            dependencies: Default::default(),
            sources: Default::default(),
            prompt: None,
            status: None,
            syncing: false,
            demo: false,
            user: default_user(),
            keymap,
            theme,
        }
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        if action.is_input() {
            self.status = None;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.help = !self.help;
                self.help_scroll = 0;
            }
            Action::Up if self.help => self.help_scroll = self.help_scroll.saturating_sub(1),
            Action::Down if self.help => self.help_scroll = self.help_scroll.saturating_add(1),
            Action::PageUp if self.help => self.help_scroll = self.help_scroll.saturating_sub(10),
            Action::PageDown if self.help => self.help_scroll = self.help_scroll.saturating_add(10),
            Action::SelectTab(n) => {
                if let Some(tab) = Tab::from_number(n) {
                    self.help = false;
                    return self.show(tab);
                }
            }
            Action::NextTab => return self.show(self.tab.offset(1)),
            Action::PrevTab => return self.show(self.tab.offset(-1)),
            Action::Back if self.help => self.help = false,
            Action::Refresh => {
                self.refreshing = true;
                self.mark_stale(self.tab);
                let mut effects = vec![Effect::Db(Request::Overview { today: self.today })];
                effects.extend(self.load_tab(self.tab));
                return effects;
            }
            Action::SyncNow => return self.start_sync(Vec::new()),
            Action::SyncTick if !self.syncing && !self.demo => {
                return self.start_sync(Vec::new());
            }
            Action::Export => {
                let month = self
                    .overview()
                    .map(|o| o.report.month.to_string())
                    .unwrap_or_default();
                self.prompt = Some(Prompt::new(
                    Tab::Overview,
                    EXPORT_FIELD,
                    "Export the business-review pack for month (YYYY-MM)",
                    month,
                ));
            }
            Action::SyncTick => {}
            Action::CachesCleared => {}
            Action::Resize(w, h) => self.size = (w, h),
            Action::PromptKey(key) => return self.prompt_key(&key),
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
            Action::Loaded(loaded) => self.loaded(loaded),
            Action::TabLoadFailed { tab, message } => {
                match tab {
                    Tab::Overview => self.overview = Load::Failed(message),
                    Tab::UseCases => self.use_cases.failed(message),
                    Tab::Gates => self.gates.failed(message),
                    Tab::Forecast => self.forecast.failed(message),
                    Tab::Dependencies => self.dependencies.failed(message),
                    Tab::Sources => self.sources.failed(message),
                }
                // A failed load is retried by `r` or the next visit, on every tab.
                self.mark_stale(tab);
            }
            Action::Written(result) => {
                return match result {
                    Ok(done) => {
                        self.status = Some(done);
                        self.data_changed()
                    }
                    Err(why) => {
                        self.status = Some(format!("not saved: {why}"));
                        Vec::new()
                    }
                };
            }
            Action::Sync { running, summary } => {
                self.syncing = running;
                self.status = Some(summary);
                if !running {
                    // The sync wrote through its own connection: the actor's caches go first.
                    let mut effects = vec![Effect::Db(Request::DataChanged)];
                    effects.extend(self.data_changed());
                    return effects;
                }
            }
            other if !self.help => return self.tab_action(other),
            _ => {}
        }
        Vec::new()
    }

    /// Starts a background sync of `sources` (empty: all), unless one runs or this is the demo.
    fn start_sync(&mut self, sources: Vec<String>) -> Vec<Effect> {
        if self.demo {
            self.status = Some(DEMO_NO_SYNC.to_string());
            Vec::new()
        } else if self.syncing {
            self.status = Some("a sync is already running".to_string());
            Vec::new()
        } else {
            self.syncing = true;
            vec![Effect::Sync { sources }]
        }
    }

    /// Shows `tab`, loading its data if it has none or it is stale.
    fn show(&mut self, tab: Tab) -> Vec<Effect> {
        self.tab = tab;
        self.load_tab(tab)
    }

    /// The load request for `tab` if its data is missing or stale.
    fn load_tab(&mut self, tab: Tab) -> Vec<Effect> {
        let ctx = Ctx::new(self.today, &self.user, self.size);
        let request = match tab {
            Tab::Overview => return Vec::new(),
            Tab::UseCases => std::mem::take(&mut self.use_cases.stale)
                .then(|| Request::UseCases(self.use_cases.query(&ctx))),
            Tab::Gates => std::mem::take(&mut self.gates.stale)
                .then(|| Request::Gates(self.gates.query(&ctx))),
            Tab::Forecast => std::mem::take(&mut self.forecast.stale)
                .then(|| Request::Forecast(self.forecast.query(&ctx))),
            Tab::Dependencies => std::mem::take(&mut self.dependencies.stale)
                .then(|| Request::Dependencies(self.dependencies.query(&ctx))),
            Tab::Sources => std::mem::take(&mut self.sources.stale)
                .then(|| Request::Sources(self.sources.query(&ctx))),
        };
        request.map(Effect::Db).into_iter().collect()
    }

    /// Marks `tab`'s data to be loaded again when it is next shown (the Overview always is).
    fn mark_stale(&mut self, tab: Tab) {
        match tab {
            Tab::Overview => {}
            Tab::UseCases => self.use_cases.stale = true,
            Tab::Gates => self.gates.stale = true,
            Tab::Forecast => self.forecast.stale = true,
            Tab::Dependencies => self.dependencies.stale = true,
            Tab::Sources => self.sources.stale = true,
        }
    }

    /// After a write or a sync: every tab is stale; the Overview and the shown tab reload now.
    fn data_changed(&mut self) -> Vec<Effect> {
        for tab in Tab::ALL {
            self.mark_stale(tab);
        }
        self.refreshing = true;
        let mut effects = vec![Effect::Db(Request::Overview { today: self.today })];
        effects.extend(self.load_tab(self.tab));
        effects
    }

    fn loaded(&mut self, loaded: Loaded) {
        match loaded {
            Loaded::UseCases(d) => self.use_cases.loaded(d),
            Loaded::Gates(d) => self.gates.loaded(d),
            Loaded::Forecast(d) => self.forecast.loaded(d),
            Loaded::Dependencies(d) => self.dependencies.loaded(d),
            Loaded::Sources(d) => self.sources.loaded(d),
        }
    }

    /// An action for the shown tab; what the tab does not use falls back to the defaults.
    fn tab_action(&mut self, action: Action) -> Vec<Effect> {
        let ctx = Ctx::new(self.today, &self.user, self.size);
        let reply = match self.tab {
            Tab::Overview => return self.overview_action(action),
            Tab::UseCases => self.use_cases.update(&action, &ctx),
            Tab::Gates => self.gates.update(&action, &ctx),
            Tab::Forecast => self.forecast.update(&action, &ctx),
            Tab::Dependencies => self.dependencies.update(&action, &ctx),
            Tab::Sources => self.sources.update(&action, &ctx),
        };
        self.apply(reply)
    }

    fn apply(&mut self, reply: Reply) -> Vec<Effect> {
        if let Some(prompt) = reply.prompt {
            self.prompt = Some(prompt);
        }
        if let Some(status) = reply.status {
            self.status = Some(status);
        }
        let mut effects = Vec::new();
        for effect in reply.effects {
            match effect {
                Effect::Sync { sources } => effects.extend(self.start_sync(sources)),
                other => effects.push(other),
            }
        }
        if let Some(tab) = reply.goto {
            effects.extend(self.show(tab));
        }
        effects
    }

    fn overview_action(&mut self, action: Action) -> Vec<Effect> {
        let rows = self.use_case_rows();
        match action {
            Action::Up => self.selected = screens::moved(self.selected, -1, rows),
            Action::Down => self.selected = screens::moved(self.selected, 1, rows),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = rows.saturating_sub(1),
            Action::Enter => {
                if let Some(id) = self.selected_use_case() {
                    self.use_cases.open(id);
                    return self.show(Tab::UseCases);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn prompt_key(&mut self, key: &ratatui::crossterm::event::KeyEvent) -> Vec<Effect> {
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        match prompt.key(key) {
            PromptEvent::Edited => Vec::new(),
            PromptEvent::Cancelled => {
                self.prompt = None;
                Vec::new()
            }
            PromptEvent::Submitted(text) => {
                let Some(prompt) = self.prompt.take() else {
                    return Vec::new();
                };
                let ctx = Ctx::new(self.today, &self.user, self.size);
                let field = prompt.field;
                let reply = match prompt.owner {
                    Tab::Overview if field == EXPORT_FIELD => self.export_month(&text),
                    Tab::Overview => Reply::handled(),
                    Tab::UseCases => self.use_cases.prompt_submitted(field, text, &ctx),
                    Tab::Gates => self.gates.prompt_submitted(field, text, &ctx),
                    Tab::Forecast => self.forecast.prompt_submitted(field, text, &ctx),
                    Tab::Dependencies => self.dependencies.prompt_submitted(field, text, &ctx),
                    Tab::Sources => self.sources.prompt_submitted(field, text, &ctx),
                };
                self.apply(reply)
            }
        }
    }

    /// The export prompt's answer: a month asks the DB actor for the pack.
    fn export_month(&self, text: &str) -> Reply {
        match text.parse::<Month>() {
            Ok(month) => Reply {
                status: Some(format!("writing the {month} pack…")),
                ..Reply::effect(Effect::Db(Request::Write(Write::Export {
                    month,
                    today: self.today,
                })))
            },
            Err(_) => Reply::status(format!(
                "not exported: '{text}' is not a month; press e and type it as YYYY-MM"
            )),
        }
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

/// The user's name (`crate::user::name`); empty if it cannot be told, so that a decision or a
/// review is refused with the reason instead of being signed by nobody.
fn default_user() -> String {
    crate::user::name().unwrap_or_else(|e| {
        tracing::warn!("{e}");
        String::new()
    })
}

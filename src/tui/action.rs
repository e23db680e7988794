//! Everything the cockpit can be asked to do. Keys become actions through the keymap (whose TOML
//! names them, e.g. `run = "down"` or `run = { select_tab = 3 }`); data arriving from the DB actor
//! or the background sync becomes an action too, so `App::update` is the only place state changes.

use ratatui::crossterm::event::KeyEvent;
use serde::{Deserialize, Serialize};

use super::screens::{dependencies, forecast, gates, sources, use_cases};
use super::tab::Tab;
use crate::deps::DepClass;
use crate::overview::Overview;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    /// Opens or closes the help screen.
    Help,
    /// Selects a tab by its number on screen, 1 (Overview) to 6 (Sources).
    SelectTab(u8),
    NextTab,
    PrevTab,
    Up,
    Down,
    PageUp,
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Drills into the selected row.
    Enter,
    /// Closes help, or goes back up one drill-down level.
    Back,
    /// Reloads the data from the DB.
    Refresh,
    /// `/`: filters the focused table by text.
    Filter,
    /// Dependencies: marks the selected row (`waste`, `convenience`, `load-bearing`).
    Tag(DepClass),
    /// Edits the note of the selected row.
    Note,
    /// Gates: records a decision on the selected breach.
    Decide,
    /// Dependencies: shows only the rows never reviewed (or all again).
    ToggleUntagged,
    /// Forecast: switches what-if scenario `n` on or off.
    Toggle(u8),
    /// Use cases: the month before the one shown.
    PrevMonth,
    /// Use cases: the month after the one shown (up to the month in progress).
    NextMonth,
    /// Syncs every source now, in the background.
    SyncNow,
    /// The background-sync timer fired: sync unless one runs (or this is the demo).
    #[serde(skip)]
    SyncTick,
    /// The DB actor dropped what it cached about the ledger (after a background sync).
    #[serde(skip)]
    CachesCleared,
    /// Writes the business-review pack (asks for the month).
    Export,
    /// The terminal changed size (columns, rows).
    Resize(u16, u16),
    /// A left click at (column, row).
    #[serde(skip)]
    Click(u16, u16),
    /// A key typed while a prompt is open: it edits the prompt instead of running a binding.
    #[serde(skip)]
    PromptKey(KeyEvent),
    /// The DB actor loaded the Overview.
    #[serde(skip)]
    OverviewLoaded(Box<Overview>),
    /// The DB actor could not load the Overview; the message says why.
    #[serde(skip)]
    LoadFailed(String),
    /// The DB actor loaded a tab's data.
    #[serde(skip)]
    Loaded(Loaded),
    /// The DB actor could not load a tab's data.
    #[serde(skip)]
    TabLoadFailed {
        tab: Tab,
        message: String,
    },
    /// A write (decision, review, export) finished: `Ok(what was done)` or `Err(why not)`.
    #[serde(skip)]
    Written(Result<String, String>),
    /// A background sync started (`true`) or finished (`false`), with a one-line summary.
    #[serde(skip)]
    Sync {
        running: bool,
        summary: String,
    },
}

impl Action {
    /// Whether the action comes from the user (a key or the mouse) rather than from a thread.
    pub fn is_input(&self) -> bool {
        !matches!(
            self,
            Action::Resize(..)
                | Action::OverviewLoaded(_)
                | Action::LoadFailed(_)
                | Action::Loaded(_)
                | Action::TabLoadFailed { .. }
                | Action::Written(_)
                | Action::Sync { .. }
                | Action::SyncTick
                | Action::CachesCleared
        )
    }
}

/// Data for one tab, loaded by the DB actor.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    UseCases(Box<use_cases::Data>),
    Gates(Box<gates::Data>),
    Forecast(Box<forecast::Data>),
    Dependencies(Box<dependencies::Data>),
    Sources(Box<sources::Data>),
}

//! Everything the cockpit can be asked to do. Keys become actions through the keymap (whose TOML
//! names them, e.g. `run = "down"` or `run = { select_tab = 3 }`); data arriving from the DB actor
//! becomes an action too, so `App::update` is the only place state changes.

use serde::{Deserialize, Serialize};

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
    /// Drills into the selected row.
    Enter,
    /// Closes help, or goes back up one drill-down level.
    Back,
    /// Reloads the data from the DB.
    Refresh,
    /// The terminal changed size (columns, rows).
    Resize(u16, u16),
    /// The DB actor loaded the Overview.
    #[serde(skip)]
    OverviewLoaded(Box<Overview>),
    /// The DB actor could not load; the message says why.
    #[serde(skip)]
    LoadFailed(String),
}

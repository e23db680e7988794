//! One module per cockpit tab. Each tab other than the Overview is a folder with the same shape:
//! `data.rs` (`Query`, `Data`, `load` run by the DB actor), `state.rs` (`State` with `query`,
//! `loaded`, `failed`, `update`, `prompt_submitted`) and `view.rs` (`render(&App, ..)`).
//! `App::update` handles the global actions and hands the rest to the shown tab's `State`, which
//! answers with a [`Reply`].

pub mod dependencies;
pub mod forecast;
pub mod gates;
pub mod overview;
pub mod sources;
pub mod use_cases;

use chrono::NaiveDate;

use super::action::Action;
use super::prompt::Prompt;
use super::{Effect, Tab};

/// What a tab's `update` sees of the rest of the cockpit.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The "as of" date.
    pub today: NaiveDate,
    /// Who decisions and reviews are recorded as (`crate::user::name`; empty when unknown).
    pub user: &'a str,
    /// Body rows available to the tab (for paging).
    pub rows: u16,
}

impl<'a> Ctx<'a> {
    /// The context for a terminal of `size` (columns, rows): the body rows are what is left
    /// after the header, tab bar, footer, and a table's border and heading.
    pub fn new(today: NaiveDate, user: &'a str, size: (u16, u16)) -> Ctx<'a> {
        Ctx {
            today,
            user,
            rows: size.1.saturating_sub(6),
        }
    }
}

/// What a tab asks of the App after an action.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Reply {
    /// False: the tab did not use the action and the App's default applies.
    pub handled: bool,
    pub effects: Vec<Effect>,
    /// Opens a prompt whose text comes back to the tab's `prompt_submitted`.
    pub prompt: Option<Prompt>,
    /// Switches to another tab.
    pub goto: Option<Tab>,
    /// A one-line message for the status bar.
    pub status: Option<String>,
}

impl Reply {
    pub fn ignored() -> Reply {
        Reply::default()
    }

    pub fn handled() -> Reply {
        Reply {
            handled: true,
            ..Reply::default()
        }
    }

    pub fn effect(effect: Effect) -> Reply {
        Reply {
            handled: true,
            effects: vec![effect],
            ..Reply::default()
        }
    }

    pub fn prompt(prompt: Prompt) -> Reply {
        Reply {
            handled: true,
            prompt: Some(prompt),
            ..Reply::default()
        }
    }

    pub fn status(message: impl Into<String>) -> Reply {
        Reply {
            handled: true,
            status: Some(message.into()),
            ..Reply::default()
        }
    }
}

/// The row a list-navigation action (Up, Down, PageUp, PageDown, Top, Bottom) selects in a
/// table of `len` rows showing `page` at a time; None for every other action.
pub fn navigated(action: &Action, selected: usize, len: usize, page: isize) -> Option<usize> {
    Some(match action {
        Action::Up => moved(selected, -1, len),
        Action::Down => moved(selected, 1, len),
        Action::PageUp => moved(selected, -page, len),
        Action::PageDown => moved(selected, page, len),
        Action::Top => 0,
        Action::Bottom => len.saturating_sub(1),
        _ => return None,
    })
}

/// Moves a selection by `delta` rows within `len` rows (clamped; nothing selected in an empty table).
pub fn moved(selected: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    selected.saturating_add_signed(delta).min(len - 1)
}

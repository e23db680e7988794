//! What the event loop carries out after [`App::update`](super::App::update): a DB request
//! or a background sync.

use super::db::Request;

/// What the event loop must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send this request to the DB actor.
    Db(Request),
    /// Start a background sync of these sources (none named: every syncable source).
    Sync { sources: Vec<String> },
}

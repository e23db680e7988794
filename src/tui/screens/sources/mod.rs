//! Sources tab: each configured source's last sync, freshness, ledger rows and last error;
//! Enter syncs the selected source, `s` every source. State and its actions in `state.rs`,
//! the data the DB actor loads in `data.rs`, drawing in `view.rs`.

mod data;
mod state;
mod view;

pub use data::{load, Data, Query, SourceRow, STALE_AFTER_DAYS};
pub use state::State;
pub use view::{layout, render, row_at};

//! Gates tab: the live breach panel. State and its actions in `state.rs` (deciding with a note
//! in `choose.rs`), the data the DB actor loads in `data.rs`, drawing in `view.rs`, the words a
//! row shows (and the filter searches) in `labels.rs`.

mod choose;
mod data;
mod labels;
mod state;
mod view;

pub use data::{load, Data, Query};
pub use state::State;
pub use view::render;

//! Use cases tab: state and its actions in `state.rs`, the data the DB actor loads in `data.rs`,
//! drawing in `view.rs`.

mod data;
mod state;
mod view;

pub use data::{load, Data, Query};
pub use state::State;
pub use view::render;

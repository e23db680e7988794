//! Forecast tab: the engine's forecast charted (history, median, p10–p90 band, targets), the
//! months ahead, the targets' crossing months and odds, and what-if toggles (`p`, `x`) that
//! recompute it. State and its actions in `state.rs`, the data the DB actor loads in
//! `data.rs`, drawing in `view.rs` and `chart.rs`.

pub mod chart;
mod data;
mod state;
mod view;

pub use data::{load, scenarios, top_llm_provider, Data, Query, WhatIf, WhatIfs};
pub use state::State;
pub use view::{layout, render, row_at};

//! Use cases tab: a drill-down from every use case of a month to one use case by provider /
//! model / API key, to one slice day by day, to the explanation of a spike. State and actions
//! in `state.rs`, the data the DB actor loads in `data.rs` (queries in `sql.rs`), drawing in
//! `view.rs` (layout, tables) and `levels.rs` (what each level shows).

mod data;
mod levels;
mod sql;
mod state;
mod view;

pub use data::{
    load, Data, DayLine, Level, Query, Slice, SliceData, SliceLine, SpikeData, TableData,
    UseCaseData, UseCaseLine, SPARK_DAYS,
};
pub use state::{DrillLevel, RowRef, State};
pub use view::{layout, render, row_at, Areas};

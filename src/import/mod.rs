//! File imports: FOCUS cost exports (CSV, Parquet, zip of CSVs).

pub mod focus;
mod focus_checked;
mod focus_columns;
mod focus_csv;
mod focus_typed;

//! Integration tests, one binary (linking DuckDB once): real DuckDB files in temp dirs and the
//! real `tollgate` binary.

mod alloc;
mod cli;
mod cockpit;
mod common;
mod config;
mod credentials;
mod demo;
mod fake_anthropic;
mod fake_openai;
mod fake_server;
mod import_focus;
mod prices;
mod report;
mod store;
mod sync;

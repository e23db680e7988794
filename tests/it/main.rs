//! Integration tests, one binary (linking DuckDB once): real DuckDB files in temp dirs and the
//! real `tollgate` binary.

mod alloc;
mod cli;
mod cockpit;
mod cockpit_use_cases;
mod common;
mod config;
mod credentials;
mod demo;
mod deps;
mod fake_anthropic;
mod fake_openai;
mod fake_server;
mod forecast;
mod gates;
mod import_focus;
mod outcomes;
mod prices;
mod report;
mod spikes;
mod store;
mod sync;

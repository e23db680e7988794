//! Integration tests, one binary (linking DuckDB once): real DuckDB files in temp dirs and the
//! real `tollgate` binary.

mod alloc;
mod cli;
mod cockpit;
mod cockpit_dependencies;
mod cockpit_export;
mod cockpit_forecast;
mod cockpit_gates;
mod cockpit_sources;
mod cockpit_use_cases;
mod common;
mod config;
mod credentials;
mod demo;
mod deps;
mod export;
mod export_html;
mod fake_anthropic;
mod fake_aws;
mod fake_bigquery;
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
mod sync_aws;
mod sync_focus;
mod sync_gcp;
mod sync_modal;
mod sync_whole_bill;

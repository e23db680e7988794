//! tollgate: a FinOps cockpit for tokens and GPUs. The library holds everything; the
//! `tollgate` binary parses the command line and maps errors to exit codes.

pub mod alloc;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod deps;
pub mod export;
pub mod fmt;
pub mod forecast;
pub mod gates;
pub mod gateway;
pub mod import;
pub mod live;
pub mod logging;
pub mod money;
pub mod month;
pub mod months;
pub mod normalize;
pub mod outcomes;
pub mod overview;
pub mod paths;
pub mod prices;
pub mod projection;
pub mod proxy;
pub mod reconcile;
pub mod report;
pub mod sources;
pub mod spikes;
pub mod store;
pub mod sync;
pub mod tui;
pub mod user;

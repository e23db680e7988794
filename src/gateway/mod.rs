//! The gateway's request records in the DB (PRODUCT C13, issue 15): what `tollgate proxy`
//! spooled, ingested by `tollgate sync` from sources of kind `gateway`. Evidence for
//! attribution, outcomes, reconcile and live spend; never part of the billed ledger (the
//! provider's bill stays the cost of record, so nothing here changes a report total).
//!
//! Tables (migration 9, `queries/migrations/009_gateway.sql`):
//!
//! - `gateway_requests`: one row per spool record, keyed by `request_id` (unique: re-reading a
//!   file, two proxy instances' files in any order or a line copied into another file never
//!   add a row twice; the first copy read wins). Columns are the record's fields
//!   (`src/proxy/record.rs`) in native types: `started_at` / `ended_at` `TIMESTAMP` (UTC, no
//!   zone), `day DATE` (the UTC day of `started_at`, the day a request counts on), `source`
//!   (the config source that ingested it), `user_pseudonym` (the record's `user`: an HMAC
//!   pseudonym or NULL; raw user ids never exist in tollgate), `tags` (a JSON object string),
//!   token counts `BIGINT` (NULL when the request had no usage), `cost_usd DECIMAL(38,18)`
//!   (exact; NULL when unpriced or without usage: never $0), `priced`, `latency_ms`,
//!   `ttft_ms`, and where it was first read (`spool_file`, `spool_line`, 1-based).
//! - `gateway_daily`: the rollup per `day`, `source`, `use_case` (NULL = none), `provider`,
//!   `model` (the response's, else the requested one), `key_hint`: `requests`, `users`
//!   (distinct pseudonyms within the row: not additive across rows; count distinct over
//!   `gateway_requests` for wider groups), token sums, `cost_usd` (sum of priced records),
//!   `refused` (outcome `refused`) and `unpriced` (tokens but no price). Rebuilt for the days
//!   each ingest touches (`queries/gateway/daily_rebuild.sql`), in the same transaction.
//! - `gateway_spool_files`: per source and spool file, the bytes and lines already read, so a
//!   re-sync reads only what was appended. An optimisation: correctness rests on `request_id`.

/// The table of request records.
pub const REQUESTS_TABLE: &str = "gateway_requests";
/// The daily rollup of the request records.
pub const DAILY_TABLE: &str = "gateway_daily";

pub mod ingest;
pub mod record;
pub mod spool;

use std::path::PathBuf;

use crate::config::{ProxyConfig, SourceConfig};

/// The spool dirs a gateway source reads: its `path` (one dir or a list, one per proxy
/// instance), else the proxy's `spool_dir` (as `tollgate proxy` resolves it).
pub fn spool_dirs(source: &SourceConfig, proxy: &ProxyConfig) -> Vec<PathBuf> {
    match &source.path {
        Some(p) => p.all().into_iter().map(PathBuf::from).collect(),
        None => vec![proxy
            .spool_dir
            .as_ref()
            .map_or_else(crate::paths::default_spool_dir, PathBuf::from)],
    }
}

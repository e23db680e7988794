//! Gateway request records for tests of what reads them (reconcile, WAU, the AI-systems
//! inventory): staged and moved into `gateway_requests` / `gateway_daily` by the gateway
//! ingest's own statements (`gateway/staging.sql`, `insert_new.sql`, `daily_rebuild.sql`), as
//! `tollgate sync` of a `gateway` source does after reading the spool.

use std::path::Path;

use tollgate::store::{queries, Store};

/// One request record: the fields the readers look at; the rest are fixed.
#[derive(Debug, Clone)]
pub struct Req {
    pub id: String,
    /// `YYYY-MM-DD HH:MM:SS`, UTC.
    pub started_at: String,
    pub provider: &'static str,
    pub model: &'static str,
    pub key_hint: Option<&'static str>,
    pub use_case: Option<&'static str>,
    pub user: Option<String>,
    /// Exact decimal text, None = unpriced.
    pub cost: Option<&'static str>,
    pub outcome: &'static str,
}

impl Req {
    pub fn new(id: impl Into<String>, started_at: &str, use_case: &'static str) -> Req {
        Req {
            id: id.into(),
            started_at: started_at.to_string(),
            provider: "OpenAI",
            model: "gpt-5.5-2026-04-23",
            key_hint: Some("sk-…abcd"),
            use_case: Some(use_case),
            user: None,
            cost: Some("0.01"),
            outcome: "ok",
        }
    }
}

/// Ingests `reqs` into the DB at `db` in one transaction.
pub fn ingest(db: &Path, reqs: &[Req]) {
    let store = Store::open(db).expect("open");
    let c = store.conn();
    c.execute_batch("BEGIN").expect("begin");
    c.execute_batch(queries::GATEWAY_STAGING).expect("staging");
    for (i, r) in reqs.iter().enumerate() {
        c.execute(
            "INSERT INTO gateway_staging VALUES (?, 'gw', NULL, ?, CAST(? AS TIMESTAMP), \
             CAST(? AS TIMESTAMP) + INTERVAL 1 SECOND, CAST(CAST(? AS TIMESTAMP) AS DATE), ?, \
             'chat/completions', ?, ?, ?, ?, '{}', 200, ?, false, 100, 0, 0, 0, 20, 0, \
             CAST(? AS DECIMAL(38, 18)), ? IS NOT NULL, 12.5, NULL, 'requests-test.jsonl', ?)",
            duckdb::params![
                r.id,
                r.key_hint,
                r.started_at,
                r.started_at,
                r.started_at,
                r.provider,
                r.model,
                r.model,
                r.use_case,
                r.user,
                r.outcome,
                r.cost,
                r.cost,
                i as i64 + 1
            ],
        )
        .expect("stage");
    }
    c.execute(queries::GATEWAY_INSERT_NEW, []).expect("insert");
    c.execute_batch(queries::GATEWAY_DAILY_REBUILD)
        .expect("rollup");
    c.execute_batch("COMMIT").expect("commit");
}

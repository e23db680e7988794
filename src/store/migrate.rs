//! Versioned schema migrations kept in `queries/migrations/`, applied in order on open.

use super::{Result, Store, StoreError};

/// Each migration is one or more SQL batches run in order in one transaction. Every batch is
/// frozen text under `queries/migrations/`: a backfill is a copy of the rebuild statement as
/// it was when the migration was written, so a later change to a live statement cannot change
/// what an old migration does.
const MIGRATIONS: &[(u32, &[&str])] = &[
    (
        1,
        &[include_str!("../../queries/migrations/001_ledger.sql")],
    ),
    (
        2,
        &[include_str!("../../queries/migrations/002_prices.sql")],
    ),
    (3, &[include_str!("../../queries/migrations/003_gates.sql")]),
    (
        4,
        &[include_str!(
            "../../queries/migrations/004_export_packs.sql"
        )],
    ),
    (
        5,
        // filled by migration 8, once the table has every column the rebuild writes
        &[include_str!("../../queries/migrations/005_ledger_dims.sql")],
    ),
    (
        6,
        &[include_str!(
            "../../queries/migrations/006_ledger_monthly.sql"
        )],
    ),
    (
        7,
        &[
            include_str!("../../queries/migrations/007_ledger_daily.sql"),
            include_str!("../../queries/migrations/007_backfill.sql"),
        ],
    ),
    (
        8,
        &[
            include_str!("../../queries/migrations/008_ledger_dims_sku.sql"),
            include_str!("../../queries/migrations/008_backfill.sql"),
        ],
    ),
    (
        9,
        &[include_str!("../../queries/migrations/009_gateway.sql")],
    ),
];

impl Store {
    pub(super) fn migrate(&self) -> Result<()> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)",
        )?;
        let current: u32 = self.conn.query_row(
            "SELECT COALESCE(max(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        let known = LATEST;
        if current > known {
            return Err(StoreError::TooNew {
                path: self.path.clone().unwrap_or_default(),
                found: current,
                known,
            });
        }
        for (version, batches) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            self.in_transaction(|c| {
                for sql in batches.iter() {
                    c.execute_batch(sql)?;
                }
                c.execute(
                    "INSERT INTO schema_migrations VALUES (?, now()::TIMESTAMP)",
                    [version],
                )?;
                Ok::<_, duckdb::Error>(())
            })
            .map_err(|source| StoreError::Migration {
                version: *version,
                source,
            })?;
        }
        Ok(())
    }

    /// The schema version this DB is at.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(max(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }
}

/// The schema version of this build: the last migration's.
pub const LATEST: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

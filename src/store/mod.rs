//! The DuckDB ledger file: opening (with the lock check), migrations, and the one ingest path.

pub mod append;
mod ingest;
mod lock;
mod migrate;
pub mod queries;
pub mod runs;

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use duckdb::Connection;

pub use ingest::{IngestError, IngestScope, IngestSummary};
pub use lock::LockHolder;
pub use migrate::LATEST as SCHEMA_VERSION;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database {path} is in use by {holder}; close that tollgate (or pass --db for another file) and try again")]
    Locked { path: PathBuf, holder: LockHolder },
    #[error("cannot open the database {path}: {message}")]
    Open { path: PathBuf, message: String },
    #[error("migration {version} failed: {source}")]
    Migration { version: u32, source: duckdb::Error },
    #[error("the database {path} was written by a newer tollgate (schema {found}, this one knows {known}); upgrade tollgate")]
    TooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error(transparent)]
    Db(#[from] duckdb::Error),
}

/// A memoized value and the ledger generation it was computed at.
type Memo = (u64, Box<dyn Any + Send>);

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Prepared statements kept per connection (`prepare_cached`): enough for every query a view
/// or an engine pass repeats, so re-running one skips parsing and planning.
const STATEMENT_CACHE: usize = 64;

/// An open ledger. One owner per process: the CLI, or the cockpit's DB actor.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Bumped by every ledger write through this store; this process holds the DB's write
    /// lock, so nothing else changes the ledger under it.
    generation: Cell<u64>,
    /// (generation, config fingerprint) that `dim_alloc` was last built for.
    pub(crate) alloc_built_for: Cell<Option<(u64, u64)>>,
    /// Results derived from the ledger, by key, with the generation they were computed at
    /// (see [`Store::memoized`]).
    memo: RefCell<HashMap<String, Memo>>,
}

impl Store {
    /// Opens or creates the DB file, creating parent folders, and applies migrations.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| lock::classify(path, e))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let store = Store {
            conn,
            path: Some(path.to_path_buf()),
            generation: Cell::new(0),
            alloc_built_for: Cell::new(None),
            memo: RefCell::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// A migrated in-memory store, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        let store = Store {
            conn: {
                let conn = Connection::open_in_memory()?;
                conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
                conn
            },
            path: None,
            generation: Cell::new(0),
            alloc_built_for: Cell::new(None),
            memo: RefCell::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The ledger's write generation in this process (see `generation`).
    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    pub(crate) fn bump_generation(&self) {
        self.generation.set(self.generation.get() + 1);
    }

    /// Forgets what this store cached about the ledger (the allocation), because another
    /// connection to the same database (a [`Store::try_clone`]) changed it.
    pub fn invalidate(&self) {
        self.bump_generation();
    }

    /// A second connection to the same database instance (no second file lock), for a thread
    /// of its own, e.g. the cockpit's background sync. Its writes do not bump this store's
    /// generation: call [`Store::invalidate`] here after they land.
    pub fn try_clone(&self) -> Result<Store> {
        Ok(Store {
            conn: {
                let conn = self.conn.try_clone()?;
                conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
                conn
            },
            path: self.path.clone(),
            generation: Cell::new(0),
            alloc_built_for: Cell::new(None),
            memo: RefCell::default(),
        })
    }

    /// `compute()`, or the value it gave for `key` since the last ledger write through this
    /// store. `key` must name everything else the value depends on (date, config, options),
    /// e.g. the forecast, which the gates (G4) and the forecast itself both ask for.
    pub fn memoized<T: Clone + Send + 'static, E>(
        &self,
        key: &str,
        compute: impl FnOnce() -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let generation = self.generation();
        let hit = self
            .memo
            .borrow()
            .get(key)
            .filter(|(g, _)| *g == generation)
            .and_then(|(_, v)| v.downcast_ref::<T>().cloned());
        if let Some(value) = hit {
            return Ok(value);
        }
        let value = compute()?;
        let mut memo = self.memo.borrow_mut();
        memo.retain(|_, (g, _)| *g == generation);
        memo.insert(key.to_string(), (generation, Box::new(value.clone())));
        Ok(value)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` in one transaction: all of it lands or none of it does.
    pub fn in_transaction<T, E: From<duckdb::Error>>(
        &self,
        f: impl FnOnce(&Connection) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn.execute_batch("BEGIN TRANSACTION")?;
        match f(&self.conn) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                // The original error matters more than a failed rollback.
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        let mut stmt = self.conn.prepare(queries::SETTING_GET)?;
        let mut rows = stmt.query([key])?;
        Ok(match rows.next()? {
            Some(r) => Some(r.get(0)?),
            None => None,
        })
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(queries::SETTING_SET, [key, value])?;
        Ok(())
    }
}

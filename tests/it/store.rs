//! The store on a real DuckDB file: migrations, window replacement, atomicity, every query prepares.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::store::{IngestScope, Store};

use super::common::*;

fn day(d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 9, d)
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time")
}

pub fn row(source: &str, d: u32, cost: &str, key: &str) -> LedgerRow {
    LedgerRow::new(
        Charge {
            source,
            provider: "OpenAI",
            service: "OpenAI API",
            service_category: "AI and Machine Learning",
            service_subcategory: Some("Generative AI"),
            start: day(d),
            end: day(d + 1),
            cost: cost.parse::<Decimal>().expect("decimal"),
        },
        &[key],
    )
}

fn sum(store: &Store) -> String {
    store
        .conn()
        .query_row(
            "SELECT CAST(COALESCE(sum(EffectiveCost),0) AS VARCHAR) || '/' || count(*) FROM ledger",
            [],
            |r| r.get(0),
        )
        .expect("sum")
}

#[test]
fn migrations_apply_once_and_survive_reopen() {
    let env = Env::new();
    let db = env.path("nested/dir/ledger.duckdb");
    {
        let s = Store::open(&db).expect("create");
        assert_eq!(
            s.schema_version().expect("v"),
            tollgate::store::SCHEMA_VERSION
        );
        s.ingest_rows(
            &IngestScope::Source {
                source: "openai".into(),
            },
            &[row("openai", 1, "1.5", "a")],
        )
        .expect("ingest");
    }
    let s = Store::open(&db).expect("reopen");
    assert_eq!(
        s.schema_version().expect("v"),
        tollgate::store::SCHEMA_VERSION
    );
    assert_eq!(sum(&s), "1.500000000/1");
    let n: i64 = s
        .conn()
        .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
        .expect("n");
    assert_eq!(n, i64::from(tollgate::store::SCHEMA_VERSION));
}

#[test]
fn a_window_replaces_only_its_rows() {
    let env = Env::new();
    let s = Store::open(&env.db()).expect("open");
    let rows: Vec<LedgerRow> = (1..=5).map(|d| row("openai", d, "10", "k")).collect();
    s.ingest_rows(
        &IngestScope::Source {
            source: "openai".into(),
        },
        &rows,
    )
    .expect("all");
    s.ingest_rows(
        &IngestScope::Source {
            source: "other".into(),
        },
        &[row("other", 3, "100", "k")],
    )
    .expect("other");
    // Re-sync days 3..5 with new amounts: days 1-2 and the other source stay.
    let window = IngestScope::Window {
        source: "openai".into(),
        start: day(3),
        end: day(6),
    };
    let fresh: Vec<LedgerRow> = (3..=5).map(|d| row("openai", d, "0.25", "k")).collect();
    let summary = s.ingest_rows(&window, &fresh).expect("window");
    assert_eq!((summary.rows_written, summary.rows_replaced), (3, 3));
    assert_eq!(sum(&s), "120.750000000/6");
    // Twice gives the same ledger.
    s.ingest_rows(&window, &fresh).expect("again");
    assert_eq!(sum(&s), "120.750000000/6");
}

#[test]
fn a_failed_ingest_leaves_the_db_as_it_was() {
    let env = Env::new();
    let s = Store::open(&env.db()).expect("open");
    s.ingest_rows(
        &IngestScope::Source {
            source: "openai".into(),
        },
        &[row("openai", 1, "1", "a")],
    )
    .expect("seed");
    let before = sum(&s);
    // A row outside the window is refused.
    let window = IngestScope::Window {
        source: "openai".into(),
        start: day(1),
        end: day(2),
    };
    let err = s
        .ingest_rows(
            &window,
            &[row("openai", 1, "2", "a"), row("openai", 9, "2", "b")],
        )
        .expect_err("outside");
    assert!(err.to_string().contains("outside the window"), "{err}");
    assert_eq!(sum(&s), before);
    // Duplicate row keys are refused.
    let err = s
        .ingest_rows(
            &window,
            &[row("openai", 1, "2", "a"), row("openai", 1, "3", "a")],
        )
        .expect_err("dup");
    assert!(err.to_string().contains("row key"), "{err}");
    assert_eq!(sum(&s), before);
    // A value that does not fit DECIMAL(18,9) fails the cast inside the transaction.
    let err = s.ingest_rows(&window, &[row("openai", 1, "12345678901234567890", "a")]);
    assert!(err.is_err());
    assert_eq!(sum(&s), before);
}

#[test]
fn money_is_decimal_and_exact() {
    let s = Store::open_in_memory().expect("mem");
    let rows: Vec<LedgerRow> = (0..1000)
        .map(|i| row("openai", 1, "0.1", &i.to_string()))
        .collect();
    s.ingest_rows(
        &IngestScope::Source {
            source: "openai".into(),
        },
        &rows,
    )
    .expect("ingest");
    // 1000 x 0.1 is exactly 100 in DECIMAL (a float sum would not be).
    assert_eq!(sum(&s), "100.000000000/1000");
    let ty: String = s.conn().query_row("SELECT data_type FROM duckdb_columns() WHERE table_name='ledger' AND column_name='EffectiveCost'", [], |r| r.get(0)).expect("type");
    assert_eq!(ty, "DECIMAL(18,9)");
}

/// One registry: every file under `queries/` (migrations aside) is declared in
/// `store::queries`, and every declared statement prepares on a migrated DB once the tables
/// created at run time exist (the allocation's views, ingest's `staging` and `rollup_scope`,
/// the usage weights' `weighted_dims`).
#[test]
fn every_sql_file_is_registered_and_prepares() {
    use tollgate::store::queries;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("queries dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                // Migrations are embedded by store::migrate; portable/ is Spark SQL (tests/it/lake_spark.rs).
                if path
                    .file_name()
                    .is_some_and(|n| n != "migrations" && n != "portable")
                {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "sql") {
                let rel = path.strip_prefix(&root).expect("under queries");
                files.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let registered: std::collections::BTreeSet<&str> =
        queries::ALL.iter().map(|(file, _)| *file).collect();
    for f in &files {
        assert!(
            registered.contains(f.as_str()),
            "queries/{f} is not declared in src/store/queries.rs"
        );
    }
    assert_eq!(
        registered.len(),
        queries::ALL.len(),
        "a file declared twice"
    );
    assert_eq!(registered.len(), files.len(), "a declared file is missing");

    let s = Store::open_in_memory().expect("mem");
    s.refresh_allocation(&tollgate::config::Config::default())
        .expect("alloc");
    s.conn().execute_batch(queries::STAGING).expect("staging");
    s.conn()
        .execute_batch(queries::GATEWAY_STAGING)
        .expect("gateway staging");
    s.conn()
        .execute_batch(
            "CREATE TEMP TABLE rollup_scope (x_Source VARCHAR, day DATE, month DATE); \
             CREATE TEMP TABLE weighted_dims (x_DimKey VARCHAR)",
        )
        .expect("run-time tables");
    for (file, sql) in queries::ALL {
        s.conn()
            .prepare(sql)
            .unwrap_or_else(|e| panic!("queries/{file}: {e}"));
    }
}

/// Allocation shares can differ by month (split_by), so every query reads the `ledger_alloc`
/// view; joining `dim_alloc` directly would count usage-weighted rows once per month.
#[test]
fn only_the_view_joins_dim_alloc() {
    let mut checked = 0;
    for (file, text) in tollgate::store::queries::ALL {
        // dim_alloc.sql builds it; the lake exports it whole as data (no join, no sums).
        if *file == "alloc/dim_alloc.sql" || *file == "export/lake_allocation.sql" {
            continue;
        }
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !code.contains("dim_alloc"),
            "{file} joins dim_alloc; read ledger_alloc instead"
        );
        checked += 1;
    }
    assert!(checked > 40, "only {checked} statements checked");
}

/// The dimension table that allocation reads is kept by every write: a replaced scope drops the
/// dimensions only it had, and a DB from before the table existed gets it filled on open.
#[test]
fn dimensions_follow_every_write_and_are_backfilled_by_the_migration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("dims.duckdb");
    let with_model = |source: &str, d: u32, model: &str| {
        let mut r = row(source, d, "1.00", model);
        r.model = Some(model.to_string());
        r
    };
    let models = |store: &Store| -> Vec<String> {
        let mut m: Vec<String> = store
            .dimensions()
            .expect("dimensions")
            .into_iter()
            .filter_map(|d| d.model)
            .collect();
        m.sort();
        m
    };
    {
        let store = Store::open(&path).expect("open");
        let scope = IngestScope::Source {
            source: "openai".into(),
        };
        store
            .ingest_rows(
                &scope,
                &[with_model("openai", 1, "a"), with_model("openai", 2, "b")],
            )
            .expect("ingest");
        assert_eq!(models(&store), ["a", "b"]);
        store
            .ingest_rows(&scope, &[with_model("openai", 1, "a")])
            .expect("replace");
        assert_eq!(models(&store), ["a"], "b went with the replaced rows");
        // As a DB written before migration 5 would be: no dimension table.
        store
            .conn()
            .execute_batch(
                "DROP TABLE ledger_daily; DROP TABLE ledger_monthly; DROP TABLE ledger_dims; \
                 DELETE FROM schema_migrations WHERE version >= 5",
            )
            .expect("downgrade");
    }
    let store = Store::open(&path).expect("reopen migrates");
    assert_eq!(models(&store), ["a"]);
}

/// The monthly and daily rollups, summed per (source, month or day, dimension) as text, next to
/// the same sums computed from the ledger rows: they must always be equal.
fn rollup_vs_ledger(store: &Store) -> (Vec<String>, Vec<String>) {
    let q = |sql: &str| -> Vec<String> {
        let mut stmt = store.conn().prepare(sql).expect("prepare");
        stmt.query_map([], |r| r.get::<_, String>(0))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect()
    };
    let mut rollups = q(
        "SELECT concat_ws('/', x_Source, month, x_DimKey, sum(EffectiveCost), \
             sum(BilledCost), sum(x_RowCount), min(x_FirstStart)) AS k \
         FROM ledger_monthly GROUP BY x_Source, month, x_DimKey ORDER BY k",
    );
    let mut ledger = q("SELECT concat_ws('/', x_Source, month, x_DimKey, \
             sum(CAST(EffectiveCost AS DECIMAL(38, 9))), sum(CAST(BilledCost AS DECIMAL(38, 9))), \
             count(*), min(ChargePeriodStart)) AS k \
         FROM (SELECT *, CAST(date_trunc('month', ChargePeriodStart) AS DATE) AS month FROM ledger) \
         GROUP BY x_Source, month, x_DimKey ORDER BY k");
    rollups.extend(q(
        "SELECT concat_ws('/', x_Source, day, x_DimKey, x_TokenType, \
             sum(EffectiveCost), sum(BilledCost), sum(ConsumedQuantity), sum(x_Requests), \
             sum(x_RowCount), bool_or(x_Used)) AS k \
         FROM ledger_daily GROUP BY x_Source, day, x_DimKey, x_TokenType ORDER BY k",
    ));
    ledger.extend(q("SELECT concat_ws('/', x_Source, day, x_DimKey, x_TokenType, \
             sum(CAST(EffectiveCost AS DECIMAL(38, 9))), sum(CAST(BilledCost AS DECIMAL(38, 9))), \
             sum(CAST(ConsumedQuantity AS DECIMAL(38, 6))), sum(CAST(x_Requests AS DECIMAL(38, 0))), \
             count(*), bool_or(coalesce(x_Requests, 0) > 0 OR (lower(ConsumedUnit) = 'tokens' \
                 AND coalesce(ConsumedQuantity, 0) > 0))) AS k \
         FROM (SELECT *, CAST(ChargePeriodStart AS DATE) AS day FROM ledger) \
         GROUP BY x_Source, day, x_DimKey, x_TokenType ORDER BY k"));
    (rollups, ledger)
}

#[test]
fn monthly_rollup_follows_every_write_and_is_backfilled_by_the_migration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rollup.duckdb");
    {
        let store = Store::open(&path).expect("open");
        // 40 days from September 1st span two months; two sources.
        let rows = |source: &str, cost: &str| -> Vec<LedgerRow> {
            (0..40)
                .map(|d| {
                    let mut r = row(source, 1, cost, &format!("{source}-{d}"));
                    r.charge_period_start = day(1) + chrono::Duration::days(d);
                    r.charge_period_end = r.charge_period_start + chrono::Duration::days(1);
                    r
                })
                .collect()
        };
        for source in ["openai", "anthropic"] {
            store
                .ingest_rows(
                    &IngestScope::Source {
                        source: source.into(),
                    },
                    &rows(source, "1.25"),
                )
                .expect("ingest");
        }
        // Hourly rows with tokens and requests across a month end: several rows per day and key.
        let hourly: Vec<LedgerRow> = (0..60)
            .map(|h| {
                let mut r = row("hourly", 1, "0.125", &format!("h-{h}"));
                r.charge_period_start = day(30) + chrono::Duration::hours(h);
                r.charge_period_end = r.charge_period_start + chrono::Duration::hours(1);
                r.token_type = Some(if h % 2 == 0 { "input" } else { "output" }.into());
                r.consumed_unit = Some("Tokens".into());
                r.consumed_quantity = (h % 3 != 0).then(|| Decimal::from(1000 + h));
                r.requests = (h % 5 != 0).then_some(h);
                r
            })
            .collect();
        store
            .ingest_rows(
                &IngestScope::Source {
                    source: "hourly".into(),
                },
                &hourly,
            )
            .expect("hourly");
        let (rollup, ledger) = rollup_vs_ledger(&store);
        assert_eq!(rollup, ledger);
        assert!(rollup.len() >= 4, "two sources x two months: {rollup:?}");
        let daily: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM ledger_daily WHERE x_Source = 'hourly'",
                [],
                |r| r.get(0),
            )
            .expect("daily rows");
        assert_eq!(daily, 6, "3 days x 2 token types: {rollup:?}");

        // A window that removes every row of its month, and one that changes a few days.
        let first = rows("openai", "1.25")[0].charge_period_start;
        store
            .ingest_rows(
                &IngestScope::Window {
                    source: "openai".into(),
                    start: first,
                    end: first + chrono::Duration::days(3),
                },
                &[row("openai", 1, "7.00", "openai-1")],
            )
            .expect("window");
        let (rollup, ledger) = rollup_vs_ledger(&store);
        assert_eq!(rollup, ledger, "after a window replace");
        store
            .ingest_rows(
                &IngestScope::Source {
                    source: "anthropic".into(),
                },
                &[],
            )
            .expect("source emptied");
        let (rollup, ledger) = rollup_vs_ledger(&store);
        assert_eq!(rollup, ledger, "after a source lost every row");
        assert!(rollup.iter().all(|k| !k.starts_with("anthropic/")));
        // As a DB written before migration 6 would be: no rollup table.
        store
            .conn()
            .execute_batch(
                "DROP TABLE ledger_daily; DROP TABLE ledger_monthly; \
                 DELETE FROM schema_migrations WHERE version >= 6",
            )
            .expect("downgrade");
    }
    let store = Store::open(&path).expect("reopen migrates");
    let (rollup, ledger) = rollup_vs_ledger(&store);
    assert_eq!(rollup, ledger, "backfilled");
    assert!(!rollup.is_empty());
}

/// What the store memoizes (e.g. the forecast) is computed once per ledger write.
#[test]
fn memoized_values_last_until_the_next_write() {
    let store = Store::open_in_memory().expect("store");
    let calls = std::cell::Cell::new(0);
    let value = || {
        store.memoized("k", || {
            calls.set(calls.get() + 1);
            Ok::<_, ()>(calls.get())
        })
    };
    assert_eq!(value(), Ok(1));
    assert_eq!(value(), Ok(1), "no write: the same value");
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".into(),
            },
            &[row("openai", 1, "1.00", "a")],
        )
        .expect("ingest");
    assert_eq!(value(), Ok(2), "a write: computed again");
    store.invalidate();
    assert_eq!(value(), Ok(3), "another connection wrote: computed again");
}

/// The gateway's request table is keyed by request_id: staging a record twice (two files) and
/// again in a later write adds it once, and the daily rollup follows.
#[test]
fn gateway_requests_are_inserted_once_and_rolled_up_by_day() {
    use tollgate::store::queries;
    let s = Store::open_in_memory().expect("mem");
    let stage = |rows: &[(&str, &str, &str, Option<&str>)]| {
        s.conn()
            .execute_batch(queries::GATEWAY_STAGING)
            .expect("staging");
        for (id, file, user, cost) in rows {
            s.conn()
                .execute(
                    "INSERT INTO gateway_staging VALUES (?, 'gw', NULL, 'sk-…abcd', \
                     '2026-12-04 10:00:00', '2026-12-04 10:00:01', DATE '2026-12-04', 'openai', \
                     'chat/completions', 'gpt-5', 'gpt-5-2026-01-01', 'support', ?, '{}', 200, \
                     'ok', false, 10, 0, 0, 0, 5, 0, ?::DECIMAL(38,18), ? IS NOT NULL, 1.5, NULL, ?, 1)",
                    duckdb::params![id, user, cost, cost, file],
                )
                .expect("stage");
        }
        let n = s
            .conn()
            .execute(queries::GATEWAY_INSERT_NEW, [])
            .expect("insert");
        s.conn()
            .execute_batch(queries::GATEWAY_DAILY_REBUILD)
            .expect("rebuild");
        n
    };
    let a = ("r1", "a.jsonl", "u1", Some("0.000012500000000001"));
    let b = ("r2", "a.jsonl", "u2", None);
    assert_eq!(stage(&[a, b, ("r1", "b.jsonl", "u1", a.3)]), 2);
    assert_eq!(stage(&[a, ("r3", "b.jsonl", "u1", Some("1"))]), 1);
    let (requests, users, cost, unpriced, input): (i64, i64, String, i64, i64) = s
        .conn()
        .query_row(
            "SELECT requests, users, cost_usd::VARCHAR, unpriced, input_tokens FROM gateway_daily",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("rollup");
    assert_eq!(
        (requests, users, cost.as_str(), unpriced, input),
        (3, 2, "1.000012500000000001", 1, 30)
    );
}

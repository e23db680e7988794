//! `tollgate export --lake DIR`: the demo ledger as Hive-partitioned FOCUS Parquet with a
//! manifest whose rows, sums and checksums match the files; a re-run rewrites only the
//! partitions whose rows changed (and `--since` leaves earlier months alone); `tollgate import
//! focus DIR` reads the lake back to the same rows and month totals.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::Value;

use super::common::*;

/// `tollgate --db DB export --lake DIR [ARGS]`; its stdout.
fn export_lake(env: &Env, db: &Path, lake: &Path, args: &[&str]) -> String {
    let out = env
        .cmd()
        .arg("--db")
        .arg(db)
        .args(["export", "--lake"])
        .arg(lake)
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn manifest(lake: &Path) -> Value {
    let text = std::fs::read_to_string(lake.join("_manifest.json")).expect("manifest");
    serde_json::from_str(&text).expect("json")
}

fn dec(v: &Value) -> Decimal {
    v.as_str().expect("text").parse().expect("decimal")
}

/// A FOCUS CSV of one row in September 2026 costing `cost`, as source `extra`.
fn extra_file(env: &Env, cost: &str) -> PathBuf {
    env.write(
        "extra.csv",
        &focus_csv(&[focus_line(
            cost,
            "2026-09-07",
            "Pinecone",
            "Pinecone",
            "proj-x",
            "{}",
        )]),
    )
}

#[test]
fn the_lake_matches_its_manifest_and_reruns_rewrite_only_what_changed() {
    let env = Env::new();
    let db = demo_db(&env);
    let lake = env.path("lake");
    let first = export_lake(&env, &db, &lake, &[]);
    let m = manifest(&lake);
    let parts = m["partitions"].as_array().expect("partitions");
    assert!(parts.len() > 10, "{first}");
    let store = tollgate::store::Store::open(&db).expect("open");
    let (rows, total): (i64, Decimal) = store
        .conn()
        .query_row("SELECT count(*), sum(EffectiveCost) FROM ledger", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("totals");
    drop(store);
    let mut seen_rows = 0;
    let mut seen_total = Decimal::ZERO;
    let reader = duckdb::Connection::open_in_memory().expect("duckdb");
    for p in parts {
        let path = p["path"].as_str().expect("path");
        assert!(
            path.starts_with(&format!(
                "BillingPeriod={}/x_Source=",
                p["billing_period"].as_str().expect("bp")
            )),
            "{path}"
        );
        let file = lake.join(path);
        let (_, sha) = tollgate::export::manifest::sha256_file(&file).expect("sha");
        assert_eq!(p["sha256"].as_str(), Some(sha.as_str()), "{path}");
        let (n, sum): (i64, Decimal) = reader
            .query_row(
                &format!(
                    "SELECT count(*), sum(EffectiveCost) FROM read_parquet('{}')",
                    file.display()
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("read partition");
        assert_eq!(n, p["rows"].as_i64().expect("rows"), "{path}");
        assert_eq!(sum, dec(&p["effective_cost"]), "{path}");
        seen_rows += n;
        seen_total += sum;
    }
    assert_eq!((seen_rows, seen_total), (rows, total));
    // Exact types, FOCUS names: DECIMAL(18,9) money, TIMESTAMP periods, no x_Source column.
    let first_file = lake.join(parts[0]["path"].as_str().expect("path"));
    let types: Vec<(String, String)> = {
        let mut stmt = reader
            .prepare(&format!(
                "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{}', hive_partitioning = false))",
                first_file.display()
            ))
            .expect("describe");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("q")
            .map(|r| r.expect("row"))
            .collect()
    };
    for (col, ty) in [
        ("BilledCost", "DECIMAL(18,9)"),
        ("EffectiveCost", "DECIMAL(18,9)"),
        ("ChargePeriodStart", "TIMESTAMP"),
        ("BillingPeriodStart", "TIMESTAMP"),
        ("ConsumedQuantity", "DECIMAL(28,6)"),
    ] {
        assert!(
            types.iter().any(|(c, t)| c == col && t == ty),
            "{col} {ty} in {types:?}"
        );
    }
    assert!(!types.iter().any(|(c, _)| c == "x_Source"), "{types:?}");

    // Nothing changed: nothing rewritten.
    let again = export_lake(&env, &db, &lake, &[]);
    assert!(again.contains(", 0 written,"), "{again}");
    assert_eq!(manifest(&lake)["partitions"], m["partitions"]);

    // One new partition: only it is written.
    let extra = extra_file(&env, "5.25");
    env.cmd()
        .arg("--db")
        .arg(&db)
        .args(["import", "focus", "--source", "extra"])
        .arg(&extra)
        .assert()
        .success();
    let third = export_lake(&env, &db, &lake, &[]);
    assert!(third.contains(", 1 written,"), "{third}");
    assert!(
        third.contains("wrote   BillingPeriod=2026-09/x_Source=extra/part-0.parquet"),
        "{third}"
    );
    // Its row changes: only it is rewritten, and --since after it leaves it as it was.
    let extra = extra_file(&env, "6.50");
    env.cmd()
        .arg("--db")
        .arg(&db)
        .args(["import", "focus", "--source", "extra"])
        .arg(&extra)
        .assert()
        .success();
    let later = export_lake(&env, &db, &lake, &["--since", "2026-10"]);
    assert!(later.contains(", 0 written,"), "{later}");
    let fourth = export_lake(&env, &db, &lake, &[]);
    assert!(fourth.contains(", 1 written,"), "{fourth}");
    let part = manifest(&lake)["partitions"]
        .as_array()
        .expect("partitions")
        .iter()
        .find(|p| p["source"] == "extra")
        .cloned()
        .expect("extra partition");
    assert_eq!(dec(&part["effective_cost"]), Decimal::new(650, 2));
}

#[test]
fn import_reads_the_lake_back_to_the_same_rows() {
    let env = Env::new();
    let db = demo_db(&env);
    let lake = env.path("lake");
    export_lake(&env, &db, &lake, &[]);
    let copy = env.path("copy.duckdb");
    env.cmd()
        .arg("--db")
        .arg(&copy)
        .args(["import", "focus"])
        .arg(&lake)
        .assert()
        .success();
    // Every column but the ones naming where a row came from (source, file, key, and the
    // dimension key, which includes the source).
    let rows = |path: &Path| -> Vec<String> {
        let store = tollgate::store::Store::open(path).expect("open");
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT CAST(l AS VARCHAR) FROM (SELECT * EXCLUDE (x_Source, x_SourceFile, \
                 x_RowKey, x_DimKey) FROM ledger) l ORDER BY 1",
            )
            .expect("prepare");
        let out = stmt
            .query_map([], |r| r.get(0))
            .expect("q")
            .map(|r| r.expect("row"))
            .collect();
        out
    };
    let (a, b) = (rows(&db), rows(&copy));
    assert!(a.len() > 1000);
    assert_eq!(a.len(), b.len());
    assert!(a == b, "the lake read back differs");
}

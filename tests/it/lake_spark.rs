//! The lake read by an existing distributed engine: Apache Spark (pyspark, local mode, Java 17)
//! loads `tollgate export --lake` of the demo and computes, in Spark SQL
//! (queries/portable/month_totals.sql), month totals by provider, category and use case for
//! every month; each equals `tollgate report --month M --json` to the cent once the exact sums
//! are rounded the way the report rounds them (cents that add up to the total). Skipped with a
//! message where Java or the pinned pyspark is missing, except under .ci/run, which installs
//! them (`TOLLGATE_REQUIRE_TOOLS=1`).

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value;
use tollgate::money::{cents, cents_summing_to};

use super::common::*;

/// The version `.ci/run` installs.
const PYSPARK: &str = "3.5.5";

fn spark_installed() -> bool {
    if !external_tool("java", "openjdk-17-jre-headless") {
        return false;
    }
    let found = std::process::Command::new("python3")
        .args(["-c", "import pyspark; print(pyspark.__version__)"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if found == PYSPARK {
        return true;
    }
    let hint = format!(
        "pyspark {PYSPARK} is not installed (found '{found}'): `python3 -m pip install pyspark=={PYSPARK}` (.ci/run installs it)"
    );
    assert!(
        std::env::var("TOLLGATE_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "{hint}"
    );
    eprintln!("SKIPPED: {hint}");
    false
}

/// (month, dimension, name) -> exact cost, as Spark computed it.
fn spark_totals(lake: &Path) -> BTreeMap<(String, String, String), Decimal> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("python3")
        .arg(root.join("tests/it/spark/month_totals.py"))
        .arg(lake)
        .arg(root.join("queries/portable/month_totals.sql"))
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "spark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = stdout.lines().last().unwrap_or_default();
    let rows: Vec<[String; 4]> = serde_json::from_str(json).expect("spark rows");
    rows.into_iter()
        .map(|[m, d, n, c]| ((m, d, n), c.parse().expect("decimal")))
        .collect()
}

fn money(v: &Value) -> Decimal {
    v.to_string().parse().expect("money")
}

#[test]
fn spark_sql_over_the_lake_gives_the_reports_month_totals() {
    if !spark_installed() {
        return;
    }
    let env = Env::new();
    let db = demo_db(&env);
    let lake = env.path("lake");
    env.cmd()
        .arg("--db")
        .arg(&db)
        .args(["export", "--lake"])
        .arg(&lake)
        .assert()
        .success();
    let spark = spark_totals(&lake);
    let months: std::collections::BTreeSet<String> =
        spark.keys().map(|(m, _, _)| m.clone()).collect();
    assert!(months.len() >= 14, "{months:?}");
    let exact = |m: &str, d: &str, n: &str| {
        spark
            .get(&(m.to_string(), d.to_string(), n.to_string()))
            .copied()
            .unwrap_or_default()
    };
    for month in &months {
        let report = cli_json(&env, &db, &["report", "--month", month, "--json"]);
        let total = exact(month, "total", "total");
        assert_eq!(cents(total), money(&report["total"]), "{month} total");
        // Each breakdown: Spark's exact parts, rounded as the report rounds them.
        let check = |dimension: &str, list: &str, key: &str, extra: Option<Decimal>| {
            let lines = report[list].as_array().expect("list");
            let mut parts: Vec<Decimal> = lines
                .iter()
                .map(|l| exact(month, dimension, l[key].as_str().expect("name")))
                .collect();
            let mut shown: Vec<Decimal> = lines.iter().map(|l| money(&l["cost"])).collect();
            if let Some(unallocated) = extra {
                parts.push(unallocated);
                shown.push(money(&report["unallocated"]));
            }
            assert_eq!(
                cents_summing_to(&parts, total),
                shown,
                "{month} by {dimension}"
            );
            let named: Decimal = parts.iter().copied().sum();
            assert_eq!(
                named, total,
                "{month}: every {dimension} of Spark's is in the report"
            );
        };
        check("provider", "by_provider", "provider", None);
        check("category", "by_category", "category", None);
        check(
            "use_case",
            "by_use_case",
            "use_case",
            Some(exact(month, "use_case", "unallocated")),
        );
    }
}

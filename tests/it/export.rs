//! `tollgate export` (docs/CONTRACTS.md, "Export pack"): pack contents against a hand-built ledger
//! and against the demo's `report`/`gates`/`deps` output, checksums, determinism, the FOCUS round
//! trip, the diff against the previous pack, and bad inputs that must leave nothing behind.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::{focus_csv, focus_line, Env, BOT_SEARCH_CONFIG};

/// The two use cases of [`BOT_SEARCH_CONFIG`] (routed by sub-account, a pilot with an outcome
/// metric), and a Pinecone row split 1/3 : 2/3 between them.
const PINECONE_SPLIT_RULE: &str = r#"
[[rules]]
split = { bot = 0.333333, search = 0.666667 }
match = { provider = "Pinecone" }
"#;

pub(crate) const TODAY: &str = "2026-11-20";

/// The hand-built ledger: September 180.00, October 367.92 (see each line).
fn hand_built() -> Env {
    let env = Env::new();
    env.write(
        "tollgate.toml",
        &format!("{BOT_SEARCH_CONFIG}{PINECONE_SPLIT_RULE}"),
    );
    let oct = focus_csv(&[
        focus_line(
            "100.10",
            "2026-10-03",
            "OpenAI",
            "OpenAI API",
            "proj_bot",
            "{}",
        ),
        focus_line(
            "50.05",
            "2026-10-20",
            "OpenAI",
            "OpenAI API",
            "proj_bot",
            "{}",
        ),
        focus_line(
            "200.00",
            "2026-10-05",
            "OpenAI",
            "OpenAI API",
            "proj_search",
            "{}",
        ),
        // Split: bot 3.33333, search 6.66667.
        focus_line(
            "10.00",
            "2026-10-10",
            "Pinecone",
            "Pinecone",
            "shared",
            r#"{"team":"a,b"}"#,
        ),
        // No rule: unallocated.
        focus_line("7.77", "2026-10-11", "AWS", "Amazon Bedrock", "other", "{}"),
    ]);
    let sep = focus_csv(&[
        focus_line(
            "80.00",
            "2026-09-15",
            "OpenAI",
            "OpenAI API",
            "proj_bot",
            "{}",
        ),
        focus_line(
            "100.00",
            "2026-09-16",
            "OpenAI",
            "OpenAI API",
            "proj_search",
            "{}",
        ),
    ]);
    let oct = env.write("oct.csv", &oct);
    let sep = env.write("sep.csv", &sep);
    let outcomes = env.write(
        "outcomes.csv",
        "month,use_case,metric,value\n2026-10,bot,tickets_deflected,50\n",
    );
    run_ok(&env, &["import", "focus", path(&oct), path(&sep)]);
    run_ok(&env, &["import", "outcomes", path(&outcomes)]);
    env
}

pub(crate) fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

pub(crate) fn cmd(env: &Env, args: &[&str]) -> assert_cmd::assert::Assert {
    let mut c = env.cmd();
    c.arg("--db").arg(env.db());
    if env.path("tollgate.toml").exists() {
        c.arg("--config").arg(env.path("tollgate.toml"));
    }
    c.env("TOLLGATE_TODAY", TODAY).args(args).assert()
}

pub(crate) fn run_ok(env: &Env, args: &[&str]) -> String {
    let out = cmd(env, args).success();
    String::from_utf8(out.get_output().stdout.clone()).expect("utf-8")
}

pub(crate) fn json(env: &Env, args: &[&str]) -> Value {
    serde_json::from_str(&run_ok(env, args)).expect("json")
}

pub(crate) fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub(crate) fn dec(v: &Value) -> Decimal {
    v.to_string().parse().expect("decimal")
}

/// Runs a query over a pack file in an in-memory DuckDB and returns its rows as text.
pub(crate) fn query(sql: &str) -> Vec<Vec<String>> {
    let c = duckdb::Connection::open_in_memory().expect("duckdb");
    let mut stmt = c.prepare(sql).expect("prepare");
    let n = stmt.column_count();
    let mut rows = stmt.query([]).expect("query");
    let mut out = Vec::new();
    while let Some(r) = rows.next().expect("row") {
        out.push(
            (0..n)
                .map(|i| {
                    r.get::<_, Option<String>>(i)
                        .expect("text")
                        .unwrap_or_default()
                })
                .collect(),
        );
    }
    out
}

pub(crate) fn packs_recorded(db: &Path) -> i64 {
    let s = tollgate::store::Store::open(db).expect("open");
    s.conn()
        .query_row("SELECT count(*) FROM export_packs", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn pack_of_a_hand_built_ledger_has_the_hand_computed_numbers() {
    let env = hand_built();
    let out = env.path("pack");
    let stdout = run_ok(&env, &["export", "--month", "2026-10", "--out", path(&out)]);
    assert!(stdout.contains("written to"), "{stdout}");

    let summary = read(&out, "summary.md");
    for line in [
        "| Total spend 2026-10 | $367.92 |",
        "| Prior month 2026-09 | $180.00 |",
        "| Month over month | +$187.92 (+104.4%) |",
        "| Unallocated | $7.77 (2.1% of total) |",
        "| Search (search) | feature | $206.67 | 56.2% | $100.00 | +$106.67 (+106.7%) |",
        "| Support bot (bot) | per ticket deflected | 50 | $153.48 | $3.0697 | - |",
        "| OpenAI | $350.15 | 95.2% |",
        "| Pinecone | $10.00 | 2.7% |",
        "| AWS | $7.77 | 2.1% |",
        "| **Total** |  | **$367.92** | **100.0%** | **$180.00** | **+$187.92 (+104.4%)** |",
        "No gate breached or projected.",
    ] {
        assert!(
            summary.contains(line),
            "summary.md lacks `{line}`:\n{summary}"
        );
    }

    // use_cases.csv: largest first, unallocated last, costs adding up to the total.
    assert_eq!(
        read(&out, "use_cases.csv"),
        "month,use_case,name,kind,cost,share_pct,prior_month_cost,outcome_metric,outcome_label,outcome_value,cost_per_outcome\n\
         2026-10,search,Search,feature,206.67,56.2,100.00,,,,\n\
         2026-10,bot,Support bot,pilot,153.48,41.7,80.00,tickets_deflected,per ticket deflected,50,3.0697\n\
         2026-10,unallocated,,,7.77,2.1,,,,,\n"
    );
    assert_eq!(
        read(&out, "gates.csv").lines().count(),
        1,
        "no breaches: the header only"
    );

    // FOCUS rows: 5 ledger rows, the split one twice; parts add up to the row, the file to the month.
    let csv = out.join("focus.csv");
    let rows = query(&format!(
        "SELECT x_UseCase, CAST(sum(CAST(EffectiveCost AS DECIMAL(18, 9))) AS VARCHAR), CAST(count(*) AS VARCHAR) \
         FROM read_csv('{}', all_varchar = true) GROUP BY 1 ORDER BY 1",
        csv.display()
    ));
    assert_eq!(
        rows,
        vec![
            vec!["bot".to_string(), "153.483330000".into(), "3".into()],
            vec!["search".to_string(), "206.666670000".into(), "2".into()],
            vec!["unallocated".to_string(), "7.770000000".into(), "1".into()],
        ]
    );
    let split = query(&format!(
        "SELECT x_UseCase, CAST(x_Share AS VARCHAR), CAST(BilledCost AS VARCHAR), CAST(x_AllocatedCost AS VARCHAR), Tags \
         FROM read_parquet('{}') WHERE ProviderName = 'Pinecone' ORDER BY 1",
        out.join("focus.parquet").display()
    ));
    assert_eq!(
        split,
        vec![
            vec![
                "bot".to_string(),
                "0.333333".into(),
                "3.333330000".into(),
                "3.333330000".into(),
                r#"{"team":"a,b"}"#.into()
            ],
            vec![
                "search".to_string(),
                "0.666667".into(),
                "6.666670000".into(),
                "6.666670000".into(),
                r#"{"team":"a,b"}"#.into()
            ],
        ]
    );
    // Parquet keeps DECIMAL money, and both files hold the same rows.
    let types = query(&format!(
        "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{}')) \
         WHERE column_name IN ('BilledCost', 'EffectiveCost', 'x_AllocatedCost') ORDER BY 1",
        out.join("focus.parquet").display()
    ));
    for t in &types {
        assert_eq!(t[1], "DECIMAL(18,9)", "{t:?}");
    }
    assert_eq!(types.len(), 3);
    let both = query(&format!(
        "SELECT CAST(count(*) AS VARCHAR) FROM (SELECT * EXCLUDE (Tags) FROM read_parquet('{p}') \
         EXCEPT SELECT * EXCLUDE (Tags) FROM read_csv('{c}', types = {{'Tags': 'VARCHAR'}}))",
        p = out.join("focus.parquet").display(),
        c = csv.display()
    ));
    assert_eq!(both, vec![vec!["0".to_string()]]);
    // FOCUS 1.2 mandatory columns are all there.
    let header = read(&out, "focus.csv")
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    for col in [
        "BilledCost",
        "BillingAccountId",
        "BillingAccountName",
        "BillingCurrency",
        "BillingPeriodStart",
        "BillingPeriodEnd",
        "ChargeCategory",
        "ChargeClass",
        "ChargeDescription",
        "ChargePeriodStart",
        "ChargePeriodEnd",
        "ContractedCost",
        "EffectiveCost",
        "InvoiceIssuerName",
        "ListCost",
        "PricingQuantity",
        "PricingUnit",
        "ProviderName",
        "PublisherName",
        "ServiceCategory",
        "ServiceName",
        "x_UseCase",
        "x_AllocatedCost",
        "x_Model",
        "x_Requests",
    ] {
        assert!(
            header.split(',').any(|h| h == col),
            "focus.csv lacks {col}: {header}"
        );
    }
    // No absolute paths outside the manifest.
    let root = env.dir.path().display().to_string();
    for name in tollgate::export::FILES {
        let bytes = std::fs::read(out.join(name)).expect("read");
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&root),
            "{name} contains a path"
        );
    }
    assert_eq!(packs_recorded(&env.db()), 1);
}

#[test]
fn manifest_checksums_and_the_next_pack_says_what_changed() {
    let env = hand_built();
    let sep_pack = env.path("sep");
    run_ok(
        &env,
        &["export", "--month", "2026-09", "--out", path(&sep_pack)],
    );

    let manifest: Value =
        serde_json::from_str(&read(&sep_pack, "manifest.json")).expect("manifest");
    assert_eq!(manifest["month"], "2026-09");
    assert_eq!(manifest["tollgate_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["data_watermark"], "2026-10-20 23:59:59");
    let files = manifest["files"].as_array().expect("files");
    let names: Vec<&str> = files
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, tollgate::export::FILES.to_vec());
    for f in files {
        let bytes = std::fs::read(sep_pack.join(f["name"].as_str().expect("name"))).expect("file");
        assert_eq!(
            f["sha256"],
            hex::encode(Sha256::digest(&bytes)),
            "{}",
            f["name"]
        );
        assert_eq!(f["bytes"], bytes.len());
    }
    assert!(read(&sep_pack, "summary.md").contains("No pack of an earlier month"));

    // A late September charge arrives and a decision... then October's pack shows the restatement.
    let late = env.write(
        "late.csv",
        &focus_csv(&[focus_line(
            "10.00",
            "2026-09-29",
            "OpenAI",
            "OpenAI API",
            "proj_bot",
            "{}",
        )]),
    );
    run_ok(&env, &["import", "focus", path(&late)]);
    let oct = env.path("oct-pack");
    run_ok(&env, &["export", "--month", "2026-10", "--out", path(&oct)]);
    let summary = read(&oct, "summary.md");
    for line in [
        "Compared with the pack of 2026-09.",
        "- 2026-09 total restated: $180.00 in its pack, $190.00 now (+$10.00).",
        "- 2026-09 bot restated: $80.00 in its pack, $90.00 now (+$10.00).",
        "| Prior month 2026-09 | $190.00 |",
    ] {
        assert!(
            summary.contains(line),
            "summary.md lacks `{line}`:\n{summary}"
        );
    }
    assert_eq!(packs_recorded(&env.db()), 2);
}

#[test]
fn bad_months_and_outs_change_nothing() {
    let env = hand_built();
    let before = crate::common::ledger_fingerprint(&env.db());
    let leftovers = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(".tollgate-pack"))
            })
            .collect()
    };

    let out = env.path("pack");
    let a = cmd(&env, &["export", "--month", "2026-13", "--out", path(&out)]).code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("'2026-13' is not a month"), "{err}");

    let a = cmd(&env, &["export", "--month", "2025-01", "--out", path(&out)]).code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("no ledger rows in 2025-01") && err.contains("2026-10"),
        "{err}"
    );

    let a = cmd(&env, &["export", "--month", "2027-01", "--out", path(&out)]).code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("2027-01 has not started"), "{err}");
    assert!(!out.exists());

    let file = env.write("taken.txt", "mine");
    let a = cmd(
        &env,
        &["export", "--month", "2026-10", "--out", path(&file)],
    )
    .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("taken.txt is a file"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).expect("file"), "mine");

    let busy = env.path("busy");
    std::fs::create_dir(&busy).expect("dir");
    std::fs::write(busy.join("notes.txt"), "keep").expect("write");
    let a = cmd(
        &env,
        &["export", "--month", "2026-10", "--out", path(&busy)],
    )
    .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("neither empty nor a tollgate pack"), "{err}");
    assert_eq!(
        std::fs::read_to_string(busy.join("notes.txt")).expect("kept"),
        "keep"
    );

    // Under a file: the directory cannot be made.
    let under = file.join("pack");
    let a = cmd(
        &env,
        &["export", "--month", "2026-10", "--out", path(&under)],
    )
    .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("cannot write the pack to") && err.contains("writable"),
        "{err}"
    );

    assert!(leftovers(env.dir.path()).is_empty());
    assert_eq!(packs_recorded(&env.db()), 0);
    assert_eq!(crate::common::ledger_fingerprint(&env.db()), before);

    // An earlier pack in --out is replaced; an empty directory is used.
    run_ok(&env, &["export", "--month", "2026-10", "--out", path(&out)]);
    std::fs::write(out.join("summary.md"), "edited").expect("edit");
    run_ok(&env, &["export", "--month", "2026-10", "--out", path(&out)]);
    assert!(read(&out, "summary.md").starts_with("# AI spend review"));
    let empty = env.path("empty");
    std::fs::create_dir(&empty).expect("dir");
    run_ok(
        &env,
        &["export", "--month", "2026-10", "--out", path(&empty)],
    );
    assert!(leftovers(env.dir.path()).is_empty());
    assert_eq!(packs_recorded(&env.db()), 3);
}

/// A demo DB as of 2026-11-20 and its pack of 2026-10 in `pack`.
pub fn demo_pack(env: &Env) -> PathBuf {
    let out = env.path("pack");
    env.cmd()
        .args([
            "demo",
            "--no-tui",
            "--db",
            path(&env.db()),
            "--as-of",
            TODAY,
        ])
        .assert()
        .success();
    run_ok(env, &["export", "--month", "2026-10", "--out", path(&out)]);
    out
}

#[test]
fn demo_pack_matches_the_cli_to_the_cent_is_reproducible_and_round_trips() {
    let env = Env::new();
    let out = demo_pack(&env);
    let report = json(&env, &["report", "--month", "2026-10", "--json"]);

    // use_cases.csv is report's by_use_case (same order) plus unallocated.
    let csv = read(&out, "use_cases.csv");
    let lines: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let ucs = report["by_use_case"].as_array().expect("use cases");
    assert_eq!(lines.len(), ucs.len() + 1);
    for (line, uc) in lines.iter().zip(ucs) {
        assert_eq!(line[1], uc["use_case"].as_str().expect("id"));
        assert_eq!(line[4].parse::<Decimal>().expect("cost"), dec(&uc["cost"]));
        if !uc["cost_per_outcome"].is_null() {
            assert_eq!(
                line[10].parse::<Decimal>().expect("cpo"),
                dec(&uc["cost_per_outcome"])
            );
        }
    }
    let last = lines.last().expect("unallocated line");
    assert_eq!(last[1], "unallocated");
    assert_eq!(
        last[4].parse::<Decimal>().expect("u"),
        dec(&report["unallocated"])
    );
    let sum: Decimal = lines
        .iter()
        .map(|l| l[4].parse::<Decimal>().expect("c"))
        .sum();
    assert_eq!(sum, dec(&report["total"]));

    // Every headline number of report is in summary.md and report.html, as people read it.
    let summary = read(&out, "summary.md");
    let html = read(&out, "report.html");
    let usd = |v: &Value| tollgate::money::usd(dec(v));
    let mut expected = vec![(
        format!("| Total spend 2026-10 | {} |", usd(&report["total"])),
        usd(&report["total"]),
    )];
    for p in report["by_provider"].as_array().expect("providers") {
        let cost = usd(&p["cost"]);
        expected.push((
            format!("| {} | {cost} |", p["provider"].as_str().expect("p")),
            cost,
        ));
    }
    for c in report["by_category"].as_array().expect("categories") {
        let cost = usd(&c["cost"]);
        expected.push((
            format!("| {} | {cost} |", c["category"].as_str().expect("c")),
            cost,
        ));
    }
    for u in ucs {
        let cost = usd(&u["cost"]);
        let kind = u["kind"].as_str().expect("k");
        expected.push((
            format!(
                "({}) | {kind} | {cost} |",
                u["use_case"].as_str().expect("u")
            ),
            cost,
        ));
    }
    for (line, cell) in &expected {
        assert!(summary.contains(line.as_str()), "summary.md lacks `{line}`");
        assert!(
            html.contains(&format!(">{cell}</td>")),
            "report.html lacks {cell}"
        );
    }

    // gates.csv is `gates --at 2026-11-01` from 2026-10 on, in its order, to the cent.
    let gates = json(&env, &["gates", "--at", "2026-11-01", "--json"]);
    let want: Vec<(String, Decimal, Decimal)> = gates["breaches"]
        .as_array()
        .expect("breaches")
        .iter()
        .filter(|b| b["month"].as_str().expect("month") >= "2026-10")
        .map(|b| {
            (
                b["id"].as_str().expect("id").to_string(),
                dec(&b["value"]),
                dec(&b["threshold"]),
            )
        })
        .collect();
    let got = query(&format!(
        "SELECT id, value, threshold FROM read_csv('{}', all_varchar = true)",
        out.join("gates.csv").display()
    ));
    let got: Vec<(String, Decimal, Decimal)> = got
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].parse().expect("v"),
                r[2].parse().expect("t"),
            )
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // dependencies.csv is `deps list` as of the month's last day.
    let mut deps_cmd = env.cmd();
    let deps_out = deps_cmd
        .args(["--db", path(&env.db()), "deps", "list", "--json"])
        .env("TOLLGATE_TODAY", "2026-10-31")
        .assert()
        .success();
    let deps: Value = serde_json::from_slice(&deps_out.get_output().stdout).expect("deps json");
    let want: Vec<(String, Decimal)> = deps["dependencies"]
        .as_array()
        .expect("deps")
        .iter()
        .map(|d| {
            (
                d["key"].as_str().expect("key").to_string(),
                dec(&d["cost_30d"]),
            )
        })
        .collect();
    let got: Vec<(String, Decimal)> = query(&format!(
        "SELECT key, cost_30d FROM read_csv('{}', all_varchar = true)",
        out.join("dependencies.csv").display()
    ))
    .iter()
    .map(|r| (r[0].clone(), r[1].parse().expect("cost")))
    .collect();
    // The dependencies, then one line for the spend no rule allocates (not a dependency).
    let (unallocated, got) = got.split_last().expect("lines");
    assert_eq!(got, want.as_slice());
    assert_eq!(
        unallocated,
        &(
            "unallocated".to_string(),
            dec(&deps["unallocated"]["cost_30d"])
        )
    );

    // FOCUS rows per use case, rounded as report rounds (largest remainder), are report's lines.
    let by_uc = query(&format!(
        "SELECT x_UseCase, CAST(sum(EffectiveCost) AS VARCHAR) FROM read_parquet('{}') GROUP BY 1",
        out.join("focus.parquet").display()
    ));
    let exact = |id: &str| -> Decimal {
        by_uc
            .iter()
            .find(|r| r[0] == id)
            .map(|r| r[1].parse().expect("sum"))
            .unwrap_or_default()
    };
    let mut ids: Vec<&str> = ucs
        .iter()
        .map(|u| u["use_case"].as_str().expect("id"))
        .collect();
    ids.push("unallocated");
    let parts: Vec<Decimal> = ids.iter().map(|id| exact(id)).collect();
    let total: Decimal = by_uc
        .iter()
        .map(|r| r[1].parse::<Decimal>().expect("sum"))
        .sum();
    let rounded = tollgate::money::cents_summing_to(&parts, total);
    let mut want: Vec<Decimal> = ucs.iter().map(|u| dec(&u["cost"])).collect();
    want.push(dec(&report["unallocated"]));
    assert_eq!(rounded, want);
    assert_eq!(tollgate::money::cents(total), dec(&report["total"]));

    // Reproducible: a second export is byte-identical except the manifest's timestamp.
    let again = env.path("again");
    run_ok(
        &env,
        &["export", "--month", "2026-10", "--out", path(&again)],
    );
    for name in tollgate::export::FILES {
        assert!(
            std::fs::read(out.join(name)).expect("a")
                == std::fs::read(again.join(name)).expect("b"),
            "{name} differs between two exports"
        );
    }
    let strip = |dir: &Path| {
        let mut m: Value = serde_json::from_str(&read(dir, "manifest.json")).expect("manifest");
        m["created_at"] = Value::Null;
        m
    };
    assert_eq!(strip(&out), strip(&again));

    // Round trip: import focus of our focus.parquet into an empty DB reproduces the month.
    let fresh = Env::new();
    fresh
        .cmd()
        .args([
            "--db",
            path(&fresh.db()),
            "import",
            "focus",
            path(&out.join("focus.parquet")),
        ])
        .assert()
        .success();
    let back = fresh
        .cmd()
        .args([
            "--db",
            path(&fresh.db()),
            "report",
            "--month",
            "2026-10",
            "--json",
        ])
        .assert()
        .success();
    let back: Value = serde_json::from_slice(&back.get_output().stdout).expect("json");
    assert_eq!(back["total"], report["total"]);
    assert_eq!(back["by_provider"], report["by_provider"]);
    let exact = |db: &Path| -> String {
        let s = tollgate::store::Store::open(db).expect("open");
        s.conn()
            .query_row(
                "SELECT CAST(sum(EffectiveCost) AS VARCHAR) || '/' || CAST(sum(BilledCost) AS VARCHAR) FROM ledger \
                 WHERE ChargePeriodStart >= '2026-10-01' AND ChargePeriodStart < '2026-11-01'",
                [],
                |r| r.get(0),
            )
            .expect("sum")
    };
    assert_eq!(exact(&fresh.db()), exact(&env.db()));
}

#[test]
fn demo_pack_names_metrics_as_people_read_them() {
    // Finance reads the pack: every cost-per-outcome line carries the cockpit's label, and a
    // metric the config labels (`[outcomes.meetings_booked]` in the demo config) its own.
    let env = Env::new();
    let out = demo_pack(&env);
    let summary = read(&out, "summary.md");
    let html = read(&out, "report.html");
    for label in [
        "per weekly active AI user",
        "per ticket deflected",
        "per generated PR",
        "per meeting booked",
    ] {
        assert!(
            summary.contains(&format!("| {label} |")),
            "summary.md lacks {label}"
        );
        assert!(html.contains(label), "report.html lacks {label}");
    }
    for id in [
        "wau",
        "tickets_deflected",
        "prs_generated",
        "meetings_booked",
    ] {
        assert!(
            !summary.contains(&format!("| {id} |")),
            "summary.md shows the id {id}"
        );
        // (The gates' details still name the id in `code`: it is what `import outcomes` takes.)
        assert!(
            !html.contains(&format!("<td>{id}</td>")),
            "report.html shows the id {id}"
        );
        assert!(
            !html.contains(&format!("per {id}")),
            "report.html shows the id {id}"
        );
    }
    // use_cases.csv keeps the id for joins and adds the label beside it.
    let csv = read(&out, "use_cases.csv");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).expect(name);
    assert_eq!(at("outcome_label"), at("outcome_metric") + 1);
    let sales = csv
        .lines()
        .find(|l| l.contains(",sales-assist,"))
        .expect("sales-assist line");
    let cells: Vec<&str> = sales.split(',').collect();
    assert_eq!(cells[at("outcome_metric")], "meetings_booked");
    assert_eq!(cells[at("outcome_label")], "per meeting booked");
}

#[test]
fn demo_pack_keeps_unallocated_spend_apart_from_dependencies() {
    let env = Env::new();
    let out = demo_pack(&env);
    let csv = read(&out, "dependencies.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let unallocated: Vec<&Vec<&str>> = rows
        .iter()
        .filter(|r| r[at("use_case")] == "unallocated")
        .collect();
    // One line says how much no rule allocates; it is no dependency and no waste candidate.
    assert_eq!(unallocated.len(), 1, "{unallocated:?}");
    let u = unallocated[0];
    assert_eq!(u[at("provider")], "");
    assert_eq!(u[at("waste_candidate")], "false");
    assert!(u[at("note")].contains("add a rule"), "{u:?}");
    // The cost column still adds up to the 30 days' spend.
    let sum: Decimal = rows
        .iter()
        .map(|r| r[at("cost_30d")].parse::<Decimal>().expect("cost"))
        .sum();
    let summary = read(&out, "summary.md");
    assert!(
        summary.contains(&format!(
            "{} unallocated: add a rule",
            tollgate::money::usd(u[at("cost_30d")].parse::<Decimal>().expect("u"))
        )),
        "summary.md does not set the unallocated spend apart"
    );
    assert!(sum > Decimal::ZERO);
    assert!(
        summary.contains(&format!("| **{}** |", tollgate::money::usd(sum))),
        "summary.md lacks the 30-day total {sum}"
    );
}

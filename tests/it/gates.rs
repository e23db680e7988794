//! Budget gates G1-G4 (docs/CONTRACTS.md, "Gates"): every edge with hand-computed numbers,
//! decisions and the append-only audit log, the demo's scenarios, and the CLI.

use super::common::openai_day;
use chrono::{NaiveDate, NaiveDateTime};
use predicates::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tollgate::config::{self, Config};
use tollgate::gates::{self, Breach, Decision, GateError, GateReport, Status};
use tollgate::month::Month;
use tollgate::normalize::LedgerRow;
use tollgate::outcomes::set_outcome;
use tollgate::store::{IngestScope, Store};

use super::common::*;

/// Use cases matched by OpenAI project (sub-account) = use case id.
const CONFIG: &str = r#"
[[use_cases]]
id = "feat-a"
name = "Feature A"
kind = "feature"
outcome = "wau"

[[use_cases]]
id = "feat-b"
name = "Feature B"
kind = "feature"

[[use_cases]]
id = "feat-c"
name = "Feature C"
kind = "feature"

[[use_cases]]
id = "feat-d"
name = "Feature D"
kind = "feature"

[[use_cases]]
id = "feat-e"
name = "Feature E"
kind = "feature"

[[use_cases]]
id = "pilot-metric"
name = "Pilot with a metric"
kind = "pilot"
outcome = "tickets_deflected"

[[use_cases]]
id = "pilot-exact"
name = "Pilot at the limit"
kind = "pilot"

[[use_cases]]
id = "pilot-valued"
name = "Pilot with values"
kind = "pilot"
outcome = "prs_generated"

[[use_cases]]
id = "pilot-nometric"
name = "Pilot without a metric"
kind = "pilot"

[[use_cases]]
id = "platform"
name = "Platform"
kind = "platform"

[[rules]]
use_case = "feat-a"
match = { sub_account = "feat-a" }
[[rules]]
use_case = "feat-b"
match = { sub_account = "feat-b" }
[[rules]]
use_case = "feat-c"
match = { sub_account = "feat-c" }
[[rules]]
use_case = "feat-d"
match = { sub_account = "feat-d" }
[[rules]]
use_case = "feat-e"
match = { sub_account = "feat-e" }
[[rules]]
use_case = "pilot-metric"
match = { sub_account = "pilot-metric" }
[[rules]]
use_case = "pilot-exact"
match = { sub_account = "pilot-exact" }
[[rules]]
use_case = "pilot-valued"
match = { sub_account = "pilot-valued" }
[[rules]]
use_case = "pilot-nometric"
match = { sub_account = "pilot-nometric" }
[[rules]]
use_case = "platform"
match = { sub_account = "platform" }
"#;

fn config_with(gates: &str) -> Config {
    config::parse(&format!("{CONFIG}\n[gates]\n{gates}"), "test config").expect("config")
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn month(s: &str) -> Month {
    s.parse().expect("month")
}

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// One day's charge of `sub` (the use case id, or anything else for unallocated).
fn row(sub: &str, day: &str, cost: &str) -> LedgerRow {
    charge(sub, date(day), d(cost), 0)
}

fn charge(sub: &str, day: NaiveDate, cost: Decimal, i: usize) -> LedgerRow {
    let start = day.and_hms_opt(0, 0, 0).expect("t");
    let mut r = openai_day(start, cost, &[sub, &i.to_string()]);
    r.sub_account_id = Some(sub.to_string());
    r
}

/// A month's spend of `sub` as daily rows of at most $500 from the 1st on, as providers bill.
fn spend(sub: &str, month: &str, total: &str) -> Vec<LedgerRow> {
    let first = date(&format!("{month}-01"));
    let chunk = d("500");
    let mut left = d(total);
    let mut out = Vec::new();
    while left > Decimal::ZERO {
        let cost = left.min(chunk);
        let day = first + chrono::Days::new(out.len() as u64);
        out.push(charge(sub, day, cost, out.len()));
        left -= cost;
    }
    out
}

/// Replaces the whole ledger with `rows`.
fn ledger(store: &Store, rows: &[LedgerRow]) {
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".into(),
            },
            rows,
        )
        .expect("ingest");
}

/// `n` daily rows of `cost` for `sub`, from `first` on.
fn daily(sub: &str, first: &str, n: u64, cost: &str) -> Vec<LedgerRow> {
    let first = date(first);
    (0..n)
        .map(|i| {
            let day = first + chrono::Days::new(i);
            row(sub, &day.format("%Y-%m-%d").to_string(), cost)
        })
        .collect()
}

fn find<'a>(r: &'a GateReport, id: &str) -> Option<&'a Breach> {
    r.breaches.iter().find(|b| b.id == id)
}

fn ids(r: &GateReport, gate: &str) -> Vec<String> {
    r.breaches
        .iter()
        .filter(|b| b.gate.as_str() == gate)
        .map(|b| b.id.clone())
        .collect()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("datetime")
}

/// G3 out of the way: a baseline no test month comes near.
const QUIET_G3: &str = "approved_baseline_usd = 1000000";

#[test]
fn g1_feature_spike_edges() {
    let store = Store::open_in_memory().expect("store");
    let config = config_with(QUIET_G3);
    let mut rows = [
        // 2026-06, the first month of the ledger: no prior month to judge growth against
        spend("feat-a", "2026-06", "1000.00"),
        spend("feat-b", "2026-06", "1600.00"),
        spend("feat-d", "2026-06", "2000.00"),
        spend("feat-e", "2026-06", "5000.00"),
        // 2026-07
        // exactly the $3,000 minimum (and over 2 x 1,000): not a breach
        spend("feat-a", "2026-07", "3000.00"),
        // exactly 2 x its prior 1,600 (and over the minimum): not a breach
        spend("feat-b", "2026-07", "3200.00"),
        // a new feature: no spend in June, so prior = 0 and the growth condition holds
        spend("feat-c", "2026-07", "3000.01"),
        // one cent over 2 x 2,000
        spend("feat-d", "2026-07", "4000.01"),
        // under 2 x 5,000
        spend("feat-e", "2026-07", "5000.00"),
    ]
    .concat();
    // 2026-08 in progress: feat-a spends $250 a day from the 7th to the 20th, so the trailing
    // 14-day window is $3,500: projected $3,500 / 14 x 31 = $7,750.00, over 2 x July's $3,000.
    rows.extend(daily("feat-a", "2026-08-07", 14, "250.00"));
    ledger(&store, &rows);

    let r = gates::evaluate(&store, &config, date("2026-08-20")).expect("evaluate");
    let mut g1 = ids(&r, "G1");
    g1.sort();
    assert_eq!(
        g1,
        [
            "G1:feat-a:2026-08",
            "G1:feat-c:2026-07",
            "G1:feat-d:2026-07"
        ]
    );

    let c = find(&r, "G1:feat-c:2026-07").expect("feat-c");
    assert_eq!(c.status, Status::Breach);
    assert_eq!((c.value, c.threshold), (d("3000.01"), d("3000.00")));
    assert!(c.detail.contains("no spend in 2026-06"), "{}", c.detail);

    let dd = find(&r, "G1:feat-d:2026-07").expect("feat-d");
    assert_eq!((dd.value, dd.threshold), (d("4000.01"), d("4000.00")));
    assert!(
        dd.detail.contains("$4,000.01") && dd.detail.contains("2 x its 2026-06 spend of $2,000.00"),
        "{}",
        dd.detail
    );

    let a = find(&r, "G1:feat-a:2026-08").expect("feat-a projected");
    assert_eq!(a.status, Status::Projected);
    assert_eq!((a.value, a.threshold), (d("7750.00"), d("6000.00")));
    assert!(a.detail.contains("trailing 14-day"), "{}", a.detail);
    assert!(a.decision.is_none());
}

#[test]
fn g2_pilot_without_metric_edges() {
    let store = Store::open_in_memory().expect("store");
    let config = config_with(QUIET_G3);
    ledger(
        &store,
        &[
            // a metric is configured but there is no value for the month: breach
            spend("pilot-metric", "2026-07", "1000.01"),
            // exactly the $1,000 limit, no metric at all: not a breach
            spend("pilot-exact", "2026-07", "1000.00"),
            // a metric with a value for the month: not a breach
            spend("pilot-valued", "2026-07", "5000.00"),
            // no metric configured: breach
            spend("pilot-nometric", "2026-07", "1500.00"),
        ]
        .concat(),
    );
    set_outcome(
        &store,
        month("2026-07"),
        "pilot-valued",
        "prs_generated",
        d("40"),
        "test",
    )
    .expect("outcome");
    // a value for another month does not count
    set_outcome(
        &store,
        month("2026-06"),
        "pilot-metric",
        "tickets_deflected",
        d("10"),
        "test",
    )
    .expect("outcome");

    let today = date("2026-08-20");
    let r = gates::evaluate(&store, &config, today).expect("evaluate");
    let mut g2 = ids(&r, "G2");
    g2.sort();
    assert_eq!(g2, ["G2:pilot-metric:2026-07", "G2:pilot-nometric:2026-07"]);
    let m = find(&r, "G2:pilot-metric:2026-07").expect("metric");
    assert_eq!((m.value, m.threshold), (d("1000.01"), d("1000.00")));
    assert!(
        m.detail
            .contains("no `tickets_deflected` value for 2026-07"),
        "{}",
        m.detail
    );
    let n = find(&r, "G2:pilot-nometric:2026-07").expect("no metric");
    assert!(
        n.detail.contains("no outcome metric configured"),
        "{}",
        n.detail
    );

    // the value arrives: the breach is gone
    set_outcome(
        &store,
        month("2026-07"),
        "pilot-metric",
        "tickets_deflected",
        d("12"),
        "cockpit",
    )
    .expect("outcome");
    let r = gates::evaluate(&store, &config, today).expect("evaluate");
    assert_eq!(ids(&r, "G2"), ["G2:pilot-nometric:2026-07"]);
}

#[test]
fn g3_breach_projection_and_approval_moves_the_baseline() {
    let store = Store::open_in_memory().expect("store");
    // line = 10,000 x 1.2 = 12,000.00
    let config = config_with("approved_baseline_usd = 10000\njump_pct = 20");
    let mut rows = [
        spend("platform", "2026-06", "12000.00"), // exactly the line: not a breach
        spend("platform", "2026-07", "11000.00"), // 11,000 + 1,000.01 unallocated
        spend("elsewhere", "2026-07", "1000.01"), // = 12,000.01: a breach
        spend("platform", "2026-08", "13000.00"), // a breach against 12,000.00
    ]
    .concat();
    ledger(&store, &rows);

    let today = date("2026-09-10");
    let r = gates::evaluate(&store, &config, today).expect("evaluate");
    assert_eq!(
        ids(&r, "G3"),
        ["G3:aggregate:2026-08", "G3:aggregate:2026-07"]
    );
    let jul = find(&r, "G3:aggregate:2026-07").expect("july");
    assert_eq!(jul.status, Status::Breach);
    assert_eq!((jul.value, jul.threshold), (d("12000.01"), d("12000.00")));
    assert_eq!((r.baseline, r.g3_line), (d("10000"), d("12000.00")));

    // approving July's jump makes $12,000.01 the baseline from August on:
    // August is judged against 12,000.01 x 1.2 = 14,400.01 and is no longer a breach
    let rec = gates::decide(
        &store,
        &r,
        "G3:aggregate:2026-07",
        Decision::Approved,
        "cfo",
        Some("new assistant rollout"),
        at("2026-09-10 09:00:00"),
    )
    .expect("approve");
    assert_eq!(rec.value, d("12000.01"));
    let baselines = gates::approved_baselines(&store).expect("baselines");
    assert_eq!(baselines.len(), 1);
    assert_eq!(baselines[0].effective_from, month("2026-08"));
    assert_eq!(baselines[0].usd, d("12000.01"));

    let r = gates::evaluate(&store, &config, today).expect("evaluate");
    assert_eq!(ids(&r, "G3"), ["G3:aggregate:2026-07"]);
    let jul = find(&r, "G3:aggregate:2026-07").expect("july stays, decided");
    assert_eq!(
        jul.decision.as_ref().map(|d| d.decision),
        Some(Decision::Approved)
    );
    assert_eq!(jul.threshold, d("12000.00"), "July keeps its own baseline");
    assert_eq!((r.baseline, r.g3_line), (d("12000.01"), d("14400.01")));

    // September in progress: $800 a day on the 1st-10th; the window (Aug 28 - Sep 10) holds
    // $8,000: projected 8,000 / 14 x 30 = 17,142.857 -> $17,142.86, over 14,400.01
    rows.extend(daily("platform", "2026-09-01", 10, "800.00"));
    ledger(&store, &rows);
    let r = gates::evaluate(&store, &config, today).expect("evaluate");
    let sep = find(&r, "G3:aggregate:2026-09").expect("projected");
    assert_eq!(sep.status, Status::Projected);
    assert_eq!((sep.value, sep.threshold), (d("17142.86"), d("14400.01")));
    // the gate and the cockpit's Overview project the month the same way
    let p = tollgate::projection::projected_month_end(&store, today).expect("projection");
    assert_eq!(sep.value, p.month_end);
    assert!(sep.detail.contains(&p.method()), "{}", sep.detail);
}

#[test]
fn decisions_accumulate_the_latest_shows_and_the_log_is_never_rewritten() {
    let store = Store::open_in_memory().expect("store");
    let config = config_with(QUIET_G3);
    ledger(
        &store,
        &[
            spend("feat-a", "2026-06", "1000.00"),
            spend("feat-a", "2026-07", "5000.00"),
            spend("pilot-nometric", "2026-07", "2000.00"),
        ]
        .concat(),
    );
    let today = date("2026-08-20");
    let r = gates::evaluate(&store, &config, today).expect("evaluate");
    assert!(r.breaches.iter().all(Breach::is_open));
    let id = "G1:feat-a:2026-07";

    let first = gates::decide(
        &store,
        &r,
        id,
        Decision::Acknowledged,
        "ana",
        None,
        at("2026-08-20 10:00:00"),
    )
    .expect("first");
    let log_after_first = gates::audit_log(&store).expect("log");
    assert_eq!(log_after_first.len(), 1);
    assert_eq!(log_after_first[0], first);

    let second = gates::decide(
        &store,
        &r,
        id,
        Decision::ReJustified,
        "ben",
        Some("launch month, traffic doubled as planned"),
        at("2026-08-21 11:00:00"),
    )
    .expect("second");
    assert!(second.id > first.id);

    let log = gates::audit_log(&store).expect("log");
    assert_eq!(log.len(), 2);
    assert_eq!(
        log[0], log_after_first[0],
        "earlier rows are never rewritten"
    );
    assert_eq!(log[1], second);
    assert_eq!(log[1].value, d("5000.00"));
    assert_eq!(log[1].threshold, d("3000.00"));
    assert_eq!(log[1].by, "ben");

    let r = gates::evaluate(&store, &config, today).expect("evaluate");
    let b = find(&r, id).expect("breach");
    let latest = b.decision.as_ref().expect("decided");
    assert_eq!(latest.decision, Decision::ReJustified);
    assert_eq!(
        latest.note.as_deref(),
        Some("launch month, traffic doubled as planned")
    );
    // open breaches first
    assert_eq!(r.breaches[0].id, "G2:pilot-nometric:2026-07");
    assert_eq!(r.breaches.last().map(|b| b.id.as_str()), Some(id));

    // JSON: the decision's name, with who, when and the note
    let json: Value = serde_json::to_value(&r).expect("json");
    let jb = json["breaches"]
        .as_array()
        .expect("breaches")
        .iter()
        .find(|b| b["id"] == id)
        .expect("in json");
    assert_eq!(jb["decision"], "re-justified");
    assert_eq!(jb["decided_by"], "ben");
    assert_eq!(jb["value"].to_string(), "5000.00");
    assert_eq!(
        jb["threshold"].to_string(),
        "3000.00",
        "two decimals, even from the config"
    );
    assert_eq!(json["breaches"][0]["decision"], Value::Null);

    // pausing the pilot, then resuming it
    let p = gates::decide(
        &store,
        &r,
        "G2:pilot-nometric:2026-07",
        Decision::Paused,
        "ana",
        None,
        at("2026-08-21 12:00:00"),
    )
    .expect("pause");
    assert_eq!(p.decision, Decision::Paused);
    assert_eq!(
        gates::paused_use_cases(&store)
            .expect("paused")
            .into_iter()
            .collect::<Vec<_>>(),
        ["pilot-nometric"]
    );
    gates::decide(
        &store,
        &r,
        "G2:pilot-nometric:2026-07",
        Decision::Resumed,
        "ana",
        Some("metric wired up"),
        at("2026-08-22 12:00:00"),
    )
    .expect("resume");
    assert!(gates::paused_use_cases(&store).expect("paused").is_empty());
    assert_eq!(gates::audit_log(&store).expect("log").len(), 4);
}

#[test]
fn bad_decisions_change_nothing() {
    let store = Store::open_in_memory().expect("store");
    let config = config_with("approved_baseline_usd = 1000");
    ledger(&store, &spend("feat-a", "2026-07", "5000.00"));
    let r = gates::evaluate(&store, &config, date("2026-08-20")).expect("evaluate");
    let now = at("2026-08-20 10:00:00");

    let err = gates::decide(
        &store,
        &r,
        "G1:nope:2026-07",
        Decision::Acknowledged,
        "ana",
        None,
        now,
    )
    .expect_err("unknown id");
    assert!(matches!(err, GateError::UnknownBreach { .. }));
    assert!(err.to_string().contains("run `tollgate gates`"), "{err}");

    let err = gates::decide(
        &store,
        &r,
        "G3:aggregate:2026-07",
        Decision::Paused,
        "ana",
        None,
        now,
    )
    .expect_err("pausing the aggregate");
    assert!(matches!(err, GateError::NotApplicable { .. }), "{err}");

    let err = gates::decide(
        &store,
        &r,
        "G3:aggregate:2026-07",
        Decision::Approved,
        "  ",
        None,
        now,
    )
    .expect_err("nobody");
    assert!(matches!(err, GateError::NoDecider));

    assert!(gates::audit_log(&store).expect("log").is_empty());
    assert!(gates::approved_baselines(&store)
        .expect("baselines")
        .is_empty());
}

/// The audit log is append-only by construction: no statement anywhere updates or deletes it.
#[test]
fn no_statement_rewrites_the_audit_log() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![root.join("src"), root.join("queries")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rs" || e == "sql") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 20);
    for f in files {
        let text = std::fs::read_to_string(&f)
            .expect("read")
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for table in ["gate_decisions", "gate_baselines"] {
            for verb in [
                format!("update {table}"),
                format!("delete from {table}"),
                format!("truncate {table}"),
                format!("drop table {table}"),
                format!("insert or replace into {table}"),
            ] {
                assert!(!text.contains(&verb), "{} contains `{verb}`", f.display());
            }
        }
    }
}

fn demo_store(dir: &tempfile::TempDir) -> (Store, Config) {
    let store = Store::open(&dir.path().join("demo.duckdb")).expect("open");
    tollgate::demo::write(&store, 42, date("2026-11-20")).expect("demo");
    let config = config::parse(tollgate::demo::CONFIG_TOML, "demo").expect("config");
    (store, config)
}

#[test]
fn the_demo_surfaces_g1_g2_and_a_projected_g3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, config) = demo_store(&dir);
    let r = gates::evaluate(&store, &config, date("2026-11-20")).expect("evaluate");

    let g1 = find(&r, "G1:doc-summaries:2026-10").expect("G1 doc-summaries");
    assert_eq!(g1.status, Status::Breach);
    let g2 = find(&r, "G2:sales-assist:2026-10").expect("G2 sales-assist");
    assert_eq!(g2.status, Status::Breach);
    assert!(g2.detail.contains("meetings_booked"), "{}", g2.detail);
    let g3 = find(&r, "G3:aggregate:2026-11").expect("G3 projected");
    assert_eq!(g3.status, Status::Projected);
    assert_eq!(
        ids(&r, "G3"),
        ["G3:aggregate:2026-11"],
        "no complete month over the line"
    );

    // the same numbers as `report` and the Overview
    let report = tollgate::report::month_report(&store, &config, month("2026-10")).expect("report");
    let doc = report
        .by_use_case
        .iter()
        .find(|u| u.use_case == "doc-summaries")
        .expect("doc-summaries");
    assert_eq!(g1.value, doc.cost);
    let overview = tollgate::overview::load(&store, &config, date("2026-11-20")).expect("overview");
    assert_eq!(g3.value, overview.projection.month_end);
    assert_eq!(g3.threshold, overview.g3_line);

    // G4: the board template has the quarters and a line per target
    assert!(
        r.trajectory.quarters.len() >= 4,
        "{:?}",
        r.trajectory.quarters
    );
    assert_eq!(
        r.trajectory
            .quarters
            .last()
            .map(|q| (q.quarter.as_str(), q.status)),
        Some(("2026-Q4", "outlook"))
    );
    assert_eq!(r.trajectory.targets.len(), 2);
    let flagged = r.trajectory.targets.iter().any(|t| t.within_review_window);
    assert_eq!(flagged, find(&r, "G4:trajectory:2026-11").is_some());
}

#[test]
fn cli_gates_decide_and_log() {
    let env = Env::new();
    let db = env.db();
    env.cmd()
        .arg("--db")
        .arg(&db)
        .args(["demo", "--no-tui", "--as-of", "2026-11-20"])
        .assert()
        .success();

    let out = env
        .cmd()
        .arg("--db")
        .arg(&db)
        .args(["gates", "--json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["as_of"], "2026-11-20");
    let breaches = json["breaches"].as_array().expect("breaches");
    for b in breaches {
        for key in [
            "id",
            "gate",
            "subject",
            "month",
            "status",
            "value",
            "threshold",
            "detail",
            "decision",
        ] {
            assert!(b.get(key).is_some(), "{key} missing in {b}");
        }
        assert!(b["value"].is_number() && b["threshold"].is_number());
    }
    assert!(breaches
        .iter()
        .any(|b| b["id"] == "G3:aggregate:2026-11" && b["status"] == "projected"));

    env.cmd()
        .arg("--db")
        .arg(&db)
        .args([
            "gates",
            "decide",
            "G1:doc-summaries:2026-10",
            "--decision",
            "re-justified",
            "--by",
            "ana",
            "--note",
            "rollout to all workspaces",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "G1:doc-summaries:2026-10 re-justified by ana",
        ));

    env.cmd()
        .arg("--db")
        .arg(&db)
        .args([
            "gates",
            "decide",
            "G9:x:2026-10",
            "--decision",
            "paused",
            "--by",
            "ana",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("run `tollgate gates`"));
    env.cmd()
        .arg("--db")
        .arg(&db)
        .args([
            "gates",
            "decide",
            "G1:doc-summaries:2026-10",
            "--decision",
            "ok",
            "--by",
            "ana",
        ])
        .assert()
        .code(2);

    let out = env
        .cmd()
        .arg("--db")
        .arg(&db)
        .args(["gates", "log", "--json"])
        .output()
        .expect("run");
    let log: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(log.as_array().map(Vec::len), Some(1));
    assert_eq!(log[0]["breach_id"], "G1:doc-summaries:2026-10");
    assert_eq!(log[0]["by"], "ana");

    env.cmd()
        .arg("--db")
        .arg(&db)
        .arg("gates")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("G1:doc-summaries:2026-10")
                .and(predicate::str::contains("re-justified by ana"))
                .and(predicate::str::contains("Quarterly trajectory")),
        );
}

#[test]
fn cli_pauses_a_use_case_for_the_gateway_and_a_demo_db_never_does() {
    let env = Env::new();
    let spool = env.path("spool");
    let cfg = env.write(
        "tollgate.toml",
        &format!(
            "[[use_cases]]\nid = \"bot\"\nname = \"Bot\"\nkind = \"pilot\"\nmonthly_cap_usd = 250\n[proxy]\nspool_dir = \"{}\"\n",
            spool.display()
        ),
    );
    let db = env.db();
    let decide = |target: &str, decision: &str| {
        env.cmd()
            .arg("--config")
            .arg(&cfg)
            .arg("--db")
            .arg(&db)
            .args([
                "gates",
                "decide",
                target,
                "--decision",
                decision,
                "--by",
                "ana",
            ])
            .assert()
    };
    let control = spool.join("control.json");
    decide("use-case:nope", "paused")
        .code(1)
        .stderr(predicate::str::contains(
            "no use case `nope` in the config (configured: bot)",
        ));
    decide("use-case:bot", "acknowledged")
        .code(1)
        .stderr(predicate::str::contains("only paused and resumed"));
    assert!(!control.exists());

    decide("use-case:bot", "paused")
        .success()
        .stdout(predicate::str::contains("use-case:bot paused by ana"))
        .stdout(predicate::str::contains("generation 1"));
    let c: Value =
        serde_json::from_slice(&std::fs::read(&control).expect("control")).expect("json");
    assert_eq!(c["version"], 1);
    assert_eq!(c["generation"], 1);
    assert_eq!(c["use_cases"]["bot"]["paused"]["by"], "ana");
    assert_eq!(c["use_cases"]["bot"]["paused"]["decision"], "use-case:bot");
    assert_eq!(c["use_cases"]["bot"]["monthly_cap_usd"], "250");
    let since = c["use_cases"]["bot"]["paused"]["since"].clone();

    // The same pause again changes nothing the gateway sees: no new generation.
    decide("use-case:bot", "paused").success();
    let again: Value =
        serde_json::from_slice(&std::fs::read(&control).expect("control")).expect("json");
    assert_eq!(
        (
            again["generation"].clone(),
            again["use_cases"]["bot"]["paused"]["since"].clone()
        ),
        (json!(1), since)
    );

    let cfg_arg = cfg.to_str().expect("config path");
    let json_of = |args: &[&str]| -> Value {
        let mut all = vec!["--config", cfg_arg];
        all.extend(args);
        cli_json(&env, &db, &all)
    };
    let log = json_of(&["gates", "log", "--json"]);
    assert_eq!(log[0]["breach_id"], "use-case:bot");
    assert_eq!(log[0]["gate"], Value::Null);
    assert_eq!(log[0]["subject"], "bot");
    let gates = json_of(&["gates", "--json"]);
    assert_eq!(gates["proxy_control"]["paused"], json!(["bot"]));
    let cap = &gates["proxy_control"]["caps"][0];
    assert_eq!(
        (cap["use_case"].as_str(), cap["monthly_cap_usd"].to_string()),
        (Some("bot"), "250.00".to_string())
    );

    decide("use-case:bot", "resumed")
        .success()
        .stdout(predicate::str::contains("generation 2"));
    let c: Value =
        serde_json::from_slice(&std::fs::read(&control).expect("control")).expect("json");
    assert_eq!(c["use_cases"], json!({"bot": {"monthly_cap_usd": "250"}}));

    // A demo DB records the decision but never tells the gateway (its use cases are not real).
    let demo_db = env.path("demo.duckdb");
    env.cmd()
        .arg("--db")
        .arg(&demo_db)
        .args(["demo", "--no-tui", "--as-of", "2026-11-20"])
        .assert()
        .success();
    env.cmd()
        .arg("--db")
        .arg(&demo_db)
        .args([
            "gates",
            "decide",
            "G2:sales-assist:2026-10",
            "--decision",
            "paused",
            "--by",
            "ana",
            "--at",
            "2026-11-20",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "a demo DB does not control the gateway",
        ));
    assert!(!env
        .path("data")
        .join("tollgate")
        .join("spool")
        .join("control.json")
        .exists());
}

//! Outcome values (`tollgate import outcomes`): the CSV import (bad lines by number, nothing
//! half-imported, re-imports replace), `set_outcome`, and cost per outcome in `report`.

use super::common::openai_day;
use chrono::NaiveDate;
use predicates::prelude::*;
use rust_decimal::Decimal;
use tollgate::config::{self, Config};
use tollgate::month::Month;
use tollgate::normalize::LedgerRow;
use tollgate::outcomes::{import_file, set_outcome, OutcomeError};
use tollgate::report::month_report;
use tollgate::store::{IngestScope, Store};

use super::common::*;

const CONFIG: &str = r#"
[[use_cases]]
id = "assistant"
name = "In-app assistant"
kind = "feature"
outcome = "wau"

[[use_cases]]
id = "support"
name = "Support deflection"
kind = "pilot"
outcome = "tickets_deflected"

[[use_cases]]
id = "code-review"
name = "Code review"
kind = "pilot"
outcome = "prs_generated"

[[use_cases]]
id = "platform"
name = "Platform"
kind = "platform"

[[rules]]
use_case = "assistant"
match = { sub_account = "assistant" }
[[rules]]
use_case = "support"
match = { sub_account = "support" }
[[rules]]
use_case = "code-review"
match = { sub_account = "code-review" }
[[rules]]
use_case = "platform"
match = { sub_account = "platform" }
"#;

fn config() -> Config {
    config::parse(CONFIG, "test config").expect("config")
}

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn month(s: &str) -> Month {
    s.parse().expect("month")
}

/// `cost` of `sub` in October 2026 as rows of at most $500 (one per day from `day` on).
fn rows(sub: &str, day: u32, cost: &str) -> Vec<LedgerRow> {
    let mut left = d(cost);
    let mut out = Vec::new();
    while left > Decimal::ZERO {
        let c = left.min(d("500"));
        out.push(row(sub, day + out.len() as u32, c));
        left -= c;
    }
    out
}

fn row(sub: &str, day: u32, cost: Decimal) -> LedgerRow {
    let start = NaiveDate::from_ymd_opt(2026, 10, day)
        .expect("day")
        .and_hms_opt(0, 0, 0)
        .expect("t");
    let mut r = openai_day(start, cost, &[sub]);
    r.sub_account_id = Some(sub.to_string());
    r
}

/// Outcomes as text rows, for comparing whole tables.
fn outcomes_table(store: &Store) -> Vec<(String, String, String, String, String)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT month, use_case, metric, CAST(value AS VARCHAR), source FROM outcomes ORDER BY ALL")
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

const GOOD: &str = "month,use_case,metric,value
2026-10,assistant,wau,4000
2026-10,support,tickets_deflected,1250.5
2026-10,code-review,prs_generated,320
2026-09,assistant,wau,3500
";

#[test]
fn good_csv_imports_and_reimport_replaces() {
    let env = Env::new();
    let store = Store::open(&env.db()).expect("store");
    let cfg = config();
    let file = env.write("outcomes.csv", GOOD);
    let s = import_file(&store, &cfg, &file).expect("import");
    assert_eq!((s.rows, s.replaced), (4, 0));
    let o = store.outcomes(month("2026-10")).expect("outcomes");
    assert_eq!(
        o.get(&("support".into(), "tickets_deflected".into())),
        Some(&d("1250.5"))
    );

    // columns in another order, CRLF, a BOM, quotes; the same keys replace the earlier values
    let again = env.write(
        "again.csv",
        "\u{feff}value,month,use_case,metric\r\n4100,2026-10,\"assistant\",wau\r\n\r\n7,2026-11,support,tickets_deflected\r\n",
    );
    let s = import_file(&store, &cfg, &again).expect("re-import");
    assert_eq!((s.rows, s.replaced), (2, 1));
    let o = store.outcomes(month("2026-10")).expect("outcomes");
    assert_eq!(o.get(&("assistant".into(), "wau".into())), Some(&d("4100")));
    assert_eq!(o.len(), 3);
    assert_eq!(outcomes_table(&store).len(), 5);
}

#[test]
fn bad_lines_are_listed_by_number_and_nothing_is_imported() {
    let env = Env::new();
    let store = Store::open(&env.db()).expect("store");
    let cfg = config();
    import_file(&store, &cfg, &env.write("good.csv", GOOD)).expect("import");
    let before = outcomes_table(&store);

    let bad = env.write(
        "bad.csv",
        "month,use_case,metric,value
2026-10,assistant,wau,9999
2026-13,assistant,wau,1
2026-10,nobody,wau,1
2026-10,support,tickets_deflected,-4
2026-10,support,,3
2026-10,code-review,prs_generated,lots
2026-10,code-review,prs_generated
2026-10,assistant,wau,5
",
    );
    let err = import_file(&store, &cfg, &bad).expect_err("bad file");
    let OutcomeError::BadLines { lines, more, .. } = &err else {
        panic!("not a bad-lines error: {err}");
    };
    let numbers: Vec<usize> = lines.iter().map(|l| l.0).collect();
    assert_eq!(numbers, [3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(*more, 0);
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "{}: 7 bad lines, nothing was imported",
            bad.display()
        )),
        "{msg}"
    );
    for part in [
        "line 3: month: '2026-13' is not a month",
        "line 4: unknown use case `nobody`",
        "line 5: value -4 is negative",
        "line 6: metric is empty",
        "line 7: value `lots` is not a number",
        "line 8: 3 fields where the header has 4",
        "line 9: repeats 2026-10,assistant,wau of line 2",
        "use cases in the config: assistant, support, code-review, platform",
    ] {
        assert!(msg.contains(part), "missing `{part}` in:\n{msg}");
    }
    assert_eq!(outcomes_table(&store), before, "the DB is unchanged");
}

#[test]
fn many_bad_lines_are_capped_and_headers_are_checked() {
    let env = Env::new();
    let store = Store::open_in_memory().expect("store");
    let cfg = config();
    let mut text = String::from("month,use_case,metric,value\n");
    for i in 0..25 {
        text.push_str(&format!("2026-10,ghost{i},wau,1\n"));
    }
    let err = import_file(&store, &cfg, &env.write("many.csv", &text)).expect_err("bad");
    let msg = err.to_string();
    assert!(
        msg.contains("25 bad lines") && msg.contains("line 21:") && !msg.contains("line 22:"),
        "{msg}"
    );
    assert!(msg.contains("... and 5 more"), "{msg}");

    let err = import_file(
        &store,
        &cfg,
        &env.write("h.csv", "month,use_case,value\n2026-10,assistant,1\n"),
    )
    .expect_err("header");
    assert!(
        err.to_string()
            .contains("h.csv: line 1: no `metric` column"),
        "{err}"
    );
    let err = import_file(&store, &cfg, &env.write("e.csv", "")).expect_err("empty");
    assert!(err.to_string().contains("e.csv: it is empty"), "{err}");
    assert!(outcomes_table(&store).is_empty());
}

#[test]
fn set_outcome_enters_one_value() {
    let store = Store::open_in_memory().expect("store");
    assert!(!set_outcome(
        &store,
        month("2026-10"),
        "support",
        "tickets_deflected",
        d("10"),
        "cockpit"
    )
    .expect("set"));
    assert!(set_outcome(
        &store,
        month("2026-10"),
        "support",
        "tickets_deflected",
        d("12"),
        "cockpit"
    )
    .expect("set"));
    assert_eq!(
        outcomes_table(&store),
        [(
            "2026-10".to_string(),
            "support".to_string(),
            "tickets_deflected".to_string(),
            "12.000000".to_string(),
            "cockpit".to_string()
        )]
    );
    assert!(set_outcome(&store, month("2026-10"), "support", "x", d("-1"), "cockpit").is_err());
    assert!(set_outcome(&store, month("2026-10"), " ", "x", d("1"), "cockpit").is_err());
}

/// The three premise metrics reach `report`: cost per weekly active user, per ticket deflected,
/// per generated PR, for the use cases whose `outcome` is set.
#[test]
fn cost_per_outcome_reaches_the_report() {
    let env = Env::new();
    let store = Store::open(&env.db()).expect("store");
    let cfg = config();
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".into(),
            },
            &[
                rows("assistant", 1, "6000.00"),
                rows("support", 1, "1500.00"),
                rows("code-review", 1, "800.00"),
                rows("platform", 1, "700.00"),
            ]
            .concat(),
        )
        .expect("ingest");
    import_file(&store, &cfg, &env.write("o.csv", GOOD)).expect("import");
    let r = month_report(&store, &cfg, month("2026-10")).expect("report");
    let per = |id: &str| {
        let u = r
            .by_use_case
            .iter()
            .find(|u| u.use_case == id)
            .expect("use case");
        (
            u.outcome_metric.clone(),
            u.outcome_value,
            u.cost_per_outcome,
        )
    };
    // 6,000 / 4,000 users = 1.5; 1,500 / 1,250.5 tickets = 1.19952..; 800 / 320 PRs = 2.5
    assert_eq!(
        per("assistant"),
        (Some("wau".into()), Some(d("4000")), Some(d("1.5")))
    );
    assert_eq!(
        per("support"),
        (
            Some("tickets_deflected".into()),
            Some(d("1250.5")),
            Some(d("1.1995"))
        )
    );
    assert_eq!(
        per("code-review"),
        (Some("prs_generated".into()), Some(d("320")), Some(d("2.5")))
    );
    assert_eq!(per("platform"), (None, None, None));
}

#[test]
fn cli_import_outcomes() {
    let env = Env::new();
    let cfg = env.write("tollgate.toml", CONFIG);
    let good = env.write("outcomes.csv", GOOD);
    env.cmd()
        .arg("--db")
        .arg(env.db())
        .arg("--config")
        .arg(&cfg)
        .args(["import", "outcomes"])
        .arg(&good)
        .assert()
        .success()
        .stdout(predicate::str::contains("imported 4 outcome values"));
    let bad = env.write(
        "bad.csv",
        "month,use_case,metric,value\n2026-10,nobody,wau,1\n",
    );
    env.cmd()
        .arg("--db")
        .arg(env.db())
        .arg("--config")
        .arg(&cfg)
        .args(["import", "outcomes"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("bad.csv").and(predicate::str::contains(
                "line 2: unknown use case `nobody`",
            )),
        );
    let store = Store::open(&env.db()).expect("store");
    assert_eq!(outcomes_table(&store).len(), 4);
}

//! Dependencies (C10): derived from a small ledger by hand, reviews appended with history and
//! the latest winning, class totals adding up, waste candidates, unknown keys, and the CLI.

use chrono::{Days, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde_json::Value;
use tollgate::config::{self, Config};
use tollgate::deps::{self, DepClass, DepsError};
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::store::{IngestScope, Store};

use super::common::Env;

use super::common::BOT_SEARCH_CONFIG as CONFIG;

fn d(s: &str) -> Decimal {
    tollgate::money::parse(s).expect("decimal")
}

fn nth(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1)
        .and_then(|d| d.checked_add_days(Days::new(n)))
        .expect("date")
}

fn today() -> NaiveDate {
    nth(70) // 2026-11-10: the window is 2026-10-12 ..= 2026-11-10 (days 41..=70)
}

/// A row of `cost` on day `n`; `tokens` > 0 makes it a token row with requests.
fn row(
    n: u64,
    provider: &str,
    sub: &str,
    model: Option<&str>,
    cost: &str,
    tokens: i64,
) -> LedgerRow {
    let start = nth(n).and_hms_opt(0, 0, 0).expect("t");
    let mut r = LedgerRow::new(
        Charge {
            source: "test",
            provider,
            service: provider,
            service_category: "AI and Machine Learning",
            service_subcategory: None,
            start,
            end: start + chrono::Duration::days(1),
            cost: d(cost),
        },
        &[sub, model.unwrap_or("-"), cost],
    );
    r.sub_account_id = Some(sub.to_string());
    r.model = model.map(str::to_string);
    if tokens > 0 {
        r.token_type = Some("input".to_string());
        r.consumed_quantity = Some(Decimal::from(tokens));
        r.consumed_unit = Some("Tokens".to_string());
        r.requests = Some(tokens / 100);
    }
    r
}

/// In the window: bot/OpenAI/gpt-mini $30 (30,000 tokens, 300 requests), search/OpenAI/gpt-big
/// $120, bot/OpenAI/gpt-old $15 of fees with no usage (it had tokens before the window),
/// unallocated/OpenAI/gpt-mini $30, bot/Pinecone/idx-main $60 (no usage ever). Total $255.
fn ledger() -> Vec<LedgerRow> {
    let mut rows = Vec::new();
    for n in 0..=70 {
        rows.push(row(n, "OpenAI", "proj_bot", Some("gpt-mini"), "1", 1000));
        rows.push(row(n, "OpenAI", "proj_search", Some("gpt-big"), "4", 1000));
        if n <= 20 {
            rows.push(row(n, "OpenAI", "proj_bot", Some("gpt-old"), "2", 1000));
        }
        if n >= 41 {
            rows.push(row(n, "OpenAI", "proj_bot", Some("gpt-old"), "0.5", 0));
            rows.push(row(n, "OpenAI", "proj_other", Some("gpt-mini"), "1", 1000));
        }
        let mut pine = row(n, "Pinecone", "proj_bot", None, "2", 0);
        pine.resource_id = Some("idx-main".to_string());
        rows.push(pine);
    }
    rows
}

fn fill(store: &Store) {
    let scope = IngestScope::Source {
        source: "test".into(),
    };
    store.ingest_rows(&scope, &ledger()).expect("ingest");
    store
        .conn()
        .execute(
            "INSERT INTO outcomes VALUES ('2026-10', 'bot', 'tickets_deflected', 120, 'test')",
            [],
        )
        .expect("outcome");
}

fn setup() -> (Store, Config) {
    let store = Store::open_in_memory().expect("store");
    fill(&store);
    (store, config::parse(CONFIG, "deps.toml").expect("config"))
}

fn at(day: u64, hour: u32) -> NaiveDateTime {
    nth(day).and_hms_opt(hour, 0, 0).expect("time")
}

#[test]
fn dependencies_are_derived_from_the_ledger() {
    let (store, cfg) = setup();
    let r = deps::list(&store, &cfg, today()).expect("list");
    let got: Vec<(&str, Decimal)> = r
        .dependencies
        .iter()
        .map(|d| (d.key.as_str(), d.cost_30d))
        .collect();
    assert_eq!(
        got,
        vec![
            ("search/OpenAI/gpt-big", d("120")),
            ("bot/Pinecone/idx-main", d("60")),
            ("bot/OpenAI/gpt-mini", d("30")),
            ("bot/OpenAI/gpt-old", d("15")),
        ]
    );
    // proj_other matches no rule: its $30 is reported apart, not as a dependency.
    assert_eq!(r.unallocated.cost_30d, d("30"));
    let mini = &r.dependencies[2];
    assert_eq!(
        (
            mini.use_case.as_str(),
            mini.provider.as_str(),
            mini.item.as_str()
        ),
        ("bot", "OpenAI", "gpt-mini")
    );
    assert_eq!((mini.tokens_30d, mini.requests_30d), (d("30000"), d("300")));
    assert!(mini.has_outcome && mini.class.is_none());
    assert_eq!(r.total_30d, d("255"));
    assert_eq!((r.window_start, r.window_end), (nth(41), nth(70)));
}

#[test]
fn waste_candidates_have_spend_but_no_outcome_or_no_usage() {
    let (store, cfg) = setup();
    let r = deps::list(&store, &cfg, today()).expect("list");
    let mut waste: Vec<(&str, Vec<String>)> = r
        .waste_candidates()
        .map(|d| (d.key.as_str(), d.waste_reasons.clone()))
        .collect();
    waste.sort();
    assert_eq!(
        waste,
        vec![
            (
                "bot/OpenAI/gpt-old",
                vec!["no requests or tokens in 30 days".to_string()]
            ),
            ("search/OpenAI/gpt-big", vec!["no outcome".to_string()]),
        ]
    );
}

#[test]
fn tagging_appends_history_and_the_latest_wins() {
    let (store, cfg) = setup();
    deps::list(&store, &cfg, today()).expect("list");
    let key = "bot/OpenAI/gpt-mini";
    deps::tag(
        &store,
        key,
        DepClass::LoadBearing,
        Some("core"),
        "ana",
        at(60, 9),
    )
    .expect("tag");
    deps::tag(&store, key, DepClass::Convenience, None, "ben", at(65, 9)).expect("tag");
    // An older review written later does not win.
    deps::tag(&store, key, DepClass::Waste, None, "cy", at(50, 9)).expect("tag");
    deps::tag(
        &store,
        "search/OpenAI/gpt-big",
        DepClass::Waste,
        Some("no users"),
        "ana",
        at(66, 9),
    )
    .expect("tag");

    let history = deps::history(&store, key).expect("history");
    let classes: Vec<&str> = history.iter().map(|r| r.class.as_str()).collect();
    assert_eq!(classes, vec!["waste", "load-bearing", "convenience"]);

    let r = deps::list(&store, &cfg, today()).expect("list");
    let mini = r.dependencies.iter().find(|d| d.key == key).expect("dep");
    assert_eq!(mini.class, Some(DepClass::Convenience));
    assert_eq!(mini.reviewer.as_deref(), Some("ben"));
    assert_eq!(mini.reviewed_at, Some(at(65, 9)));
    assert_eq!(mini.note, None);

    // Totals per class, including untagged, add up to the total.
    let totals: Vec<(&str, Decimal, usize)> = r
        .totals
        .iter()
        .map(|t| (t.class.as_str(), t.cost_30d, t.count))
        .collect();
    assert_eq!(
        totals,
        vec![
            ("load-bearing", d("0"), 0),
            ("convenience", d("30"), 1),
            ("waste", d("120"), 1),
            ("untagged", d("75"), 2),
        ]
    );
    // With the unallocated spend, the class totals make the total.
    let sum: Decimal = r.totals.iter().map(|t| t.cost_30d).sum();
    assert_eq!(sum + r.unallocated.cost_30d, r.total_30d);
}

#[test]
fn unknown_keys_are_errors_that_suggest_close_matches() {
    let (store, cfg) = setup();
    deps::list(&store, &cfg, today()).expect("list");
    let err = deps::tag(
        &store,
        "bot/OpenAI/gpt-minii",
        DepClass::Waste,
        None,
        "ana",
        at(60, 9),
    )
    .expect_err("unknown key");
    match &err {
        DepsError::UnknownKey { suggestions, .. } => {
            assert_eq!(suggestions[0], "bot/OpenAI/gpt-mini", "{suggestions:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("did you mean bot/OpenAI/gpt-mini"));
    assert!(deps::history(&store, "nope").is_err());
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM dependency_reviews", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0);
}

#[test]
fn the_demo_has_a_few_reviewed_dependencies_and_totals_that_add_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("demo.duckdb")).expect("open");
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    tollgate::demo::write(&store, 42, as_of).expect("demo");
    let text = store.setting("config_toml").expect("s").expect("config");
    let cfg = config::parse(&text, "demo").expect("config");
    let r = deps::list(&store, &cfg, as_of).expect("list");
    let agent = r
        .dependencies
        .iter()
        .find(|d| d.key == "agent-prototype/Anthropic/claude-opus-4-6")
        .expect("reviewed dependency");
    assert_eq!(agent.class, Some(DepClass::Waste));
    let reviewed = r.dependencies.iter().filter(|d| d.class.is_some()).count();
    assert!(
        reviewed >= 3 && reviewed * 2 < r.dependencies.len(),
        "{reviewed}"
    );
    let sum: Decimal = r.totals.iter().map(|t| t.cost_30d).sum();
    assert_eq!(sum + r.unallocated.cost_30d, r.total_30d);
    let deps: Decimal = r.dependencies.iter().map(|d| d.cost_30d).sum();
    assert_eq!(
        deps, sum,
        "every dependency's cents add up to the class totals"
    );
    assert!(r.dependencies.iter().all(|d| d.use_case != "unallocated"));
    assert!(r.total_30d > d("25000"), "{}", r.total_30d);
}

/// The JSON a successful command prints.
fn json(mut cmd: assert_cmd::Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("json")
}

/// The real binary on the filled ledger and [`CONFIG`], as of `today()`, run by "tester".
fn cli(env: &Env) -> impl Fn(&[&str]) -> assert_cmd::Command + '_ {
    let cfg = env.write("tollgate.toml", CONFIG);
    fill(&Store::open(&env.db()).expect("open"));
    move |args: &[&str]| {
        let mut c = env.cmd();
        c.arg("--db")
            .arg(env.db())
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .env("TOLLGATE_TODAY", "2026-11-10")
            .env("USER", "tester");
        c
    }
}

#[test]
fn cli_lists_tags_and_rejects_unknown_keys() {
    let env = Env::new();
    let run = cli(&env);
    run(&[
        "deps",
        "tag",
        "bot/OpenAI/gpt-mini",
        "--class",
        "load-bearing",
        "--note",
        "core",
    ])
    .assert()
    .success();
    run(&["deps", "tag", "bot/OpenAI/gpt-mni", "--class", "waste"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "did you mean bot/OpenAI/gpt-mini",
        ));
    run(&["deps", "tag", "bot/OpenAI/gpt-mini", "--class", "keep"])
        .assert()
        .code(2);

    let v = json(run(&["deps", "list", "--json"]));
    let mini = v["dependencies"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["key"] == "bot/OpenAI/gpt-mini"))
        .expect("dep");
    assert_eq!(mini["class"], "load-bearing");
    assert_eq!(mini["note"], "core");
    assert_eq!(mini["reviewer"], "tester");
    assert_eq!(mini["cost_30d"].to_string(), "30.00");
    assert!(mini["reviewed_at"]
        .as_str()
        .is_some_and(|t| t.starts_with("2026-11-10T")));
    for k in [
        "key",
        "use_case",
        "provider",
        "item",
        "cost_30d",
        "class",
        "note",
        "reviewed_at",
    ] {
        assert!(v["dependencies"][0].get(k).is_some(), "{k}");
    }

    let v = json(run(&["deps", "list", "--untagged", "--json"]));
    let deps = v["dependencies"].as_array().expect("array");
    assert_eq!(deps.len(), 3);
    assert!(deps.iter().all(|d| d["class"].is_null()));

    run(&["deps", "history", "bot/OpenAI/gpt-mini"])
        .assert()
        .success()
        .stdout(predicates::str::contains("load-bearing"));
}

#[test]
fn unallocated_spend_is_shown_apart_never_as_a_dependency_or_waste() {
    // proj_other matches no rule: its $30 is a gap in the rules, not a dependency.
    let env = Env::new();
    let run = cli(&env);
    let v = json(run(&["deps", "list", "--json"]));
    let deps = v["dependencies"].as_array().expect("array");
    assert!(
        deps.iter().all(|d| d["use_case"] != "unallocated"),
        "{deps:?}"
    );
    assert_eq!(v["unallocated"]["cost_30d"].to_string(), "30.00");
    let items = v["unallocated"]["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(
        (&items[0]["provider"], &items[0]["item"]),
        (&Value::from("OpenAI"), &Value::from("gpt-mini"))
    );
    // The class totals cover the dependencies; with the unallocated spend they make the total.
    let dec = |v: &Value| d(&v.to_string());
    let classes: Decimal = v["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .map(|t| dec(&t["cost_30d"]))
        .sum();
    assert_eq!(classes, d("225"));
    assert_eq!(
        classes + dec(&v["unallocated"]["cost_30d"]),
        dec(&v["total_30d"])
    );
    assert_eq!(dec(&v["total_30d"]), d("255"));

    let text = run(&["deps", "list"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&text);
    assert!(text.contains("$30.00 unallocated: add a rule"), "{text}");
    assert!(!text.contains("unallocated/OpenAI"), "{text}");

    // Unallocated spend cannot be reviewed as a dependency: the rules are what to fix.
    run(&[
        "deps",
        "tag",
        "unallocated/OpenAI/gpt-mini",
        "--class",
        "waste",
    ])
    .assert()
    .code(1)
    .stderr(predicates::str::contains("add a rule"));
}

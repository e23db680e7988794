//! The gateway in the cockpit: a gateway source's row on the Sources tab (requests and
//! refusals in the last hour, capture rate against the month's bill, newest record) from the
//! real proxy's records ingested by a gateway sync, snapshotted; and the `tollgate requests`
//! twin of the gateway figures.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde_json::json;
use tempfile::TempDir;
use tollgate::normalize::LedgerRow;
use tollgate::store::{IngestScope, Store};
use tollgate::tui::screens::sources;
use tollgate::tui::Action;

use super::cockpit_sources::{app_on_sources, draw, row};
use super::common::openai_day;
use super::gateway_spool::{captured, with, USE_CASES};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("day")
}

fn now() -> NaiveDateTime {
    today().and_hms_opt(12, 30, 0).expect("now")
}

fn config(spool: &std::path::Path) -> tollgate::config::Config {
    tollgate::config::parse(
        &format!(
            "[sources.openai]\nkind = \"openai\"\n\n[sources.gw]\nkind = \"gateway\"\npath = \"{}\"\n\n{USE_CASES}",
            spool.display()
        ),
        "t.toml",
    )
    .expect("config")
}

/// The captured records re-dated: lines 0-2 (two OpenAI chats at $0.00472 and an Anthropic
/// message) on 4 Dec, the rest (an Anthropic stream, the unpriced one, the refusal, the
/// upstream error) within the hour before `now()`.
fn spool(dir: &std::path::Path) {
    let lines = captured();
    let text: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let at = if i < 3 {
                format!("2026-12-04T09:0{i}:00.000000Z")
            } else {
                format!("2026-12-05T12:1{i}:00.000000Z")
            };
            format!(
                "{}\n",
                with(l, &[("started_at", json!(at)), ("ended_at", json!(at))])
            )
        })
        .collect();
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("requests-2026120412-aaaa.jsonl"), text).expect("spool");
}

/// A DB with OpenAI's bill for 3-4 Dec ($0.01 a day; Anthropic has none) and the gateway's
/// records synced by `gw`.
fn store(dir: &TempDir) -> (Store, tollgate::config::Config) {
    let store = Store::open(&dir.path().join("t.duckdb")).expect("store");
    let bill: Vec<LedgerRow> = [3, 4]
        .iter()
        .map(|d| {
            let start = NaiveDate::from_ymd_opt(2026, 12, *d)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .expect("t");
            openai_day(start, Decimal::new(1, 2), &["bill", &d.to_string()])
        })
        .collect();
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".into(),
            },
            &bill,
        )
        .expect("bill");
    let spool_dir = dir.path().join("spool");
    spool(&spool_dir);
    let config = config(&spool_dir);
    tollgate::gateway::ingest::sync(&store, "gw", &[spool_dir], true).expect("gateway sync");
    store
        .conn()
        .execute_batch(
            "UPDATE ingest_runs SET started_at = TIMESTAMP '2026-12-05 12:20:00', \
             finished_at = TIMESTAMP '2026-12-05 12:20:01', \
             file = CASE WHEN kind = 'spool' THEN '/var/spool/tollgate' ELSE file END",
        )
        .expect("pin run times");
    (store, config)
}

fn data(store: &Store, config: &tollgate::config::Config) -> sources::Data {
    sources::load(
        store,
        config,
        &sources::Query {
            today: today(),
            now: now(),
        },
    )
    .expect("load")
}

#[test]
fn the_gateway_row_shows_the_last_hour_capture_and_newest_record() {
    let dir = TempDir::new().expect("tempdir");
    let (store, config) = store(&dir);
    let data = data(&store, &config);
    let g = row(&data, "gw").gateway.clone().expect("gateway figures");
    assert_eq!(
        (g.requests_last_hour, g.refused_last_hour, g.records),
        (4, 1, 7)
    );
    assert_eq!(g.newest, Some(today().and_hms_opt(12, 16, 0).expect("t")));
    // The gateway recorded OpenAI and Anthropic; only OpenAI has a bill ($0.01 on 3 and 4 Dec):
    // its two chats on 4 Dec, 2 x $0.00472, over $0.02.
    let c = g.capture.expect("capture");
    assert_eq!(c.billed_usd, Decimal::new(2, 2));
    assert_eq!(
        c.billed_through,
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("d")
    );
    assert_eq!(c.captured_usd.normalize(), Decimal::new(944, 5));
    assert_eq!(c.rate.map(|r| r.normalize()), Some(Decimal::new(472, 3)));

    let app = app_on_sources(data, today());
    let mut app = app;
    for _ in 0..3 {
        if app.sources.selected_source().map(|s| s.name.as_str()) == Some("gw") {
            break;
        }
        app.update(tollgate::tui::Action::Down);
    }
    insta::assert_snapshot!(draw(&app, 120, 40));
}

/// `tollgate requests ARGS --json` on the same DB and config.
fn requests_json(dir: &TempDir, args: &[&str]) -> serde_json::Value {
    let config = dir.path().join("t.toml");
    let mut all = vec!["--config", config.to_str().expect("path"), "requests"];
    all.extend(args);
    all.push("--json");
    super::common::cli_json(
        &super::common::Env::new(),
        &dir.path().join("t.duckdb"),
        &all,
    )
}

fn closed_store(dir: &TempDir) {
    let (store, _) = store(dir);
    drop(store);
    std::fs::write(
        dir.path().join("t.toml"),
        format!(
            "[sources.gw]\nkind = \"gateway\"\npath = \"{}\"\n\n{USE_CASES}",
            dir.path().join("spool").display()
        ),
    )
    .expect("config");
}

#[test]
fn requests_lists_days_and_use_cases_with_users_tokens_cost_and_refusals() {
    let dir = TempDir::new().expect("tempdir");
    closed_store(&dir);
    let all = requests_json(&dir, &[]);
    let days: Vec<(String, String, i64, i64, String, i64)> = all["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|d| {
            (
                d["day"].as_str().expect("day").to_string(),
                d["use_case"].as_str().expect("uc").to_string(),
                d["requests"].as_i64().expect("n"),
                d["users"].as_i64().expect("users"),
                d["cost_usd"].to_string(),
                d["refused"].as_i64().expect("refused"),
            )
        })
        .collect();
    let row = |day: &str, uc: &str, n, users, cost: &str, refused| {
        (
            day.to_string(),
            uc.to_string(),
            n,
            users,
            cost.to_string(),
            refused,
        )
    };
    assert_eq!(
        days,
        vec![
            row("2026-12-04", "search", 1, 1, "0.00", 0),
            row("2026-12-04", "support", 2, 2, "0.01", 0),
            row("2026-12-05", "search", 1, 0, "0.00", 0),
            row("2026-12-05", "support", 1, 0, "0.00", 0),
            row("2026-12-05", "unallocated", 2, 0, "0.00", 1),
        ]
    );
    // alice (in both use cases, one pseudonym) and bob; $0.00944 + 2 x $0.0002.
    assert_eq!(
        all["total"],
        json!({"requests": 7, "users": 2, "input_tokens": 2610, "output_tokens": 645,
               "cost_usd": 0.01, "refused": 1,
               "latency_p50_ms": all["total"]["latency_p50_ms"],
               "latency_p95_ms": all["total"]["latency_p95_ms"]})
    );
    let support = requests_json(&dir, &["--use-case", "support", "--since", "2026-12-05"]);
    assert_eq!(support["days"].as_array().map(Vec::len), Some(1));
    assert_eq!(support["total"]["requests"], 1);
}

#[test]
fn the_use_case_drill_down_shows_the_gateway_figures_of_its_cli_twin() {
    use tollgate::tui::screens::use_cases::{self, Data, Level};
    let dir = TempDir::new().expect("tempdir");
    let (store, config) = store(&dir);
    let query = use_cases::Query {
        today: today(),
        level: Level::UseCase {
            id: "support".into(),
            month: Some("2026-12".parse().expect("month")),
        },
    };
    let Data::UseCase(u) = use_cases::load(&store, &config, &query).expect("load") else {
        panic!("level 1 data");
    };
    let g = u.gateway.clone().expect("gateway figures");
    // Two chats (alice, bob) and the upstream error: three requests, two users.
    assert_eq!((g.requests, g.users, g.refused), (3, 2, 0));
    let p50 = g.latency_p50_ms.expect("p50");
    let p95 = g.latency_p95_ms.expect("p95");
    assert!(p50 <= p95);
    drop(store);
    std::fs::write(dir.path().join("t.toml"), USE_CASES).expect("config");
    let twin = requests_json(&dir, &["--use-case", "support", "--month", "2026-12"]);
    assert_eq!(twin["total"]["requests"], g.requests);
    assert_eq!(twin["total"]["users"], g.users);
    assert_eq!(twin["total"]["latency_p50_ms"].as_f64(), Some(p50));
    assert_eq!(twin["total"]["latency_p95_ms"].as_f64(), Some(p95));

    // Drawn on level 1 under the spike summary: L0 opens on November (the latest complete
    // month), `]` moves to December, Enter on support drills in.
    let store = Store::open(&dir.path().join("t.duckdb")).expect("reopen");
    let mut app = tollgate::tui::App::new(
        today(),
        tollgate::tui::Keymap::default_keys().expect("keymap"),
        tollgate::tui::Theme::no_color(),
    );
    let act = |app: &mut tollgate::tui::App, action: Action| {
        let mut effects = app.update(action);
        while let Some(effect) = effects.pop() {
            if let tollgate::tui::Effect::Db(request) = effect {
                let answer = tollgate::tui::db::answer(&store, &config, request);
                effects.extend(app.update(answer));
            }
        }
    };
    act(&mut app, Action::Resize(120, 40));
    act(&mut app, Action::SelectTab(2));
    act(&mut app, Action::NextMonth);
    let mut screen = String::new();
    for _ in 0..6 {
        act(&mut app, Action::Enter);
        screen = super::cockpit_sources::draw(&app, 120, 40);
        if screen.contains("Dec 2026 · Support bot") {
            break;
        }
        act(&mut app, Action::Back);
        act(&mut app, Action::Down);
    }
    let line = format!(
        "gateway in Dec 2026: 3 requests · 2 users · latency p50 {p50:.0} ms, p95 {p95:.0} ms · 0 refused"
    );
    assert!(screen.contains(&line), "{line}\n{screen}");
}

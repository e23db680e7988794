//! The cockpit's Gates tab: state tests (actions in, state and effects out), the DB actor's
//! decision write checked in the DB, the G3 approval moving the Overview's baseline, the tab's
//! numbers against `tollgate gates --json`, and snapshots on the demo (as of 2026-11-20).
//! Also the shared helpers of `cockpit_dependencies`.

use std::sync::OnceLock;

use chrono::{Days, NaiveDate};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use rust_decimal::Decimal;
use serde_json::Value;
use tempfile::TempDir;
use tollgate::config::Config;
use tollgate::gates::{self, Decision};
use tollgate::overview::Overview;
use tollgate::store::{IngestScope, Store};
use tollgate::tui::action::Loaded;
use tollgate::tui::db::{self, Request, Write};
use tollgate::tui::screens::{dependencies, gates as gates_tab};
use tollgate::tui::{Action, App, Effect, Keymap, Tab, Theme};

use super::common::{cli_json, demo_db, openai_day, Env};

pub(crate) const USER: &str = "tester";

pub(crate) fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
}

pub(crate) fn demo_config() -> Config {
    tollgate::config::parse(tollgate::demo::CONFIG_TOML, "demo").expect("demo config")
}

/// The demo (seed 42) as of 2026-11-20 in a DuckDB file in `dir`.
pub(crate) fn demo_store(dir: &TempDir) -> Store {
    let store = Store::open(&dir.path().join("demo.duckdb")).expect("open store");
    tollgate::demo::write(&store, 42, as_of()).expect("demo data");
    store
}

/// What the demo's tabs load, computed once for the tests that write nothing.
pub(crate) struct DemoData {
    pub overview: Overview,
    pub gates: gates_tab::Data,
    pub deps: dependencies::Data,
}

pub(crate) fn demo() -> &'static DemoData {
    static DEMO: OnceLock<DemoData> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = TempDir::new().expect("temp dir");
        let store = demo_store(&dir);
        let config = demo_config();
        let query = gates_tab::Query { today: as_of() };
        let deps_query = dependencies::Query { today: as_of() };
        DemoData {
            overview: tollgate::overview::load(&store, &config, as_of()).expect("overview"),
            gates: gates_tab::load(&store, &config, &query).expect("gates"),
            deps: dependencies::load(&store, &config, &deps_query).expect("deps"),
        }
    })
}

/// A cockpit as of 2026-11-20 at `size`, recording as `USER`, with the Overview loaded.
pub(crate) fn app(overview: &Overview, size: (u16, u16)) -> App {
    let mut app = App::new(
        as_of(),
        Keymap::default_keys().expect("default keymap"),
        Theme::no_color(),
    );
    app.user = USER.to_string();
    app.update(Action::Resize(size.0, size.1));
    app.update(Action::OverviewLoaded(Box::new(overview.clone())));
    app
}

pub(crate) fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| tollgate::tui::render(frame, app))
        .expect("draw");
    terminal.backend().to_string()
}

pub(crate) fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Types `text` into the open prompt and presses Enter; the effects of the Enter.
pub(crate) fn submit(app: &mut App, text: &str) -> Vec<Effect> {
    assert!(app.prompt.is_some(), "a prompt is open");
    for c in text.chars() {
        app.update(Action::PromptKey(key(KeyCode::Char(c))));
    }
    app.update(Action::PromptKey(key(KeyCode::Enter)))
}

/// Runs `effects` on the real DB actor's `answer`, feeding every answer back into `app` (and the
/// loads those answers ask for), until nothing is left to do.
pub(crate) fn run_effects(app: &mut App, store: &Store, config: &Config, effects: Vec<Effect>) {
    let mut queue = effects;
    while !queue.is_empty() {
        let mut next = Vec::new();
        for effect in queue {
            if let Effect::Db(request) = effect {
                let answer = db::answer(store, config, request);
                next.extend(app.update(answer));
            }
        }
        queue = next;
    }
}

/// The Gates tab shown with `data`.
fn gates_app(data: &gates_tab::Data, size: (u16, u16)) -> App {
    let mut app = app(&demo().overview, size);
    let effects = app.update(Action::SelectTab(3));
    assert_eq!(
        effects,
        vec![Effect::Db(Request::Gates(gates_tab::Query {
            today: as_of()
        }))]
    );
    app.update(Action::Loaded(Loaded::Gates(Box::new(data.clone()))));
    app
}

fn selected_id(app: &App) -> Option<String> {
    app.gates.selected_breach().map(|b| b.id.clone())
}

// ---- state -------------------------------------------------------------------------------

#[test]
fn open_breaches_come_first_and_the_selection_moves() {
    let data = &demo().gates;
    let mut app = gates_app(data, (120, 40));
    let ids: Vec<&str> = app.gates.visible().iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "G2:sales-assist:2026-11",
            "G3:aggregate:2026-11",
            "G4:trajectory:2026-11",
            "G1:doc-summaries:2026-10",
            "G2:sales-assist:2026-10",
        ]
    );
    app.update(Action::Up);
    assert_eq!(app.gates.selected, 0);
    app.update(Action::Down);
    app.update(Action::Down);
    assert_eq!(selected_id(&app).as_deref(), Some("G4:trajectory:2026-11"));
    app.update(Action::Bottom);
    assert_eq!(app.gates.selected, 4);
    app.update(Action::Down);
    assert_eq!(app.gates.selected, 4, "stops at the last breach");
    app.update(Action::Top);
    assert_eq!(app.gates.selected, 0);
    app.update(Action::PageDown);
    assert_eq!(app.gates.selected, 4, "a page is the whole table here");

    // Decided breaches go after the open ones (a decision on the first projected one).
    let mut decided = data.clone();
    let b = decided
        .report
        .breaches
        .iter_mut()
        .find(|b| b.id == "G2:sales-assist:2026-11")
        .expect("G2");
    let r = record(b, Decision::Paused, "ops");
    b.decision = Some(r.clone());
    decided.log.push(r);
    // Sorted the engine's way (open first, otherwise in order).
    decided.report.breaches.sort_by_key(|b| !b.is_open());
    let app = gates_app(&decided, (120, 40));
    assert_eq!(
        app.gates.visible().last().map(|b| b.id.as_str()),
        Some("G2:sales-assist:2026-11")
    );
}

fn record(b: &gates::Breach, decision: Decision, by: &str) -> gates::DecisionRecord {
    gates::DecisionRecord {
        id: 1,
        breach_id: b.id.clone(),
        gate: Some(b.gate),
        subject: b.subject.clone(),
        month: b.month,
        decision,
        by: by.to_string(),
        note: Some("paused until the metric lands".to_string()),
        decided_at: as_of().and_hms_opt(9, 30, 0).expect("time"),
        value: b.value,
        threshold: b.threshold,
    }
}

#[test]
fn d_asks_for_an_applicable_decision_then_a_note_then_writes() {
    let mut app = gates_app(&demo().gates, (120, 40));
    app.update(Action::Down); // G3:aggregate:2026-11
    assert!(app.update(Action::Decide).is_empty());
    let prompt = app.prompt.clone().expect("decision prompt");
    assert_eq!(prompt.owner, Tab::Gates);
    assert_eq!(
        prompt.label, "decision (acknowledged/re-justified/approved)",
        "pausing is not offered on G3"
    );
    assert!(
        submit(&mut app, "appr").is_empty(),
        "no write before the note"
    );
    let prompt = app.prompt.clone().expect("note prompt");
    assert_eq!(prompt.label, "approved note (Enter skips)");
    let effects = submit(&mut app, "board approved the Q4 plan");
    assert_eq!(
        effects,
        vec![Effect::Db(Request::Write(Write::Decide {
            id: "G3:aggregate:2026-11".to_string(),
            decision: Decision::Approved,
            by: USER.to_string(),
            note: Some("board approved the Q4 plan".to_string()),
            today: as_of(),
        }))]
    );
    assert_eq!(app.prompt, None);

    // The note is optional: Enter on an empty note writes none. G1/G2 offer pause and resume.
    app.update(Action::Bottom); // G2:sales-assist:2026-10
    app.update(Action::Decide);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.label.as_str()),
        Some("decision (acknowledged/re-justified/paused/resumed/approved)")
    );
    submit(&mut app, "p");
    let effects = submit(&mut app, "");
    assert_eq!(
        effects,
        vec![Effect::Db(Request::Write(Write::Decide {
            id: "G2:sales-assist:2026-10".to_string(),
            decision: Decision::Paused,
            by: USER.to_string(),
            note: None,
            today: as_of(),
        }))]
    );
}

#[test]
fn a_decision_that_does_not_apply_or_is_ambiguous_writes_nothing() {
    let mut app = gates_app(&demo().gates, (120, 40));
    app.update(Action::Down); // G3
    app.update(Action::Decide);
    assert!(submit(&mut app, "paused").is_empty());
    assert_eq!(app.prompt, None, "no note prompt after a bad decision");
    let status = app.status.clone().expect("a status message");
    assert!(
        status.starts_with("G3 takes acknowledged/re-justified/approved; 'paused' is none"),
        "{status}"
    );

    app.update(Action::Top); // G2
    app.update(Action::Decide);
    assert!(submit(&mut app, "r").is_empty());
    let status = app.status.clone().expect("a status message");
    assert!(status.contains("re-justified or resumed"), "{status}");

    // Esc at the note prompt cancels the whole decision.
    app.update(Action::Decide);
    submit(&mut app, "ack");
    assert!(app.prompt.is_some());
    assert!(app.update(Action::PromptKey(key(KeyCode::Esc))).is_empty());
    assert_eq!(app.prompt, None);
    // A later `d` starts afresh (the cancelled choice is not carried over).
    app.update(Action::Decide);
    assert_eq!(app.gates.pending, None);
}

#[test]
fn the_filter_narrows_the_breaches_and_esc_clears_it() {
    let mut app = gates_app(&demo().gates, (120, 40));
    app.update(Action::Down); // G3, which the filter hides
    app.update(Action::Filter);
    assert_eq!(
        app.prompt.as_ref().map(|p| (p.owner, p.field)),
        Some((Tab::Gates, "filter"))
    );
    submit(&mut app, "SALES");
    let ids: Vec<&str> = app.gates.visible().iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["G2:sales-assist:2026-11", "G2:sales-assist:2026-10"]);
    assert_eq!(app.gates.selected, 0);
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("filter \"SALES\" (2 of 5, Esc clears)"),
        "{screen}"
    );
    // By status word too.
    app.update(Action::Filter);
    app.update(Action::PromptKey(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    submit(&mut app, "projected");
    assert_eq!(app.gates.visible().len(), 3);
    app.update(Action::Back);
    assert_eq!(app.gates.filter.text, "");
    assert_eq!(app.gates.visible().len(), 5);
    assert_eq!(app.tab, Tab::Gates, "Esc cleared the filter only");
}

#[test]
fn a_click_selects_the_breach_under_it() {
    let mut app = gates_app(&demo().gates, (120, 40));
    let screen = draw(&app, 120, 40);
    let row = screen
        .lines()
        .position(|l| l.contains("G1 feature spike"))
        .expect("G1 row") as u16;
    app.update(Action::Click(30, row));
    assert_eq!(
        selected_id(&app).as_deref(),
        Some("G1:doc-summaries:2026-10")
    );
    // The heading and the panels below select nothing.
    app.update(Action::Click(30, row - 4));
    app.update(Action::Click(30, 30));
    assert_eq!(
        selected_id(&app).as_deref(),
        Some("G1:doc-summaries:2026-10")
    );
}

/// A long history (hundreds of breaches) scrolls: the selection stays on screen at the bottom,
/// only the rows on screen are drawn, and a click maps to the row drawn under it.
#[test]
fn a_long_breach_list_scrolls_with_the_selection_and_clicks_follow() {
    let mut data = demo().gates.clone();
    let first = data.report.breaches[0].clone();
    data.report.breaches = (0..300)
        .map(|i| {
            let mut b = first.clone();
            b.subject = format!("uc-{i:03}");
            b.id = format!("G1:uc-{i:03}:2026-10");
            b
        })
        .collect();
    let mut app = gates_app(&data, (80, 24));
    for _ in 0..40 {
        app.update(Action::Down);
    }
    assert_eq!(selected_id(&app).as_deref(), Some("G1:uc-040:2026-10"));
    let screen = draw(&app, 80, 24);
    let selected_line = screen
        .lines()
        .position(|l| l.contains("▶") && l.contains("uc-040"))
        .unwrap_or_else(|| panic!("the selected breach is on screen:\n{screen}"));
    assert!(!screen.contains("uc-000"), "scrolled past the first rows");
    // The row above the selection is the previous breach; clicking it selects it.
    assert!(screen
        .lines()
        .nth(selected_line - 1)
        .is_some_and(|l| l.contains("uc-039")));
    app.update(Action::Click(30, selected_line as u16 - 1));
    assert_eq!(selected_id(&app).as_deref(), Some("G1:uc-039:2026-10"));
}

// ---- the DB actor ------------------------------------------------------------------------

#[test]
fn a_decision_from_the_cockpit_is_in_the_audit_log_and_on_screen() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let config = demo_config();
    let mut app = app(&demo().overview, (120, 40));
    let effects = app.update(Action::SelectTab(3));
    run_effects(&mut app, &store, &config, effects);
    app.update(Action::Bottom); // G2:sales-assist:2026-10
    app.update(Action::Decide);
    submit(&mut app, "ack");
    let effects = submit(&mut app, "waiting on the sales metric");
    run_effects(&mut app, &store, &config, effects);
    assert_eq!(
        app.status.as_deref(),
        Some("recorded acknowledged on G2:sales-assist:2026-10")
    );

    let rows: Vec<(String, String, String, Option<String>, String, String)> = store
        .conn()
        .prepare(
            "SELECT breach_id, decision, \"by\", note, CAST(value AS VARCHAR), CAST(threshold AS VARCHAR) FROM gate_decisions",
        )
        .expect("prepare")
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let shown = demo()
        .gates
        .report
        .find("G2:sales-assist:2026-10")
        .expect("G2")
        .clone();
    assert_eq!(
        rows,
        [(
            "G2:sales-assist:2026-10".to_string(),
            "acknowledged".to_string(),
            USER.to_string(),
            Some("waiting on the sales metric".to_string()),
            shown.value.to_string(),
            "1000.00".to_string(),
        )]
    );

    // Reloaded: the breach is decided, sorts after the open ones, and stays selected.
    let decided = app.gates.selected_breach().expect("selected").clone();
    assert_eq!(decided.id, "G2:sales-assist:2026-10");
    let d = decided.decision.expect("decision shown");
    assert_eq!((d.decision, d.by.as_str()), (Decision::Acknowledged, USER));
    let data = app.gates.data.ready().expect("loaded");
    assert_eq!(data.log.len(), 1);
    assert_eq!(data.report.open().count(), 4);
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("4 open, 1 decided"), "{screen}");
    assert!(screen.contains("✓ acknowledged · tester"), "{screen}");
    assert!(
        screen.contains("acknowledged") && screen.contains("waiting on the sales metric"),
        "the audit log shows the note:\n{screen}"
    );
}

#[test]
fn a_decision_on_a_breach_that_went_away_is_refused_and_writes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let answer = db::answer(
        &store,
        &demo_config(),
        Request::Write(Write::Decide {
            id: "G1:nothing:2026-10".to_string(),
            decision: Decision::Acknowledged,
            by: USER.to_string(),
            note: None,
            today: as_of(),
        }),
    );
    match answer {
        Action::Written(Err(why)) => {
            assert!(why.contains("no breach `G1:nothing:2026-10`"), "{why}")
        }
        other => panic!("unexpected {other:?}"),
    }
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM gate_decisions", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0);
}

const APPROVAL_CONFIG: &str = r#"
[gates]
approved_baseline_usd = 3000
"#;

/// $100 a day in September, $150 a day from October 1 to November 20: October ($4,650) is
/// over the G3 line ($3,000 + 20% = $3,600), and so is November's projection ($150 x 30).
fn approval_store(dir: &TempDir) -> Store {
    let store = Store::open(&dir.path().join("g3.duckdb")).expect("open");
    let first = NaiveDate::from_ymd_opt(2026, 9, 1).expect("date");
    let rows: Vec<_> = (0..81u64)
        .map(|i| {
            let day = first.checked_add_days(Days::new(i)).expect("day");
            let cost = if i < 30 { 100 } else { 150 };
            openai_day(
                day.and_hms_opt(0, 0, 0).expect("midnight"),
                Decimal::from(cost),
                &["proj", &i.to_string()],
            )
        })
        .collect();
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".to_string(),
            },
            &rows,
        )
        .expect("ingest");
    store
}

#[test]
fn a_g3_approval_in_the_cockpit_moves_the_overviews_baseline() {
    let dir = TempDir::new().expect("temp dir");
    let store = approval_store(&dir);
    let config = tollgate::config::parse(APPROVAL_CONFIG, "fixture").expect("config");
    let before = tollgate::overview::load(&store, &config, as_of()).expect("overview");
    assert_eq!(
        (before.baseline, before.g3_line),
        (Decimal::from(3000), Decimal::from(3600))
    );
    let mut app = app(&before, (120, 40));
    let effects = app.update(Action::SelectTab(3));
    run_effects(&mut app, &store, &config, effects);
    let ids: Vec<String> = app.gates.visible().iter().map(|b| b.id.clone()).collect();
    assert_eq!(ids, ["G3:aggregate:2026-11", "G3:aggregate:2026-10"]);

    app.update(Action::Down);
    app.update(Action::Decide);
    submit(&mut app, "approved");
    let effects = submit(&mut app, "new product line");
    run_effects(&mut app, &store, &config, effects);

    // October's $4,650 is the baseline from November on: the Overview (reloaded after the write)
    // judges November against it, and November's projection ($4,500) is no longer a breach.
    let overview = app.overview().expect("overview reloaded");
    assert_eq!(overview.baseline, Decimal::from(4650));
    assert_eq!(overview.g3_line, Decimal::from(5580));
    let report = &app.gates.data.ready().expect("gates").report;
    assert_eq!(report.baseline, Decimal::from(4650));
    let ids: Vec<&str> = report.breaches.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, ["G3:aggregate:2026-10"]);
    assert_eq!(
        selected_id(&app).as_deref(),
        Some("G3:aggregate:2026-10"),
        "the decided breach stays selected"
    );
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("$4,650.00"), "{screen}");
}

// ---- the CLI twins -----------------------------------------------------------------------

#[test]
fn the_tabs_numbers_are_the_cli_twins_output() {
    let env = Env::new();
    let db_path = demo_db(&env);
    let cli = |args: &[&str]| cli_json(&env, &db_path, args);
    let gates_json = cli(&["gates", "--json"]);
    let deps_json = cli(&["deps", "list", "--json"]);

    let store = Store::open(&db_path).expect("open");
    let config = demo_config();
    let gates_data = match db::answer(
        &store,
        &config,
        Request::Gates(gates_tab::Query { today: as_of() }),
    ) {
        Action::Loaded(Loaded::Gates(d)) => d,
        other => panic!("unexpected {other:?}"),
    };
    let deps_data = match db::answer(
        &store,
        &config,
        Request::Dependencies(dependencies::Query { today: as_of() }),
    ) {
        Action::Loaded(Loaded::Dependencies(d)) => d,
        other => panic!("unexpected {other:?}"),
    };
    // The control file's path is where each process's data dir is (the CLI runs in its own).
    let without_path = |mut v: Value| {
        v["proxy_control"]["path"] = Value::Null;
        v
    };
    assert_eq!(
        without_path(serde_json::to_value(&gates_data.report).expect("json")),
        without_path(gates_json.clone())
    );
    assert_eq!(
        serde_json::to_value(&deps_data.report).expect("json"),
        deps_json
    );

    // And what the tabs draw is those numbers.
    let mut app = app(&demo().overview, (120, 40));
    app.update(Action::SelectTab(3));
    app.update(Action::Loaded(Loaded::Gates(gates_data)));
    let screen = draw(&app, 120, 40);
    for b in gates_json["breaches"].as_array().expect("breaches") {
        for field in ["value", "threshold"] {
            let cents: Decimal = b[field].to_string().parse().expect("number");
            let shown = tollgate::money::usd(cents);
            assert!(screen.contains(&shown), "{shown} not on\n{screen}");
        }
    }
    app.update(Action::SelectTab(5));
    app.update(Action::Loaded(Loaded::Dependencies(deps_data)));
    let screen = draw(&app, 120, 40);
    for t in deps_json["totals"].as_array().expect("totals") {
        let cents: Decimal = t["cost_30d"].to_string().parse().expect("number");
        let shown = tollgate::money::usd(cents);
        assert!(screen.contains(&shown), "{shown} not on\n{screen}");
    }
    let total: Decimal = deps_json["total_30d"].to_string().parse().expect("total");
    assert!(screen.contains(&tollgate::money::usd(total)), "{screen}");
}

// ---- views -------------------------------------------------------------------------------

#[test]
fn gates_demo_120x40() {
    let app = gates_app(&demo().gates, (120, 40));
    insta::assert_snapshot!(draw(&app, 120, 40));
}

#[test]
fn gates_demo_80x24() {
    let app = gates_app(&demo().gates, (80, 24));
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn gates_decided_120x40() {
    let mut data = demo().gates.clone();
    let b = data
        .report
        .breaches
        .iter_mut()
        .find(|b| b.id == "G2:sales-assist:2026-10")
        .expect("G2");
    let r = record(b, Decision::Paused, "ops");
    b.decision = Some(r.clone());
    data.log.push(r);
    data.report.breaches.sort_by_key(|b| !b.is_open());
    let mut app = gates_app(&data, (120, 40));
    app.update(Action::Bottom);
    insta::assert_snapshot!(draw(&app, 120, 40));
}

/// `tollgate overview --json` prints what `overview::load` gives the Overview tab, field by field.
#[test]
fn the_overview_tabs_numbers_are_overview_json() {
    let env = Env::new();
    let db_path = demo_db(&env);
    let j = cli_json(&env, &db_path, &["overview", "--json"]);

    let store = Store::open(&db_path).expect("open");
    let o = tollgate::overview::load(&store, &demo_config(), as_of()).expect("load");
    let money = |v: &Value| -> Decimal { v.to_string().parse().expect("decimal") };
    assert_eq!(j["month"], o.month.to_string());
    assert_eq!(j["currency"], o.report.currency.as_str());
    assert_eq!(money(&j["month_to_date"]), o.month_to_date);
    assert!(o.month_to_date > Decimal::ZERO);
    assert_eq!(money(&j["projection"]["month_end"]), o.projection.month_end);
    assert_eq!(
        money(&j["projection"]["daily_average"]),
        o.projection.daily_average
    );
    assert_eq!(
        j["projection"]["window_first"],
        o.projection.window_first.to_string()
    );
    assert_eq!(
        j["projection"]["window_last"],
        o.projection.window_last.to_string()
    );
    assert_eq!(j["projection"]["method"], o.projection.method());
    assert_eq!(money(&j["baseline"]), o.baseline);
    assert_eq!(money(&j["g3_line"]), o.g3_line);
    assert_eq!(j["over_g3_line"], o.over_g3_line());
    let cats = j["by_category"].as_array().expect("by_category");
    assert_eq!(cats.len(), o.by_category.len());
    for (c, want) in cats.iter().zip(&o.by_category) {
        assert_eq!(c["category"], want.category.as_str());
        assert_eq!(money(&c["cost"]), want.cost);
    }
    let provs = j["by_provider"].as_array().expect("by_provider");
    assert_eq!(provs.len(), o.by_provider.len());
    for (p, want) in provs.iter().zip(&o.by_provider) {
        assert_eq!(p["provider"], want.provider.as_str());
        assert_eq!(money(&p["cost"]), want.cost);
    }
    let ucs = j["top_use_cases"].as_array().expect("top_use_cases");
    assert_eq!(ucs.len(), o.report.by_use_case.len());
    for (u, want) in ucs.iter().zip(&o.report.by_use_case) {
        assert_eq!(u["use_case"], want.use_case.as_str());
        assert_eq!(money(&u["cost"]), want.cost);
    }
    assert_eq!(money(&j["unallocated"]), o.unallocated);
    assert_eq!(
        j["unallocated_pct"]
            .as_f64()
            .map(|_| money(&j["unallocated_pct"])),
        o.unallocated_pct
    );
    let outs = j["outcomes"].as_array().expect("outcomes");
    assert!(!outs.is_empty());
    assert_eq!(outs.len(), o.outcomes.len());
    for (m, want) in outs.iter().zip(&o.outcomes) {
        assert_eq!(m["metric"], want.metric.as_str());
        assert_eq!(m["label"], want.label.as_str());
        assert_eq!(m["use_case"], want.use_case.as_str());
        assert_eq!(money(&m["cost"]), want.cost);
        assert_eq!(
            m["value"].as_f64().map(|_| money(&m["value"])),
            want.outcome_value
        );
        assert_eq!(
            m["cost_per_outcome"]
                .as_f64()
                .map(|_| money(&m["cost_per_outcome"])),
            want.cost_per_outcome
        );
    }
}

#[test]
fn a_pause_the_proxy_enforces_is_shown_on_the_tab_and_in_the_twin() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let mut config = demo_config();
    let spool = dir.path().join("spool");
    config.proxy.spool_dir = Some(spool.display().to_string());
    let query = gates_tab::Query { today: as_of() };
    let before = gates_tab::load(&store, &config, &query).expect("gates");
    let first = &before.report.breaches[0];
    assert!(matches!(first.gate, gates::Gate::G1 | gates::Gate::G2));
    assert!(first.enforced.is_none());

    let mut control = tollgate::proxy::control::Control {
        version: tollgate::proxy::control::VERSION,
        generation: 4,
        written_at: "2026-11-20T09:30:05Z".into(),
        ..Default::default()
    };
    control.use_cases.insert(
        first.subject.clone(),
        tollgate::proxy::control::UseCaseControl {
            paused: Some(tollgate::proxy::control::Pause {
                since: "2026-11-20T09:30:00Z".into(),
                by: "ana".into(),
                decision: format!("use-case:{}", first.subject),
            }),
            monthly_cap_usd: Some(Decimal::new(2500, 0)),
        },
    );
    tollgate::proxy::control::write(&spool, &control).expect("control");
    let data = gates_tab::load(&store, &config, &query).expect("gates");
    let json = serde_json::to_value(&data.report).expect("json");
    let b = &json["breaches"][0];
    assert_eq!(
        b["enforced_by_proxy"]["paused_since"],
        "2026-11-20T09:30:00Z"
    );
    assert_eq!(b["enforced_by_proxy"]["generation"], 4);
    assert_eq!(json["proxy_control"]["paused"][0], first.subject.as_str());
    assert!(json["breaches"]
        .as_array()
        .expect("breaches")
        .iter()
        .filter(|x| x["subject"] != first.subject.as_str())
        .all(|x| x["enforced_by_proxy"].is_null()));

    let app = gates_app(&data, (120, 40));
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("paused: enforced by proxy since 2026-11-20 09:30 UTC"),
        "{screen}"
    );
    assert!(
        screen.contains("capped by proxy at $2,500.00/month"),
        "{screen}"
    );
}

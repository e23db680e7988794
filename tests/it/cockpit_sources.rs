//! The cockpit's Sources tab and background sync: state tests (sync one / all, the demo
//! refusal, one sync at a time, the cache drop before reloads), the tab's numbers against
//! `tollgate doctor`, snapshots on the demo, and a real background sync of a fake OpenAI on
//! 127.0.0.1 into a real DB file while the DB actor keeps answering.

use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rust_decimal::Decimal;
use tempfile::TempDir;
use tollgate::config::Config;
use tollgate::store::Store;
use tollgate::tui::action::Loaded;
use tollgate::tui::app::DEMO_NO_SYNC;
use tollgate::tui::screens::sources::{self, SourceRow};
use tollgate::tui::{background, db, Action, App, Effect, Keymap, Load, Msg, Tab, Theme};

use super::common::Env;
use crate::fake_openai::{FakeOpenAi, OpenAiSpec};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// The demo's as-of date, the snapshots' clock.
fn as_of() -> NaiveDate {
    day("2026-11-20")
}

fn demo_config() -> Config {
    tollgate::config::parse(tollgate::demo::CONFIG_TOML, "demo").expect("demo config")
}

/// The demo (seed 42) as of 2026-11-20 in a real DB file; its run times pinned for snapshots.
fn demo_store(dir: &TempDir) -> Store {
    let store = Store::open(&dir.path().join("demo.duckdb")).expect("open store");
    tollgate::demo::write(&store, 42, as_of()).expect("demo data");
    store
        .conn()
        .execute_batch(
            "UPDATE ingest_runs SET started_at = TIMESTAMP '2026-11-20 06:00:00', \
             finished_at = TIMESTAMP '2026-11-20 06:00:02'",
        )
        .expect("pin run times");
    store
}

fn new_app(today: NaiveDate) -> App {
    App::new(
        today,
        Keymap::default_keys().expect("default keymap"),
        Theme::no_color(),
    )
}

fn sources_data(store: &Store, config: &Config, today: NaiveDate) -> sources::Data {
    sources::load(store, config, &sources::Query { today }).expect("load sources")
}

/// An App on the Sources tab with `data` loaded (the load request it makes is answered).
fn app_on_sources(data: sources::Data, today: NaiveDate) -> App {
    let mut app = new_app(today);
    app.update(Action::Resize(120, 40));
    let effects = app.update(Action::SelectTab(6));
    assert!(
        matches!(effects.as_slice(), [Effect::Db(db::Request::Sources(_))]),
        "{effects:?}"
    );
    app.update(Action::Loaded(Loaded::Sources(Box::new(data))));
    app
}

fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| tollgate::tui::render(frame, app))
        .expect("draw");
    terminal.backend().to_string()
}

fn row<'a>(data: &'a sources::Data, name: &str) -> &'a SourceRow {
    data.sources
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

// ---- data ------------------------------------------------------------------------------

#[test]
fn the_demo_lists_every_configured_source_with_rows_and_freshness() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let data = sources_data(&store, &demo_config(), as_of());
    let names: Vec<&str> = data.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "anthropic",
            "aws",
            "modal",
            "openai",
            "pinecone",
            "replicate"
        ],
        "configured sources, in config order"
    );
    for s in &data.sources {
        let rows: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM ledger WHERE x_Source = ?",
                [&s.name],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(s.rows, rows, "{}", s.name);
        assert!(rows > 0, "{}", s.name);
        let run = s.last_run.as_ref().expect("the demo recorded a run");
        assert!(run.ok(), "{run:?}");
        assert_eq!(s.last_error(), None);
    }
    // The demo's data runs through its as-of date for the API sources.
    let openai = row(&data, "openai");
    assert_eq!(openai.kind_name(), "openai");
    // Sync pulls every configured kind but the gateway: APIs, Modal and FOCUS folders.
    for name in [
        "openai",
        "anthropic",
        "aws",
        "modal",
        "pinecone",
        "replicate",
    ] {
        assert!(row(&data, name).syncable(), "{name}");
    }
    assert_eq!(openai.data_through, Some(as_of()));
    assert_eq!(openai.days_behind, Some(0));
    assert!(!openai.stale());
}

#[test]
fn stale_data_and_failed_runs_are_shown_in_words() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let config = demo_config();
    // A failed sync of openai, recorded as the engine records one.
    store
        .conn()
        .execute_batch(
            "INSERT INTO ingest_runs SELECT max(id) + 1, 'openai', 'window', \
             TIMESTAMP '2026-11-17 00:00:00', TIMESTAMP '2026-11-21 00:00:00', NULL, NULL, 0, \
             TIMESTAMP '2026-11-20 07:00:00', TIMESTAMP '2026-11-20 07:00:03', 'error', \
             'source openai: HTTP 401 from https://api.openai.com: the admin key was rejected; check TOLLGATE_OPENAI_KEY' \
             FROM ingest_runs",
        )
        .expect("failed run");
    // Five days later nothing is fresh: data through 11-20 is 5 days behind 11-25.
    let later = day("2026-11-25");
    let data = sources_data(&store, &config, later);
    let openai = row(&data, "openai");
    assert_eq!(openai.days_behind, Some(5));
    assert!(openai.stale());
    assert!(openai.last_error().is_some_and(|e| e.contains("HTTP 401")));
    let last = openai.last_run.as_ref().expect("run");
    assert_eq!(last.what(), "2026-11-17 .. 2026-11-21");

    let mut app = app_on_sources(data, later);
    // Select openai (4th row) so its error is wrapped in the detail panel.
    app.update(Action::Top);
    for _ in 0..3 {
        app.update(Action::Down);
    }
    assert_eq!(
        app.sources.selected_source().map(|s| s.name.as_str()),
        Some("openai")
    );
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("✗ failed"), "{screen}");
    assert!(screen.contains("5 days ⚠ stale"), "{screen}");
    assert!(screen.contains("check TOLLGATE_OPENAI_KEY"), "{screen}");
    let narrow = draw(&app, 80, 24);
    assert!(narrow.contains("✗ failed"), "{narrow}");
    assert!(narrow.contains("⚠ stale"), "{narrow}");
}

#[test]
fn the_tab_agrees_with_doctor() {
    let env = Env::new();
    let db_path = env.db();
    let data = {
        let store = Store::open(&db_path).expect("open");
        tollgate::demo::write(&store, 42, as_of()).expect("demo data");
        sources_data(&store, &demo_config(), as_of())
    };
    let out = env
        .cmd()
        .arg("--db")
        .arg(&db_path)
        .arg("doctor")
        .env("TOLLGATE_KEYRING", "none")
        .output()
        .expect("run doctor");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    for s in &data.sources {
        let through = s.data_through.expect("data");
        let end = through.succ_opt().expect("day");
        let line = format!(
            "  data from {}: {} rows, up to {end} 00:00:00",
            s.name, s.rows
        );
        assert!(stdout.contains(&line), "{line} not in\n{stdout}");
        let run = s.last_run.as_ref().expect("run");
        assert!(
            stdout.contains(&format!("{:<12} {:<6}", s.name, run.kind_label())),
            "{stdout}"
        );
    }
}

// ---- state -----------------------------------------------------------------------------

fn loaded_demo_app() -> (TempDir, App) {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let data = sources_data(&store, &demo_config(), as_of());
    let mut app = app_on_sources(data, as_of());
    let overview =
        tollgate::overview::load(&store, &demo_config(), as_of()).expect("load overview");
    app.update(Action::OverviewLoaded(Box::new(overview)));
    (dir, app)
}

#[test]
fn enter_syncs_the_selected_api_source_and_only_one_sync_runs() {
    let (_dir, mut app) = loaded_demo_app();
    app.update(Action::Bottom);
    assert_eq!(app.sources.selected, 5);
    app.update(Action::Top);
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Down);
    assert_eq!(
        app.sources.selected_source().map(|s| s.name.as_str()),
        Some("openai")
    );
    let effects = app.update(Action::Enter);
    assert_eq!(
        effects,
        [Effect::Sync {
            sources: vec!["openai".to_string()]
        }]
    );
    assert!(app.syncing, "marked running before the thread reports");
    // Nothing starts while it runs: not `s`, not Enter, not the timer.
    assert!(app.update(Action::SyncNow).is_empty());
    assert_eq!(app.status.as_deref(), Some("a sync is already running"));
    assert!(app.update(Action::Enter).is_empty());
    assert!(app.update(Action::SyncTick).is_empty());

    app.update(Action::Sync {
        running: true,
        summary: "syncing openai…".into(),
    });
    assert!(app.syncing);
    let effects = app.update(Action::Sync {
        running: false,
        summary: "synced openai (12 rows)".into(),
    });
    assert!(!app.syncing);
    assert_eq!(app.status.as_deref(), Some("synced openai (12 rows)"));
    assert_eq!(
        effects.first(),
        Some(&Effect::Db(db::Request::DataChanged)),
        "the actor drops its caches before the reloads: {effects:?}"
    );
    assert!(effects.contains(&Effect::Db(db::Request::Overview { today: as_of() })));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Db(db::Request::Sources(_)))),
        "the shown tab reloads: {effects:?}"
    );
    assert!(app.forecast.stale && app.gates.stale, "every tab is stale");

    // The timer and `s` start a sync of every source once none runs.
    assert_eq!(
        app.update(Action::SyncTick),
        [Effect::Sync { sources: vec![] }]
    );
    app.update(Action::Sync {
        running: false,
        summary: "synced".into(),
    });
    assert_eq!(
        app.update(Action::SyncNow),
        [Effect::Sync { sources: vec![] }]
    );
}

#[test]
fn enter_syncs_every_kind_that_sync_pulls_not_only_the_llm_apis() {
    // AWS, Modal and a FOCUS folder are pulled by `tollgate sync` like the LLM APIs, so Enter
    // on them starts a sync of that source (the tab once sent users to `import focus`).
    for (moves, name) in [(1, "aws"), (2, "modal"), (4, "pinecone")] {
        let (_dir, mut app) = loaded_demo_app();
        for _ in 0..moves {
            app.update(Action::Down);
        }
        assert_eq!(
            app.sources.selected_source().map(|s| s.name.as_str()),
            Some(name)
        );
        let effects = app.update(Action::Enter);
        assert_eq!(
            effects,
            [Effect::Sync {
                sources: vec![name.to_string()]
            }],
            "{name}"
        );
    }
}

#[test]
fn a_gateway_source_is_synced_like_the_others() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let config = tollgate::config::parse(
        &format!(
            "{}\n[sources.edge]\nkind = \"gateway\"\n",
            tollgate::demo::CONFIG_TOML
        ),
        "test",
    )
    .expect("config with a gateway source");
    let data = sources_data(&store, &config, as_of());
    assert!(row(&data, "edge").syncable());
    let chosen: Vec<&str> = tollgate::sync::selected(&config, &[])
        .expect("selected")
        .into_iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert!(
        chosen.contains(&"edge") && chosen.contains(&"aws") && chosen.contains(&"pinecone"),
        "{chosen:?}"
    );

    let mut app = app_on_sources(data, as_of());
    for _ in 0..7 {
        if app.sources.selected_source().map(|s| s.name.as_str()) == Some("edge") {
            break;
        }
        app.update(Action::Down);
    }
    assert_eq!(
        app.sources.selected_source().map(|s| s.name.as_str()),
        Some("edge")
    );
    assert_eq!(
        app.update(Action::Enter),
        [Effect::Sync {
            sources: vec!["edge".to_string()]
        }]
    );
}

#[test]
fn the_demo_never_syncs() {
    let (_dir, mut app) = loaded_demo_app();
    app.demo = true;
    assert!(app.update(Action::SyncNow).is_empty());
    assert_eq!(app.status.as_deref(), Some(DEMO_NO_SYNC));
    app.update(Action::Top); // a key clears the status
    for _ in 0..3 {
        app.update(Action::Down);
    }
    assert!(app.update(Action::Enter).is_empty(), "Enter on openai");
    assert_eq!(app.status.as_deref(), Some(DEMO_NO_SYNC));
    assert!(app.update(Action::SyncTick).is_empty(), "the timer");
    assert!(!app.syncing);
    // The keys: `s` anywhere, Enter on this tab.
    let keymap = Keymap::default_keys().expect("keymap");
    let key = |c| {
        ratatui::crossterm::event::KeyEvent::new(c, ratatui::crossterm::event::KeyModifiers::NONE)
    };
    use ratatui::crossterm::event::KeyCode;
    assert_eq!(
        keymap.action_for(&key(KeyCode::Char('s')), Tab::Sources),
        Some(Action::SyncNow)
    );
    assert_eq!(
        keymap.action_for(&key(KeyCode::Enter), Tab::Sources),
        Some(Action::Enter)
    );
    let hints: Vec<String> = keymap
        .footer_hints(Tab::Sources)
        .into_iter()
        .map(|(k, h)| format!("{k} {h}"))
        .collect();
    assert!(hints.contains(&"Enter sync it".to_string()), "{hints:?}");
    assert!(!hints.contains(&"Enter open".to_string()), "{hints:?}");
}

#[test]
fn filter_and_click_select_rows() {
    let (_dir, mut app) = loaded_demo_app();
    let outcome = app.update(Action::Filter);
    assert!(outcome.is_empty());
    assert!(app.prompt.is_some());
    for c in "OPEN".chars() {
        app.update(Action::PromptKey(ratatui::crossterm::event::KeyEvent::new(
            ratatui::crossterm::event::KeyCode::Char(c),
            ratatui::crossterm::event::KeyModifiers::NONE,
        )));
    }
    app.update(Action::PromptKey(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Enter,
        ratatui::crossterm::event::KeyModifiers::NONE,
    )));
    assert_eq!(app.sources.filter.text, "OPEN");
    let names: Vec<String> = app
        .sources
        .visible()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(names, ["openai"]);
    assert!(draw(&app, 120, 40).contains("filter: OPEN (1 shown)"));
    app.update(Action::Back);
    assert_eq!(app.sources.filter.text, "", "Esc clears the filter first");
    assert_eq!(app.sources.visible().len(), 6);
    // The first row is on screen row 4 (header, tabs, border, heading); row 6 is the third.
    app.update(Action::Click(10, 6));
    assert_eq!(app.sources.selected, 2);
    app.update(Action::Click(10, 4));
    assert_eq!(app.sources.selected, 0);
    app.update(Action::Click(10, 30));
    assert_eq!(
        app.sources.selected, 0,
        "a click below the rows selects nothing"
    );
}

// ---- views -----------------------------------------------------------------------------

#[test]
fn sources_demo_120x40() {
    let (_dir, app) = loaded_demo_app();
    insta::assert_snapshot!(draw(&app, 120, 40));
}

#[test]
fn sources_demo_80x24() {
    let (_dir, app) = loaded_demo_app();
    insta::assert_snapshot!(draw(&app, 80, 24));
}

// ---- background sync against a fake OpenAI ------------------------------------------------

const KEY: &str = "sk-admin-BGSYNC-0123456789abcdef0123456789abcdef";

fn short_retry() -> tollgate::sources::RetryPolicy {
    tollgate::sources::RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        timeout: Duration::from_secs(20),
    }
}

/// A fake OpenAI with 2026-11-01..19 and a config with it as `bgsync` (key in the env) and
/// `bgnokey` (same server, no credential anywhere).
fn fake_setup() -> (FakeOpenAi, Config, NaiveDate) {
    let fake = FakeOpenAi::start(OpenAiSpec::small(day("2026-11-01"), 19), KEY);
    // Only this module's sources read these variables, and every test sets the same value.
    std::env::set_var("TOLLGATE_BGSYNC_KEY", KEY);
    std::env::remove_var("TOLLGATE_BGNOKEY_KEY");
    let config = tollgate::config::parse(
        &format!(
            "[sync]\ninterval_minutes = 0\n\n[sources.bgsync]\nkind = \"openai\"\nbase_url = \"{0}\"\n\n\
             [sources.bgnokey]\nkind = \"openai\"\nbase_url = \"{0}\"\n",
            fake.base_url()
        ),
        "bgsync test",
    )
    .expect("config");
    (fake, config, day("2026-11-20"))
}

fn next(rx: &Receiver<Msg>) -> Action {
    match rx
        .recv_timeout(Duration::from_secs(120))
        .expect("a message")
    {
        Msg::Action(a) => a,
        other => panic!("unexpected {other:?}"),
    }
}

/// The month's allocated spend by day and category (what the Overview's sparklines draw),
/// summed: zero while the actor's allocation predates the sync.
fn category_total(o: &tollgate::overview::Overview) -> Decimal {
    tollgate::money::cents(o.by_category.iter().flat_map(|c| c.daily.iter()).sum())
}

#[test]
fn the_actor_reloads_fresh_allocation_only_after_data_changed() {
    let (fake, config, today) = fake_setup();
    let dir = TempDir::new().expect("temp dir");
    let store = Store::open(&dir.path().join("bg.duckdb")).expect("open");
    let clone = store.try_clone().expect("clone");
    // The actor's view of the empty ledger (allocation built at its generation 0).
    let Action::OverviewLoaded(before) =
        db::answer(&store, &config, db::Request::Overview { today })
    else {
        panic!("no overview");
    };
    assert_eq!(before.month_to_date, Decimal::ZERO);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let opts = tollgate::sync::SyncOptions {
        sources: vec!["bgsync".into()],
        today: Some(today),
        retry: Some(short_retry()),
        ..Default::default()
    };
    let outcomes = runtime
        .block_on(tollgate::sync::run(&clone, &config, &opts, &|_| {}))
        .expect("sync");
    assert_eq!(outcomes[0].error, None);
    let expected = tollgate::money::cents(fake.data.totals_by_month()["2026-11"]);
    assert!(expected > Decimal::ZERO);

    // The ledger changed under the actor's store; its cached allocation and month totals
    // did not (the sync thread sends DataChanged after every write that lands).
    let Action::OverviewLoaded(stale) =
        db::answer(&store, &config, db::Request::Overview { today })
    else {
        panic!("no overview");
    };
    assert_eq!(
        stale.month_to_date,
        Decimal::ZERO,
        "without DataChanged the month totals are the cached ones"
    );
    assert_eq!(
        category_total(&stale),
        Decimal::ZERO,
        "without DataChanged the allocation is the cached one"
    );
    assert_eq!(
        db::answer(&store, &config, db::Request::DataChanged),
        Action::CachesCleared
    );
    let Action::OverviewLoaded(fresh) =
        db::answer(&store, &config, db::Request::Overview { today })
    else {
        panic!("no overview");
    };
    assert_eq!(fresh.month_to_date, expected);
    assert_eq!(category_total(&fresh), expected, "allocation rebuilt");
}

/// Runs the App's loop as the cockpit does (effects to the actor and the sync thread) until
/// `done`, returning every action seen.
fn drive(
    app: &mut App,
    rx: &Receiver<Msg>,
    actor: &db::DbHandle,
    sync: &background::SyncHandle,
    first: Vec<Effect>,
    done: impl Fn(&App, &[Action]) -> bool,
) -> Vec<Action> {
    let run = |effects: Vec<Effect>| {
        for e in effects {
            match e {
                Effect::Db(r) => assert!(actor.request(r)),
                Effect::Sync { sources } => assert!(sync.request(sources)),
            }
        }
    };
    run(first);
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done(app, &seen) {
        assert!(Instant::now() < deadline, "timed out; seen {seen:?}");
        let action = next(rx);
        seen.push(action.clone());
        run(app.update(action));
    }
    seen
}

#[test]
fn a_background_sync_updates_the_views_and_fails_cleanly_per_source() {
    let (fake, config, today) = fake_setup();
    let dir = TempDir::new().expect("temp dir");
    let store = Store::open(&dir.path().join("bg.duckdb")).expect("open");
    let sync_store = store.try_clone().expect("clone");
    let (tx, rx) = mpsc::channel();
    let actor = db::spawn(store, config.clone(), tx.clone()).expect("actor");
    let settings = background::Settings {
        today: Some(today),
        retry: Some(short_retry()),
    };
    let sync = background::spawn(sync_store, config.clone(), settings, tx).expect("sync");

    let mut app = new_app(today);
    app.update(Action::Resize(120, 40));
    // The empty ledger first, as the cockpit opens.
    drive(
        &mut app,
        &rx,
        &actor,
        &sync,
        vec![Effect::Db(db::Request::Overview { today })],
        |app, _| matches!(app.overview, Load::Ready(_)),
    );
    let first = app.update(Action::SelectTab(6));
    drive(&mut app, &rx, &actor, &sync, first, |app, _| {
        app.sources.data.ready().is_some()
    });
    assert!(app.sources.visible().iter().all(|s| s.last_run.is_none()));

    let effects = app.update(Action::SyncNow);
    assert_eq!(effects, [Effect::Sync { sources: vec![] }]);
    // Until the sync has ended and both the Overview and the Sources tab have reloaded.
    let seen = drive(&mut app, &rx, &actor, &sync, effects, |_, seen| {
        let Some(end) = seen
            .iter()
            .position(|a| matches!(a, Action::Sync { running: false, .. }))
        else {
            return false;
        };
        let after = &seen[end..];
        after.iter().any(|a| matches!(a, Action::OverviewLoaded(_)))
            && after
                .iter()
                .any(|a| matches!(a, Action::Loaded(Loaded::Sources(_))))
    });
    let summaries: Vec<&str> = seen
        .iter()
        .filter_map(|a| match a {
            Action::Sync { summary, .. } => Some(summary.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        summaries.first(),
        Some(&"syncing every source…"),
        "{seen:?}"
    );
    let done = summaries.last().expect("an end summary");
    assert!(done.starts_with("synced bgsync ("), "{done}");
    assert!(done.contains(" rows), bgnokey failed: "), "{done}");
    assert!(
        done.contains("TOLLGATE_BGNOKEY_KEY"),
        "says which variable: {done}"
    );
    assert!(!done.contains(KEY), "no secret in the status line");
    assert_eq!(app.status.as_deref(), Some(*done));
    assert!(!app.syncing);

    // Every view shows the new spend: the Overview (allocation rebuilt) and the Sources tab.
    let expected = tollgate::money::cents(fake.data.totals_by_month()["2026-11"]);
    let overview = app.overview().expect("overview");
    assert_eq!(overview.month_to_date, expected);
    assert_eq!(category_total(overview), expected);
    let data = app.sources.data.ready().expect("sources");
    let bgsync = row(data, "bgsync");
    assert!(bgsync.last_run.as_ref().is_some_and(|r| r.ok()));
    assert!(bgsync.rows > 0);
    assert_eq!(bgsync.data_through, Some(day("2026-11-19")));
    assert_eq!(bgsync.days_behind, Some(1));
    assert!(done.contains(&format!(
        "bgsync ({} rows)",
        tollgate::fmt::thousands(bgsync.rows)
    )));
    let nokey = row(data, "bgnokey");
    assert_eq!(nokey.rows, 0);
    assert!(nokey
        .last_error()
        .is_some_and(|e| e.contains("TOLLGATE_BGNOKEY_KEY")));
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("✗ failed"), "{screen}");
    drop(actor);
    drop(sync);
}

#[test]
fn the_actor_answers_while_a_slow_sync_runs() {
    let (fake, config, today) = fake_setup();
    fake.control.set_delay(Duration::from_millis(1500));
    let dir = TempDir::new().expect("temp dir");
    let store = Store::open(&dir.path().join("bg.duckdb")).expect("open");
    let sync_store = store.try_clone().expect("clone");
    let (tx, rx) = mpsc::channel();
    let actor = db::spawn(store, config.clone(), tx.clone()).expect("actor");
    let settings = background::Settings {
        today: Some(today),
        retry: Some(short_retry()),
    };
    let sync = background::spawn(sync_store, config, settings, tx).expect("sync");
    assert!(sync.request(vec!["bgsync".into()]));
    assert_eq!(
        next(&rx),
        Action::Sync {
            running: true,
            summary: "syncing bgsync…".into()
        }
    );
    let asked = Instant::now();
    assert!(actor.request(db::Request::Overview { today }));
    let mut order = Vec::new();
    loop {
        match next(&rx) {
            Action::OverviewLoaded(_) => order.push(("overview", asked.elapsed())),
            Action::Sync {
                running: false,
                summary,
            } => {
                assert!(summary.starts_with("synced bgsync ("), "{summary}");
                order.push(("sync", asked.elapsed()));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(order[0].0, "overview", "{order:?}");
    assert!(
        order[1].1 > order[0].1 + Duration::from_millis(500),
        "the load did not wait for the sync: {order:?}"
    );
    drop(actor);
    drop(sync);
}

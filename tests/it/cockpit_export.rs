//! `e` in the cockpit: asks for the month (the Overview's month by default), writes the pack
//! beside the DB through the DB actor, and says where it went.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tollgate::month::Month;
use tollgate::store::Store;
use tollgate::tui::db::{self, Request, Write};
use tollgate::tui::{Action, App, Effect, Keymap, Theme};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
}

fn key(code: KeyCode) -> Action {
    Action::PromptKey(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Types `text` into the open prompt, replacing what it held.
fn retype(app: &mut App, text: &str) {
    app.update(Action::PromptKey(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

#[test]
fn e_asks_for_the_month_and_writes_the_pack_beside_the_db() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("demo.duckdb")).expect("store");
    tollgate::demo::write(&store, 42, as_of()).expect("demo");
    let config = tollgate::config::parse(tollgate::demo::CONFIG_TOML, "demo").expect("config");

    let mut app = App::new(
        as_of(),
        Keymap::default_keys().expect("keys"),
        Theme::no_color(),
    );
    let overview = db::answer(&store, &config, Request::Overview { today: as_of() });
    app.update(overview);

    app.update(Action::Export);
    let prompt = app.prompt.clone().expect("e opens a prompt");
    assert_eq!(prompt.text, "2026-10", "the Overview's month is offered");

    // A typo is refused with a message, and nothing is written.
    retype(&mut app, "Oct 2026");
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    assert!(app.prompt.is_none());
    assert!(
        app.status.as_deref().is_some_and(|s| s.contains("YYYY-MM")),
        "{:?}",
        app.status
    );

    app.update(Action::Export);
    retype(&mut app, "2026-09");
    let effects = app.update(key(KeyCode::Enter));
    let month: Month = "2026-09".parse().expect("month");
    assert_eq!(
        effects,
        vec![Effect::Db(Request::Write(Write::Export {
            month,
            today: as_of()
        }))]
    );
    let Effect::Db(request) = effects[0].clone() else {
        unreachable!()
    };
    let answer = db::answer(&store, &config, request);
    let expected_dir = dir.path().join("packs").join("demo-2026-09");
    match &answer {
        Action::Written(Ok(message)) => {
            assert!(
                message.contains(&expected_dir.display().to_string()),
                "{message}"
            );
        }
        other => panic!("the pack was not written: {other:?}"),
    }
    let reloads = app.update(answer);
    assert!(
        reloads.contains(&Effect::Db(Request::Overview { today: as_of() })),
        "a write reloads the Overview"
    );
    assert!(app
        .status
        .as_deref()
        .is_some_and(|s| s.contains("pack written")));
    for file in [
        "summary.md",
        "report.html",
        "focus.parquet",
        "manifest.json",
    ] {
        assert!(expected_dir.join(file).is_file(), "{file} in the pack");
    }
    let summary = std::fs::read_to_string(expected_dir.join("summary.md")).expect("summary");
    let report = tollgate::report::month_report(&store, &config, month).expect("report");
    let total = tollgate::money::usd(report.total);
    assert!(
        summary.contains(&total),
        "summary shows the month total {total}"
    );
    let packs: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM export_packs", [], |r| r.get(0))
        .expect("packs");
    assert_eq!(packs, 1, "the pack is recorded in the DB");
}

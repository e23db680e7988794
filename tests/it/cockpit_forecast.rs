//! The cockpit's Forecast tab: what-if toggles (state in, requests out), its numbers against
//! the engine and against `tollgate forecast --json` (with the CLI's scenario flags for the
//! toggles), the DB actor's answer, and snapshots on the demo as of 2026-11-20.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use rust_decimal::prelude::*;
use tempfile::TempDir;
use tollgate::config::Config;
use tollgate::forecast::{self, Scenario};
use tollgate::money::usd;
use tollgate::store::Store;
use tollgate::tui::action::Loaded;
use tollgate::tui::screens::forecast::{self as tab, WhatIf};
use tollgate::tui::{db, Action, App, Effect, Keymap, Tab, Theme};

use super::common::Env;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn as_of() -> NaiveDate {
    day("2026-11-20")
}

fn demo_config() -> Config {
    tollgate::config::parse(tollgate::demo::CONFIG_TOML, "demo").expect("demo config")
}

fn demo_store(path: &std::path::Path) -> Store {
    let store = Store::open(path).expect("open store");
    tollgate::demo::write(&store, 42, as_of()).expect("demo data");
    store
}

fn query(what_if: &[WhatIf]) -> tab::Query {
    tab::Query {
        today: as_of(),
        what_if: what_if.iter().copied().collect(),
    }
}

fn load(store: &Store, what_if: &[WhatIf]) -> tab::Data {
    tab::load(store, &demo_config(), &query(what_if)).expect("load forecast")
}

fn new_app() -> App {
    App::new(
        as_of(),
        Keymap::default_keys().expect("default keymap"),
        Theme::no_color(),
    )
}

fn app_on_forecast(data: tab::Data) -> App {
    let mut app = new_app();
    app.update(Action::Resize(120, 40));
    let effects = app.update(Action::SelectTab(4));
    assert_eq!(
        effects,
        [Effect::Db(db::Request::Forecast(query(&[])))],
        "showing the tab loads it without what-ifs"
    );
    app.update(Action::Loaded(Loaded::Forecast(Box::new(data))));
    app
}

fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| tollgate::tui::render(frame, app))
        .expect("draw");
    terminal.backend().to_string()
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

// ---- state -----------------------------------------------------------------------------

#[test]
fn p_and_x_toggle_the_what_ifs_and_ask_for_a_new_forecast() {
    let keymap = Keymap::default_keys().expect("keymap");
    assert_eq!(
        keymap.action_for(&key('p'), Tab::Forecast),
        Some(Action::Toggle(1))
    );
    assert_eq!(
        keymap.action_for(&key('x'), Tab::Forecast),
        Some(Action::Toggle(2))
    );
    assert_ne!(
        keymap.action_for(&key('p'), Tab::Overview),
        Some(Action::Toggle(1)),
        "forecast keys only on the Forecast tab"
    );

    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir.path().join("demo.duckdb"));
    let mut app = app_on_forecast(load(&store, &[]));
    let effects = app.update(Action::Toggle(1));
    assert_eq!(
        effects,
        [Effect::Db(db::Request::Forecast(query(&[
            WhatIf::PriceDouble
        ])))]
    );
    assert!(app.forecast.recomputing);
    assert!(draw(&app, 120, 40).contains("recomputing…"));
    let effects = app.update(Action::Toggle(2));
    assert_eq!(
        effects,
        [Effect::Db(db::Request::Forecast(query(&[
            WhatIf::PriceDouble,
            WhatIf::GrowthHalved
        ])))]
    );
    let effects = app.update(Action::Toggle(1));
    assert_eq!(
        effects,
        [Effect::Db(db::Request::Forecast(query(&[
            WhatIf::GrowthHalved
        ])))],
        "a second p switches it off"
    );
    assert!(app.update(Action::Toggle(7)).is_empty(), "unknown toggle");
    assert_eq!(app.forecast.what_if, BTreeSet::from([WhatIf::GrowthHalved]));
    app.update(Action::Loaded(Loaded::Forecast(Box::new(load(
        &store,
        &[WhatIf::GrowthHalved],
    )))));
    assert!(!app.forecast.recomputing);
    // A later reload (after a sync) keeps the toggles.
    app.forecast.stale = true;
    let effects = app.update(Action::SelectTab(4));
    assert_eq!(
        effects,
        [Effect::Db(db::Request::Forecast(query(&[
            WhatIf::GrowthHalved
        ])))]
    );
}

#[test]
fn the_months_table_moves_filters_and_takes_clicks() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir.path().join("demo.duckdb"));
    let mut app = app_on_forecast(load(&store, &[]));
    assert_eq!(app.forecast.visible().len(), 12);
    app.update(Action::Bottom);
    assert_eq!(app.forecast.selected, 11);
    app.update(Action::Down);
    assert_eq!(app.forecast.selected, 11, "clamped");
    app.update(Action::PageUp);
    assert_eq!(app.forecast.selected, 5);
    app.update(Action::Top);
    assert_eq!(app.forecast.selected, 0);
    // Screen row 4 is the first month, row 7 the fourth.
    app.update(Action::Click(100, 7));
    assert_eq!(app.forecast.selected, 3);

    app.update(Action::Filter);
    for c in "2027-".chars() {
        app.update(Action::PromptKey(key(c)));
    }
    app.update(Action::PromptKey(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let months: Vec<String> = app
        .forecast
        .visible()
        .iter()
        .map(|b| b.month.to_string())
        .collect();
    assert_eq!(months.len(), 10, "2027-01..2027-10: {months:?}");
    assert!(months.iter().all(|m| m.starts_with("2027-")));
    assert!(draw(&app, 120, 40).contains("filter: 2027-"));
    app.update(Action::Back);
    assert_eq!(app.forecast.filter.text, "");
    assert_eq!(app.forecast.visible().len(), 12);
}

// ---- numbers ---------------------------------------------------------------------------

#[test]
fn the_tab_shows_the_engines_numbers() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir.path().join("demo.duckdb"));
    let config = demo_config();
    let data = load(&store, &[]);
    let engine = forecast::run(&store, &config, as_of(), &[]).expect("engine");
    assert_eq!(data.detailed.forecast, engine);
    assert!(data.scenarios.is_empty() && data.labels.is_empty());
    assert_eq!(engine.forecast.len(), 12);
    assert_eq!(engine.forecast[0].month.to_string(), "2026-11");

    // Through the DB actor's own answer.
    match db::answer(
        &store,
        &config,
        db::Request::Forecast(query(&[WhatIf::PriceDouble])),
    ) {
        Action::Loaded(Loaded::Forecast(d)) => {
            assert_eq!(d.scenarios.len(), 1);
            assert_ne!(d.detailed.forecast.forecast, engine.forecast);
        }
        other => panic!("unexpected {other:?}"),
    }

    // What the screen prints is those numbers.
    let app = app_on_forecast(data);
    let screen = draw(&app, 120, 40);
    for b in &engine.forecast {
        for amount in [b.p10, b.p50, b.p90] {
            assert!(screen.contains(&usd(amount)), "{} missing", usd(amount));
        }
    }
    for t in &engine.targets {
        assert!(
            screen.contains(&format!("{}/month", usd(t.usd))),
            "{screen}"
        );
        if let Some(m) = t.month_p50 {
            assert!(screen.contains(&format!("p50 crosses in {m}")), "{screen}");
        }
    }
    let mape = engine.backtest_mape.expect("the demo has 7+ months");
    assert!(screen.contains(&format!("back-test MAPE {:.1}%", mape * 100.0)));
    assert!(screen.contains(" $50.0K target ") && screen.contains(" $80.0K target "));
}

#[test]
fn what_ifs_are_the_cli_scenarios_and_match_forecast_json() {
    let env = Env::new();
    let db_path = env.db();
    let config = demo_config();
    let (plain, both, fitted) = {
        let store = demo_store(&db_path);
        let fitted = forecast::run_detailed(&store, &config, as_of(), &[])
            .expect("engine")
            .fitted_growth
            .expect("a fitted growth");
        (
            load(&store, &[]),
            load(&store, &[WhatIf::PriceDouble, WhatIf::GrowthHalved]),
            fitted,
        )
    };
    // Price x2: the demo's largest LLM API provider in 2026-10 is OpenAI (its LLM spend is
    // the biggest by construction), from the first of next month; growth: half the fitted.
    let half = Decimal::from_f64(fitted * 50.0).expect("pct").round_dp(2);
    assert_eq!(
        both.scenarios,
        [
            Scenario::PriceChange {
                provider: Some("OpenAI".into()),
                model: None,
                from: day("2026-12-01"),
                pct: Decimal::ONE_HUNDRED,
            },
            Scenario::Growth { monthly_pct: half }
        ]
    );
    assert_eq!(
        both.labels,
        [
            "price x2 on OpenAI from 2026-12".to_string(),
            format!("growth /2 = {}%/month", half.normalize())
        ]
    );
    assert_eq!(both.detailed.forecast.scenarios_applied.len(), 2);

    let cli = |args: &[String]| -> serde_json::Value {
        let out = env
            .cmd()
            .arg("--db")
            .arg(&db_path)
            .arg("forecast")
            .arg("--json")
            .args(args)
            .output()
            .expect("run forecast");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    };
    assert_eq!(
        cli(&[]),
        serde_json::to_value(&plain.detailed.forecast).expect("json")
    );
    let flags = [
        "--price-change".to_string(),
        "OpenAI=+100%@2026-12-01".to_string(),
        "--growth".to_string(),
        half.to_string(),
    ];
    let json = cli(&flags);
    assert_eq!(
        json,
        serde_json::to_value(&both.detailed.forecast).expect("json")
    );
    // And the what-if moved the numbers: prices up from December, growth down.
    assert_ne!(json["forecast"], cli(&[])["forecast"]);
}

// ---- views -----------------------------------------------------------------------------

fn demo_app(what_if: &[WhatIf]) -> (TempDir, App) {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir.path().join("demo.duckdb"));
    let mut app = app_on_forecast(load(&store, &[]));
    let overview =
        tollgate::overview::load(&store, &demo_config(), as_of()).expect("load overview");
    app.update(Action::OverviewLoaded(Box::new(overview)));
    for w in what_if {
        let n = match w {
            WhatIf::PriceDouble => 1,
            WhatIf::GrowthHalved => 2,
        };
        app.update(Action::Toggle(n));
    }
    if !what_if.is_empty() {
        app.update(Action::Loaded(Loaded::Forecast(Box::new(load(
            &store, what_if,
        )))));
    }
    (dir, app)
}

#[test]
fn forecast_demo_120x40() {
    let (_dir, app) = demo_app(&[]);
    insta::assert_snapshot!(draw(&app, 120, 40));
}

#[test]
fn forecast_demo_80x24() {
    let (_dir, app) = demo_app(&[]);
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn forecast_demo_what_if_120x40() {
    let (_dir, app) = demo_app(&[WhatIf::PriceDouble, WhatIf::GrowthHalved]);
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("what-if: price x2 on OpenAI from 2026-12 + growth /2 = "),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn forecast_demo_what_if_80x24() {
    let (_dir, app) = demo_app(&[WhatIf::PriceDouble, WhatIf::GrowthHalved]);
    insta::assert_snapshot!(draw(&app, 80, 24));
}

/// The y-axis tick labels of the chart, in dollars ("$150.0K ┤" -> 150000).
fn y_ticks(screen: &str) -> Vec<f64> {
    screen
        .lines()
        .filter_map(|l| {
            let (left, _) = l.split_once(" ┤")?;
            let label = left.rsplit('│').next()?.trim().trim_start_matches('$');
            let (num, mult) = match label.strip_suffix('K') {
                Some(n) => (n, 1000.0),
                None => (label, 1.0),
            };
            num.parse::<f64>().ok().map(|v| v * mult)
        })
        .collect()
}

#[test]
fn the_chart_scales_to_the_median_and_targets_and_clips_the_band() {
    let (_dir, app) = demo_app(&[]);
    let data = app.forecast.data.ready().expect("loaded");
    let f = &data.detailed.forecast;
    let p50_max = f
        .forecast
        .iter()
        .map(|b| b.p50.to_f64().expect("f64"))
        .fold(0.0, f64::max);
    let p90_max = f
        .forecast
        .iter()
        .map(|b| b.p90.to_f64().expect("f64"))
        .fold(0.0, f64::max);
    assert!(
        p90_max > p50_max * 1.15,
        "the demo's band reaches well above its median"
    );
    for (w, h) in [(120, 40), (80, 24)] {
        let screen = draw(&app, w, h);
        let top = y_ticks(&screen).into_iter().fold(0.0, f64::max);
        // The axis reaches the median's peak (and the targets), not the p90's.
        assert!(
            top >= p50_max,
            "{w}x{h}: top {top} under the p50 {p50_max}\n{screen}"
        );
        assert!(
            top < p90_max,
            "{w}x{h}: top {top} is the p90's {p90_max}\n{screen}"
        );
        // Where the band leaves the chart it says so.
        assert!(screen.contains('↑'), "{w}x{h}: no clip mark\n{screen}");
        assert!(screen.contains("↑ p90 above"), "{w}x{h}: legend\n{screen}");
    }
}

#[test]
fn enter_on_the_forecast_opens_the_selected_months_detail() {
    let (_dir, mut app) = demo_app(&[]);
    let keymap = Keymap::default_keys().expect("keymap");
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    let action = keymap
        .action_for(&enter, Tab::Forecast)
        .expect("Enter is bound");
    // The third month ahead: Enter shows its band, its change over the last complete month
    // and where it stands against each target.
    app.update(Action::Down);
    app.update(Action::Down);
    let before = draw(&app, 120, 40);
    assert!(
        !before.contains("Enter open"),
        "the footer promises nothing Enter does\n{before}"
    );
    assert!(before.contains("Enter month detail"), "{before}");
    app.update(action);
    let after = draw(&app, 120, 40);
    let band = &app
        .forecast
        .data
        .ready()
        .expect("loaded")
        .detailed
        .forecast
        .forecast[2];
    assert!(
        after.contains(&format!("{} · p50 {}", band.month, usd(band.p50))),
        "{after}"
    );
    assert!(
        after.contains(&format!(
            "80% between {} and {}",
            usd(band.p10),
            usd(band.p90)
        )),
        "{after}"
    );
    assert!(after.contains("vs 2026-10"), "{after}");
    insta::assert_snapshot!("forecast_month_detail_120x40", after);
    insta::assert_snapshot!("forecast_month_detail_80x24", draw(&app, 80, 24));
    // Esc closes the detail and leaves the tab where it was.
    app.update(Action::Back);
    assert_eq!(draw(&app, 120, 40), before);
}

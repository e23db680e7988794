//! The cockpit's Use cases tab: state tests (actions in, state and effects out) with every load
//! answered by the real DB actor function (`tollgate::tui::db::answer`) on a real DuckDB file,
//! hand-computed numbers on a small fixture, the demo's retry-loop spike found from the
//! Overview and checked against `tollgate spikes`' engine, and snapshots of the demo.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use rust_decimal::Decimal;
use tempfile::TempDir;
use tollgate::config::Config;
use tollgate::month::Month;
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::report;
use tollgate::spikes;
use tollgate::store::{IngestScope, Store};
use tollgate::tui::db::{self, Request};
use tollgate::tui::screens::use_cases::{Data, Level, RowRef, Slice};
use tollgate::tui::{Action, App, Effect, Keymap, Load, Tab, Theme};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// The demo's as-of date (its retry-loop spike is 9 days earlier).
fn today() -> NaiveDate {
    day(2026, 11, 20)
}

// ---- fixture ---------------------------------------------------------------------------------

const CONFIG: &str = r#"
[[use_cases]]
id = "search"
name = "Smart search"
kind = "feature"
owner = "ana"
outcome = "wau"

[[use_cases]]
id = "support"
name = "Support bot"
kind = "pilot"

[[rules]]
use_case = "search"
match = { sub_account = "proj_search" }

[[rules]]
use_case = "support"
match = { sub_account = "proj_support" }
"#;

/// A day's (cost, tokens, requests).
type DayUsage = (&'static str, i64, Option<i64>);

struct Line {
    project: &'static str,
    model: &'static str,
    token_type: &'static str,
    key: &'static str,
    /// (cost, tokens, requests) on a day, or None.
    on: fn(NaiveDate) -> Option<DayUsage>,
}

/// September: search input $8/day (800K tokens). October on: search input $10/day (1M tokens,
/// 100 requests) and output $5/day (100K tokens); support gpt-5.5-mini $2.50 and gpt-5.5 $1;
/// an unallocated project $1.25. On Nov 11 search input is $60 (6M tokens, 600 requests).
const LINES: &[Line] = &[
    Line {
        project: "proj_search",
        model: "gpt-5.5",
        token_type: "input",
        key: "key_search",
        on: |t| match (t.month(), t.day()) {
            (9, _) => Some(("8", 800_000, Some(80))),
            (11, 11) => Some(("60", 6_000_000, Some(600))),
            _ => Some(("10", 1_000_000, Some(100))),
        },
    },
    Line {
        project: "proj_search",
        model: "gpt-5.5",
        token_type: "output",
        key: "key_search",
        on: |t| (t.month() != 9).then_some(("5", 100_000, None)),
    },
    Line {
        project: "proj_support",
        model: "gpt-5.5-mini",
        token_type: "input",
        key: "key_bot",
        on: |t| (t.month() != 9).then_some(("2.50", 500_000, Some(50))),
    },
    Line {
        project: "proj_support",
        model: "gpt-5.5",
        token_type: "input",
        key: "key_bot",
        on: |t| (t.month() != 9).then_some(("1", 100_000, Some(10))),
    },
    Line {
        project: "proj_misc",
        model: "gpt-5.5",
        token_type: "input",
        key: "key_misc",
        on: |t| (t.month() != 9).then_some(("1.25", 125_000, Some(12))),
    },
];

fn fixture_config() -> Config {
    tollgate::config::parse(CONFIG, "fixture").expect("fixture config")
}

/// The fixture ledger from 2026-09-01 through `today()`.
fn fixture_store(dir: &TempDir) -> Store {
    let store = Store::open(&dir.path().join("uc.duckdb")).expect("open store");
    let mut rows = Vec::new();
    for t in day(2026, 9, 1).iter_days().take_while(|t| *t <= today()) {
        for line in LINES {
            let Some((cost, tokens, requests)) = (line.on)(t) else {
                continue;
            };
            let start = t.and_hms_opt(0, 0, 0).expect("midnight");
            let date = t.to_string();
            let mut row = LedgerRow::new(
                Charge {
                    source: "openai",
                    provider: "OpenAI",
                    service: "OpenAI API",
                    service_category: "AI and Machine Learning",
                    service_subcategory: Some("Generative AI"),
                    start,
                    end: start + chrono::Duration::days(1),
                    cost: d(cost),
                },
                &[line.project, line.model, line.token_type, &date],
            );
            row.sub_account_id = Some(line.project.to_string());
            row.model = Some(line.model.to_string());
            row.token_type = Some(line.token_type.to_string());
            row.consumed_quantity = Some(Decimal::from(tokens));
            row.consumed_unit = Some("Tokens".to_string());
            row.requests = requests;
            row.api_key_id = Some(line.key.to_string());
            row.api_key_name = Some(format!("{}-name", line.key));
            rows.push(row);
        }
    }
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".to_string(),
            },
            &rows,
        )
        .expect("ingest fixture");
    store
}

// ---- the demo ----------------------------------------------------------------------------------

/// The demo DB (seed 42, as of `today()`), written once per run and copied for each test.
fn demo_store(dir: &TempDir) -> (Store, Config) {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        // One file in the target dir, rewritten by each run of the tests.
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("use_cases_demo.duckdb");
        for stale in [path.clone(), path.with_extension("duckdb.wal")] {
            if stale.exists() {
                std::fs::remove_file(&stale).expect("remove the previous demo template");
            }
        }
        let store = Store::open(&path).expect("open demo store");
        tollgate::demo::write(&store, 42, today()).expect("demo data");
        drop(store);
        path
    });
    let path = dir.path().join("demo.duckdb");
    std::fs::copy(template, &path).expect("copy demo db");
    let config = tollgate::config::parse(tollgate::demo::CONFIG_TOML, "demo").expect("demo config");
    (Store::open(&path).expect("open demo copy"), config)
}

// ---- driving the app -----------------------------------------------------------------------

struct Cockpit {
    app: App,
    store: Store,
    config: Config,
    /// Requests the DB actor answered so far.
    requests: Vec<Request>,
}

impl Cockpit {
    fn new(store: Store, config: Config) -> Cockpit {
        let app = App::new(
            today(),
            Keymap::default_keys().expect("default keymap"),
            Theme::no_color(),
        );
        let mut c = Cockpit {
            app,
            store,
            config,
            requests: Vec::new(),
        };
        c.act(Action::Resize(120, 40));
        c.run(vec![Effect::Db(Request::Overview { today: today() })]);
        c
    }

    /// Applies an action and answers every load it asks for with the real DB actor function;
    /// returns the effects the action itself returned.
    fn act(&mut self, action: Action) -> Vec<Effect> {
        let effects = self.app.update(action);
        self.run(effects.clone());
        effects
    }

    fn run(&mut self, mut effects: Vec<Effect>) {
        while let Some(effect) = effects.pop() {
            if let Effect::Db(request) = effect {
                self.requests.push(request.clone());
                let answer = db::answer(&self.store, &self.config, request);
                effects.extend(self.app.update(answer));
            }
        }
    }

    fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        let event = KeyEvent::new(code, KeyModifiers::NONE);
        let action = if self.app.prompt.is_some() {
            Action::PromptKey(event)
        } else {
            self.app
                .keymap
                .action_for(&event, self.app.tab)
                .expect("a bound key")
        };
        self.act(action)
    }

    fn top_level(&self) -> Level {
        self.app.use_cases.top().level.clone()
    }

    fn data(&self) -> Data {
        match &self.app.use_cases.top().data {
            Load::Ready(d) => (**d).clone(),
            other => panic!("level not loaded: {other:?}"),
        }
    }

    fn draw(&self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        terminal
            .draw(|frame| tollgate::tui::render(frame, &self.app))
            .expect("draw");
        terminal.backend().to_string()
    }
}

fn fixture_cockpit() -> (TempDir, Cockpit) {
    let dir = TempDir::new().expect("temp dir");
    let store = fixture_store(&dir);
    (dir, Cockpit::new(store, fixture_config()))
}

// ---- the demo's spike, from the Overview ------------------------------------------------------

#[test]
fn the_demo_spike_is_found_from_the_overview_and_matches_tollgate_spikes() {
    let dir = TempDir::new().expect("temp dir");
    let (store, config) = demo_store(&dir);
    let mut c = Cockpit::new(store, config);
    assert_eq!(c.app.tab, Tab::Overview);

    // Overview: move to support-deflection (j), Enter: level 1 of that use case.
    let position = c
        .app
        .overview()
        .expect("overview")
        .report
        .by_use_case
        .iter()
        .position(|u| u.use_case == "support-deflection")
        .expect("support-deflection on the Overview");
    for _ in 0..position {
        c.key(KeyCode::Char('j'));
    }
    c.key(KeyCode::Enter);
    assert_eq!(c.app.tab, Tab::UseCases);
    assert_eq!(
        c.app.use_cases.breadcrumbs(),
        ["Use cases", "support-deflection"]
    );
    // Level 1 lists the spike first (the Overview's month is October; the spike is recent).
    let spike_day = day(2026, 11, 11);
    let Data::UseCase(level1) = c.data() else {
        panic!("level 1 expected")
    };
    assert_eq!(level1.month.to_string(), "2026-10");
    assert_eq!(
        level1.spikes.iter().map(|s| s.day).collect::<Vec<_>>(),
        [spike_day]
    );
    assert!(matches!(
        c.app.use_cases.top().rows().first(),
        Some(RowRef::Spike(s)) if s.day == spike_day
    ));
    let screen = c.draw(120, 40);
    assert!(
        screen
            .contains("⚠ 1 spike in Oct 2026 and the 30 days to 20 Nov: 11 Nov +$413.23 (volume)"),
        "{screen}"
    );

    // Enter on it: the explanation, through the slice that moved most.
    c.key(KeyCode::Enter);
    assert_eq!(
        c.app.use_cases.breadcrumbs(),
        [
            "Use cases",
            "support-deflection",
            "OpenAI gpt-5.5-mini",
            "2026-11-11",
            "spike"
        ]
    );
    let Data::Spike(level3) = c.data() else {
        panic!("level 3 expected")
    };
    let shown = level3.spike.expect("the spike");

    // The same as `tollgate spikes --use-case support-deflection --json` (its engine call).
    let cli = spikes::spikes_with(
        &c.store,
        &c.config,
        today(),
        Some("support-deflection"),
        spikes::DEFAULT_DAYS,
        &spikes::SpikeRule::default(),
    )
    .expect("spikes");
    let expected = cli
        .spikes
        .iter()
        .find(|s| s.day == spike_day)
        .expect("tollgate spikes flags 2026-11-11");
    assert_eq!(&shown, expected);
    assert_eq!(
        serde_json::to_value(&shown).expect("json"),
        serde_json::to_value(expected).expect("json")
    );
    assert_eq!(
        shown.volume_effect + shown.price_effect + shown.mix_effect,
        shown.change
    );
    assert_eq!(shown.cost - shown.baseline, shown.change);
    assert_eq!(shown.change, d("413.23"));
    assert_eq!(shown.main_effect(), "volume");

    let screen = c.draw(120, 40);
    for text in [
        "Use cases › support-deflection › OpenAI gpt-5.5-mini › 2026-11-11 › spike",
        "⚠ spike",
        "+$413.23",
        "volume + unit price + mix = change",
        "key_support_bot",
    ] {
        assert!(screen.contains(text), "{text} not on:\n{screen}");
    }

    // Esc: the slice day by day (loaded now, as the jump skipped it), the spike day flagged.
    let effects = c.key(KeyCode::Esc);
    assert_eq!(effects.len(), 1, "the skipped level loads");
    let Data::Slice(level2) = c.data() else {
        panic!("level 2 expected")
    };
    let flagged: Vec<NaiveDate> = level2
        .days
        .iter()
        .filter(|d| d.spike.is_some())
        .map(|d| d.day)
        .collect();
    assert_eq!(flagged, [spike_day]);
    assert_eq!(level2.days.len(), 20, "Nov 1-20");
    // Esc: level 1 at once (kept), Esc: back to the Overview it was opened from.
    assert!(c.key(KeyCode::Esc).is_empty(), "level 1 is kept");
    assert_eq!(
        c.app.use_cases.breadcrumbs(),
        ["Use cases", "support-deflection"]
    );
    c.key(KeyCode::Esc);
    assert_eq!(c.app.tab, Tab::Overview);
    assert!(!c.app.use_cases.from_overview);
    // The tab opens on level 0 next time, loading it then.
    assert_eq!(c.key(KeyCode::Char('2')).len(), 1);
    assert_eq!(c.app.use_cases.breadcrumbs(), ["Use cases"]);
    assert!(matches!(c.data(), Data::Table(_)));
    assert!(c.key(KeyCode::Esc).is_empty());
    assert_eq!(c.app.tab, Tab::UseCases, "nowhere to go back to");
}

#[test]
fn demo_level_two_enter_on_the_flagged_day_explains_it() {
    let dir = TempDir::new().expect("temp dir");
    let (store, config) = demo_store(&dir);
    let mut c = Cockpit::new(store, config);
    c.act(Action::SelectTab(2));
    c.act(Action::NextMonth);
    let rows = c.app.use_cases.top().rows();
    let i = rows
        .iter()
        .position(|r| matches!(r, RowRef::UseCase(u) if u.use_case == "support-deflection"))
        .expect("row");
    for _ in 0..i {
        c.act(Action::Down);
    }
    c.act(Action::Enter);
    // The first slice row (after the spike row): the largest slice.
    let rows = c.app.use_cases.top().rows();
    let slice = rows
        .iter()
        .position(|r| matches!(r, RowRef::Slice(s) if s.slice.item == "gpt-5.5-mini"))
        .expect("gpt-5.5-mini slice");
    for _ in 0..slice {
        c.act(Action::Down);
    }
    c.act(Action::Enter);
    assert!(matches!(c.top_level(), Level::Slice { .. }));
    let rows = c.app.use_cases.top().rows();
    let spike = rows
        .iter()
        .position(|r| matches!(r, RowRef::Day(d) if d.spike.is_some()))
        .expect("a flagged day");
    for _ in 0..spike {
        c.act(Action::Down);
    }
    c.act(Action::Enter);
    let Level::Spike { day: shown, .. } = c.top_level() else {
        panic!("level 3 expected")
    };
    assert_eq!(shown, day(2026, 11, 11));
}

// ---- hand-computed numbers on the fixture ---------------------------------------------------

#[test]
fn level_zero_lists_the_month_with_unallocated_and_totals_to_the_report() {
    let (_dir, mut c) = fixture_cockpit();
    c.act(Action::SelectTab(2));
    assert_eq!(c.top_level(), Level::Table { month: None });
    let Data::Table(t) = c.data() else {
        panic!("level 0 expected")
    };
    assert_eq!(t.month.to_string(), "2026-10");
    let costs: Vec<(String, Decimal)> = t
        .rows
        .iter()
        .map(|r| (r.use_case.clone(), r.cost))
        .collect();
    // October: search 31 x ($10 + $5), support 31 x ($2.50 + $1), unallocated 31 x $1.25.
    assert_eq!(
        costs,
        [
            ("search".to_string(), d("465.00")),
            ("support".to_string(), d("108.50")),
            ("unallocated".to_string(), d("38.75")),
        ]
    );
    let sum: Decimal = t.rows.iter().map(|r| r.cost).sum();
    assert_eq!(sum, d("612.25"));
    let report = report::month_report(&c.store, &c.config, t.month).expect("report");
    assert_eq!(sum, report.total);
    assert_eq!(t.report, report);
    // Prior month: search $240 (30 x $8), the others nothing.
    assert_eq!(t.rows[0].prior_month_cost, Some(d("240.00")));
    assert_eq!(t.rows[0].change_pct, Some(d("93.8")));
    assert_eq!(t.rows[1].prior_month_cost, Some(d("0")));
    assert_eq!(t.prior_total, Some(d("240.00")));
    assert_eq!(t.rows[0].share_pct, Some(d("75.9")));
    assert_eq!(t.rows[0].owner, "ana");
    assert_eq!(t.rows[0].daily.len(), 30);
    assert_eq!(t.rows[0].daily[29], d("15"));
    let screen = c.draw(120, 40);
    for text in [
        "Use cases · Oct 2026",
        "unallocated",
        "$612.25",
        "$465.00",
        "▲ +93.8%",
    ] {
        assert!(screen.contains(text), "{text} not on:\n{screen}");
    }
}

#[test]
fn level_one_splits_the_use_case_by_provider_model_and_key() {
    let (_dir, mut c) = fixture_cockpit();
    c.act(Action::SelectTab(2));
    c.act(Action::Down); // support
    let effects = c.act(Action::Enter);
    assert_eq!(
        effects,
        [Effect::Db(Request::UseCases(
            tollgate::tui::screens::use_cases::Query {
                today: today(),
                level: Level::UseCase {
                    id: "support".to_string(),
                    month: Some(Month::of(day(2026, 10, 1))),
                },
            }
        ))]
    );
    let Data::UseCase(u) = c.data() else {
        panic!("level 1 expected")
    };
    type SliceRow = (String, String, Decimal, Option<Decimal>, Option<Decimal>);
    let slices: Vec<SliceRow> = u
        .slices
        .iter()
        .map(|s| {
            (
                s.slice.item.clone(),
                s.key_label().to_string(),
                s.cost,
                s.tokens,
                s.requests,
            )
        })
        .collect();
    assert_eq!(
        slices,
        [
            (
                "gpt-5.5-mini".to_string(),
                "key_bot-name".to_string(),
                d("77.50"),
                Some(d("15500000")),
                Some(d("1550"))
            ),
            (
                "gpt-5.5".to_string(),
                "key_bot-name".to_string(),
                d("31.00"),
                Some(d("3100000")),
                Some(d("310"))
            ),
        ]
    );
    assert_eq!(u.cost, d("108.50"));
    assert!(u.spikes.is_empty());
    let screen = c.draw(120, 40);
    assert!(screen.contains("✓ no spikes in Oct 2026"), "{screen}");
    assert!(screen.contains("15,500,000"), "{screen}");
}

#[test]
fn level_two_and_three_on_the_fixture_spike() {
    let (_dir, mut c) = fixture_cockpit();
    c.act(Action::SelectTab(2));
    c.act(Action::NextMonth); // November
    c.act(Action::Enter); // search
    let Data::UseCase(u) = c.data() else {
        panic!("level 1 expected")
    };
    assert_eq!(u.month.to_string(), "2026-11");
    // Nov 1-20: 20 x $15 + $50 more on the 11th.
    assert_eq!(u.cost, d("350.00"));
    assert_eq!(u.spikes.len(), 1);
    // Rows: the spike, then the one slice.
    c.act(Action::Down);
    c.act(Action::Enter);
    assert_eq!(
        c.top_level(),
        Level::Slice {
            id: "search".to_string(),
            month: Month::of(day(2026, 11, 1)),
            slice: Slice {
                provider: "OpenAI".to_string(),
                item: "gpt-5.5".to_string(),
                api_key: "key_search".to_string(),
            },
        }
    );
    let Data::Slice(s) = c.data() else {
        panic!("level 2 expected")
    };
    assert_eq!(s.total, d("350.00"));
    let spike_day = &s.days[10];
    assert_eq!(spike_day.day, day(2026, 11, 11));
    assert_eq!(spike_day.cost, d("65"));
    assert_eq!(spike_day.baseline, Some(d("15")));
    assert_eq!(spike_day.tokens, Some(d("6100000")));
    assert_eq!(spike_day.requests, Some(d("600")));
    assert!(spike_day.spike.is_some());
    assert!(s.days.iter().filter(|d| d.spike.is_some()).count() == 1);

    // Enter on a quiet day says why nothing opens.
    let effects = c.act(Action::Enter);
    assert!(effects.is_empty());
    assert_eq!(
        c.app.status.as_deref(),
        Some("2026-11-01 is not a spike; Enter explains the days marked ⚠ spike")
    );
    for _ in 0..10 {
        c.act(Action::Down);
    }
    c.act(Action::Enter);
    let Data::Spike(sp) = c.data() else {
        panic!("level 3 expected")
    };
    let sp = sp.spike.expect("spike");
    // Baseline $15/day (1M input tokens for $10 + 100K output for $5); the day $65 (6M input
    // + 100K output). Input and output tokens are counted apart: input grew 6x at its own
    // price, output stayed, so all of the +$50 is volume and nothing moved between models.
    assert_eq!(sp.baseline, d("15.00"));
    assert_eq!(sp.cost, d("65.00"));
    assert_eq!(sp.change, d("50.00"));
    assert_eq!(sp.volume_effect, d("50.00"));
    assert_eq!(sp.price_effect, d("0.00"));
    assert_eq!(sp.mix_effect, d("0.00"));
    assert_eq!(sp.top_rows[0].token_type.as_deref(), Some("input"));
    assert_eq!(sp.top_rows[0].day_cost, d("60"));
    let screen = c.draw(80, 24);
    for text in ["+$50.00", "⚠ spike", "mostly volume"] {
        assert!(screen.contains(text), "{text} not on:\n{screen}");
    }
    // Esc twice: levels kept, nothing reloaded.
    assert!(c.act(Action::Back).is_empty());
    assert!(c.act(Action::Back).is_empty());
    assert!(matches!(c.top_level(), Level::UseCase { .. }));
}

// ---- keys: months, filter, mouse ------------------------------------------------------------

#[test]
fn brackets_step_the_month_up_to_the_month_in_progress() {
    let (_dir, mut c) = fixture_cockpit();
    c.act(Action::SelectTab(2));
    assert_eq!(c.key(KeyCode::Char('[')).len(), 1);
    assert_eq!(
        c.top_level(),
        Level::Table {
            month: Some(Month::of(day(2026, 9, 1)))
        }
    );
    let Data::Table(t) = c.data() else {
        panic!("level 0")
    };
    assert_eq!(t.report.total, d("240.00"));
    c.key(KeyCode::Char(']'));
    c.key(KeyCode::Char(']'));
    assert_eq!(
        c.top_level(),
        Level::Table {
            month: Some(Month::of(day(2026, 11, 1)))
        }
    );
    assert!(c.key(KeyCode::Char(']')).is_empty(), "not past November");
    assert_eq!(
        c.app.status.as_deref(),
        Some("Nov 2026 is the month in progress")
    );
    // The keys belong to this tab only.
    let bracket = KeyEvent::new(KeyCode::Char('['), KeyModifiers::NONE);
    assert_eq!(c.app.keymap.action_for(&bracket, Tab::Overview), None);
}

#[test]
fn slash_filters_the_rows_and_esc_clears_it_first() {
    let (_dir, mut c) = fixture_cockpit();
    c.act(Action::SelectTab(2));
    c.key(KeyCode::Char('/'));
    let prompt = c.app.prompt.clone().expect("prompt");
    assert_eq!((prompt.owner, prompt.field), (Tab::UseCases, "filter"));
    for ch in "BOT".chars() {
        c.key(KeyCode::Char(ch));
    }
    c.key(KeyCode::Enter);
    let rows: Vec<String> = c
        .app
        .use_cases
        .top()
        .rows()
        .iter()
        .map(|r| match r {
            RowRef::UseCase(u) => u.use_case.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(rows, ["support"], "matches the name 'Support bot'");
    assert!(c.draw(120, 40).contains("filter \"BOT\""));
    // Enter opens the filtered row.
    c.act(Action::Enter);
    assert_eq!(c.app.use_cases.breadcrumbs(), ["Use cases", "support"]);
    c.act(Action::Back);
    // Esc clears the filter before it goes anywhere.
    let out = c.act(Action::Back);
    assert!(out.is_empty());
    assert_eq!(c.app.tab, Tab::UseCases);
    assert_eq!(c.app.use_cases.top().rows().len(), 3);
}

#[test]
fn clicking_a_row_selects_it_and_a_second_click_opens_it() {
    let (_dir, mut c) = fixture_cockpit();
    c.act(Action::SelectTab(2));
    // Body from row 2; panel border, then the heading: row 0 of the table is on screen row 4.
    assert!(c.act(Action::Click(10, 6)).is_empty());
    assert_eq!(c.app.use_cases.top().selected, 2);
    assert!(c
        .draw(120, 40)
        .lines()
        .nth(6)
        .expect("row")
        .contains("▶ unallocated"));
    // Below the rows: nothing.
    c.act(Action::Click(10, 12));
    assert_eq!(c.app.use_cases.top().selected, 2);
    c.act(Action::Click(10, 5));
    assert_eq!(c.app.use_cases.top().selected, 1);
    assert_eq!(c.act(Action::Click(10, 5)).len(), 1);
    assert_eq!(c.app.use_cases.breadcrumbs(), ["Use cases", "support"]);
}

#[test]
fn answers_for_levels_already_left_are_dropped() {
    let (_dir, mut c) = fixture_cockpit();
    c.act(Action::SelectTab(2));
    // Enter without answering, then Esc: the late answer must not show.
    let effects = c.app.update(Action::Enter);
    c.app.update(Action::Back);
    let Some(Effect::Db(request)) = effects.into_iter().next() else {
        panic!("a load")
    };
    let answer = db::answer(&c.store, &c.config, request);
    c.act(answer);
    assert_eq!(c.app.use_cases.breadcrumbs(), ["Use cases"]);
    assert!(matches!(c.data(), Data::Table(_)));
}

// ---- snapshots and timings ------------------------------------------------------------------

fn demo_use_cases() -> (TempDir, Cockpit) {
    let dir = TempDir::new().expect("temp dir");
    let (store, config) = demo_store(&dir);
    let mut c = Cockpit::new(store, config);
    c.act(Action::SelectTab(2));
    (dir, c)
}

/// Steps the demo's table to November (the month in progress) and opens use case `id`.
fn open_in_november(c: &mut Cockpit, id: &str) {
    c.act(Action::NextMonth);
    c.act(Action::Top);
    let i = c
        .app
        .use_cases
        .top()
        .rows()
        .iter()
        .position(|r| matches!(r, RowRef::UseCase(u) if u.use_case == id))
        .expect("row");
    for _ in 0..i {
        c.act(Action::Down);
    }
    c.act(Action::Enter);
}

#[test]
fn use_cases_demo_120x40() {
    let (_dir, c) = demo_use_cases();
    insta::assert_snapshot!(c.draw(120, 40));
}

#[test]
fn use_cases_demo_80x24() {
    let (_dir, c) = demo_use_cases();
    insta::assert_snapshot!(c.draw(80, 24));
}

#[test]
fn use_cases_spike_demo_120x40() {
    let (_dir, mut c) = demo_use_cases();
    open_in_november(&mut c, "support-deflection");
    insta::assert_snapshot!("use_cases_level1_demo_120x40", c.draw(120, 40));
    c.act(Action::Enter);
    insta::assert_snapshot!(c.draw(120, 40));
    c.act(Action::Back);
    insta::assert_snapshot!("use_cases_level2_demo_80x24", c.draw(80, 24));
}

#[test]
fn the_drill_down_shows_a_level_shift_as_one_event() {
    // The demo's hot fortnight: the assistant's volume steps up from Mon 9 Nov (as of 20 Nov).
    let (_dir, mut c) = demo_use_cases();
    open_in_november(&mut c, "assistant");
    let level1 = c.draw(120, 40);
    assert!(
        level1.contains(
            "⚠ 1 level shift in Nov 2026 and the 30 days to 20 Nov: level shift from 9 Nov, +"
        ),
        "{level1}"
    );
    assert!(
        level1.contains("↗ level  2026-11-09 +40.7%/day, mostly volume"),
        "{level1}"
    );
    assert_eq!(level1.matches("⚠ spike").count(), 0, "{level1}");
    // Enter on it explains the first day of the new level and says what follows.
    c.act(Action::Enter);
    let level3 = c.draw(120, 40);
    assert!(
        level3.contains("↗ level shift Mon 2026-11-09 · assistant"),
        "{level3}"
    );
    assert!(
        level3.contains("through 20 Nov: the days after it are measured against it"),
        "{level3}"
    );
}

/// Each drill step's load time on the demo in this (dev) build:
/// `cargo test --test it cockpit_use_cases::drill_step_timings -- --ignored --nocapture`.
#[test]
#[ignore = "prints timings; run by hand"]
fn drill_step_timings() {
    let dir = TempDir::new().expect("temp dir");
    let (store, config) = demo_store(&dir);
    store.refresh_allocation(&config).expect("alloc");
    let nov = Month::of(day(2026, 11, 1));
    let slice = Slice {
        provider: "OpenAI".to_string(),
        item: "gpt-5.5-mini".to_string(),
        api_key: "key_support_bot".to_string(),
    };
    let id = "support-deflection".to_string();
    let levels = [
        ("level 0 (table)", Level::Table { month: None }),
        (
            "level 1 (use case)",
            Level::UseCase {
                id: id.clone(),
                month: Some(nov),
            },
        ),
        (
            "level 2 (slice by day)",
            Level::Slice {
                id: id.clone(),
                month: nov,
                slice: slice.clone(),
            },
        ),
        (
            "level 3 (spike)",
            Level::Spike {
                id,
                month: nov,
                slice,
                day: day(2026, 11, 11),
            },
        ),
    ];
    for (name, level) in levels {
        let query = tollgate::tui::screens::use_cases::Query {
            today: today(),
            level,
        };
        let runs = 5;
        let start = std::time::Instant::now();
        for _ in 0..runs {
            tollgate::tui::screens::use_cases::load(&store, &config, &query).expect("load");
        }
        eprintln!("{name}: {:?} per load", start.elapsed() / runs);
    }
}

#[test]
fn a_failed_load_says_why_and_r_tries_again() {
    let (_dir, mut c) = fixture_cockpit();
    c.act(Action::SelectTab(2));
    c.act(Action::TabLoadFailed {
        tab: Tab::UseCases,
        message: "cannot load Use cases: disk gone".to_string(),
    });
    let screen = c.draw(80, 24);
    assert!(
        screen.contains("cannot load Use cases: disk gone"),
        "{screen}"
    );
    let effects = c.act(Action::Refresh);
    assert!(
        effects.contains(&Effect::Db(Request::UseCases(
            tollgate::tui::screens::use_cases::Query {
                today: today(),
                level: Level::Table { month: None },
            }
        ))),
        "{effects:?}"
    );
    assert!(matches!(c.data(), Data::Table(_)));
}

//! The cockpit at scale (issue 5): a DB file of 3 years x 200 use cases of daily rows plus a
//! million request-level rows. Measures, as the user feels them:
//! - time to the first frame with data: open the file, load the Overview, render 120x40;
//! - each Use cases drill-down step: the key, the DB actor's answer, the update (p50/p95);
//! - render time per frame of every tab at 120x40.
//!
//! The DB work runs here on the calling thread, exactly as the actor thread runs it.
//! Run with `cargo bench --bench cockpit` (release profile). Targets: first frame 200 ms,
//! drill-down step 50 ms p95, render 5 ms per frame.

#[path = "support/scale.rs"]
mod scale;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tollgate::config::Config;
use tollgate::store::Store;
use tollgate::tui::screens::use_cases::RowRef;
use tollgate::tui::{db, Action, App, Effect, Keymap, Tab, Theme};

const REQUEST_ROWS: usize = 1_000_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
}

fn new_app() -> App {
    let theme = Theme::resolve("dark").expect("theme");
    let mut app = App::new(today(), Keymap::default_keys().expect("keys"), theme);
    app.update(Action::Resize(120, 40));
    app
}

/// Applies `action`, then answers every DB request it caused (and those the answers cause).
fn act(app: &mut App, store: &Store, config: &Config, action: Action) {
    let mut queue = vec![action];
    while let Some(a) = queue.pop() {
        for effect in app.update(a) {
            if let Effect::Db(request) = effect {
                queue.push(db::answer(store, config, request));
            }
        }
    }
}

fn render(app: &App, terminal: &mut Terminal<TestBackend>) {
    terminal
        .draw(|f| tollgate::tui::render(f, app))
        .expect("draw");
}

fn stats(name: &str, mut samples: Vec<Duration>, target_ms: f64) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<48} n={:<4} p50 {:>8.2} ms  p95 {:>8.2} ms  max {:>8.2} ms  (target {target_ms} ms)",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0)),
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("scale.duckdb");
    let config = scale::config();
    let t = Instant::now();
    {
        let store = Store::open(&path).expect("store");
        let mut rows = scale::daily_rows(today());
        rows.extend(scale::request_rows(today(), REQUEST_ROWS));
        println!("ledger rows: {}", rows.len());
        scale::ingest(&store, &rows);
    }
    println!("built the DB in {:.1} s", t.elapsed().as_secs_f64());

    // First frame: a fresh process's work from opening the file to drawing numbers.
    let mut first = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let store = Store::open(&path).expect("open");
        let mut app = new_app();
        let overview = db::answer(&store, &config, db::Request::Overview { today: today() });
        app.update(overview);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        render(&app, &mut terminal);
        first.push(t.elapsed());
        assert!(app.overview().is_some(), "the overview loaded");
    }
    stats("first frame (open + overview + render)", first, 200.0);

    // Where the first frame goes: each part on a freshly opened DB.
    let (mut open, mut alloc, mut report, mut overview) = (vec![], vec![], vec![], vec![]);
    for _ in 0..5 {
        let t = Instant::now();
        let store = Store::open(&path).expect("open");
        open.push(t.elapsed());
        let t = Instant::now();
        store.refresh_allocation(&config).expect("allocation");
        alloc.push(t.elapsed());
        let month = tollgate::report::default_month(&store, today()).expect("month");
        let t = Instant::now();
        tollgate::report::month_report(&store, &config, month).expect("report");
        report.push(t.elapsed());
        let t = Instant::now();
        tollgate::overview::load(&store, &config, today()).expect("overview");
        overview.push(t.elapsed());
    }
    stats("  part: open the DB file", open, 0.0);
    stats("  part: build the allocation", alloc, 0.0);
    stats("  part: month report (allocation built)", report, 0.0);
    stats("  part: overview load (allocation built)", overview, 0.0);

    let store = Store::open(&path).expect("open");
    let mut app = new_app();
    act(&mut app, &store, &config, Action::Refresh);

    // Drill-down, as a user walks it: the month's table ([ and ] reload it), Enter on a use
    // case, Enter on its first provider/model/key slice, Enter on a spike day of that slice
    // (when it has one) or on the use case's first spike row; Esc back up; the next use case.
    act(
        &mut app,
        &store,
        &config,
        Action::SelectTab(Tab::UseCases.number()),
    );
    let mut table = Vec::new();
    let mut use_case = Vec::new();
    let mut slice = Vec::new();
    let mut spike = Vec::new();
    for _ in 0..5 {
        for step in [Action::PrevMonth, Action::NextMonth] {
            let t = Instant::now();
            act(&mut app, &store, &config, step);
            table.push(t.elapsed());
        }
    }
    let depth = |app: &App| app.use_cases.frames.len();
    let select = |app: &mut App, want: &dyn Fn(&RowRef<'_>) -> bool| -> bool {
        let Some(i) = app.use_cases.top().rows().iter().position(want) else {
            return false;
        };
        app.update(Action::Top);
        for _ in 0..i {
            app.update(Action::Down);
        }
        true
    };
    for uc in 0..20 {
        app.update(Action::Top);
        for _ in 0..uc {
            app.update(Action::Down);
        }
        let t = Instant::now();
        act(&mut app, &store, &config, Action::Enter);
        use_case.push(t.elapsed());
        assert_eq!(depth(&app), 2, "Enter opened the use case");
        if select(&mut app, &|r| matches!(r, RowRef::Spike(_))) {
            let t = Instant::now();
            act(&mut app, &store, &config, Action::Enter);
            spike.push(t.elapsed());
            while depth(&app) > 2 {
                app.update(Action::Back);
            }
        }
        if select(&mut app, &|r| matches!(r, RowRef::Slice(_))) {
            let t = Instant::now();
            act(&mut app, &store, &config, Action::Enter);
            slice.push(t.elapsed());
            if select(
                &mut app,
                &|r| matches!(r, RowRef::Day(d) if d.spike.is_some()),
            ) {
                let t = Instant::now();
                act(&mut app, &store, &config, Action::Enter);
                spike.push(t.elapsed());
            }
        }
        while depth(&app) > 1 {
            app.update(Action::Back);
        }
    }
    stats("use cases table of a month ([ / ])", table, 50.0);
    stats("drill: use case (provider/model/key)", use_case, 50.0);
    stats("drill: slice day by day", slice, 50.0);
    stats("drill: spike explanation", spike, 50.0);

    // Render per frame, every tab with its data loaded.
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    for tab in Tab::ALL {
        act(&mut app, &store, &config, Action::SelectTab(tab.number()));
        let mut frames = Vec::new();
        for _ in 0..50 {
            let t = Instant::now();
            render(&app, &mut terminal);
            frames.push(t.elapsed());
        }
        stats(&format!("render {} 120x40", tab.title()), frames, 5.0);
    }
}

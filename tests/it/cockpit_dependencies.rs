//! The cockpit's Dependencies tab (tagging mode): state tests, the review queue through the
//! real DB actor with the reviews checked in the DB, and snapshots on the demo (as of
//! 2026-11-20). Shared helpers live in `cockpit_gates`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rust_decimal::Decimal;
use tempfile::TempDir;
use tollgate::deps::{self, DepClass};
use tollgate::money::usd;
use tollgate::tui::action::Loaded;
use tollgate::tui::db::{Request, Write};
use tollgate::tui::screens::dependencies;
use tollgate::tui::{Action, App, Effect, Tab};

use super::cockpit_gates::{
    app, as_of, demo, demo_config, demo_store, draw, run_effects, submit, USER,
};

fn deps_app(data: &dependencies::Data, size: (u16, u16)) -> App {
    let mut app = app(&demo().overview, size);
    let effects = app.update(Action::SelectTab(5));
    assert_eq!(
        effects,
        vec![Effect::Db(Request::Dependencies(dependencies::Query {
            today: as_of()
        }))]
    );
    app.update(Action::Loaded(Loaded::Dependencies(Box::new(data.clone()))));
    app
}

fn selected_key(app: &App) -> Option<String> {
    app.dependencies.selected_dep().map(|d| d.key.clone())
}

fn keys(app: &App) -> Vec<String> {
    app.dependencies
        .visible()
        .iter()
        .map(|d| d.key.clone())
        .collect()
}

fn tag_effect(key: &str, class: DepClass, note: Option<&str>) -> Vec<Effect> {
    vec![Effect::Db(Request::Write(Write::Tag {
        key: key.to_string(),
        class,
        note: note.map(str::to_string),
        by: USER.to_string(),
        today: as_of(),
    }))]
}

// ---- state -------------------------------------------------------------------------------

#[test]
fn a_tag_writes_at_once_keeps_the_note_and_moves_to_the_next_row() {
    let mut app = deps_app(&demo().deps, (120, 40));
    let all = keys(&app);
    assert_eq!(all[0], "assistant/OpenAI/gpt-5.5");
    assert_eq!(all[1], "assistant/OpenAI/gpt-5.5-mini");

    // Row 0 is reviewed (load-bearing, with a note): re-tagging keeps the note.
    let effects = app.update(Action::Tag(DepClass::Waste));
    assert_eq!(
        effects,
        tag_effect(
            "assistant/OpenAI/gpt-5.5",
            DepClass::Waste,
            Some("Answers most assistant turns; re-test gpt-5.5-mini after the price change")
        )
    );
    assert_eq!(app.dependencies.selected, 1, "moved on to the next row");
    assert_eq!(app.dependencies.keep.as_deref(), Some(all[1].as_str()));
    assert_eq!(
        app.status.as_deref(),
        Some("marking assistant/OpenAI/gpt-5.5 waste…")
    );

    // Row 1 was never reviewed: no note.
    let effects = app.update(Action::Tag(DepClass::Convenience));
    assert_eq!(effects, tag_effect(&all[1], DepClass::Convenience, None));
    assert_eq!(selected_key(&app).as_deref(), Some(all[2].as_str()));

    // On the last row the selection stays.
    app.update(Action::Bottom);
    let last = all.last().expect("rows").clone();
    app.update(Action::Tag(DepClass::LoadBearing));
    assert_eq!(selected_key(&app), Some(last.clone()));
    assert_eq!(app.dependencies.keep, Some(last));
}

#[test]
fn the_selection_follows_the_key_when_the_rows_reorder() {
    let mut app = deps_app(&demo().deps, (120, 40));
    for _ in 0..5 {
        app.update(Action::Down);
    }
    let key = selected_key(&app).expect("selected");
    let mut reversed = demo().deps.clone();
    reversed.report.dependencies.reverse();
    app.update(Action::Loaded(Loaded::Dependencies(Box::new(reversed))));
    assert_eq!(selected_key(&app), Some(key));
    assert_ne!(app.dependencies.selected, 5);
}

#[test]
fn n_edits_the_note_of_a_reviewed_row_and_explains_on_an_unreviewed_one() {
    let mut app = deps_app(&demo().deps, (120, 40));
    app.update(Action::Down); // assistant/OpenAI/gpt-5.5-mini, never reviewed
    assert!(app.update(Action::Note).is_empty());
    assert_eq!(app.prompt, None);
    let status = app.status.clone().expect("status");
    assert!(
        status.contains("never reviewed: tag it first (w waste, c convenience, l load-bearing)"),
        "{status}"
    );

    app.update(Action::Top);
    app.update(Action::Note);
    let prompt = app.prompt.clone().expect("note prompt");
    assert_eq!(prompt.owner, Tab::Dependencies);
    assert_eq!(prompt.label, "Note (load-bearing)");
    assert_eq!(
        prompt.text, "Answers most assistant turns; re-test gpt-5.5-mini after the price change",
        "prefilled with the current note"
    );
    app.update(Action::PromptKey(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    let effects = submit(&mut app, "keep: no cheaper model passes the evals");
    assert_eq!(
        effects,
        tag_effect(
            "assistant/OpenAI/gpt-5.5",
            DepClass::LoadBearing,
            Some("keep: no cheaper model passes the evals")
        )
    );
    assert_eq!(app.dependencies.selected, 0, "a note does not move on");
    assert_eq!(
        app.dependencies.keep.as_deref(),
        Some("assistant/OpenAI/gpt-5.5")
    );
}

#[test]
fn u_shows_only_unreviewed_rows_and_the_title_says_so() {
    let mut app = deps_app(&demo().deps, (120, 40));
    let report = &demo().deps.report;
    let untagged = report
        .dependencies
        .iter()
        .filter(|d| d.class.is_none())
        .count();
    app.update(Action::Down); // gpt-5.5-mini, unreviewed: stays selected
    app.update(Action::ToggleUntagged);
    assert!(app.dependencies.untagged_only);
    assert_eq!(app.dependencies.visible().len(), untagged);
    assert!(app.dependencies.visible().iter().all(|d| d.class.is_none()));
    assert_eq!(
        selected_key(&app).as_deref(),
        Some("assistant/OpenAI/gpt-5.5-mini")
    );
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("unreviewed only (u: all)"), "{screen}");
    app.update(Action::ToggleUntagged);
    assert_eq!(app.dependencies.visible().len(), report.dependencies.len());
    assert_eq!(app.dependencies.selected, 1);
}

#[test]
fn the_filter_finds_waste_candidates_by_their_mark() {
    let mut app = deps_app(&demo().deps, (120, 40));
    app.update(Action::Filter);
    assert_eq!(
        app.prompt.as_ref().map(|p| (p.owner, p.field)),
        Some((Tab::Dependencies, "filter"))
    );
    submit(&mut app, "WASTE?");
    let candidates = demo().deps.report.waste_candidates().count();
    assert!(candidates > 0);
    assert_eq!(app.dependencies.visible().len(), candidates);
    assert!(app.dependencies.visible().iter().all(|d| d.waste_candidate));
    assert!(draw(&app, 120, 40).contains("filter \"WASTE?\" (Esc clears)"));
    app.update(Action::Back);
    assert_eq!(app.dependencies.filter.text, "");
    assert_eq!(app.tab, Tab::Dependencies);
}

#[test]
fn a_click_selects_the_row_under_it() {
    let mut app = deps_app(&demo().deps, (80, 24));
    let screen = draw(&app, 80, 24);
    let row = screen
        .lines()
        .position(|l| l.contains("doc-summaries"))
        .expect("doc-summaries row") as u16;
    app.update(Action::Click(20, row));
    assert_eq!(
        selected_key(&app).as_deref(),
        Some("doc-summaries/Anthropic/claude-sonnet-4-6")
    );
    app.update(Action::Click(20, 3)); // the heading
    assert_eq!(app.dependencies.selected, 2);
}

#[test]
fn class_totals_add_up_to_the_30_day_total_and_are_shown() {
    let report = &demo().deps.report;
    // The classes and the unallocated spend (not a dependency) make the total.
    let sum: Decimal = report.totals.iter().map(|t| t.cost_30d).sum();
    assert!(report.unallocated.cost_30d > Decimal::ZERO);
    assert_eq!(sum + report.unallocated.cost_30d, report.total_30d);
    let count: usize = report.totals.iter().map(|t| t.count).sum();
    assert_eq!(count, report.dependencies.len());
    for size in [(120, 40), (80, 24)] {
        let app = deps_app(&demo().deps, size);
        let screen = draw(&app, size.0, size.1);
        assert!(
            screen.contains(&format!(
                "Class totals · {} over {count} dependencies · {} in all",
                usd(sum),
                usd(report.total_30d)
            )),
            "{screen}"
        );
        let gap = format!(
            "⚠ {} unallocated: add a rule",
            usd(report.unallocated.cost_30d)
        );
        assert!(screen.contains(&gap), "{screen}");
        assert!(!screen.contains("⚑ waste? unallocated"), "{screen}");
        let totals: Vec<&str> = screen
            .lines()
            .skip_while(|l| !l.contains("Class totals"))
            .collect();
        for (name, t) in ["● load-bearing", "◐ convenience", "✗ waste", "○ unreviewed"]
            .iter()
            .zip(&report.totals)
        {
            let shown = format!("{name:<15}{:>10} ({:>2})", usd(t.cost_30d), t.count);
            assert!(
                totals.iter().any(|l| l.contains(&shown)),
                "{shown} not in\n{}",
                totals.join("\n")
            );
        }
    }
}

// ---- the DB actor ------------------------------------------------------------------------

#[test]
fn tagging_down_the_unreviewed_queue_writes_reviews_and_keeps_history() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let config = demo_config();
    let mut app = app(&demo().overview, (120, 40));
    let effects = app.update(Action::SelectTab(5));
    run_effects(&mut app, &store, &config, effects);
    app.update(Action::ToggleUntagged);
    let queue = keys(&app);
    let before: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM dependency_reviews", [], |r| r.get(0))
        .expect("count");

    // w, c, l on the top row each time: the tagged row leaves the queue, the next one is on top.
    for (i, class) in [
        DepClass::Waste,
        DepClass::Convenience,
        DepClass::LoadBearing,
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(selected_key(&app).as_deref(), Some(queue[i].as_str()));
        let effects = app.update(Action::Tag(class));
        run_effects(&mut app, &store, &config, effects);
        assert_eq!(
            app.status.as_deref(),
            Some(format!("marked {} {class}", queue[i]).as_str())
        );
        assert_eq!(app.dependencies.selected, 0);
        assert_eq!(keys(&app), queue[i + 1..], "tagged rows leave the queue");
    }
    let rows: Vec<(String, String, Option<String>, String)> = store
        .conn()
        .prepare(
            "SELECT dep_key, class, note, reviewer FROM dependency_reviews WHERE reviewer = 'tester'",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut rows = rows;
    rows.sort();
    let mut expected = vec![
        (
            queue[0].clone(),
            "waste".to_string(),
            None,
            USER.to_string(),
        ),
        (
            queue[1].clone(),
            "convenience".to_string(),
            None,
            USER.to_string(),
        ),
        (
            queue[2].clone(),
            "load-bearing".to_string(),
            None,
            USER.to_string(),
        ),
    ];
    expected.sort();
    assert_eq!(rows, expected);
    let after: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM dependency_reviews", [], |r| r.get(0))
        .expect("count");
    assert_eq!(after, before + 3);

    // The totals moved with the tags (and still add up).
    let report = &app.dependencies.data.ready().expect("loaded").report;
    assert_eq!(report.totals[3].count, queue.len() - 3);
    let sum: Decimal = report.totals.iter().map(|t| t.cost_30d).sum();
    assert_eq!(sum + report.unallocated.cost_30d, report.total_30d);
}

#[test]
fn a_note_edit_appends_a_review_and_keeps_the_history() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let config = demo_config();
    let key = "assistant/OpenAI/gpt-5.5";
    store.refresh_allocation(&config).expect("allocation");
    let history = deps::history(&store, key).expect("history");
    assert_eq!(history.len(), 1, "the demo reviewed it once");

    let mut app = app(&demo().overview, (120, 40));
    let effects = app.update(Action::SelectTab(5));
    run_effects(&mut app, &store, &config, effects);
    app.update(Action::Note);
    app.update(Action::PromptKey(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    let effects = submit(&mut app, "still the only model that passes");
    run_effects(&mut app, &store, &config, effects);

    let history = deps::history(&store, key).expect("history");
    assert_eq!(history.len(), 2, "history kept");
    let latest = history.last().expect("latest");
    assert_eq!(latest.class, "load-bearing");
    assert_eq!(
        latest.note.as_deref(),
        Some("still the only model that passes")
    );
    assert_eq!(latest.reviewer, USER);
    assert_eq!(
        history[0].note.as_deref(),
        Some("Answers most assistant turns; re-test gpt-5.5-mini after the price change")
    );
    assert_eq!(selected_key(&app).as_deref(), Some(key));
    let dep = app.dependencies.selected_dep().expect("selected");
    assert_eq!(
        dep.note.as_deref(),
        Some("still the only model that passes")
    );
}

#[test]
fn tagging_a_key_the_ledger_does_not_have_is_refused() {
    let dir = TempDir::new().expect("temp dir");
    let store = demo_store(&dir);
    let answer = tollgate::tui::db::answer(
        &store,
        &demo_config(),
        Request::Write(Write::Tag {
            key: "assistant/OpenAI/gpt-9".to_string(),
            class: DepClass::Waste,
            note: None,
            by: USER.to_string(),
            today: as_of(),
        }),
    );
    match answer {
        Action::Written(Err(why)) => assert!(
            why.contains("no dependency 'assistant/OpenAI/gpt-9'"),
            "{why}"
        ),
        other => panic!("unexpected {other:?}"),
    }
}

// ---- views -------------------------------------------------------------------------------

#[test]
fn dependencies_demo_120x40() {
    let app = deps_app(&demo().deps, (120, 40));
    insta::assert_snapshot!(draw(&app, 120, 40));
}

#[test]
fn dependencies_demo_80x24() {
    let app = deps_app(&demo().deps, (80, 24));
    insta::assert_snapshot!(draw(&app, 80, 24));
}

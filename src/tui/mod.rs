//! The cockpit (`tollgate` with no subcommand): Event -> Action -> update -> render.
//!
//! Terminal events (input thread) and DB answers (DB actor) arrive on one channel; the loop
//! drains everything queued, applies each as an [`Action`] through [`App::update`], then draws
//! once if anything changed. Rendering reads `&App` only and never runs a query.

pub mod action;
pub mod app;
pub mod background;
pub mod db;
pub mod effect;
pub mod input;
pub mod keymap;
pub mod load;
pub mod mouse;
pub mod prompt;
pub mod screens;
pub mod tab;
pub mod theme;
pub mod ui;
pub mod widgets;

use std::sync::mpsc::{self, Receiver};

use anyhow::Context;
use chrono::NaiveDate;
use ratatui::crossterm::event::{Event, KeyEventKind};
use ratatui::DefaultTerminal;

pub use action::Action;
pub use app::App;
pub use effect::Effect;
pub use keymap::Keymap;
pub use load::Load;
pub use tab::Tab;
pub use theme::Theme;
pub use ui::{render, MIN_HEIGHT, MIN_WIDTH};

use crate::config::LoadedConfig;
use crate::store::Store;

/// What arrives on the UI loop's channel.
#[derive(Debug)]
pub enum Msg {
    Term(Event),
    Action(Action),
    InputFailed(String),
}

/// The action a message asks for, if any. While a prompt is open every key goes to it.
pub fn action_of(msg: Msg, app: &App) -> anyhow::Result<Option<Action>> {
    Ok(match msg {
        Msg::Term(Event::Key(key)) if key.kind == KeyEventKind::Release => None,
        Msg::Term(Event::Key(key)) if app.prompt.is_some() => Some(Action::PromptKey(key)),
        Msg::Term(Event::Key(key)) => app.keymap.action_for(&key, app.tab),
        Msg::Term(Event::Mouse(m)) => mouse::action_for(&m),
        Msg::Term(Event::Resize(w, h)) => Some(Action::Resize(w, h)),
        Msg::Term(_) => None,
        Msg::Action(a) => Some(a),
        Msg::InputFailed(e) => anyhow::bail!("cannot read the terminal: {e}"),
    })
}

/// Runs the cockpit on `store` until the user quits. The terminal is restored on quit, on
/// error and (through ratatui's hook) on panic. Nothing is printed to stdout.
pub fn run(store: Store, config: LoadedConfig, today: NaiveDate) -> anyhow::Result<()> {
    let theme = Theme::resolve(&config.config.ui.theme)?;
    let config_file = match &config.origin {
        crate::config::Origin::File(p) => Some(p.as_path()),
        _ => None,
    };
    let keymap = Keymap::load(Some(&crate::paths::keymap_file(config_file)))?;
    let mut app = App::new(today, keymap, theme);
    // The demo's ledger is generated, not synced: no background sync on it.
    app.demo = store.setting("demo")?.is_some();

    // The config's caps may have changed since the gateway was last told (logged, not shown).
    let _ = crate::gates::enforcement::publish_quietly(&store, &config.config);

    let (tx, rx) = mpsc::channel();
    let syncer = if app.demo {
        None
    } else {
        let settings = background::Settings {
            today: crate::clock::pinned_today()?,
            retry: None,
        };
        let sync_store = store
            .try_clone()
            .context("cannot open a connection for the background sync")?;
        if let Some(every) = background::interval(&config.config) {
            background::spawn_timer(every, tx.clone()).context("cannot start the sync timer")?;
        }
        Some(
            background::spawn(sync_store, config.config.clone(), settings, tx.clone())
                .context("cannot start the sync thread")?,
        )
    };
    let db =
        db::spawn(store, config.config, tx.clone()).context("cannot start the database thread")?;
    db.request(db::Request::Overview { today });

    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            ratatui::restore();
            return Err(e).context("cannot set up the terminal");
        }
    };
    let result = (|| {
        // Guards: dropped (mouse off, input thread joined) before the terminal is restored.
        let _mouse = mouse::MouseCapture::enable().context("cannot enable the mouse")?;
        let _input = input::spawn(tx).context("cannot start the input thread")?;
        event_loop(&mut terminal, &mut app, &rx, &db, syncer.as_ref())
    })();
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    rx: &Receiver<Msg>,
    db: &db::DbHandle,
    syncer: Option<&background::SyncHandle>,
) -> anyhow::Result<()> {
    let mut dirty = true;
    loop {
        if dirty {
            terminal
                .draw(|frame| render(frame, app))
                .context("cannot draw the cockpit")?;
            dirty = false;
        }
        let first = rx.recv().context("the cockpit's event channel closed")?;
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            let Some(action) = action_of(msg, app)? else {
                continue;
            };
            dirty = true;
            for effect in app.update(action) {
                match effect {
                    Effect::Db(request) => {
                        db.request(request);
                    }
                    Effect::Sync { sources } => {
                        // The App does not ask on the demo, which has no sync thread.
                        if !syncer.is_some_and(|s| s.request(sources)) {
                            app.syncing = false;
                            app.status = Some("the sync thread has stopped".to_string());
                        }
                    }
                }
            }
            if app.quit {
                return Ok(());
            }
        }
    }
}

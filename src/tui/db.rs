//! The DB actor: one thread owns the `Store` (duckdb's `Connection` is Send, not Sync) and
//! answers requests over a channel, so rendering never runs a query. Loads queued while a query
//! runs collapse into the latest of their kind; writes are never dropped and run in order.
//! Dropping the handle interrupts a running query and joins the thread.

use std::mem::discriminant;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

use chrono::{NaiveDate, Timelike, Utc};
use duckdb::InterruptHandle;

use super::action::{Action, Loaded};
use super::screens::{dependencies, forecast, gates, sources, use_cases};
use super::tab::Tab;
use super::Msg;
use crate::config::Config;
use crate::deps::{self, DepClass};
use crate::gates::Decision;
use crate::month::Month;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Overview {
        today: NaiveDate,
    },
    UseCases(use_cases::Query),
    Gates(gates::Query),
    Forecast(forecast::Query),
    Dependencies(dependencies::Query),
    Sources(sources::Query),
    Write(Write),
    /// Another connection (the background sync) changed the ledger: drop what the actor's
    /// store cached about it (the allocation) before the next loads.
    DataChanged,
}

/// A change the user asked for from the cockpit; the answer is [`Action::Written`].
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Appends a gate decision (the breach is looked up in the gates as of `today`).
    Decide {
        id: String,
        decision: Decision,
        by: String,
        note: Option<String>,
        today: NaiveDate,
    },
    /// Writes the business-review pack for `month` beside the DB (see [`pack_dir`]).
    Export { month: Month, today: NaiveDate },
    /// Appends a dependency review, stamped on `today` (the as-of day) at the current time, as
    /// `tollgate deps tag` does, so it is the latest review shown as of that day.
    Tag {
        key: String,
        class: DepClass,
        note: Option<String>,
        by: String,
        today: NaiveDate,
    },
}

impl Request {
    /// Writes and cache drops run in order and are never collapsed; loads after them see them.
    fn is_barrier(&self) -> bool {
        matches!(self, Request::Write(_) | Request::DataChanged)
    }
}

pub struct DbHandle {
    requests: Option<Sender<Request>>,
    interrupt: Arc<InterruptHandle>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the actor; its answers arrive on `out` as [`Msg::Action`].
pub fn spawn(store: Store, config: Config, out: Sender<Msg>) -> std::io::Result<DbHandle> {
    let (tx, rx) = mpsc::channel();
    let interrupt = store.conn().interrupt_handle();
    let thread = std::thread::Builder::new()
        .name("tollgate-db".to_string())
        .spawn(move || serve(&store, &config, &rx, &out))?;
    Ok(DbHandle {
        requests: Some(tx),
        interrupt,
        thread: Some(thread),
    })
}

impl DbHandle {
    /// Queues a request; false when the actor has stopped.
    pub fn request(&self, request: Request) -> bool {
        self.requests
            .as_ref()
            .is_some_and(|tx| tx.send(request).is_ok())
    }
}

impl Drop for DbHandle {
    fn drop(&mut self) {
        self.requests = None;
        self.interrupt.interrupt();
        if let Some(thread) = self.thread.take() {
            // A panic in the actor has already been reported by the panic hook.
            let _ = thread.join();
        }
    }
}

/// The queued requests to run: every write in order, and of the loads only the latest of each
/// kind (a load queued behind a write runs after it, so it sees the write).
pub fn collapse(queued: Vec<Request>) -> Vec<Request> {
    let mut out: Vec<Request> = Vec::with_capacity(queued.len());
    for request in queued {
        if !request.is_barrier() {
            let kind = discriminant(&request);
            let last_write = out
                .iter()
                .rposition(Request::is_barrier)
                .map_or(0, |i| i + 1);
            if let Some(i) = out[last_write..]
                .iter()
                .position(|r| discriminant(r) == kind)
            {
                out.remove(last_write + i);
            }
        }
        out.push(request);
    }
    out
}

fn serve(store: &Store, config: &Config, requests: &Receiver<Request>, out: &Sender<Msg>) {
    while let Ok(first) = requests.recv() {
        let queued: Vec<Request> = std::iter::once(first).chain(requests.try_iter()).collect();
        for request in collapse(queued) {
            if out
                .send(Msg::Action(answer(store, config, request)))
                .is_err()
            {
                return;
            }
        }
    }
}

/// Runs one request.
pub fn answer(store: &Store, config: &Config, request: Request) -> Action {
    let failed = |tab: Tab, e: anyhow::Error| Action::TabLoadFailed {
        tab,
        message: format!("cannot load {}: {e:#}", tab.title()),
    };
    match request {
        Request::Overview { today } => match crate::overview::load(store, config, today) {
            Ok(o) => Action::OverviewLoaded(Box::new(o)),
            Err(e) => Action::LoadFailed(format!("cannot load the overview: {e:#}")),
        },
        Request::UseCases(q) => match use_cases::load(store, config, &q) {
            Ok(d) => Action::Loaded(Loaded::UseCases(Box::new(d))),
            Err(e) => failed(Tab::UseCases, e),
        },
        Request::Gates(q) => match gates::load(store, config, &q) {
            Ok(d) => Action::Loaded(Loaded::Gates(Box::new(d))),
            Err(e) => failed(Tab::Gates, e),
        },
        Request::Forecast(q) => match forecast::load(store, config, &q) {
            Ok(d) => Action::Loaded(Loaded::Forecast(Box::new(d))),
            Err(e) => failed(Tab::Forecast, e),
        },
        Request::Dependencies(q) => match dependencies::load(store, config, &q) {
            Ok(d) => Action::Loaded(Loaded::Dependencies(Box::new(d))),
            Err(e) => failed(Tab::Dependencies, e),
        },
        Request::Sources(q) => match sources::load(store, config, &q) {
            Ok(d) => Action::Loaded(Loaded::Sources(Box::new(d))),
            Err(e) => failed(Tab::Sources, e),
        },
        Request::Write(w) => Action::Written(write(store, config, w).map_err(|e| format!("{e:#}"))),
        Request::DataChanged => {
            store.invalidate();
            Action::CachesCleared
        }
    }
}

fn write(store: &Store, config: &Config, write: Write) -> anyhow::Result<String> {
    let now = Utc::now().naive_utc();
    match write {
        Write::Decide {
            id,
            decision,
            by,
            note,
            today,
        } => {
            let report = crate::gates::evaluate(store, config, today)?;
            crate::gates::decide(store, &report, &id, decision, &by, note.as_deref(), now)?;
            let told = crate::gates::enforcement::publish(store, config, Utc::now());
            Ok(match told {
                Ok(crate::gates::enforcement::Published::Written { generation, .. }) => format!(
                    "recorded {} on {id}; the gateway enforces it (control generation {generation})",
                    decision.as_str()
                ),
                Ok(_) => format!("recorded {} on {id}", decision.as_str()),
                Err(e) => format!(
                    "recorded {} on {id}, but the gateway was not told: {e}",
                    decision.as_str()
                ),
            })
        }
        Write::Export { month, today } => {
            let dir = pack_dir(store, month);
            let pack = crate::export::write_pack(store, config, month, &dir, today)?;
            Ok(format!(
                "{month} pack written to {} ({} files)",
                pack.dir.display(),
                pack.files.len()
            ))
        }
        Write::Tag {
            key,
            class,
            note,
            by,
            today,
        } => {
            // The key is checked against the allocation as the config builds it now.
            store.refresh_allocation(config)?;
            let at = today.and_time(now.time());
            let at = at.with_nanosecond(0).unwrap_or(at);
            deps::tag(store, &key, class, note.as_deref(), &by, at)?;
            Ok(format!("marked {key} {}", class.as_str()))
        }
    }
}

/// Where the cockpit writes a month's pack: `packs/<DB name>-<month>` beside the DB file (the
/// data dir for an in-memory DB), e.g. `~/.local/share/tollgate/packs/demo-2026-10`. An earlier
/// pack there is replaced.
pub fn pack_dir(store: &Store, month: Month) -> PathBuf {
    let (dir, name) = match store.path() {
        Some(p) => (
            p.parent().map(Path::to_path_buf).unwrap_or_default(),
            p.file_stem()
                .map_or("tollgate".to_string(), |s| s.to_string_lossy().into_owned()),
        ),
        None => (
            crate::paths::default_db()
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            "tollgate".to_string(),
        ),
    };
    dir.join("packs").join(format!("{name}-{month}"))
}

//! The DB actor: one thread owns the `Store` (duckdb's `Connection` is Send, not Sync) and
//! answers load requests over a channel, so rendering never runs a query. Requests queued while
//! a query runs collapse into the latest one; dropping the handle interrupts a running query
//! and joins the thread.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

use chrono::NaiveDate;
use duckdb::InterruptHandle;

use super::action::Action;
use super::Msg;
use crate::config::Config;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Overview { today: NaiveDate },
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

fn serve(store: &Store, config: &Config, requests: &Receiver<Request>, out: &Sender<Msg>) {
    while let Ok(mut request) = requests.recv() {
        // Rapid refreshes collapse into the latest.
        while let Ok(newer) = requests.try_recv() {
            request = newer;
        }
        let answer = match request {
            Request::Overview { today } => match crate::overview::load(store, config, today) {
                Ok(o) => Action::OverviewLoaded(Box::new(o)),
                Err(e) => Action::LoadFailed(format!("cannot load the overview: {e}")),
            },
        };
        if out.send(Msg::Action(answer)).is_err() {
            return;
        }
    }
}

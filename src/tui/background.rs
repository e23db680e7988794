//! The cockpit's background sync: a thread with its own connection to the same database
//! ([`Store::try_clone`]: the same DuckDB instance, so no second file lock) that runs
//! [`sync::run`] on a current-thread tokio runtime when asked, and an optional timer thread
//! that asks every `[sync] interval_minutes`.
//!
//! The sync reports through the UI loop's channel only ([`Action::Sync`] at its start and end,
//! with a one-line summary); it never prints, since the cockpit owns the terminal. The DB actor
//! keeps answering loads meanwhile (DuckDB's MVCC: readers see the last committed ledger).
//! After a sync the App asks the actor to drop its caches ([`super::db::Request::DataChanged`])
//! before reloading, because the sync's writes bump only its own store's generation.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::NaiveDate;

use super::action::Action;
use super::Msg;
use crate::config::Config;
use crate::sources::RetryPolicy;
use crate::store::Store;
use crate::sync::{self, SourceOutcome, SyncError, SyncOptions};

/// How the background sync runs (tests pin the date and shorten the retries).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The sync's "today" (`None`: the real date at each sync).
    pub today: Option<NaiveDate>,
    pub retry: Option<RetryPolicy>,
}

/// The running sync thread. Dropping it stops the thread once the sync in flight (if any)
/// ends; nothing waits for that.
pub struct SyncHandle {
    requests: Option<Sender<Vec<String>>>,
    _thread: JoinHandle<()>,
}

impl SyncHandle {
    /// Asks for a sync of `sources` (empty: every syncable source); false when the thread has
    /// stopped. Requests that arrive while a sync runs are dropped when it ends (the App does
    /// not send them: it knows a sync is running).
    pub fn request(&self, sources: Vec<String>) -> bool {
        self.requests
            .as_ref()
            .is_some_and(|tx| tx.send(sources).is_ok())
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        self.requests = None;
    }
}

/// Starts the sync thread on `store` (a [`Store::try_clone`] of the actor's store).
pub fn spawn(
    store: Store,
    config: Config,
    settings: Settings,
    out: Sender<Msg>,
) -> std::io::Result<SyncHandle> {
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("tollgate-sync".to_string())
        .spawn(move || serve(&store, &config, &settings, &rx, &out))?;
    Ok(SyncHandle {
        requests: Some(tx),
        _thread: thread,
    })
}

/// Sends [`Action::SyncTick`] every `interval` until the UI loop's channel closes.
pub fn spawn_timer(interval: Duration, out: Sender<Msg>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("tollgate-sync-timer".to_string())
        .spawn(move || loop {
            std::thread::sleep(interval);
            if out.send(Msg::Action(Action::SyncTick)).is_err() {
                return;
            }
        })
}

/// The timer's period from `[sync] interval_minutes` (0: no background sync).
pub fn interval(config: &Config) -> Option<Duration> {
    let minutes = config.sync.interval_minutes;
    (minutes > 0).then(|| Duration::from_secs(u64::from(minutes) * 60))
}

fn serve(
    store: &Store,
    config: &Config,
    settings: &Settings,
    requests: &Receiver<Vec<String>>,
    out: &Sender<Msg>,
) {
    let send = |running: bool, summary: String| {
        out.send(Msg::Action(Action::Sync { running, summary }))
            .is_ok()
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            send(
                false,
                format!("sync is unavailable: cannot start its runtime: {e}"),
            );
            return;
        }
    };
    while let Ok(sources) = requests.recv() {
        let what = if sources.is_empty() {
            "every source".to_string()
        } else {
            sources.join(", ")
        };
        if !send(true, format!("syncing {what}…")) {
            return;
        }
        let opts = SyncOptions {
            sources,
            today: settings.today,
            retry: settings.retry.clone(),
            ..SyncOptions::default()
        };
        let result = runtime.block_on(sync::run(store, config, &opts, &|_| {}));
        if !send(false, summary(&result)) {
            return;
        }
        // Whatever was asked while this one ran is covered by it.
        while requests.try_recv().is_ok() {}
    }
}

/// `synced openai (1,234 rows), anthropic failed: <reason>`.
pub fn summary(result: &Result<Vec<SourceOutcome>, SyncError>) -> String {
    match result {
        Err(e) => format!("sync failed: {e}"),
        Ok(outcomes) if outcomes.is_empty() => "nothing to sync".to_string(),
        Ok(outcomes) => {
            // Successes first, so the line reads "synced a (..), b failed: why".
            let ok = outcomes
                .iter()
                .filter(|o| o.error.is_none())
                .map(|o| match &o.note {
                    // e.g. "3 Cost Explorer requests ($0.03 at $0.01 each)"
                    Some(note) => format!(
                        "{} ({} rows; {note})",
                        o.source,
                        crate::fmt::thousands(o.rows)
                    ),
                    None => format!("{} ({} rows)", o.source, crate::fmt::thousands(o.rows)),
                });
            let failed = outcomes.iter().filter_map(|o| {
                let e = o.error.as_deref()?;
                // Errors start "source NAME: "; the line names the source already.
                let e = e
                    .strip_prefix(&format!("source {}: ", o.source))
                    .unwrap_or(e);
                Some(format!("{} failed: {e}", o.source))
            });
            let prefix = if outcomes.iter().any(|o| o.error.is_none()) {
                "synced"
            } else {
                "sync:"
            };
            format!(
                "{prefix} {}",
                ok.chain(failed).collect::<Vec<_>>().join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_name_each_source() {
        let ok = SourceOutcome {
            source: "openai".into(),
            window: None,
            rows: 1234,
            requests: 3,
            seconds: 0.5,
            error: None,
            note: None,
        };
        let failed = SourceOutcome {
            source: "anthropic".into(),
            rows: 0,
            error: Some("source anthropic: no credential".into()),
            ..ok.clone()
        };
        assert_eq!(
            summary(&Ok(vec![failed.clone(), ok])),
            "synced openai (1,234 rows), anthropic failed: no credential"
        );
        assert_eq!(
            summary(&Ok(vec![failed])),
            "sync: anthropic failed: no credential"
        );
        assert!(summary(&Err(SyncError::NothingToSync)).starts_with("sync failed: no sources"));
    }
}

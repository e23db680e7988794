//! Durability under load: a fresh proxy takes 1,000 requests/s, then is killed mid-load
//! (kill -9, or SIGTERM). Every request answered more than one fsync interval before a kill -9
//! must be in the spool, and after a SIGTERM every answered request; no spool line may break
//! reading and no request may be recorded twice.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::open_loop::{self, Spec};
use crate::requests::{request, Kind, Via};
use crate::target::Proxy;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Signal {
    Kill,
    Term,
}

impl Signal {
    pub fn label(self) -> &'static str {
        match self {
            Signal::Kill => "kill -9",
            Signal::Term => "SIGTERM",
        }
    }
}

#[derive(Debug, Default)]
pub struct Result {
    pub answered: usize,
    /// Answered more than one fsync interval before the signal (all answered for SIGTERM).
    pub must_have: usize,
    pub missing: usize,
    /// Answered within the last interval before a kill -9, and of those recorded.
    pub late: usize,
    pub late_recorded: usize,
    pub duplicates: usize,
    pub broken_lines: usize,
    pub spool_lines: usize,
    pub errors: u64,
    pub exit: String,
}

impl Result {
    pub fn ok(&self) -> bool {
        self.missing == 0 && self.duplicates == 0 && self.broken_lines == 0 && self.answered > 0
    }

    pub fn json(&self) -> Value {
        json!({
            "answered": self.answered, "must_be_recorded": self.must_have, "missing": self.missing,
            "answered_in_last_interval": self.late, "of_those_recorded": self.late_recorded,
            "duplicates": self.duplicates, "broken_lines": self.broken_lines,
            "spool_lines": self.spool_lines, "errors_after_signal": self.errors, "exit": self.exit,
        })
    }
}

/// Loads a fresh proxy at `rate` for `before`, signals it, and checks its spool.
pub async fn run(
    upstream: SocketAddr,
    cores: &str,
    signal: Signal,
    rate: u32,
    before: Duration,
) -> anyhow::Result<Result> {
    let mut proxy = Proxy::spawn(upstream, cores)?;
    let pid = proxy.pid();
    let interval = proxy.fsync_interval;
    let cut: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let cut_w = cut.clone();
    let sig = match signal {
        Signal::Kill => "-KILL",
        Signal::Term => "-TERM",
    };
    // The load starts ~20 ms after its connections are up; the signal comes `before` later.
    let killer = std::thread::spawn(move || {
        std::thread::sleep(before + Duration::from_millis(60));
        let sent = Command::new("kill").args([sig, &pid.to_string()]).status();
        // Taken once the signal is delivered: the strict side for the check.
        let t = Instant::now();
        if let Ok(mut g) = cut_w.lock() {
            *g = Some(t);
        }
        sent.map(|s| s.success()).unwrap_or(false)
    });
    let spec = Spec {
        rate,
        duration: before + Duration::from_millis(500),
        connections: 64,
    };
    let req = request(Kind::Chat, Via::Tollgate, proxy.addr);
    let outcome = open_loop::run(proxy.addr, req, spec).await?;
    let signalled = killer.join().unwrap_or(false);
    anyhow::ensure!(signalled, "could not signal the proxy ({sig})");
    let status = match signal {
        Signal::Kill => proxy.kill9()?,
        Signal::Term => proxy.wait_exit(Duration::from_secs(15))?,
    };
    let cut = cut
        .lock()
        .ok()
        .and_then(|g| *g)
        .ok_or_else(|| anyhow::anyhow!("no signal time"))?;
    let spool = proxy.spool()?;
    let mut r = Result {
        answered: outcome.answered.len(),
        broken_lines: spool.broken,
        spool_lines: spool.lines,
        errors: outcome.errors,
        exit: status.to_string(),
        ..Result::default()
    };
    for (id, t) in &outcome.answered {
        let recorded = spool.by_id.get(id).copied().unwrap_or(0);
        if recorded > 1 {
            r.duplicates += 1;
        }
        let must = signal == Signal::Term || *t + interval < cut;
        if must {
            r.must_have += 1;
            if recorded == 0 {
                r.missing += 1;
            }
        } else {
            r.late += 1;
            if recorded > 0 {
                r.late_recorded += 1;
            }
        }
    }
    if signal == Signal::Term && !status.success() {
        r.missing = r.missing.max(1);
        r.exit = format!("{status} (expected exit 0)");
    }
    Ok(r)
}

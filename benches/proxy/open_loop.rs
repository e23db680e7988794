//! The fixed-rate (open-loop) load generator, coordinated-omission-correct: request i is due at
//! `start + i / rate` whatever happened before it, and its latency runs from that due time to
//! the end of its answer's body, so a stall is charged to every request it delayed (wrk2's and
//! `oha --latency-correction`'s rule).
//!
//! A ticker thread wakes at each due time (`thread::sleep`, tens of µs late at most, unlike
//! tokio's 1 ms timer wheel) and hands the index to a pool of keep-alive connections; the
//! first free connection sends it. The ticker's lateness is reported apart (`lag`), so the
//! generator's own contribution is visible.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Mutex};

use crate::client::{Conn, Req};

#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub rate: u32,
    pub duration: Duration,
    pub connections: usize,
}

/// One window's results.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Due time to end of body, answered requests (2xx) only.
    pub latency_ns: Vec<u64>,
    /// Due time to the moment a connection took the request.
    pub lag_ns: Vec<u64>,
    pub overhead_us: Vec<u64>,
    pub ok: u64,
    pub errors: u64,
    pub due: u64,
    /// First due time to the last answer.
    pub elapsed: Duration,
    /// tollgate's request id of each answered request, with when its body ended.
    pub answered: Vec<(String, Instant)>,
}

impl Outcome {
    pub fn achieved_rate(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.ok as f64 / s
        } else {
            0.0
        }
    }
}

/// Drives `req` at `spec.rate` against `target` for `spec.duration`.
pub async fn run(target: SocketAddr, req: Req, spec: Spec) -> std::io::Result<Outcome> {
    let mut conns = Vec::with_capacity(spec.connections);
    for _ in 0..spec.connections {
        conns.push(Conn::connect(target).await?);
    }
    let total = u64::from(spec.rate) * spec.duration.as_secs_f64().round() as u64;
    let period = Duration::from_secs_f64(1.0 / f64::from(spec.rate));
    let start = Instant::now() + Duration::from_millis(20);
    let (tx, rx) = mpsc::unbounded_channel::<(u64, Instant)>();
    let ticker = std::thread::Builder::new()
        .name("bench-ticker".into())
        .spawn(move || {
            for i in 0..total {
                let due = start + period.mul_f64(i as f64);
                let now = Instant::now();
                if due > now {
                    std::thread::sleep(due - now);
                }
                if tx.send((i, due)).is_err() {
                    break;
                }
            }
        })?;
    let rx = Arc::new(Mutex::new(rx));
    let req = Arc::new(req);
    let mut workers = Vec::with_capacity(conns.len());
    for conn in conns {
        workers.push(tokio::spawn(worker(conn, target, req.clone(), rx.clone())));
    }
    let mut out = Outcome {
        due: total,
        ..Outcome::default()
    };
    let mut last = start;
    for w in workers {
        let Ok(part) = w.await else { continue };
        out.latency_ns.extend(part.latency_ns);
        out.lag_ns.extend(part.lag_ns);
        out.overhead_us.extend(part.overhead_us);
        out.ok += part.ok;
        out.errors += part.errors;
        if let Some((_, t)) = part.answered.iter().max_by_key(|(_, t)| *t) {
            last = last.max(*t);
        }
        if let Some(t) = part.last {
            last = last.max(t);
        }
        out.answered.extend(part.answered);
    }
    let _ = ticker.join();
    out.elapsed = last.saturating_duration_since(start);
    Ok(out)
}

#[derive(Default)]
struct Part {
    latency_ns: Vec<u64>,
    lag_ns: Vec<u64>,
    overhead_us: Vec<u64>,
    ok: u64,
    errors: u64,
    answered: Vec<(String, Instant)>,
    last: Option<Instant>,
}

type Queue = Arc<Mutex<mpsc::UnboundedReceiver<(u64, Instant)>>>;

async fn worker(mut conn: Conn, target: SocketAddr, req: Arc<Req>, rx: Queue) -> Part {
    let mut part = Part::default();
    let mut alive = true;
    loop {
        let next = { rx.lock().await.recv().await };
        let Some((_, due)) = next else { break };
        if !alive {
            match Conn::connect(target).await {
                Ok(c) => {
                    conn = c;
                    alive = true;
                }
                Err(_) => {
                    part.errors += 1;
                    continue;
                }
            }
        }
        part.lag_ns
            .push(ns(Instant::now().saturating_duration_since(due)));
        match conn.send(&req).await {
            Ok(a) if (200..300).contains(&a.status) => {
                let now = Instant::now();
                part.ok += 1;
                part.latency_ns.push(ns(now.saturating_duration_since(due)));
                if let Some(o) = a.overhead_us {
                    part.overhead_us.push(o);
                }
                if let Some(id) = a.request_id {
                    part.answered.push((id, now));
                }
                part.last = Some(now);
            }
            Ok(_) => part.errors += 1,
            Err(_) => {
                part.errors += 1;
                alive = false;
            }
        }
    }
    part
}

pub fn ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

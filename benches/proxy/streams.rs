//! Streams against the paced upstream: time to first byte (c=1, interleaved direct/proxied),
//! per-event delivery and inter-event gaps (batches of concurrent streams), and the proxy's
//! memory with many streams open at once.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::client::{Conn, Req, StreamTimes};
use crate::open_loop::ns;

/// Paced streams' TTFT, interleaved: `rounds` × `per_round` streams to each target in turn.
/// Returns the TTFTs in ns per target, and the request ids seen.
pub async fn ttft(
    targets: &[(SocketAddr, Req)],
    rounds: usize,
    per_round: usize,
) -> std::io::Result<(Vec<Vec<u64>>, Vec<String>)> {
    let mut conns = Vec::new();
    for (addr, req) in targets {
        let mut c = Conn::connect(*addr).await?;
        // Warm-up: one stream each.
        let _ = c.stream(req).await;
        conns.push(c);
    }
    let mut out = vec![Vec::new(); targets.len()];
    let mut ids = Vec::new();
    for _ in 0..rounds {
        for (i, (c, (_, req))) in conns.iter_mut().zip(targets).enumerate() {
            for _ in 0..per_round {
                if let Ok(t) = c.stream(req).await {
                    out[i].push(ns(t.ttft));
                    ids.extend(t.request_id);
                }
            }
        }
    }
    Ok((out, ids))
}

/// `n` streams at once against `addr`, each on its own connection. Returns each stream's
/// timings (failed ones left out) once all have ended. `open` counts the streams in flight
/// (request sent, body not yet ended).
pub async fn concurrent(
    addr: SocketAddr,
    req: &Req,
    n: usize,
    open: Arc<AtomicUsize>,
) -> std::io::Result<Vec<StreamTimes>> {
    let mut conns = Vec::with_capacity(n);
    for _ in 0..n {
        conns.push(Conn::connect(addr).await?);
    }
    let mut tasks = Vec::with_capacity(n);
    for mut c in conns {
        let req = req.clone();
        let open = open.clone();
        tasks.push(tokio::spawn(async move {
            open.fetch_add(1, Ordering::SeqCst);
            let r = c.stream(&req).await;
            open.fetch_sub(1, Ordering::SeqCst);
            r
        }));
    }
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        if let Ok(Ok(times)) = t.await {
            out.push(times);
        }
    }
    Ok(out)
}

/// Waits until `open` reaches `n` (or `limit` passes).
pub async fn wait_open(open: &AtomicUsize, n: usize, limit: Duration) {
    let deadline = tokio::time::Instant::now() + limit;
    while open.load(Ordering::SeqCst) < n && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

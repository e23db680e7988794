//! The gateway, `tollgate proxy` (PRODUCT C13, issue 13): a pass-through for the OpenAI and
//! Anthropic APIs that records every request's use case, pseudonymous user, tokens, exact cost
//! and latency to an append-only spool, and stores no content. It never opens the DuckDB
//! ledger: prices come from the shipped table, records go to the spool that `sync` ingests.
//!
//! Shape: a hyper 1 HTTP/1 server (TCP_NODELAY on accepted sockets) on a tokio runtime; one
//! pooled hyper client upstream (TCP_NODELAY, rustls); a plain `match` router; request bodies
//! probed with borrowed structs and spliced by bytes; response frames forwarded as they arrive
//! and teed into a bounded SSE scanner; one spool thread rendering, pricing and writing records.

mod attribution;
mod body;
pub mod caps;
pub mod config;
pub mod control;
mod control_watch;
mod enforce;
mod errors;
mod handler;
pub mod pricing;
mod probe;
pub mod pseudonym;
pub mod record;
pub mod route;
pub mod spool;
mod sse;
pub mod usage;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};

use crate::config::Config;
use crate::credentials::Secret;
use config::Settings;
use pseudonym::Pseudonymizer;

/// tollgate's id of the request, on every response.
pub const REQUEST_ID_HEADER: &str = "x-tollgate-request-id";
/// Microseconds the proxy itself spent before the response headers went out, upstream wait
/// excluded.
pub const OVERHEAD_HEADER: &str = "x-tollgate-overhead-us";

/// How long in-flight requests may take to finish after SIGTERM/SIGINT.
const GRACE: Duration = Duration::from_secs(5);

type UpstreamBody = Either<Full<bytes::Bytes>, Incoming>;
type UpstreamClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, UpstreamBody>;

/// What every request handler shares.
pub struct State {
    pub settings: Settings,
    pub config: Config,
    pub pseudonyms: Pseudonymizer,
    pub spool: Arc<spool::Queue>,
    /// What tollgate told the gateway to enforce, reloaded as it changes.
    control: Arc<control_watch::ControlWatch>,
    caps: caps::Caps,
    client: UpstreamClient,
    instance: String,
    seq: AtomicU64,
}

impl State {
    fn next_request_id(&self) -> String {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        format!("tg_{}_{n:x}", self.instance)
    }
}

/// Runs the proxy until SIGTERM or SIGINT, then lets in-flight requests finish (up to a few
/// seconds), writes and syncs the spool, and returns. `ready` is called once it listens.
pub fn run(
    settings: Settings,
    config: Config,
    secret: &Secret,
    ready: impl FnOnce(std::net::SocketAddr, &std::path::Path),
) -> anyhow::Result<()> {
    let pricer = pricing::Pricer::shipped()?;
    let caps = caps::Caps::new(&config, pricer.clone(), &settings.spool_dir);
    let instance = pseudonym::random_id(4);
    let listener = std::net::TcpListener::bind(settings.listen)
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let writer = spool::start(
        settings.spool_dir.clone(),
        instance.clone(),
        settings.fsync_interval,
        pricer,
    )
    .with_context(|| {
        format!(
            "cannot create the spool dir {}",
            settings.spool_dir.display()
        )
    })?;
    let control = control_watch::ControlWatch::start(&settings.spool_dir)
        .context("cannot start watching the control file")?;
    // One worker: a current-thread runtime. Everything (accept loop, connections, the pooled
    // upstream connections) then runs on the thread that blocks on it, with no cross-thread
    // task hand-offs; measured 2-4 µs less added latency per request than a one-worker
    // multi-thread runtime (cargo bench --bench proxy, c=1).
    let runtime = if settings.worker_threads == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(settings.worker_threads)
            .thread_name("tollgate-proxy")
            .enable_all()
            .build()?
    };
    let result = runtime.block_on(async {
        let state = Arc::new(State {
            client: upstream_client()?,
            pseudonyms: Pseudonymizer::new(secret),
            spool: writer.queue.clone(),
            control,
            caps,
            settings,
            config,
            instance,
            seq: AtomicU64::new(0),
        });
        let listener = tokio::net::TcpListener::from_std(listener)?;
        tracing::info!(%addr, spool = %state.settings.spool_dir.display(), "proxy listening");
        ready(addr, &state.settings.spool_dir);
        serve(state, listener).await
    });
    // Requests still open are dropped here; each hands its record over as it goes.
    runtime.shutdown_timeout(Duration::from_secs(1));
    if writer.stop().is_err() {
        anyhow::bail!("the spool writer failed; see the log");
    }
    tracing::info!("proxy stopped, spool synced");
    result
}

fn upstream_client() -> anyhow::Result<UpstreamClient> {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.enforce_http(false);
    http.set_connect_timeout(Some(Duration::from_secs(10)));
    http.set_keepalive(Some(Duration::from_secs(60)));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(1024)
        .pool_timer(TokioTimer::new())
        .timer(TokioTimer::new())
        .build(https))
}

async fn serve(state: Arc<State>, listener: tokio::net::TcpListener) -> anyhow::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = shutdown_signal()?;
    tokio::spawn(heartbeat());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((s, _)) => s,
                    Err(e) => {
                        // Out of file descriptors and the like: wait rather than spin.
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let st = state.clone();
                let service = hyper::service::service_fn(move |req| handler::handle(st.clone(), req));
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!("connection ended: {e}");
                    }
                });
            }
            _ = &mut stop => break,
        }
    }
    drop(listener);
    tracing::info!("stopping: waiting for in-flight requests");
    if tokio::time::timeout(GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "in-flight requests still open after {}s; cutting them",
            GRACE.as_secs()
        );
    }
    Ok(())
}

/// Keeps a timer due within a second. hyper arms a 30 s header-read timer for every request on
/// a connection; when the runtime's timer wheel holds nothing sooner, arming it wakes the
/// runtime's driver through its eventfd (a `write` and an extra `epoll_wait` per request, seen
/// with `perf trace`). With this timer pending the new deadline is never the earliest, so no
/// wake-up is needed; the cost is one timer firing per second.
async fn heartbeat() {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
    }
}

/// Resolves on SIGTERM or SIGINT.
fn shutdown_signal(
) -> anyhow::Result<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        Ok(Box::pin(async move {
            tokio::select! {
                _ = term.recv() => {},
                _ = int.recv() => {},
            }
        }))
    }
    #[cfg(not(unix))]
    {
        Ok(Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
        }))
    }
}

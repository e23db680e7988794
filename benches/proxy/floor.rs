//! The floor: a bare hyper pass-through (HTTP/1 server, pooled hyper-util client, TCP_NODELAY
//! both sides, bodies streamed through, nothing read, nothing recorded) in its own process on a
//! single-threaded runtime, pinned to the proxy's cores. Measured beside tollgate in the same
//! rounds, it shows what the extra hop alone costs on this machine (two more cross-core
//! round trips, scheduling, the client pool), so tollgate's own share is the difference.

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use bytes::Bytes;
use http_body_util::{Either, Empty};
use hyper::body::Incoming;
use hyper::{Request, Response, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};

type Upstream = Client<HttpConnector, Incoming>;

/// The running pass-through: this bench binary started again with `--floor-proxy UPSTREAM`, a
/// process of its own like tollgate (switching between processes costs more than between
/// threads, so an in-process floor would flatter itself).
pub struct Floor {
    child: Child,
    pub addr: SocketAddr,
}

impl Floor {
    /// Starts the pass-through to `upstream` pinned to `cores` (a taskset list).
    pub fn spawn(upstream: SocketAddr, cores: &str) -> anyhow::Result<Floor> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new("taskset")
            .arg("-c")
            .arg(cores)
            .arg(exe)
            .args([FLAG, &upstream.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()?;
        let out = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        BufReader::new(out).read_line(&mut line)?;
        let addr = line
            .trim()
            .strip_prefix("floor listening on ")
            .and_then(|a| a.parse().ok());
        match addr {
            Some(addr) => Ok(Floor { child, addr }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                anyhow::bail!("the floor pass-through did not start: {line:?}")
            }
        }
    }

    /// `/proc/PID/task`, for its CPU time.
    pub fn tasks(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}/task", self.child.id()))
    }
}

impl Drop for Floor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The argument that makes the bench binary the pass-through.
pub const FLAG: &str = "--floor-proxy";

/// The pass-through's `main`: listens on a free port, prints it, serves until killed.
pub fn main(upstream: &str) -> anyhow::Result<()> {
    let upstream: SocketAddr = upstream.parse()?;
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    println!("floor listening on {}", listener.local_addr()?);
    std::io::stdout().flush()?;
    rt.block_on(serve(listener, upstream));
    Ok(())
}

async fn serve(listener: std::net::TcpListener, upstream: SocketAddr) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        eprintln!("floor pass-through: cannot register the listener");
        return;
    };
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    let client: Arc<Upstream> = Arc::new(
        Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(1024)
            .build(http),
    );
    let base = Arc::new(format!("http://{upstream}"));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (client, base) = (client.clone(), base.clone());
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |req| forward(client.clone(), base.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn forward(
    client: Arc<Upstream>,
    base: Arc<String>,
    req: Request<Incoming>,
) -> Result<Response<Either<Incoming, Empty<Bytes>>>, Infallible> {
    let (mut parts, body) = req.into_parts();
    let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    parts.uri = Uri::try_from(format!("{base}{pq}")).unwrap_or_default();
    match client.request(Request::from_parts(parts, body)).await {
        Ok(r) => Ok(r.map(Either::Left)),
        Err(e) => {
            eprintln!("floor pass-through: {e}");
            // An empty 502 (the bench counts it as an error).
            let mut r = Response::new(Either::Right(Empty::new()));
            *r.status_mut() = hyper::StatusCode::BAD_GATEWAY;
            Ok(r)
        }
    }
}

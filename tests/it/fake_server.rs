//! Plumbing shared by the fake provider servers: a local HTTP server on its own thread and
//! tokio runtime, request counters, fault injection, query parsing and exact JSON money.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use rust_decimal::Decimal;
use serde_json::Value;

/// A fault a test plans for one request to one path.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with `Retry-After: <secs>` and the provider's rate-limit error body.
    RateLimit { retry_after: u64 },
    /// 500 with the provider's server-error body.
    ServerError,
    /// A 200 page without its `data` array.
    MissingData,
    /// A 200 page whose first result has the amount `"abc"`.
    BadAmount,
}

#[derive(Debug, Clone)]
struct Planned {
    path: String,
    nth: u64,
    fault: Fault,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: String,
    pub status: u16,
    pub started: Instant,
    pub ended: Instant,
}

#[derive(Debug, Default)]
struct ControlInner {
    counts: BTreeMap<String, u64>,
    page_cap: Option<usize>,
    faults: Vec<Planned>,
    seen: Vec<Seen>,
    delay: Duration,
    cache: Option<std::collections::HashMap<String, Vec<u8>>>,
}

/// What a test controls and observes of a running fake.
#[derive(Debug, Default)]
pub struct Control {
    inner: Mutex<ControlInner>,
}

impl Control {
    fn lock(&self) -> MutexGuard<'_, ControlInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Server-side cap on items per page (buckets or list items), below the client's `limit`.
    pub fn set_page_cap(&self, cap: Option<usize>) {
        self.lock().page_cap = cap;
    }

    pub fn page_cap(&self) -> Option<usize> {
        self.lock().page_cap
    }

    /// Plans `fault` for the `nth` (1-based) request to `path`; it fires once.
    pub fn inject(&self, path: &str, nth: u64, fault: Fault) {
        self.lock().faults.push(Planned {
            path: path.to_string(),
            nth,
            fault,
        });
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Every response waits this long first (to make concurrency observable).
    pub fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    /// Requests to exactly `path`.
    pub fn count(&self, path: &str) -> u64 {
        self.lock().counts.get(path).copied().unwrap_or(0)
    }

    /// Requests to paths starting with `prefix` and ending with `suffix`.
    pub fn count_matching(&self, prefix: &str, suffix: &str) -> u64 {
        self.lock()
            .counts
            .iter()
            .filter(|(p, _)| p.starts_with(prefix) && p.ends_with(suffix))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.lock().counts.clone()
    }

    pub fn total(&self) -> u64 {
        self.lock().counts.values().sum()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.lock().seen.clone()
    }

    pub fn reset_counts(&self) {
        let mut g = self.lock();
        g.counts.clear();
        g.seen.clear();
    }

    /// Counts a request and takes the fault planned for it, if any.
    pub fn on_request(&self, path: &str) -> (Option<Fault>, Duration) {
        let mut g = self.lock();
        let n = {
            let c = g.counts.entry(path.to_string()).or_insert(0);
            *c += 1;
            *c
        };
        let fault = g
            .faults
            .iter()
            .position(|f| f.path == path && f.nth == n)
            .map(|i| g.faults.remove(i).fault);
        (fault, g.delay)
    }

    /// Serve repeated identical requests from a cache of rendered bodies (benchmarks).
    pub fn set_cache(&self, on: bool) {
        self.lock().cache = on.then(Default::default);
    }

    pub fn cached(&self, key: &str) -> Option<Vec<u8>> {
        self.lock().cache.as_ref().and_then(|c| c.get(key).cloned())
    }

    pub fn store_cached(&self, key: &str, body: &[u8]) {
        if let Some(c) = self.lock().cache.as_mut() {
            c.insert(key.to_string(), body.to_vec());
        }
    }

    /// Time the server spent answering (from arrival to a rendered body), summed.
    pub fn server_time(&self) -> Duration {
        self.lock()
            .seen
            .iter()
            .map(|s| s.ended.duration_since(s.started))
            .sum()
    }

    pub fn record(&self, seen: Seen) {
        self.lock().seen.push(seen);
    }
}

/// A fake server running on 127.0.0.1 on its own thread; stops when dropped.
pub struct FakeServer {
    pub base_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FakeServer {
    pub fn spawn(router: axum::Router) -> FakeServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name(format!("fake-{}", addr.port()))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("fake server runtime");
                rt.block_on(async move {
                    let l = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    let stop = async {
                        let _ = rx.await;
                    };
                    // Stop accepting on shutdown; in-flight keep-alive connections die with the runtime.
                    tokio::select! {
                        r = std::future::IntoFuture::into_future(axum::serve(l, router)) => r.expect("serve"),
                        _ = stop => {}
                    }
                });
                rt.shutdown_timeout(Duration::from_millis(100));
            })
            .expect("spawn fake server thread");
        FakeServer {
            base_url: format!("http://{addr}"),
            shutdown: Some(tx),
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Query pairs in order, repeated keys kept.
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn first<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

pub fn all<'a>(q: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    q.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The first query key not in `allowed`.
pub fn unknown_param<'a>(q: &'a [(String, String)], allowed: &[&str]) -> Option<&'a str> {
    q.iter()
        .map(|(k, _)| k.as_str())
        .find(|k| !allowed.contains(k))
}

/// An exact JSON number from a Decimal (serde_json's arbitrary_precision keeps the digits).
pub fn json_number(d: Decimal) -> Value {
    let text = d.normalize().to_string();
    Value::Number(text.parse().expect("decimal text is a JSON number"))
}

pub fn json_response(status: StatusCode, body: &Value, headers: &[(&str, String)]) -> Response {
    bytes_response(
        status,
        serde_json::to_vec(body).expect("serialise"),
        headers,
    )
}

pub fn bytes_response(status: StatusCode, body: Vec<u8>, headers: &[(&str, String)]) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    let h: &mut HeaderMap = resp.headers_mut();
    h.insert("content-type", HeaderValue::from_static("application/json"));
    for (k, v) in headers {
        let name = axum::http::HeaderName::from_bytes(k.as_bytes()).expect("header name");
        h.insert(name, HeaderValue::from_str(v).expect("header value"));
    }
    resp
}

/// A page cursor: opaque to clients, an index to the fake.
pub fn cursor(prefix: &str, index: usize) -> String {
    format!("{prefix}{:016x}", (index as u64) ^ 0x5a5a_0000_1234)
}

pub fn parse_cursor(prefix: &str, text: &str) -> Option<usize> {
    let hex = text.strip_prefix(prefix)?;
    u64::from_str_radix(hex, 16)
        .ok()
        .map(|v| (v ^ 0x5a5a_0000_1234) as usize)
}

/// splitmix64: a deterministic hash of a seed and some integers.
pub fn mix(parts: &[u64]) -> u64 {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for p in parts {
        x ^= p
            .wrapping_add(0x9e37_79b9_7f4a_7c15)
            .wrapping_add(x << 6)
            .wrapping_add(x >> 2);
        let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x = z ^ (z >> 31);
    }
    x
}

/// Applies a malformed-page fault to a 200 body: drop `data`, or poison the first amount
/// (`amount_path` = keys to the amount inside a result, e.g. `["amount", "value"]`).
pub fn poison(body: &mut Value, fault: &Fault, amount_path: &[&str]) {
    match fault {
        Fault::MissingData => {
            if let Some(o) = body.as_object_mut() {
                o.remove("data");
            }
        }
        Fault::BadAmount => {
            let buckets = body.get_mut("data").and_then(Value::as_array_mut);
            let Some(buckets) = buckets else { return };
            for b in buckets {
                if let Some(first) = b
                    .get_mut("results")
                    .and_then(Value::as_array_mut)
                    .and_then(|r| r.first_mut())
                {
                    let mut target = first;
                    for (i, k) in amount_path.iter().enumerate() {
                        if i + 1 == amount_path.len() {
                            target[*k] = Value::String("abc".to_string());
                            return;
                        }
                        target = &mut target[*k];
                    }
                }
            }
        }
        _ => {}
    }
}

/// Sums into a map.
pub fn add<K: Ord>(map: &mut BTreeMap<K, Decimal>, key: K, v: Decimal) {
    *map.entry(key).or_default() += v;
}

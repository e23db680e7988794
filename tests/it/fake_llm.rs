//! A fake OpenAI and Anthropic inference API on 127.0.0.1 for the gateway tests: chat
//! completions, Responses, embeddings, messages and models, answering with scripted responses
//! (JSON or SSE, byte for byte as written, paced, gated, cut off) chosen by the request's
//! `x-fake-scenario` header. It keeps every request it received (path, headers, body) so tests
//! can check what reached the provider.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use bytes::Bytes;
use tokio::sync::Semaphore;

use crate::fake_server::FakeServer;

/// One step of a scripted response body.
#[derive(Debug, Clone)]
pub enum Step {
    Send(&'static str),
    SendOwned(String),
    Sleep(Duration),
    /// Wait until the test calls [`Fake::release`].
    Gate,
    /// Break the connection (no end of body).
    Abort,
}

#[derive(Debug, Clone)]
pub struct Script {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub steps: Vec<Step>,
}

impl Script {
    pub fn json(status: u16, body: &str) -> Script {
        Script {
            status,
            content_type: "application/json",
            headers: vec![],
            steps: vec![Step::SendOwned(body.to_string())],
        }
    }

    pub fn sse(steps: Vec<Step>) -> Script {
        Script {
            status: 200,
            content_type: "text/event-stream",
            headers: vec![],
            steps,
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Script {
        self.headers.push((name, value.to_string()));
        self
    }

    /// The bytes the script sends (without its pauses).
    pub fn bytes(&self) -> String {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Send(t) => t.to_string(),
                Step::SendOwned(t) => t.clone(),
                _ => String::new(),
            })
            .collect()
    }
}

/// A request as the fake received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

#[derive(Default)]
struct Inner {
    scripts: HashMap<String, Script>,
    received: Vec<Received>,
}

#[derive(Clone)]
pub struct Fake {
    inner: Arc<Mutex<Inner>>,
    gate: Arc<Semaphore>,
    pub server: Arc<FakeServer>,
}

impl Fake {
    pub fn start() -> Fake {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let gate = Arc::new(Semaphore::new(0));
        let app = axum::Router::new()
            .fallback(answer)
            .with_state((inner.clone(), gate.clone()));
        Fake {
            inner,
            gate,
            server: Arc::new(FakeServer::spawn(app)),
        }
    }

    pub fn url(&self) -> &str {
        &self.server.base_url
    }

    /// Answer requests carrying `x-fake-scenario: name` with `script`.
    pub fn script(&self, name: &str, script: Script) {
        self.lock().scripts.insert(name.to_string(), script);
    }

    /// Lets `n` gated steps proceed.
    pub fn release(&self, n: usize) {
        self.gate.add_permits(n);
    }

    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

type Shared = (Arc<Mutex<Inner>>, Arc<Semaphore>);

async fn answer(
    State((inner, gate)): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let scenario = headers
        .get("x-fake-scenario")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let script = {
        let mut g = inner.lock().unwrap_or_else(|p| p.into_inner());
        g.received.push(Received {
            method: method.to_string(),
            path_and_query: uri
                .path_and_query()
                .map_or("/".to_string(), |p| p.to_string()),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.to_vec(),
        });
        g.scripts.get(&scenario).cloned()
    };
    let Some(script) = script else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .header("content-type", "application/json")
            .body(Body::from(format!(
                "{{\"error\":{{\"message\":\"no script for scenario '{scenario}'\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}}}"
            )))
            .expect("response");
    };
    let steps = script.steps.clone();
    let stream =
        futures::stream::unfold((steps.into_iter(), gate), |(mut steps, gate)| async move {
            loop {
                match steps.next()? {
                    Step::Send(t) => {
                        return Some((Ok(Bytes::from_static(t.as_bytes())), (steps, gate)))
                    }
                    Step::SendOwned(t) => return Some((Ok(Bytes::from(t)), (steps, gate))),
                    Step::Sleep(d) => tokio::time::sleep(d).await,
                    Step::Gate => {
                        if let Ok(p) = gate.acquire().await {
                            p.forget();
                        }
                    }
                    Step::Abort => {
                        return Some((
                            Err(std::io::Error::other("fake upstream hangs up")),
                            (steps, gate),
                        ))
                    }
                }
            }
        });
    let mut b = Response::builder()
        .status(script.status)
        .header("content-type", script.content_type);
    for (k, v) in &script.headers {
        b = b.header(*k, v.as_str());
    }
    let single = matches!(
        script.steps.as_slice(),
        [Step::Send(_) | Step::SendOwned(_)]
    );
    if single {
        // A plain JSON answer with a Content-Length, as providers send them.
        return b.body(Body::from(script.bytes())).expect("response");
    }
    b.body(Body::from_stream(stream)).expect("response")
}

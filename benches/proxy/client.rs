//! The bench's HTTP/1 client: one keep-alive connection (TCP_NODELAY) per [`Conn`], requests
//! built once and cloned cheaply, the whole body read before a request counts as answered.
//! The same code talks to the fake upstream directly, to tollgate and to LiteLLM.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderName, HeaderValue};
use hyper::Request;
use hyper_util::rt::TokioIo;

/// One request, as sent to one target.
#[derive(Clone, Debug)]
pub struct Req {
    pub path: String,
    pub host: HeaderValue,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl Req {
    pub fn post(target: SocketAddr, path: &str, body: &str) -> Req {
        Req {
            path: path.to_string(),
            host: HeaderValue::from_str(&target.to_string())
                .unwrap_or(HeaderValue::from_static("127.0.0.1")),
            headers: vec![(
                HeaderName::from_static("content-type"),
                HeaderValue::from_static("application/json"),
            )],
            body: Bytes::from(body.to_string()),
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Req {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((HeaderName::from_static(name), v));
        }
        self
    }

    fn build(&self) -> Request<Full<Bytes>> {
        let mut b = Request::post(self.path.as_str()).header("host", self.host.clone());
        for (k, v) in &self.headers {
            b = b.header(k, v);
        }
        b.body(Full::new(self.body.clone())).unwrap_or_default()
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// tollgate's `x-tollgate-request-id`, when the target is tollgate.
    pub request_id: Option<String>,
    /// tollgate's self-reported `x-tollgate-overhead-us`.
    pub overhead_us: Option<u64>,
}

/// A stream's timings, as the client saw them.
#[derive(Debug, Default, Clone)]
pub struct StreamTimes {
    pub status: u16,
    pub request_id: Option<String>,
    /// Send to first body byte.
    pub ttft: Duration,
    /// Per delta: upstream write to client read, µs.
    pub delivery_us: Vec<u64>,
    /// Between consecutive deltas as the client read them, µs.
    pub gaps_us: Vec<u64>,
}

pub struct Conn {
    tx: SendRequest<Full<Bytes>>,
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> std::io::Result<Conn> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (tx, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Conn { tx })
    }

    /// Sends `req` and reads the whole answer.
    pub async fn send(&mut self, req: &Req) -> Result<Answer, hyper::Error> {
        self.tx.ready().await?;
        let res = self.tx.send_request(req.build()).await?;
        let answer = answer_of(res.status().as_u16(), res.headers());
        res.into_body().collect().await?;
        Ok(answer)
    }

    /// Sends a streamed request and times its events (deltas are stamped by the upstream).
    pub async fn stream(&mut self, req: &Req) -> Result<StreamTimes, hyper::Error> {
        self.tx.ready().await?;
        let t0 = Instant::now();
        let res = self.tx.send_request(req.build()).await?;
        let a = answer_of(res.status().as_u16(), res.headers());
        let mut times = StreamTimes {
            status: a.status,
            request_id: a.request_id,
            ..StreamTimes::default()
        };
        let mut body = res.into_body();
        let mut first = true;
        let mut last_delta: Option<Instant> = None;
        while let Some(frame) = body.frame().await {
            let frame = frame?;
            let Some(data) = frame.data_ref() else {
                continue;
            };
            let now = Instant::now();
            let now_us = crate::upstream::micros_since_epoch();
            if first {
                times.ttft = now - t0;
                first = false;
            }
            let stamps = stamps(data);
            for sent in &stamps {
                times.delivery_us.push(now_us.saturating_sub(*sent));
            }
            if !stamps.is_empty() {
                if let Some(prev) = last_delta {
                    times
                        .gaps_us
                        .push(u64::try_from((now - prev).as_micros()).unwrap_or(u64::MAX));
                }
                last_delta = Some(now);
            }
        }
        Ok(times)
    }
}

fn answer_of(status: u16, headers: &hyper::HeaderMap) -> Answer {
    Answer {
        status,
        request_id: headers
            .get("x-tollgate-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        overhead_us: headers
            .get("x-tollgate-overhead-us")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok()),
    }
}

/// The `~T<µs>~` stamps in a chunk.
fn stamps(data: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < data.len() {
        if data[i] == b'~' && data[i + 1] == b'T' {
            let digits = data[i + 2..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let s = std::str::from_utf8(&data[i + 2..i + 2 + digits]).unwrap_or("");
            if let Ok(v) = s.parse() {
                out.push(v);
            }
            i += 2 + digits;
        } else {
            i += 1;
        }
    }
    out
}

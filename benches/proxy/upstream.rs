//! The fake provider the proxy bench measures against: a hyper 1 HTTP/1 server on 127.0.0.1,
//! on its own thread and single-threaded runtime, answering OpenAI chat completions, Responses,
//! embeddings and Anthropic messages instantly with realistic bodies (usage blocks with cached,
//! reasoning and cache-write fields), or as SSE when the body asks for `"stream":true`.
//!
//! Streams come in two paces, chosen by the `x-bench-pace` request header: `instant` (every
//! event at once) or `paced` (the first event at once, then `x-bench-deltas` deltas 20 ms
//! apart). Each delta carries the time it was written (`~T<µs since EPOCH>~`), so the client
//! can measure how long each event took to reach it. Bodies are built once; a request costs
//! the upstream one small allocation and a body scan, so its own p99 stays flat at the rates
//! the bench drives (the bench checks that).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

pub type Body = UnsyncBoxBody<Bytes, Infallible>;

/// Gap between paced deltas.
pub const PACE: Duration = Duration::from_millis(20);

/// The clock deltas are stamped with; shared by the upstream and the client (same process).
pub fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

pub fn micros_since_epoch() -> u64 {
    u64::try_from(epoch().elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// Starts the fake upstream on `127.0.0.1:port` (0: any free port).
pub fn start(port: u16) -> std::io::Result<SocketAddr> {
    epoch();
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    std::thread::Builder::new()
        .name("fake-upstream".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("fake upstream: no runtime: {e}");
                    return;
                }
            };
            rt.block_on(serve(listener));
        })?;
    Ok(addr)
}

async fn serve(listener: std::net::TcpListener) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        eprintln!("fake upstream: cannot register the listener");
        return;
    };
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(answer);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path().to_string();
    let paced = header(&req, "x-bench-pace") == Some("paced");
    let deltas = header(&req, "x-bench-deltas")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(64);
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let stream = contains(&body, b"\"stream\":true") || contains(&body, b"\"stream\": true");
    let include_usage = contains(&body, b"\"include_usage\":true");
    let bodies = bodies();
    let kind = match path.as_str() {
        "/v1/chat/completions" => Kind::Chat,
        "/v1/responses" => Kind::Responses,
        "/v1/embeddings" => return Ok(json(bodies.embeddings.clone())),
        "/v1/messages" => Kind::Messages,
        _ => {
            return Ok(Response::builder()
                .status(404)
                .header("content-type", "application/json")
                .body(full(Bytes::from_static(
                    br#"{"error":{"message":"unknown path","type":"invalid_request_error","param":null,"code":null}}"#,
                )))
                .unwrap_or_default())
        }
    };
    if !stream {
        return Ok(json(match kind {
            Kind::Chat => bodies.chat.clone(),
            Kind::Responses => bodies.responses.clone(),
            Kind::Messages => bodies.messages.clone(),
        }));
    }
    let events = sse_events(kind, include_usage);
    Ok(sse(events, if paced { Some(deltas) } else { None }))
}

#[derive(Clone, Copy)]
enum Kind {
    Chat,
    Responses,
    Messages,
}

fn header<'a>(req: &'a Request<Incoming>, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn full(b: Bytes) -> Body {
    Full::new(b).map_err(|never| match never {}).boxed_unsync()
}

fn json(b: Bytes) -> Response<Body> {
    Response::builder()
        .header("content-type", "application/json")
        .header("x-request-id", "req_bench_upstream")
        .body(full(b))
        .unwrap_or_default()
}

/// One stream's events: the head (sent at once), the delta template (`{T}` replaced by the
/// write time) and the tail (sent right after the last delta).
struct Events {
    head: &'static str,
    delta: &'static str,
    tail: String,
}

fn sse_events(kind: Kind, include_usage: bool) -> Events {
    match kind {
        Kind::Chat => Events {
            head: "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764900000,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}\n\n",
            delta: "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764900000,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word~T{T}~\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n",
            tail: {
                let mut t = String::from("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764900000,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n");
                if include_usage {
                    t.push_str("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764900000,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[],\"usage\":{\"prompt_tokens\":1117,\"completion_tokens\":64,\"total_tokens\":1181,\"prompt_tokens_details\":{\"cached_tokens\":1024,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n");
                }
                t.push_str("data: [DONE]\n\n");
                t
            },
        },
        Kind::Responses => Events {
            head: "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_bench\",\"object\":\"response\",\"created_at\":1764900000,\"status\":\"in_progress\",\"model\":\"gpt-4.1-mini-2025-04-14\",\"output\":[],\"usage\":null}}\n\n",
            delta: "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_bench\",\"output_index\":0,\"content_index\":0,\"delta\":\" word~T{T}~\"}\n\n",
            tail: "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_bench\",\"object\":\"response\",\"created_at\":1764900000,\"status\":\"completed\",\"model\":\"gpt-4.1-mini-2025-04-14\",\"output\":[],\"usage\":{\"input_tokens\":1200,\"input_tokens_details\":{\"cached_tokens\":1024},\"output_tokens\":300,\"output_tokens_details\":{\"reasoning_tokens\":236},\"total_tokens\":1500}}}\n\n".to_string(),
        },
        Kind::Messages => Events {
            head: "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1,\"service_tier\":\"standard\"}}}\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n",
            delta: "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" word~T{T}~\"}}\n\n",
            tail: "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null,\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null,\"stop_sequence\":null},\"usage\":{\"output_tokens\":120}}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":1200,\"cache_read_input_tokens\":3000,\"output_tokens\":180}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n".to_string(),
        },
    }
}

/// An SSE response: instant (`pace` None: every event in one go, `deltas` 64) or paced.
fn sse(events: Events, pace: Option<usize>) -> Response<Body> {
    let deltas = pace.unwrap_or(64);
    let state = (0usize, events, pace.is_some());
    // Step 0 is the head, 1..=deltas the deltas, deltas+1 the tail.
    let stream = futures::stream::unfold(state, move |(step, events, paced)| async move {
        let chunk = if step == 0 {
            Bytes::from_static(events.head.as_bytes())
        } else if step <= deltas {
            if paced {
                tokio::time::sleep(PACE).await;
            }
            Bytes::from(
                events
                    .delta
                    .replace("{T}", &micros_since_epoch().to_string()),
            )
        } else if step == deltas + 1 {
            Bytes::from(events.tail.clone())
        } else {
            return None;
        };
        Some((
            Ok::<_, Infallible>(Frame::data(chunk)),
            (step + 1, events, paced),
        ))
    });
    Response::builder()
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .header("x-request-id", "req_bench_upstream")
        .body(StreamBody::new(stream).boxed_unsync())
        .unwrap_or_default()
}

/// The instant JSON answers, built once.
struct Bodies {
    chat: Bytes,
    responses: Bytes,
    embeddings: Bytes,
    messages: Bytes,
}

fn bodies() -> &'static Bodies {
    static BODIES: OnceLock<Bodies> = OnceLock::new();
    BODIES.get_or_init(|| {
        let text = "Here is a short answer that reads like a real completion: the invoice total is reconciled, the use case is tagged and the spend is within budget for this month.";
        Bodies {
            chat: Bytes::from(format!(
                r#"{{"id":"chatcmpl-bench0001","object":"chat.completion","created":1764900000,"model":"gpt-4o-mini-2024-07-18","choices":[{{"index":0,"message":{{"role":"assistant","content":"{text}","refusal":null,"annotations":[]}},"logprobs":null,"finish_reason":"stop"}}],"usage":{{"prompt_tokens":1117,"completion_tokens":46,"total_tokens":1163,"prompt_tokens_details":{{"cached_tokens":1024,"audio_tokens":0}},"completion_tokens_details":{{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}},"service_tier":"default","system_fingerprint":"fp_bench"}}"#
            )),
            responses: Bytes::from(format!(
                r#"{{"id":"resp_bench0001","object":"response","created_at":1764900000,"status":"completed","error":null,"incomplete_details":null,"model":"gpt-4.1-mini-2025-04-14","output":[{{"type":"message","id":"msg_bench","status":"completed","role":"assistant","content":[{{"type":"output_text","text":"{text}","annotations":[]}}]}}],"parallel_tool_calls":true,"service_tier":"default","usage":{{"input_tokens":1200,"input_tokens_details":{{"cached_tokens":1024}},"output_tokens":300,"output_tokens_details":{{"reasoning_tokens":236}},"total_tokens":1500}}}}"#
            )),
            // 1,536 float32 dimensions, base64 as the SDKs request them by default.
            embeddings: Bytes::from(format!(
                r#"{{"object":"list","data":[{{"object":"embedding","index":0,"embedding":"{}"}}],"model":"text-embedding-3-small","usage":{{"prompt_tokens":8,"total_tokens":8}}}}"#,
                "AAAAPwAAgD8AAIC/".repeat(512)
            )),
            messages: Bytes::from(format!(
                r#"{{"id":"msg_bench0001","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{{"type":"text","text":"{text}"}}],"stop_reason":"end_turn","stop_sequence":null,"usage":{{"input_tokens":25,"cache_creation_input_tokens":1200,"cache_read_input_tokens":3000,"cache_creation":{{"ephemeral_5m_input_tokens":1200,"ephemeral_1h_input_tokens":0}},"output_tokens":180,"service_tier":"standard"}}}}"#
            )),
        }
    })
}

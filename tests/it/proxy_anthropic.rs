//! The gateway against a fake Anthropic Messages API: JSON with 5-minute and 1-hour cache
//! writes, streams with several cumulative `message_delta` events and cache fields only in the
//! final one, batch tier, mid-stream errors, and streams cut by the upstream or the client.

use std::time::Duration;

use serde_json::{json, Value};

use super::fake_llm::{Fake, Script, Step};
use super::proxy_harness::{self as harness, by_id, request_id, Proxy};

const KEY: &str = "sk-ant-api03-0123456789abcdefQRST";

async fn post(p: &Proxy, path: &str, scenario: &str, body: &Value) -> reqwest::Response {
    let headers = [
        ("x-api-key", KEY),
        ("anthropic-version", "2023-06-01"),
        ("x-fake-scenario", scenario),
    ];
    harness::post(p, path, &headers, body).await
}

fn ask(stream: bool) -> Value {
    json!({"model": "claude-sonnet-4-6", "max_tokens": 1024, "stream": stream, "messages": [{"role": "user", "content": "hi"}]})
}

const START: &str = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-6\",\"content\":[],\"usage\":{\"input_tokens\":40,\"cache_creation_input_tokens\":null,\"cache_read_input_tokens\":null,\"output_tokens\":1,\"service_tier\":\"standard\"}}}\n\n";
const BLOCK: &str = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n";
const DELTA_1: &str = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},\"usage\":{\"output_tokens\":200}}\n\n";
const DELTA_2: &str = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":40,\"cache_creation_input_tokens\":500,\"cache_read_input_tokens\":16000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":300,\"ephemeral_1h_input_tokens\":200},\"output_tokens\":510,\"output_tokens_details\":{\"thinking_tokens\":100}}}\n\n";
const STOP: &str = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

#[tokio::test]
async fn messages_json_and_streams_are_priced_per_token_type() {
    let fake = Fake::start();
    let body = r#"{"id":"msg_0","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","usage":{"input_tokens":1000,"cache_creation_input_tokens":700,"cache_read_input_tokens":2000,"cache_creation":{"ephemeral_5m_input_tokens":300,"ephemeral_1h_input_tokens":400},"output_tokens":500,"service_tier":"standard"}}"#;
    fake.script(
        "json",
        Script::json(200, body).header("request-id", "req_hdr"),
    );
    let batch = r#"{"id":"msg_b","type":"message","model":"claude-haiku-4-5-20251001","content":[],"usage":{"input_tokens":1000,"cache_read_input_tokens":2000,"output_tokens":200,"service_tier":"batch"}}"#;
    fake.script("batch", Script::json(200, batch));
    // Split mid-event so the scanner has to carry an event across frames.
    let (d2a, d2b) = DELTA_2.split_at(70);
    fake.script(
        "stream",
        Script::sse(vec![
            Step::Send(START),
            Step::Send(BLOCK),
            Step::Send(DELTA_1),
            Step::Send(d2a),
            Step::Send(d2b),
            Step::Send(STOP),
        ]),
    );
    let mut p = Proxy::start(fake.url(), "");
    let resp = post(&p, "/anthropic/v1/messages", "json", &ask(false)).await;
    let json_id = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), body);
    let resp = post(&p, "/v1/messages", "stream", &ask(true)).await;
    let stream_id = request_id(&resp);
    assert_eq!(
        resp.text().await.expect("body"),
        format!("{START}{BLOCK}{DELTA_1}{DELTA_2}{STOP}")
    );
    let resp = post(&p, "/anthropic/v1/messages", "batch", &ask(false)).await;
    let batch_id = request_id(&resp);
    resp.text().await.expect("body");
    let seen = &fake.received()[0];
    assert_eq!(seen.header("x-api-key"), Some(KEY));
    assert_eq!(seen.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(seen.path_and_query, "/v1/messages");

    let records = p.stop();
    let r = by_id(&records, &json_id);
    assert_eq!(r["provider"], "Anthropic");
    assert_eq!(r["key_hint"], "sk-ant-…QRST");
    assert_eq!(r["provider_request_id"], "msg_0");
    assert_eq!(
        [
            &r["input_tokens"],
            &r["cached_input_tokens"],
            &r["cache_write_tokens"],
            &r["cache_write_1h_tokens"],
            &r["output_tokens"]
        ],
        [
            &json!(3700),
            &json!(2000),
            &json!(300),
            &json!(400),
            &json!(500)
        ]
    );
    // claude-sonnet-4-6: 1000 x 3 + 2000 x 0.30 + 300 x 3.75 + 400 x 6 + 500 x 15 per million.
    assert_eq!(r["cost_usd"], "0.014625");

    let r = by_id(&records, &stream_id);
    assert_eq!(
        (r["stream"].clone(), r["outcome"].clone()),
        (json!(true), json!("ok"))
    );
    // Cumulative deltas replace, never add: the last delta's values, cache only in it.
    assert_eq!(
        [
            &r["input_tokens"],
            &r["cached_input_tokens"],
            &r["cache_write_tokens"],
            &r["cache_write_1h_tokens"],
            &r["output_tokens"],
            &r["reasoning_tokens"]
        ],
        [
            &json!(16540),
            &json!(16000),
            &json!(300),
            &json!(200),
            &json!(510),
            &json!(100)
        ]
    );
    // 40 x 3 + 16000 x 0.30 + 300 x 3.75 + 200 x 6 + 510 x 15 per million.
    assert_eq!(r["cost_usd"], "0.014895");

    // Batch: 1000 x 0.50 + 2000 x 0.10 (no batch cache-read price: standard) + 200 x 2.50.
    let r = by_id(&records, &batch_id);
    assert_eq!(r["model"], "claude-haiku-4-5-20251001");
    assert_eq!(r["cost_usd"], "0.0012");
}

#[tokio::test]
async fn mid_stream_error_and_cut_streams_are_recorded_with_what_was_seen() {
    let fake = Fake::start();
    let error = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    fake.script(
        "error",
        Script::sse(vec![
            Step::Send(START),
            Step::Send(BLOCK),
            Step::Send(error),
        ]),
    );
    fake.script(
        "hangup",
        Script::sse(vec![
            Step::Send(START),
            Step::Send(BLOCK),
            Step::Send(DELTA_1),
            Step::Sleep(Duration::from_millis(100)),
            Step::Abort,
        ]),
    );
    fake.script(
        "gated",
        Script::sse(vec![
            Step::Send(START),
            Step::Gate,
            Step::Send(BLOCK),
            Step::Gate,
            Step::Send(DELTA_1),
            Step::Send(DELTA_2),
            Step::Send(STOP),
        ]),
    );
    let mut p = Proxy::start(fake.url(), "");

    let resp = post(&p, "/v1/messages", "error", &ask(true)).await;
    let error_id = request_id(&resp);
    assert_eq!(
        resp.text().await.expect("body"),
        format!("{START}{BLOCK}{error}")
    );

    let resp = post(&p, "/v1/messages", "hangup", &ask(true)).await;
    let hangup_id = request_id(&resp);
    assert!(
        resp.text().await.is_err(),
        "a cut upstream must cut the client's stream too"
    );

    let mut resp = post(&p, "/v1/messages", "gated", &ask(true)).await;
    let closed_id = request_id(&resp);
    let first = tokio::time::timeout(Duration::from_secs(10), resp.chunk())
        .await
        .expect("first event")
        .expect("chunk");
    assert_eq!(first.as_deref(), Some(START.as_bytes()));
    drop(resp);
    // The proxy learns the client left when a write fails: the first write after the close
    // draws a reset, the next one fails.
    fake.release(1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    fake.release(1);

    let records = p.wait_records(3);
    let r = by_id(&records, &error_id);
    assert_eq!(
        (r["status"].clone(), r["outcome"].clone()),
        (json!(200), json!("upstream_error"))
    );
    assert_eq!(r["input_tokens"], 40);
    let r = by_id(&records, &hangup_id);
    assert_eq!(r["outcome"], "upstream_error");
    // What was seen: message_start's input and the last delta's output, priced.
    assert_eq!(
        (r["input_tokens"].clone(), r["output_tokens"].clone()),
        (json!(40), json!(200))
    );
    assert_eq!(r["cost_usd"], "0.00312");
    let r = by_id(&records, &closed_id);
    assert_eq!(r["outcome"], "client_closed");
    assert_eq!(r["input_tokens"], 40);
    assert_eq!(r["priced"], true);
    p.stop();
}

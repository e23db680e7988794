//! The gateway against a fake OpenAI: chat completions (JSON and SSE, with and without
//! include_usage), Responses (JSON and every terminal event), embeddings, pass-through
//! endpoints, upstream errors passed through exactly, mid-stream errors, paced and slow
//! streams, and the cost of each request against hand-computed values.

use std::time::Duration;

use serde_json::{json, Value};

use super::fake_llm::{Fake, Script, Step};
use super::proxy_harness::{self as harness, by_id, request_id, Proxy};

const KEY: &str = "sk-proj-0123456789abcdefWXYZ";

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn post(p: &Proxy, path: &str, scenario: &str, body: &Value) -> reqwest::Response {
    let auth = format!("Bearer {KEY}");
    harness::post(
        p,
        path,
        &[("authorization", &auth), ("x-fake-scenario", scenario)],
        body,
    )
    .await
}

const CHAT_JSON: &str = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":192}},"service_tier":"default"}"#;

#[tokio::test]
async fn chat_json_is_forwarded_and_priced() {
    let fake = Fake::start();
    fake.script(
        "chat",
        Script::json(200, CHAT_JSON).header("x-request-id", "req_hdr_1"),
    );
    let mut p = Proxy::start(
        fake.url(),
        "[[use_cases]]\nid = \"bot\"\nname = \"Bot\"\nkind = \"pilot\"\n",
    );
    let resp = client()
        .post(p.url("/openai/v1/chat/completions?trace=1"))
        .bearer_auth(KEY)
        .header("x-fake-scenario", "chat")
        .header("x-tollgate-use-case", "bot")
        .header("x-tollgate-tags", "team=search, env=prod")
        .json(&json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let id = request_id(&resp);
    assert!(resp.headers().get("x-tollgate-overhead-us").is_some());
    assert_eq!(resp.headers()["x-request-id"], "req_hdr_1");
    assert_eq!(resp.text().await.expect("body"), CHAT_JSON);
    let seen = &fake.received()[0];
    assert_eq!(seen.path_and_query, "/v1/chat/completions?trace=1");
    assert_eq!(
        seen.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(
        seen.headers
            .iter()
            .all(|(k, _)| !k.starts_with("x-tollgate-")),
        "{:?}",
        seen.headers
    );

    let records = p.stop();
    let r = by_id(&records, &id);
    assert_eq!(r["provider"], "OpenAI");
    assert_eq!(r["endpoint"], "/v1/chat/completions");
    assert_eq!(r["model_requested"], "gpt-4o");
    assert_eq!(r["model"], "gpt-4o-2024-08-06");
    assert_eq!(r["provider_request_id"], "chatcmpl-1");
    assert_eq!(r["key_hint"], "sk-…WXYZ");
    assert_eq!(r["use_case"], "bot");
    assert_eq!(r["tags"], json!({"team": "search", "env": "prod"}));
    assert_eq!(r["status"], 200);
    assert_eq!(r["outcome"], "ok");
    assert_eq!(r["stream"], false);
    assert_eq!(r["input_tokens"], 1200);
    assert_eq!(r["cached_input_tokens"], 1024);
    assert_eq!(r["output_tokens"], 300);
    assert_eq!(r["reasoning_tokens"], 192);
    // gpt-4o: (1200 - 1024) x 2.50 + 1024 x 1.25 + 300 x 10.00 per million tokens.
    assert_eq!(r["cost_usd"], "0.00472");
    assert_eq!(r["priced"], true);
    assert!(r["ttft_ms"].is_null());
    assert!(r["latency_ms"].as_f64().is_some());
    let fields: Vec<&str> = r
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "request_id",
            "provider_request_id",
            "key_hint",
            "started_at",
            "ended_at",
            "provider",
            "endpoint",
            "model_requested",
            "model",
            "use_case",
            "user",
            "tags",
            "status",
            "outcome",
            "stream",
            "input_tokens",
            "cached_input_tokens",
            "cache_write_tokens",
            "cache_write_1h_tokens",
            "output_tokens",
            "reasoning_tokens",
            "cost_usd",
            "priced",
            "latency_ms",
            "ttft_ms"
        ]
    );
}

const CHUNK_1: &str = "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}],\"usage\":null}\n\n";
const CHUNK_2: &str = "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
const USAGE_A: &str = "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],";
const USAGE_B: &str = "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":50,\"total_tokens\":1050,\"prompt_tokens_details\":{\"cached_tokens\":200},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n";
const DONE: &str = "data: [DONE]\n\n";

fn chat_stream() -> Script {
    Script::sse(vec![
        Step::Send(CHUNK_1),
        Step::Send(CHUNK_2),
        Step::Send(USAGE_A),
        Step::Send(USAGE_B),
        Step::Send(DONE),
    ])
}

#[tokio::test]
async fn chat_stream_without_include_usage_gets_it_injected_and_stripped() {
    let fake = Fake::start();
    fake.script("stream", chat_stream());
    let mut p = Proxy::start(fake.url(), "");
    let body = json!({"model": "gpt-4o-mini", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let resp = post(&p, "/v1/chat/completions", "stream", &body).await;
    let id = request_id(&resp);
    assert!(resp.headers().get("content-length").is_none());
    let got = resp.text().await.expect("body");
    assert_eq!(got, format!("{CHUNK_1}{CHUNK_2}{DONE}"));
    let sent = fake.received()[0].json();
    assert_eq!(sent["stream_options"], json!({"include_usage": true}));
    assert_eq!(sent["messages"], body["messages"]);

    let records = p.stop();
    let r = by_id(&records, &id);
    assert_eq!(r["stream"], true);
    assert_eq!(r["outcome"], "ok");
    assert_eq!(r["model"], "gpt-4o-mini-2024-07-18");
    assert_eq!(
        (
            r["input_tokens"].clone(),
            r["cached_input_tokens"].clone(),
            r["output_tokens"].clone()
        ),
        (json!(1000), json!(200), json!(50))
    );
    // gpt-4o-mini: 800 x 0.15 + 200 x 0.075 + 50 x 0.60 per million.
    assert_eq!(r["cost_usd"], "0.000165");
    assert!(r["ttft_ms"].as_f64().is_some());
}

#[tokio::test]
async fn chat_stream_with_include_usage_is_byte_for_byte() {
    let fake = Fake::start();
    fake.script("stream", chat_stream());
    let mut p = Proxy::start(fake.url(), "");
    let raw = r#"{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#;
    let resp = client()
        .post(p.url("/openai/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("x-fake-scenario", "stream")
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("send");
    let id = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), chat_stream().bytes());
    assert_eq!(fake.received()[0].body, raw.as_bytes());
    let records = p.stop();
    assert_eq!(by_id(&records, &id)["cost_usd"], "0.000165");
}

fn responses_event(kind: &str) -> String {
    format!("event: {kind}\ndata: {{\"type\":\"{kind}\",\"sequence_number\":42,\"response\":{{\"id\":\"resp_1\",\"object\":\"response\",\"model\":\"gpt-5.5-2026-04-23\",\"status\":\"x\",\"usage\":{{\"input_tokens\":1200,\"input_tokens_details\":{{\"cached_tokens\":1024,\"cache_write_tokens\":0}},\"output_tokens\":300,\"output_tokens_details\":{{\"reasoning_tokens\":192}},\"total_tokens\":1500}}}}}}\n\n")
}

#[tokio::test]
async fn responses_api_json_and_terminal_events() {
    let fake = Fake::start();
    let created = "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"model\":\"gpt-5.5-2026-04-23\",\"usage\":null}}\n\n";
    let delta = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"delta\":\"Hi\"}\n\n";
    for kind in [
        "response.completed",
        "response.incomplete",
        "response.failed",
    ] {
        fake.script(
            kind,
            Script::sse(vec![
                Step::Send(created),
                Step::Send(delta),
                Step::SendOwned(responses_event(kind)),
            ]),
        );
    }
    let flex = r#"{"id":"resp_2","object":"response","model":"gpt-5.5-2026-04-23","service_tier":"flex","usage":{"input_tokens":1200,"input_tokens_details":{"cached_tokens":1024},"output_tokens":300,"output_tokens_details":{"reasoning_tokens":192},"total_tokens":1500}}"#;
    fake.script("flex", Script::json(200, flex));
    let mut p = Proxy::start(fake.url(), "");
    let mut ids = Vec::new();
    for kind in [
        "response.completed",
        "response.incomplete",
        "response.failed",
    ] {
        let resp = post(
            &p,
            "/openai/v1/responses",
            kind,
            &json!({"model": "gpt-5.5", "stream": true, "input": "hi"}),
        )
        .await;
        ids.push(request_id(&resp));
        let got = resp.text().await.expect("body");
        assert_eq!(got, format!("{created}{delta}{}", responses_event(kind)));
    }
    // No stream_options on the Responses API.
    assert!(fake
        .received()
        .iter()
        .all(|r| r.json().get("stream_options").is_none()));
    let resp = post(
        &p,
        "/openai/v1/responses",
        "flex",
        &json!({"model": "gpt-5.5", "input": "hi", "service_tier": "flex"}),
    )
    .await;
    let flex_id = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), flex);

    let records = p.stop();
    for (id, outcome) in ids.iter().zip(["ok", "ok", "upstream_error"]) {
        let r = by_id(&records, id);
        assert_eq!(r["outcome"], outcome, "{r}");
        assert_eq!(r["provider_request_id"], "resp_1");
        assert_eq!(r["reasoning_tokens"], 192);
        // gpt-5.5: 176 x 5.00 + 1024 x 0.50 + 300 x 30.00 per million.
        assert_eq!(r["cost_usd"], "0.010392", "{r}");
    }
    // Flex: 176 x 2.50 + 1024 x 0.25 + 300 x 15.00 per million.
    assert_eq!(by_id(&records, &flex_id)["cost_usd"], "0.005196");
}

#[tokio::test]
async fn embeddings_and_pass_through_endpoints() {
    let fake = Fake::start();
    let emb = r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292,1e-7]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":1000,"total_tokens":1000}}"#;
    fake.script("emb", Script::json(200, emb));
    let models = r#"{"object":"list","data":[{"id":"gpt-4o","object":"model"}]}"#;
    fake.script("models", Script::json(200, models));
    let unpriced = r#"{"id":"chatcmpl-9","model":"gpt-unknown-7","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}"#;
    fake.script("unpriced", Script::json(200, unpriced));
    let mut p = Proxy::start(fake.url(), "");
    let resp = post(
        &p,
        "/openai/v1/embeddings",
        "emb",
        &json!({"model": "text-embedding-3-small", "input": "x"}),
    )
    .await;
    let emb_id = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), emb);
    let resp = client()
        .get(p.url("/v1/models"))
        .bearer_auth(KEY)
        .header("x-fake-scenario", "models")
        .send()
        .await
        .expect("send");
    let models_id = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), models);
    let resp = post(
        &p,
        "/v1/chat/completions",
        "unpriced",
        &json!({"model": "gpt-unknown-7"}),
    )
    .await;
    let unpriced_id = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), unpriced);

    let records = p.stop();
    let r = by_id(&records, &emb_id);
    assert_eq!(
        (r["input_tokens"].clone(), r["output_tokens"].clone()),
        (json!(1000), json!(0))
    );
    assert_eq!(r["cost_usd"], "0.00002");
    let r = by_id(&records, &models_id);
    assert_eq!(
        (
            r["endpoint"].clone(),
            r["outcome"].clone(),
            r["priced"].clone()
        ),
        (json!("/v1/models"), json!("ok"), json!(false))
    );
    assert!(r["input_tokens"].is_null() && r["cost_usd"].is_null());
    let r = by_id(&records, &unpriced_id);
    assert_eq!(r["priced"], false);
    assert!(r["cost_usd"].is_null());
    assert_eq!(
        (r["input_tokens"].clone(), r["output_tokens"].clone()),
        (json!(10), json!(5))
    );
}

#[tokio::test]
async fn upstream_errors_reach_the_client_exactly() {
    let fake = Fake::start();
    let rate = r#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#;
    fake.script(
        "429",
        Script::json(429, rate)
            .header("retry-after", "7")
            .header("x-request-id", "req_429"),
    );
    let server = r#"{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}"#;
    fake.script("500", Script::json(500, server));
    let mid = "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";
    fake.script(
        "mid",
        Script::sse(vec![Step::Send(CHUNK_1), Step::Send(mid)]),
    );
    let mut p = Proxy::start(fake.url(), "");
    let body = json!({"model": "gpt-4o"});
    let resp = post(&p, "/v1/chat/completions", "429", &body).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    let id429 = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), rate);
    let resp = post(&p, "/v1/chat/completions", "500", &body).await;
    assert_eq!(resp.status(), 500);
    let id500 = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), server);
    let resp = post(
        &p,
        "/v1/chat/completions",
        "mid",
        &json!({"model": "gpt-4o-mini", "stream": true}),
    )
    .await;
    let mid_id = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), format!("{CHUNK_1}{mid}"));

    let records = p.stop();
    let r = by_id(&records, &id429);
    assert_eq!(
        (r["status"].clone(), r["outcome"].clone()),
        (json!(429), json!("upstream_error"))
    );
    assert_eq!(r["provider_request_id"], "req_429");
    assert_eq!(by_id(&records, &id500)["outcome"], "upstream_error");
    let r = by_id(&records, &mid_id);
    assert_eq!(
        (r["status"].clone(), r["outcome"].clone()),
        (json!(200), json!("upstream_error"))
    );
    assert_eq!(r["model"], "gpt-4o-mini-2024-07-18");
}

#[tokio::test]
async fn a_paced_event_reaches_the_client_before_the_next_is_sent() {
    let fake = Fake::start();
    fake.script(
        "paced",
        Script::sse(vec![
            Step::Send(CHUNK_1),
            Step::Gate,
            Step::Send(CHUNK_2),
            Step::Gate,
            Step::Send(USAGE_A),
            Step::Send(USAGE_B),
            Step::Send(DONE),
        ]),
    );
    fake.script(
        "slow",
        Script::sse(vec![
            Step::Sleep(Duration::from_millis(300)),
            Step::Send(CHUNK_1),
            Step::Send(DONE),
        ]),
    );
    let mut p = Proxy::start(fake.url(), "");
    let mut resp = post(
        &p,
        "/v1/chat/completions",
        "paced",
        &json!({"model": "gpt-4o-mini", "stream": true}),
    )
    .await;
    let id = request_id(&resp);
    // The upstream sends the next event only after the client has this one: a proxy that
    // buffered would never deliver it (the wait would time out).
    let wait = Duration::from_secs(10);
    let first = tokio::time::timeout(wait, resp.chunk())
        .await
        .expect("first event arrives")
        .expect("chunk");
    assert_eq!(first.as_deref(), Some(CHUNK_1.as_bytes()));
    fake.release(1);
    let second = tokio::time::timeout(wait, resp.chunk())
        .await
        .expect("second event arrives")
        .expect("chunk");
    assert_eq!(second.as_deref(), Some(CHUNK_2.as_bytes()));
    fake.release(1);
    let mut rest = Vec::new();
    while let Some(c) = resp.chunk().await.expect("chunk") {
        rest.extend_from_slice(&c);
    }
    assert_eq!(rest, DONE.as_bytes());
    let resp = post(
        &p,
        "/v1/chat/completions",
        "slow",
        &json!({"model": "gpt-4o-mini", "stream": true, "stream_options": {"include_usage": true}}),
    )
    .await;
    let slow_id = request_id(&resp);
    assert_eq!(resp.text().await.expect("body"), format!("{CHUNK_1}{DONE}"));

    let records = p.stop();
    assert_eq!(by_id(&records, &id)["cost_usd"], "0.000165");
    let r = by_id(&records, &slow_id);
    assert_eq!(r["outcome"], "usage_missing");
    assert!(r["cost_usd"].is_null());
    assert!(r["ttft_ms"].as_f64().expect("ttft") >= 300.0, "{r}");
}

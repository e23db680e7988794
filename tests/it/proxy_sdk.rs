//! The official SDKs end to end: the `openai` and `anthropic` Python packages (exact pins,
//! installed by `.ci/run`) talk to the fake upstream through the real `tollgate proxy` with
//! only `base_url` changed, streamed and not; their results and the spool are checked.

use serde_json::{json, Value};

use super::fake_llm::{Fake, Script, Step};
use super::proxy_harness::{by_id, Proxy};

/// The versions `.ci/run` installs.
const OPENAI: &str = "3.63.0";
const ANTHROPIC: &str = "2.17.0";

/// Whether python3 has the pinned SDKs; skips with a message (fails under
/// TOLLGATE_REQUIRE_TOOLS=1) when not.
pub fn sdks_installed() -> bool {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import openai, anthropic; print(openai.__version__, anthropic.__version__)",
        ])
        .output();
    let found = out
        .as_ref()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if found == format!("{OPENAI} {ANTHROPIC}") {
        return true;
    }
    let hint = format!(
        "the pinned SDKs are not installed (found '{found}'): `python3 -m pip install openai=={OPENAI} anthropic=={ANTHROPIC}` (.ci/run installs them)"
    );
    assert!(
        std::env::var("TOLLGATE_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "{hint}"
    );
    eprintln!("SKIPPED: {hint}");
    false
}

#[test]
fn official_sdks_work_through_the_proxy() {
    if !sdks_installed() {
        return;
    }
    let fake = Fake::start();
    fake.script("chat", Script::json(200, r#"{"id":"chatcmpl-s","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fake"},"finish_reason":"stop","logprobs":null}],"usage":{"prompt_tokens":12,"completion_tokens":4,"total_tokens":16}}"#));
    let chunk = |content: &str| {
        format!("data: {{\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{content}\"}},\"finish_reason\":null}}],\"usage\":null}}\n\n")
    };
    fake.script("chat-stream", Script::sse(vec![
        Step::SendOwned(chunk("Str")),
        Step::SendOwned(chunk("eamed")),
        Step::Send("data: {\"id\":\"chatcmpl-t\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}\n\n"),
        Step::Send("data: [DONE]\n\n"),
    ]));
    fake.script("emb", Script::json(200, r#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":1,"total_tokens":1}}"#));
    fake.script("msg", Script::json(200, r#"{"id":"msg_s","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"text","text":"Hi from Claude"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":3}}"#));
    fake.script("msg-stream", Script::sse(vec![
        Step::Send("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_t\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-6\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":11,\"output_tokens\":1}}}\n\n"),
        Step::Send("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"),
        Step::Send("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Streamed Claude\"}}\n\n"),
        Step::Send("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"),
        Step::Send("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":6}}\n\n"),
        Step::Send("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"),
    ]));
    let mut p = Proxy::start(
        fake.url(),
        "[[use_cases]]\nid = \"bot\"\nname = \"Bot\"\nkind = \"pilot\"\n",
    );
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/fixtures/proxy_sdk.py"
    );
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(format!("http://{}", p.addr))
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).expect("script output");
    assert_eq!(got["chat"]["text"], "Hello from the fake");
    assert_eq!(got["chat"]["prompt_tokens"], 12);
    // The client never asked for usage, so it never sees the usage chunk.
    assert_eq!(
        got["chat_stream"],
        json!({"text": "Streamed", "usage_chunks": 0})
    );
    assert_eq!(got["embeddings"], json!({"dims": 3, "tokens": 1}));
    assert_eq!(got["openai_refused"]["status"], 400);
    assert!(got["openai_refused"]["message"]
        .as_str()
        .expect("m")
        .contains("valid ids: bot"));
    assert_eq!(
        got["messages"],
        json!({"text": "Hi from Claude", "input_tokens": 9})
    );
    assert_eq!(
        got["messages_stream"],
        json!({"text": "Streamed Claude", "output_tokens": 6})
    );
    assert_eq!(got["anthropic_refused"]["status"], 400);

    let records = p.stop();
    assert_eq!(records.len(), 7, "{records:#?}");
    let chat = by_id(&records, got["chat"]["request_id"].as_str().expect("id"));
    assert_eq!(chat["use_case"], "bot");
    assert_eq!(chat["user"].as_str().map(str::len), Some(64));
    assert_eq!(chat["cost_usd"], "0.00007");
    let stream = records
        .iter()
        .find(|r| r["provider_request_id"] == "chatcmpl-t")
        .expect("stream record");
    assert_eq!(
        (
            stream["input_tokens"].clone(),
            stream["output_tokens"].clone(),
            stream["outcome"].clone()
        ),
        (json!(7), json!(2), json!("ok"))
    );
    let msg = records
        .iter()
        .find(|r| r["provider_request_id"] == "msg_t")
        .expect("message stream record");
    assert_eq!(
        (msg["input_tokens"].clone(), msg["output_tokens"].clone()),
        (json!(11), json!(6))
    );
    let msg = records
        .iter()
        .find(|r| r["provider_request_id"] == "msg_s")
        .expect("message record");
    assert_eq!(
        msg["user"], chat["user"],
        "the same person gets the same pseudonym"
    );
}

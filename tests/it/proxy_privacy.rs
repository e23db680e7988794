//! Privacy: a canary string in every request body, the end user's id and the provider key
//! must appear nowhere in the spool, the log file or stderr; user ids reach the provider and
//! the spool only as HMAC-SHA256(secret, id), the same whichever field carried them; tollgate's
//! headers never reach the provider.

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use super::fake_llm::{Fake, Script, Step};
use super::proxy_harness::{by_id, post, request_id, Proxy, SECRET};

const CANARY: &str = "CANARY-7f3a9c-prompt-text";
const USER: &str = "alice.canary@example.com";
const KEY: &str = "sk-canary-key-000111222333444555";
const BEARER: &str = "Bearer sk-canary-key-000111222333444555";

fn hmac_hex(id: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    m.update(id.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

#[tokio::test]
async fn no_content_user_id_or_key_leaves_the_proxy() {
    let fake = Fake::start();
    let chat = format!(
        r#"{{"id":"chatcmpl-c","model":"gpt-4o-2024-08-06","choices":[{{"message":{{"content":"{CANARY}"}}}}],"usage":{{"prompt_tokens":5,"completion_tokens":5}}}}"#
    );
    fake.script("chat", Script::json(200, &chat));
    let msg = format!("event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"id\":\"msg_c\",\"model\":\"claude-haiku-4-5\",\"usage\":{{\"input_tokens\":5,\"output_tokens\":1}}}}}}\n\nevent: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"delta\":{{\"text\":\"{CANARY}\"}}}}\n\nevent: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n");
    fake.script("msg", Script::sse(vec![Step::SendOwned(msg)]));
    let bad = format!(
        r#"{{"error":{{"message":"bad {CANARY}","type":"invalid_request_error","param":null,"code":null}}}}"#
    );
    fake.script("bad", Script::json(400, &bad));
    let mut p = Proxy::start_with(fake.url(), "", &[("TOLLGATE_LOG", "trace")]);
    let pseudonym = hmac_hex(USER);
    let mut ids = Vec::new();

    // The id in the header only.
    let r = post(
        &p,
        "/openai/v1/chat/completions",
        &[
            ("authorization", BEARER),
            ("x-fake-scenario", "chat"),
            ("x-tollgate-user", USER),
        ],
        &json!({"model": "gpt-4o", "messages": [{"role": "user", "content": CANARY}]}),
    )
    .await;
    ids.push(request_id(&r));
    assert!(r.text().await.expect("body").contains(CANARY));
    // In OpenAI's body fields.
    let r = post(&p, "/openai/v1/chat/completions", &[("authorization", BEARER), ("x-fake-scenario", "chat")], &json!({"model": "gpt-4o", "user": USER, "safety_identifier": USER, "messages": [{"role": "user", "content": CANARY}]})).await;
    ids.push(request_id(&r));
    r.text().await.expect("body");
    // In Anthropic's metadata, streamed.
    let r = post(&p, "/anthropic/v1/messages", &[("x-api-key", KEY), ("x-fake-scenario", "msg")], &json!({"model": "claude-haiku-4-5", "stream": true, "metadata": {"user_id": USER}, "system": CANARY, "messages": [{"role": "user", "content": CANARY}]})).await;
    ids.push(request_id(&r));
    assert!(r.text().await.expect("body").contains(CANARY));
    // An upstream error quoting the prompt, and a refused request.
    let r = post(
        &p,
        "/v1/chat/completions",
        &[
            ("authorization", BEARER),
            ("x-fake-scenario", "bad"),
            ("x-tollgate-user", USER),
        ],
        &json!({"model": "gpt-4o", "messages": [{"role": "user", "content": CANARY}]}),
    )
    .await;
    assert_eq!(r.status(), 400);
    r.text().await.expect("body");
    let r = post(
        &p,
        "/v1/chat/completions",
        &[
            ("authorization", BEARER),
            ("x-tollgate-use-case", "nope"),
            ("x-tollgate-user", USER),
        ],
        &json!({"messages": [{"role": "user", "content": CANARY}]}),
    )
    .await;
    assert_eq!(r.status(), 400);
    r.text().await.expect("body");

    // What the provider saw: pseudonyms in place of the id, everything else as sent.
    let received = fake.received();
    assert!(received.iter().all(|r| r
        .headers
        .iter()
        .all(|(k, v)| !k.starts_with("x-tollgate-") && !v.contains(USER))));
    let b = received[1].json();
    assert_eq!(
        (b["user"].as_str(), b["safety_identifier"].as_str()),
        (Some(pseudonym.as_str()), Some(pseudonym.as_str()))
    );
    assert_eq!(b["messages"][0]["content"], CANARY);
    let b = received[2].json();
    assert_eq!(b["metadata"]["user_id"], pseudonym);
    assert_eq!(b["system"], CANARY);
    assert!(received
        .iter()
        .all(|r| !String::from_utf8_lossy(&r.body).contains(USER)));
    assert_eq!(
        received[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );

    let records = p.stop();
    assert_eq!(records.len(), 5);
    for id in &ids {
        assert_eq!(by_id(&records, id)["user"], pseudonym);
    }
    let spool: String = tollgate::proxy::spool::files(&p.spool)
        .expect("files")
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("read"))
        .collect();
    let log = p.log();
    let stderr = p.stderr();
    assert!(log.contains("proxy listening"), "the log is written: {log}");
    for (what, text) in [("spool", &spool), ("log", &log), ("stderr", &stderr)] {
        for secret in [CANARY, USER, KEY, SECRET] {
            assert!(
                !text.contains(secret),
                "{secret} leaked into the {what}: {text}"
            );
        }
    }
}

//! Spool durability and exactness: SIGTERM writes and syncs everything and exits 0, `kill -9`
//! leaves a spool every line of which reads (only a last line can be partial), and 200
//! parallel streams are recorded exactly once each.

use std::collections::HashSet;

use serde_json::json;

use super::fake_llm::{Fake, Script, Step};
use super::proxy_harness::{post, request_id, Proxy};

const EVENTS: &str = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_p\",\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":100,\"output_tokens\":1}}}\n\n";
const END: &str = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":20}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

#[tokio::test]
async fn two_hundred_parallel_streams_are_recorded_exactly_once() {
    parallel_streams("").await;
}

/// The same on the multi-thread runtime (more than one worker).
#[tokio::test]
async fn two_hundred_parallel_streams_on_two_workers() {
    parallel_streams("worker_threads = 2").await;
}

async fn parallel_streams(extra: &str) {
    let fake = Fake::start();
    fake.script(
        "s",
        Script::sse(vec![
            Step::Send(EVENTS),
            Step::Sleep(std::time::Duration::from_millis(50)),
            Step::Send(END),
        ]),
    );
    let mut p = Proxy::start(fake.url(), extra);
    let c = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let c = c.clone();
        let url = p.url("/v1/messages");
        tasks.push(tokio::spawn(async move {
            let r = c
                .post(url)
                .header("x-api-key", "sk-ant-api03-parallel-0000")
                .header("x-fake-scenario", "s")
                .json(&json!({"model": "claude-haiku-4-5", "stream": true}))
                .send()
                .await
                .expect("send");
            let id = request_id(&r);
            assert_eq!(r.text().await.expect("body"), format!("{EVENTS}{END}"));
            id
        }));
    }
    let mut ids = HashSet::new();
    for t in tasks {
        assert!(ids.insert(t.await.expect("task")));
    }
    let records = p.stop();
    assert_eq!(records.len(), 200);
    let recorded: HashSet<String> = records
        .iter()
        .map(|r| r["request_id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(recorded, ids);
    // claude-haiku-4-5: 100 x 1 + 20 x 5 per million.
    assert!(records
        .iter()
        .all(|r| r["outcome"] == "ok" && r["cost_usd"] == "0.0002"));
}

#[tokio::test]
async fn kill_9_leaves_a_readable_spool_and_sigterm_flushes() {
    let fake = Fake::start();
    let body =
        r#"{"id":"c","model":"gpt-4o-mini","usage":{"prompt_tokens":1,"completion_tokens":1}}"#;
    fake.script("j", Script::json(200, body));
    let mut p = Proxy::start(fake.url(), "");
    for _ in 0..50 {
        let r = post(
            &p,
            "/v1/chat/completions",
            &[("x-fake-scenario", "j")],
            &json!({"model": "gpt-4o-mini"}),
        )
        .await;
        r.text().await.expect("body");
    }
    // Handed to the spool before the kill: every answered request is written within an interval.
    let before = p.wait_records(50);
    assert_eq!(before.len(), 50);
    let st = p.signal("KILL");
    assert!(!st.success());
    let files = tollgate::proxy::spool::files(&p.spool).expect("files");
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let complete = text.rsplit_once('\n').map_or("", |(a, _)| a);
        for line in complete.lines() {
            serde_json::from_str::<serde_json::Value>(line).expect("every complete line parses");
        }
    }
    assert_eq!(p.records().len(), 50);

    // A new instance writes its own file beside the old one; SIGTERM flushes it.
    let mut p2 = Proxy::start(fake.url(), "");
    let r = post(
        &p2,
        "/v1/chat/completions",
        &[("x-fake-scenario", "j")],
        &json!({"model": "gpt-4o-mini"}),
    )
    .await;
    let id = request_id(&r);
    r.text().await.expect("body");
    let records = p2.stop();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["request_id"], id);
    let name = tollgate::proxy::spool::files(&p2.spool).expect("files")[0]
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("requests-")
            && name.ends_with(".jsonl")
            && name.len() == "requests-YYYYMMDDHH-12345678.jsonl".len(),
        "{name}"
    );
}

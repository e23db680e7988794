//! Gates that act, through the real proxy process and the real CLI: a pause decided with
//! `tollgate gates decide use-case:ID` refuses the use case's next requests within a second
//! (both providers' shapes, streamed or not, nothing sent upstream), `resumed` lets them flow,
//! a monthly cap holds under 200 concurrent requests, a corrupted control file leaves the last
//! good one in force (and `doctor` says so), and the official SDK does not retry a refusal.

use std::process::Output;
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::common::{focus_csv, focus_line};
use super::fake_llm::{Fake, Script, Step};
use super::proxy_harness::{self as harness, request_id, Proxy};

const KEY: &str = "sk-proj-0123456789abcdefWXYZ";

const USE_CASES: &str = r#"
[[use_cases]]
id = "bot"
name = "Support bot"
kind = "pilot"

[[use_cases]]
id = "search"
name = "Search"
kind = "feature"
"#;

const CHAT_JSON: &str = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"#;
const MSG_JSON: &str = r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":3}}"#;

/// The real binary on the proxy's config, with a DB in its temp dir.
fn tollgate(p: &Proxy, args: &[&str]) -> Output {
    harness::command(&p.env)
        .arg("--config")
        .arg(p.env.path("tollgate.toml"))
        .arg("--db")
        .arg(p.env.db())
        .args(args)
        .output()
        .expect("run tollgate")
}

fn decide(p: &Proxy, use_case: &str, decision: &str) -> String {
    let target = format!("use-case:{use_case}");
    let out = tollgate(
        p,
        &[
            "gates",
            "decide",
            &target,
            "--decision",
            decision,
            "--by",
            "ana",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

async fn chat(p: &Proxy, use_case: &str, stream: bool) -> reqwest::Response {
    let auth = format!("Bearer {KEY}");
    harness::post(
        p,
        "/openai/v1/chat/completions",
        &[
            ("authorization", &auth),
            ("x-fake-scenario", "chat"),
            ("x-tollgate-use-case", use_case),
        ],
        &json!({"model": "gpt-4o", "stream": stream, "messages": [{"role": "user", "content": "hello"}]}),
    )
    .await
}

/// Sends chat requests for `use_case` until one answers `status`, for at most one second;
/// returns that response and every status seen.
async fn until_status(p: &Proxy, use_case: &str, status: u16) -> (reqwest::Response, Vec<u16>) {
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut seen = Vec::new();
    loop {
        let resp = chat(p, use_case, false).await;
        seen.push(resp.status().as_u16());
        if resp.status() == status {
            return (resp, seen);
        }
        assert!(
            Instant::now() < deadline,
            "no {status} within 1 s of the decision (saw {seen:?}); log: {}",
            p.log()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn assert_refusal_headers(resp: &reqwest::Response) {
    assert_eq!(resp.status(), 429);
    let h = resp.headers();
    assert_eq!(h["x-should-retry"], "false");
    assert!(h.get("retry-after").is_none() && h.get("retry-after-ms").is_none());
    assert_eq!(h["content-type"], "application/json");
    assert!(h.get("x-tollgate-request-id").is_some());
}

#[tokio::test]
async fn a_pause_decided_in_the_cli_refuses_within_a_second_and_resumed_lets_traffic_flow() {
    let fake = Fake::start();
    fake.script("chat", Script::json(200, CHAT_JSON));
    fake.script("msg", Script::json(200, MSG_JSON));
    let mut p = Proxy::start(fake.url(), USE_CASES);
    assert_eq!(chat(&p, "bot", false).await.status(), 200);

    let said = decide(&p, "bot", "paused");
    assert!(said.contains("use-case:bot paused by ana"), "{said}");
    assert!(said.contains("control file"), "{said}");
    let (resp, seen) = until_status(&p, "bot", 429).await;
    let passed_before = seen.iter().filter(|s| **s == 200).count();
    assert_refusal_headers(&resp);
    let refused_id = request_id(&resp);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["error"]["type"], "insufficient_quota");
    assert_eq!(body["error"]["code"], "tollgate_use_case_paused");
    assert_eq!(body["error"]["param"], Value::Null);
    let message = body["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("'bot' is paused") && message.contains("ana"),
        "{message}"
    );

    // Streamed: the same JSON refusal, before any event.
    let resp = chat(&p, "bot", true).await;
    assert_refusal_headers(&resp);
    let body: Value = resp.json().await.expect("a JSON body, not an event stream");
    assert_eq!(body["error"]["code"], "tollgate_use_case_paused");

    // Anthropic's shape on its route.
    let resp = harness::post(
        &p,
        "/anthropic/v1/messages",
        &[
            ("x-api-key", KEY),
            ("x-fake-scenario", "msg"),
            ("x-tollgate-use-case", "bot"),
        ],
        &json!({"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_refusal_headers(&resp);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "rate_limit_error");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("'bot' is paused")));

    // Nothing refused reached the provider; another use case still flows.
    assert_eq!(fake.received().len(), 1 + passed_before);
    assert_eq!(chat(&p, "search", false).await.status(), 200);

    decide(&p, "bot", "resumed");
    let (resp, _) = until_status(&p, "bot", 200).await;
    assert_eq!(resp.text().await.expect("body"), CHAT_JSON);

    let records = p.stop();
    let refused: Vec<&Value> = records
        .iter()
        .filter(|r| r["outcome"] == "refused")
        .collect();
    assert!(refused.len() >= 3, "{records:#?}");
    for r in &refused {
        assert_eq!(r["use_case"], "bot");
        assert_eq!(r["status"], 429);
        assert_eq!(r["cost_usd"], Value::Null);
    }
    assert!(refused
        .iter()
        .any(|r| r["request_id"] == refused_id.as_str()));
    assert!(refused.iter().any(|r| r["stream"] == true));
}

/// gpt-4o-mini is listed in the standard tier only, so a response that uses exactly the
/// request's bytes as prompt tokens and its `max_tokens` as output costs its worst case.
const MAX_TOKENS: u64 = 500;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cap_is_never_overshot_by_200_concurrent_requests() {
    let body = json!({"model": "gpt-4o-mini", "max_tokens": MAX_TOKENS, "messages": [{"role": "user", "content": "x".repeat(900)}]});
    let bytes = serde_json::to_vec(&body).expect("body").len() as u64;
    let usage = format!(
        r#"{{"id":"chatcmpl-c","object":"chat.completion","created":1,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{{"prompt_tokens":{bytes},"completion_tokens":{MAX_TOKENS},"total_tokens":{}}}}}"#,
        bytes + MAX_TOKENS
    );
    let fake = Fake::start();
    // Slow enough that many requests are in flight at once.
    fake.script(
        "chat",
        Script {
            status: 200,
            content_type: "application/json",
            headers: vec![],
            steps: vec![
                Step::Sleep(Duration::from_millis(30)),
                Step::SendOwned(usage),
            ],
        },
    );
    // Per request: bytes x $0.15 + 500 x $0.60 per million tokens.
    let each = (Decimal::from(bytes) * Decimal::new(15, 2)
        + Decimal::from(MAX_TOKENS * 60) / Decimal::from(100))
        / Decimal::from(1_000_000);
    let cap = Decimal::new(1, 2); // $0.01: room for 22 of them.
    let fits = (cap / each).floor();
    let focus = super::common::Env::new();
    let files = focus.write(
        "bill.csv",
        &focus_csv(&[focus_line(
            "1.00",
            "2026-11-02",
            "OpenAI",
            "OpenAI API",
            "proj",
            "{}",
        )]),
    );
    let extra = format!(
        "{USE_CASES}monthly_cap_usd = {cap}\n[sources.bill]\nkind = \"focus\"\npath = \"{}\"\n",
        files.display()
    );
    let mut p = Proxy::start(fake.url(), &extra);
    // The cap reaches the gateway with the next sync.
    let out = tollgate(&p, &["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("control file"));
    let deadline = Instant::now() + Duration::from_secs(1);
    while !p.log().contains("control file applied") {
        assert!(Instant::now() < deadline, "cap not applied: {}", p.log());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let client = reqwest::Client::new();
    let url = p.url("/openai/v1/chat/completions");
    let sends = (0..200).map(|_| {
        client
            .post(&url)
            .bearer_auth(KEY)
            .header("x-fake-scenario", "chat")
            .header("x-tollgate-use-case", "search")
            .json(&body)
            .send()
    });
    let answers = futures::future::join_all(sends).await;
    let mut ok = 0;
    let mut refused = 0;
    for a in answers {
        let resp = a.expect("send");
        match resp.status().as_u16() {
            200 => {
                // Read to the end: a client that leaves early is recorded client_closed, and
                // its reservation stays spent (the provider may bill it).
                resp.bytes().await.expect("body");
                ok += 1;
            }
            429 => {
                refused += 1;
                let b: Value = resp.json().await.expect("json");
                assert_eq!(b["error"]["code"], "tollgate_use_case_over_cap");
                assert!(b["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("cap of $0.01")));
            }
            s => panic!("unexpected status {s}"),
        }
    }
    assert_eq!(ok + refused, 200);
    assert_eq!(
        Decimal::from(ok),
        fits,
        "every request that fits goes, no more"
    );
    assert_eq!(fake.received().len(), ok);

    let records = p.stop();
    let spent: Decimal = records
        .iter()
        .filter(|r| r["use_case"] == "search")
        .filter_map(|r| r["cost_usd"].as_str())
        .map(|c| c.parse::<Decimal>().expect("decimal"))
        .sum();
    assert!(spent <= cap, "spent {spent} over the cap {cap}");
    assert_eq!(spent, each * fits);
    let recorded_refused = records.iter().filter(|r| r["outcome"] == "refused").count();
    assert_eq!(recorded_refused, refused);
}

#[tokio::test]
async fn a_control_file_that_cannot_be_parsed_leaves_the_last_good_one_in_force() {
    let fake = Fake::start();
    fake.script("chat", Script::json(200, CHAT_JSON));
    let p = Proxy::start(fake.url(), USE_CASES);
    decide(&p, "bot", "paused");
    until_status(&p, "bot", 429).await;

    let control = p.spool.join("control.json");
    std::fs::write(&control, "{\"version\": 1, \"generation\": 9, \"use_ca").expect("corrupt");
    let deadline = Instant::now() + Duration::from_secs(1);
    while !p.log().contains("cannot be parsed") {
        assert!(Instant::now() < deadline, "not noticed: {}", p.log());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(p.log().contains("keeping the last good control file"));
    assert_eq!(chat(&p, "bot", false).await.status(), 429);

    let out = tollgate(&p, &["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("control.json cannot be parsed (line 1"),
        "{text}"
    );
    assert!(text.contains("keeps the last good control file"), "{text}");
    let out = tollgate(&p, &["doctor", "--json"]);
    let facts: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(facts["proxy_control"]["error"]
        .as_str()
        .is_some_and(|e| e.contains("cannot be parsed")));

    // The next decision writes a good file again, with a newer generation than any before.
    decide(&p, "bot", "resumed");
    until_status(&p, "bot", 200).await;
    let c: Value = serde_json::from_slice(&std::fs::read(&control).expect("read")).expect("json");
    assert_eq!(c["generation"], 2);
    assert_eq!(c["use_cases"], json!({}));
}

#[test]
fn the_official_openai_sdk_does_not_retry_a_refusal() {
    if !super::proxy_sdk::sdks_installed() {
        return;
    }
    let fake = Fake::start();
    fake.script("chat", Script::json(200, CHAT_JSON));
    let mut p = Proxy::start(fake.url(), USE_CASES);
    decide(&p, "bot", "paused");
    let control = p.spool.join("control.json");
    assert!(control.exists());
    // Sent once the proxy logged the pause applied.
    let deadline = Instant::now() + Duration::from_secs(1);
    while !p.log().contains("paused=bot") {
        assert!(Instant::now() < deadline, "pause not applied: {}", p.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    let script = format!(
        r#"
import openai
c = openai.OpenAI(base_url="{}", api_key="{KEY}", max_retries=2, default_headers={{"x-tollgate-use-case": "bot", "x-fake-scenario": "chat"}})
try:
    c.chat.completions.create(model="gpt-4o", messages=[{{"role": "user", "content": "hi"}}])
    print("no error")
except openai.RateLimitError as e:
    print(type(e).__name__, e.status_code, e.code, e.type)
"#,
        p.url("/openai/v1")
    );
    let out = std::process::Command::new("python3")
        .args(["-c", &script])
        .output()
        .expect("python3");
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        said.trim(),
        "RateLimitError 429 tollgate_use_case_paused insufficient_quota",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = p.stop();
    assert_eq!(records.len(), 1, "the SDK retried: {records:#?}");
    assert_eq!(records[0]["outcome"], "refused");
    assert!(fake.received().is_empty());
}

//! The gateway's config and attribution through the real binary: unknown `[proxy]` keys,
//! use case headers checked against the config (400 in each provider's shape naming the header
//! and the valid ids), require_use_case, rules, tags, and `doctor`'s proxy section.

use serde_json::{json, Value};

use super::common::Env;
use super::fake_llm::{Fake, Script};
use super::proxy_harness::{by_id, command, post, request_id, Proxy};

const USE_CASES: &str = r#"
[[use_cases]]
id = "bot"
name = "Support bot"
kind = "pilot"

[[use_cases]]
id = "search"
name = "Search"
kind = "feature"

[[rules]]
use_case = "search"
match = { model = "text-embedding-*" }
"#;

#[test]
fn an_unknown_proxy_key_is_an_error_naming_it() {
    let env = Env::new();
    let cfg = env.write(
        "t.toml",
        "[proxy]\nlisten = \"127.0.0.1:0\"\nfsync_intervall_ms = 5\n",
    );
    let out = command(&env)
        .arg("proxy")
        .arg("--config")
        .arg(&cfg)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("t.toml:3: fsync_intervall_ms"), "{err}");
    let cfg = env.write("u.toml", "[proxy]\nopenai_url = \"api.openai.com\"\n");
    let out = command(&env)
        .arg("proxy")
        .arg("--config")
        .arg(&cfg)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("u.toml:2: proxy.openai_url"), "{err}");
}

#[tokio::test]
async fn use_case_header_rules_tags_and_require_use_case() {
    let fake = Fake::start();
    let emb = r#"{"object":"list","data":[],"model":"text-embedding-3-small","usage":{"prompt_tokens":3,"total_tokens":3}}"#;
    fake.script("emb", Script::json(200, emb));
    let mut p = Proxy::start(fake.url(), &format!("require_use_case = true\n{USE_CASES}"));

    // A wrong use case: 400 in the provider's shape, naming the header and the valid ids.
    let r = post(
        &p,
        "/openai/v1/chat/completions",
        &[("x-tollgate-use-case", "nope")],
        &json!({"model": "gpt-4o"}),
    )
    .await;
    assert_eq!(r.status(), 400);
    let bad_id = request_id(&r);
    let b: Value = r.json().await.expect("json");
    let m = b["error"]["message"].as_str().expect("message");
    assert!(
        m.contains("x-tollgate-use-case") && m.contains("valid ids: bot, search"),
        "{m}"
    );
    assert_eq!(b["error"]["type"], "invalid_request_error");
    assert!(b["error"]["param"].is_null() && b["error"]["code"].is_string());
    let r = post(
        &p,
        "/anthropic/v1/messages",
        &[("x-tollgate-use-case", "nope")],
        &json!({"model": "claude-haiku-4-5"}),
    )
    .await;
    assert_eq!(r.status(), 400);
    let b: Value = r.json().await.expect("json");
    assert_eq!(b["type"], "error");
    assert_eq!(b["error"]["type"], "invalid_request_error");
    assert!(b["error"]["message"]
        .as_str()
        .expect("m")
        .contains("valid ids: bot, search"));
    // Bad tags.
    let r = post(
        &p,
        "/v1/embeddings",
        &[("x-tollgate-tags", "team")],
        &json!({"model": "text-embedding-3-small"}),
    )
    .await;
    assert_eq!(r.status(), 400);
    // No header and no rule: refused before reaching the provider.
    let r = post(&p, "/v1/chat/completions", &[], &json!({"model": "gpt-4o"})).await;
    assert_eq!(r.status(), 400);
    let b: Value = r.json().await.expect("json");
    assert!(b["error"]["message"]
        .as_str()
        .expect("m")
        .contains("requires a use case"));
    assert_eq!(fake.received().len(), 0);
    // A rule gives the use case (model), tags are kept.
    let r = post(
        &p,
        "/v1/embeddings",
        &[("x-fake-scenario", "emb"), ("x-tollgate-tags", "env=prod")],
        &json!({"model": "text-embedding-3-small", "input": "x"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let ruled = request_id(&r);
    r.text().await.expect("body");

    let records = p.stop();
    assert_eq!(records.len(), 5);
    let r = by_id(&records, &bad_id);
    assert_eq!(
        (r["status"].clone(), r["outcome"].clone()),
        (json!(400), json!("refused"))
    );
    let r = by_id(&records, &ruled);
    assert_eq!(r["use_case"], "search");
    assert_eq!(r["tags"], json!({"env": "prod"}));
}

#[tokio::test]
async fn doctor_shows_the_proxy_and_its_spool() {
    let fake = Fake::start();
    fake.script(
        "j",
        Script::json(
            200,
            r#"{"id":"c","model":"gpt-4o-mini","usage":{"prompt_tokens":1,"completion_tokens":1}}"#,
        ),
    );
    let mut p = Proxy::start(fake.url(), "");
    let r = post(
        &p,
        "/v1/chat/completions",
        &[("x-fake-scenario", "j")],
        &json!({"model": "gpt-4o-mini"}),
    )
    .await;
    let id = request_id(&r);
    r.text().await.expect("body");
    p.stop();
    let out = command(&p.env)
        .args(["doctor", "--db"])
        .arg(p.env.db())
        .arg("--config")
        .arg(p.env.path("tollgate.toml"))
        .output()
        .expect("doctor");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("spool:   {} (1 files", p.spool.display())),
        "{text}"
    );
    assert!(text.contains(&id) && text.contains("gpt-4o-mini"), "{text}");
    assert!(
        text.contains("pseudonym secret from TOLLGATE_PROXY_KEY"),
        "{text}"
    );
    assert!(!text.contains(super::proxy_harness::SECRET));
}

/// Removes the proxy's keyring entry when the test ends, also when it fails.
struct KeyringEntry(tollgate::credentials::Keyring);

impl Drop for KeyringEntry {
    fn drop(&mut self) {
        let _ = self.0.delete(tollgate::proxy::pseudonym::SECRET_NAME);
    }
}

#[tokio::test]
async fn the_secret_is_created_in_the_keyring_once_and_doctor_warns_it_is_volatile() {
    use tollgate::credentials::{Backend, Keyring};
    let name = tollgate::proxy::pseudonym::SECRET_NAME;
    let Ok(k) = Keyring::open(Backend::Keyutils) else {
        eprintln!("SKIPPED: no kernel keyring here");
        return;
    };
    if k.get(name).expect("keyring").is_some() {
        eprintln!("SKIPPED: a proxy secret is already in the kernel keyring; it is left alone");
        return;
    }
    let entry = KeyringEntry(k);
    let fake = Fake::start();
    fake.script(
        "j",
        Script::json(
            200,
            r#"{"id":"c","model":"gpt-4o-mini","usage":{"prompt_tokens":1,"completion_tokens":1}}"#,
        ),
    );
    let env = [("TOLLGATE_PROXY_KEY", ""), ("TOLLGATE_KEYRING", "keyutils")];
    let mut users = Vec::new();
    for _ in 0..2 {
        let mut p = Proxy::start_with(fake.url(), "", &env);
        let r = post(
            &p,
            "/v1/chat/completions",
            &[("x-fake-scenario", "j"), ("x-tollgate-user", "u-1")],
            &json!({"model": "gpt-4o-mini"}),
        )
        .await;
        r.text().await.expect("body");
        users.push(p.stop()[0]["user"].clone());
        if users.len() == 2 {
            let out = command(&p.env)
                .env("TOLLGATE_PROXY_KEY", "")
                .env("TOLLGATE_KEYRING", "keyutils")
                .args(["doctor", "--db"])
                .arg(p.env.db())
                .output()
                .expect("doctor");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains("warning: the pseudonym secret is in the Linux kernel keyring"),
                "{text}"
            );
        }
    }
    let secret = entry.0.get(name).expect("get").expect("created");
    assert_eq!(secret.expose().len(), 64);
    assert_eq!(
        users[0], users[1],
        "the stored secret is reused: pseudonyms stay the same"
    );
}

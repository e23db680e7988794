//! Reconcile's third column (issue 15 item 4): billed vs usage x price vs what the gateway
//! captured, the capture rate and `low_capture`, through the real binary on the prices tests'
//! hand-built ledger (October: OpenAI billed $12.05, Anthropic $6.00 and a mismatch).

use serde_json::Value;

use crate::common::Env;
use crate::gateway_rows::{ingest, Req};
use crate::prices::{reconcile_fixture, reconcile_out};

fn reconcile_json(env: &Env, month: &str) -> Value {
    serde_json::from_str(&reconcile_out(env, &["--month", month, "--json"])).expect("json")
}

fn req(id: &str, at: &str, provider: &'static str, cost: Option<&'static str>) -> Req {
    Req {
        provider,
        cost,
        ..Req::new(id, at, "bot")
    }
}

#[test]
fn capture_rate_is_gateway_over_billed_and_low_below_95_percent() {
    let env = Env::new();
    drop(reconcile_fixture(&env));

    // No gateway data yet: null, never $0 or 0%.
    let v = reconcile_json(&env, "2026-10");
    for p in v["providers"].as_array().expect("providers") {
        assert!(
            p["gateway_usd"].is_null() && p["capture_rate"].is_null(),
            "{p}"
        );
    }

    ingest(
        &env,
        &[
            req("a", "2026-10-02 09:00:00", "OpenAI", Some("4.00")),
            req("b", "2026-10-31 23:59:59", "OpenAI", Some("5.00")),
            // Unpriced: its cost is unknown, not $0, and adds nothing.
            req("c", "2026-10-05 12:00:00", "OpenAI", None),
            // November: not October's.
            req("d", "2026-11-01 00:00:00", "OpenAI", Some("100.00")),
            req("e", "2026-10-07 08:00:00", "Anthropic", Some("3.00")),
        ],
    );
    let v = reconcile_json(&env, "2026-10");
    let (anthropic, openai) = (&v["providers"][0], &v["providers"][1]);
    // OpenAI: 9.00 / 12.05 = 0.74688...: low capture.
    assert_eq!(openai["gateway_usd"].to_string(), "9.00");
    assert_eq!(openai["capture_rate"].to_string(), "0.7469");
    assert_eq!(openai["status"], "low_capture");
    // Anthropic: 3.00 / 6.00; its bill already disagrees with usage x price, which comes first.
    assert_eq!(anthropic["gateway_usd"].to_string(), "3.00");
    assert_eq!(anthropic["capture_rate"].to_string(), "0.5000");
    assert_eq!(anthropic["status"], "mismatch");

    let table = reconcile_out(&env, &["--month", "2026-10"]);
    let row = table
        .lines()
        .find(|l| l.trim_start().starts_with("OpenAI"))
        .expect("OpenAI row");
    assert!(
        row.contains("$9.00") && row.contains("74.7%") && row.ends_with("low_capture"),
        "{table}"
    );
    assert!(table.contains("traffic bypasses the gateway"), "{table}");

    // September has ledger rows but no gateway record: null again.
    let v = reconcile_json(&env, "2026-09");
    let p = &v["providers"][0];
    assert!(
        p["gateway_usd"].is_null() && p["capture_rate"].is_null(),
        "{p}"
    );

    // More captured traffic: 11.50 / 12.05 = 0.9544, ok; a re-ingest of the same ids adds nothing.
    ingest(
        &env,
        &[
            req("a", "2026-10-02 09:00:00", "OpenAI", Some("4.00")),
            req("f", "2026-10-20 10:00:00", "OpenAI", Some("2.50")),
        ],
    );
    let v = reconcile_json(&env, "2026-10");
    let openai = &v["providers"][1];
    assert_eq!(openai["gateway_usd"].to_string(), "11.50");
    assert_eq!(openai["capture_rate"].to_string(), "0.9544");
    assert_eq!(openai["status"], "ok");
}

//! Prices (C4) and `reconcile`: lookups with effective dates and snapshot names, LiteLLM import
//! (exact values, tiers, all or nothing), and reconciliation that never prices unknowns at $0.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::prices::{self, price_for};
use tollgate::reconcile::{reconcile, Status};
use tollgate::store::{IngestScope, Store};

use super::common::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn open(env: &Env) -> Store {
    let store = Store::open(&env.db()).expect("open");
    prices::ensure_shipped(&store).expect("shipped prices");
    store
}

fn price(
    store: &Store,
    provider: &str,
    model: &str,
    token_type: &str,
    tier: &str,
    on: &str,
) -> Option<Decimal> {
    price_for(store.conn(), provider, model, token_type, tier, day(on)).expect("lookup")
}

#[test]
fn the_price_in_force_on_each_day_applies() {
    let env = Env::new();
    let store = open(&env);
    // Sonnet 5.5 cache reads were cut from $0.20 to $0.10 on 2026-10-07.
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-sonnet-5-5",
            "cached_input",
            "standard",
            "2026-10-06"
        ),
        Some(d("0.20"))
    );
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-sonnet-5-5",
            "cached_input",
            "standard",
            "2026-10-07"
        ),
        Some(d("0.10"))
    );
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-sonnet-5-5",
            "input",
            "standard",
            "2026-10-07"
        ),
        Some(d("2"))
    );
    // GPT-5.5 has no price before its release.
    assert_eq!(
        price(
            &store,
            "OpenAI",
            "gpt-5.5",
            "input",
            "standard",
            "2026-04-22"
        ),
        None
    );
    assert_eq!(
        price(
            &store,
            "OpenAI",
            "gpt-5.5",
            "input",
            "standard",
            "2026-04-23"
        ),
        Some(d("5"))
    );
    assert_eq!(
        price(&store, "OpenAI", "gpt-5.5", "output", "batch", "2026-05-01"),
        Some(d("15"))
    );
}

#[test]
fn snapshot_names_resolve_to_their_model_and_unknowns_stay_unknown() {
    let env = Env::new();
    let store = open(&env);
    let on = "2026-10-15";
    assert_eq!(
        price(
            &store,
            "OpenAI",
            "gpt-5.5-2026-04-23",
            "input",
            "standard",
            on
        ),
        Some(d("5"))
    );
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-sonnet-4-6-20260101",
            "output",
            "standard",
            on
        ),
        Some(d("15"))
    );
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-sonnet-5-5-20260901",
            "cached_input",
            "standard",
            on
        ),
        Some(d("0.10"))
    );
    // Longest name wins: Opus 4.5's snapshot is not priced as Opus 4.
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-opus-4-5-20251101",
            "input",
            "standard",
            on
        ),
        Some(d("5"))
    );
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-opus-4-20250514",
            "input",
            "standard",
            on
        ),
        Some(d("15"))
    );
    // Another model with a longer name is not a snapshot: never priced as gpt-5.5.
    assert_eq!(
        price(&store, "OpenAI", "gpt-5.5-pro", "input", "standard", on),
        Some(d("30"))
    );
    assert_eq!(
        price(&store, "OpenAI", "gpt-5.5-mini", "input", "standard", on),
        None
    );
    assert_eq!(
        price(&store, "OpenAI", "gpt-9", "input", "standard", on),
        None
    );
    assert_eq!(
        price(&store, "Anthropic", "gpt-5.5", "input", "standard", on),
        None
    );
    // A token type with no documented price is unknown, not $0.
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-opus-5",
            "cache_write",
            "standard",
            on
        ),
        None
    );
    assert_eq!(
        price(&store, "OpenAI", "gpt-5.5", "input", "priority", on),
        None
    );
}

const LITELLM: &str = r#"{
  "sample_spec": {
    "litellm_provider": "one of https://docs.litellm.ai/docs/providers",
    "input_cost_per_token": 0.0,
    "output_cost_per_token": 0.0,
    "mode": "one of: chat, embedding, completion, image_generation"
  },
  "gpt-5.5": {
    "litellm_provider": "openai",
    "mode": "chat",
    "input_cost_per_token": 5e-06,
    "output_cost_per_token": 3e-05,
    "cache_read_input_token_cost": 5e-07,
    "input_cost_per_token_batches": 2.5e-06,
    "output_cost_per_token_batches": 1.5e-05,
    "input_cost_per_token_priority": 1e-05,
    "cache_read_input_token_cost_priority": 1e-06,
    "output_cost_per_token_priority": 6e-05,
    "input_cost_per_token_above_272k_tokens": 1e-05,
    "supports_prompt_caching": true
  },
  "claude-sonnet-4-6": {
    "litellm_provider": "anthropic",
    "mode": "chat",
    "max_input_tokens": 1000000,
    "input_cost_per_token": 3.3e-06,
    "output_cost_per_token": 1.5e-05,
    "cache_read_input_token_cost": 3e-07,
    "cache_creation_input_token_cost": 3.75e-06,
    "cache_creation_input_token_cost_above_1hr": 6e-06
  },
  "vertex_ai/claude-opus-4-8": {
    "litellm_provider": "vertex_ai-anthropic_models",
    "input_cost_per_token": 5e-06,
    "output_cost_per_token": 2.5e-05
  },
  "gpt-tiny": {
    "litellm_provider": "openai",
    "input_cost_per_token": 1.23456789e-07,
    "output_cost_per_token": 0.0000004
  },
  "dall-e-3": {
    "litellm_provider": "openai",
    "mode": "image_generation",
    "input_cost_per_pixel": 4e-08
  }
}"#;

fn prices_of(store: &Store, model: &str) -> Vec<(String, String, String, String, String)> {
    let mut out: Vec<_> = prices::all_prices(store.conn())
        .expect("prices")
        .into_iter()
        .filter(|p| p.model == model && p.origin == prices::ORIGIN_IMPORT)
        .map(|p| {
            (
                p.provider,
                p.token_type,
                p.tier,
                p.usd_per_mtok.to_string(),
                p.source,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn litellm_import_scales_per_token_prices_exactly_with_tiers() {
    let env = Env::new();
    let file = env.write("model_prices_and_context_window.json", LITELLM);
    let store = open(&env);
    let done = prices::import_litellm(&store, &file, day("2026-11-01")).expect("import");
    assert_eq!(done.models, 4);
    assert_eq!(done.prices, 8 + 5 + 2 + 2);
    assert_eq!(done.source, "litellm:model_prices_and_context_window.json");

    let src = "litellm:model_prices_and_context_window.json".to_string();
    let row = |p: &str, t: &str, tier: &str, v: &str| {
        (
            p.to_string(),
            t.to_string(),
            tier.to_string(),
            v.to_string(),
            src.clone(),
        )
    };
    assert_eq!(
        prices_of(&store, "gpt-5.5"),
        vec![
            row("OpenAI", "cached_input", "priority", "1"),
            row("OpenAI", "cached_input", "standard", "0.5"),
            row("OpenAI", "input", "batch", "2.5"),
            row("OpenAI", "input", "priority", "10"),
            row("OpenAI", "input", "standard", "5"),
            row("OpenAI", "output", "batch", "15"),
            row("OpenAI", "output", "priority", "60"),
            row("OpenAI", "output", "standard", "30"),
        ]
    );
    assert_eq!(
        prices_of(&store, "claude-sonnet-4-6"),
        vec![
            row("Anthropic", "cache_write", "standard", "3.75"),
            row("Anthropic", "cache_write_1h", "standard", "6"),
            row("Anthropic", "cached_input", "standard", "0.3"),
            row("Anthropic", "input", "standard", "3.3"),
            row("Anthropic", "output", "standard", "15"),
        ]
    );
    assert_eq!(
        prices_of(&store, "vertex_ai/claude-opus-4-8"),
        vec![
            row("vertex_ai-anthropic_models", "input", "standard", "5"),
            row("vertex_ai-anthropic_models", "output", "standard", "25"),
        ]
    );
    assert_eq!(prices_of(&store, "gpt-tiny")[0].3, "0.123456789");
    assert!(prices_of(&store, "sample_spec").is_empty());

    // The import is in force from its date; history keeps the shipped price.
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-sonnet-4-6",
            "input",
            "standard",
            "2026-10-31"
        ),
        Some(d("3"))
    );
    assert_eq!(
        price(
            &store,
            "Anthropic",
            "claude-sonnet-4-6-20260101",
            "input",
            "standard",
            "2026-11-01"
        ),
        Some(d("3.3"))
    );
    assert_eq!(
        price(
            &store,
            "OpenAI",
            "gpt-5.5",
            "input",
            "priority",
            "2026-11-01"
        ),
        Some(d("10"))
    );

    // Re-importing the same file for the same date replaces it; shipped prices reload
    // around imports without touching them.
    let again = prices::import_litellm(&store, &file, day("2026-11-01")).expect("re-import");
    assert_eq!(again.replaced, done.prices);
    let total = prices::all_prices(store.conn()).expect("all").len();
    store
        .set_setting("prices_shipped_sha256", "an older table")
        .expect("setting");
    assert!(prices::ensure_shipped(&store).expect("reload"));
    assert!(!prices::ensure_shipped(&store).expect("idempotent"));
    assert_eq!(prices::all_prices(store.conn()).expect("all").len(), total);
    assert_eq!(prices_of(&store, "gpt-5.5").len(), 8);
}

#[test]
fn a_malformed_litellm_file_names_the_model_and_changes_nothing() {
    let env = Env::new();
    let store = open(&env);
    let good = env.write("good.json", LITELLM);
    prices::import_litellm(&store, &good, day("2026-10-01")).expect("import");
    let before = prices::all_prices(store.conn()).expect("prices");

    let bad = LITELLM.replace(
        r#""output_cost_per_token": 0.0000004"#,
        r#""output_cost_per_token": "lots""#,
    );
    let file = env.write("bad.json", &bad);
    let err = prices::import_litellm(&store, &file, day("2026-11-01"))
        .expect_err("malformed")
        .to_string();
    assert!(
        err.contains("bad.json")
            && err.contains("gpt-tiny")
            && err.contains("output_cost_per_token"),
        "{err}"
    );

    let not_json = env.write("truncated.json", &LITELLM[..200]);
    let err = prices::import_litellm(&store, &not_json, day("2026-11-01"))
        .expect_err("truncated")
        .to_string();
    assert!(err.contains("truncated.json"), "{err}");
    assert_eq!(prices::all_prices(store.conn()).expect("prices"), before);

    // Through the binary: exit 1, one line naming the file and the model, DB unchanged.
    drop(store);
    let out = env
        .cmd()
        .args(["prices", "import", "litellm"])
        .arg(&file)
        .arg("--db")
        .arg(env.db())
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("bad.json") && text.contains("gpt-tiny"),
        "{text}"
    );
    let store = open(&env);
    assert_eq!(prices::all_prices(store.conn()).expect("prices"), before);
}

struct Usage<'a> {
    source: &'a str,
    provider: &'a str,
    day: &'a str,
    model: &'a str,
    token_type: &'a str,
    tokens: i64,
    billed: &'a str,
    unpriced: bool,
}

fn usage_row(u: &Usage<'_>) -> LedgerRow {
    let start = day(u.day).and_hms_opt(0, 0, 0).expect("t");
    let mut r = LedgerRow::new(
        Charge {
            source: u.source,
            provider: u.provider,
            service: u.provider,
            service_category: "AI and Machine Learning",
            service_subcategory: Some("Generative AI"),
            start,
            end: start + chrono::Duration::days(1),
            cost: d(u.billed),
        },
        &[u.model, u.token_type],
    );
    r.model = Some(u.model.to_string());
    r.token_type = Some(u.token_type.to_string());
    r.consumed_quantity = Some(Decimal::from(u.tokens));
    r.consumed_unit = Some("Tokens".to_string());
    r.unpriced = u.unpriced;
    r
}

/// October 2026, priced by hand (USD per million tokens from prices/list_prices.toml):
/// OpenAI  gpt-5.5 input 1M x $5 = 5.00; output 200k x $30 = 6.00; cached 2M x $0.50 = 1.00
///         -> usage x price 12.00, billed 12.05: +0.05 = 0.41% -> ok.
///         gpt-5.5-mini has no price: 600,000 tokens unpriced (billed nothing yet).
/// Anthropic claude-sonnet-5-5 cached 10M on Oct 6 x $0.20 = 2.00, 10M on Oct 7 x $0.10 = 1.00,
///         input 1M x $2 = 2.00 -> 5.00; billed 6.00 (the cut not applied): +1.00 = 16.67%
///         -> mismatch. Its cache writes have no price: 100,000 tokens, $0.25 billed, unpriced.
/// `tollgate reconcile ARGS --db` on the env's DB: its stdout.
pub(crate) fn reconcile_out(env: &Env, args: &[&str]) -> String {
    let out = env
        .cmd()
        .arg("reconcile")
        .args(args)
        .arg("--db")
        .arg(env.db())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("utf-8")
}

pub(crate) fn reconcile_fixture(env: &Env) -> Store {
    let store = open(env);
    let openai = [
        (
            "2026-10-05",
            "gpt-5.5-2026-04-23",
            "input",
            1_000_000,
            "5.00",
            false,
        ),
        ("2026-10-05", "gpt-5.5", "output", 200_000, "6.05", false),
        (
            "2026-10-06",
            "gpt-5.5",
            "cached_input",
            2_000_000,
            "1.00",
            false,
        ),
        ("2026-10-06", "gpt-5.5-mini", "input", 500_000, "0", true),
        ("2026-10-07", "gpt-5.5-mini", "output", 100_000, "0", true),
        // September: another month
        ("2026-09-30", "gpt-5.5", "input", 9_000_000, "45.00", false),
    ];
    let anthropic = [
        (
            "2026-10-06",
            "claude-sonnet-5-5-20260901",
            "cached_input",
            10_000_000,
            "2.00",
            false,
        ),
        (
            "2026-10-07",
            "claude-sonnet-5-5",
            "cached_input",
            10_000_000,
            "2.00",
            false,
        ),
        (
            "2026-10-07",
            "claude-sonnet-5-5",
            "input",
            1_000_000,
            "2.00",
            false,
        ),
        (
            "2026-10-07",
            "claude-sonnet-5-5",
            "cache_write",
            100_000,
            "0.25",
            false,
        ),
    ];
    for (source, provider, rows) in [
        ("openai", "OpenAI", &openai[..]),
        ("anthropic", "Anthropic", &anthropic[..]),
    ] {
        let rows: Vec<LedgerRow> = rows
            .iter()
            .map(|&(day, model, token_type, tokens, billed, unpriced)| {
                usage_row(&Usage {
                    source,
                    provider,
                    day,
                    model,
                    token_type,
                    tokens,
                    billed,
                    unpriced,
                })
            })
            .collect();
        store
            .ingest_rows(
                &IngestScope::Source {
                    source: source.into(),
                },
                &rows,
            )
            .expect("ingest");
    }
    // A cost with no tokens (GPU hours) is not usage x price: AWS is not reconciled here.
    let start = day("2026-10-03").and_hms_opt(0, 0, 0).expect("t");
    let gpu = LedgerRow::new(
        Charge {
            source: "aws",
            provider: "AWS",
            service: "Amazon EC2",
            service_category: "Compute",
            service_subcategory: None,
            start,
            end: start + chrono::Duration::days(1),
            cost: d("812.40"),
        },
        &["gpu"],
    );
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "aws".into(),
            },
            &[gpu],
        )
        .expect("ingest");
    store
}

#[test]
fn reconcile_compares_billed_with_usage_x_price_in_force() {
    let env = Env::new();
    let store = reconcile_fixture(&env);
    let rec = reconcile(&store, "2026-10".parse().expect("month")).expect("reconcile");
    let names: Vec<&str> = rec.providers.iter().map(|p| p.provider.as_str()).collect();
    assert_eq!(names, ["Anthropic", "OpenAI"]);

    let anthropic = &rec.providers[0];
    assert_eq!(anthropic.billed, d("6.00"));
    assert_eq!(anthropic.usage_x_price, d("5.00"));
    assert_eq!(anthropic.difference, d("1.00"));
    assert_eq!(anthropic.difference_pct, Some(d("16.67")));
    assert_eq!(anthropic.status, Status::Mismatch);
    assert_eq!(
        (anthropic.gateway_usd, anthropic.capture_rate),
        (None, None)
    );
    assert_eq!(anthropic.unpriced_tokens, 100_000);
    assert_eq!(anthropic.unpriced_billed, d("0.25"));
    assert_eq!(anthropic.unpriced_models[0].model, "claude-sonnet-5-5");
    assert_eq!(anthropic.unpriced_models[0].token_types, ["cache_write"]);

    let openai = &rec.providers[1];
    assert_eq!(openai.billed, d("12.05"));
    assert_eq!(openai.usage_x_price, d("12.00"));
    assert_eq!(openai.difference, d("0.05"));
    assert_eq!(openai.difference_pct, Some(d("0.41")));
    assert_eq!(openai.status, Status::Ok);
    assert_eq!(openai.unpriced_tokens, 600_000);
    assert_eq!(openai.unpriced_models.len(), 1);
    assert_eq!(openai.unpriced_models[0].model, "gpt-5.5-mini");
    assert_eq!(openai.unpriced_models[0].tokens, 600_000);
    assert_eq!(openai.unpriced_models[0].token_types, ["input", "output"]);
}

#[test]
fn reconcile_json_contract_through_the_binary() {
    let env = Env::new();
    drop(reconcile_fixture(&env));
    let v: Value = serde_json::from_str(&reconcile_out(&env, &["--month", "2026-10", "--json"]))
        .expect("json");
    assert_eq!(v["month"], "2026-10");
    let p = &v["providers"][1];
    assert_eq!(p["provider"], "OpenAI");
    assert_eq!(p["billed"].to_string(), "12.05");
    assert_eq!(p["usage_x_price"].to_string(), "12.00");
    assert_eq!(p["difference"].to_string(), "0.05");
    assert_eq!(p["difference_pct"].to_string(), "0.41");
    assert!(p["gateway_usd"].is_null() && p["capture_rate"].is_null());
    assert_eq!(p["status"], "ok");
    assert_eq!(p["unpriced_tokens"].to_string(), "600000");
    assert_eq!(p["unpriced_models"][0]["model"], "gpt-5.5-mini");
    assert_eq!(v["providers"][0]["status"], "mismatch");

    // The table says the same, and names the unpriced model.
    let text = reconcile_out(&env, &["--month", "2026-10"]);
    assert!(
        text.contains("mismatch") && text.contains("$12.05") && text.contains("gpt-5.5-mini"),
        "{text}"
    );
}

#[test]
fn prices_list_and_import_through_the_binary() {
    let env = Env::new();
    let file = env.write("litellm.json", LITELLM);
    env.cmd()
        .args(["prices", "import", "litellm"])
        .arg(&file)
        .args(["--effective", "2026-11-01", "--db"])
        .arg(env.db())
        .assert()
        .success();
    let out = env
        .cmd()
        .args([
            "prices",
            "list",
            "--model",
            "claude-sonnet-5-5-20260901",
            "--json",
            "--db",
        ])
        .arg(env.db())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).expect("json");
    let cached: Vec<(String, String, Value)> = v["prices"]
        .as_array()
        .expect("prices")
        .iter()
        .filter(|p| p["token_type"] == "cached_input")
        .map(|p| {
            (
                p["usd_per_mtok"].to_string(),
                p["effective_from"].as_str().unwrap_or("").to_string(),
                p["effective_to"].clone(),
            )
        })
        .collect();
    assert_eq!(
        cached,
        vec![
            (
                "0.2".to_string(),
                "2025-01-01".to_string(),
                Value::String("2026-10-07".to_string())
            ),
            ("0.1".to_string(), "2026-10-07".to_string(), Value::Null),
        ]
    );
    let table = env
        .cmd()
        .args(["prices", "list", "--model", "gpt-tiny", "--db"])
        .arg(env.db())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&table);
    assert!(
        text.contains("0.123456789") && text.contains("litellm:litellm.json"),
        "{text}"
    );
}

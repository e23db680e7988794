//! `split_by = "gateway"`: a shared key's bill split each day by the use cases' share of the
//! cost the gateway captured for the same provider and model, days without gateway data to the
//! rule's fallback; checked against hand-computed splits, with use cases + unallocated = total
//! in every view (ledger_alloc, daily_alloc, monthly_alloc, the report), and re-allocated when a
//! gateway sync brings new records.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;
use tollgate::normalize::LedgerRow;
use tollgate::store::{IngestScope, Store};

use super::common::openai_day;
use super::gateway_spool::{captured, with};

const CONFIG: &str = r#"
[[use_cases]]
id = "support"
name = "Support bot"
kind = "feature"

[[use_cases]]
id = "search"
name = "Search"
kind = "feature"

[[use_cases]]
id = "platform"
name = "Platform"
kind = "platform"

[[use_cases]]
id = "c"
name = "C"
kind = "feature"

[[rules]]
split_by = "gateway"
use_case = "platform"
match = { api_key = "key_shared" }

[[rules]]
use_case = "c"
match = { api_key = "key_other" }
"#;

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, n).expect("day")
}

fn billed(n: u32, model: &str, key: &str, cost: &str) -> LedgerRow {
    let start = day(n).and_hms_opt(0, 0, 0).expect("t");
    let mut r = openai_day(start, d(cost), &[model, key]);
    r.model = Some(model.to_string());
    r.api_key_id = Some(key.to_string());
    r
}

fn ledger() -> Store {
    let store = Store::open_in_memory().expect("store");
    let rows = vec![
        billed(2, "gpt-4o-2024-08-06", "key_shared", "10.00"),
        billed(3, "gpt-4o-2024-08-06", "key_shared", "9.00"),
        billed(4, "gpt-4o-2024-08-06", "key_shared", "5.00"),
        billed(2, "gpt-4o-mini", "key_shared", "3.00"),
        billed(2, "gpt-4o-2024-08-06", "key_other", "2.00"),
    ];
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".into(),
            },
            &rows,
        )
        .expect("ledger");
    store
}

/// A real gpt-4o record of the proxy's, on `n` November at 10:00 UTC, for `use_case`, costing `cost`.
fn record(id: &str, n: u32, use_case: Option<&str>, cost: &str) -> String {
    with(
        &captured()[0],
        &[
            ("request_id", json!(id)),
            (
                "started_at",
                json!(format!("2026-11-{n:02}T10:00:00.000000Z")),
            ),
            (
                "ended_at",
                json!(format!("2026-11-{n:02}T10:00:01.000000Z")),
            ),
            ("use_case", json!(use_case)),
            ("cost_usd", json!(cost)),
        ],
    )
}

fn spool(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let lines = [
        // 2 Nov: support 0.30, search 0.10 -> 0.75 / 0.25 of $10.00.
        record("r1", 2, Some("support"), "0.20"),
        record("r2", 2, Some("support"), "0.10"),
        record("r3", 2, Some("search"), "0.10"),
        // 3 Nov: thirds of $9.00, one of them captured without a use case (unallocated).
        record("r4", 3, Some("support"), "0.01"),
        record("r5", 3, Some("search"), "0.01"),
        record("r6", 3, None, "0.01"),
        // 4 Nov: nothing captured -> the fallback, platform.
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("requests-2026110210-aaaa.jsonl"), text).expect("spool");
}

fn config() -> tollgate::config::Config {
    tollgate::config::parse(CONFIG, "t.toml").expect("config")
}

/// Allocated cost per use case ("unallocated" for none) of `view` over November.
fn allocated(store: &Store, view: &str, filter: &str) -> BTreeMap<String, Decimal> {
    store.refresh_allocation(&config()).expect("allocation");
    let sql = format!(
        "SELECT coalesce(x_UseCase, 'unallocated'), sum(x_AllocatedCost) FROM {view} WHERE {filter} GROUP BY 1"
    );
    let mut stmt = store.conn().prepare(&sql).expect("prepare");
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Decimal>(1)?))
        })
        .expect("query");
    rows.map(|r| r.expect("row"))
        .map(|(k, v)| (k, v.normalize()))
        .collect()
}

fn expect(pairs: &[(&str, &str)]) -> BTreeMap<String, Decimal> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), d(v).normalize()))
        .collect()
}

#[test]
fn a_shared_keys_bill_is_split_each_day_by_gateway_cost_exactly() {
    let store = ledger();
    let before = allocated(&store, "ledger_alloc", "true");
    // Without gateway data every day of the shared key goes to the fallback.
    assert_eq!(before, expect(&[("platform", "27"), ("c", "2")]));

    let dir = tempfile::tempdir().expect("tempdir");
    spool(dir.path());
    let ingested = tollgate::gateway::ingest::sync(&store, "gw", &[dir.path().to_path_buf()], true)
        .expect("gateway sync");
    assert_eq!(ingested.new_records, 6);

    // 2 Nov gpt-4o: $10 x 0.75 / 0.25. 3 Nov: $9 in thirds at 6 decimals, the last share
    // (support, after unallocated and search) taking the remainder: 0.333333, 0.333333,
    // 0.333334. 4 Nov ($5) and the gpt-4o-mini line ($3, not captured): platform.
    let want = expect(&[
        ("support", "10.500006"),
        ("search", "5.499997"),
        ("unallocated", "2.999997"),
        ("platform", "8"),
        ("c", "2"),
    ]);
    for view in ["ledger_alloc", "daily_alloc", "monthly_alloc"] {
        let got = allocated(&store, view, "true");
        assert_eq!(got, want, "{view}");
        assert_eq!(got.values().copied().sum::<Decimal>(), d("29"), "{view}");
    }
    assert_eq!(
        allocated(&store, "daily_alloc", "day = DATE '2026-11-03'"),
        expect(&[
            ("support", "3.000006"),
            ("search", "2.999997"),
            ("unallocated", "2.999997")
        ])
    );

    let report =
        tollgate::report::month_report(&store, &config(), "2026-11".parse().expect("month"))
            .expect("report");
    let cost = |id: &str| {
        report
            .by_use_case
            .iter()
            .find(|u| u.use_case == id)
            .map(|u| u.cost)
            .unwrap_or_default()
    };
    assert_eq!(
        (
            cost("support"),
            cost("search"),
            report.unallocated,
            cost("platform"),
            cost("c")
        ),
        (d("10.50"), d("5.50"), d("3.00"), d("8.00"), d("2.00"))
    );
    assert_eq!(
        report.by_use_case.iter().map(|u| u.cost).sum::<Decimal>() + report.unallocated,
        report.total
    );
    assert_eq!(report.total, d("29.00"));
    // The report says what was split and where the days without gateway data went.
    let g = report.gateway_split.expect("gateway split stated");
    assert_eq!(
        (g.split_usd, g.split_days, g.fallback_usd, g.fallback_days),
        (d("19.00"), 2, d("8.00"), 2)
    );
    assert_eq!(
        g.fallback_to
            .iter()
            .map(|f| (f.use_case.as_str(), f.cost))
            .collect::<Vec<_>>(),
        vec![("platform", d("8.00"))]
    );
}

#[test]
fn a_rule_splitting_by_gateway_without_a_use_case_falls_back_to_unallocated() {
    let store = ledger();
    let cfg = CONFIG.replace(
        "use_case = \"platform\"\nmatch = { api_key = \"key_shared\" }",
        "match = { api_key = \"key_shared\" }",
    );
    let config = tollgate::config::parse(&cfg, "t.toml").expect("config");
    let report = tollgate::report::month_report(&store, &config, "2026-11".parse().expect("month"))
        .expect("report");
    assert_eq!(report.unallocated, d("27.00"));
    let g = report.gateway_split.expect("gateway split stated");
    assert_eq!((g.split_usd, g.fallback_usd), (d("0.00"), d("27.00")));
    assert_eq!(g.fallback_to[0].use_case, "unallocated");
}

#[test]
fn use_case_is_a_fallback_only_beside_split_by_gateway() {
    let tokens = CONFIG.replace("split_by = \"gateway\"", "split_by = \"tokens\"");
    let e = tollgate::config::parse(&tokens, "t.toml").expect_err("two forms");
    assert!(
        e.to_string()
            .contains("a rule needs exactly one of use_case, split or split_by"),
        "{e}"
    );
    let unknown = CONFIG.replace("use_case = \"platform\"", "use_case = \"nobody\"");
    let e = tollgate::config::parse(&unknown, "t.toml").expect_err("unknown fallback");
    assert!(
        e.to_string().contains("'nobody' is not a use case id"),
        "{e}"
    );
}

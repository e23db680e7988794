//! Sync benchmark: one year of daily buckets for 30 projects x 20 line items from a local fake
//! OpenAI Admin API. Prints the requests made against the minimum the page limits allow, and
//! rows per second for fetch, normalise and ingest (in-memory and temp-file stores). The first
//! round renders every page; later rounds are served from the fake's cache, and the best round
//! is reported.
//! Then a 13-month AWS Cost Explorer backfill from the fake Cost Explorer: the signed requests
//! it takes (each costs $0.01) and its rows per second.
//! Run with `cargo bench --bench sync` (plain main, `harness = false`).

#[path = "../tests/it/fake_server.rs"]
mod fake_server;

#[path = "../tests/it/fake_openai.rs"]
mod fake_openai;

#[path = "../tests/it/fake_aws.rs"]
mod fake_aws;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use fake_openai::{FakeOpenAi, OpenAiSpec};
use tollgate::normalize::{normalize, SourceRecords};
use tollgate::sources::{openai, FetchWindow, RetryPolicy};
use tollgate::store::{IngestScope, Store};

const KEY: &str = "sk-admin-BENCHKEY-0000000000000000";
const DAYS: u32 = 365;
const PROJECTS: usize = 30;
const LINE_ITEMS: usize = 20;
const ROUNDS: usize = 3;

struct Round {
    requests: u64,
    rows: usize,
    fetch: Duration,
    server: Duration,
    normalize: Duration,
    ingest_mem: Duration,
    ingest_file: Duration,
}

fn main() {
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    let spec = OpenAiSpec {
        seed: 1,
        start,
        days: DAYS,
        projects: PROJECTS,
        keys_per_project: 1,
        line_items: LINE_ITEMS,
        density_pct: 100,
        storage: false,
        archived_last: false,
    };
    let generated = Instant::now();
    let fake = FakeOpenAi::start(spec, KEY);
    println!(
        "fake OpenAI: {DAYS} days x {PROJECTS} projects x {LINE_ITEMS} line items = {} cost results ({:.2}s to generate)",
        fake.data.cost_results(),
        generated.elapsed().as_secs_f64()
    );
    let window = FetchWindow {
        start,
        end: start + chrono::Duration::days(i64::from(DAYS)),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let tmp = tempfile::tempdir().expect("tempdir");
    // Rounds after the first get pre-rendered pages, so fetch time is mostly the client's.
    fake.control.set_cache(true);

    let mut rounds = Vec::new();
    for i in 0..ROUNDS {
        fake.control.reset_counts();
        let http = openai::client("openai", Some(fake.base_url()), KEY, RetryPolicy::default())
            .expect("client");
        let t = Instant::now();
        let batch = rt.block_on(openai::fetch(&http, window)).expect("fetch");
        let fetch = t.elapsed();
        let server = fake.control.server_time();
        let t = Instant::now();
        let rows = normalize("openai", &SourceRecords::OpenAi(batch)).expect("normalise");
        let normalize_t = t.elapsed();
        let scope = IngestScope::Window {
            source: "openai".into(),
            start: window.start_ts(),
            end: window.end_ts(),
        };
        let mem = Store::open_in_memory().expect("store");
        let t = Instant::now();
        mem.ingest_rows(&scope, &rows).expect("ingest");
        let ingest_mem = t.elapsed();
        let file = Store::open(&tmp.path().join(format!("bench-{i}.duckdb"))).expect("store");
        let t = Instant::now();
        file.ingest_rows(&scope, &rows).expect("ingest");
        let ingest_file = t.elapsed();
        let total: String = mem
            .conn()
            .query_row(
                "SELECT CAST(sum(EffectiveCost) AS VARCHAR) FROM ledger",
                [],
                |r| r.get(0),
            )
            .expect("sum");
        assert_eq!(
            total
                .parse::<rust_decimal::Decimal>()
                .expect("sum")
                .normalize(),
            fake.data.total().normalize(),
            "ledger total"
        );
        rounds.push(Round {
            requests: http.requests(),
            rows: rows.len(),
            fetch,
            server,
            normalize: normalize_t,
            ingest_mem,
            ingest_file,
        });
    }

    // Requests made vs the minimum the documented limits allow.
    let counts = fake.control.counts();
    let keys_calls: u64 = counts
        .iter()
        .filter(|(p, _)| p.ends_with("/api_keys"))
        .map(|(_, n)| n)
        .sum();
    let get = |p: &str| counts.get(p).copied().unwrap_or(0);
    let min_costs = u64::from(DAYS).div_ceil(u64::from(openai::COSTS_LIMIT));
    let min_usage = u64::from(DAYS).div_ceil(u64::from(openai::USAGE_LIMIT));
    let min_projects = (PROJECTS as u64).div_ceil(100);
    let min_keys = PROJECTS as u64; // one key list per project (no org-wide key list)
    println!();
    println!("requests (last round)          made   minimum");
    println!(
        "  costs                       {:>5}   {:>7}  ceil({DAYS}/180)",
        get(fake_openai::COSTS),
        min_costs
    );
    println!(
        "  usage/completions           {:>5}   {:>7}  ceil({DAYS}/31)",
        get(fake_openai::COMPLETIONS),
        min_usage
    );
    println!(
        "  usage/embeddings            {:>5}   {:>7}  ceil({DAYS}/31)",
        get(fake_openai::EMBEDDINGS),
        min_usage
    );
    println!(
        "  projects                    {:>5}   {:>7}",
        get(fake_openai::PROJECTS),
        min_projects
    );
    println!(
        "  projects/{{id}}/api_keys      {:>5}   {:>7}",
        keys_calls, min_keys
    );
    let min_total = min_costs + 2 * min_usage + min_projects + min_keys;
    let last = rounds.last().expect("a round");
    println!(
        "  total                       {:>5}   {:>7}  (client counted {})",
        fake.control.total(),
        min_total,
        last.requests
    );

    let best = |f: &dyn Fn(&Round) -> Duration| rounds.iter().map(f).min().unwrap_or_default();
    let rate = |rows: usize, d: Duration| rows as f64 / d.as_secs_f64().max(1e-9);
    let rows = last.rows;
    let fetch = best(&|r| r.fetch);
    let client = best(&|r| r.fetch.saturating_sub(r.server));
    let norm = best(&|r| r.normalize);
    let mem = best(&|r| r.ingest_mem);
    let file = best(&|r| r.ingest_file);
    println!();
    println!("rows: {rows} ledger rows (best of {ROUNDS} rounds)");
    println!(
        "  fetch (HTTP + JSON)          {:>8.3}s  {:>10.0} rows/s",
        fetch.as_secs_f64(),
        rate(rows, fetch)
    );
    println!(
        "    of which client side       {:>8.3}s  {:>10.0} rows/s (excluding the fake's rendering)",
        client.as_secs_f64(),
        rate(rows, client)
    );
    println!(
        "  normalise                    {:>8.3}s  {:>10.0} rows/s",
        norm.as_secs_f64(),
        rate(rows, norm)
    );
    println!(
        "  ingest, in-memory store      {:>8.3}s  {:>10.0} rows/s",
        mem.as_secs_f64(),
        rate(rows, mem)
    );
    println!(
        "  ingest, temp-file store      {:>8.3}s  {:>10.0} rows/s",
        file.as_secs_f64(),
        rate(rows, file)
    );
    let end_to_end = fetch + norm + file;
    println!(
        "  fetch + normalise + ingest   {:>8.3}s  {:>10.0} rows/s (file store)",
        end_to_end.as_secs_f64(),
        rate(rows, end_to_end)
    );
    aws_backfill(&rt, tmp.path());
}

/// 13 months of daily Cost Explorer groups (7 per day, 500 per page): requests, $ and rows/s.
fn aws_backfill(rt: &tokio::runtime::Runtime, dir: &std::path::Path) {
    use fake_aws::{AwsSpec, FakeAws};
    use tollgate::sources::aws;

    let start = NaiveDate::from_ymd_opt(2025, 3, 1).expect("date");
    let end = NaiveDate::from_ymd_opt(2026, 4, 13).expect("date");
    let days = u32::try_from((end - start).num_days()).expect("days");
    let fake = FakeAws::start(AwsSpec::new(start, days));
    let cfg: tollgate::config::SourceConfig =
        toml::from_str("kind = \"aws\"").expect("source config");
    let keys = aws::AwsKeys {
        access_key_id: fake_aws::ACCESS_KEY_ID.to_string(),
        secret_access_key: tollgate::credentials::Secret::new(fake_aws::SECRET_ACCESS_KEY),
        session_token: None,
        origin: "bench".to_string(),
    };
    let window = FetchWindow { start, end };
    let http = aws::client("aws", Some(fake.base_url()), RetryPolicy::default()).expect("client");
    let t = Instant::now();
    let (ctx, pages) = rt
        .block_on(aws::fetch(&http, &keys, &cfg, window))
        .expect("fetch");
    let fetch = t.elapsed();
    let t = Instant::now();
    let rows = normalize("aws", &SourceRecords::Aws(ctx, pages)).expect("normalise");
    let norm = t.elapsed();
    let store = Store::open(&dir.join("bench-aws.duckdb")).expect("store");
    let scope = IngestScope::Window {
        source: "aws".into(),
        start: window.start_ts(),
        end: window.end_ts(),
    };
    let t = Instant::now();
    store.ingest_rows(&scope, &rows).expect("ingest");
    let ingest = t.elapsed();
    let total: String = store
        .conn()
        .query_row(
            "SELECT CAST(sum(BilledCost) AS VARCHAR) FROM ledger",
            [],
            |r| r.get(0),
        )
        .expect("sum");
    let want: rust_decimal::Decimal = fake.cells().iter().map(|c| c.unblended).sum();
    assert_eq!(
        total
            .parse::<rust_decimal::Decimal>()
            .expect("sum")
            .normalize(),
        want.normalize(),
        "AWS ledger total"
    );
    let requests = http.requests();
    let groups = rows.len();
    println!();
    println!(
        "AWS Cost Explorer 13-month backfill ({start} .. {end}, {days} days x 7 groups = {groups} groups, 500 per page)"
    );
    println!(
        "  requests                     {:>5}   minimum ceil({groups}/500) = {}  (${}.{:02} at $0.01 each)",
        requests,
        groups.div_ceil(500),
        requests / 100,
        requests % 100
    );
    let all = fetch + norm + ingest;
    println!(
        "  fetch + normalise + ingest   {:>8.3}s  {:>10.0} rows/s (fetch {:.3}s)",
        all.as_secs_f64(),
        groups as f64 / all.as_secs_f64().max(1e-9),
        fetch.as_secs_f64()
    );
}

//! The decision engine at scale (issue 4): 3 years x 200 use cases of daily rows; gates,
//! forecast, spikes and dependencies computed together, as the cockpit does after a sync (each
//! measurement starts from a fresh ledger write, so the allocation is rebuilt inside it).
//! Run with `cargo bench --bench engine` (release profile).

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rust_decimal::Decimal;
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::store::{IngestScope, Store};

const USE_CASES: usize = 200;
const DAYS: i64 = 3 * 365;

fn config() -> tollgate::config::Config {
    let kinds = ["feature", "pilot", "platform", "experiment"];
    let mut text = String::new();
    for i in 0..USE_CASES {
        text.push_str(&format!(
            "[[use_cases]]\nid = \"uc{i}\"\nname = \"Use case {i}\"\nkind = \"{}\"\noutcome = \"wau\"\n\n",
            kinds[i % 4]
        ));
    }
    for i in 0..USE_CASES {
        text.push_str(&format!(
            "[[rules]]\nuse_case = \"uc{i}\"\nmatch = {{ sub_account = \"proj_{i}\" }}\n\n"
        ));
    }
    tollgate::config::parse(&text, "bench").expect("config")
}

fn rows(today: NaiveDate) -> Vec<LedgerRow> {
    let first = today - Duration::days(DAYS);
    let mut rows = Vec::with_capacity(USE_CASES * DAYS as usize);
    for i in 0..USE_CASES {
        let sub = format!("proj_{i}");
        for d in 0..DAYS {
            let start = (first + Duration::days(d)).and_hms_opt(0, 0, 0).expect("t");
            // growth ~3.8x a year, a weekly wobble, and a spike now and then
            let base = 5.0 + (i % 17) as f64;
            let growth = (1.0 + 0.0037f64).powi(d as i32);
            let wobble = 1.0 + 0.1 * ((d % 7) as f64 / 7.0);
            let spike = if (d + i as i64) % 97 == 0 { 5.0 } else { 1.0 };
            let cents = (base * growth * wobble * spike * 100.0).round() as i64;
            let mut r = LedgerRow::new(
                Charge {
                    source: "bench",
                    provider: if i % 3 == 0 { "Anthropic" } else { "OpenAI" },
                    service: "API",
                    service_category: "AI and Machine Learning",
                    service_subcategory: Some("Generative AI"),
                    start,
                    end: start + Duration::days(1),
                    cost: Decimal::new(cents, 2),
                },
                &[&sub],
            );
            r.sub_account_id = Some(sub.clone());
            r.model = Some(format!("model-{}", i % 5));
            r.token_type = Some("input".to_string());
            r.consumed_quantity = Some(Decimal::from(cents * 1000));
            r.consumed_unit = Some("Tokens".to_string());
            r.requests = Some(cents / 10);
            rows.push(r);
        }
    }
    rows
}

fn ledger(rows: &[LedgerRow]) -> Store {
    let store = Store::open_in_memory().expect("store");
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "bench".into(),
            },
            rows,
        )
        .expect("ingest");
    store
}

/// What a sync does to the store: re-ingests the last day of the ledger (the same rows), which
/// is a real ledger write, so every cache keyed by the ledger's write generation (the
/// allocation and the daily aggregate) is cold again. Run as un-timed setup.
fn resync_last_day(store: &Store, rows: &[LedgerRow]) {
    let start = rows
        .iter()
        .map(|r| r.charge_period_start)
        .max()
        .expect("rows");
    let end = start + Duration::days(1);
    let last: Vec<LedgerRow> = rows
        .iter()
        .filter(|r| r.charge_period_start >= start && r.charge_period_start < end)
        .cloned()
        .collect();
    store
        .ingest_rows(
            &IngestScope::Window {
                source: "bench".into(),
                start,
                end,
            },
            &last,
        )
        .expect("resync");
}

fn bench(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let config = config();
    let rows = rows(today);
    let store = ledger(&rows);
    let fresh = || resync_last_day(&store, &rows);
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    // Every measurement starts from a fresh ledger write, as after a sync: the allocation (and
    // anything else cached per write) is rebuilt inside the timed part.
    g.bench_function(
        "gates + forecast + spikes + deps, 3y x 200 use cases",
        |b| {
            b.iter_batched(
                fresh,
                |()| {
                    let gates = tollgate::gates::evaluate(&store, &config, today).expect("gates");
                    let forecast =
                        tollgate::forecast::run(&store, &config, today, &[]).expect("forecast");
                    let spikes =
                        tollgate::spikes::spikes(&store, &config, today, None).expect("spikes");
                    let deps = tollgate::deps::list(&store, &config, today).expect("deps");
                    (gates, forecast, spikes, deps)
                },
                BatchSize::PerIteration,
            )
        },
    );
    g.bench_function("gates alone", |b| {
        b.iter_batched(
            fresh,
            |()| tollgate::gates::evaluate(&store, &config, today).expect("gates"),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("forecast alone", |b| {
        b.iter_batched(
            fresh,
            |()| tollgate::forecast::run(&store, &config, today, &[]).expect("f"),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("spikes alone", |b| {
        b.iter_batched(
            fresh,
            |()| tollgate::spikes::spikes(&store, &config, today, None).expect("s"),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("deps alone", |b| {
        b.iter_batched(
            fresh,
            |()| tollgate::deps::list(&store, &config, today).expect("d"),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

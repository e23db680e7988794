//! The decision engine at scale (issue 4): 3 years x 200 use cases of daily rows; gates,
//! forecast, spikes and dependencies computed together, as the cockpit does after a sync (each
//! measurement starts from a fresh ledger write, so the allocation is rebuilt inside it).
//! Run with `cargo bench --bench engine` (release profile).

// The cockpit bench uses the request-level rows of the same generator; this one does not.
#[allow(dead_code)]
#[path = "support/scale.rs"]
mod scale;

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use tollgate::normalize::LedgerRow;
use tollgate::store::{IngestScope, Store};

fn ledger(rows: &[LedgerRow]) -> Store {
    let store = Store::open_in_memory().expect("store");
    scale::ingest(&store, rows);
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
    let config = scale::config();
    let rows = scale::daily_rows(today);
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

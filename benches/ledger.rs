//! Ledger benchmarks: ingest throughput, the demo write, and a month report on the demo ledger.
//! Run with `cargo bench --bench ledger` (release profile).

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use rust_decimal::Decimal;
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::store::{IngestScope, Store};

fn rows(n: usize) -> Vec<LedgerRow> {
    let start = NaiveDate::from_ymd_opt(2025, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date");
    (0..n)
        .map(|i| {
            let day = start + Duration::days((i % 365) as i64);
            let mut r = LedgerRow::new(
                Charge {
                    source: "bench",
                    provider: "OpenAI",
                    service: "OpenAI API",
                    service_category: "AI and Machine Learning",
                    service_subcategory: Some("Generative AI"),
                    start: day,
                    end: day + Duration::days(1),
                    cost: Decimal::new(i as i64 % 100_000, 6),
                },
                &[&i.to_string()],
            );
            r.sub_account_id = Some(format!("proj_{}", i % 30));
            r.model = Some(format!("model-{}", i % 20));
            r
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = rows(100_000);
    let mut g = c.benchmark_group("ledger");
    g.sample_size(10);
    g.bench_function("ingest 100k rows", |b| {
        b.iter(|| {
            let store = Store::open_in_memory().expect("store");
            store
                .ingest_rows(
                    &IngestScope::Source {
                        source: "bench".into(),
                    },
                    &data,
                )
                .expect("ingest");
        })
    });
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    g.bench_function("demo write (generate + normalise + ingest)", |b| {
        b.iter(|| {
            let store = Store::open_in_memory().expect("store");
            tollgate::demo::write(&store, 42, as_of).expect("demo");
        })
    });
    let store = Store::open_in_memory().expect("store");
    tollgate::demo::write(&store, 42, as_of).expect("demo");
    let config = tollgate::config::parse(tollgate::demo::CONFIG_TOML, "demo").expect("config");
    let month: tollgate::month::Month = "2026-10".parse().expect("month");
    g.bench_function("month report on the demo ledger", |b| {
        b.iter(|| tollgate::report::month_report(&store, &config, month).expect("report"))
    });
    // Time to the first cockpit frame with data: open the demo DB file, load the Overview on
    // the DB side, and render it (what `tollgate demo` does before the user sees numbers).
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("demo.duckdb");
    {
        let s = Store::open(&path).expect("file store");
        tollgate::demo::write(&s, 42, as_of).expect("demo");
    }
    g.bench_function(
        "first cockpit frame on the demo DB (open + load + render 120x40)",
        |b| {
            b.iter(|| {
                let s = Store::open(&path).expect("open");
                let overview = tollgate::overview::load(&s, &config, as_of).expect("overview");
                let mut app = tollgate::tui::App::new(
                    as_of,
                    tollgate::tui::Keymap::default_keys().expect("keys"),
                    tollgate::tui::Theme::no_color(),
                );
                app.update(tollgate::tui::Action::OverviewLoaded(Box::new(overview)));
                let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40))
                    .expect("term");
                term.draw(|f| tollgate::tui::render(f, &app)).expect("draw");
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

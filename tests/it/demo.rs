//! The demo dataset (docs/CONTRACTS.md, "Demo dataset"): the premise numbers and the scenarios the
//! cockpit must surface, checked on a real DuckDB file through the same report code the CLI uses.

use chrono::{Days, NaiveDate};
use duckdb::params;
use rust_decimal::prelude::*;
use tempfile::TempDir;
use tollgate::config::{self, Config, UseCaseKind};
use tollgate::demo::{self, DemoSummary};
use tollgate::month::Month;
use tollgate::report::{month_report, MonthReport};
use tollgate::store::Store;

const SEED: u64 = 42;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
}

fn latest() -> Month {
    "2026-10".parse().expect("month")
}

struct Fixture {
    _dir: TempDir,
    store: Store,
    config: Config,
    summary: DemoSummary,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("demo.duckdb")).expect("open");
    let summary = demo::write(&store, SEED, as_of()).expect("demo writes");
    let text = store
        .setting("config_toml")
        .expect("setting")
        .expect("config stored with the demo");
    let config = config::parse(&text, "demo config").expect("demo config parses");
    Fixture {
        _dir: dir,
        store,
        config,
        summary,
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().expect("f64")
}

fn within(value: f64, target: f64, pct: f64) -> bool {
    (value - target).abs() <= target * pct / 100.0
}

fn category(r: &MonthReport, name: &str) -> f64 {
    r.by_category
        .iter()
        .find(|c| c.category == name)
        .map(|c| f(c.cost))
        .unwrap_or_default()
}

/// Sum of EffectiveCost of rows matching `filter` (SQL over `ledger`) in [start, end).
fn cost(store: &Store, filter: &str, start: NaiveDate, end: NaiveDate) -> f64 {
    let q = format!("SELECT CAST(COALESCE(sum(EffectiveCost), 0) AS DOUBLE) FROM ledger WHERE ({filter}) AND ChargePeriodStart >= ? AND ChargePeriodStart < ?");
    store
        .conn()
        .query_row(
            &q,
            params![start.and_hms_opt(0, 0, 0), end.and_hms_opt(0, 0, 0)],
            |r| r.get(0),
        )
        .expect("cost query")
}

#[test]
fn premise_numbers() {
    let fx = fixture();
    let (store, config) = (&fx.store, &fx.config);
    assert_eq!(fx.summary.latest_complete_month, latest());
    assert_eq!(fx.summary.months, 15);
    assert!(
        (30_000..=80_000).contains(&fx.summary.rows),
        "{} rows",
        fx.summary.rows
    );

    // 14 complete months plus the month in progress, up to and including as_of
    let (first, last): (String, String) = store
        .conn()
        .query_row("SELECT CAST(min(ChargePeriodStart) AS DATE)::VARCHAR, CAST(max(ChargePeriodStart) AS DATE)::VARCHAR FROM ledger", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("span");
    assert_eq!(
        (first.as_str(), last.as_str()),
        ("2025-09-01", "2026-11-20")
    );

    let r = month_report(store, config, latest()).expect("report");
    assert_eq!(
        r.total,
        tollgate::money::cents(fx.summary.latest_complete_total)
    );
    let total = f(r.total);
    assert!(
        within(total, 30_000.0, 5.0),
        "latest complete month total {total}"
    );
    for (name, target) in [
        ("llm_api", 22_000.0),
        ("embeddings_vector", 5_000.0),
        ("experimentation", 3_000.0),
    ] {
        let c = category(&r, name);
        assert!(within(c, target, 10.0), "{name}: {c}");
    }
    assert_eq!(r.unpriced_tokens, 0);
    let unallocated = f(r.unallocated) / total;
    assert!(
        (0.03..=0.08).contains(&unallocated),
        "unallocated share {unallocated}"
    );

    // 3.8x the same month a year earlier
    let year_ago = month_report(store, config, latest().plus(-12)).expect("report");
    let ratio = total / f(year_ago.total);
    assert!(within(ratio, 3.8, 10.0), "year over year {ratio}");

    // at least 8 use cases of all four kinds, all with spend
    assert!(config.use_cases.len() >= 8);
    for kind in [
        UseCaseKind::Feature,
        UseCaseKind::Pilot,
        UseCaseKind::Platform,
        UseCaseKind::Experiment,
    ] {
        assert!(config.use_cases.iter().any(|u| u.kind == kind), "{kind:?}");
    }
    for u in &config.use_cases {
        let c = r
            .by_use_case
            .iter()
            .find(|x| x.use_case == u.id)
            .map(|x| f(x.cost))
            .unwrap_or_default();
        assert!(c > 100.0, "{} has no spend ({c})", u.id);
    }

    // outcome values for the three premise metrics in the latest complete month
    for (uc, metric) in [
        ("assistant", "wau"),
        ("support-deflection", "tickets_deflected"),
        ("code-review", "prs_generated"),
    ] {
        let line = r.by_use_case.iter().find(|x| x.use_case == uc).expect(uc);
        assert_eq!(line.outcome_metric.as_deref(), Some(metric));
        assert!(
            line.outcome_value.is_some_and(|v| v > Decimal::ZERO),
            "{uc}"
        );
        assert!(line.cost_per_outcome.is_some(), "{uc}");
    }

    // Anthropic's share of LLM provider spend grows
    let share = |m: Month| {
        let (s, e) = (m.first_day(), m.next().first_day());
        let an = cost(store, "ProviderName = 'Anthropic'", s, e);
        an / (an + cost(store, "ProviderName = 'OpenAI'", s, e))
    };
    let (now, then) = (share(latest()), share(latest().plus(-12)));
    assert!(now > then + 0.1, "Anthropic share {then:.3} -> {now:.3}");

    // the demo remembers what it is
    assert_eq!(
        store.setting("demo").expect("setting").as_deref(),
        Some("seed=42;as_of=2026-11-20")
    );
    assert_eq!(
        store.setting("config_toml").expect("setting").as_deref(),
        Some(demo::CONFIG_TOML)
    );
}

#[test]
fn scenarios_the_cockpit_surfaces() {
    let fx = fixture();
    let (store, config) = (&fx.store, &fx.config);
    let r = month_report(store, config, latest()).expect("report");
    let gates = &config.gates;

    // G1: exactly one feature above $3,000 and above twice its prior month
    let g1: Vec<_> = r
        .by_use_case
        .iter()
        .filter(|u| u.kind == "feature")
        .filter(|u| {
            u.cost > gates.feature_min_usd
                && u.prior_month_cost
                    .is_some_and(|p| u.cost > p * gates.feature_growth)
        })
        .map(|u| u.use_case.as_str())
        .collect();
    assert_eq!(g1, ["doc-summaries"]);

    // G2: exactly one pilot above $1,000 with no outcome value for the month
    let g2: Vec<_> = r
        .by_use_case
        .iter()
        .filter(|u| u.kind == "pilot" && u.cost > gates.pilot_min_usd && u.outcome_value.is_none())
        .map(|u| u.use_case.as_str())
        .collect();
    assert_eq!(g2, ["sales-assist"]);
    let sales = r
        .by_use_case
        .iter()
        .find(|u| u.use_case == "sales-assist")
        .expect("sales");
    assert!(
        sales
            .prior_month_cost
            .is_some_and(|p| p < gates.pilot_min_usd),
        "it crosses $1,000 this month"
    );

    // G3: no complete month over the line, but the month in progress is projected over it
    let line = f(gates.approved_baseline_usd) * (1.0 + f(gates.jump_pct) / 100.0);
    assert!(f(r.total) < line);
    let last14 = cost(
        store,
        "true",
        as_of() - Days::new(13),
        as_of() + Days::new(1),
    );
    let projected = last14 / 14.0 * f64::from(Month::of(as_of()).days());
    assert!(projected > line, "projected {projected:.0} vs {line:.0}");

    // a single-day spike: a retry loop sends 6x the requests on one model of one use case
    let data = demo::generate(SEED, as_of());
    let (spike_day, model) = data.spike();
    let requests = |day: NaiveDate| -> i64 {
        store
            .conn()
            .query_row(
                "SELECT CAST(COALESCE(sum(x_Requests), 0) AS BIGINT) FROM ledger WHERE SubAccountId = 'proj_support' AND x_Model = ? AND CAST(ChargePeriodStart AS DATE) = ?",
                params![model, day],
                |r| r.get(0),
            )
            .expect("requests")
    };
    let mut before: Vec<i64> = (1..=28)
        .map(|d| requests(spike_day - Days::new(d)))
        .collect();
    before.sort_unstable();
    let median = before[before.len() / 2] as f64;
    let on_the_day = requests(spike_day) as f64;
    assert!(
        on_the_day > 4.0 * median,
        "requests {on_the_day} vs median {median}"
    );
    let day_cost = |d: NaiveDate| cost(store, "SubAccountId = 'proj_support'", d, d + Days::new(1));
    let usual = day_cost(spike_day - Days::new(7));
    assert!(
        day_cost(spike_day) > 3.0 * usual,
        "spike cost {} vs {usual}",
        day_cost(spike_day)
    );

    // the flagship's per-token price doubles partway through the history
    let (doubled_on, flagship) = data.price_doubling();
    let unit_price = |from: NaiveDate, to: NaiveDate| -> f64 {
        store
            .conn()
            .query_row(
                "SELECT CAST(sum(EffectiveCost) / sum(ConsumedQuantity) AS DOUBLE) FROM ledger WHERE x_Model = ? AND x_TokenType = 'output' AND ChargePeriodStart >= ? AND ChargePeriodStart < ?",
                params![flagship, from.and_hms_opt(0, 0, 0), to.and_hms_opt(0, 0, 0)],
                |r| r.get(0),
            )
            .expect("unit price")
    };
    let old = unit_price(doubled_on - Days::new(30), doubled_on);
    let new = unit_price(doubled_on, doubled_on + Days::new(30));
    assert!(within(new / old, 2.0, 1.0), "price {old} -> {new}");
    assert!(
        doubled_on > NaiveDate::from_ymd_opt(2025, 9, 1).expect("date") && doubled_on < as_of()
    );

    // a few dependencies reviewed, most not
    let reviewed: i64 = store
        .conn()
        .query_row(
            "SELECT count(DISTINCT dep_key) FROM dependency_reviews",
            [],
            |r| r.get(0),
        )
        .expect("reviews");
    let deps: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM (SELECT DISTINCT a.use_case, l.ProviderName, COALESCE(l.x_Model, l.ServiceName) FROM ledger l JOIN dim_alloc a USING (x_DimKey) WHERE a.use_case IS NOT NULL)",
            [],
            |r| r.get(0),
        )
        .expect("dependencies");
    assert!(
        reviewed >= 3 && reviewed * 3 < deps,
        "{reviewed} of {deps} reviewed"
    );
    let classes: i64 = store
        .conn()
        .query_row(
            "SELECT count(DISTINCT class) FROM dependency_reviews",
            [],
            |r| r.get(0),
        )
        .expect("classes");
    assert_eq!(classes, 3);
}

fn ledger(store: &Store) -> Vec<(String, String)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT x_RowKey, CAST(EffectiveCost AS VARCHAR) FROM ledger ORDER BY 1")
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

fn counts(store: &Store) -> (i64, i64, i64) {
    store
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM ledger), (SELECT count(*) FROM outcomes), (SELECT count(*) FROM dependency_reviews)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("counts")
}

#[test]
fn deterministic_for_a_seed_and_rewritable() {
    let a = Store::open_in_memory().expect("store");
    demo::write(&a, SEED, as_of()).expect("write");
    let b = Store::open_in_memory().expect("store");
    demo::write(&b, SEED, as_of()).expect("write");
    let first = ledger(&a);
    assert_eq!(first, ledger(&b));

    // writing the demo again replaces it rather than adding to it
    let before = counts(&a);
    demo::write(&a, SEED, as_of()).expect("rewrite");
    assert_eq!(counts(&a), before);
    assert_eq!(ledger(&a), first);

    // another seed gives other costs
    let c = Store::open_in_memory().expect("store");
    demo::write(&c, SEED + 1, as_of()).expect("write");
    assert_ne!(ledger(&c), first);
}

/// The demo carries its own price history (including the flagship's doubling), so usage x
/// price reproduces what the demo's providers billed, to the cent, in every month: a
/// reconcile "mismatch" on the demo would read as a bug.
#[test]
fn reconcile_agrees_with_the_bill_in_every_month() {
    let fx = fixture();
    let mut month: Month = "2025-09".parse().expect("month");
    while month <= latest() {
        let r = tollgate::reconcile::reconcile(&fx.store, month).expect("reconcile");
        assert_eq!(r.providers.len(), 2, "{month}: OpenAI and Anthropic");
        for p in &r.providers {
            assert_eq!(p.status.as_str(), "ok", "{month} {}", p.provider);
            assert_eq!(p.billed, p.usage_x_price, "{month} {}", p.provider);
            assert_eq!(p.unpriced_tokens, 0, "{month} {}", p.provider);
        }
        month = month.next();
    }
    // Rewriting the demo replaces its prices rather than stacking them.
    let before: i64 = fx
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM prices WHERE origin = 'demo'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    demo::write(&fx.store, SEED, as_of()).expect("rewrite");
    let after: i64 = fx
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM prices WHERE origin = 'demo'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(before > 0);
    assert_eq!(before, after);
}

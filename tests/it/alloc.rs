//! Allocation v2: shared rows split by each use case's tokens or requests, per month; parts
//! always add up to the whole.

use super::common::openai_day;
use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::store::{IngestScope, Store};

const CONFIG: &str = r#"
[[use_cases]]
id = "a"
name = "A"
kind = "feature"

[[use_cases]]
id = "b"
name = "B"
kind = "feature"

[[use_cases]]
id = "c"
name = "C"
kind = "platform"

[[rules]]
use_case = "a"
match = { sub_account = "proj_a" }

[[rules]]
use_case = "b"
match = { sub_account = "proj_b" }

[[rules]]
use_case = "c"
match = { sub_account = "proj_c" }

[[rules]]
split_by = "tokens"
use_cases = ["a", "b"]
match = { provider = "Pinecone" }

[[rules]]
split_by = "requests"
match = { provider = "Qdrant" }
"#;

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn usage(day: NaiveDate, sub: &str, cost: &str, tokens: i64, requests: i64, n: usize) -> LedgerRow {
    let start = day.and_hms_opt(0, 0, 0).expect("t");
    let mut r = openai_day(start, d(cost), &[sub, &n.to_string()]);
    r.sub_account_id = Some(sub.to_string());
    r.consumed_quantity = Some(Decimal::from(tokens));
    r.consumed_unit = Some("Tokens".to_string());
    r.requests = Some(requests);
    r
}

fn shared(provider: &str, day: NaiveDate, cost: &str) -> LedgerRow {
    let start = day.and_hms_opt(0, 0, 0).expect("t");
    LedgerRow::new(
        Charge {
            source: "vector",
            provider,
            service: provider,
            service_category: "Databases",
            service_subcategory: None,
            start,
            end: start + chrono::Duration::days(1),
            cost: d(cost),
        },
        &[provider],
    )
}

fn ledger() -> Store {
    let store = Store::open_in_memory().expect("store");
    let sep = NaiveDate::from_ymd_opt(2026, 9, 10).expect("d");
    let oct = NaiveDate::from_ymd_opt(2026, 10, 10).expect("d");
    let nov = NaiveDate::from_ymd_opt(2026, 11, 10).expect("d");
    let rows = vec![
        // September: a 300 tokens / 1 request, b 100 tokens / 3 requests, c 0 tokens / 6 requests
        usage(sep, "proj_a", "1", 300, 1, 1),
        usage(sep, "proj_b", "1", 100, 3, 2),
        usage(sep, "proj_c", "1", 0, 6, 3),
        // October: a and b equal on tokens
        usage(oct, "proj_a", "1", 50, 1, 4),
        usage(oct, "proj_b", "1", 50, 1, 5),
        // November: only c has usage
        usage(nov, "proj_c", "1", 10, 0, 6),
    ];
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".into(),
            },
            &rows,
        )
        .expect("usage");
    let vec_rows = vec![
        shared("Pinecone", sep, "10.00"),
        shared("Pinecone", oct, "10.01"),
        shared("Pinecone", nov, "7.00"),
        shared("Qdrant", sep, "1.00"),
    ];
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "vector".into(),
            },
            &vec_rows,
        )
        .expect("vector");
    store
}

fn report(store: &Store, month: &str) -> tollgate::report::MonthReport {
    let config = tollgate::config::parse(CONFIG, "t.toml").expect("config");
    tollgate::report::month_report(store, &config, month.parse().expect("month")).expect("report")
}

fn cost(r: &tollgate::report::MonthReport, id: &str) -> Decimal {
    r.by_use_case
        .iter()
        .find(|u| u.use_case == id)
        .map(|u| u.cost)
        .unwrap_or_default()
}

fn adds_up(r: &tollgate::report::MonthReport) {
    let parts: Decimal = r.by_use_case.iter().map(|u| u.cost).sum::<Decimal>() + r.unallocated;
    assert_eq!(
        parts, r.total,
        "use cases + unallocated = total in {}",
        r.month
    );
}

#[test]
fn split_by_tokens_and_requests_follow_each_months_usage() {
    let store = ledger();
    let sep = report(&store, "2026-09");
    adds_up(&sep);
    // Pinecone $10 by tokens 300:100 -> a 7.50, b 2.50; Qdrant $1 by requests 1:3:6 over a, b, c.
    assert_eq!(cost(&sep, "a"), d("1") + d("7.50") + d("0.10"));
    assert_eq!(cost(&sep, "b"), d("1") + d("2.50") + d("0.30"));
    assert_eq!(cost(&sep, "c"), d("1") + d("0.60"));
    assert_eq!(sep.unallocated, Decimal::ZERO);

    let oct = report(&store, "2026-10");
    adds_up(&oct);
    // 10.01 split 50:50 -> 5.005 each, rounded to cents so the lines still add up to 12.01.
    assert_eq!(cost(&oct, "a") + cost(&oct, "b"), d("12.01"));
    assert!((cost(&oct, "a") - cost(&oct, "b")).abs() <= d("0.01"));
}

#[test]
fn a_month_without_usage_to_weigh_by_stays_unallocated() {
    let store = ledger();
    let nov = report(&store, "2026-11");
    adds_up(&nov);
    // a and b have no tokens in November: Pinecone's $7 is shown as unallocated, not guessed.
    assert_eq!(nov.unallocated, d("7.00"));
    assert_eq!(cost(&nov, "c"), d("1"));
}

#[test]
fn use_cases_is_only_for_split_by() {
    let bad = format!("{CONFIG}\n[[rules]]\nuse_case = \"a\"\nuse_cases = [\"b\"]\nmatch = {{ provider = \"X\" }}\n");
    let e = tollgate::config::parse(&bad, "t.toml").expect_err("use_cases without split_by");
    assert!(
        e.to_string().contains("use_cases goes with split_by"),
        "{e}"
    );
}

#[test]
fn large_rows_allocate_exactly() {
    let store = Store::open_in_memory().expect("store");
    let day = NaiveDate::from_ymd_opt(2026, 9, 1).expect("d");
    let rows = vec![
        usage(day, "proj_a", "987654321.123456789", 10, 1, 1),
        usage(day, "proj_b", "12345.678901", 30, 1, 2),
    ];
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".into(),
            },
            &rows,
        )
        .expect("usage");
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "vector".into(),
            },
            &[shared("Pinecone", day, "55555.55")],
        )
        .expect("vector");
    let r = report(&store, "2026-09");
    adds_up(&r);
    assert_eq!(r.total, d("987722222.35"));
    // Pinecone split 10:30 by tokens: a 13888.8875, b 41666.6625
    assert_eq!(cost(&r, "b"), d("54012.34"));
}

/// Reports read the rollups: whole months the monthly one (`Store::months`), ranges of days
/// the daily one (the month_* queries). Sums over the ledger rows of the same months must be
/// equal to the last digit, with usage-weighted splits in play.
#[test]
fn rollup_month_queries_equal_the_ledger_rows() {
    use tollgate::store::queries;
    let store = ledger();
    let config = tollgate::config::parse(CONFIG, "t.toml").expect("config");
    store.refresh_allocation(&config).expect("allocation");
    // (name, cost) pairs of a query over [start, end): day bounds for the daily rollup,
    // midnights for the ledger rows.
    let pairs = |query: &str, start: &dyn duckdb::ToSql, end: &dyn duckdb::ToSql| {
        let mut stmt = store.conn().prepare(query).expect("prepare");
        let rows = stmt
            .query_map([start, end], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    r.get::<_, Decimal>(1)?,
                ))
            })
            .expect("query");
        rows.map(|r| r.expect("row"))
            .collect::<HashMap<String, Decimal>>()
    };
    const LEDGER_TOTAL: &str = "SELECT 'total', coalesce(sum(EffectiveCost), 0) FROM ledger \
         WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?";
    const LEDGER_BY_PROVIDER: &str = "SELECT ProviderName, sum(EffectiveCost) \
         FROM ledger WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ? GROUP BY 1";
    const LEDGER_BY_USE_CASE: &str = "SELECT x_UseCase, sum(x_AllocatedCost) \
         FROM ledger_alloc WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ? GROUP BY 1";
    const LEDGER_BY_CATEGORY: &str = "SELECT x_Category, sum(x_AllocatedCost) \
         FROM ledger_alloc WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ? GROUP BY 1";
    for month in ["2026-08", "2026-09", "2026-10", "2026-11"] {
        let m: tollgate::month::Month = month.parse().expect("month");
        let (start, end) = m.bounds();
        let (first, next) = (m.first_day(), m.next().first_day());
        let ledger = |q: &str| pairs(q, &start, &end);
        let daily = |q: &str| pairs(q, &first, &next);
        let total = ledger(LEDGER_TOTAL).remove("total").unwrap_or_default();
        let by_provider = ledger(LEDGER_BY_PROVIDER);
        let mut by_use_case = ledger(LEDGER_BY_USE_CASE);
        let by_category = ledger(LEDGER_BY_CATEGORY);

        // The daily rollup, over the month's days.
        let mut totals = store
            .conn()
            .prepare(queries::TOTALS_OVER_DAYS)
            .expect("prepare");
        let daily_total: Decimal = totals
            .query_row(duckdb::params![first, next], |r| r.get(0))
            .expect("total");
        assert_eq!(daily_total, total, "{month}: daily total");
        assert_eq!(
            daily(queries::PROVIDERS_OVER_DAYS),
            by_provider,
            "{month}: daily providers"
        );
        assert_eq!(
            daily(queries::USE_CASES_OVER_DAYS),
            by_use_case,
            "{month}: daily use cases"
        );
        assert_eq!(
            daily(queries::CATEGORIES_OVER_DAYS),
            by_category,
            "{month}: daily categories"
        );

        // The monthly rollup, every month at once.
        let alloc = store.month_allocation(m).expect("allocation");
        assert_eq!(alloc.total, total, "{month}: total");
        assert_eq!(
            store
                .month_providers(m)
                .expect("providers")
                .into_iter()
                .collect::<HashMap<_, _>>(),
            by_provider,
            "{month}: providers"
        );
        let unallocated = by_use_case.remove("").unwrap_or_default();
        assert_eq!(alloc.by_use_case, by_use_case, "{month}: use cases");
        assert_eq!(alloc.unallocated, unallocated, "{month}: unallocated");
        assert_eq!(alloc.by_category, by_category, "{month}: categories");
    }
    let september = store
        .month_allocation("2026-09".parse().expect("month"))
        .expect("allocation");
    assert!(
        september.by_use_case.len() >= 3,
        "the split gave several use cases: {:?}",
        september.by_use_case
    );
}

/// Every month's allocation is read once per ledger write and allocation: a write, or another
/// config, gives new numbers at once.
#[test]
fn month_allocation_follows_writes_and_config_changes() {
    let store = ledger();
    let config = tollgate::config::parse(CONFIG, "t.toml").expect("config");
    let september: tollgate::month::Month = "2026-09".parse().expect("month");
    store.refresh_allocation(&config).expect("allocation");
    let before = store.month_allocation(september).expect("before");
    assert_eq!(store.month_allocation(september).expect("again"), before);

    let day = NaiveDate::from_ymd_opt(2026, 9, 20).expect("d");
    store
        .ingest_rows(
            &IngestScope::Window {
                source: "openai".into(),
                start: day.and_hms_opt(0, 0, 0).expect("t"),
                end: day.and_hms_opt(23, 0, 0).expect("t"),
            },
            &[usage(day, "proj_a", "10.00", 5, 1, 99)],
        )
        .expect("write");
    store.refresh_allocation(&config).expect("allocation");
    let after = store.month_allocation(september).expect("after");
    assert_eq!(after.total, before.total + d("10.00"));

    // No rules: the whole month is unallocated.
    let bare = tollgate::config::parse("", "bare.toml").expect("config");
    store.refresh_allocation(&bare).expect("allocation");
    let unruled = store.month_allocation(september).expect("no rules");
    assert_eq!(unruled.unallocated, after.total);
    assert!(unruled.by_use_case.is_empty(), "{:?}", unruled.by_use_case);
    assert_eq!(
        store
            .month_allocation("2031-01".parse().expect("month"))
            .expect("empty month"),
        tollgate::report::MonthAllocation::default(),
        "a month without rows is $0"
    );
}

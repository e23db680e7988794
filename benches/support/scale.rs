//! A ledger at the scale the benchmarks name: 3 years x 200 use cases of daily rows, and
//! optionally a million request-level rows (hourly, per API key and token type) on top.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use tollgate::config::Config;
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::store::{IngestScope, Store};

pub const USE_CASES: usize = 200;
pub const DAYS: i64 = 3 * 365;

/// 200 use cases of the four kinds, each owning one sub-account.
pub fn config() -> Config {
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

fn row(i: usize, start: chrono::NaiveDateTime, hours: i64, cents: i64, key: &str) -> LedgerRow {
    let sub = format!("proj_{i}");
    let mut r = LedgerRow::new(
        Charge {
            source: "bench",
            provider: if i.is_multiple_of(3) {
                "Anthropic"
            } else {
                "OpenAI"
            },
            service: "API",
            service_category: "AI and Machine Learning",
            service_subcategory: Some("Generative AI"),
            start,
            end: start + Duration::hours(hours),
            cost: Decimal::new(cents, 2),
        },
        &[&sub, key],
    );
    r.sub_account_id = Some(sub);
    r.model = Some(format!("model-{}", i % 5));
    r.token_type = Some("input".to_string());
    r.consumed_quantity = Some(Decimal::from(cents * 1000));
    r.consumed_unit = Some("Tokens".to_string());
    r.requests = Some(cents / 10);
    r
}

/// Daily rows: growth ~3.8x a year, a weekly wobble, and a spike now and then.
pub fn daily_rows(today: NaiveDate) -> Vec<LedgerRow> {
    let first = today - Duration::days(DAYS);
    let mut rows = Vec::with_capacity(USE_CASES * DAYS as usize);
    for i in 0..USE_CASES {
        for d in 0..DAYS {
            let start = (first + Duration::days(d)).and_hms_opt(0, 0, 0).expect("t");
            let base = 5.0 + (i % 17) as f64;
            let growth = (1.0 + 0.0037f64).powi(d as i32);
            let wobble = 1.0 + 0.1 * ((d % 7) as f64 / 7.0);
            let spike = if (d + i as i64) % 97 == 0 { 5.0 } else { 1.0 };
            let cents = (base * growth * wobble * spike * 100.0).round() as i64;
            rows.push(row(i, start, 24, cents, "daily"));
        }
    }
    rows
}

/// `n` request-level rows over the hours before `today`: each use case's traffic through ten
/// API keys and two token types, one row per hour, key and token type.
pub fn request_rows(today: NaiveDate, n: usize) -> Vec<LedgerRow> {
    let end = today.and_hms_opt(0, 0, 0).expect("t");
    let per_hour = USE_CASES * 2;
    let hours = n.div_ceil(per_hour) as i64;
    let mut rows = Vec::with_capacity(n);
    'fill: for h in 0..hours {
        let start = end - Duration::hours(hours - h);
        for i in 0..USE_CASES {
            for t in 0..2 {
                if rows.len() == n {
                    break 'fill;
                }
                let key = format!("key_{i}_{}:{t}", h % 10);
                let mut r = row(i, start, 1, 1 + ((h as usize + i + t) % 40) as i64, &key);
                r.api_key_id = Some(format!("key_{i}_{}", h % 10));
                r.token_type = Some(if t == 0 { "input" } else { "output" }.to_string());
                rows.push(r);
            }
        }
    }
    rows
}

/// Writes `rows` as the `bench` source.
pub fn ingest(store: &Store, rows: &[LedgerRow]) {
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "bench".into(),
            },
            rows,
        )
        .expect("ingest");
}

//! `tollgate sync` against the fake Google token endpoint and BigQuery: JWT token exchange with
//! the test-only key, jobComplete false then true, pages of rows, exact monthly totals (cost +
//! credits), labels as Tags allocated by rules, categories, incremental by export_time, and a
//! refused key leaving the DB as it was.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::common::*;
use crate::fake_bigquery::{self as fb, BqSpec, ExportRow, FakeBigQuery};
use crate::sync_aws::{date, entry_cost, json_dec, report, run, strings, sums};

const TODAY: &str = "2026-04-12";

fn config(fake: &FakeBigQuery) -> String {
    format!(
        r#"[sources.gcp]
kind = "gcp"
project = "{}"
table = "{}"
location = "US"
bigquery_url = "{}"
token_url = "{}"

[[use_cases]]
id = "search"
name = "Search"
kind = "feature"

[[use_cases]]
id = "research"
name = "Research"
kind = "experiment"

[[rules]]
use_case = "search"
match = {{ tag = "team=search" }}

[[rules]]
use_case = "research"
match = {{ tag = "team=research" }}
"#,
        fb::PROJECT,
        fb::TABLE,
        fake.base_url(),
        fake.token_url()
    )
}

fn start(polls: usize, page_rows: usize) -> (Env, FakeBigQuery, String) {
    let env = Env::new();
    let fake = FakeBigQuery::start(BqSpec {
        seed: 11,
        start: date("2026-02-01"),
        days: 71,
        polls,
        page_rows,
    });
    env.write("cfg.toml", &config(&fake));
    let key = env.write("sa.json", &fake.key_json());
    (env, fake, key.display().to_string())
}

fn sync(env: &Env, today: &str, key: &str) -> super::sync_aws::Run {
    let r = run(
        env,
        today,
        &[("GOOGLE_APPLICATION_CREDENTIALS", key)],
        &["sync"],
    );
    assert_eq!(r.code, 0, "sync failed:\n{}\n{}", r.stdout, r.stderr);
    r
}

#[test]
fn backfill_polls_pages_and_matches_monthly_totals() {
    let (env, fake, key) = start(2, 100);
    let r = sync(&env, TODAY, &key);
    // 71 days x 4 SKUs = 284 rows: token + jobs.query + 1 more incomplete poll + 3 pages
    assert_eq!(fake.tokens_issued(), 1);
    assert_eq!(fake.control.count("/token"), 1);
    assert_eq!(fake.control.count("/queries"), 1);
    assert_eq!(fake.control.count("/results"), 4);
    assert!(
        r.stderr.contains("gcp: 284 rows") && r.stderr.contains("(6 requests)"),
        "{}",
        r.stderr
    );

    let want: std::collections::BTreeMap<_, _> = fake
        .monthly(|_| true)
        .into_iter()
        .map(|(k, (a, b))| (k, (a.normalize(), b.normalize())))
        .collect();
    assert_eq!(
        sums(
            &env.db(),
            "strftime(ChargePeriodStart, '%Y-%m')",
            "x_Source = 'gcp'"
        ),
        want
    );
    for month in ["2026-02", "2026-03", "2026-04"] {
        let rep = report(&env, TODAY, month);
        assert_eq!(
            json_dec(&rep["total"]),
            tollgate::money::cents(want[month].1),
            "{month}"
        );
        assert_eq!(
            entry_cost(&rep, "by_provider", "provider", "Google Cloud"),
            tollgate::money::cents(want[month].1)
        );
    }

    // labels -> Tags -> use cases; projects -> SubAccount; categories by what the SKU is
    let rows = strings(
        &env.db(),
        "SELECT DISTINCT l.ChargeDescription, l.SubAccountId, l.Tags, l.x_Model, l.PricingCategory, a.x_Category, a.x_UseCase \
         FROM ledger l JOIN ledger_alloc a USING (x_RowKey) ORDER BY 1",
    );
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        rows,
        vec![
            vec![
                s("Gemini 2.5 Pro Input Tokens"),
                s("ml-prod"),
                s("{\"team\":\"search\"}"),
                s("Gemini 2.5 Pro"),
                s("Standard"),
                s("llm_api"),
                s("search")
            ],
            vec![
                s("Nvidia H100 80GB GPU running in Americas (Spot)"),
                s("research-sandbox"),
                s("{\"team\":\"research\"}"),
                None,
                s("Dynamic"),
                s("experimentation"),
                s("research")
            ],
            vec![
                s("Standard Storage US Multi-region"),
                s("ml-prod"),
                None,
                None,
                s("Standard"),
                s("other"),
                None
            ],
            vec![
                s("Text Embedding 005 Input Characters"),
                s("ml-prod"),
                s("{\"team\":\"search\"}"),
                s("Text Embedding 005"),
                s("Standard"),
                s("embeddings_vector"),
                s("search")
            ],
        ]
    );
    let rep = report(&env, TODAY, "2026-03");
    let research: Decimal = fake
        .rows()
        .iter()
        .filter(|r| r.cell == 2 && r.day.format("%Y-%m").to_string() == "2026-03")
        .map(|r| r.cost + r.credits)
        .sum();
    assert!(
        (entry_cost(&rep, "by_use_case", "use_case", "research") - research).abs()
            <= Decimal::new(1, 2)
    );
}

#[test]
fn late_export_rows_refetch_their_day_outside_the_trailing_window() {
    let (env, fake, key) = start(0, 1000);
    sync(&env, TODAY, &key);
    let bodies = fake.query_bodies();
    assert_eq!(bodies.len(), 1);

    // a correction for 2026-02-10, exported after the first sync
    fake.add_row(ExportRow {
        day: date("2026-02-10"),
        cell: 0,
        cost: Decimal::new(-1_250_000, 6),
        credits: Decimal::ZERO,
        export_time: date("2026-04-13").and_hms_opt(9, 30, 0).expect("t"),
    });
    let r = sync(&env, TODAY, &key);
    let body = fake.query_bodies().pop().expect("second query");
    let param = |name: &str| {
        body["queryParameters"]
            .as_array()
            .expect("params")
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| {
                p["parameterValue"]["value"]
                    .as_str()
                    .expect("value")
                    .to_string()
            })
            .expect("param")
    };
    // the trailing window starts 04-10; the last export seen was 2026-04-13 06:00 (day 04-12's)
    assert_eq!(param("start"), "2026-04-10 00:00:00.000000 UTC");
    assert_eq!(param("last_export"), "2026-04-13 06:00:00.000000 UTC");
    assert!(r.stderr.contains("fetching 2026-04-10"), "{}", r.stderr);
    let want = fake.monthly(|_| true);
    let got = sums(&env.db(), "strftime(ChargePeriodStart, '%Y-%m')", "true");
    assert_eq!(
        got["2026-02"],
        (want["2026-02"].0.normalize(), want["2026-02"].1.normalize())
    );
    assert_eq!(
        got["2026-04"],
        (want["2026-04"].0.normalize(), want["2026-04"].1.normalize())
    );
    let day = |d: NaiveDate| -> Decimal {
        fake.rows()
            .iter()
            .filter(|r| r.day == d && r.cell == 0)
            .map(|r| r.cost)
            .sum()
    };
    let feb10 = strings(
        &env.db(),
        "SELECT CAST(BilledCost AS VARCHAR) FROM ledger WHERE ChargePeriodStart = '2026-02-10' AND x_Model = 'Gemini 2.5 Pro'",
    );
    assert_eq!(feb10.len(), 1);
    assert_eq!(
        feb10[0][0]
            .as_deref()
            .map(|v| v.parse::<Decimal>().expect("d").normalize()),
        Some(day(date("2026-02-10")).normalize())
    );

    // nothing new: the next sync's watermark moved to the correction's export time
    sync(&env, TODAY, &key);
    let body = fake.query_bodies().pop().expect("third query");
    let last = body["queryParameters"][3]["parameterValue"]["value"].clone();
    assert_eq!(last, "2026-04-13 09:30:00.000000 UTC");
}

#[test]
fn refused_service_account_names_source_and_keeps_db() {
    let (env, fake, key) = start(1, 1000);
    sync(&env, TODAY, &key);
    let before = ledger_fingerprint(&env.db());

    // the same private key under another account: the token endpoint refuses the JWT
    let other = fake.key_json().replace(
        fb::CLIENT_EMAIL,
        "intruder@elsewhere.iam.gserviceaccount.com",
    );
    let bad = env.write("bad.json", &other);
    let r = run(
        &env,
        TODAY,
        &[(
            "GOOGLE_APPLICATION_CREDENTIALS",
            bad.to_str().expect("path"),
        )],
        &["sync"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("source gcp") && r.stderr.contains("GOOGLE_APPLICATION_CREDENTIALS"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("invalid_grant"), "{}", r.stderr);
    assert!(!r.stderr.contains("PRIVATE KEY") && !r.stderr.contains(&fb::PRIVATE_KEY[40..80]));
    assert_eq!(ledger_fingerprint(&env.db()), before);

    // a key file that is not a service-account key
    let junk = env.write("junk.json", "{\"type\": \"authorized_user\"}");
    let r = run(
        &env,
        TODAY,
        &[(
            "GOOGLE_APPLICATION_CREDENTIALS",
            junk.to_str().expect("path"),
        )],
        &["sync"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("not a service-account JSON key") && r.stderr.contains("client_email"),
        "{}",
        r.stderr
    );
    assert_eq!(ledger_fingerprint(&env.db()), before);

    // the key JSON in TOLLGATE_GCP_KEY works as well
    let json = fake.key_json();
    let r = run(
        &env,
        TODAY,
        &[("TOLLGATE_GCP_KEY", json.as_str())],
        &["sync"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

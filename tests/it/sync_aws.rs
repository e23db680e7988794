//! `tollgate sync` against the fake Cost Explorer: a 13-month backfill in the fewest signed
//! requests, exact monthly totals, Bedrock and spot-GPU mapping, categories, throttling, tag
//! groups and filters with allocation, a rejected key, a malformed page and estimated periods
//! fetched again until final.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use tollgate::store::Store;

use super::common::*;
use crate::fake_aws::{self as fa, AwsSpec, FakeAws};
use crate::fake_server::Fault;

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The real binary with `--config cfg.toml --db ledger.duckdb`, no stray cloud credentials,
/// and `env` added.
pub fn run(env: &Env, today: &str, envs: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = env.cmd();
    cmd.arg("--config")
        .arg(env.path("cfg.toml"))
        .arg("--db")
        .arg(env.db())
        .args(args)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env("TOLLGATE_TODAY", today)
        .env("TOLLGATE_KEYRING", "none")
        .timeout(Duration::from_secs(120));
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run tollgate");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The fake's access key pair, as the AWS env vars.
pub const AWS_ENV: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", fa::ACCESS_KEY_ID),
    ("AWS_SECRET_ACCESS_KEY", fa::SECRET_ACCESS_KEY),
];

fn sync_ok(env: &Env, today: &str) -> Run {
    let r = run(env, today, &AWS_ENV, &["sync"]);
    assert_eq!(r.code, 0, "sync failed:\n{}\n{}", r.stdout, r.stderr);
    r
}

/// `(group, sum(BilledCost), sum(EffectiveCost))` of the ledger, exact.
pub fn sums(db: &Path, group_sql: &str, filter: &str) -> BTreeMap<String, (Decimal, Decimal)> {
    let store = Store::open(db).expect("open");
    let sql = format!(
        "SELECT {group_sql}, CAST(sum(BilledCost) AS VARCHAR), CAST(sum(EffectiveCost) AS VARCHAR) FROM ledger WHERE {filter} GROUP BY 1 ORDER BY 1"
    );
    let mut stmt = store.conn().prepare(&sql).expect("prepare");
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?
                    .unwrap_or_else(|| "<null>".into()),
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .expect("query");
    rows.map(|r| r.expect("row"))
        .map(|(g, b, e)| {
            let d = |s: &str| s.parse::<Decimal>().expect("decimal").normalize();
            (g, (d(&b), d(&e)))
        })
        .collect()
}

/// Query results as text; `ledger_alloc` is built from `cfg` first.
pub fn strings(db: &Path, sql: &str) -> Vec<Vec<Option<String>>> {
    let store = Store::open(db).expect("open");
    let cfg_path = db.with_file_name("cfg.toml");
    if cfg_path.exists() {
        let cfg = tollgate::config::load_file(&cfg_path).expect("config");
        store.refresh_allocation(&cfg.config).expect("allocation");
    }
    let mut stmt = store.conn().prepare(sql).expect("prepare");
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| r.get::<_, Option<String>>(i))
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

pub fn report(env: &Env, today: &str, month: &str) -> Value {
    let r = run(env, today, &[], &["report", "--month", month, "--json"]);
    assert_eq!(r.code, 0, "report failed: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("report json")
}

pub fn json_dec(v: &Value) -> Decimal {
    v.to_string().trim_matches('"').parse().expect("decimal")
}

pub fn entry_cost(report: &Value, list: &str, key: &str, id: &str) -> Decimal {
    report[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list} in {report}"))
        .iter()
        .find(|p| p[key] == id)
        .map(|p| json_dec(&p["cost"]))
        .unwrap_or_default()
}

fn normalized(m: BTreeMap<String, (Decimal, Decimal)>) -> BTreeMap<String, (Decimal, Decimal)> {
    m.into_iter()
        .map(|(k, (a, b))| (k, (a.normalize(), b.normalize())))
        .collect()
}

fn config(fake: &FakeAws, extra: &str) -> String {
    format!(
        "[sources.aws]\nkind = \"aws\"\nendpoint_url = \"{}\"\n{extra}\n",
        fake.base_url()
    )
}

const TODAY: &str = "2026-04-12";

/// 2025-02-01 .. 2026-06-30: more than the 13-month window on both sides.
fn big_fake(page_groups: usize) -> FakeAws {
    let mut spec = AwsSpec::new(date("2025-02-01"), 515);
    spec.page_groups = page_groups;
    FakeAws::start(spec)
}

fn in_window(c: &fa::Cell) -> bool {
    c.day >= date("2025-03-01") && c.day <= date(TODAY)
}

#[test]
fn backfill_13_months_in_fewest_signed_requests_and_totals_match() {
    let env = Env::new();
    let fake = big_fake(500);
    env.write("cfg.toml", &config(&fake, ""));
    let r = sync_ok(&env, TODAY);

    // 2025-03-01 .. 2026-04-12 is 408 days x 7 groups = 2856 groups: 6 pages of 500, one query.
    let days = (date(TODAY) - date("2025-03-01")).num_days() + 1;
    assert_eq!(days, 408);
    let expected_requests = (days as usize * fa::CELLS.len()).div_ceil(500) as u64;
    assert_eq!(expected_requests, 6);
    assert_eq!(fake.control.count("/"), expected_requests);
    let bodies = fake.bodies();
    assert_eq!(bodies[0]["TimePeriod"]["Start"], "2025-03-01");
    assert_eq!(bodies[0]["TimePeriod"]["End"], "2026-04-13");
    assert!(bodies
        .iter()
        .skip(1)
        .all(|b| b["NextPageToken"].is_string()));
    assert!(
        r.stderr.contains("aws: 2856 rows")
            && r.stderr
                .contains("6 Cost Explorer requests ($0.06 at $0.01 each)"),
        "{}",
        r.stderr
    );
    eprintln!(
        "13-month AWS backfill: {} Cost Explorer requests",
        fake.control.count("/")
    );

    // every month's BilledCost (Unblended) and EffectiveCost (Amortized) to the exact digit
    let want = normalized(fake.monthly(in_window));
    let got = sums(
        &env.db(),
        "strftime(ChargePeriodStart, '%Y-%m')",
        "x_Source = 'aws'",
    );
    assert_eq!(got, want);
    assert_eq!(got.len(), 14);

    // report --json per month matches the server to the cent (EffectiveCost)
    for month in ["2025-03", "2025-12", "2026-04"] {
        let rep = report(&env, TODAY, month);
        assert_eq!(
            json_dec(&rep["total"]),
            tollgate::money::cents(want[month].1),
            "{month}"
        );
        let cost = entry_cost(&rep, "by_provider", "provider", "AWS");
        assert_eq!(cost, tollgate::money::cents(want[month].1), "{month}");
    }

    // Bedrock usage types -> model and token type; spot GPU -> Dynamic; categories
    let db = env.db();
    let rows = strings(
        &db,
        "SELECT DISTINCT l.x_RawUsageType, l.x_Model, l.x_TokenType, l.PricingCategory, a.x_Category \
         FROM ledger l JOIN ledger_alloc a USING (x_RowKey) ORDER BY 1",
    );
    let find = |ut: &str| {
        rows.iter()
            .find(|r| r[0].as_deref() == Some(ut))
            .cloned()
            .unwrap_or_else(|| panic!("{ut} in {rows:?}"))
    };
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        find("USE1-Claude3.5Sonnet-output-tokens"),
        vec![
            s("USE1-Claude3.5Sonnet-output-tokens"),
            s("Claude3.5Sonnet"),
            s("output"),
            s("Standard"),
            s("llm_api")
        ]
    );
    assert_eq!(
        find("USE1-Claude3.5Sonnet-cache-read-input-token-count")[2],
        s("cached_input")
    );
    assert_eq!(
        find("USE1-TitanEmbeddingsG2-Text-input-tokens")[4],
        s("embeddings_vector")
    );
    assert_eq!(find("USE1-SpotUsage:p5.48xlarge")[3], s("Dynamic"));
    assert_eq!(find("USE1-SpotUsage:p5.48xlarge")[4], s("experimentation"));
    assert_eq!(find("USE1-TimedStorage-ByteHrs")[4], s("other"));

    // a second sync re-fetches only the trailing window, still one query
    fake.control.reset_counts();
    sync_ok(&env, TODAY);
    assert_eq!(fake.control.count("/"), 1);
    assert_eq!(
        fake.bodies().last().expect("body")["TimePeriod"]["Start"],
        "2026-04-10"
    );
    assert_eq!(
        sums(
            &env.db(),
            "strftime(ChargePeriodStart, '%Y-%m')",
            "x_Source = 'aws'"
        ),
        want
    );
}

#[test]
fn throttling_is_retried_and_counted() {
    let env = Env::new();
    let mut spec = AwsSpec::new(date("2026-03-01"), 43);
    spec.page_groups = 100;
    let fake = FakeAws::start(spec);
    env.write("cfg.toml", &config(&fake, ""));
    fake.control
        .inject("/", 2, Fault::RateLimit { retry_after: 0 });
    let r = run(&env, TODAY, &AWS_ENV, &["sync", "--since", "2026-03-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // 43 days x 7 = 301 groups = 4 pages, plus the throttled request
    assert_eq!(fake.control.count("/"), 5);
    assert!(
        r.stderr.contains("5 Cost Explorer requests ($0.05"),
        "{}",
        r.stderr
    );
    let want = normalized(fake.monthly(|c| c.day <= date(TODAY)));
    assert_eq!(
        sums(&env.db(), "strftime(ChargePeriodStart, '%Y-%m')", "true"),
        want
    );
}

#[test]
fn tag_groups_and_filters_allocate_by_tag_rules() {
    let env = Env::new();
    let fake = FakeAws::start(AwsSpec::new(date("2026-03-01"), 43));
    let extra = r#"tag_key = "team"
services = ["Amazon Bedrock", "Amazon Elastic Compute Cloud - Compute"]

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
match = { tag = "team=search" }

[[rules]]
use_case = "research"
match = { tag = "team=research" }
"#;
    env.write("cfg.toml", &config(&fake, extra));
    let r = run(&env, TODAY, &AWS_ENV, &["sync", "--since", "2026-03-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let body = &fake.bodies()[0];
    assert_eq!(body["GroupBy"][1]["Type"], "TAG");
    assert_eq!(body["GroupBy"][1]["Key"], "team");
    assert_eq!(body["Filter"]["Dimensions"]["Key"], "SERVICE");

    // tags parsed from `team$value`; `team$` (untagged) has no Tags
    let tags = strings(&env.db(), "SELECT DISTINCT Tags FROM ledger ORDER BY 1");
    assert_eq!(
        tags,
        vec![
            vec![Some("{\"team\":\"research\"}".to_string())],
            vec![Some("{\"team\":\"search\"}".to_string())],
            vec![Some("{\"team\":\"support\"}".to_string())],
            vec![None],
        ]
    );
    // S3 was filtered out by the service filter
    let services = strings(
        &env.db(),
        "SELECT DISTINCT ServiceName FROM ledger ORDER BY 1",
    );
    assert_eq!(services.len(), 2);

    let rep = report(&env, TODAY, "2026-03");
    let month = |team: &str| -> Decimal {
        fake.cells()
            .iter()
            .filter(|c| {
                c.team == team
                    && c.service != "Amazon Simple Storage Service"
                    && c.day.format("%Y-%m").to_string() == "2026-03"
            })
            .map(|c| c.amortized)
            .sum()
    };
    let total = month("search") + month("research") + month("") + month("support");
    assert_eq!(json_dec(&rep["total"]), tollgate::money::cents(total));
    // parts are rounded to add up to the total: each within a cent of its exact value
    let close = |got: Decimal, want: Decimal| {
        assert!((got - want).abs() <= Decimal::new(1, 2), "{got} vs {want}")
    };
    close(
        entry_cost(&rep, "by_use_case", "use_case", "search"),
        month("search"),
    );
    close(
        entry_cost(&rep, "by_use_case", "use_case", "research"),
        month("research"),
    );
    close(json_dec(&rep["unallocated"]), month("") + month("support"));
}

#[test]
fn wrong_key_names_source_and_env_var_hides_secret_and_keeps_db() {
    let env = Env::new();
    let fake = FakeAws::start(AwsSpec::new(date("2026-04-01"), 12));
    env.write("cfg.toml", &config(&fake, ""));
    sync_ok(&env, TODAY);
    let before = ledger_fingerprint(&env.db());
    assert!(!before.is_empty());
    let wrong = "wJalrXUtnFEMI/K7MDENG+WRONGwrongWRONGwrong";
    let r = run(
        &env,
        TODAY,
        &[
            ("AWS_ACCESS_KEY_ID", fa::ACCESS_KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", wrong),
        ],
        &["sync", "--since", "2026-04-01"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("source aws"), "{}", r.stderr);
    assert!(r.stderr.contains("AWS_SECRET_ACCESS_KEY"), "{}", r.stderr);
    assert!(
        r.stderr.contains("InvalidSignatureException"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(wrong) && !r.stdout.contains(wrong));
    assert!(!r.stderr.contains("WRONGwrong"));
    assert_eq!(ledger_fingerprint(&env.db()), before);

    // no credentials at all: the message names both ways to give them
    let r = run(&env, TODAY, &[], &["sync"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("AWS_ACCESS_KEY_ID") && r.stderr.contains("TOLLGATE_AWS_KEY"),
        "{}",
        r.stderr
    );
    assert_eq!(ledger_fingerprint(&env.db()), before);

    // the tollgate variable in ACCESS_KEY_ID:SECRET form works too
    let stored = format!("{}:{}", fa::ACCESS_KEY_ID, fa::SECRET_ACCESS_KEY);
    let r = run(
        &env,
        TODAY,
        &[("TOLLGATE_AWS_KEY", stored.as_str())],
        &["sync"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn malformed_page_leaves_db_unchanged() {
    let env = Env::new();
    let mut spec = AwsSpec::new(date("2026-03-01"), 43);
    spec.page_groups = 100;
    let fake = FakeAws::start(spec);
    env.write("cfg.toml", &config(&fake, ""));
    sync_ok(&env, TODAY);
    let before = ledger_fingerprint(&env.db());

    fake.control.reset_counts();
    fake.control.inject("/", 2, Fault::BadAmount);
    let r = run(&env, TODAY, &AWS_ENV, &["sync", "--since", "2026-03-01"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("source aws")
            && r.stderr.contains("UnblendedCost.Amount")
            && r.stderr.contains("abc"),
        "{}",
        r.stderr
    );
    assert_eq!(ledger_fingerprint(&env.db()), before);

    fake.control.reset_counts();
    fake.control.inject("/", 3, Fault::MissingData);
    let r = run(&env, TODAY, &AWS_ENV, &["sync", "--since", "2026-03-01"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("malformed response") && r.stderr.contains("ResultsByTime"),
        "{}",
        r.stderr
    );
    assert_eq!(ledger_fingerprint(&env.db()), before);
}

#[test]
fn estimated_periods_are_fetched_again_until_final() {
    let env = Env::new();
    let mut spec = AwsSpec::new(date("2026-03-01"), 80);
    spec.estimated_from = Some(date("2026-04-01"));
    let fake = FakeAws::start(spec);
    env.write("cfg.toml", &config(&fake, ""));
    sync_ok(&env, TODAY);
    let estimated = strings(
        &env.db(),
        "SELECT CAST(count(*) AS VARCHAR) FROM ledger WHERE ChargeDescription = 'estimated'",
    );
    assert_eq!(estimated[0][0].as_deref(), Some("84")); // 12 days x 7 groups

    // ten days later April is revised and final; the trailing window alone would start 04-10
    fake.set_spec(|s| {
        s.revision = Decimal::new(1, 2);
        s.revised_from = s.estimated_from.take();
    });
    let final_cells = fake.cells();
    fake.control.reset_counts();
    sync_ok(&env, "2026-04-22");
    assert_eq!(fake.control.count("/"), 1);
    assert_eq!(
        fake.bodies().last().expect("body")["TimePeriod"]["Start"],
        "2026-04-01"
    );
    let want: Decimal = final_cells
        .iter()
        .filter(|c| c.day >= date("2026-04-01") && c.day <= date("2026-04-22"))
        .map(|c| c.unblended)
        .sum();
    let got = sums(&env.db(), "strftime(ChargePeriodStart, '%Y-%m')", "true");
    assert_eq!(got["2026-04"].0, want.normalize());
    let estimated = strings(
        &env.db(),
        "SELECT CAST(count(*) AS VARCHAR) FROM ledger WHERE ChargeDescription = 'estimated'",
    );
    assert_eq!(estimated[0][0].as_deref(), Some("0"));

    // once final, the next sync is back to the trailing window
    fake.control.reset_counts();
    sync_ok(&env, "2026-04-22");
    assert_eq!(
        fake.bodies().last().expect("body")["TimePeriod"]["Start"],
        "2026-04-20"
    );
}

//! `tollgate sync` against local fakes of the OpenAI and Anthropic Admin APIs: pagination
//! however pages fall, retries, malformed pages, rejected keys, null ids, idempotence, exact
//! totals, allocation by project/workspace/key, names, and both sources at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use tollgate::store::Store;

use super::common::*;
use crate::fake_anthropic::{self as an, AnthropicSpec, FakeAnthropic};
use crate::fake_openai::{self as oa, FakeOpenAi, OpenAiSpec};
use crate::fake_server::Fault;

const OA_KEY: &str = "sk-admin-TESTKEY-7f3a9c2e1b5d4f60a8e2c4b6d8f0a1c3";
const AN_KEY: &str = "sk-ant-admin01-TESTKEY-c0ffee0123456789abcdef0123456789";

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn cents(d: Decimal) -> Decimal {
    tollgate::money::cents(d)
}

/// A config with the fakes as the two sources, plus `extra` (use cases, rules).
fn config(openai: Option<&FakeOpenAi>, anthropic: Option<&FakeAnthropic>, extra: &str) -> String {
    let mut s = String::new();
    if let Some(o) = openai {
        s.push_str(&format!(
            "[sources.openai]\nkind = \"openai\"\nbase_url = \"{}\"\n\n",
            o.base_url()
        ));
    }
    if let Some(a) = anthropic {
        s.push_str(&format!(
            "[sources.anthropic]\nkind = \"anthropic\"\nbase_url = \"{}\"\n\n",
            a.base_url()
        ));
    }
    s.push_str(extra);
    s
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    seconds: f64,
}

/// Runs `tollgate --config cfg.toml --db ledger.duckdb ARGS` with the keys in the env.
fn tollgate(env: &Env, today: NaiveDate, keys: (&str, &str), args: &[&str]) -> Run {
    let cfg = env.path("cfg.toml");
    let db = env.db();
    let mut cmd = env.cmd();
    cmd.arg("--config")
        .arg(&cfg)
        .arg("--db")
        .arg(&db)
        .args(args)
        .env("TOLLGATE_TODAY", today.to_string())
        .env("TOLLGATE_OPENAI_KEY", keys.0)
        .env("TOLLGATE_ANTHROPIC_KEY", keys.1)
        .env("TOLLGATE_KEYRING", "none")
        .env("TOLLGATE_LOG", "debug")
        .timeout(Duration::from_secs(60));
    let started = Instant::now();
    let out = cmd.output().expect("run tollgate");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

fn sync(env: &Env, today: NaiveDate, args: &[&str]) -> Run {
    let mut a = vec!["sync"];
    a.extend_from_slice(args);
    let r = tollgate(env, today, (OA_KEY, AN_KEY), &a);
    assert_eq!(
        r.code, 0,
        "sync {args:?} failed:\n{}\n{}",
        r.stdout, r.stderr
    );
    r
}

/// `(group, sum(EffectiveCost))` over the ledger, exact.
fn sums(db: &Path, group_sql: &str, filter: &str) -> BTreeMap<String, Decimal> {
    let store = Store::open(db).expect("open");
    let sql = format!(
        "SELECT {group_sql} AS g, CAST(sum(EffectiveCost) AS VARCHAR) FROM ledger WHERE {filter} GROUP BY 1 ORDER BY 1"
    );
    let mut stmt = store.conn().prepare(&sql).expect("prepare");
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?
                    .unwrap_or_else(|| "<null>".into()),
                r.get::<_, String>(1)?,
            ))
        })
        .expect("query");
    rows.map(|r| r.expect("row"))
        .map(|(g, s)| (g, dec(&s).normalize()))
        .collect()
}

fn query_strings(db: &Path, sql: &str) -> Vec<Vec<Option<String>>> {
    let store = Store::open(db).expect("open");
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

fn normalized<K: Ord + Clone>(m: &BTreeMap<K, Decimal>) -> BTreeMap<K, Decimal> {
    m.iter()
        .filter(|(_, v)| !v.is_zero())
        .map(|(k, v)| (k.clone(), v.normalize()))
        .collect()
}

fn pages(items: usize, limit: usize, cap: Option<usize>) -> u64 {
    let per = limit.min(cap.unwrap_or(usize::MAX));
    items.div_ceil(per).max(1) as u64
}

fn report(env: &Env, today: NaiveDate, month: &str) -> Value {
    let r = tollgate(
        env,
        today,
        (OA_KEY, AN_KEY),
        &["report", "--month", month, "--json"],
    );
    assert_eq!(r.code, 0, "report failed: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("report json")
}

fn json_dec(v: &Value) -> Decimal {
    dec(&v.to_string())
}

fn provider_cost(report: &Value, provider: &str) -> Decimal {
    report["by_provider"]
        .as_array()
        .expect("by_provider")
        .iter()
        .find(|p| p["provider"] == provider)
        .map(|p| json_dec(&p["cost"]))
        .unwrap_or_default()
}

fn use_case_cost(report: &Value, id: &str) -> Decimal {
    report["by_use_case"]
        .as_array()
        .expect("by_use_case")
        .iter()
        .find(|u| u["use_case"] == id)
        .map(|u| json_dec(&u["cost"]))
        .unwrap_or_default()
}

fn assert_close(got: Decimal, want: Decimal, what: &str) {
    assert!(
        (got - want).abs() <= dec("0.01"),
        "{what}: report says {got}, the fake says {want}"
    );
}

/// The multi-month dataset: OpenAI from 2026-01-20 for 80 days, Anthropic from 2026-01-25 for
/// 75 days; today is 2026-04-12.
fn multi_month() -> (FakeOpenAi, FakeAnthropic, NaiveDate, NaiveDate) {
    let mut o = OpenAiSpec::small(date("2026-01-20"), 80);
    o.projects = 4;
    o.line_items = 11;
    let mut a = AnthropicSpec::small(date("2026-01-25"), 75);
    a.models = 3;
    (
        FakeOpenAi::start(o, OA_KEY),
        FakeAnthropic::start(a, AN_KEY),
        date("2026-01-20"),
        date("2026-04-12"),
    )
}

fn check_totals(env: &Env, openai: &FakeOpenAi, anthropic: &FakeAnthropic) {
    let db = env.db();
    let by_month = sums(
        &db,
        "strftime(ChargePeriodStart, '%Y-%m') || ' ' || ProviderName",
        "true",
    );
    let mut want = BTreeMap::new();
    for (m, v) in openai.data.totals_by_month() {
        want.insert(format!("{m} OpenAI"), v);
    }
    for (m, v) in anthropic.data.totals_by_month() {
        want.insert(format!("{m} Anthropic"), v);
    }
    assert_eq!(
        normalized(&by_month),
        normalized(&want),
        "totals per month and provider"
    );
    let by_project = sums(
        &db,
        "strftime(ChargePeriodStart, '%Y-%m') || ' ' || SubAccountId",
        "x_Source = 'openai'",
    );
    let want: BTreeMap<String, Decimal> = openai
        .data
        .totals_by_month_project()
        .into_iter()
        .map(|((m, p), v)| (format!("{m} {p}"), v))
        .collect();
    assert_eq!(
        normalized(&by_project),
        normalized(&want),
        "OpenAI totals per month and project"
    );
    let by_ws = sums(
        &db,
        "strftime(ChargePeriodStart, '%Y-%m') || ' ' || SubAccountId",
        "x_Source = 'anthropic'",
    );
    let want: BTreeMap<String, Decimal> = anthropic
        .data
        .totals_by_month_workspace()
        .into_iter()
        .map(|((m, w), v)| (format!("{m} {w}"), v))
        .collect();
    assert_eq!(
        normalized(&by_ws),
        normalized(&want),
        "Anthropic totals per month and workspace"
    );
    let requests = query_strings(
        &db,
        "SELECT CAST(sum(x_Requests) AS VARCHAR) FROM ledger WHERE x_Source = 'openai'",
    );
    assert_eq!(
        requests[0][0].as_deref(),
        Some(openai.data.requests_total().to_string().as_str()),
        "OpenAI request counts"
    );
}

#[test]
fn totals_match_the_fakes_to_the_cent_however_pages_fall() {
    let (openai, anthropic, since, today) = multi_month();
    let window_days = (today - since).num_days() as usize + 1;
    for cap in [Some(1), Some(7), None] {
        openai.control.set_page_cap(cap);
        anthropic.control.set_page_cap(cap);
        openai.control.reset_counts();
        anthropic.control.reset_counts();
        let env = Env::new();
        env.write("cfg.toml", &config(Some(&openai), Some(&anthropic), ""));
        sync(&env, today, &["--since", &since.to_string()]);
        check_totals(&env, &openai, &anthropic);

        // Requests: exactly the pages the limits and the server's cap allow, no retries.
        let o = &openai.control;
        assert_eq!(
            o.count(oa::COSTS),
            pages(window_days, 180, cap),
            "costs pages, cap {cap:?}"
        );
        assert_eq!(
            o.count(oa::COMPLETIONS),
            pages(window_days, 31, cap),
            "completions pages, cap {cap:?}"
        );
        assert_eq!(
            o.count(oa::EMBEDDINGS),
            pages(window_days, 31, cap),
            "embeddings pages, cap {cap:?}"
        );
        assert_eq!(
            o.count(oa::PROJECTS),
            pages(openai.data.projects.len(), 100, cap),
            "projects pages, cap {cap:?}"
        );
        let keys = openai.data.spec.keys_per_project;
        assert_eq!(
            o.count_matching("/v1/organization/projects/", "/api_keys"),
            openai.data.projects.len() as u64 * pages(keys, 100, cap),
            "api_keys pages, cap {cap:?}"
        );
        let a = &anthropic.control;
        assert_eq!(
            a.count(an::COST_REPORT),
            pages(window_days, 31, cap),
            "cost_report pages, cap {cap:?}"
        );
        assert_eq!(
            a.count(an::USAGE_MESSAGES),
            pages(window_days, 31, cap),
            "usage pages, cap {cap:?}"
        );
        assert_eq!(
            a.count(an::WORKSPACES),
            pages(anthropic.data.workspaces.len(), 1000, cap),
            "workspaces pages"
        );
        assert_eq!(
            a.count(an::API_KEYS),
            pages(anthropic.data.keys.len(), 1000, cap),
            "api_keys pages"
        );

        // The report agrees, to the cent, month by month.
        let oa_months = openai.data.totals_by_month();
        let an_months = anthropic.data.totals_by_month();
        for month in ["2026-01", "2026-02", "2026-03", "2026-04"] {
            let r = report(&env, today, month);
            let o = oa_months.get(month).copied().unwrap_or_default();
            let a = an_months.get(month).copied().unwrap_or_default();
            assert_eq!(
                json_dec(&r["total"]),
                cents(o + a),
                "report total {month}, cap {cap:?}"
            );
            assert_close(
                provider_cost(&r, "OpenAI"),
                cents(o),
                &format!("OpenAI {month}"),
            );
            assert_close(
                provider_cost(&r, "Anthropic"),
                cents(a),
                &format!("Anthropic {month}"),
            );
        }
    }
}

/// A small dataset across a month boundary; today is two days after it ends.
fn small() -> (FakeOpenAi, FakeAnthropic, NaiveDate) {
    let openai = FakeOpenAi::start(OpenAiSpec::small(date("2026-02-24"), 10), OA_KEY);
    let anthropic = FakeAnthropic::start(AnthropicSpec::small(date("2026-02-25"), 9), AN_KEY);
    (openai, anthropic, date("2026-03-07"))
}

fn small_env(openai: &FakeOpenAi, anthropic: &FakeAnthropic, extra: &str) -> Env {
    let env = Env::new();
    env.write("cfg.toml", &config(Some(openai), Some(anthropic), extra));
    env
}

#[test]
fn a_429_with_retry_after_is_waited_out() {
    let (openai, anthropic, today) = small();
    openai.control.set_page_cap(Some(7));
    anthropic.control.set_page_cap(Some(7));
    openai
        .control
        .inject(oa::COSTS, 2, Fault::RateLimit { retry_after: 1 });
    anthropic
        .control
        .inject(an::USAGE_MESSAGES, 1, Fault::RateLimit { retry_after: 1 });
    let env = small_env(&openai, &anthropic, "");
    let r = sync(&env, today, &["--since", "2026-02-20"]);
    assert!(
        r.seconds >= 1.0,
        "Retry-After: 1 was not honoured ({:.2}s)",
        r.seconds
    );
    // 16 days at 7 per page = 3 pages, plus the one retried.
    assert_eq!(openai.control.count(oa::COSTS), 4);
    assert_eq!(anthropic.control.count(an::USAGE_MESSAGES), 4);
    let retried = openai
        .control
        .seen()
        .into_iter()
        .filter(|s| s.path == oa::COSTS)
        .collect::<Vec<_>>();
    assert_eq!(retried[1].status, 429);
    assert_eq!(
        retried[1].query, retried[2].query,
        "the retry repeats the same page"
    );
    assert!(
        retried[2].started.duration_since(retried[1].ended) >= Duration::from_millis(950),
        "waited less than Retry-After"
    );
    check_totals(&env, &openai, &anthropic);
}

#[test]
fn a_500_once_is_retried() {
    let (openai, anthropic, today) = small();
    openai
        .control
        .inject(oa::COMPLETIONS, 1, Fault::ServerError);
    anthropic
        .control
        .inject(an::COST_REPORT, 1, Fault::ServerError);
    let env = small_env(&openai, &anthropic, "");
    sync(&env, today, &["--since", "2026-02-20"]);
    assert_eq!(openai.control.count(oa::COMPLETIONS), 2);
    assert_eq!(anthropic.control.count(an::COST_REPORT), 2);
    check_totals(&env, &openai, &anthropic);
}

fn db_files(env: &Env) -> Vec<PathBuf> {
    let db = env.db();
    let wal = PathBuf::from(format!("{}.wal", db.display()));
    [db, wal].into_iter().filter(|p| p.exists()).collect()
}

#[test]
fn a_malformed_page_fails_the_source_and_leaves_the_db_as_it_was() {
    let (openai, anthropic, today) = small();
    openai.control.set_page_cap(Some(7));
    let env = small_env(&openai, &anthropic, "");
    sync(&env, today, &["--since", "2026-02-20"]);
    let before = ledger_fingerprint(&env.db());
    assert!(!before.is_empty());

    // OpenAI: the second costs page has no `data`. Anthropic: a cost amount is "abc".
    openai.control.reset_counts();
    anthropic.control.reset_counts();
    openai.control.inject(oa::COSTS, 2, Fault::MissingData);
    anthropic
        .control
        .inject(an::COST_REPORT, 1, Fault::BadAmount);
    let r = tollgate(
        &env,
        today,
        (OA_KEY, AN_KEY),
        &["sync", "--since", "2026-02-20"],
    );
    assert_eq!(
        r.code, 1,
        "a malformed page must fail the sync:\n{}",
        r.stderr
    );
    let err = r.stderr.clone();
    let oa_line = err
        .lines()
        .find(|l| l.contains("openai") && l.contains("FAILED"))
        .unwrap_or_else(|| panic!("no openai failure line:\n{err}"));
    assert!(
        oa_line.contains("/v1/organization/costs"),
        "names the endpoint: {oa_line}"
    );
    assert!(
        oa_line.contains("data"),
        "names the missing field: {oa_line}"
    );
    let an_line = err
        .lines()
        .find(|l| l.contains("anthropic") && l.contains("FAILED"))
        .unwrap_or_else(|| panic!("no anthropic failure line:\n{err}"));
    assert!(
        an_line.contains("amount") && an_line.contains("abc"),
        "names the field and value: {an_line}"
    );
    assert!(
        err.lines()
            .last()
            .unwrap_or_default()
            .starts_with("tollgate: 2 of 2 sources failed"),
        "{err}"
    );
    assert_eq!(
        openai.control.count(oa::COSTS),
        2,
        "a malformed page is not retried"
    );
    assert_eq!(
        ledger_fingerprint(&env.db()),
        before,
        "the ledger changed after a failed sync"
    );
    let runs = query_strings(
        &env.db(),
        "SELECT source, status FROM ingest_runs WHERE status = 'error' ORDER BY source",
    );
    assert_eq!(runs.len(), 2, "both failures are recorded: {runs:?}");
}

#[test]
fn a_rejected_key_is_named_by_its_env_var_and_never_shown() {
    let (openai, anthropic, today) = small();
    let env = small_env(&openai, &anthropic, "");
    let wrong_oa = "sk-admin-WRONGKEY-0d1e2a3d4b5e6e7f8a9b0c1d2e3f4a5b6";
    let wrong_an = "sk-ant-admin01-WRONGKEY-feedface0123456789abcdef01234567";
    let r = tollgate(&env, today, (wrong_oa, wrong_an), &["sync"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("TOLLGATE_OPENAI_KEY"),
        "names the env var: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("TOLLGATE_ANTHROPIC_KEY"),
        "names the env var: {}",
        r.stderr
    );
    assert!(r.stderr.contains("401"), "{}", r.stderr);
    assert_eq!(openai.control.count(oa::COSTS), 1, "a 401 is not retried");
    assert_eq!(
        anthropic.control.count(an::COST_REPORT),
        1,
        "a 401 is not retried"
    );
    let log = env.path("state").join("tollgate").join("tollgate.log");
    let mut places: Vec<(String, Vec<u8>)> = vec![
        ("stdout".into(), r.stdout.into_bytes()),
        ("stderr".into(), r.stderr.into_bytes()),
    ];
    for p in db_files(&env)
        .into_iter()
        .chain(std::iter::once(log.clone()).filter(|l| l.exists()))
    {
        places.push((p.display().to_string(), std::fs::read(&p).expect("read")));
    }
    assert!(
        places.iter().any(|(p, _)| p.ends_with("tollgate.log")),
        "no log file at {}",
        log.display()
    );
    for (place, bytes) in &places {
        for secret in [wrong_oa, wrong_an, OA_KEY, AN_KEY] {
            // the whole key, and its distinctive middle
            let needle = &secret[12..secret.len() - 4];
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{place} contains a key"
            );
        }
    }
}

#[test]
fn null_ids_become_the_default_workspace_and_keyless_rows() {
    let (openai, anthropic, today) = small();
    let env = small_env(&openai, &anthropic, "");
    sync(&env, today, &[]);
    check_totals(&env, &openai, &anthropic);
    let db = env.db();
    // The default workspace (workspace_id null) is the sub-account `default`, named.
    let ws = sums(
        &db,
        "SubAccountId || ' ' || coalesce(SubAccountName, '?')",
        "x_Source = 'anthropic'",
    );
    let default_total = anthropic.data.totals_by_workspace()["default"];
    assert_eq!(
        ws.get("default Default workspace").copied(),
        Some(default_total.normalize()),
        "{ws:?}"
    );
    // Console usage (api_key_id null) and non-token costs: rows with no key, never ''.
    let empty = query_strings(&db, "SELECT count(*)::VARCHAR FROM ledger WHERE x_ApiKeyId = '' OR SubAccountId = '' OR SubAccountId IS NULL");
    assert_eq!(empty[0][0].as_deref(), Some("0"));
    let keyless = sums(&db, "x_Source", "x_ApiKeyId IS NULL");
    // At least the lines no key used (web search, code execution, Console-only tokens); the
    // exact Console share is checked by console_usage_keeps_its_share_of_token_costs_keyless below.
    let an_keyless = keyless.get("anthropic").copied().unwrap_or_default();
    let floor = anthropic.data.unkeyed_cost();
    assert!(
        !floor.is_zero() && an_keyless >= floor,
        "Anthropic keyless rows {an_keyless} < {floor}"
    );
    let oa_keyless = openai
        .data
        .totals_by_key()
        .get(&None)
        .copied()
        .unwrap_or_default();
    assert_eq!(
        keyless.get("openai").copied().unwrap_or_default(),
        oa_keyless.normalize(),
        "OpenAI keyless (storage) rows"
    );
    assert!(!oa_keyless.is_zero());
}

/// cost_report cannot group by key, so a token cost is split across the keys that used it;
/// Console usage (api_key_id null) has its own share, which must stay keyless.
#[test]
fn console_usage_keeps_its_share_of_token_costs_keyless() {
    let (openai, anthropic, today) = small();
    let env = small_env(&openai, &anthropic, "");
    sync(&env, today, &[]);
    let keyless = sums(&env.db(), "x_Source", "x_ApiKeyId IS NULL");
    let got = keyless.get("anthropic").copied().unwrap_or_default();
    let want = anthropic.data.console_share_cost();
    assert!(
        (got - want).abs() < dec("0.000001"),
        "keyless Anthropic cost {got}, Console's share {want}"
    );
}

#[test]
fn sync_twice_and_full_give_the_same_ledger() {
    let (openai, anthropic, today) = small();
    let env = small_env(&openai, &anthropic, "");
    sync(&env, today, &[]);
    let first = ledger_fingerprint(&env.db());
    assert!(first.len() > 50, "{} rows", first.len());
    openai.control.reset_counts();
    sync(&env, today, &[]);
    // The second sync re-fetches only the trailing window: one page per endpoint.
    assert_eq!(openai.control.count(oa::COSTS), 1);
    assert_eq!(
        ledger_fingerprint(&env.db()),
        first,
        "a second sync changed the ledger"
    );
    sync(&env, today, &["--full"]);
    assert_eq!(
        ledger_fingerprint(&env.db()),
        first,
        "sync --full changed the ledger"
    );
    check_totals(&env, &openai, &anthropic);
}

#[test]
fn rules_allocate_synced_rows_by_project_workspace_and_key() {
    let (openai, anthropic, today) = small();
    let proj0 = openai.data.projects[0].id.clone();
    let key1 = openai
        .data
        .keys
        .iter()
        .find(|k| k.project == 1)
        .expect("key of project 1")
        .id
        .clone();
    let ws0 = anthropic.data.workspaces[0].id.clone();
    let extra = format!(
        r#"
[[use_cases]]
id = "search"
name = "Search"
kind = "feature"

[[use_cases]]
id = "support"
name = "Support bot"
kind = "pilot"

[[use_cases]]
id = "research"
name = "Research"
kind = "experiment"

[[use_cases]]
id = "everyone"
name = "Default workspace"
kind = "platform"

[[rules]]
use_case = "search"
match = {{ source = "openai", sub_account = "{proj0}" }}

[[rules]]
use_case = "support"
match = {{ source = "openai", api_key = "{key1}" }}

[[rules]]
use_case = "research"
match = {{ source = "anthropic", sub_account = "{ws0}" }}

[[rules]]
use_case = "everyone"
match = {{ provider = "Anthropic", sub_account = "default" }}
"#
    );
    let env = small_env(&openai, &anthropic, &extra);
    sync(&env, today, &[]);
    let by_project = openai.data.totals_by_month_project();
    let by_key = openai.data.totals_by_month_key();
    let by_ws = anthropic.data.totals_by_month_workspace();
    for month in ["2026-02", "2026-03"] {
        let r = report(&env, today, month);
        let m = month.to_string();
        let get = |map: &BTreeMap<(String, String), Decimal>, k: &str| {
            map.get(&(m.clone(), k.to_string()))
                .copied()
                .unwrap_or_default()
        };
        let want = [
            ("search", get(&by_project, &proj0)),
            (
                "support",
                by_key
                    .get(&(m.clone(), Some(key1.clone())))
                    .copied()
                    .unwrap_or_default(),
            ),
            ("research", get(&by_ws, &ws0)),
            ("everyone", get(&by_ws, "default")),
        ];
        let mut allocated = Decimal::ZERO;
        for (id, exact) in want {
            assert!(!exact.is_zero(), "{id} has no spend in {month}");
            assert_close(
                use_case_cost(&r, id),
                cents(exact),
                &format!("{id} in {month}"),
            );
            allocated += exact;
        }
        let total = openai.data.totals_by_month()[month] + anthropic.data.totals_by_month()[month];
        assert_eq!(json_dec(&r["total"]), cents(total));
        assert_close(
            json_dec(&r["unallocated"]),
            cents(total - allocated),
            &format!("unallocated {month}"),
        );
    }
}

#[test]
fn names_of_projects_workspaces_and_keys_land_in_the_ledger() {
    let (openai, anthropic, today) = small();
    // One name per page: the name lookups paginate too.
    openai.control.set_page_cap(Some(1));
    anthropic.control.set_page_cap(Some(1));
    let env = small_env(&openai, &anthropic, "");
    sync(&env, today, &["--since", "2026-02-24"]);
    let db = env.db();
    let pairs = |sql: &str| -> BTreeMap<String, String> {
        query_strings(&db, sql)
            .into_iter()
            .map(|r| {
                (
                    r[0].clone().unwrap_or_default(),
                    r[1].clone().unwrap_or_else(|| "<no name>".into()),
                )
            })
            .collect()
    };
    let projects =
        pairs("SELECT DISTINCT SubAccountId, SubAccountName FROM ledger WHERE x_Source = 'openai'");
    let want: BTreeMap<String, String> = openai
        .data
        .projects
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    assert_eq!(projects, want, "project names (the archived one included)");
    let keys = pairs("SELECT DISTINCT x_ApiKeyId, x_ApiKeyName FROM ledger WHERE x_Source = 'openai' AND x_ApiKeyId IS NOT NULL");
    let want: BTreeMap<String, String> = openai
        .data
        .keys
        .iter()
        .map(|k| (k.id.clone(), k.name.clone()))
        .collect();
    assert_eq!(keys, want, "OpenAI key names");
    let ws = pairs(
        "SELECT DISTINCT SubAccountId, SubAccountName FROM ledger WHERE x_Source = 'anthropic'",
    );
    let mut want: BTreeMap<String, String> = anthropic
        .data
        .workspaces
        .iter()
        .map(|w| (w.id.clone(), w.name.clone()))
        .collect();
    want.insert("default".into(), "Default workspace".into());
    assert_eq!(ws, want, "workspace names (the archived one included)");
    let keys = pairs("SELECT DISTINCT x_ApiKeyId, x_ApiKeyName FROM ledger WHERE x_Source = 'anthropic' AND x_ApiKeyId IS NOT NULL");
    let want: BTreeMap<String, String> = anthropic
        .data
        .keys
        .iter()
        .map(|k| (k.id.clone(), k.name.clone()))
        .collect();
    assert_eq!(
        keys, want,
        "Anthropic key names (the archived one included)"
    );
    assert_eq!(
        anthropic.control.count(an::API_KEYS),
        anthropic.data.keys.len() as u64
    );
}

#[test]
fn both_sources_sync_concurrently_in_one_run() {
    let (openai, anthropic, today) = small();
    openai.control.set_delay(Duration::from_millis(40));
    anthropic.control.set_delay(Duration::from_millis(40));
    let env = small_env(&openai, &anthropic, "");
    let r = sync(&env, today, &[]);
    let o = openai.control.seen();
    let a = anthropic.control.seen();
    let overlap = o
        .iter()
        .any(|x| a.iter().any(|y| x.started < y.ended && y.started < x.ended));
    assert!(
        overlap,
        "no OpenAI request overlapped an Anthropic one: the sources ran one after the other"
    );
    assert!(
        r.stderr.contains("openai:") && r.stderr.contains("anthropic:"),
        "progress names both: {}",
        r.stderr
    );
    check_totals(&env, &openai, &anthropic);
}

#[test]
fn doctor_lists_the_synced_sources() {
    let (openai, anthropic, today) = small();
    let env = small_env(&openai, &anthropic, "");
    sync(&env, today, &[]);
    let r = tollgate(&env, today, (OA_KEY, AN_KEY), &["doctor"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("source openai") && r.stdout.contains("source anthropic"),
        "{}",
        r.stdout
    );
    // Once doctor lists sync runs, each source's last run is shown as ok.
    let run_lines: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.to_lowercase().contains("sync") && !l.contains("configured"))
        .collect();
    for src in ["openai", "anthropic"] {
        if let Some(l) = run_lines.iter().find(|l| l.contains(src)) {
            assert!(l.contains("ok"), "{l}");
        }
    }
}

// ---- the engine through the library, with a short retry policy ----

fn short_retry() -> tollgate::sources::RetryPolicy {
    tollgate::sources::RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        timeout: Duration::from_secs(10),
    }
}

fn engine_run(
    store: &Store,
    config_text: &str,
    today: NaiveDate,
) -> Vec<tollgate::sync::SourceOutcome> {
    let config = tollgate::config::parse(config_text, "test.toml").expect("config");
    let opts = tollgate::sync::SyncOptions {
        today: Some(today),
        retry: Some(short_retry()),
        ..Default::default()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(tollgate::sync::run(store, &config, &opts, &|_| {}))
        .expect("sync")
}

#[test]
fn engine_gives_up_after_max_attempts_naming_status_and_endpoint() {
    let openai = FakeOpenAi::start(OpenAiSpec::small(date("2026-03-01"), 5), OA_KEY);
    for n in 1..=3 {
        openai
            .control
            .inject(oa::COMPLETIONS, n, Fault::ServerError);
    }
    // A unique source name, so its env var is this test's alone.
    std::env::set_var("TOLLGATE_ENGINE_OA_KEY", OA_KEY);
    let cfg = format!(
        "[sources.engine-oa]\nkind = \"openai\"\nbase_url = \"{}\"\n",
        openai.base_url()
    );
    let store = Store::open_in_memory().expect("store");
    let out = engine_run(&store, &cfg, date("2026-03-07"));
    assert_eq!(out.len(), 1);
    let err = out[0].error.clone().expect("an error");
    assert!(
        err.contains("engine-oa")
            && err
                .contains("GET /v1/organization/usage/completions answered 500 after 3 attempt(s)"),
        "{err}"
    );
    assert!(!err.contains(OA_KEY));
    assert_eq!(openai.control.count(oa::COMPLETIONS), 3);
    assert_eq!(
        out[0].requests,
        openai.control.total(),
        "the outcome counts every request sent"
    );
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM ledger", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0);
    let status: String = store
        .conn()
        .query_row("SELECT status FROM ingest_runs", [], |r| r.get(0))
        .expect("run");
    assert_eq!(status, "error");

    // A long Retry-After is capped by the policy's max_delay; the sync then succeeds.
    openai.control.inject(
        oa::COSTS,
        openai.control.count(oa::COSTS) + 1,
        Fault::RateLimit { retry_after: 30 },
    );
    let started = Instant::now();
    let out = engine_run(&store, &cfg, date("2026-03-07"));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "Retry-After was not capped"
    );
    assert_eq!(out[0].error, None);
    let total: String = store
        .conn()
        .query_row(
            "SELECT CAST(sum(EffectiveCost) AS VARCHAR) FROM ledger",
            [],
            |r| r.get(0),
        )
        .expect("sum");
    assert_eq!(dec(&total).normalize(), openai.data.total().normalize());
}

/// `sync --json`: each source's outcome on stdout, no progress text; a failed source is in it too.
#[test]
fn json_prints_each_sources_outcome() {
    let (openai, anthropic, today) = small();
    let env = small_env(&openai, &anthropic, "");
    let r = sync(&env, today, &["--since", "2026-02-20", "--json"]);
    assert!(
        !r.stderr.contains("fetching"),
        "progress text: {}",
        r.stderr
    );
    let j: Value = serde_json::from_str(&r.stdout).expect("sync --json is JSON");
    let sources = j["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 2, "{}", r.stdout);
    let ledger = sums(&env.db(), "x_Source", "true");
    for s in sources {
        let name = s["source"].as_str().expect("source");
        assert_eq!(s["error"], Value::Null, "{}", r.stdout);
        assert_eq!(s["window"]["start"], "2026-02-20");
        assert_eq!(
            s["window"]["end"],
            (today + chrono::Days::new(1)).to_string()
        );
        assert!(s["rows"].as_u64().is_some_and(|n| n > 0), "{}", r.stdout);
        assert!(s["seconds"].as_f64().is_some(), "{}", r.stdout);
        assert!(ledger.contains_key(name), "{name} not in {ledger:?}");
    }
    let oa = sources
        .iter()
        .find(|s| s["source"] == "openai")
        .expect("openai");
    let seen = openai.control.seen().len() as u64;
    assert_eq!(oa["requests"].as_u64(), Some(seen), "{}", r.stdout);

    let bad = tollgate(&env, today, ("sk-wrong", AN_KEY), &["sync", "--json"]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    let j: Value = serde_json::from_str(&bad.stdout).expect("sync --json is JSON on failure");
    let oa = j["sources"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["source"] == "openai"))
        .expect("openai");
    assert!(oa["error"].is_string(), "{}", bad.stdout);
    assert!(!bad.stdout.contains("sk-wrong"), "{}", bad.stdout);
}

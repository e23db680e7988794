//! Shared test helpers: temp dirs, the real binary with isolated XDG dirs, fixture files.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

pub struct Env {
    pub dir: TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn db(&self) -> PathBuf {
        self.path("ledger.duckdb")
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write fixture");
        p
    }

    /// The real binary, with HOME and XDG dirs inside this temp dir and no TOLLGATE_* leaking in.
    pub fn cmd(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.std_cmd())
    }

    /// The same as [`Env::cmd`], as a `std::process::Command` (for piped, streamed output).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("tollgate"));
        c.env_remove("TOLLGATE_DB")
            .env_remove("TOLLGATE_CONFIG")
            .env_remove("TOLLGATE_TODAY")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("NO_COLOR", "1");
        c
    }
}

pub const FOCUS_HEADER: &str = "BilledCost,EffectiveCost,ListCost,ContractedCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargeCategory,ChargeClass,ChargeDescription,ChargePeriodStart,ChargePeriodEnd,InvoiceIssuerName,ProviderName,PublisherName,PricingQuantity,PricingUnit,ServiceCategory,ServiceName,SubAccountId,Tags";

/// One FOCUS CSV line: cost, day (YYYY-MM-DD), provider, service, sub-account, tags JSON.
pub fn focus_line(
    cost: &str,
    day: &str,
    provider: &str,
    service: &str,
    sub: &str,
    tags: &str,
) -> String {
    let month = &day[..7];
    let tags = tags.replace('"', "\"\"");
    format!(
        "{cost},{cost},{cost},{cost},acct-1,Acme,USD,{month}-01T00:00:00Z,{month}-01T00:00:00Z,Usage,,{service} usage,{day}T00:00:00Z,{day}T23:59:59Z,{provider},{provider},{provider},1,Units,AI and Machine Learning,{service},{sub},\"{tags}\""
    )
}

pub fn focus_csv(lines: &[String]) -> String {
    let mut s = String::from(FOCUS_HEADER);
    s.push('\n');
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s
}

/// Ledger rows as `(x_RowKey, EffectiveCost)` text, for comparing whole ledgers.
pub fn ledger_fingerprint(db: &Path) -> Vec<(String, String)> {
    let store = tollgate::store::Store::open(db).expect("open");
    let mut stmt = store
        .conn()
        .prepare("SELECT x_RowKey, CAST(EffectiveCost AS VARCHAR) FROM ledger ORDER BY 1")
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.map(|r| r.expect("row")).collect()
}

/// Two use cases (a pilot with an outcome, a feature) and the rules that route projects to them.
pub const BOT_SEARCH_CONFIG: &str = r#"
[[use_cases]]
id = "bot"
name = "Support bot"
kind = "pilot"
outcome = "tickets_deflected"

[[use_cases]]
id = "search"
name = "Search"
kind = "feature"

[[rules]]
use_case = "bot"
match = { sub_account = "proj_bot" }

[[rules]]
use_case = "search"
match = { sub_account = "proj_search" }
"#;

/// A one-day OpenAI API charge starting at `start`; `key` identifies it within the source.
pub fn openai_day(
    start: chrono::NaiveDateTime,
    cost: rust_decimal::Decimal,
    key: &[&str],
) -> tollgate::normalize::LedgerRow {
    tollgate::normalize::LedgerRow::new(
        tollgate::normalize::Charge {
            source: "openai",
            provider: "OpenAI",
            service: "OpenAI API",
            service_category: "AI and Machine Learning",
            service_subcategory: Some("Generative AI"),
            start,
            end: start + chrono::Duration::days(1),
            cost,
        },
        key,
    )
}

/// Whether an external program a test drives (tmux, chromium) is installed. `.ci/run` installs
/// them and sets `TOLLGATE_REQUIRE_TOOLS=1`, so there a missing one fails the test; elsewhere
/// (a fresh machine running `cargo test`) the test says what it skipped and how to run it.
pub fn external_tool(program: &str, debian_package: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    let hint = format!(
        "{program} is not installed: `apt-get install -y {debian_package}` (.ci/run installs it)"
    );
    assert!(
        std::env::var("TOLLGATE_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "{hint}"
    );
    eprintln!("SKIPPED: {hint}");
    false
}

/// The demo DB as of 2026-11-20, written by the real binary.
pub fn demo_db(env: &Env) -> std::path::PathBuf {
    let db_path = env.db();
    env.cmd()
        .arg("--db")
        .arg(&db_path)
        .args(["demo", "--no-tui", "--as-of", "2026-11-20"])
        .assert()
        .success();
    db_path
}

/// `tollgate --db DB ARGS`, which must succeed, its stdout parsed as JSON.
pub fn cli_json(env: &Env, db: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let out = env
        .cmd()
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

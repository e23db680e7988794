//! The real binary: exit codes, the lock message with two processes, the demo.

use predicates::prelude::*;

use super::common::*;

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.cmd().arg("--no-such-flag").assert().code(2);
    env.cmd().args(["report", "--month"]).assert().code(2);
    env.cmd().args(["import", "focus"]).assert().code(2);
}

#[test]
fn bad_month_is_a_clear_error() {
    let env = Env::new();
    env.cmd()
        .arg("--db")
        .arg(env.db())
        .args(["report", "--month", "2026-13"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "'2026-13' is not a month; write it as YYYY-MM",
        ));
}

/// This test process holds the DB open; the real binary must say who holds it and exit 75.
#[test]
fn locked_db_names_the_holder_and_exits_75() {
    let env = Env::new();
    let _holder = tollgate::store::Store::open(&env.db()).expect("hold");
    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .arg("report")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(75));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    let pid = std::process::id().to_string();
    assert!(
        err.contains(&format!("PID {pid}")),
        "names the holder: {err}"
    );
    assert!(err.contains("ledger.duckdb"), "names the file: {err}");
}

#[test]
fn global_options_after_the_subcommand() {
    let env = Env::new();
    env.cmd()
        .arg("report")
        .arg("--db")
        .arg(env.db())
        .arg("--json")
        .assert()
        .success();
    env.cmd()
        .env("TOLLGATE_DB", env.db())
        .args(["report", "--json"])
        .assert()
        .success();
}

#[test]
fn demo_writes_its_own_db_and_report_uses_its_config() {
    let env = Env::new();
    let db = env.path("demo.duckdb");
    env.cmd()
        .arg("--db")
        .arg(&db)
        .args(["demo", "--no-tui", "--seed", "7", "--as-of", "2026-11-20"])
        .assert()
        .success()
        .stdout(predicate::str::contains("demo:"));
    // The stored demo config gives use cases to `report` on the same DB.
    let out = env
        .cmd()
        .arg("--db")
        .arg(&db)
        .args(["report", "--json"])
        .output()
        .expect("report");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(j["month"], "2026-10");
    assert!(j["by_use_case"].as_array().expect("a").len() >= 8);
    // The default demo DB is in the data dir, never the user's ledger.
    env.cmd()
        .args(["demo", "--no-tui", "--as-of", "2026-11-20"])
        .assert()
        .success();
    assert!(env.path("data/tollgate/demo.duckdb").exists());
    assert!(!env.path("data/tollgate/tollgate.duckdb").exists());
    // --print-config is a template that parses.
    let out = env
        .cmd()
        .args(["demo", "--print-config"])
        .output()
        .expect("print");
    tollgate::config::parse(&String::from_utf8_lossy(&out.stdout), "demo")
        .expect("template parses");
}

#[test]
fn demo_refuses_a_db_with_the_users_data() {
    let env = Env::new();
    let f = env.write(
        "f.csv",
        &focus_csv(&[focus_line(
            "1",
            "2026-09-01",
            "OpenAI",
            "OpenAI API",
            "p",
            "{}",
        )]),
    );
    env.cmd()
        .arg("--db")
        .arg(env.db())
        .args(["import", "focus"])
        .arg(&f)
        .assert()
        .success();
    let before = ledger_fingerprint(&env.db());
    env.cmd()
        .arg("--db")
        .arg(env.db())
        .args(["demo", "--no-tui"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("holds your own data"));
    assert_eq!(ledger_fingerprint(&env.db()), before);
}

//! `tollgate sync` of a `gateway` source: the real proxy's spool into `gateway_requests`, once
//! per request_id (re-syncs, two instances' files in any order, a line copied into another
//! file, lost offsets), a partial last line left pending and read by the next sync, corrupt
//! lines skipped and named, a failed sync leaving the DB as it was, and report totals unchanged
//! by any of it (the request table is not the billed ledger).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tollgate::store::Store;

use super::common::*;
use super::gateway_spool::{captured, run_proxy, with, USE_CASES};

const TODAY: &str = "2026-12-05";

/// A config with gateway source `gw` reading `dirs` (and the fixture's use cases).
fn config(env: &Env, dirs: &[&Path]) -> PathBuf {
    let list: Vec<String> = dirs
        .iter()
        .map(|d| format!("\"{}\"", d.display()))
        .collect();
    env.write(
        "cfg.toml",
        &format!(
            "[sources.gw]\nkind = \"gateway\"\npath = [{}]\n\n{USE_CASES}",
            list.join(", ")
        ),
    )
}

fn tollgate(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env
        .cmd()
        .arg("--config")
        .arg(env.path("cfg.toml"))
        .arg("--db")
        .arg(env.db())
        .args(args)
        .env("TOLLGATE_TODAY", TODAY)
        .env("TOLLGATE_KEYRING", "none")
        .output()
        .expect("run tollgate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `sync --json`'s outcome for `gw`, expecting exit `code`.
fn sync(env: &Env, code: i32) -> Value {
    let (c, out, err) = tollgate(env, &["sync", "--json"]);
    assert_eq!(c, code, "sync exit; stdout {out}; stderr {err}");
    let v: Value = serde_json::from_str(&out).expect("sync json");
    v["sources"][0].clone()
}

fn count(env: &Env, sql: &str) -> i64 {
    let s = Store::open(&env.db()).expect("open");
    s.conn().query_row(sql, [], |r| r.get(0)).expect("count")
}

fn spool_file(dir: &Path, instance: &str, lines: &[String], tail: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("mkdir");
    let p = dir.join(format!("requests-2026120512-{instance}.jsonl"));
    let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    text.push_str(tail);
    std::fs::write(&p, text).expect("write spool");
    p
}

#[tokio::test]
async fn the_real_proxys_spool_is_ingested_once_and_report_totals_do_not_move() {
    let (proxy, ids) = run_proxy().await;
    let env = Env::new();
    config(&env, &[&proxy.spool]);
    let focus = env.write(
        "bill.csv",
        &focus_csv(&[
            focus_line("12.50", "2026-11-03", "OpenAI", "GPT", "proj_1", "{}"),
            focus_line("7.25", "2026-12-04", "Anthropic", "Claude", "ws_1", "{}"),
        ]),
    );
    let (c, _, err) = tollgate(&env, &["import", "focus", focus.to_str().expect("path")]);
    assert_eq!(c, 0, "{err}");
    let before: Vec<String> = ["report", "overview"]
        .iter()
        .map(|cmd| tollgate(&env, &[cmd, "--json"]).1)
        .collect();

    let first = sync(&env, 0);
    assert_eq!(first["rows"], 7, "{first}");
    assert!(first["error"].is_null(), "{first}");
    let note = first["note"].as_str().expect("note");
    assert!(
        note.starts_with("7 new requests from 1 spool file"),
        "{note}"
    );

    let after: Vec<String> = ["report", "overview"]
        .iter()
        .map(|cmd| tollgate(&env, &[cmd, "--json"]).1)
        .collect();
    // The billed numbers do not move; the Overview adds the gateway's cost after the last bill
    // as a labelled live estimate (issue 15 item 5), which the projection includes.
    let billed = |text: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).expect("json");
        if let Some(o) = v.as_object_mut() {
            o.remove("live_estimate");
            o.remove("projection");
        }
        v
    };
    assert_eq!(
        before[0], after[0],
        "the request table is not the billed ledger"
    );
    assert_eq!(
        billed(&before[1]),
        billed(&after[1]),
        "the request table is not the billed ledger"
    );
    let overview: serde_json::Value = serde_json::from_str(&after[1]).expect("json");
    assert!(overview["live_estimate"]["note"]
        .as_str()
        .is_some_and(|n| n.starts_with("estimated from the gateway")));

    // Every record, exactly as the proxy wrote it.
    let s = Store::open(&env.db()).expect("open");
    let row: (String, String, Option<String>, i64, String, String) = s
        .conn()
        .query_row(
            "SELECT use_case, cost_usd::VARCHAR, user_pseudonym, input_tokens, day::VARCHAR, tags \
             FROM gateway_requests WHERE request_id = ?",
            [&ids[1]],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .expect("record");
    assert_eq!(row.0, "support");
    assert_eq!(
        row.1
            .parse::<rust_decimal::Decimal>()
            .expect("dec")
            .normalize()
            .to_string(),
        "0.00472"
    );
    assert_eq!(
        row.2.as_deref().map(str::len),
        Some(64),
        "a pseudonym, never the id"
    );
    assert_eq!(row.3, 1200);
    let started = super::proxy_harness::by_id(&proxy.records(), &ids[1])["started_at"].clone();
    assert_eq!(Some(row.4.as_str()), started.as_str().map(|s| &s[..10]));
    assert_eq!(row.5, r#"{"team":"cx"}"#);
    let (refused, unpriced, users): (i64, i64, i64) = s
        .conn()
        .query_row(
            "SELECT sum(refused), sum(unpriced), \
             (SELECT count(DISTINCT user_pseudonym) FROM gateway_requests) FROM gateway_daily",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("rollup");
    // alice (OpenAI header and Anthropic metadata: one pseudonym) and bob.
    assert_eq!((refused, unpriced, users), (1, 1, 2));
    let raw = std::fs::read(env.db()).expect("db bytes");
    assert!(
        !raw.windows(b"alice@example.com".len())
            .any(|w| w == b"alice@example.com"),
        "a raw user id reached the DB"
    );
    drop(s);

    let again = sync(&env, 0);
    assert_eq!(again["rows"], 0, "{again}");
    assert_eq!(count(&env, "SELECT count(*) FROM gateway_requests"), 7);
}

#[test]
fn two_instances_and_copied_lines_never_duplicate_or_lose_a_record() {
    let lines = captured();
    assert_eq!(lines.len(), 7);
    let env = Env::new();
    let (a, b) = (env.path("spool-a"), env.path("spool-b"));
    // Instance b holds records 3..7, two of them (3, 4) also copied into a's file.
    spool_file(&a, "aaaa", &lines[..5], "");
    spool_file(&b, "bbbb", &lines[3..], "");
    config(&env, &[&b]);
    assert_eq!(sync(&env, 0)["rows"], 4);
    config(&env, &[&a, &b]);
    let both = sync(&env, 0);
    assert_eq!(both["rows"], 3, "{both}");
    assert!(
        both["note"]
            .as_str()
            .expect("note")
            .contains("2 already ingested"),
        "{both}"
    );
    assert_eq!(count(&env, "SELECT count(*) FROM gateway_requests"), 7);
    assert_eq!(count(&env, "SELECT sum(requests) FROM gateway_daily"), 7);

    // Offsets lost (or wrong): every line is read again and nothing is added twice.
    Store::open(&env.db())
        .expect("open")
        .conn()
        .execute_batch("DELETE FROM gateway_spool_files")
        .expect("forget offsets");
    let reread = sync(&env, 0);
    assert_eq!(reread["rows"], 0);
    assert!(
        reread["note"]
            .as_str()
            .expect("note")
            .contains("9 already ingested"),
        "{reread}"
    );
    assert_eq!(count(&env, "SELECT count(*) FROM gateway_requests"), 7);
    assert_eq!(count(&env, "SELECT sum(requests) FROM gateway_daily"), 7);
}

#[test]
fn a_partial_last_line_waits_and_corrupt_lines_are_named_and_counted() {
    let lines = captured();
    let env = Env::new();
    let dir = env.path("spool");
    let (head, tail) = lines[4].split_at(60);
    let mut body = vec![lines[0].clone(), "{\"request_id\": \"cut".to_string()];
    body.extend(lines[1..4].iter().cloned());
    body.push(with(&lines[5], &[("outcome", json!("exploded"))]));
    let file = spool_file(&dir, "aaaa", &body, head);
    config(&env, &[&dir]);
    let first = sync(&env, 0);
    assert_eq!(first["rows"], 4, "{first}");
    let note = first["note"].as_str().expect("note");
    let name = file.display().to_string();
    assert!(note.contains("2 corrupt lines skipped"), "{note}");
    assert!(note.contains(&format!("{name}:2 (")), "{note}");
    assert!(
        note.contains(&format!("{name}:6 (outcome 'exploded'")),
        "{note}"
    );
    assert!(
        note.contains(&format!(
            "pending (no newline yet, read by the next sync): {name}:7"
        )),
        "{note}"
    );

    // The proxy finishes the line: the next sync reads it, and only it.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .expect("open spool");
    std::io::Write::write_all(&mut f, format!("{tail}\n").as_bytes()).expect("append");
    let second = sync(&env, 0);
    assert_eq!(second["rows"], 1, "{second}");
    let note = second["note"].as_str().expect("note");
    assert!(
        !note.contains("corrupt") && !note.contains("pending"),
        "{note}"
    );
    assert_eq!(count(&env, "SELECT count(*) FROM gateway_requests"), 5);
}

#[test]
fn a_failed_sync_changes_nothing_and_says_which_file() {
    let lines = captured();
    let env = Env::new();
    let dir = env.path("spool");
    spool_file(&dir, "aaaa", &lines, "");
    // A spool "file" that cannot be read.
    std::fs::create_dir_all(dir.join("requests-2026120513-bbbb.jsonl")).expect("mkdir");
    config(&env, &[&dir]);
    let failed = sync(&env, 1);
    let error = failed["error"].as_str().expect("error");
    assert!(
        error.contains("requests-2026120513-bbbb.jsonl cannot be read")
            && error.contains("nothing from this sync was written"),
        "{error}"
    );
    assert_eq!(count(&env, "SELECT count(*) FROM gateway_requests"), 0);
    assert_eq!(count(&env, "SELECT count(*) FROM gateway_spool_files"), 0);
    assert_eq!(
        count(
            &env,
            "SELECT count(*) FROM ingest_runs WHERE status = 'error' AND kind = 'spool'"
        ),
        1
    );

    // A configured dir that does not exist is named.
    config(&env, &[&env.path("nowhere")]);
    let missing = sync(&env, 1);
    assert!(
        missing["error"]
            .as_str()
            .expect("error")
            .contains("nowhere does not exist; check path in [sources.gw]"),
        "{missing}"
    );
}

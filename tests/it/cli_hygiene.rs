//! The binary as a pipeline member and without a login environment: a reader that closes the
//! pipe early ends it quietly, and reviews are signed by $USER, else $LOGNAME, else the
//! account name of the uid.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use tollgate::store::{IngestScope, Store};

use super::common::{openai_day, Env, BOT_SEARCH_CONFIG};

const TODAY: &str = "2026-11-10";

/// A ledger with 1,500 dependencies (one model each) of use case `bot`: `deps list --json`
/// prints far more than a pipe holds.
fn many_deps(env: &Env) -> std::path::PathBuf {
    let cfg = env.write("tollgate.toml", BOT_SEARCH_CONFIG);
    let store = Store::open(&env.db()).expect("open");
    let start = NaiveDate::from_ymd_opt(2026, 11, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("start");
    let rows: Vec<_> = (0..1500)
        .map(|i| {
            let model = format!("model-{i:04}");
            let mut r = openai_day(start, Decimal::new(1000 + i, 2), &["dep", &model]);
            r.sub_account_id = Some("proj_bot".to_string());
            r.model = Some(model);
            r
        })
        .collect();
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "openai".into(),
            },
            &rows,
        )
        .expect("ingest");
    cfg
}

#[test]
fn closed_stdout_pipe_ends_quietly() {
    let env = Env::new();
    let cfg = many_deps(&env);
    let mut cmd = env.std_cmd();
    let mut child = cmd
        .arg("--db")
        .arg(env.db())
        .arg("--config")
        .arg(&cfg)
        .args(["deps", "list", "--json"])
        .env("TOLLGATE_TODAY", TODAY)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    out.read_line(&mut first).expect("first line");
    assert!(first.starts_with('{'), "{first}");
    // like `| head -1`: the reader goes away after one line
    drop(out);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("wait");
    assert_eq!(stderr, "", "no message on a closed pipe");
    // the reader wanted no more: not a failure (ripgrep's convention)
    assert_eq!(status.code(), Some(0), "{status:?}");
}

fn tag_as(env: &Env, cfg: &std::path::Path, vars: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = env.cmd();
    c.arg("--db")
        .arg(env.db())
        .arg("--config")
        .arg(cfg)
        .args(["deps", "tag", "bot/OpenAI/model-0001", "--class", "waste"])
        .env("TOLLGATE_TODAY", TODAY)
        .env_remove("USER")
        .env_remove("LOGNAME")
        .env_remove("USERNAME");
    for (k, v) in vars {
        c.env(k, v);
    }
    let out = c.output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The account name of this process's uid, as `id -un` says.
fn account() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .expect("id");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn reviews_are_signed_by_user_then_logname_then_the_account() {
    let env = Env::new();
    let cfg = many_deps(&env);
    let (code, out, err) = tag_as(&env, &cfg, &[("USER", "ana")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(by ana,"), "{out}");
    let (code, out, err) = tag_as(&env, &cfg, &[("LOGNAME", "bo")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(by bo,"), "{out}");
    let (code, out, err) = tag_as(&env, &cfg, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("(by {},", account())), "{out}");
}

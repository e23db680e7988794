//! `tollgate sync` of a `modal` source: a fake `modal` executable first on PATH (the real binary
//! runs it), the window passed as --start/--end, tags allocated by rules, a saved CSV report,
//! and the messages for a missing or failing `modal`.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use rust_decimal::Decimal;

use super::common::*;
use crate::sync_aws::{date, json_dec, report, run, strings, sums};

const TODAY: &str = "2026-04-12";

/// A fake `modal`: logs its arguments, prints `report-<start>-<end>.json` from its directory,
/// or fails like the real CLI when the file `fail` exists.
pub fn fake_modal(env: &Env) -> PathBuf {
    let bin = env.path("bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    let script = format!(
        r#"#!/bin/sh
DIR="{dir}"
echo "$@" >> "$DIR/args.log"
if [ -e "$DIR/fail" ]; then echo "Token missing. Run modal token new" >&2; exit 1; fi
[ "$1" = "billing" ] && [ "$2" = "report" ] || {{ echo "No such command" >&2; exit 2; }}
shift 2
while [ $# -gt 0 ]; do
  case "$1" in
    --start) START="$2"; shift 2 ;;
    --end) END="$2"; shift 2 ;;
    *) shift ;;
  esac
done
F="$DIR/report-$START-$END.json"
if [ -e "$F" ]; then cat "$F"; else echo "[]"; fi
"#,
        dir = bin.display()
    );
    let path = bin.join("modal");
    std::fs::write(&path, script).expect("script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    bin
}

pub fn path_with(bin: &std::path::Path) -> String {
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// A use case `research` for Modal items tagged team=research.
pub const RULES: &str = r#"
[[use_cases]]
id = "research"
name = "Research"
kind = "experiment"

[[rules]]
use_case = "research"
match = { tag = "team=research" }
"#;

/// Items for 2026-03-01 .. 2026-04-12: a fine-tune tagged research, an untagged notebook.
pub fn items() -> (String, Decimal, Decimal) {
    let mut out = Vec::new();
    let (mut research, mut total) = (Decimal::ZERO, Decimal::ZERO);
    let mut day = date("2026-03-01");
    let mut i = 0i64;
    while day <= date(TODAY) {
        let a = Decimal::new(374_120 + i * 37, 4);
        let b = Decimal::new(12_345 + i * 11, 4);
        research += a;
        total += a + b;
        out.push(format!(
            r#"{{"object_id":"ap-ft","description":"llm-finetune","environment_name":"main","interval_start":"{day}T00:00:00+00:00","cost":"{a}","tags":{{"team":"research"}}}}"#
        ));
        out.push(format!(
            r#"{{"object_id":"ap-nb","description":"notebook","environment_name":"dev","interval_start":"{day}T00:00:00+00:00","cost":{b},"tags":{{}}}}"#
        ));
        day = day.succ_opt().expect("day");
        i += 1;
    }
    (format!("[{}]", out.join(",")), research, total)
}

#[test]
fn fake_modal_on_path_is_run_for_the_window_and_allocated_by_tags() {
    let env = Env::new();
    let bin = fake_modal(&env);
    env.write(
        "cfg.toml",
        &format!("[sources.modal]\nkind = \"modal\"\n{RULES}"),
    );
    let (json, research, total) = items();
    std::fs::write(bin.join("report-2025-03-01-2026-04-13.json"), json).expect("report");
    let path = path_with(&bin);
    let r = run(&env, TODAY, &[("PATH", path.as_str())], &["sync"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("modal: 86 rows"), "{}", r.stderr);
    let args = std::fs::read_to_string(bin.join("args.log")).expect("args");
    assert_eq!(
        args.trim(),
        "billing report --start 2025-03-01 --end 2026-04-13 --resolution d --tag-names * --json"
    );
    let got = sums(&env.db(), "ProviderName", "true");
    assert_eq!(got["Modal"].1, total.normalize());
    let rep = report(&env, TODAY, "2026-03");
    let march: Decimal = {
        let all = sums(&env.db(), "strftime(ChargePeriodStart, '%Y-%m')", "true");
        all["2026-03"].1
    };
    assert_eq!(json_dec(&rep["total"]), tollgate::money::cents(march));
    let cats = strings(
        &env.db(),
        "SELECT DISTINCT a.x_Category FROM ledger_alloc a",
    );
    assert_eq!(cats, vec![vec![Some("experimentation".to_string())]]);
    let by_use_case = sums(&env.db(), "json_extract_string(Tags, '$.team')", "true");
    assert_eq!(by_use_case["research"].1, research.normalize());
    let research_march: Decimal = strings(
        &env.db(),
        "SELECT CAST(sum(x_AllocatedCost) AS VARCHAR) FROM ledger_alloc WHERE x_UseCase = 'research' AND ChargePeriodStart < '2026-04-01'",
    )[0][0]
        .as_deref()
        .expect("sum")
        .parse()
        .expect("decimal");
    let want: Decimal = (0..31).map(|i| Decimal::new(374_120 + i * 37, 4)).sum();
    assert_eq!(research_march.normalize(), want.normalize());
}

#[test]
fn missing_or_failing_modal_is_named_and_db_unchanged() {
    let env = Env::new();
    let bin = fake_modal(&env);
    env.write("cfg.toml", "[sources.modal]\nkind = \"modal\"\n");
    let (json, _, _) = items();
    std::fs::write(bin.join("report-2025-03-01-2026-04-13.json"), json).expect("report");
    let path = path_with(&bin);
    assert_eq!(
        run(&env, TODAY, &[("PATH", path.as_str())], &["sync"]).code,
        0
    );
    let before = ledger_fingerprint(&env.db());

    let empty = env.path("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let r = run(
        &env,
        TODAY,
        &[("PATH", empty.to_str().expect("path"))],
        &["sync"],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("source modal: the `modal` command is not on PATH"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("report_file"), "{}", r.stderr);
    assert_eq!(ledger_fingerprint(&env.db()), before);

    std::fs::write(bin.join("fail"), "").expect("fail marker");
    let r = run(&env, TODAY, &[("PATH", path.as_str())], &["sync"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("`modal billing report` exited") && r.stderr.contains("Token missing"),
        "{}",
        r.stderr
    );
    assert_eq!(ledger_fingerprint(&env.db()), before);
}

#[test]
fn saved_csv_report_is_read_for_the_window() {
    let env = Env::new();
    let csv = "object_id,description,environment_name,interval_start,cost,tags\n\
               ap-1,\"train, big\",main,2026-04-01T00:00:00+00:00,10.5001,\"{\"\"team\"\":\"\"research\"\"}\"\n\
               ap-2,notebook,dev,2026-04-02T00:00:00+00:00,0.2499,\n\
               ap-3,old,dev,2024-01-01T00:00:00+00:00,99,\n";
    let file = env.write("modal.csv", csv);
    env.write(
        "cfg.toml",
        &format!(
            "[sources.modal]\nkind = \"modal\"\nreport_file = \"{}\"\n{RULES}",
            file.display()
        ),
    );
    let empty = env.path("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let r = run(
        &env,
        TODAY,
        &[("PATH", empty.to_str().expect("path"))],
        &["sync"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // the 2024 item is outside the 13-month window
    let got = sums(&env.db(), "ResourceId", "true");
    assert_eq!(got.len(), 2);
    assert_eq!(got["ap-1"].1, Decimal::new(105_001, 4));
    assert_eq!(got["ap-2"].1, Decimal::new(2_499, 4));
    let tags = strings(
        &env.db(),
        "SELECT Tags FROM ledger WHERE ResourceId = 'ap-1'",
    );
    assert_eq!(tags[0][0].as_deref(), Some("{\"team\":\"research\"}"));
}

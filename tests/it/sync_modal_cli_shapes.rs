//! `modal billing report` as the real Modal CLI prints it (fixtures in tests/it/fixtures/modal,
//! written by `generate.py` through modal-client's own click command, JSON printer and csv
//! writer): snake_case `--json` keys and the older display-name keys, `tags` as a JSON string,
//! naive UTC and offset `interval_start`s, and the `--csv` output, whose lines rich wraps at 80
//! columns when stdout is not a terminal. Each is synced through the real binary.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::common::*;
use crate::sync_aws::{run, strings, sums};
use crate::sync_modal::{fake_modal, path_with, RULES};

const TODAY: &str = "2026-04-12";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/fixtures/modal");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).expect("fixture")
}

/// Syncs with the fake `modal` printing `fixture`, or with `report_file` naming it.
fn sync_fixture(name: &str, through_cli: bool) -> Env {
    let env = Env::new();
    let bin = fake_modal(&env);
    let source = if through_cli {
        std::fs::write(bin.join("report-2025-03-01-2026-04-13.json"), fixture(name))
            .expect("report");
        "[sources.modal]\nkind = \"modal\"\n".to_string()
    } else {
        let file = env.write(name, &fixture(name));
        format!(
            "[sources.modal]\nkind = \"modal\"\nreport_file = \"{}\"\n",
            file.display()
        )
    };
    env.write("cfg.toml", &format!("{source}{RULES}"));
    let path = path_with(&bin);
    let r = run(&env, TODAY, &[("PATH", path.as_str())], &["sync"]);
    assert_eq!(r.code, 0, "{name}: {}", r.stderr);
    assert!(r.stderr.contains("modal: 6 rows"), "{name}: {}", r.stderr);
    env
}

/// What every fixture holds: 2 intervals x 3 objects, environments as sub-accounts, tags.
fn assert_fixture_rows(env: &Env, name: &str, first_hour: &str) {
    let by_object = sums(&env.db(), "ResourceId", "true");
    let want: BTreeMap<String, Decimal> =
        [("ap-ft", "75.824"), ("ap-nb", "2.469"), ("sb-x1", "0.0002")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.parse().expect("decimal")))
            .collect();
    let got: BTreeMap<String, Decimal> = by_object
        .into_iter()
        .map(|(k, (_, effective))| (k, effective.normalize()))
        .collect();
    assert_eq!(got, want, "{name}");
    let rows = strings(
        &env.db(),
        "SELECT ResourceId, SubAccountId, SubAccountName, ResourceName, Tags, \
         strftime(ChargePeriodStart, '%Y-%m-%d %H:%M'), x_UseCase \
         FROM ledger_alloc ORDER BY ChargePeriodStart, ResourceId",
    );
    let first: Vec<Option<String>> = rows[0].clone();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        first,
        vec![
            s("ap-ft"),
            s("main"),
            s("main"),
            s("llm-finetune"),
            s("{\"team\":\"research\"}"),
            s(&format!("2026-04-01 {first_hour}")),
            s("research"),
        ],
        "{name}"
    );
    assert_eq!(rows[1][0], s("ap-nb"), "{name}");
    assert_eq!(rows[1][1], s("dev"), "{name}");
    assert_eq!(rows[1][3], s("notebook, \"scratch\" – Ü"), "{name}");
    // an empty environment is no sub-account
    assert_eq!(rows[2][0], s("sb-x1"), "{name}");
    assert_eq!(rows[2][1], None, "{name}");
    assert_eq!(
        rows[2][4],
        s("{\"env\":\"prod\",\"team\":\"infra\"}"),
        "{name}"
    );
}

#[test]
fn cli_json_with_snake_case_keys_and_tags_as_json_strings() {
    let env = sync_fixture("report.json", true);
    assert_fixture_rows(&env, "report.json", "00:00");
}

#[test]
fn cli_json_with_the_older_display_name_keys() {
    let env = sync_fixture("display-names.json", true);
    assert_fixture_rows(&env, "display-names.json", "00:00");
}

#[test]
fn cli_json_without_tags_is_read() {
    let env = sync_fixture("report-no-tags.json", false);
    // no tags at all: no Tags, as for an object without tags
    let tags = strings(&env.db(), "SELECT DISTINCT Tags FROM ledger");
    assert_eq!(tags, vec![vec![None]]);
}

#[test]
fn cli_csv_wrapped_at_80_columns_is_read() {
    let text = fixture("report.csv");
    assert!(
        text.starts_with("Object ID,Description,Environment,Interval Start,Cost,Tags\n"),
        "{text}"
    );
    // rich wrapped a long record: the fixture is the real CLI's output
    assert!(text.contains("\"\"env\"\": \n\"\"prod\"\"}\""), "{text}");
    let env = sync_fixture("report.csv", false);
    assert_fixture_rows(&env, "report.csv", "00:00");
}

#[test]
fn cli_csv_without_tags_column_is_read() {
    let env = sync_fixture("report-no-tags.csv", false);
    let rows = strings(
        &env.db(),
        "SELECT DISTINCT SubAccountId FROM ledger ORDER BY 1 NULLS LAST",
    );
    assert_eq!(
        rows,
        vec![
            vec![Some("dev".to_string())],
            vec![Some("main".to_string())],
            vec![None]
        ]
    );
}

#[test]
fn hourly_report_with_an_offset_is_read_as_utc() {
    // `-r h --tz +02:00`: 02:00+02:00 is 00:00 UTC, and the rows are an hour long
    let env = sync_fixture("hourly-tz.json", false);
    assert_fixture_rows(&env, "hourly-tz.json", "00:00");
    let hours = strings(
        &env.db(),
        "SELECT DISTINCT strftime(ChargePeriodStart, '%H:%M'), \
         CAST(date_diff('minute', ChargePeriodStart, ChargePeriodEnd) AS VARCHAR) \
         FROM ledger ORDER BY 1",
    );
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        hours,
        vec![vec![s("00:00"), s("60")], vec![s("01:00"), s("60")]]
    );
}

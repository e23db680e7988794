//! Weekly active users from the gateway (issue 15 item 3): a hand-made week grid over
//! September and October 2026 with hand-computed averages, cost per WAU in `report`,
//! `overview` and the pack with no outcome CSV, and the config's two forms and their errors.

use crate::common::{focus_csv, focus_line, Env};
use crate::export::{json, path, read, run_ok};
use crate::gateway_rows::{ingest, Req};

const CONFIG: &str = r#"
[[use_cases]]
id = "assistant"
name = "Assistant"
kind = "feature"
outcome = { metric = "wau", source = "gateway" }

[[use_cases]]
id = "bot"
name = "Support bot"
kind = "pilot"
outcome = "tickets_deflected"

[[rules]]
use_case = "assistant"
match = { sub_account = "proj_assist" }
"#;

fn user(id: &str, at: &str, who: &str) -> Req {
    Req {
        user: Some(format!("{who:0>64}")),
        ..Req::new(id, at, "assistant")
    }
}

/// October 2026 starts on a Thursday. Its ISO weeks and their days in October: Sep 28 (4),
/// Oct 5 (7), Oct 12 (7), Oct 19 (7), Oct 26 (6). Distinct users per week: 3, 2, 4, 1, 5, so
/// WAU = (3x4 + 2x7 + 4x7 + 1x7 + 5x6) / 31 = 91/31 = 2.935484. September's only week with
/// gateway records is Sep 28's: WAU 3.
fn grid() -> Vec<Req> {
    let mut r = vec![
        // Week of Sep 28: u1 (a September day counts for the whole week), u2, u3; u1 twice.
        user("w40a", "2026-09-29 10:00:00", "1"),
        user("w40b", "2026-10-01 10:00:00", "2"),
        user("w40c", "2026-10-02 10:00:00", "1"),
        user("w40d", "2026-10-03 10:00:00", "3"),
        // Week of Oct 5: u1, u2; u9 was only refused; u8 used another use case.
        user("w41a", "2026-10-05 10:00:00", "1"),
        user("w41b", "2026-10-11 23:59:59", "2"),
        Req {
            outcome: "refused",
            ..user("w41c", "2026-10-06 10:00:00", "9")
        },
        Req {
            use_case: Some("bot"),
            ..user("w41d", "2026-10-06 11:00:00", "8")
        },
        // Week of Oct 12: u1..u4.
        user("w42a", "2026-10-12 00:00:00", "1"),
        user("w42b", "2026-10-13 10:00:00", "2"),
        user("w42c", "2026-10-14 10:00:00", "3"),
        user("w42d", "2026-10-18 10:00:00", "4"),
        // Week of Oct 19: u5, and a request without a user.
        user("w43a", "2026-10-20 10:00:00", "5"),
        Req::new("w43b", "2026-10-21 10:00:00", "assistant"),
        // Week of Oct 26: u1..u4 in October, u6 on Sunday Nov 1.
        user("w44a", "2026-10-26 10:00:00", "1"),
        user("w44b", "2026-10-27 10:00:00", "2"),
        user("w44c", "2026-10-28 10:00:00", "3"),
        user("w44d", "2026-10-31 10:00:00", "4"),
        user("w44e", "2026-11-01 10:00:00", "6"),
    ];
    r.reverse();
    r
}

fn env_with_grid() -> Env {
    let env = Env::new();
    env.write("tollgate.toml", CONFIG);
    let bill = env.write(
        "bill.csv",
        &focus_csv(&[
            focus_line(
                "10.00",
                "2026-09-15",
                "OpenAI",
                "OpenAI API",
                "proj_assist",
                "{}",
            ),
            focus_line(
                "91.00",
                "2026-10-15",
                "OpenAI",
                "OpenAI API",
                "proj_assist",
                "{}",
            ),
        ]),
    );
    run_ok(&env, &["import", "focus", path(&bill)]);
    ingest(&env, &grid());
    env
}

#[test]
fn wau_from_the_gateway_weighs_weeks_by_their_days_in_the_month() {
    let env = env_with_grid();
    let assistant = |month: &str| {
        let r = json(&env, &["report", "--month", month, "--json"]);
        r["by_use_case"]
            .as_array()
            .expect("use cases")
            .iter()
            .find(|u| u["use_case"] == "assistant")
            .cloned()
            .expect("assistant")
    };
    let oct = assistant("2026-10");
    assert_eq!(oct["outcome_metric"], "wau");
    assert_eq!(oct["outcome_value"].to_string(), "2.935484");
    // 91.00 / (91/31) = 31, to four decimals.
    assert_eq!(oct["cost_per_outcome"].to_string(), "31.0000");
    let sep = assistant("2026-09");
    assert_eq!(sep["outcome_value"].to_string(), "3");
    assert_eq!(sep["cost_per_outcome"].to_string(), "3.3333");

    // The Overview shows the same cost per WAU (latest complete month as of 2026-11-20).
    let o = json(&env, &["overview", "--json"]);
    let wau = o["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .find(|x| x["use_case"] == "assistant")
        .cloned()
        .expect("assistant outcome");
    assert_eq!(wau["cost_per_outcome"].to_string(), "31.0000");

    // And the pack.
    let out = env.path("pack");
    run_ok(&env, &["export", "--month", "2026-10", "--out", path(&out)]);
    assert!(
        read(&out, "use_cases.csv").contains("2026-10,assistant,Assistant,feature,91.00,100.0,10.00,wau,per weekly active AI user,2.935484,31.0000"),
        "{}",
        read(&out, "use_cases.csv")
    );

    // A gateway-counted value replaces an imported one of the same use case and month.
    let csv = env.write(
        "o.csv",
        "month,use_case,metric,value\n2026-10,assistant,wau,1000\n",
    );
    run_ok(&env, &["import", "outcomes", path(&csv)]);
    assert_eq!(
        assistant("2026-10")["outcome_value"].to_string(),
        "2.935484"
    );
}

#[test]
fn outcome_table_form_errors_name_the_field_and_the_fix() {
    for (outcome, needle) in [
        (
            r#"{ metric = "wau", source = "spool" }"#,
            "outcome.source `spool`",
        ),
        (
            r#"{ metric = "tickets", source = "gateway" }"#,
            "counts weekly active users only",
        ),
        (
            r#"{ metric = "wau", from = "gateway" }"#,
            "outcome has no key `from`",
        ),
        (r#"{ source = "gateway" }"#, "outcome needs `metric`"),
        ("42", "a metric name"),
    ] {
        let text = format!(
            "[[use_cases]]\nid = \"a\"\nname = \"A\"\nkind = \"feature\"\noutcome = {outcome}\n"
        );
        let err = tollgate::config::parse(&text, "t.toml")
            .expect_err(outcome)
            .to_string();
        assert!(
            err.starts_with("t.toml:5:") && err.contains(needle),
            "{outcome}: {err}"
        );
    }
    let c = tollgate::config::parse(
        "[[use_cases]]\nid = \"a\"\nname = \"A\"\nkind = \"feature\"\noutcome = \"wau\"\n\
         [[use_cases]]\nid = \"b\"\nname = \"B\"\nkind = \"feature\"\noutcome = { metric = \"wau\", source = \"gateway\" }\n",
        "t.toml",
    )
    .expect("both forms");
    assert_eq!(c.use_cases[0].metric(), Some("wau"));
    assert!(!c.use_cases[0].wau_from_gateway());
    assert!(c.use_cases[1].wau_from_gateway());
}

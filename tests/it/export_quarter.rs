//! `tollgate export --quarter` (docs/CONTRACTS.md, "Export pack"): the board pack of a
//! hand-built ledger over two quarters, checked against hand-computed sums and against the
//! monthly `report --json` of each month; bad quarters leave nothing behind.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::common::{focus_csv, focus_line, Env, BOT_SEARCH_CONFIG};
use crate::export::{cmd, dec, json, packs_recorded, path, query, read, run_ok};

/// Gates low enough for the hand-built numbers: search's August ($200 against $6.67) is a G1.
const CONFIG_TAIL: &str = r#"
[[rules]]
split = { bot = 0.333333, search = 0.666667 }
match = { provider = "Pinecone" }

[gates]
feature_min_usd = 100
"#;

fn line(cost: &str, day: &str, provider: &str, sub: &str) -> String {
    let service = match provider {
        "AWS" => "Amazon Bedrock",
        "Pinecone" => "Pinecone",
        _ => "OpenAI API",
    };
    focus_line(cost, day, provider, service, sub, "{}")
}

/// 2026-Q2: $200.00 (Apr bot 100, May search 50, Jun bot 30 + search 20).
/// 2026-Q3: Jul $110.10 (bot 100.10 + Pinecone 10 split: bot 103.43, search 6.67),
/// Aug $207.77 (search 200, AWS 7.77 unallocated), Sep $60.05 (bot 50.05 + Pinecone 10:
/// bot 53.38, search 6.67). Q3 = $377.92 = bot 156.81 + search 213.34 + unallocated 7.77.
fn two_quarters() -> Env {
    let env = Env::new();
    env.write(
        "tollgate.toml",
        &format!("{BOT_SEARCH_CONFIG}{CONFIG_TAIL}"),
    );
    let q2 = focus_csv(&[
        line("100.00", "2026-04-10", "OpenAI", "proj_bot"),
        line("50.00", "2026-05-10", "OpenAI", "proj_search"),
        line("30.00", "2026-06-10", "OpenAI", "proj_bot"),
        line("20.00", "2026-06-11", "OpenAI", "proj_search"),
    ]);
    let q3 = focus_csv(&[
        line("100.10", "2026-07-03", "OpenAI", "proj_bot"),
        line("10.00", "2026-07-10", "Pinecone", "shared"),
        line("200.00", "2026-08-05", "OpenAI", "proj_search"),
        line("7.77", "2026-08-11", "AWS", "other"),
        line("50.05", "2026-09-20", "OpenAI", "proj_bot"),
        line("10.00", "2026-09-21", "Pinecone", "shared"),
    ]);
    let q2 = env.write("q2.csv", &q2);
    let q3 = env.write("q3.csv", &q3);
    // bot: Q3 has values in July and September; Q2 in April only.
    let outcomes = env.write(
        "outcomes.csv",
        "month,use_case,metric,value\n2026-04,bot,tickets_deflected,50\n\
         2026-07,bot,tickets_deflected,40\n2026-09,bot,tickets_deflected,10\n",
    );
    run_ok(&env, &["import", "focus", path(&q2), path(&q3)]);
    run_ok(&env, &["import", "outcomes", path(&outcomes)]);
    env
}

/// Records a decision on search's August G1 at `at` (a time in the quarter or after it),
/// through the same engine calls as `gates decide`.
fn decide_at(env: &Env, at: &str, note: &str) {
    let store = tollgate::store::Store::open(&env.db()).expect("open");
    let config = tollgate::config::load_file(&env.path("tollgate.toml"))
        .expect("config")
        .config;
    let day = NaiveDate::from_ymd_opt(2026, 9, 2).expect("day");
    let report = tollgate::gates::evaluate(&store, &config, day).expect("gates");
    let now = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").expect("time");
    tollgate::gates::decide(
        &store,
        &report,
        "G1:search:2026-08",
        tollgate::gates::Decision::ReJustified,
        "ana",
        Some(note),
        now,
    )
    .expect("decide");
}

#[test]
fn quarter_pack_adds_up_to_the_monthly_reports_and_the_hand_computed_sums() {
    let env = two_quarters();
    decide_at(&env, "2026-09-02 10:00:00", "launch month");
    decide_at(&env, "2026-10-05 09:30:00", "after the quarter");
    let out = env.path("board");
    let stdout = run_ok(
        &env,
        &["export", "--quarter", "2026-Q3", "--out", path(&out)],
    );
    assert!(stdout.contains("of 2026-Q3 written to"), "{stdout}");

    // The quarter is the sum of the three monthly reports, to the cent.
    let monthly: Decimal = ["2026-07", "2026-08", "2026-09"]
        .iter()
        .map(|m| dec(&json(&env, &["report", "--month", m, "--json"])["total"]))
        .sum();
    assert_eq!(monthly, Decimal::new(37792, 2));

    assert_eq!(
        read(&out, "quarters.csv"),
        "quarter,status,months,total,qoq_growth_pct\n\
         2026-Q2,complete,3,200.00,\n\
         2026-Q3,complete,3,377.92,89.0\n"
    );
    assert_eq!(
        read(&out, "months.csv"),
        "quarter,month,total,llm_api,embeddings_vector,experimentation,other,unallocated\n\
         2026-Q3,2026-07,110.10,100.10,10.00,0.00,0.00,0.00\n\
         2026-Q3,2026-08,207.77,207.77,0.00,0.00,0.00,7.77\n\
         2026-Q3,2026-09,60.05,50.05,10.00,0.00,0.00,0.00\n"
    );
    // bot's cost per ticket: (103.43 + 53.38) / (40 + 10); the prior quarter 100.00 / 50.
    assert_eq!(
        read(&out, "use_cases.csv"),
        "quarter,use_case,name,kind,cost,share_pct,prior_quarter_cost,outcome_metric,outcome_label,outcome_value,months_with_value,cost_per_outcome,prior_quarter_cost_per_outcome\n\
         2026-Q3,search,Search,feature,213.34,56.5,70.00,,,,,,\n\
         2026-Q3,bot,Support bot,pilot,156.81,41.5,130.00,tickets_deflected,per ticket deflected,50,2,3.1362,2.0000\n\
         2026-Q3,unallocated,,,7.77,2.1,0.00,,,,,,\n"
    );
    let decisions = read(&out, "decisions.csv");
    assert_eq!(decisions.lines().count(), 2, "{decisions}");
    assert!(
        decisions.contains(
            "G1:search:2026-08,G1,search,2026-08,re-justified,ana,2026-09-02T10:00:00Z,200.00,"
        ) && decisions.contains("launch month")
            && !decisions.contains("after the quarter"),
        "{decisions}"
    );
    let targets = read(&out, "targets.csv");
    assert!(
        targets.starts_with("usd,month_p50,probability_by_year_end\n50000.00,"),
        "{targets}"
    );
    assert_eq!(targets.lines().count(), 3, "{targets}");

    let summary = read(&out, "summary.md");
    for l in [
        "# AI spend board pack: 2026-Q3 (Jul to Sep 2026)",
        "| 2026-Q3 | complete | 3 | $377.92 | +89.0% |",
        "| **Total** | **$357.92** | **$20.00** | **$0.00** | **$0.00** | **$7.77** | **$377.92** |",
        "| Search (search) | feature | $213.34 | 56.5% | $70.00 | +$143.34 (+204.8%) |",
        "| **Total** |  | **$377.92** | **100.0%** | **$200.00** | **+$177.92 (+89.0%)** |",
        "| Support bot (bot) | per ticket deflected | 50 | 2 of 3 | $3.1362 | $2.0000 |",
        "| 2026-09-02 10:00 | G1 ",
        "- decisions.csv",
    ] {
        assert!(summary.contains(l), "summary.md lacks `{l}`:\n{summary}");
    }
    let html = read(&out, "report.html");
    assert!(html.contains("<figure id=\"chart-quarters\">") && html.contains("$377.92"));

    // The FOCUS rows are the quarter's and add up to it.
    let rows = query(&format!(
        "SELECT CAST(sum(CAST(EffectiveCost AS DECIMAL(18, 9))) AS VARCHAR), CAST(count(*) AS VARCHAR) \
         FROM read_csv('{}', all_varchar = true)",
        out.join("focus.csv").display()
    ));
    assert_eq!(rows, [["377.920000000", "8"]]);

    // The manifest is the monthly pack's, naming the quarter, with true checksums.
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out, "manifest.json")).expect("manifest");
    assert_eq!(manifest["quarter"], "2026-Q3");
    assert!(manifest.get("month").is_none());
    assert_eq!(manifest["as_of"], "2026-10-01");
    let files = manifest["files"].as_array().expect("files");
    assert_eq!(files.len(), 9);
    for f in files {
        let name = f["name"].as_str().expect("name");
        let (bytes, sha) = tollgate::export::manifest::sha256_file(&out.join(name)).expect("sha");
        assert_eq!(
            (f["bytes"].as_u64(), f["sha256"].as_str()),
            (Some(bytes), Some(sha.as_str()))
        );
    }
    assert_eq!(packs_recorded(&env.db()), 1);
}

#[test]
fn a_quarter_in_progress_is_quarter_to_date_without_growth() {
    let env = two_quarters();
    let extra = env.write(
        "oct.csv",
        &focus_csv(&[line("40.00", "2026-10-02", "OpenAI", "proj_bot")]),
    );
    run_ok(&env, &["import", "focus", path(&extra)]);
    let out = env.path("q4");
    run_ok(
        &env,
        &["export", "--quarter", "2026-Q4", "--out", path(&out)],
    );
    assert!(read(&out, "quarters.csv").ends_with("2026-Q4,partial,1,40.00,\n"));
    let summary = read(&out, "summary.md");
    assert!(summary.contains("2026-Q4 is in progress"), "{summary}");
}

#[test]
fn bad_quarters_name_the_problem_and_change_nothing() {
    let env = two_quarters();
    let before = crate::common::ledger_fingerprint(&env.db());
    let out = env.path("board");
    for bad in ["2026-Q5", "2026-Q0", "2026-07", "Q3-2026"] {
        let a = cmd(&env, &["export", "--quarter", bad, "--out", path(&out)]).code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(
            err.contains(&format!("'{bad}' is not a quarter")) && err.contains("YYYY-Qn"),
            "{err}"
        );
    }
    let a = cmd(
        &env,
        &["export", "--quarter", "2025-Q4", "--out", path(&out)],
    )
    .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("no ledger rows in 2025-Q4") && err.contains("2026-09, in 2026-Q3"),
        "{err}"
    );
    let a = cmd(
        &env,
        &["export", "--quarter", "2027-Q1", "--out", path(&out)],
    )
    .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("2027-Q1 has not started"), "{err}");
    let a = cmd(&env, &["export", "--out", path(&out)]).code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("--month") && err.contains("--quarter"),
        "{err}"
    );
    cmd(
        &env,
        &[
            "export",
            "--month",
            "2026-09",
            "--quarter",
            "2026-Q3",
            "--out",
            path(&out),
        ],
    )
    .code(2);

    assert!(!out.exists());
    assert_eq!(packs_recorded(&env.db()), 0);
    assert_eq!(crate::common::ledger_fingerprint(&env.db()), before);
}

/// A board pack sorts after every month of its year (`2026-Q3` > `2026-12`), so without care
/// the next year's first monthly pack would take it for the previous business review.
#[test]
fn a_board_pack_is_never_the_previous_monthly_review() {
    let env = Env::new();
    env.write("tollgate.toml", BOT_SEARCH_CONFIG);
    let bill = env.write(
        "bill.csv",
        &focus_csv(&[
            line("10.00", "2026-08-10", "OpenAI", "proj_bot"),
            line("20.00", "2026-12-10", "OpenAI", "proj_bot"),
            line("30.00", "2027-01-10", "OpenAI", "proj_bot"),
        ]),
    );
    let run = |args: &[&str]| {
        env.cmd()
            .arg("--db")
            .arg(env.db())
            .arg("--config")
            .arg(env.path("tollgate.toml"))
            .env("TOLLGATE_TODAY", "2027-02-10")
            .args(args)
            .assert()
            .success();
    };
    run(&["import", "focus", path(&bill)]);
    run(&[
        "export",
        "--month",
        "2026-12",
        "--out",
        path(&env.path("dec")),
    ]);
    run(&[
        "export",
        "--quarter",
        "2026-Q3",
        "--out",
        path(&env.path("q3")),
    ]);
    run(&[
        "export",
        "--month",
        "2027-01",
        "--out",
        path(&env.path("jan")),
    ]);
    let summary = read(&env.path("jan"), "summary.md");
    assert!(
        summary.contains("Compared with the pack of 2026-12."),
        "{summary}"
    );
}

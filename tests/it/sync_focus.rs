//! `tollgate sync` of a `focus` source: a glob over FOCUS exports from two providers (AWS Data
//! Exports, Pinecone), unchanged files skipped by checksum, a changed file replacing its rows,
//! a bad file leaving the DB unchanged, categories and tag allocation.

use rust_decimal::Decimal;

use super::common::*;
use crate::sync_aws::{json_dec, report, run, strings, sums};

const TODAY: &str = "2026-04-12";

fn config(env: &Env) -> String {
    format!(
        r#"[sources.exports]
kind = "focus"
path = "{}/exports/*.csv"

[[use_cases]]
id = "search"
name = "Search"
kind = "feature"

[[rules]]
use_case = "search"
match = {{ tag = "team=search" }}
"#,
        env.dir.path().display()
    )
}

pub fn aws_export() -> String {
    focus_csv(&[
        focus_line(
            "120.125",
            "2026-03-02",
            "AWS",
            "Amazon Bedrock",
            "111122223333",
            r#"{"team":"search"}"#,
        ),
        focus_line(
            "80.5",
            "2026-03-03",
            "AWS",
            "Amazon Bedrock",
            "111122223333",
            r#"{"team":"ads"}"#,
        ),
    ])
}

pub fn pinecone_export(cost: &str) -> String {
    focus_csv(&[
        focus_line(
            cost,
            "2026-03-02",
            "Pinecone",
            "Pinecone Serverless",
            "proj-search",
            r#"{"team":"search"}"#,
        ),
        focus_line(
            "3.3",
            "2026-03-04",
            "Pinecone",
            "Pinecone Serverless",
            "proj-search",
            "{}",
        ),
    ])
}

#[test]
fn two_providers_unchanged_skipped_changed_replaced() {
    let env = Env::new();
    std::fs::create_dir_all(env.path("exports")).expect("dir");
    env.write("exports/aws-focus-2026-03.csv", &aws_export());
    env.write("exports/pinecone-2026-03.csv", &pinecone_export("10.01"));
    env.write("exports/notes.txt", "not an export");
    env.write("cfg.toml", &config(&env));

    let r = run(&env, TODAY, &[], &["sync"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("exports: 4 rows")
            && r.stderr.contains("2 of 2 files imported, 0 unchanged"),
        "{}",
        r.stderr
    );
    let by_provider = sums(&env.db(), "ProviderName", "x_Source = 'exports'");
    assert_eq!(by_provider["AWS"].1, Decimal::new(200_625, 3));
    assert_eq!(by_provider["Pinecone"].1, Decimal::new(1_331, 2));

    let rep = report(&env, TODAY, "2026-03");
    assert_eq!(json_dec(&rep["total"]), Decimal::new(21_394, 2)); // 200.625 + 13.31 = 213.935 -> 213.94
    let cats = strings(
        &env.db(),
        "SELECT ProviderName, x_Category, CAST(sum(x_AllocatedCost) AS VARCHAR) FROM ledger_alloc WHERE x_UseCase = 'search' GROUP BY 1, 2 ORDER BY 1",
    );
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        cats,
        vec![
            vec![s("AWS"), s("llm_api"), s("120.125000000000000")],
            vec![
                s("Pinecone"),
                s("embeddings_vector"),
                s("10.010000000000000")
            ],
        ]
    );

    // nothing changed: nothing imported, nothing rewritten
    let before = ledger_fingerprint(&env.db());
    let r = run(&env, TODAY, &[], &["sync"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("0 of 2 files imported, 2 unchanged"),
        "{}",
        r.stderr
    );
    assert_eq!(ledger_fingerprint(&env.db()), before);

    // Pinecone revises its export: only that file is imported, its old rows are gone
    env.write("exports/pinecone-2026-03.csv", &pinecone_export("12.02"));
    let r = run(&env, TODAY, &[], &["sync"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 of 2 files imported, 1 unchanged"),
        "{}",
        r.stderr
    );
    let by_provider = sums(&env.db(), "ProviderName", "true");
    assert_eq!(by_provider["Pinecone"].1, Decimal::new(1_532, 2));
    assert_eq!(by_provider["AWS"].1, Decimal::new(200_625, 3));
    let count = strings(&env.db(), "SELECT CAST(count(*) AS VARCHAR) FROM ledger");
    assert_eq!(count[0][0].as_deref(), Some("4"));
}

#[test]
fn bad_file_is_named_and_db_unchanged() {
    let env = Env::new();
    std::fs::create_dir_all(env.path("exports")).expect("dir");
    env.write("exports/aws-focus-2026-03.csv", &aws_export());
    env.write("cfg.toml", &config(&env));
    assert_eq!(run(&env, TODAY, &[], &["sync"]).code, 0);
    let before = ledger_fingerprint(&env.db());

    env.write(
        "exports/aws-focus-2026-03.csv",
        &aws_export().replace("120.125", "lots"),
    );
    env.write("exports/pinecone-2026-03.csv", &pinecone_export("10.01"));
    let r = run(&env, TODAY, &[], &["sync"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("source exports") && r.stderr.contains("aws-focus-2026-03.csv"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("BilledCost"), "{}", r.stderr);
    assert_eq!(ledger_fingerprint(&env.db()), before);

    // a path matching nothing says so
    env.write(
        "cfg.toml",
        &config(&env).replace("exports/*.csv", "nowhere/*.parquet"),
    );
    let r = run(&env, TODAY, &[], &["sync"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("matches no .csv"), "{}", r.stderr);
    assert_eq!(ledger_fingerprint(&env.db()), before);
}

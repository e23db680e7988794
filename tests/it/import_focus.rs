//! `tollgate import focus`: good files in every format, and one bad file per failure mode,
//! each leaving the DB exactly as it was.

use super::common::*;
use predicates::prelude::*;

fn good_csv(env: &Env) -> std::path::PathBuf {
    env.write(
        "aws-focus.csv",
        &focus_csv(&[
            focus_line(
                "12.345678",
                "2026-09-03",
                "AWS",
                "Amazon Bedrock",
                "111122223333",
                r#"{"use-case":"search"}"#,
            ),
            focus_line(
                "0.01",
                "2026-09-04",
                "AWS",
                "Amazon Bedrock",
                "111122223333",
                "{}",
            ),
            focus_line(
                "-2.50",
                "2026-10-01",
                "AWS",
                "Amazon Bedrock",
                "111122223333",
                "",
            ),
        ]),
    )
}

fn total(env: &Env) -> String {
    let store = tollgate::store::Store::open(&env.db()).expect("open");
    store
        .conn()
        .query_row("SELECT CAST(COALESCE(sum(EffectiveCost), 0) AS VARCHAR) || '/' || count(*) FROM ledger", [], |r| r.get(0))
        .expect("total")
}

#[test]
fn csv_import_is_exact_and_reimport_replaces() {
    let env = Env::new();
    let f = good_csv(&env);
    env.cmd()
        .arg("--db")
        .arg(env.db())
        .args(["import", "focus"])
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::contains("imported 3 rows"));
    assert_eq!(total(&env), "9.855678000/3");
    // Same file again: replaced, not duplicated.
    env.cmd()
        .args(["import", "focus"])
        .arg(&f)
        .arg("--db")
        .arg(env.db())
        .assert()
        .success()
        .stdout(predicate::str::contains("replaced 3 rows"));
    assert_eq!(total(&env), "9.855678000/3");
    // Rows are in the month of their ChargePeriodStart, with source and file.
    let store = tollgate::store::Store::open(&env.db()).expect("open");
    let (src, months): (String, i64) = store
        .conn()
        .query_row("SELECT any_value(x_Source), count(DISTINCT strftime(ChargePeriodStart, '%Y-%m')) FROM ledger", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("q");
    assert_eq!((src.as_str(), months), ("focus", 2));
}

#[test]
fn parquet_and_zip_import() {
    let env = Env::new();
    let csv = good_csv(&env);
    let parquet = env.path("export.parquet");
    {
        let conn = duckdb::Connection::open_in_memory().expect("duckdb");
        conn.execute_batch(&format!(
            "COPY (SELECT * REPLACE (CAST(BilledCost AS DECIMAL(18,6)) AS BilledCost, CAST(EffectiveCost AS DECIMAL(18,6)) AS EffectiveCost, CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart) FROM read_csv('{}', all_varchar=true)) TO '{}' (FORMAT parquet)",
            csv.display(),
            parquet.display()
        ))
        .expect("write parquet");
    }
    let zip_path = env.path("pinecone.zip");
    {
        let f = std::fs::File::create(&zip_path).expect("zip");
        let mut z = zip::ZipWriter::new(f);
        let opts: zip::write::SimpleFileOptions = zip::write::SimpleFileOptions::default();
        z.start_file("part-1.csv", opts).expect("entry");
        std::io::Write::write_all(
            &mut z,
            focus_csv(&[focus_line(
                "5",
                "2026-09-05",
                "Pinecone",
                "Pinecone",
                "proj-a",
                "{}",
            )])
            .as_bytes(),
        )
        .expect("w");
        z.start_file("part-2.csv", opts).expect("entry");
        std::io::Write::write_all(
            &mut z,
            focus_csv(&[focus_line(
                "7.25",
                "2026-09-06",
                "Pinecone",
                "Pinecone",
                "proj-b",
                "{}",
            )])
            .as_bytes(),
        )
        .expect("w");
        z.finish().expect("finish");
    }
    env.cmd()
        .arg("--db")
        .arg(env.db())
        .args(["import", "focus", "--source", "exports"])
        .arg(&parquet)
        .arg(&zip_path)
        .assert()
        .success();
    assert_eq!(total(&env), "22.105678000/5");
}

/// Each bad file: a clear message naming the file and the column (and line), exit 1, DB unchanged.
#[test]
fn bad_files_change_nothing() {
    let env = Env::new();
    let good = good_csv(&env);
    env.cmd()
        .arg("--db")
        .arg(env.db())
        .args(["import", "focus"])
        .arg(&good)
        .assert()
        .success();
    let before = ledger_fingerprint(&env.db());
    let header_without = |col: &str| {
        FOCUS_HEADER
            .split(',')
            .filter(|c| *c != col)
            .collect::<Vec<_>>()
            .join(",")
    };
    let ok_line = focus_line("1", "2026-09-01", "OpenAI", "OpenAI API", "p", "{}");
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("missing.csv", format!("{}\n1,1,1,1,a,A,USD,2026-09-01,2026-10-01,Usage,,d,2026-09-01,2026-09-02,X,X,X,1,U,AI and Machine Learning,S,p\n", header_without("EffectiveCost")), vec!["missing.csv", "EffectiveCost"]),
        ("money.csv", focus_csv(&[ok_line.clone(), focus_line("twelve", "2026-09-02", "OpenAI", "OpenAI API", "p", "{}")]), vec!["money.csv", "line 3", "BilledCost", "'twelve' is not a number"]),
        ("date.csv", focus_csv(&[focus_line("1", "2026-13-45", "OpenAI", "OpenAI API", "p", "{}")]), vec!["date.csv", "line 2", "PeriodStart", "timestamp"]),
        ("empty-provider.csv", focus_csv(&[focus_line("1", "2026-09-02", "", "OpenAI API", "p", "{}")]), vec!["empty-provider.csv", "line 2", "ProviderName", "empty"]),
        ("header-only.csv", format!("{FOCUS_HEADER}\n"), vec!["header-only.csv", "no rows"]),
        ("notes.txt", "hello".to_string(), vec!["notes.txt", "unknown file type"]),
    ];
    for (name, text, expected) in cases {
        let f = env.write(name, &text);
        // The bad file is imported together with a good one: neither lands.
        let other = env.write("other-good.csv", &focus_csv(std::slice::from_ref(&ok_line)));
        let assert = env
            .cmd()
            .arg("--db")
            .arg(env.db())
            .args(["import", "focus"])
            .arg(&other)
            .arg(&f)
            .assert()
            .failure()
            .code(1);
        let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        for e in expected {
            assert!(err.contains(e), "{name}: expected '{e}' in: {err}");
        }
        assert_eq!(err.trim().lines().count(), 1, "one-line message: {err}");
        assert_eq!(
            ledger_fingerprint(&env.db()),
            before,
            "{name} changed the DB"
        );
    }
    // A missing file
    env.cmd()
        .arg("--db")
        .arg(env.db())
        .args(["import", "focus", "/nonexistent/x.csv"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("/nonexistent/x.csv"));
    assert_eq!(ledger_fingerprint(&env.db()), before);
}

//! The typed path lands every good file exactly as the checked path does (every ledger column,
//! the row keys, the rollups), for CSV with awkward values, Parquet with non-ledger types and
//! a zip of two CSVs; rows that arrive out of time order are stored in time order.

use super::*;

const HEADER: &str = "billedcost,EffectiveCost,BillingAccountId,BillingCurrency,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,ProviderName,ServiceCategory,ServiceName,UsageQuantity,SubAccountId,Tags,x_Requests,ContractedCost";

fn lines() -> Vec<&'static str> {
    vec![
        "1.1234567894,1.1234567895,acct, usd ,Usage,2026-09-03T05:00:00+02:00,2026-09-04,OpenAI,AI and Machine Learning, API ,12.5,proj_1,\"{\"\"team\"\":\"\"a\"\"}\",3,",
        "-2.50,-2.5,acct,USD,Credit,2026-09-03 00:00:00,2026-09-04 00:00:00,OpenAI,AI and Machine Learning,API,,,,,1",
        "1e2,100,acct,USD,Usage,2026-09-04,2026-09-05,Anthropic,AI and Machine Learning,API,7,\"proj,2\",{},0,100",
    ]
}

fn csv(dir: &Path, name: &str, rows: &[&str]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{HEADER}\n{}\n", rows.join("\n"))).expect("write");
    p
}

fn prepare(files: &[PathBuf]) -> Vec<Prepared> {
    files
        .iter()
        .map(|f| {
            let canonical = std::fs::canonicalize(f).expect("canonical");
            let key = canonical.display().to_string();
            Prepared {
                shown: f.clone(),
                row_key_prefix: row_key_prefix(&key),
                canonical,
                key,
            }
        })
        .collect()
}

fn dump(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT CAST(l AS VARCHAR) FROM ledger l ORDER BY x_RowKey",
        "SELECT CAST(d AS VARCHAR) FROM ledger_daily d ORDER BY ALL",
        "SELECT CAST(m AS VARCHAR) FROM ledger_monthly m ORDER BY ALL",
        "SELECT CAST(d AS VARCHAR) FROM ledger_dims d ORDER BY ALL",
        "SELECT file, file_sha256, CAST(rows_written AS VARCHAR) FROM ingest_runs ORDER BY ALL",
    ] {
        let mut stmt = store.conn().prepare(sql).expect("prepare");
        let rows = stmt
            .query_map([], |r| {
                let cols = r.as_ref().column_count();
                (0..cols)
                    .map(|i| r.get::<_, Option<String>>(i).map(|v| v.unwrap_or_default()))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|v| v.join("|"))
            })
            .expect("query");
        out.extend(rows.map(|r| r.expect("row")));
    }
    out
}

fn both(files: &[PathBuf]) -> (Vec<String>, Vec<String>) {
    let prepared = prepare(files);
    let scratch = tempfile::tempdir().expect("tmp");
    let typed = Store::open_in_memory().expect("store");
    let summary = import_typed(
        &typed,
        &prepared,
        "focus",
        "USD",
        &mut Checksums::start(&prepared),
        scratch.path(),
    )
    .expect("the typed path takes good files");
    assert!(summary.files.iter().all(|f| f.rows > 0));
    let checked = Store::open_in_memory().expect("store");
    import_checked(
        &checked,
        &prepared,
        "focus",
        "USD",
        &mut Checksums::start(&prepared),
        scratch.path(),
    )
    .expect("checked");
    (dump(&typed), dump(&checked))
}

#[test]
fn csv_lands_as_the_checked_path_lands_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = csv(dir.path(), "a.csv", &lines());
    let (typed, checked) = both(&[f]);
    assert!(typed.len() > 3, "{typed:?}");
    assert_eq!(typed, checked);
}

#[test]
fn parquet_and_zip_land_as_the_checked_path_lands_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = csv(dir.path(), "src.csv", &lines());
    let parquet = dir.path().join("b.parquet");
    let c = duckdb::Connection::open_in_memory().expect("duckdb");
    c.execute_batch(&format!(
        "COPY (SELECT * REPLACE (CAST(billedcost AS DOUBLE) AS billedcost, \
         CAST(EffectiveCost AS DECIMAL(18, 6)) AS EffectiveCost, \
         CAST(ChargePeriodEnd AS TIMESTAMP) AS ChargePeriodEnd, \
         CAST(x_Requests AS INTEGER) AS x_Requests, \
         {{'team': SubAccountId}} AS Tags) \
         FROM read_csv('{}', all_varchar = true)) TO '{}' (FORMAT parquet)",
        src.display(),
        parquet.display()
    ))
    .expect("parquet");
    let zip_path = dir.path().join("c.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).expect("zip"));
    for (name, rows) in [("one.csv", &lines()[..2]), ("two.csv", &lines()[2..])] {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        std::io::Write::write_all(
            &mut z,
            format!("{HEADER}\n{}\n", rows.join("\n")).as_bytes(),
        )
        .expect("write");
    }
    z.finish().expect("finish");
    let (typed, checked) = both(&[parquet, zip_path]);
    assert_eq!(typed, checked);
}

#[test]
fn bad_values_make_the_typed_path_give_up_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut rows = lines();
    rows.push("twelve,1,acct,USD,Usage,2026-09-04,2026-09-05,OpenAI,AI,API,,,,,");
    let bad_money = csv(dir.path(), "money.csv", &rows);
    let other_currency = csv(
        dir.path(),
        "eur.csv",
        &["1,1,acct,EUR,Usage,2026-09-04,2026-09-05,OpenAI,AI,API,,,,,"],
    );
    let no_provider = csv(
        dir.path(),
        "empty.csv",
        &["1,1,acct,USD,Usage,2026-09-04,2026-09-05, ,AI,API,,,,,"],
    );
    let billion = csv(
        dir.path(),
        "billion.csv",
        &["1000000000,1,acct,USD,Usage,2026-09-04,2026-09-05,OpenAI,AI,API,,,,,"],
    );
    for f in [bad_money, other_currency, no_provider, billion] {
        let store = Store::open_in_memory().expect("store");
        let prepared = prepare(std::slice::from_ref(&f));
        let scratch = tempfile::tempdir().expect("tmp");
        let gave_up = import_typed(
            &store,
            &prepared,
            "focus",
            "USD",
            &mut Checksums::start(&prepared),
            scratch.path(),
        );
        assert!(gave_up.is_err(), "{} was taken", f.display());
        assert!(dump(&store).is_empty(), "{} left rows", f.display());
    }
}

#[test]
fn rows_out_of_time_order_are_stored_in_time_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let row = |day: &str| {
        format!("1,1,acct,USD,Usage,{day},{day},OpenAI,AI and Machine Learning,API,,,,,")
    };
    let days = ["2026-11-01", "2026-09-01", "2026-12-15", "2026-10-01"];
    let rows: Vec<String> = days.iter().map(|d| row(d)).collect();
    let f = csv(
        dir.path(),
        "unordered.csv",
        &rows.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let store = Store::open_in_memory().expect("store");
    import_files(&store, &[f], "focus", "USD").expect("import");
    let mut stmt = store
        .conn()
        .prepare("SELECT strftime(ChargePeriodStart, '%Y-%m-%d') FROM ledger ORDER BY rowid")
        .expect("prepare");
    let stored: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    assert_eq!(
        stored,
        vec!["2026-09-01", "2026-10-01", "2026-11-01", "2026-12-15"]
    );
}

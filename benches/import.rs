//! FOCUS import benchmark (issue 17 item 1): `tollgate import focus` against raw DuckDB's
//! `CREATE TABLE t AS SELECT * FROM read_csv(file)` (or `read_parquet`) on the same ~2M-row
//! file (3 years x 200 use cases of daily rows + hourly request rows), in the same run,
//! interleaved, each in a child process of its own on a fresh DB file, with the child's peak
//! RSS (VmHWM). A zip holds the same CSV; raw DuckDB cannot read a zip, so the zip import is
//! set against the CSV's CTAS.
//!
//! Then API ingest (issue 17 item 2): the same daily + request rows as `LedgerRow`s through
//! `Store::ingest_rows` (the Appender path of every sync, the demo and the gateway), rows/s and
//! peak RSS, in a child of its own on a fresh DB file (rows built before the clock starts).
//!
//! `cargo bench --bench import` (release). The files are generated once into
//! `<target dir>/tmp/import-bench/` and reused. `TOLLGATE_BENCH_ROUNDS=N` (default 3) rounds
//! per format; `TOLLGATE_BENCH_REQUEST_ROWS=N` (default 1,781,000, so ~2.0M rows in all);
//! `TOLLGATE_BENCH_FORMATS=csv,parquet,zip,rows` to pick what runs. The machine's load average is
//! printed with each figure: ratios of interleaved runs are what to compare.

#[path = "import/focus_file.rs"]
mod focus_file;
#[path = "support/scale.rs"]
#[allow(dead_code)]
mod scale;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;

/// One child's run: seconds, peak RSS in MiB, rows loaded.
#[derive(Debug, Clone, Copy)]
struct Run {
    secs: f64,
    rss_mib: f64,
    rows: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(&args[2], Path::new(&args[3]), Path::new(&args[4]));
        return;
    }
    let env_num = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let rounds = env_num("TOLLGATE_BENCH_ROUNDS", 3);
    let requests = env_num("TOLLGATE_BENCH_REQUEST_ROWS", 1_781_000);
    let formats = std::env::var("TOLLGATE_BENCH_FORMATS")
        .unwrap_or_else(|_| "csv,parquet,zip,rows".to_string());
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-bench");
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let files = focus_file::ensure(&cache, today, requests);
    println!(
        "FOCUS import, {} rows; {} ({} MB)",
        files.rows,
        files.csv.display(),
        std::fs::metadata(&files.csv)
            .map(|m| m.len() >> 20)
            .unwrap_or(0)
    );
    println!(
        "{:<8} {:>5} {:>9} {:>9} {:>7} {:>10} {:>10} {:>7}  load (1/5 min)",
        "format", "round", "duckdb s", "tollgate s", "speed", "duckdb MiB", "tollg MiB", "RSS x"
    );
    for format in formats.split(',') {
        if format == "rows" {
            for round in 1..=rounds {
                let run = spawn("rows", &requests.to_string());
                println!(
                    "API ingest round {round}: {} rows in {:.2}s = {:.0} rows/s (target >= 500000), peak RSS {:.0} MiB  {}",
                    run.rows,
                    run.secs,
                    run.rows as f64 / run.secs,
                    run.rss_mib,
                    load()
                );
            }
            continue;
        }
        let (input, raw_input) = match format {
            "csv" => (&files.csv, &files.csv),
            "parquet" => (&files.parquet, &files.parquet),
            "zip" => (&files.zip, &files.csv),
            other => panic!("unknown format {other}"),
        };
        let mut ratios = Vec::new();
        for round in 1..=rounds {
            let raw = spawn("duckdb", &raw_input.display().to_string());
            let ours = spawn("tollgate", &input.display().to_string());
            assert_eq!(raw.rows, ours.rows, "both load every row");
            let speed = raw.secs / ours.secs;
            let rss = ours.rss_mib / raw.rss_mib;
            ratios.push((speed, rss));
            println!(
                "{format:<8} {round:>5} {:>9.2} {:>10.2} {:>6.2}x {:>10.0} {:>10.0} {:>6.2}x  {}",
                raw.secs,
                ours.secs,
                speed,
                raw.rss_mib,
                ours.rss_mib,
                rss,
                load()
            );
        }
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!(
            "{format:<8} median speed {:.2}x raw DuckDB (target >= 0.80), peak RSS {:.2}x (target <= 1.50)",
            median(ratios.iter().map(|r| r.0).collect()),
            median(ratios.iter().map(|r| r.1).collect()),
        );
    }
}

/// The 1- and 5-minute load averages.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn spawn(kind: &str, input: &str) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("bench.duckdb");
    let exe = std::env::current_exe().expect("exe");
    let out = Command::new(exe)
        .args(["--child", kind])
        .arg(input)
        .arg(&db)
        .output()
        .expect("child");
    assert!(
        out.status.success(),
        "{kind} child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let mut next = || {
        it.next()
            .and_then(|v| v.parse::<f64>().ok())
            .expect("field")
    };
    Run {
        secs: next(),
        rss_mib: next(),
        rows: next() as u64,
    }
}

/// In the child: loads `input` into a new DB file `db`, prints seconds, peak RSS MiB, rows.
fn child(kind: &str, input: &Path, db: &Path) {
    let mut started = Instant::now();
    let rows = match kind {
        "rows" => {
            let n: usize = input.display().to_string().parse().expect("rows");
            let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
            let mut rows = scale::daily_rows(today);
            rows.extend(scale::request_rows(today, n));
            let store = tollgate::store::Store::open(db).expect("open");
            started = Instant::now();
            scale::ingest(&store, &rows);
            rows.len() as u64
        }
        "duckdb" => {
            let c = duckdb::Connection::open(db).expect("open");
            let lit = input.display().to_string().replace('\'', "''");
            let read = if lit.ends_with(".parquet") {
                format!("read_parquet('{lit}')")
            } else {
                format!("read_csv('{lit}')")
            };
            c.execute_batch(&format!("CREATE TABLE t AS SELECT * FROM {read}"))
                .expect("ctas");
            let n: i64 = c
                .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                .expect("count");
            n as u64
        }
        _ => {
            let store = tollgate::store::Store::open(db).expect("open");
            let summary = tollgate::import::focus::import_files(
                &store,
                &[PathBuf::from(input)],
                "bench",
                "USD",
            )
            .expect("import");
            summary.files.iter().map(|f| f.rows as u64).sum()
        }
    };
    let secs = started.elapsed().as_secs_f64();
    println!("{secs:.3} {:.1} {rows}", peak_rss_mib());
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

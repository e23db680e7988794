//! The gateway's benchmarks (issue 13; rig of reference/gateway.md section 4), one run on this
//! 2-core machine: the release `tollgate proxy` pinned to core 1 with one worker thread, spool
//! on; the fake upstream and the load generator in this process, pinned to core 0. Direct
//! (straight to the fake upstream) and proxied are measured interleaved in the same run.
//!
//! 1. Added latency at c=1, non-streamed and instant SSE, per endpoint.
//! 2. Open loop at a fixed 1,000 requests/s (coordinated-omission-correct), direct and proxied
//!    windows alternated, then every proxied request looked up in the spool after SIGTERM.
//! 3. Streams against the paced upstream: added TTFT, per-event delivery, inter-event gap;
//!    the proxy's VmRSS idle, with 200 open streams, and after they close.
//! 4. LiteLLM side by side when `TOLLGATE_BENCH_LITELLM=http://HOST:PORT` (see README).
//! 5. Durability at 1,000 requests/s: kill -9 and SIGTERM mid-load, then the spool checked.
//!
//! `cargo bench --bench proxy`; `TOLLGATE_BENCH_QUICK=1` for a short smoke run;
//! `TOLLGATE_BENCH_CAP_USD=N` gives the bench's use case a monthly cap of $N in the proxy's
//! control file (every request reserved and settled); `TOLLGATE_BENCH_BIN=PATH` runs another
//! tollgate binary as the proxy (to compare builds). Prints tables
//! and writes the same figures to `<target dir>/proxy-bench.json`. Without a working
//! `tollgate proxy` it measures the rig alone (direct), which shows the load generator's and the
//! upstream's own floor.

#[path = "proxy/client.rs"]
mod client;
#[path = "proxy/durability.rs"]
mod durability;
#[path = "proxy/floor.rs"]
mod floor;
#[path = "proxy/litellm.rs"]
mod litellm;
#[path = "proxy/open_loop.rs"]
mod open_loop;
#[path = "proxy/phases.rs"]
mod phases;
#[path = "proxy/report.rs"]
mod report;
#[path = "proxy/requests.rs"]
mod requests;
#[path = "proxy/sequential.rs"]
mod sequential;
#[path = "proxy/stats.rs"]
mod stats;
#[path = "proxy/streams.rs"]
mod streams;
#[path = "proxy/target.rs"]
mod target;
#[path = "proxy/upstream.rs"]
mod upstream;

use serde_json::json;

use durability::Signal;
use phases::{Settings, Targets};
use report::Report;
use target::Proxy;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(floor::FLAG) {
        return floor::main(args.get(2).map_or("", String::as_str));
    }
    let settings = Settings::from_env()?;
    // Only this thread exists yet: every thread started later (upstream, ticker, runtime)
    // inherits its cores (0 by default). The proxy is started on its own (1 by default).
    pin_thread(&settings.bench_cores);
    let upstream = upstream::start(settings.upstream_port)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut report = Report::default();
    report.json.insert("machine".into(), machine());
    report.json.insert("settings".into(), settings.json());
    eprintln!(
        "proxy bench: upstream on {upstream}, {} mode",
        if settings.quick { "quick" } else { "full" }
    );
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load_start = load();
    rt.block_on(bench(&settings, upstream, &mut report))?;
    report.note(format!(
        "load average (1/5/15 min) at start {}, at end {}",
        load_start.trim(),
        load().trim()
    ));
    report.print();
    let json = report.finish_json();
    let path = json_path();
    std::fs::write(&path, serde_json::to_string_pretty(&json)?)?;
    println!("\nJSON: {}", path.display());
    Ok(())
}

async fn bench(
    s: &Settings,
    upstream: std::net::SocketAddr,
    report: &mut Report,
) -> anyhow::Result<()> {
    let mut proxy = match Proxy::spawn(upstream, &s.proxy_cores) {
        Ok(p) => Some(p),
        Err(e) => {
            report.note(format!(
                "tollgate proxy not available ({e:#}); measuring the rig alone (direct)"
            ));
            None
        }
    };
    let floor = if s.floor {
        Some(floor::Floor::spawn(upstream, &s.proxy_cores)?)
    } else {
        None
    };
    let t = Targets {
        upstream,
        floor: floor.as_ref().map(|f| f.addr),
        floor_tasks: floor.as_ref().map(floor::Floor::tasks),
        proxied: proxy.as_ref().map(|p| p.addr),
        proxy_tasks: proxy
            .as_ref()
            .map(|p| std::path::PathBuf::from(format!("/proc/{}/task", p.pid()))),
    };
    let mut ids: Vec<String> = Vec::new();

    if s.runs("c1") {
        eprintln!("[1/6] c=1 added latency");
        ids.extend(phases::sequential(report, s, t.clone()).await?);
    }
    if s.runs("open") {
        eprintln!("[2/6] open loop at {} rps", s.rate);
        ids.extend(phases::open_loop(report, s, t.clone()).await?);
    }
    if s.runs("streams") {
        eprintln!("[3/6] streams");
        ids.extend(phases::streams(report, s, t.clone()).await?);
    }
    if let Some(p) = proxy.as_ref().filter(|_| s.runs("memory")) {
        eprintln!("[4/6] memory with {} open streams", s.rss_streams);
        ids.extend(phases::memory(report, s, p).await?);
    }
    if let (Some(url), Some(addr)) = (s.litellm, t.proxied) {
        eprintln!("[5/6] LiteLLM side by side");
        ids.extend(litellm::compare(report, upstream, addr, url, &s.litellm_plans()).await?);
    }
    if let Some(mut p) = proxy.take() {
        let status = p.terminate()?;
        let spool = p.spool()?;
        let (missing, dup) = spool.check(&ids);
        let rows = report.table(
            "Spool after SIGTERM (every proxied request above, by x-tollgate-request-id)",
            &[
                "answered",
                "missing",
                "duplicated",
                "spool files",
                "spool lines",
                "broken lines",
                "exit",
            ],
        );
        rows.push(vec![
            ids.len().to_string(),
            missing.to_string(),
            dup.to_string(),
            spool.files.to_string(),
            spool.lines.to_string(),
            spool.broken.to_string(),
            status.to_string(),
        ]);
        report.json.insert(
            "spool".into(),
            json!({"answered": ids.len(), "missing": missing, "duplicated": dup, "lines": spool.lines, "broken": spool.broken, "exit": status.to_string()}),
        );
        report.check(
            "every proxied request recorded (SIGTERM at the end)",
            format!("{missing} missing of {}, {dup} duplicated", ids.len()),
            "0 missing",
            missing == 0 && dup == 0 && spool.broken == 0 && status.success(),
        );

        if !s.runs("durability") {
            return Ok(());
        }
        eprintln!("[6/6] durability (kill -9, SIGTERM) at {} rps", s.rate);
        let rows = report.table(
            &format!(
                "Durability: {} rps for {:?}, then the signal; fsync_interval_ms = 100",
                s.rate, s.durability_before
            ),
            &[
                "signal",
                "answered",
                "must be recorded",
                "missing",
                "last-interval answered/recorded",
                "duplicates",
                "broken lines",
                "exit",
            ],
        );
        let mut results = Vec::new();
        for sig in [Signal::Kill, Signal::Term] {
            let r =
                durability::run(upstream, &s.proxy_cores, sig, s.rate, s.durability_before).await?;
            rows.push(vec![
                sig.label().to_string(),
                r.answered.to_string(),
                r.must_have.to_string(),
                r.missing.to_string(),
                format!("{}/{}", r.late, r.late_recorded),
                r.duplicates.to_string(),
                r.broken_lines.to_string(),
                r.exit.clone(),
            ]);
            results.push((sig, r));
        }
        for (sig, r) in &results {
            report.check(
                &format!("durability, {}", sig.label()),
                format!(
                    "{} missing of {}, {} broken lines",
                    r.missing, r.must_have, r.broken_lines
                ),
                match sig {
                    Signal::Kill => "0 missing answered > 1 interval before",
                    Signal::Term => "0 missing",
                },
                r.ok(),
            );
        }
        report.json.insert(
            "durability".into(),
            json!(results
                .iter()
                .map(|(sig, r)| json!({"signal": sig.label(), "result": r.json()}))
                .collect::<Vec<_>>()),
        );
    }
    Ok(())
}

/// CPU time (ns) the threads under `/proc/PID/task` (or one `/proc/PID/task/TID`) have run,
/// from their `schedstat`.
pub fn cpu_ns(task_dir: &std::path::Path) -> u64 {
    let one = |dir: &std::path::Path| {
        std::fs::read_to_string(dir.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0)
    };
    if task_dir.join("schedstat").exists() {
        return one(task_dir);
    }
    std::fs::read_dir(task_dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| one(&e.path())).sum())
        .unwrap_or(0)
}

/// This thread's id.
pub fn thread_id() -> Option<String> {
    std::fs::read_link("/proc/thread-self")
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
}

/// Pins the calling thread (not the whole process) to `core`, with `taskset` on its thread id.
pub fn pin_thread(cores: &str) {
    let ok = thread_id().is_some_and(|tid| {
        std::process::Command::new("taskset")
            .args(["-p", "-c", cores, &tid])
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !ok {
        eprintln!("note: could not pin a bench thread to cores {cores} (taskset)");
    }
}

fn machine() -> serde_json::Value {
    let read = |p: &str| {
        std::fs::read_to_string(p)
            .map(|s| s.trim().to_string())
            .ok()
    };
    let cpu = read("/proc/cpuinfo").and_then(|c| {
        c.lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
    });
    json!({
        "nproc": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu": cpu,
        "kernel": read("/proc/sys/kernel/osrelease"),
        "governor": read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
        "cpuidle": read("/sys/devices/system/cpu/cpuidle/current_driver"),
        "loadavg_at_start": read("/proc/loadavg"),
    })
}

/// `$CARGO_TARGET_DIR/proxy-bench.json`, else next to `target/release`.
fn json_path() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return std::path::PathBuf::from(dir).join("proxy-bench.json");
    }
    std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(std::env::temp_dir)
        .join("proxy-bench.json")
}

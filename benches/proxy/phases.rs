//! The bench's phases and their settings: c=1 per endpoint, the fixed-rate windows, streams
//! and memory. Each adds its table, targets and JSON to the report and returns the tollgate
//! request ids it saw, so the spool can be checked for every one of them.

use std::net::SocketAddr;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::client::Conn;
use crate::litellm;
use crate::open_loop::{self, Spec};
use crate::report::{us, Report};
use crate::requests::{paced_chat, request, Kind, Via};
use crate::sequential::{self, Plan, Target};
use crate::stats::{iqr, median, r1, Summary};
use crate::streams;
use crate::target::Proxy;

pub struct Settings {
    pub quick: bool,
    /// The cores (a taskset list) tollgate and the floor run on: `1` by default
    /// (`TOLLGATE_BENCH_PROXY_CORES`).
    pub proxy_cores: String,
    /// The cores the bench itself (load generator, fake upstream) runs on: `0` by default
    /// (`TOLLGATE_BENCH_CORES`).
    pub bench_cores: String,
    /// Measure the bare hyper pass-through (the floor) beside tollgate.
    pub floor: bool,
    /// The phases to run (`TOLLGATE_BENCH_PHASES=c1,open,streams,memory,durability`; all by
    /// default).
    pub phases: Vec<String>,
    pub upstream_port: u16,
    pub litellm: Option<SocketAddr>,
    pub c1: Plan,
    pub rate: u32,
    pub window: Duration,
    pub cycles: usize,
    pub connections: usize,
    pub ttft_rounds: usize,
    pub ttft_per_round: usize,
    pub gap_streams: usize,
    pub gap_batches: usize,
    pub rss_streams: usize,
    pub rss_deltas: usize,
    pub durability_before: Duration,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Settings> {
        let quick = std::env::var("TOLLGATE_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
        let litellm = match std::env::var("TOLLGATE_BENCH_LITELLM") {
            Ok(url) if !url.is_empty() => Some(litellm::addr_of(&url)?),
            _ => None,
        };
        // LiteLLM is configured by hand with the upstream's URL, so the port is fixed then.
        let upstream_port = match std::env::var("TOLLGATE_BENCH_UPSTREAM_PORT") {
            Ok(p) => p.parse()?,
            Err(_) if litellm.is_some() => 4199,
            Err(_) => 0,
        };
        let pick = |q: usize, f: usize| if quick { q } else { f };
        let cores = |var: &str, default: &str| {
            std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string())
        };
        let floor = std::env::var("TOLLGATE_BENCH_FLOOR").map_or(true, |v| v != "0");
        let phases: Vec<String> = std::env::var("TOLLGATE_BENCH_PHASES")
            .ok()
            .filter(|v| !v.is_empty())
            .map_or_else(
                || PHASES.iter().map(|p| p.to_string()).collect(),
                |v| v.split(',').map(|p| p.trim().to_string()).collect(),
            );
        if let Some(bad) = phases.iter().find(|p| !PHASES.contains(&p.as_str())) {
            anyhow::bail!(
                "TOLLGATE_BENCH_PHASES: unknown phase '{bad}'; use some of {}",
                PHASES.join(",")
            );
        }
        Ok(Settings {
            quick,
            proxy_cores: cores("TOLLGATE_BENCH_PROXY_CORES", "1"),
            bench_cores: cores("TOLLGATE_BENCH_CORES", "0"),
            floor,
            phases,
            upstream_port,
            litellm,
            c1: Plan {
                warmup: pick(15, 200),
                rounds: pick(3, 20),
                per_round: pick(50, 500),
            },
            rate: 1000,
            window: Duration::from_secs(pick(2, 30) as u64),
            cycles: 3,
            connections: 64,
            ttft_rounds: pick(3, 10),
            ttft_per_round: pick(5, 20),
            gap_streams: pick(8, 16),
            gap_batches: pick(1, 2),
            rss_streams: 200,
            rss_deltas: 250,
            durability_before: Duration::from_secs(pick(2, 5) as u64),
        })
    }

    pub fn runs(&self, phase: &str) -> bool {
        self.phases.iter().any(|p| p == phase)
    }

    pub fn litellm_plans(&self) -> litellm::Plans {
        let pick = |q: usize, f: usize| if self.quick { q } else { f };
        litellm::Plans {
            c1: Plan {
                warmup: pick(10, 50),
                rounds: pick(3, 7),
                per_round: pick(20, 100),
            },
            rate: 100,
            window: Duration::from_secs(pick(3, 20) as u64),
            cycles: pick(1, 2),
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "quick": self.quick, "proxy_cores": self.proxy_cores, "bench_cores": self.bench_cores,
            "c1": {"warmup": self.c1.warmup, "rounds": self.c1.rounds, "per_round": self.c1.per_round},
            "rate": self.rate, "window_s": self.window.as_secs(), "cycles": self.cycles,
            "connections": self.connections, "ttft": [self.ttft_rounds, self.ttft_per_round],
            "gap_streams": self.gap_streams, "rss_streams": self.rss_streams,
            "durability_before_s": self.durability_before.as_secs(),
        })
    }
}

/// The bench's phases, in the order they run.
pub const PHASES: [&str; 5] = ["c1", "open", "streams", "memory", "durability"];

/// Where the bench sends its requests: the fake upstream, the bare pass-through, tollgate.
#[derive(Clone)]
pub struct Targets {
    pub upstream: SocketAddr,
    pub floor: Option<SocketAddr>,
    pub proxied: Option<SocketAddr>,
    /// `/proc/PID/task` of the floor's process, for its CPU time.
    pub floor_tasks: Option<std::path::PathBuf>,
    /// `/proc/PID/task` of the tollgate process, for its CPU time.
    pub proxy_tasks: Option<std::path::PathBuf>,
}

impl Targets {
    /// (label, how requests are shaped, address) of each target, direct first.
    fn list(&self) -> Vec<(&'static str, Via, SocketAddr)> {
        let mut v = vec![("direct", Via::Direct, self.upstream)];
        if let Some(f) = self.floor {
            v.push(("floor", Via::Direct, f));
        }
        if let Some(p) = self.proxied {
            v.push(("tollgate", Via::Tollgate, p));
        }
        v
    }
}

fn added(p: f64, d: f64) -> String {
    us(p - d)
}

/// c=1 per endpoint, interleaved rounds direct -> floor -> tollgate.
pub async fn sequential(
    report: &mut Report,
    s: &Settings,
    t: Targets,
) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    let mut checks = Vec::new();
    let list = t.list();
    for kind in Kind::C1 {
        let mut targets = Vec::new();
        for (_, via, addr) in &list {
            targets.push(Target {
                conn: Conn::connect(*addr).await?,
                req: request(kind, *via, *addr),
            });
        }
        let cpu = |t: &Targets| {
            (
                t.floor_tasks.as_deref().map(crate::cpu_ns),
                t.proxy_tasks.as_deref().map(crate::cpu_ns),
            )
        };
        let before = cpu(&t);
        let samples = sequential::run(&mut targets, &s.c1).await;
        let after = cpu(&t);
        // CPU µs per request the floor / tollgate spent (all their threads, spool included).
        let served = (s.c1.warmup + s.c1.rounds * s.c1.per_round) as f64;
        let per_req = |b: Option<u64>, a: Option<u64>| match (b, a) {
            (Some(b), Some(a)) => format!("{:.1}", a.saturating_sub(b) as f64 / 1e3 / served),
            _ => "-".to_string(),
        };
        let (floor_cpu, proxy_cpu) = (per_req(before.0, after.0), per_req(before.1, after.1));
        let d = samples[0].summary();
        let mut row = vec![kind.label().to_string(), us(d.p50), us(d.p99)];
        let mut j = json!({"endpoint": kind.label(), "direct": d.json(), "direct_errors": samples[0].errors});
        if t.floor.is_some() {
            let f = samples[1].summary();
            row.extend([
                us(f.p50 - d.p50),
                us(f.p99 - d.p99),
                floor_cpu.clone(),
                samples[1].errors.to_string(),
            ]);
            j["floor_cpu_us_per_request"] = json!(floor_cpu);
            j["floor"] = f.json();
            j["floor_added_p50_us"] = json!(r1(f.p50 - d.p50));
            j["floor_added_p99_us"] = json!(r1(f.p99 - d.p99));
            j["floor_errors"] = json!(samples[1].errors);
        }
        if t.proxied.is_some() {
            let last = &samples[samples.len() - 1];
            let p = last.summary();
            let per_round: Vec<f64> = last
                .round_medians
                .iter()
                .zip(&samples[0].round_medians)
                .map(|(a, b)| a - b)
                .collect();
            let (q1, q3) = iqr(&per_round);
            let mut oh = last.overhead_us.clone();
            let oh = Summary::of_us(&mut oh);
            row.extend([
                us(p.p50),
                us(p.p99),
                added(p.p50, d.p50),
                added(p.p99, d.p99),
                format!("{} [{}..{}]", us(median(&per_round)), us(q1), us(q3)),
                format!("{}/{}", us(oh.p50), us(oh.p99)),
                proxy_cpu.clone(),
                (samples[0].errors + last.errors).to_string(),
            ]);
            j["tollgate_cpu_us_per_request"] = json!(proxy_cpu);
            j["tollgate"] = p.json();
            j["tollgate_errors"] = json!(last.errors);
            j["added_p50_us"] = json!(r1(p.p50 - d.p50));
            j["added_p99_us"] = json!(r1(p.p99 - d.p99));
            j["added_round_median_us"] = json!(r1(median(&per_round)));
            j["added_round_median_iqr_us"] = json!([r1(q1), r1(q3)]);
            j["overhead_header"] = oh.json();
            if !matches!(kind, Kind::ChatSse | Kind::MessagesSse) {
                checks.push((kind, p.p50 - d.p50, p.p99 - d.p99, last.errors));
            }
            ids.extend(last.ids.iter().cloned());
        } else {
            row.push(samples[0].errors.to_string());
        }
        rows.push(row);
        json_rows.push(j);
    }
    let names: Vec<&str> = list.iter().map(|(n, _, _)| *n).collect();
    let title = format!(
        "Added latency, one request at a time (c=1): {} rounds x {} per target after {} warm-up, interleaved {}, same client, keep-alive (µs)",
        s.c1.rounds,
        s.c1.per_round,
        s.c1.warmup,
        names.join(" -> ")
    );
    let mut header = vec!["endpoint", "direct p50", "direct p99"];
    if t.floor.is_some() {
        header.extend([
            "floor added p50",
            "floor added p99",
            "floor CPU/req",
            "floor errors",
        ]);
    }
    if t.proxied.is_some() {
        header.extend([
            "proxied p50",
            "proxied p99",
            "added p50",
            "added p99",
            "added, median of rounds [IQR]",
            "x-tollgate-overhead-us p50/p99",
            "tollgate CPU/req",
            "errors",
        ]);
    } else {
        header.push("errors");
    }
    report.table(&title, &header).extend(rows);
    for (kind, a50, a99, errors) in checks {
        report.check(
            &format!("added p50 / p99 at c=1, {}", kind.label()),
            format!("{} / {} µs ({errors} errors)", us(a50), us(a99)),
            "<= 50 / <= 100 µs",
            a50 <= 50.0 && a99 <= 100.0 && errors == 0,
        );
    }
    report.json.insert("c1".into(), Value::Array(json_rows));
    Ok(ids)
}

/// Fixed-rate windows, direct and proxied alternated; a 2x-rate direct window first shows the
/// rig's headroom.
pub async fn open_loop(
    report: &mut Report,
    s: &Settings,
    t: Targets,
) -> anyhow::Result<Vec<String>> {
    let (upstream, proxied) = (t.upstream, t.proxied);
    let spec = |rate: u32, duration: Duration| Spec {
        rate,
        duration,
        connections: s.connections,
    };
    let mut plan: Vec<(&str, Via, SocketAddr, Spec)> = vec![(
        "direct 2x",
        Via::Direct,
        upstream,
        spec(s.rate * 2, s.window.min(Duration::from_secs(5))),
    )];
    for _ in 0..s.cycles {
        for (name, via, addr) in t.list() {
            plan.push((name, via, addr, spec(s.rate, s.window)));
        }
    }
    let mut ids = Vec::new();
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    let (mut pooled_d, mut pooled_f, mut pooled_p) = (Vec::new(), Vec::new(), Vec::new());
    let mut proxied_errors = 0;
    let mut low_rate = Vec::new();
    for (i, (name, via, addr, spec)) in plan.iter().enumerate() {
        let tasks = match *name {
            "floor" => t.floor_tasks.clone(),
            "tollgate" => t.proxy_tasks.clone(),
            _ => None,
        };
        let before = tasks.as_deref().map(crate::cpu_ns);
        let mut o = open_loop::run(*addr, request(Kind::Chat, *via, *addr), *spec).await?;
        let cpu = match (before, tasks.as_deref().map(crate::cpu_ns)) {
            (Some(b), Some(a)) if o.ok > 0 => {
                format!("{:.1}", a.saturating_sub(b) as f64 / 1e3 / o.ok as f64)
            }
            _ => "-".to_string(),
        };
        let mut lat = o.latency_ns.clone();
        let sum = Summary::of_ns(&mut lat);
        let lag = Summary::of_ns(&mut o.lag_ns);
        let rate = o.achieved_rate();
        if rate < 0.99 * f64::from(spec.rate) {
            low_rate.push(format!(
                "window {i} ({name}) reached {rate:.0} of {} rps",
                spec.rate
            ));
        }
        rows.push(vec![
            i.to_string(),
            name.to_string(),
            format!("{rate:.0}"),
            format!("{}/{}", o.ok, o.due),
            o.errors.to_string(),
            us(sum.p50),
            us(sum.p99),
            us(sum.p999),
            us(sum.max),
            us(lag.p99),
            cpu.clone(),
        ]);
        json_rows.push(json!({"window": i, "target": name, "server_cpu_us_per_request": cpu, "rate": spec.rate, "achieved_rps": r1(rate), "ok": o.ok, "errors": o.errors, "latency": sum.json(), "send_lag": lag.json()}));
        match *name {
            "direct" => pooled_d.extend(o.latency_ns),
            "floor" => pooled_f.extend(o.latency_ns),
            "tollgate" => {
                pooled_p.extend(o.latency_ns);
                proxied_errors += o.errors;
                ids.extend(o.answered.into_iter().map(|(id, _)| id));
            }
            _ => {}
        }
    }
    let d = Summary::of_ns(&mut pooled_d);
    let title = format!(
        "Open loop, fixed {} rps (coordinated-omission-correct: latency from each request's due time), {:?} windows, {} connections, chat/completions (µs)",
        s.rate, s.window, s.connections
    );
    report
        .table(
            &title,
            &[
                "window",
                "target",
                "achieved rps",
                "ok/due",
                "errors",
                "p50",
                "p99",
                "p99.9",
                "max",
                "send lag p99",
                "server CPU/req",
            ],
        )
        .extend(rows);
    let mut j = json!({"windows": json_rows, "direct": d.json()});
    let mut pooled = vec![vec!["direct".into(), us(d.p50), us(d.p99), us(d.p999)]];
    if t.floor.is_some() {
        let f = Summary::of_ns(&mut pooled_f);
        pooled.extend(pooled_rows("floor", "floor added", &f, &d));
        j["floor"] = f.json();
        j["floor_added_p99_us"] = json!(r1(f.p99 - d.p99));
    }
    if proxied.is_some() {
        let p = Summary::of_ns(&mut pooled_p);
        pooled.extend(pooled_rows("tollgate", "added", &p, &d));
        j["tollgate"] = p.json();
        j["added_p99_us"] = json!(r1(p.p99 - d.p99));
        report.check(
            &format!("added p99 at {} rps, errors", s.rate),
            format!("{} µs, {proxied_errors} errors", us(p.p99 - d.p99)),
            "<= 1000 µs, 0 errors",
            p.p99 - d.p99 <= 1000.0 && proxied_errors == 0,
        );
    }
    if pooled.len() > 1 {
        report
            .table(
                "Open loop, all windows pooled (µs)",
                &["", "p50", "p99", "p99.9"],
            )
            .extend(pooled);
    }
    for n in low_rate {
        report.note(n);
    }
    report.json.insert("open_loop".into(), j);
    Ok(ids)
}

/// A target's pooled percentiles and what it adds to direct's (`d`).
fn pooled_rows(name: &str, added_name: &str, p: &Summary, d: &Summary) -> [Vec<String>; 2] {
    [
        vec![name.into(), us(p.p50), us(p.p99), us(p.p999)],
        vec![
            added_name.into(),
            added(p.p50, d.p50),
            added(p.p99, d.p99),
            added(p.p999, d.p999),
        ],
    ]
}

/// TTFT at c=1 and per-event delivery / gaps over concurrent batches, against the paced upstream.
pub async fn streams(report: &mut Report, s: &Settings, t: Targets) -> anyhow::Result<Vec<String>> {
    let list = t.list();
    let targets: Vec<_> = list
        .iter()
        .map(|(_, via, addr)| (*addr, paced_chat(*via, *addr, 4)))
        .collect();
    let vias: Vec<_> = list.iter().map(|(_, via, addr)| (*via, *addr)).collect();
    // The floor's index (when measured) and tollgate's (when running).
    let fi = t.floor.map(|_| 1);
    let pi = t.proxied.map(|_| list.len() - 1);
    let (mut ttft, mut ids) = streams::ttft(&targets, s.ttft_rounds, s.ttft_per_round).await?;
    let mut delivery = vec![Vec::new(); vias.len()];
    let mut gaps = vec![Vec::new(); vias.len()];
    let mut incomplete = 0;
    for _ in 0..s.gap_batches {
        for (i, (via, addr)) in vias.iter().enumerate() {
            let open = Arc::new(AtomicUsize::new(0));
            let req = paced_chat(*via, *addr, 64);
            let done = streams::concurrent(*addr, &req, s.gap_streams, open).await?;
            incomplete += s.gap_streams - done.len();
            for t in done {
                if t.delivery_us.len() != 64 {
                    incomplete += 1;
                }
                delivery[i].extend(t.delivery_us);
                gaps[i].extend(t.gaps_us);
                ids.extend(t.request_id);
            }
        }
    }
    let sums = |v: &mut Vec<Vec<u64>>, ns: bool| -> Vec<Summary> {
        v.iter_mut()
            .map(|x| {
                if ns {
                    Summary::of_ns(x)
                } else {
                    Summary::of_us(x)
                }
            })
            .collect()
    };
    let metrics = [
        ("time to first byte", sums(&mut ttft, true)),
        (
            "per-event delivery (upstream write -> client read)",
            sums(&mut delivery, false),
        ),
        ("inter-event gap (upstream: 20 ms)", sums(&mut gaps, false)),
    ];
    let title = format!(
        "Streams, paced upstream (chat/completions SSE, 20 ms between deltas): TTFT over {}x{} sequential streams per target; delivery and gaps over {} batch(es) of {} concurrent 64-delta streams (µs)",
        s.ttft_rounds, s.ttft_per_round, s.gap_batches, s.gap_streams
    );
    let mut rows = Vec::new();
    let mut j = serde_json::Map::new();
    for (name, sm) in &metrics {
        let mut row = vec![name.to_string(), us(sm[0].p50), us(sm[0].p99)];
        let mut e = json!({"direct": sm[0].json()});
        if let Some(f) = fi.map(|i| &sm[i]) {
            row.extend([added(f.p50, sm[0].p50), added(f.p99, sm[0].p99)]);
            e["floor"] = f.json();
            e["floor_added_p99_us"] = json!(r1(f.p99 - sm[0].p99));
        }
        if let Some(p) = pi.map(|i| &sm[i]) {
            row.extend([
                us(p.p50),
                us(p.p99),
                added(p.p50, sm[0].p50),
                added(p.p99, sm[0].p99),
            ]);
            e["tollgate"] = p.json();
            e["added_p99_us"] = json!(r1(p.p99 - sm[0].p99));
        }
        rows.push(row);
        j.insert(name.to_string(), e);
    }
    let mut header = vec!["", "direct p50", "direct p99"];
    if fi.is_some() {
        header.extend(["floor added p50", "floor added p99"]);
    }
    if pi.is_some() {
        header.extend(["proxied p50", "proxied p99", "added p50", "added p99"]);
    }
    report.table(&title, &header).extend(rows);
    if let Some(i) = pi {
        let (t, dl) = (&metrics[0].1[i], &metrics[1].1[i]);
        let a = t.p99 - metrics[0].1[0].p99;
        report.check(
            "added TTFT p99, paced stream",
            format!("{} µs", us(a)),
            "<= 200 µs",
            a <= 200.0,
        );
        let ad = dl.p99 - metrics[1].1[0].p99;
        report.check(
            "added per-event delivery p99, paced stream",
            format!("{} µs ({incomplete} incomplete streams)", us(ad)),
            "< 1000 µs (gaps reach the client within 1 ms)",
            ad < 1000.0 && incomplete == 0,
        );
    }
    j.insert("incomplete_streams".into(), json!(incomplete));
    report.json.insert("streams".into(), Value::Object(j));
    Ok(ids)
}

/// The proxy's VmRSS idle, with `rss_streams` paced streams open, and after they close.
pub async fn memory(
    report: &mut Report,
    s: &Settings,
    proxy: &Proxy,
) -> anyhow::Result<Vec<String>> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = proxy.rss_kib().unwrap_or(0);
    let open = Arc::new(AtomicUsize::new(0));
    let req = paced_chat(Via::Tollgate, proxy.addr, s.rss_deltas);
    let (addr, n, open_c) = (proxy.addr, s.rss_streams, open.clone());
    let task = tokio::spawn(async move { streams::concurrent(addr, &req, n, open_c).await });
    streams::wait_open(&open, n, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let mut with = 0;
    let mut open_at_sample = usize::MAX;
    for _ in 0..4 {
        with = with.max(proxy.rss_kib().unwrap_or(0));
        open_at_sample = open_at_sample.min(open.load(std::sync::atomic::Ordering::SeqCst));
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let done = task.await??;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = proxy.rss_kib().unwrap_or(0);
    let complete = done
        .iter()
        .filter(|t| t.delivery_us.len() == s.rss_deltas && t.status == 200)
        .count();
    let per = (with.saturating_sub(idle)) as f64 / n as f64;
    report
        .table(
            &format!(
                "Proxy memory (VmRSS, /proc/PID/status) with {n} concurrent paced streams ({} deltas x 20 ms)",
                s.rss_deltas
            ),
            &["idle KiB", "with streams open KiB", "per stream KiB", "after close KiB", "streams complete", "open at sampling"],
        )
        .push(vec![
            idle.to_string(),
            with.to_string(),
            format!("{per:.1}"),
            after.to_string(),
            format!("{complete}/{n}"),
            open_at_sample.to_string(),
        ]);
    report.check(
        &format!("RSS per open stream ({n} streams)"),
        format!("{per:.1} KiB ({complete}/{n} complete)"),
        "<= 64 KiB",
        per <= 64.0 && complete == n,
    );
    report.json.insert(
        "memory".into(),
        json!({"streams": n, "idle_kib": idle, "open_kib": with, "per_stream_kib": r1(per), "after_close_kib": after, "complete": complete, "open_at_sampling": open_at_sample}),
    );
    Ok(done.into_iter().filter_map(|t| t.request_id).collect())
}

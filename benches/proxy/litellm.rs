//! LiteLLM's proxy side by side with tollgate, when `TOLLGATE_BENCH_LITELLM` names the URL of
//! a LiteLLM started by hand (see the README: exact pin, no DB, loopback, pinned to core 1)
//! whose config routes `gpt-4o-mini` to this bench's fake upstream. Same client, same run:
//! c=1 rounds interleave direct, tollgate and LiteLLM, then fixed-rate windows of each.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{json, Value};

use crate::client::Conn;
use crate::open_loop::{self, Spec};
use crate::report::{us, Report};
use crate::requests::{request, Kind, Via};
use crate::sequential::{self, Plan, Target};
use crate::stats::{r1, Summary};

/// Parses `http://HOST:PORT` (a trailing `/` allowed).
pub fn addr_of(url: &str) -> anyhow::Result<SocketAddr> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| anyhow::anyhow!("TOLLGATE_BENCH_LITELLM={url}: write http://HOST:PORT"))?;
    let host = rest.trim_end_matches('/');
    host.parse()
        .map_err(|_| anyhow::anyhow!("TOLLGATE_BENCH_LITELLM={url}: write http://127.0.0.1:PORT"))
}

pub struct Plans {
    pub c1: Plan,
    pub rate: u32,
    pub window: Duration,
    pub cycles: usize,
}

/// Runs the comparison and adds its table and targets to `report`.
pub async fn compare(
    report: &mut Report,
    upstream: SocketAddr,
    tollgate: SocketAddr,
    litellm: SocketAddr,
    plans: &Plans,
) -> anyhow::Result<Vec<String>> {
    let via = [
        ("direct", Via::Direct, upstream),
        ("tollgate", Via::Tollgate, tollgate),
        ("litellm", Via::LiteLlm, litellm),
    ];
    let mut targets = Vec::new();
    for (_, v, addr) in via {
        targets.push(Target {
            conn: Conn::connect(addr).await?,
            req: request(Kind::Chat, v, addr),
        });
    }
    let c1 = sequential::run(&mut targets, &plans.c1).await;
    let mut ids: Vec<String> = c1.iter().flat_map(|s| s.ids.iter().cloned()).collect();
    let sums: Vec<Summary> = c1.iter().map(|s| s.summary()).collect();

    let mut windows: Vec<Vec<u64>> = vec![Vec::new(); 3];
    let mut errors = [0u64; 3];
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); 3];
    for _ in 0..plans.cycles {
        for (i, (_, v, addr)) in via.iter().enumerate() {
            let spec = Spec {
                rate: plans.rate,
                duration: plans.window,
                connections: 16,
            };
            let o = open_loop::run(*addr, request(Kind::Chat, *v, *addr), spec).await?;
            windows[i].extend(&o.latency_ns);
            errors[i] += o.errors;
            rates[i].push(o.achieved_rate());
            ids.extend(o.answered.into_iter().map(|(id, _)| id));
        }
    }
    let fixed: Vec<Summary> = windows.iter_mut().map(|w| Summary::of_ns(w)).collect();

    let rows = report.table(
        &format!(
            "LiteLLM side by side (chat/completions, same fake upstream): c=1 {}x{} interleaved; fixed {} rps x {:?} x{} windows",
            plans.c1.rounds, plans.c1.per_round, plans.rate, plans.window, plans.cycles
        ),
        &["mode", "target", "p50 µs", "p99 µs", "added p50 µs", "added p99 µs", "errors"],
    );
    let mut json_rows = Vec::new();
    for (mode, s, errs) in [
        (
            "c=1",
            &sums,
            c1.iter().map(|s| s.errors).collect::<Vec<_>>(),
        ),
        ("fixed rate", &fixed, errors.to_vec()),
    ] {
        for (i, (name, _, _)) in via.iter().enumerate() {
            let (a50, a99) = (s[i].p50 - s[0].p50, s[i].p99 - s[0].p99);
            rows.push(vec![
                mode.to_string(),
                name.to_string(),
                us(s[i].p50),
                us(s[i].p99),
                if i == 0 { "-".into() } else { us(a50) },
                if i == 0 { "-".into() } else { us(a99) },
                errs[i].to_string(),
            ]);
            json_rows.push(json!({"mode": mode, "target": name, "p50_us": r1(s[i].p50), "p99_us": r1(s[i].p99), "added_p50_us": r1(a50), "added_p99_us": r1(a99), "errors": errs[i]}));
        }
    }
    let ratio = |s: &[Summary]| (s[2].p99 - s[0].p99) / (s[1].p99 - s[0].p99).max(1.0);
    let (r_c1, r_fixed) = (ratio(&sums), ratio(&fixed));
    report.check(
        "LiteLLM added p99 / tollgate added p99, c=1",
        format!("{r_c1:.0}x"),
        ">= 30x",
        r_c1 >= 30.0,
    );
    report.check(
        &format!("LiteLLM added p99 / tollgate added p99, {} rps", plans.rate),
        format!("{r_fixed:.0}x"),
        ">= 30x",
        r_fixed >= 30.0,
    );
    let rate_json: Vec<Value> = rates.iter().map(|r| json!(r)).collect();
    report.json.insert(
        "litellm".into(),
        json!({"rows": json_rows, "ratio_p99_c1": r1(r_c1), "ratio_p99_fixed": r1(r_fixed), "achieved_rates": rate_json}),
    );
    Ok(ids)
}

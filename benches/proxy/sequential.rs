//! One request at a time (c=1), interleaved: a round of `per_round` requests to each target in
//! turn (direct, tollgate[, LiteLLM]), repeated, each target on its own keep-alive connection
//! from the same client, so drift and noise hit every target alike.

use std::time::Instant;

use crate::client::{Conn, Req};
use crate::open_loop::ns;
use crate::stats::{median, Summary};

pub struct Target {
    pub conn: Conn,
    pub req: Req,
}

#[derive(Default)]
pub struct Samples {
    pub ns: Vec<u64>,
    /// Median of each round, µs.
    pub round_medians: Vec<f64>,
    pub overhead_us: Vec<u64>,
    pub ids: Vec<String>,
    pub errors: u64,
}

impl Samples {
    pub fn summary(&self) -> Summary {
        Summary::of_ns(&mut self.ns.clone())
    }
}

pub struct Plan {
    pub warmup: usize,
    pub rounds: usize,
    pub per_round: usize,
}

/// Runs the plan; one [`Samples`] per target, in the targets' order.
pub async fn run(targets: &mut [Target], plan: &Plan) -> Vec<Samples> {
    let mut out: Vec<Samples> = targets.iter().map(|_| Samples::default()).collect();
    for t in targets.iter_mut() {
        for _ in 0..plan.warmup {
            let _ = t.conn.send(&t.req).await;
        }
    }
    for _ in 0..plan.rounds {
        for (t, s) in targets.iter_mut().zip(out.iter_mut()) {
            let mut round = Vec::with_capacity(plan.per_round);
            for _ in 0..plan.per_round {
                let t0 = Instant::now();
                match t.conn.send(&t.req).await {
                    Ok(a) if (200..300).contains(&a.status) => {
                        round.push(ns(t0.elapsed()));
                        if let Some(o) = a.overhead_us {
                            s.overhead_us.push(o);
                        }
                        if let Some(id) = a.request_id {
                            s.ids.push(id);
                        }
                    }
                    _ => s.errors += 1,
                }
            }
            let us: Vec<f64> = round.iter().map(|n| *n as f64 / 1e3).collect();
            s.round_medians.push(median(&us));
            s.ns.extend(round);
        }
    }
    out
}

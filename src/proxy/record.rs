//! One spool line per request. What the request path hands over ([`Finished`]) is turned into
//! the record on the spool thread, where non-streamed bodies are read and usage is priced, so
//! none of that work sits between the client and its response.
//!
//! Fields: request_id, provider_request_id, key_hint, started_at, ended_at, provider, endpoint,
//! model_requested, model, use_case, user, tags, status, outcome, stream, input_tokens,
//! cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens,
//! reasoning_tokens, cost_usd, priced, latency_ms, ttft_ms. Never content, auth headers or keys.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::pricing::Pricer;
use super::route::{Endpoint, Provider};
use super::spool::Queue;
use super::usage::{self, Observed};

/// The status recorded for a client that went away before the response started (nginx's
/// "client closed request").
pub const CLIENT_CLOSED_STATUS: u16 = 499;

/// How the exchange ended, as the request path saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The upstream body ended and the client took all of it.
    Complete,
    /// The client went away first.
    ClientClosed,
    /// The upstream could not be reached, or its body broke off.
    UpstreamFailed,
    /// The proxy refused the request itself (bad header, no use case).
    Refused,
}

/// Everything the spool thread needs to write a request's record.
#[derive(Debug)]
pub struct Finished {
    pub request_id: String,
    pub started_at: SystemTime,
    pub ended_at: SystemTime,
    pub latency: Duration,
    pub ttft: Option<Duration>,
    pub provider: Provider,
    pub endpoint: String,
    pub kind: Endpoint,
    pub model_requested: Option<String>,
    pub use_case: Option<String>,
    pub user: Option<String>,
    pub tags: Vec<(String, String)>,
    pub key_hint: Option<String>,
    /// `x-request-id` / `request-id` of the upstream response.
    pub header_request_id: Option<String>,
    pub status: u16,
    pub stream: bool,
    pub end: End,
    /// A non-streamed response body, read on the spool thread.
    pub body: Option<Vec<Bytes>>,
    /// What a stream's reader saw.
    pub observed: Option<Observed>,
    /// What the request owes its use case's meter (`caps`), settled when it is priced.
    pub charge: Option<super::caps::Charge>,
}

impl Finished {
    /// A request's record before anything is known but where and when it arrived.
    pub fn new(
        request_id: String,
        started_at: SystemTime,
        provider: Provider,
        endpoint: String,
        kind: Endpoint,
    ) -> Finished {
        Finished {
            request_id,
            started_at,
            ended_at: started_at,
            latency: Duration::ZERO,
            ttft: None,
            provider,
            endpoint,
            kind,
            model_requested: None,
            use_case: None,
            user: None,
            tags: Vec::new(),
            key_hint: None,
            header_request_id: None,
            status: 0,
            stream: false,
            end: End::Complete,
            body: None,
            observed: None,
            charge: None,
        }
    }

    /// Stamps the end and hands the record to the spool thread.
    pub fn send(mut self, end: End, start: Instant, spool: &Queue) {
        self.end = end;
        self.ended_at = SystemTime::now();
        self.latency = start.elapsed();
        spool.push(self);
    }
}

/// A request's record until the response takes it over. Dropped before that (the client went
/// away while the proxy waited), it is written as `client_closed`, so no request goes
/// unrecorded.
pub struct Pending {
    rec: Finished,
    pub spool: Arc<Queue>,
    pub start: Instant,
    done: bool,
}

impl Pending {
    pub fn new(rec: Finished, spool: Arc<Queue>, start: Instant) -> Pending {
        Pending {
            rec,
            spool,
            start,
            done: false,
        }
    }

    pub fn rec(&mut self) -> &mut Finished {
        &mut self.rec
    }

    /// The record, for whoever writes it now.
    pub fn take(&mut self) -> Finished {
        self.done = true;
        let placeholder = Finished::new(
            String::new(),
            self.rec.started_at,
            self.rec.provider,
            String::new(),
            self.rec.kind,
        );
        std::mem::replace(&mut self.rec, placeholder)
    }

    /// Writes the record now with `status` and `end`.
    pub fn finish(&mut self, status: u16, end: End) {
        let mut rec = self.take();
        rec.status = status;
        rec.send(end, self.start, &self.spool);
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.done {
            self.finish(CLIENT_CLOSED_STATUS, End::ClientClosed);
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub request_id: &'a str,
    pub provider_request_id: Option<&'a str>,
    pub key_hint: Option<&'a str>,
    pub started_at: String,
    pub ended_at: String,
    pub provider: &'static str,
    pub endpoint: &'a str,
    pub model_requested: Option<&'a str>,
    pub model: Option<&'a str>,
    pub use_case: Option<&'a str>,
    pub user: Option<&'a str>,
    pub tags: BTreeMap<&'a str, &'a str>,
    pub status: u16,
    pub outcome: &'static str,
    pub stream: bool,
    pub input_tokens: Option<u64>,
    pub cached_input_tokens: Option<u64>,
    pub cache_write_tokens: Option<u64>,
    pub cache_write_1h_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub reasoning_tokens: Option<u64>,
    pub cost_usd: Option<String>,
    pub priced: bool,
    pub latency_ms: f64,
    pub ttft_ms: Option<f64>,
}

/// Appends `f`'s record to `out` as one JSON line.
pub fn render(f: &Finished, pricer: &Pricer, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let observed = match (&f.observed, &f.body) {
        (Some(o), _) => o.clone(),
        (None, Some(frames)) if (200..300).contains(&f.status) => {
            if frames.len() == 1 {
                usage::from_body(f.kind, &frames[0])
            } else {
                usage::from_body(f.kind, &frames.concat())
            }
        }
        _ => Observed::default(),
    };
    let outcome = outcome(f, &observed);
    let started: DateTime<Utc> = f.started_at.into();
    let model = observed.model.as_deref().or(f.model_requested.as_deref());
    let tier = observed.tier.as_deref().unwrap_or(crate::prices::STANDARD);
    let cost = match (&observed.usage, model) {
        (Some(u), Some(m)) => pricer.cost(f.provider, m, tier, started.date_naive(), u),
        _ => None,
    };
    if let Some(c) = &f.charge {
        // A client that went away (499) may still be billed for what the upstream produced.
        let errored = f.status >= 400 && f.status != CLIENT_CLOSED_STATUS;
        c.settle(cost, observed.usage.is_none() && errored);
    }
    let u = observed.usage;
    let record = Record {
        request_id: &f.request_id,
        provider_request_id: observed
            .provider_request_id
            .as_deref()
            .or(f.header_request_id.as_deref()),
        key_hint: f.key_hint.as_deref(),
        started_at: timestamp(f.started_at),
        ended_at: timestamp(f.ended_at),
        provider: f.provider.name(),
        endpoint: &f.endpoint,
        model_requested: f.model_requested.as_deref(),
        model: observed.model.as_deref(),
        use_case: f.use_case.as_deref(),
        user: f.user.as_deref(),
        tags: f
            .tags
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
        status: f.status,
        outcome,
        stream: f.stream,
        input_tokens: u.map(|u| u.input),
        cached_input_tokens: u.map(|u| u.cached_input),
        cache_write_tokens: u.map(|u| u.cache_write),
        cache_write_1h_tokens: u.map(|u| u.cache_write_1h),
        output_tokens: u.map(|u| u.output),
        reasoning_tokens: u.map(|u| u.reasoning),
        priced: cost.is_some(),
        cost_usd: cost.map(|c| c.to_string()),
        latency_ms: millis(f.latency),
        ttft_ms: f.ttft.map(millis),
    };
    serde_json::to_writer(&mut *out, &record)?;
    out.push(b'\n');
    Ok(())
}

/// `refused`, else `upstream_error` (an error status, a broken body or an error event), else
/// `client_closed`, else `usage_missing` where usage was due, else `ok`.
fn outcome(f: &Finished, observed: &Observed) -> &'static str {
    match f.end {
        End::Refused => "refused",
        _ if f.status >= 400 || f.end == End::UpstreamFailed || observed.error => "upstream_error",
        End::ClientClosed => "client_closed",
        _ if f.kind.reads_body() && observed.usage.is_none() => "usage_missing",
        _ => "ok",
    }
}

fn timestamp(t: SystemTime) -> String {
    DateTime::<Utc>::from(t).to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Milliseconds with microsecond precision.
fn millis(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

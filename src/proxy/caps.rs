//! Monthly caps per use case, never overshot under concurrency. Each configured use case has a
//! [`Meter`]: what the gateway saw it spend in the UTC month (seeded at start from the month's
//! spool records, then added to as records are priced) plus what requests in flight have
//! reserved. A request of a capped use case reserves its worst-case cost before it is
//! forwarded, and only if spent + reserved + that stays within the cap; the spool thread
//! settles the reservation to the actual cost once the response is priced. One mutex per use
//! case, held for a few additions: use cases never wait on each other.
//!
//! Worst case = (request body bytes as prompt tokens: a token is at least one byte of text)
//! x the dearest prompt-side price of the model (any tier, cache writes included) + the most
//! output the request allows (`max_tokens` & co. times `n`, else the model's documented
//! default maximum, else 128,000) x the dearest output price. Prompt tokens the body does not
//! carry (a Responses `previous_response_id`, images fetched by URL) cannot be foreseen; they
//! are settled at their actual cost, and the use case's next request sees them.
//!
//! Settling: the actual cost when the response was priced; nothing when the upstream answered
//! an error without usage; otherwise (usage missing, a model without a price) the reservation
//! stays spent, since the provider may have charged for it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::pricing::{Pricer, WorstRates};
use super::route::{Endpoint, Provider};
use crate::config::Config;
use crate::prices::cost_of;

/// A month as `YYYYMM`.
type MonthKey = u32;

/// Output a request may produce when it sets no limit and the model is not listed below.
const FALLBACK_MAX_OUTPUT: u64 = 128_000;

/// Documented maximum output tokens of models whose default is below the fallback (exact model
/// ids; dated snapshots resolve to them).
const MAX_OUTPUT: &[(&str, u64)] = &[
    ("gpt-4o", 16_384),
    ("gpt-4o-mini", 16_384),
    ("gpt-4.1", 32_768),
    ("gpt-4.1-mini", 32_768),
    ("gpt-4.1-nano", 32_768),
    ("o1", 100_000),
    ("o3", 100_000),
    ("o3-mini", 100_000),
    ("o4-mini", 100_000),
    ("claude-3-5-haiku", 8_192),
    ("claude-opus-4", 32_000),
    ("claude-opus-4-1", 32_000),
    ("claude-sonnet-4", 64_000),
    ("claude-sonnet-4-5", 64_000),
    ("claude-haiku-4-5", 64_000),
];

#[derive(Debug, Default)]
struct Account {
    month: MonthKey,
    spent: Decimal,
    reserved: Decimal,
}

/// One use case's month.
#[derive(Debug, Default)]
pub struct Meter {
    account: Mutex<Account>,
}

/// Why a request does not fit under its use case's cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverCap {
    pub cap: Decimal,
    /// Spent and reserved by requests in flight.
    pub committed: Decimal,
    pub worst_case: Decimal,
}

impl Meter {
    fn account(&self, month: MonthKey) -> std::sync::MutexGuard<'_, Account> {
        let mut a = self.account.lock().unwrap_or_else(|p| p.into_inner());
        if a.month != month {
            // A new month starts from nothing; reservations of the old one settle into it no more.
            *a = Account {
                month,
                ..Account::default()
            };
        }
        a
    }

    fn try_reserve(&self, month: MonthKey, amount: Decimal, cap: Decimal) -> Result<(), OverCap> {
        let mut a = self.account(month);
        let committed = a.spent + a.reserved;
        if committed + amount > cap {
            return Err(OverCap {
                cap,
                committed,
                worst_case: amount,
            });
        }
        a.reserved += amount;
        Ok(())
    }

    fn settle(&self, month: MonthKey, reserved: Decimal, actual: Decimal) {
        let mut a = self.account.lock().unwrap_or_else(|p| p.into_inner());
        if a.month == month {
            a.reserved -= reserved;
            a.spent += actual;
        }
    }

    /// Spent so far this month (what is settled).
    pub fn spent(&self, month: MonthKey) -> Decimal {
        self.account(month).spent
    }
}

/// What a request owes its use case's meter; settled once, by the spool thread.
#[derive(Debug)]
pub struct Charge {
    meter: Arc<Meter>,
    month: MonthKey,
    reserved: Decimal,
}

impl Charge {
    /// `cost`: the priced cost; `errored`: the upstream answered an error and reported no usage.
    pub fn settle(&self, cost: Option<Decimal>, errored: bool) {
        let actual = match cost {
            Some(c) => c,
            None if errored => Decimal::ZERO,
            None => self.reserved,
        };
        self.meter.settle(self.month, self.reserved, actual);
    }
}

/// Worst rates per (provider, model), with the day they were looked up for.
type RateCache = HashMap<(Provider, String), (NaiveDate, Option<WorstRates>)>;

/// Every use case's meter and the worst-case estimator.
pub struct Caps {
    meters: HashMap<String, Arc<Meter>>,
    pricer: Pricer,
    rates: RwLock<RateCache>,
}

/// A request of a capped use case, as far as its cost can be foreseen.
#[derive(Debug, Clone, Copy, Default)]
pub struct Demand<'a> {
    pub model: Option<&'a str>,
    pub body_bytes: usize,
    pub max_output_tokens: Option<u64>,
}

/// Why a capped request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    OverCap(OverCap),
    /// No price for the model (or no model): its cost cannot be bounded.
    Unpriced(Option<String>),
}

impl Caps {
    /// Meters for every configured use case, seeded from the current month's records in
    /// `spool_dir`.
    pub fn new(config: &Config, pricer: Pricer, spool_dir: &Path) -> Caps {
        let month = month_key(Utc::now().date_naive());
        let meters: HashMap<String, Arc<Meter>> = config
            .use_cases
            .iter()
            .map(|u| (u.id.clone(), Arc::new(Meter::default())))
            .collect();
        let seeded = seed(spool_dir, Utc::now().date_naive());
        for (id, spent) in seeded {
            if let Some(m) = meters.get(&id) {
                m.account(month).spent = spent;
            }
        }
        Caps {
            meters,
            pricer,
            rates: RwLock::new(HashMap::new()),
        }
    }

    pub fn meter(&self, use_case: &str) -> Option<&Arc<Meter>> {
        self.meters.get(use_case)
    }

    /// A charge that only counts the request's cost (no cap applies).
    pub fn track(&self, use_case: &str) -> Option<Charge> {
        let meter = self.meters.get(use_case)?.clone();
        Some(Charge {
            meter,
            month: month_key(Utc::now().date_naive()),
            reserved: Decimal::ZERO,
        })
    }

    /// Reserves the request's worst-case cost under `cap`, or says why it cannot.
    pub fn reserve(
        &self,
        use_case: &str,
        cap: Decimal,
        provider: Provider,
        endpoint: Endpoint,
        demand: Demand<'_>,
    ) -> Result<Option<Charge>, Refusal> {
        let Some(meter) = self.meters.get(use_case) else {
            return Ok(None);
        };
        let today = Utc::now().date_naive();
        let worst = self
            .worst_case(provider, endpoint, demand, today)
            .ok_or_else(|| Refusal::Unpriced(demand.model.map(str::to_string)))?;
        let month = month_key(today);
        meter
            .try_reserve(month, worst, cap)
            .map_err(Refusal::OverCap)?;
        Ok(Some(Charge {
            meter: meter.clone(),
            month,
            reserved: worst,
        }))
    }

    fn worst_case(
        &self,
        provider: Provider,
        endpoint: Endpoint,
        demand: Demand<'_>,
        day: NaiveDate,
    ) -> Option<Decimal> {
        let model = demand.model?;
        let rates = self.rates(provider, model, day)?;
        let output_tokens = match endpoint {
            Endpoint::Embeddings => 0,
            _ => demand
                .max_output_tokens
                .unwrap_or_else(|| default_max_output(model)),
        };
        let output = if output_tokens == 0 {
            Decimal::ZERO
        } else {
            cost_of(Decimal::from(output_tokens), rates.output?)
        };
        Some(cost_of(Decimal::from(demand.body_bytes), rates.input) + output)
    }

    fn rates(&self, provider: Provider, model: &str, day: NaiveDate) -> Option<WorstRates> {
        let cached = self
            .rates
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(provider, model.to_string()))
            .filter(|(d, _)| *d == day)
            .map(|(_, r)| *r);
        if let Some(r) = cached {
            return r;
        }
        let r = self.pricer.worst_rates(provider, model, day);
        self.rates
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert((provider, model.to_string()), (day, r));
        r
    }
}

fn default_max_output(model: &str) -> u64 {
    let model = model.to_ascii_lowercase();
    let known = crate::prices::model_names(&model)
        .find_map(|name| MAX_OUTPUT.iter().find(|(m, _)| *m == name).map(|(_, n)| *n));
    known.unwrap_or(FALLBACK_MAX_OUTPUT)
}

pub fn month_key(day: NaiveDate) -> MonthKey {
    day.year() as u32 * 100 + day.month()
}

#[derive(Deserialize)]
struct SeedLine<'a> {
    #[serde(borrow)]
    started_at: &'a str,
    #[serde(borrow)]
    use_case: Option<&'a str>,
    #[serde(default, with = "rust_decimal::serde::str_option")]
    cost_usd: Option<Decimal>,
}

/// Each use case's priced spend in `today`'s month from the spool files in `dir` (those of the
/// month, and of the last hour before it: a record is filed by when it was written).
fn seed(dir: &Path, today: NaiveDate) -> HashMap<String, Decimal> {
    let mut out: HashMap<String, Decimal> = HashMap::new();
    let prefix = today.format("%Y-%m").to_string();
    let first = today.with_day(1).unwrap_or(today);
    let before = first
        .pred_opt()
        .unwrap_or(first)
        .format("%Y%m%d23")
        .to_string();
    let from = first.format("%Y%m%d00").to_string();
    let Ok(files) = super::spool::files(dir) else {
        return out;
    };
    for f in files {
        let hour = super::spool::hour_of(&f).unwrap_or_default().to_string();
        if hour != before && hour < from {
            continue;
        }
        let Ok(bytes) = std::fs::read(&f) else {
            tracing::warn!(file = %f.display(), "spool file unreadable; its spend is not counted against caps");
            continue;
        };
        for line in bytes.split(|b| *b == b'\n') {
            let Ok(l) = serde_json::from_slice::<SeedLine<'_>>(line) else {
                continue;
            };
            if let (Some(uc), Some(cost), true) =
                (l.use_case, l.cost_usd, l.started_at.starts_with(&prefix))
            {
                *out.entry(uc.to_string()).or_default() += cost;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn reservations_never_pass_the_cap_and_settle_to_the_actual() {
        let m = Meter::default();
        let month = 202612;
        let cap = d("1.00");
        assert!(m.try_reserve(month, d("0.60"), cap).is_ok());
        let over = m.try_reserve(month, d("0.50"), cap).expect_err("over");
        assert_eq!(over.committed, d("0.60"));
        m.settle(month, d("0.60"), d("0.10"));
        assert!(m.try_reserve(month, d("0.50"), cap).is_ok());
        assert_eq!(m.spent(month), d("0.10"));
        // A new month starts empty.
        assert_eq!(m.spent(202701), Decimal::ZERO);
    }

    #[test]
    fn worst_case_uses_the_dearest_prices_and_the_limits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = Config::default();
        let caps = Caps::new(&config, Pricer::shipped().expect("prices"), dir.path());
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).expect("day");
        let demand = Demand {
            model: Some("gpt-4o-2024-08-06"),
            body_bytes: 1000,
            max_output_tokens: Some(100),
        };
        // gpt-4o: priority input 4.25, priority output 17.00 per million.
        let w = caps.worst_case(Provider::OpenAi, Endpoint::ChatCompletions, demand, day);
        assert_eq!(w, Some(d("0.00425") + d("0.0017")));
        let no_limit = Demand {
            max_output_tokens: None,
            ..demand
        };
        let w = caps.worst_case(Provider::OpenAi, Endpoint::ChatCompletions, no_limit, day);
        assert_eq!(w, Some(d("0.00425") + d("0.278528")));
        let unknown = Demand {
            model: Some("gpt-unknown"),
            ..demand
        };
        let w = caps.worst_case(Provider::OpenAi, Endpoint::ChatCompletions, unknown, day);
        assert_eq!(w, None);
        assert_eq!(default_max_output("claude-opus-4-5-20251101"), 128_000);
        assert_eq!(default_max_output("claude-opus-4-1-20250805"), 32_000);
    }

    #[test]
    fn seeded_from_the_months_spool() {
        let dir = tempfile::tempdir().expect("tempdir");
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("day");
        let line = |at: &str, uc: &str, cost: &str| {
            format!("{{\"started_at\":\"{at}\",\"use_case\":\"{uc}\",\"cost_usd\":\"{cost}\"}}\n")
        };
        std::fs::write(
            dir.path().join("requests-2026120100-a.jsonl"),
            line("2026-12-01T00:00:01Z", "bot", "0.25")
                + &line("2026-12-01T00:00:02Z", "bot", "0.5"),
        )
        .expect("write");
        std::fs::write(
            dir.path().join("requests-2026113023-a.jsonl"),
            line("2026-11-30T23:59:59Z", "bot", "9")
                + &line("2026-12-01T00:00:00Z", "bot", "0.125"),
        )
        .expect("write");
        std::fs::write(
            dir.path().join("requests-2026110100-a.jsonl"),
            line("2026-11-01T00:00:00Z", "bot", "100"),
        )
        .expect("write");
        let s = seed(dir.path(), today);
        assert_eq!(s.get("bot"), Some(&d("0.875")));
    }
}

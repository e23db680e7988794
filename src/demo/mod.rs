//! The demo dataset (docs/CONTRACTS.md, "Demo dataset"): a deterministic generator of
//! provider-shaped records (OpenAI and Anthropic Admin API buckets, Cost Explorer pages, a Modal
//! billing report, FOCUS lines from Pinecone and Replicate) that go through the same `normalize` +
//! `ingest` path as real syncs, plus outcome values, a few dependency reviews and the demo's own
//! config.
//!
//! Time: data covers the 14 complete months before `as_of`'s month and the month in progress
//! up to and including `as_of` (the demo's clock stands at the end of that day). Everything is
//! a pure function of `(seed, as_of)`: the random numbers come from SplitMix64 and floats only
//! see +, -, * and /, so the ledger is the same on every platform.

mod infra;
mod llm;
mod plan;
mod prices;
mod rng;

use anyhow::Context as _;
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};
use duckdb::params;
use rust_decimal::Decimal;

use crate::month::Month;
use crate::normalize::{normalize, SourceRecords};
use crate::store::{queries, IngestScope, Store};
use plan::{Clock, Stream, STREAMS};
use rng::{nth_root, powi, SplitMix64};

/// The demo's use cases and rules; stored with the demo DB and printed by `--print-config`.
pub const CONFIG_TOML: &str = include_str!("config.toml");

/// The `outcomes.source` of the demo's outcome values.
pub const SOURCE: &str = "demo";

/// The as-of date a demo DB was written for, from its `demo` setting (`seed=N;as_of=DATE`).
pub fn as_of_of(setting: &str) -> Option<chrono::NaiveDate> {
    setting
        .split(';')
        .find_map(|kv| kv.strip_prefix("as_of="))
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

const INSERT_OUTCOME: &str =
    "INSERT OR REPLACE INTO outcomes (month, use_case, metric, value, source) \
     VALUES (?, ?, ?, CAST(? AS DECIMAL(28, 6)), ?)";
const DELETE_REVIEW: &str =
    "DELETE FROM dependency_reviews WHERE dep_key = ? AND reviewer = ? AND reviewed_at = ?";
const INSERT_REVIEW: &str =
    "INSERT INTO dependency_reviews (dep_key, class, note, reviewer, reviewed_at) \
     VALUES (?, ?, ?, ?, ?)";

#[derive(Debug, Clone, PartialEq)]
pub struct DemoSummary {
    pub rows: usize,
    pub months: usize,
    pub latest_complete_month: Month,
    pub latest_complete_total: Decimal,
}

/// One outcome value (`outcomes` table).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub month: Month,
    pub use_case: String,
    pub metric: String,
    pub value: Decimal,
}

/// One dependency review (`dependency_reviews` table); `dep_key` is `use_case/provider/item`.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub dep_key: String,
    pub class: String,
    pub note: String,
    pub reviewer: String,
    pub reviewed_at: NaiveDateTime,
}

/// Everything the demo writes, before it touches a DB.
#[derive(Debug, Clone)]
pub struct DemoData {
    pub seed: u64,
    pub as_of: NaiveDate,
    pub latest_complete_month: Month,
    pub months: usize,
    /// (source name, provider-shaped records), in the order they are ingested.
    pub sources: Vec<(String, SourceRecords)>,
    pub outcomes: Vec<Outcome>,
    pub reviews: Vec<Review>,
}

/// A stream with its daily spend over the clock's days.
pub(crate) struct Planned {
    pub stream: Stream,
    pub spend: Vec<f64>,
}

/// The demo dataset for `seed` and `as_of`. Pure: no DB, no clock, no I/O.
pub fn generate(seed: u64, as_of: NaiveDate) -> DemoData {
    let clock = Clock::new(as_of);
    let plan: Vec<Planned> = STREAMS
        .iter()
        .map(|s| Planned {
            stream: *s,
            spend: s.daily_spend(&clock, seed),
        })
        .collect();
    let (aws_ctx, aws_pages) = infra::aws(&clock, &plan);
    let sources = vec![
        (
            "openai".to_string(),
            SourceRecords::OpenAi(llm::openai(&clock, &plan)),
        ),
        (
            "anthropic".to_string(),
            SourceRecords::Anthropic(llm::anthropic(&clock, &plan, seed)),
        ),
        ("aws".to_string(), SourceRecords::Aws(aws_ctx, aws_pages)),
        (
            "modal".to_string(),
            SourceRecords::Modal {
                items: infra::modal(&clock, &plan),
                hourly: false,
            },
        ),
        (
            "pinecone".to_string(),
            SourceRecords::Focus(infra::pinecone(&clock, &plan)),
        ),
        (
            "replicate".to_string(),
            SourceRecords::Focus(infra::replicate(&clock, &plan)),
        ),
    ];
    DemoData {
        seed,
        as_of,
        latest_complete_month: clock.latest,
        months: Clock::MONTHS,
        sources,
        outcomes: outcomes(&clock, seed),
        reviews: reviews(&clock),
    }
}

/// Generates the demo and writes it into `store`: each source's rows replace that source's
/// rows (one transaction per source, as a sync does), then outcomes, reviews and settings
/// replace the demo's previous ones in one more transaction.
pub fn write(store: &Store, seed: u64, as_of: NaiveDate) -> anyhow::Result<DemoSummary> {
    let data = generate(seed, as_of);
    let mut batches = Vec::with_capacity(data.sources.len());
    for (source, records) in &data.sources {
        let rows = normalize(source, records)
            .with_context(|| format!("normalising the demo's {source} records"))?;
        batches.push((source.clone(), rows));
    }
    let mut rows = 0;
    for (source, batch) in &batches {
        let scope = IngestScope::Source {
            source: source.clone(),
        };
        rows += store
            .ingest_rows(&scope, batch)
            .with_context(|| format!("writing the demo's {source} rows"))?
            .rows_written;
    }
    // Shipped first, so the demo's rows (loaded after them) shadow them.
    crate::prices::ensure_shipped(store)?;
    let shipped = crate::prices::shipped_prices()?;
    let demo_prices = prices::price_history(Clock::new(as_of).price_doubled_on, &shipped);
    store.in_transaction(|c| -> anyhow::Result<()> {
        c.execute("DELETE FROM outcomes WHERE source = ?", [SOURCE])?;
        let mut insert = c.prepare(INSERT_OUTCOME)?;
        for o in &data.outcomes {
            insert.execute(params![
                o.month.to_string(),
                o.use_case,
                o.metric,
                o.value.to_string(),
                SOURCE
            ])?;
        }
        for r in &data.reviews {
            c.execute(DELETE_REVIEW, params![r.dep_key, r.reviewer, r.reviewed_at])?;
            c.execute(
                INSERT_REVIEW,
                params![r.dep_key, r.class, r.note, r.reviewer, r.reviewed_at],
            )?;
        }
        c.execute(
            "DELETE FROM prices WHERE origin = ?",
            [crate::prices::ORIGIN_DEMO],
        )?;
        crate::prices::insert_prices(c, &demo_prices, chrono::Utc::now().naive_utc())?;
        c.execute(queries::SETTING_SET, ["config_toml", CONFIG_TOML])?;
        let demo = format!("seed={seed};as_of={}", as_of.format("%Y-%m-%d"));
        c.execute(queries::SETTING_SET, ["demo", demo.as_str()])?;
        Ok(())
    })?;
    Ok(DemoSummary {
        rows,
        months: data.months,
        latest_complete_month: data.latest_complete_month,
        latest_complete_total: store.month_total(data.latest_complete_month)?,
    })
}

/// (use case, metric, value in the latest complete month, yearly growth, first and last month
/// with a value as months before the latest complete month (-1: the month in progress, to
/// date), rollout jump in the latest month).
type OutcomePlan = (&'static str, &'static str, f64, f64, i32, i32, f64);

const OUTCOMES: &[OutcomePlan] = &[
    ("assistant", "wau", 3_800.0, 1.6, 13, -1, 1.0),
    ("smart-search", "wau", 5_200.0, 1.5, 13, -1, 1.0),
    ("doc-summaries", "wau", 2_600.0, 1.8, 6, -1, 2.0),
    (
        "support-deflection",
        "tickets_deflected",
        2_100.0,
        2.0,
        8,
        -1,
        1.0,
    ),
    ("code-review", "prs_generated", 640.0, 2.0, 4, -1, 1.0),
    // the sales pilot stopped reporting meetings booked when it was rolled out to the whole
    // team: no value for the latest month, while its spend crosses $1,000 (gate G2)
    ("sales-assist", "meetings_booked", 45.0, 2.0, 3, 1, 1.5),
];

fn outcomes(clock: &Clock, seed: u64) -> Vec<Outcome> {
    let mut out = Vec::new();
    for (use_case, metric, latest, growth, first, last, rollout) in OUTCOMES {
        let monthly = nth_root(*growth, 12);
        let mut rng = SplitMix64::for_stream(seed, &format!("outcome/{use_case}"));
        for back in (*last..=*first).rev() {
            let month = clock.latest.plus(-back);
            // the first two months of a new use case reach fewer users
            let ramp = match first - back {
                0 => 0.4,
                1 => 0.75,
                _ => 1.0,
            };
            let jump = if back > 0 { 1.0 / rollout } else { 1.0 };
            // counts of the month in progress are to date; weekly actives are not
            let to_date = if back < 0 && *metric != "wau" {
                f64::from(clock.as_of.day()) / f64::from(month.days())
            } else {
                1.0
            };
            let value =
                latest * powi(monthly, -i64::from(back)) * ramp * jump * to_date * rng.jitter(0.03);
            out.push(Outcome {
                month,
                use_case: use_case.to_string(),
                metric: metric.to_string(),
                value: Decimal::from(value.round().max(1.0) as i64),
            });
        }
    }
    out
}

/// A few reviewed dependencies, most not; one reviewed twice (history is kept).
fn reviews(clock: &Clock) -> Vec<Review> {
    let at = |days_before: u64, hour: u32| {
        let day = clock
            .as_of
            .checked_sub_days(Days::new(days_before))
            .unwrap_or(clock.as_of);
        day.and_time(NaiveTime::from_hms_opt(hour, 30, 0).unwrap_or(NaiveTime::MIN))
    };
    let r = |dep_key: &str, class: &str, note: &str, reviewer: &str, reviewed_at: NaiveDateTime| {
        Review {
            dep_key: dep_key.to_string(),
            class: class.to_string(),
            note: note.to_string(),
            reviewer: reviewer.to_string(),
            reviewed_at,
        }
    };
    vec![
        r(
            "assistant/OpenAI/gpt-5.5",
            "load-bearing",
            "Answers most assistant turns; re-test gpt-5.5-mini after the price change",
            "maria.lopez",
            at(24, 10),
        ),
        r(
            "support-deflection/OpenAI/gpt-5.5-mini",
            "load-bearing",
            "Deflects ~2k tickets a month",
            "maria.lopez",
            at(24, 11),
        ),
        r(
            "eval-platform/OpenAI/gpt-5.5",
            "convenience",
            "Nightly evals could run on the mini model",
            "sam.okafor",
            at(16, 15),
        ),
        r(
            "agent-prototype/Anthropic/claude-opus-4-6",
            "convenience",
            "Prototype; keep while the spike runs",
            "sam.okafor",
            at(60, 9),
        ),
        r(
            "agent-prototype/Anthropic/claude-opus-4-6",
            "waste",
            "No users outside labs; stop the notebooks",
            "maria.lopez",
            at(5, 16),
        ),
    ]
}

impl DemoData {
    /// Day of the retry-loop spike and the model it hit, for tests and the cockpit's tour.
    pub fn spike(&self) -> (NaiveDate, &'static str) {
        (Clock::new(self.as_of).spike_day, "gpt-5.5-mini")
    }

    /// The day the flagship's per-token prices doubled, and the flagship.
    pub fn price_doubling(&self) -> (NaiveDate, &'static str) {
        (Clock::new(self.as_of).price_doubled_on, prices::FLAGSHIP)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn as_of_is_read_back_from_the_demo_setting() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 20);
        assert_eq!(super::as_of_of("seed=42;as_of=2026-11-20"), d);
        assert_eq!(super::as_of_of("seed=42"), None);
    }

    use super::*;
    use crate::config::{self, UseCaseKind};

    #[test]
    fn config_parses_with_every_kind_and_the_premise_metrics() {
        let c = config::parse(CONFIG_TOML, "demo/config.toml").expect("demo config parses");
        assert!(c.use_cases.len() >= 8);
        for kind in [
            UseCaseKind::Feature,
            UseCaseKind::Pilot,
            UseCaseKind::Platform,
            UseCaseKind::Experiment,
        ] {
            assert!(c.use_cases.iter().any(|u| u.kind == kind), "{kind:?}");
        }
        for metric in ["wau", "tickets_deflected", "prs_generated"] {
            assert!(
                c.use_cases.iter().any(|u| u.metric() == Some(metric)),
                "{metric}"
            );
        }
        assert!(c.rules.iter().any(|r| r.split.is_some()));
        assert!(c.rules.iter().all(|r| r.split_by.is_none()));
        for (id, ..) in OUTCOMES {
            assert!(c.use_case(id).is_some(), "{id}");
        }
    }

    #[test]
    fn every_source_normalises_with_unique_keys() {
        let data = generate(7, NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"));
        let mut total = 0;
        for (source, records) in &data.sources {
            let rows = normalize(source, records).expect("normalises");
            let mut keys: Vec<&str> = rows.iter().map(|r| r.row_key.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), rows.len(), "{source}");
            assert!(rows.iter().all(|r| !r.unpriced), "{source}");
            total += rows.len();
        }
        assert!((30_000..=80_000).contains(&total), "{total}");
    }

    #[test]
    fn same_seed_same_rows() {
        let rows = |seed| {
            let data = generate(seed, NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"));
            let mut out = Vec::new();
            for (source, records) in &data.sources {
                out.extend(normalize(source, records).expect("normalises"));
            }
            (out, data.outcomes)
        };
        assert_eq!(rows(3), rows(3));
        assert_ne!(rows(3).0, rows(4).0);
    }
}

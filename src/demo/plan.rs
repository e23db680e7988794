//! The demo's spend plan: which provider streams exist, what each costs in the latest complete
//! month, how it grew, and the scenarios (a rollout, a hot fortnight, a retry-loop spike, a
//! price doubling). Every stream is calibrated so that its noise-free spend in the latest
//! complete month equals its target; the targets add up to the premise (docs/CONTRACTS.md,
//! "Demo dataset").

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::prices;
use super::rng::{nth_root, powi, SplitMix64};
use crate::month::Month;

/// Dates the scenarios hang on, all derived from `as_of`.
#[derive(Debug, Clone)]
pub struct Clock {
    pub as_of: NaiveDate,
    /// The latest complete month (the month before `as_of`'s).
    pub latest: Month,
    /// Every day with data: the first of 13 months before `latest` up to `as_of` inclusive.
    pub days: Vec<NaiveDate>,
    /// The flagship's per-token prices double from this day (3 months before `as_of`).
    pub price_doubled_on: NaiveDate,
    /// The retry-loop spike (9 days before `as_of`).
    pub spike_day: NaiveDate,
    /// The hot fortnight: the 14 days ending on `as_of`.
    pub hot_from: NaiveDate,
}

impl Clock {
    pub fn new(as_of: NaiveDate) -> Clock {
        let latest = Month::of(as_of).prev();
        let first = latest.plus(-13).first_day();
        let days = first.iter_days().take_while(|d| *d <= as_of).collect();
        Clock {
            as_of,
            latest,
            days,
            price_doubled_on: as_of.checked_sub_months(Months::new(3)).unwrap_or(as_of),
            spike_day: as_of.checked_sub_days(Days::new(9)).unwrap_or(as_of),
            hot_from: as_of.checked_sub_days(Days::new(13)).unwrap_or(as_of),
        }
    }

    /// Months with data: 14 complete ones and the month in progress.
    pub const MONTHS: usize = 15;
}

/// Where a stream's spend is billed.
#[derive(Debug, Clone, Copy)]
pub enum Sink {
    OpenAi {
        project: &'static str,
        key: &'static str,
        model: &'static str,
    },
    Anthropic {
        workspace: Option<&'static str>,
        keys: &'static [(&'static str, f64)],
        model: &'static str,
    },
    /// An EC2 spot usage type, its hourly rate in thousandths of a dollar, and the `use-case` tag.
    Aws {
        usage_type: &'static str,
        rate_milli: i64,
        tag: Option<&'static str>,
    },
    Modal {
        object_id: &'static str,
        app: &'static str,
        tag: &'static str,
    },
    Pinecone {
        index: &'static str,
    },
    Replicate {
        model: &'static str,
    },
}

/// One line of spend: a (provider, account, key, model) that costs money every day.
#[derive(Debug, Clone, Copy)]
pub struct Stream {
    pub id: &'static str,
    pub sink: Sink,
    /// Spend in the latest complete month, USD.
    pub target: f64,
    /// Volume growth over a year.
    pub growth: f64,
    /// Launched on the 10th of the month this many months before the latest complete month.
    pub launch: Option<i32>,
    /// Weekend volume relative to weekdays.
    pub weekend: f64,
    /// Standard deviation of the daily wobble.
    pub noise: f64,
    /// Volume multiplier from the first day of the latest complete month (a rollout).
    pub rollout: f64,
    /// Volume multiplier over the 14 days ending on as_of.
    pub hot: f64,
    /// Volume multiplier on the spike day.
    pub spike: f64,
}

const BASE: Stream = Stream {
    id: "",
    sink: Sink::Pinecone { index: "" },
    target: 0.0,
    growth: 2.0,
    launch: None,
    weekend: 0.7,
    noise: 0.08,
    rollout: 1.0,
    hot: 1.0,
    spike: 1.0,
};

const fn oa(project: &'static str, key: &'static str, model: &'static str) -> Sink {
    Sink::OpenAi {
        project,
        key,
        model,
    }
}

const fn an(
    workspace: Option<&'static str>,
    keys: &'static [(&'static str, f64)],
    model: &'static str,
) -> Sink {
    Sink::Anthropic {
        workspace,
        keys,
        model,
    }
}

/// The plan. Latest complete month: LLM APIs $22,000 (OpenAI $12,900, Anthropic $9,100),
/// embeddings + vector DB $5,000, experimentation $3,000; $1,550 of it matches no rule.
#[rustfmt::skip]
pub const STREAMS: &[Stream] = &[
    // --- OpenAI: in-app assistant (feature) ---
    Stream { id: "oa-assistant-flagship", sink: oa("proj_assistant", "key_assistant_prod", "gpt-5.5"), target: 4400.0, growth: 1.4, hot: 1.5, ..BASE },
    Stream { id: "oa-assistant-mini", sink: oa("proj_assistant", "key_assistant_prod", "gpt-5.5-mini"), target: 2600.0, growth: 2.5, hot: 1.5, ..BASE },
    Stream { id: "oa-assistant-dev", sink: oa("proj_assistant", "key_assistant_dev", "gpt-5.5-mini"), target: 400.0, growth: 2.5, weekend: 0.3, ..BASE },
    Stream { id: "oa-assistant-embed", sink: oa("proj_assistant", "key_assistant_prod", "text-embedding-3-small"), target: 300.0, growth: 2.5, ..BASE },
    // --- OpenAI: smart search (feature) ---
    Stream { id: "oa-search-embed", sink: oa("proj_search", "key_search_indexer", "text-embedding-3-large"), target: 1300.0, growth: 2.0, weekend: 1.0, noise: 0.12, ..BASE },
    // --- OpenAI: support deflection (pilot); the retry loop hits the mini model ---
    Stream { id: "oa-support-mini", sink: oa("proj_support", "key_support_bot", "gpt-5.5-mini"), target: 1900.0, launch: Some(9), weekend: 0.5, spike: 6.0, ..BASE },
    Stream { id: "oa-support-flagship", sink: oa("proj_support", "key_support_bot", "gpt-5.5"), target: 700.0, launch: Some(9), weekend: 0.5, ..BASE },
    // --- OpenAI: shared project; the sales key is the sales-assist pilot, the rest unallocated ---
    Stream { id: "oa-sales", sink: oa("proj_shared", "key_sales_bot", "gpt-5.5-mini"), target: 1300.0, launch: Some(4), growth: 2.5, rollout: 1.5, weekend: 0.3, ..BASE },
    Stream { id: "oa-internal-tools", sink: oa("proj_shared", "key_internal_tools", "gpt-5.5"), target: 500.0, growth: 2.0, weekend: 0.4, ..BASE },
    // --- OpenAI: eval platform ---
    Stream { id: "oa-evals", sink: oa("proj_platform", "key_evals", "gpt-5.5"), target: 800.0, growth: 1.5, weekend: 1.0, noise: 0.25, ..BASE },
    // --- OpenAI: default project, no rule ---
    Stream { id: "oa-default-mini", sink: oa("proj_default", "key_legacy", "gpt-5.5-mini"), target: 300.0, growth: 1.5, ..BASE },
    Stream { id: "oa-default-embed", sink: oa("proj_default", "key_legacy", "text-embedding-3-small"), target: 200.0, growth: 1.5, ..BASE },
    // --- Anthropic: document summaries (feature), rolled out to every customer in the latest month ---
    Stream {
        id: "an-docs",
        sink: an(Some("wrkspc_docs"), &[("apikey_docs_prod", 0.85), ("apikey_docs_batch", 0.15)], "claude-sonnet-4-6"),
        target: 3600.0,
        launch: Some(7),
        rollout: 2.4,
        weekend: 0.6,
        ..BASE
    },
    // --- Anthropic: code review (pilot), extended to every repository in the last fortnight ---
    Stream { id: "an-review-opus", sink: an(Some("wrkspc_eng"), &[("apikey_review_bot", 0.9), ("apikey_review_dev", 0.1)], "claude-opus-4-6"), target: 1400.0, launch: Some(5), weekend: 0.3, hot: 2.2, ..BASE },
    Stream { id: "an-review-sonnet", sink: an(Some("wrkspc_eng"), &[("apikey_review_bot", 0.85), ("apikey_review_dev", 0.15)], "claude-sonnet-4-6"), target: 1000.0, launch: Some(5), weekend: 0.3, hot: 2.2, ..BASE },
    // --- Anthropic: eval platform, search re-ranking, agent prototype, default workspace ---
    Stream { id: "an-evals", sink: an(Some("wrkspc_platform"), &[("apikey_evals_nightly", 0.7), ("apikey_evals_ci", 0.3)], "claude-sonnet-4-6"), target: 1200.0, growth: 4.0, weekend: 1.0, noise: 0.2, ..BASE },
    Stream { id: "an-search-rerank", sink: an(Some("wrkspc_search"), &[("apikey_search_rerank", 0.8), ("apikey_search_staging", 0.2)], "claude-haiku-4-5"), target: 400.0, growth: 3.0, ..BASE },
    Stream {
        id: "an-agent",
        sink: an(Some("wrkspc_labs"), &[("apikey_agent_proto", 0.7), ("apikey_agent_notebooks", 0.3)], "claude-opus-4-6"),
        target: 1100.0,
        launch: Some(3),
        noise: 0.2,
        hot: 2.0,
        ..BASE
    },
    Stream { id: "an-default", sink: an(None, &[("apikey_adhoc_scripts", 0.6), ("apikey_jupyter", 0.4)], "claude-sonnet-4-6"), target: 400.0, growth: 3.0, weekend: 0.4, ..BASE },
    // --- AWS GPU spot: fine-tuning experiments (tagged) and one untagged box ---
    Stream { id: "aws-g5-12xl", sink: Sink::Aws { usage_type: "USE1-SpotUsage:g5.12xlarge", rate_milli: 2040, tag: Some("fine-tune") }, target: 1000.0, growth: 2.2, weekend: 1.0, noise: 0.35, ..BASE },
    Stream { id: "aws-g6e-xl", sink: Sink::Aws { usage_type: "USE1-SpotUsage:g6e.xlarge", rate_milli: 620, tag: Some("fine-tune") }, target: 200.0, growth: 2.5, weekend: 1.0, noise: 0.3, ..BASE },
    Stream { id: "aws-g5-xl", sink: Sink::Aws { usage_type: "USE1-SpotUsage:g5.xlarge", rate_milli: 450, tag: None }, target: 150.0, growth: 1.5, weekend: 1.0, noise: 0.2, ..BASE },
    // --- Modal: the agent sandbox (experiment) and the eval harness (platform) ---
    Stream { id: "modal-agent", sink: Sink::Modal { object_id: "ap-7Kq2Rz8agent", app: "agent-sandbox", tag: "agent-prototype" }, target: 500.0, launch: Some(3), noise: 0.3, hot: 2.0, ..BASE },
    Stream { id: "modal-evals", sink: Sink::Modal { object_id: "ap-3Hm9Wx4evals", app: "eval-harness", tag: "evals" }, target: 400.0, growth: 3.0, weekend: 1.0, noise: 0.3, ..BASE },
    // --- Replicate: fine-tune evaluation runs ---
    Stream { id: "replicate-ft", sink: Sink::Replicate { model: "acme/llama-ft-eval" }, target: 750.0, growth: 1.8, weekend: 0.5, noise: 0.3, ..BASE },
    // --- Pinecone: shared by smart search and the assistant ---
    Stream { id: "pinecone-prod", sink: Sink::Pinecone { index: "prod-search" }, target: 2600.0, growth: 1.7, weekend: 0.9, noise: 0.05, ..BASE },
    Stream { id: "pinecone-staging", sink: Sink::Pinecone { index: "staging-search" }, target: 600.0, growth: 1.7, weekend: 0.5, noise: 0.1, ..BASE },
];

impl Stream {
    fn model(&self) -> Option<&'static str> {
        match self.sink {
            Sink::OpenAi { model, .. } | Sink::Anthropic { model, .. } => Some(model),
            _ => None,
        }
    }

    fn launch_day(&self, clock: &Clock) -> Option<NaiveDate> {
        self.launch
            .map(|m| clock.latest.plus(-m).first_day() + Days::new(9))
    }

    /// Noise-free spend on `day`, before calibration (arbitrary units).
    fn shape(&self, clock: &Clock, day: NaiveDate, daily_growth: f64) -> f64 {
        let ramp = match self.launch_day(clock) {
            Some(l) if day < l => return 0.0,
            // new use cases take 45 days to reach their users
            Some(l) => (((day - l).num_days() + 1) as f64 / 45.0).min(1.0),
            None => 1.0,
        };
        let offset = (day - clock.latest.first_day()).num_days();
        let weekday = if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            self.weekend
        } else {
            1.0
        };
        let rollout = if day >= clock.latest.first_day() {
            self.rollout
        } else {
            1.0
        };
        let hot = if day >= clock.hot_from { self.hot } else { 1.0 };
        let price = self
            .model()
            .map(|m| prices::multiplier(m, day, clock.price_doubled_on))
            .unwrap_or(1);
        ramp * powi(daily_growth, offset) * weekday * rollout * hot * f64::from(price)
    }

    /// Spend per day of `clock.days`, USD.
    pub fn daily_spend(&self, clock: &Clock, seed: u64) -> Vec<f64> {
        let g = nth_root(self.growth, 365);
        let shape: Vec<f64> = clock
            .days
            .iter()
            .map(|d| self.shape(clock, *d, g))
            .collect();
        let in_latest: f64 = clock
            .days
            .iter()
            .zip(&shape)
            .filter(|(d, _)| Month::of(**d) == clock.latest)
            .map(|(_, s)| s)
            .sum();
        let base = if in_latest > 0.0 {
            self.target / in_latest
        } else {
            0.0
        };
        let mut rng = SplitMix64::for_stream(seed, self.id);
        clock
            .days
            .iter()
            .zip(shape)
            .map(|(d, s)| {
                let wobble = rng.jitter(self.noise);
                let spike = if *d == clock.spike_day {
                    self.spike
                } else {
                    1.0
                };
                base * s * wobble * spike
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn clock_spans_fourteen_months_and_the_current_one() {
        let c = Clock::new(day("2026-11-20"));
        assert_eq!(c.latest.to_string(), "2026-10");
        assert_eq!(c.days.first().copied(), Some(day("2025-09-01")));
        assert_eq!(c.days.last().copied(), Some(day("2026-11-20")));
        assert_eq!(c.price_doubled_on, day("2026-08-20"));
        assert_eq!(c.spike_day, day("2026-11-11"));
    }

    #[test]
    fn targets_add_up_to_the_premise() {
        let total: f64 = STREAMS.iter().map(|s| s.target).sum();
        assert!((total - 30_000.0).abs() < 1e-6, "{total}");
        let mut ids: Vec<&str> = STREAMS.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), STREAMS.len());
    }

    #[test]
    fn calibration_hits_the_target() {
        let c = Clock::new(day("2026-11-20"));
        for s in STREAMS {
            let quiet = Stream {
                noise: 0.0,
                spike: 1.0,
                ..*s
            };
            let spend = quiet.daily_spend(&c, 1);
            let latest: f64 = c
                .days
                .iter()
                .zip(&spend)
                .filter(|(d, _)| Month::of(**d) == c.latest)
                .map(|(_, v)| v)
                .sum();
            assert!((latest - s.target).abs() < 1e-6);
        }
    }
}

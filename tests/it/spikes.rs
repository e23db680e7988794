//! Spikes (C9): the exact volume/price/mix decomposition on hand-made days, the robust rule on
//! small ledgers, the demo's retry-loop spike, and the CLI's JSON.

use super::common::openai_day;
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde_json::Value;
use tollgate::config::{self, Config};
use tollgate::normalize::LedgerRow;
use tollgate::spikes::{decompose, spikes, Cell};
use tollgate::store::{IngestScope, Store};

use super::common::Env;

fn d(s: &str) -> Decimal {
    tollgate::money::parse(s).expect("decimal")
}

fn cell(group: &str, c0: &str, q0: &str, c1: &str, q1: &str) -> Cell {
    Cell {
        group: group.to_string(),
        baseline_cost: d(c0),
        baseline_quantity: d(q0),
        day_cost: d(c1),
        day_quantity: d(q1),
    }
}

fn change(cells: &[Cell]) -> Decimal {
    cells.iter().map(|c| c.day_cost - c.baseline_cost).sum()
}

#[test]
fn pure_volume_change_is_all_volume() {
    // Two models at $1 and $3 per token unit, both doubling: $50 -> $100.
    let cells = [
        cell("Tokens", "20", "20", "40", "40"),
        cell("Tokens", "30", "10", "60", "20"),
    ];
    let e = decompose(&cells);
    assert_eq!((e.volume, e.price, e.mix), (d("50"), d("0"), d("0")));
    assert_eq!(e.total(), change(&cells));
}

#[test]
fn pure_price_change_is_all_price() {
    // Same tokens, the $3 model doubles its price: +$30.
    let cells = [
        cell("Tokens", "20", "20", "20", "20"),
        cell("Tokens", "30", "10", "60", "10"),
    ];
    let e = decompose(&cells);
    assert_eq!((e.volume, e.price, e.mix), (d("0"), d("30"), d("0")));
}

#[test]
fn pure_mix_shift_is_all_mix() {
    // 30 tokens in both; 10 move from the $1 model to the $3 one: +$20.
    let cells = [
        cell("Tokens", "20", "20", "10", "10"),
        cell("Tokens", "30", "10", "60", "20"),
    ];
    let e = decompose(&cells);
    assert_eq!((e.volume, e.price, e.mix), (d("0"), d("0"), d("20")));
}

#[test]
fn all_three_at_once_add_up_exactly() {
    // Baseline: A 20 tokens at $1, B 10 at $3 (total 30 tokens, $50).
    // Day: A 15 at $1.20 = $18, B 30 at $4 = $120 (total 45 tokens, $138). Change +$88.
    // volume = 50 x (45/30 - 1) = 25; at baseline prices the day costs 15 + 90 = 105, so
    // mix = 105 - 50 - 25 = 30; price = 138 - 105 = 33 (A +0.20 x 15 = 3, B +1 x 30 = 30).
    let cells = [
        cell("Tokens", "20", "20", "18", "15"),
        cell("Tokens", "30", "10", "120", "30"),
    ];
    let e = decompose(&cells);
    assert_eq!((e.volume, e.price, e.mix), (d("25"), d("33"), d("30")));
    assert_eq!(e.total(), d("88"));
    // Awkward fractions still add up, and round to the cent without losing one.
    let cells = [
        cell("Tokens", "10", "3", "7.77", "7"),
        cell("Tokens", "0.01", "11", "3.33", "1"),
        cell("Hours", "5", "0.7", "0", "0"),
        cell("USD", "1", "1", "2.5", "2.5"),
    ];
    let e = decompose(&cells);
    let exact = change(&cells);
    assert!((e.total() - exact).abs() < d("0.0000000001"), "{e:?}");
    let r = e.to_cents(d("-2.41"));
    assert_eq!(r.volume + r.price + r.mix, d("-2.41"));
}

use super::common::BOT_SEARCH_CONFIG as CONFIG;

fn config() -> Config {
    config::parse(CONFIG, "spikes.toml").expect("config")
}

/// An OpenAI-like token row: `tokens` at `usd_per_token`.
fn token_row(
    day: NaiveDate,
    sub: &str,
    model: &str,
    tokens: i64,
    usd_per_token: &str,
    i: usize,
) -> LedgerRow {
    let start = day.and_hms_opt(0, 0, 0).expect("t");
    let cost = Decimal::from(tokens) * d(usd_per_token);
    let mut r = openai_day(start, cost, &[sub, model, &i.to_string()]);
    r.sub_account_id = Some(sub.to_string());
    r.model = Some(model.to_string());
    r.token_type = Some("input".to_string());
    r.consumed_quantity = Some(Decimal::from(tokens));
    r.consumed_unit = Some("Tokens".to_string());
    r.requests = Some(tokens / 100);
    r
}

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).expect("date")
}

fn nth(n: u64) -> NaiveDate {
    day0().checked_add_days(Days::new(n)).expect("date")
}

/// 60 days from 2026-09-01: the bot spends $100 a day (100,000 tokens at $0.001), search $40;
/// `bot_tokens` overrides the bot's tokens on some days.
fn rows_with(bot_tokens: impl Fn(u64) -> i64) -> Vec<LedgerRow> {
    let mut rows = Vec::new();
    for n in 0..60 {
        let t = bot_tokens(n);
        rows.push(token_row(nth(n), "proj_bot", "gpt-mini", t, "0.001", 0));
        rows.push(token_row(
            nth(n),
            "proj_search",
            "gpt-big",
            10_000,
            "0.004",
            1,
        ));
    }
    rows
}

fn ingest(store: &Store, rows: &[LedgerRow]) {
    let scope = IngestScope::Source {
        source: "openai".into(),
    };
    store.ingest_rows(&scope, rows).expect("ingest");
}

fn store_with(bot_tokens: impl Fn(u64) -> i64) -> Store {
    let store = Store::open_in_memory().expect("store");
    ingest(&store, &rows_with(bot_tokens));
    store
}

#[test]
fn a_flat_series_has_no_spikes() {
    let store = store_with(|_| 100_000);
    let r = spikes(&store, &config(), nth(59), None).expect("spikes");
    assert!(r.spikes.is_empty(), "{:?}", r.spikes);
}

#[test]
fn one_injected_spike_is_flagged_on_its_day_as_volume() {
    // Day 50: the bot sends 4x the tokens: $400 against a $100 baseline.
    let store = store_with(|n| if n == 50 { 400_000 } else { 100_000 });
    let r = spikes(&store, &config(), nth(59), None).expect("spikes");
    assert_eq!(r.spikes.len(), 1, "{:?}", r.spikes);
    let s = &r.spikes[0];
    assert_eq!((s.use_case.as_str(), s.day), ("bot", nth(50)));
    assert_eq!(
        (s.cost, s.baseline, s.change),
        (d("400"), d("100"), d("300"))
    );
    assert_eq!(
        (s.volume_effect, s.price_effect, s.mix_effect),
        (d("300"), d("0"), d("0"))
    );
    assert_eq!(s.top_rows[0].key, "bot/OpenAI/gpt-mini");
    assert_eq!(
        (s.top_rows[0].baseline_cost, s.top_rows[0].day_cost),
        (d("100"), d("400"))
    );
    // Days after the spike keep their $100 baseline (the spike day is left out of it) and
    // are not flagged; one use case can be asked for alone.
    let only_search = spikes(&store, &config(), nth(59), Some("search")).expect("spikes");
    assert!(only_search.spikes.is_empty());
}

#[test]
fn no_flags_without_enough_history() {
    // The spike comes on day 10: fewer than 14 days of history.
    let store = store_with(|n| if n == 10 { 400_000 } else { 100_000 });
    let r = spikes(&store, &config(), nth(20), None).expect("spikes");
    assert!(r.spikes.is_empty(), "{:?}", r.spikes);
}

#[test]
fn the_demo_retry_loop_is_flagged_as_mostly_volume() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("demo.duckdb")).expect("open");
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    tollgate::demo::write(&store, 42, as_of).expect("demo");
    let text = store.setting("config_toml").expect("s").expect("config");
    let cfg = config::parse(&text, "demo").expect("config");
    let r = spikes(&store, &cfg, as_of, Some("support-deflection")).expect("spikes");
    let day = NaiveDate::from_ymd_opt(2026, 11, 11).expect("date");
    let s = r
        .spikes
        .iter()
        .find(|s| s.day == day)
        .unwrap_or_else(|| panic!("no spike on {day}: {:?}", r.spikes));
    assert_eq!(s.volume_effect + s.price_effect + s.mix_effect, s.change);
    assert_eq!(s.cost - s.baseline, s.change);
    assert_eq!(s.main_effect(), "volume");
    assert!(s.volume_effect > s.change / Decimal::TWO, "{s:?}");
    assert!(s.price_effect.abs() < Decimal::ONE, "{s:?}");
    assert!(s.top_rows[0].item.starts_with("gpt-5.5-mini"), "{s:?}");
    // The retry loop is the only spike of support-deflection in the last 30 days.
    assert_eq!(r.spikes.len(), 1, "{:?}", r.spikes);
}

#[test]
fn cli_prints_the_json_contract() {
    let env = Env::new();
    let cfg = env.write("tollgate.toml", CONFIG);
    {
        let store = Store::open(&env.db()).expect("open");
        ingest(
            &store,
            &rows_with(|n| if n == 50 { 400_000 } else { 100_000 }),
        );
    }
    let out = env
        .cmd()
        .args(["--db"])
        .arg(env.db())
        .arg("--config")
        .arg(&cfg)
        .args(["spikes", "--json"])
        .env("TOLLGATE_TODAY", "2026-10-30")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(v["as_of"], "2026-10-30");
    let s = &v["spikes"][0];
    assert_eq!(s["use_case"], "bot");
    assert_eq!(s["day"], "2026-10-21");
    for (k, want) in [
        ("cost", "400.00"),
        ("baseline", "100.00"),
        ("change", "300.00"),
        ("volume_effect", "300.00"),
        ("price_effect", "0.00"),
        ("mix_effect", "0.00"),
    ] {
        assert_eq!(s[k].to_string(), want, "{k}");
    }
    assert!(s["z_score"].is_number());
    assert!(s["top_rows"].as_array().is_some_and(|r| !r.is_empty()));

    env.cmd()
        .arg("--db")
        .arg(env.db())
        .arg("--config")
        .arg(&cfg)
        .args(["spikes", "--use-case", "nope"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("no use case 'nope'"));
}

// ---- level shifts, ramps and weekly seasonality (synthetic series) -----------------------

/// The event's kind as `tollgate spikes --json` prints it.
fn kind(s: &tollgate::spikes::Spike) -> String {
    serde_json::to_value(s).expect("json")["kind"]
        .as_str()
        .unwrap_or("(none)")
        .to_string()
}

/// The bot's events (search stays flat at $40 a day in every series below).
fn bot_events(bot_tokens: impl Fn(u64) -> i64) -> Vec<tollgate::spikes::Spike> {
    let store = store_with(bot_tokens);
    let r = spikes(&store, &config(), nth(59), None).expect("spikes");
    assert!(
        r.spikes.iter().all(|s| s.use_case == "bot"),
        "{:?}",
        r.spikes
    );
    r.spikes
}

#[test]
fn a_single_day_spike_is_one_spike_event() {
    let events = bot_events(|n| if n == 50 { 400_000 } else { 100_000 });
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        (events[0].day, kind(&events[0]).as_str()),
        (nth(50), "spike")
    );
}

#[test]
fn a_step_up_is_one_level_shift_not_a_spike_a_day() {
    // From day 45 the bot runs at $150 a day instead of $100, and stays there.
    let events = bot_events(|n| if n >= 45 { 150_000 } else { 100_000 });
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!((e.day, kind(e).as_str()), (nth(45), "level_shift"));
    let v = serde_json::to_value(e).expect("json");
    assert_eq!(v["level_change_pct"].to_string(), "50.0");
    assert_eq!(v["level"].to_string(), "150.00");
    assert_eq!(v["through"], "2026-10-30");
    // The first day of the new level explains itself like a spike: all volume.
    assert_eq!(
        (e.change, e.volume_effect, e.price_effect, e.mix_effect),
        (d("50"), d("50"), d("0"), d("0"))
    );
}

#[test]
fn a_spike_on_a_new_level_is_measured_against_the_new_level() {
    // A step on day 40, then a 3x day on day 55: the level shift, then one spike whose
    // baseline is the new level ($150), not the old one.
    let events = bot_events(|n| match n {
        55 => 450_000,
        n if n >= 40 => 150_000,
        _ => 100_000,
    });
    let kinds: Vec<(NaiveDate, String)> = events.iter().map(|e| (e.day, kind(e))).collect();
    assert_eq!(
        kinds,
        [
            (nth(40), "level_shift".to_string()),
            (nth(55), "spike".to_string())
        ]
    );
    assert_eq!((events[1].baseline, events[1].change), (d("150"), d("300")));
}

#[test]
fn a_steady_ramp_is_not_flagged() {
    // 2% more every day, compounding: the bot goes from $100 to $325 over the 60 days.
    let events = bot_events(|n| (100_000.0 * 1.02f64.powi(n as i32)).round() as i64);
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn weekly_seasonality_is_not_flagged_but_a_weekend_spike_is() {
    // Busy weekends (twice the weekday volume) and quiet ones (a third of it).
    let weekend = |n: u64| {
        use chrono::Datelike;
        nth(n).weekday().number_from_monday() >= 6
    };
    let busy = bot_events(|n| if weekend(n) { 200_000 } else { 100_000 });
    assert!(busy.is_empty(), "{busy:?}");
    let quiet = bot_events(|n| if weekend(n) { 30_000 } else { 100_000 });
    assert!(quiet.is_empty(), "{quiet:?}");
    // A weekend at 4x its usual volume is still a spike.
    let spike_day = (50..60).find(|n| weekend(*n)).expect("a weekend day");
    let events = bot_events(|n| match n {
        n if n == spike_day => 800_000,
        n if weekend(n) => 200_000,
        _ => 100_000,
    });
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        (events[0].day, kind(&events[0]).as_str()),
        (nth(spike_day), "spike")
    );
}

// ---- the decomposition groups only quantities that can be added --------------------------

/// The bot's rows: chat tokens on two models (`mini` at $0.001, `big` at $0.004 a token) and
/// embedding tokens (cheap and plentiful: 5M at $0.000002 = $10), per day.
fn bot_mix(mini: impl Fn(u64) -> i64, big: impl Fn(u64) -> i64) -> Store {
    let mut rows = Vec::new();
    for n in 0..60 {
        rows.push(token_row(
            nth(n),
            "proj_bot",
            "gpt-mini",
            mini(n),
            "0.001",
            0,
        ));
        rows.push(token_row(nth(n), "proj_bot", "gpt-big", big(n), "0.004", 1));
        rows.push(token_row(
            nth(n),
            "proj_bot",
            "text-embedding-3-small",
            5_000_000,
            "0.000002",
            2,
        ));
    }
    let store = Store::open_in_memory().expect("store");
    ingest(&store, &rows);
    store
}

fn only_spike(store: &Store) -> tollgate::spikes::Spike {
    let r = spikes(store, &config(), nth(59), None).expect("spikes");
    assert_eq!(r.spikes.len(), 1, "{:?}", r.spikes);
    r.spikes[0].clone()
}

#[test]
fn chat_growing_beside_flat_embeddings_is_volume_not_mix() {
    // Day 50: both chat models +50% ($100 + $40 -> $150 + $60); embeddings stay at $10.
    // Counted in raw tokens the 5M embedding tokens hide the growth (+1.4% of all tokens)
    // and the rest reads as mix; by kind of token it is all volume.
    let s = only_spike(&bot_mix(
        |n| if n == 50 { 150_000 } else { 100_000 },
        |n| if n == 50 { 15_000 } else { 10_000 },
    ));
    assert_eq!(
        (s.baseline, s.cost, s.change),
        (d("150"), d("220"), d("70"))
    );
    assert_eq!(
        (s.volume_effect, s.price_effect, s.mix_effect),
        (d("70"), d("0"), d("0"))
    );
    assert_eq!(s.main_effect(), "volume");
}

#[test]
fn a_shift_to_a_dearer_model_is_mix() {
    // Day 50: the same 110,000 chat tokens, 30,000 of them moved from mini to big:
    // $100 + $40 -> $70 + $160 (+$90), embeddings flat.
    let s = only_spike(&bot_mix(
        |n| if n == 50 { 70_000 } else { 100_000 },
        |n| if n == 50 { 40_000 } else { 10_000 },
    ));
    assert_eq!(
        (s.volume_effect, s.price_effect, s.mix_effect),
        (d("0"), d("0"), d("90"))
    );
    assert_eq!(s.main_effect(), "mix");
}

#[test]
fn the_three_parts_add_up_to_the_change_exactly() {
    // Awkward amounts: volume, mix and a price change at once, and cents to round.
    let mut rows = Vec::new();
    for n in 0..60 {
        let spike = n == 50;
        let mini = if spike {
            123_457
        } else {
            100_003 + (n as i64 % 7) * 11
        };
        let big = if spike { 31_111 } else { 9_999 };
        let big_price = if spike { "0.0051237" } else { "0.0040001" };
        rows.push(token_row(
            nth(n),
            "proj_bot",
            "gpt-mini",
            mini,
            "0.0010007",
            0,
        ));
        rows.push(token_row(nth(n), "proj_bot", "gpt-big", big, big_price, 1));
        rows.push(token_row(
            nth(n),
            "proj_bot",
            "text-embedding-3-small",
            4_999_999 + n as i64,
            "0.0000021",
            2,
        ));
    }
    let store = Store::open_in_memory().expect("store");
    ingest(&store, &rows);
    let s = only_spike(&store);
    assert_eq!(s.cost - s.baseline, s.change);
    assert_eq!(
        s.volume_effect + s.price_effect + s.mix_effect,
        s.change,
        "{s:?}"
    );
    assert!(
        s.price_effect > Decimal::ZERO && s.mix_effect > Decimal::ZERO,
        "{s:?}"
    );
    for v in [s.volume_effect, s.price_effect, s.mix_effect] {
        assert_eq!(v, v.round_dp(2));
    }
}

#[test]
fn the_demo_assistant_step_is_one_level_shift_of_volume() {
    // The demo's hot fortnight: the assistant's chat volume steps up 1.5x for the 14 days
    // ending on the as-of date. One level-shift event, mostly volume, no daily spikes after it.
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("demo.duckdb")).expect("open");
    let as_of = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
    tollgate::demo::write(&store, 42, as_of).expect("demo");
    let text = store.setting("config_toml").expect("s").expect("config");
    let cfg = config::parse(&text, "demo").expect("config");
    let r = spikes(&store, &cfg, as_of, Some("assistant")).expect("spikes");
    let hot_from = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let hot: Vec<_> = r.spikes.iter().filter(|s| s.day >= hot_from).collect();
    assert_eq!(hot.len(), 1, "{hot:?}");
    assert_eq!(kind(hot[0]), "level_shift", "{:?}", hot[0]);
    assert_eq!(hot[0].main_effect(), "volume", "{:?}", hot[0]);
}

//! `tollgate forecast`: the model on synthetic series with known growth and noise, targets,
//! the back-test, what-if scenarios, and the CLI's JSON contract and errors.

use chrono::NaiveDate;
use rust_decimal::prelude::*;
use serde_json::Value;
use tollgate::config::Config;
use tollgate::forecast::{self, Forecast, Scenario};
use tollgate::month::Month;
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::store::{IngestScope, Store};

use super::common::*;

const TODAY: &str = "2026-11-15";

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date")
}

fn month(s: &str) -> Month {
    s.parse().expect("month")
}

fn usd(v: f64) -> Decimal {
    Decimal::from_f64(v).expect("decimal").round_dp(2)
}

fn f(d: Decimal) -> f64 {
    d.to_f64().expect("f64")
}

fn row(provider: &str, model: Option<&str>, day: NaiveDate, cost: Decimal) -> LedgerRow {
    let start = day.and_hms_opt(0, 0, 0).expect("t");
    let mut r = LedgerRow::new(
        Charge {
            source: "synthetic",
            provider,
            service: provider,
            service_category: "AI and Machine Learning",
            service_subcategory: None,
            start,
            end: start + chrono::Duration::days(1),
            cost,
        },
        &[model.unwrap_or("-")],
    );
    r.model = model.map(str::to_string);
    r
}

/// A deterministic multiplicative noise in [-amp, +amp] (an LCG, so the test needs no crate).
fn noise(seed: &mut u64, amp: f64) -> f64 {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let u = (*seed >> 11) as f64 / (1u64 << 53) as f64;
    1.0 + amp * (2.0 * u - 1.0)
}

/// `months` complete months ending with 2026-10 (the month before TODAY), month k costing
/// `base * (1 + growth)^k * noise`, split 70/30 between OpenAI gpt-4o and Anthropic; plus a
/// partial month before the first and rows in the month in progress, which must both be ignored.
fn ledger(store: &Store, months: i32, base: f64, growth: f64, amp: f64) -> Vec<f64> {
    let first = month("2026-10").plus(1 - months);
    let mut seed = 7;
    let mut rows = Vec::new();
    let mut totals = Vec::new();
    for k in 0..months {
        let day = first.plus(k).first_day();
        let total = base * (1.0 + growth).powi(k) * noise(&mut seed, amp);
        let openai = usd(total * 0.7);
        let anthropic = usd(total) - openai;
        totals.push(f(openai + anthropic));
        rows.push(row("OpenAI", Some("gpt-4o-2024-08-06"), day, openai));
        rows.push(row("Anthropic", Some("claude-sonnet-4"), day, anthropic));
    }
    let partial = first.prev().first_day() + chrono::Duration::days(19);
    rows.push(row("OpenAI", Some("gpt-4o"), partial, usd(base * 0.3)));
    rows.push(row("OpenAI", Some("gpt-4o"), today(), usd(base * 0.2)));
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "synthetic".into(),
            },
            &rows,
        )
        .expect("ingest");
    totals
}

fn forecast_of(store: &Store, scenarios: &[Scenario]) -> Forecast {
    forecast::run(store, &Config::default(), today(), scenarios).expect("forecast")
}

fn p50s(fc: &Forecast) -> Vec<f64> {
    fc.forecast.iter().map(|b| f(b.p50)).collect()
}

#[test]
fn history_is_complete_months_and_forecast_the_next_twelve() {
    let store = Store::open_in_memory().expect("store");
    let totals = ledger(&store, 12, 10_000.0, 0.1, 0.0);
    let fc = forecast_of(&store, &[]);
    assert_eq!(fc.method, "log_linear_trend");
    let months: Vec<String> = fc.history.iter().map(|h| h.month.to_string()).collect();
    assert_eq!(months.first().map(String::as_str), Some("2025-11"));
    assert_eq!(months.last().map(String::as_str), Some("2026-10"));
    assert_eq!(months.len(), 12, "the partial first month is dropped");
    let history: Vec<f64> = fc.history.iter().map(|h| f(h.cost)).collect();
    assert_eq!(history, totals);
    assert_eq!(fc.forecast.len(), 12);
    assert_eq!(fc.forecast[0].month, month("2026-11"));
    assert_eq!(fc.forecast[11].month, month("2027-10"));
    assert!(fc.scenarios_applied.is_empty());
}

/// cost_k = 10,000 x 1.1^k for k = 0 (2025-11) .. 11 (2026-10); forecast month h is k = 12 + h.
/// $50K: 1.1^k >= 5 first at k = 17 (50,544.73) -> 2027-04. $80K: 1.1^k >= 8 first at k = 22
/// (81,402.50) -> 2027-09. December 2026 (k = 13) is 34,522.71: below $50K for certain.
#[test]
fn noise_free_series_crossings_by_hand() {
    let store = Store::open_in_memory().expect("store");
    ledger(&store, 12, 10_000.0, 0.1, 0.0);
    let mut config = Config::default();
    config.forecast.targets = vec![
        Decimal::from(50_000),
        Decimal::from(80_000),
        Decimal::from(30_000),
        Decimal::from(500_000),
    ];
    let fc = forecast::run(&store, &config, today(), &[]).expect("forecast");
    let p50 = p50s(&fc);
    for (h, p) in p50.iter().enumerate() {
        let expected = 10_000.0 * 1.1f64.powi(12 + h as i32);
        assert!((p - expected).abs() < 0.02, "month {h}: {p} vs {expected}");
    }
    let crossing: Vec<Option<String>> = fc
        .targets
        .iter()
        .map(|t| t.month_p50.map(|m| m.to_string()))
        .collect();
    assert_eq!(
        crossing,
        [
            Some("2027-04".to_string()),
            Some("2027-09".to_string()),
            Some("2026-11".to_string()),
            None
        ]
    );
    let probs: Vec<f64> = fc
        .targets
        .iter()
        .map(|t| t.probability_by_year_end)
        .collect();
    assert_eq!(probs, [0.0, 0.0, 1.0, 0.0]);
    assert!(fc.backtest_mape.expect("mape") < 1e-6);
    // Noise free (up to cents): no residual spread, so the band is the median.
    assert!(fc
        .forecast
        .iter()
        .all(|b| f(b.p90 - b.p10) / f(b.p50) < 1e-5));
}

#[test]
fn recovers_growth_with_noise_and_the_band_widens() {
    let store = Store::open_in_memory().expect("store");
    ledger(&store, 14, 8_000.0, 0.10, 0.06);
    let fc = forecast_of(&store, &[]);
    let p50 = p50s(&fc);
    let growth = p50[1] / p50[0] - 1.0;
    assert!((growth - 0.10).abs() < 0.015, "growth {growth}");
    let mut last_width = 0.0;
    for b in &fc.forecast {
        assert!(b.p10 < b.p50 && b.p50 < b.p90, "{b:?}");
        let width = f(b.p90) / f(b.p10);
        assert!(width > last_width, "relative width grows: {b:?}");
        last_width = width;
    }
    let mape = fc.backtest_mape.expect("mape");
    assert!(mape > 0.0 && mape < 0.08, "mape {mape}");
}

#[test]
fn probability_near_one_and_near_zero() {
    let store = Store::open_in_memory().expect("store");
    ledger(&store, 14, 8_000.0, 0.10, 0.06);
    let mut config = Config::default();
    config.forecast.targets = vec![Decimal::from(5_000), Decimal::from(500_000)];
    let fc = forecast::run(&store, &config, today(), &[]).expect("forecast");
    assert!(fc.targets[0].probability_by_year_end > 0.99);
    assert_eq!(fc.targets[0].month_p50, Some(month("2026-11")));
    assert!(fc.targets[1].probability_by_year_end < 0.01);
    assert_eq!(fc.targets[1].month_p50, None);
    // The December median, by construction, has a probability of one half.
    let december = fc.forecast[1].p50;
    config.forecast.targets = vec![december];
    let fc = forecast::run(&store, &config, today(), &[]).expect("forecast");
    assert!((fc.targets[0].probability_by_year_end - 0.5).abs() < 0.01);
}

#[test]
fn backtest_needs_seven_months() {
    let store = Store::open_in_memory().expect("store");
    ledger(&store, 6, 1_000.0, 0.05, 0.02);
    assert_eq!(forecast_of(&store, &[]).backtest_mape, None);
    let store = Store::open_in_memory().expect("store");
    ledger(&store, 7, 1_000.0, 0.05, 0.02);
    assert!(forecast_of(&store, &[]).backtest_mape.is_some());
}

#[test]
fn short_and_empty_histories() {
    let store = Store::open_in_memory().expect("store");
    let fc = forecast_of(&store, &[]);
    assert_eq!(fc.method, "none");
    assert!(fc.history.is_empty() && fc.forecast.is_empty());
    assert_eq!(fc.targets.len(), 2);
    assert!(fc.targets.iter().all(|t| t.month_p50.is_none()));

    ledger(&store, 2, 1_000.0, 0.5, 0.0);
    let fc = forecast_of(&store, &[]);
    assert_eq!(fc.method, "naive_last_month");
    assert!(fc.forecast.iter().all(|b| f(b.p50) == 1_500.0));
}

#[test]
fn price_change_scales_the_matching_share() {
    let store = Store::open_in_memory().expect("store");
    ledger(&store, 12, 10_000.0, 0.1, 0.0);
    let base = p50s(&forecast_of(&store, &[]));
    // Anthropic is 30% of October's spend: +100% from 2027-01-01 raises p50 by 30% from January.
    let doubled = Scenario::PriceChange {
        provider: Some("anthropic".into()),
        model: None,
        from: NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"),
        pct: Decimal::from(100),
    };
    let fc = forecast_of(&store, std::slice::from_ref(&doubled));
    for (h, (a, b)) in p50s(&fc).iter().zip(&base).enumerate() {
        let expected = if h >= 2 { b * 1.3 } else { *b };
        assert!((a - expected).abs() < 0.05, "month {h}: {a} vs {expected}");
    }
    assert_eq!(fc.scenarios_applied.len(), 1);
    assert!(
        fc.scenarios_applied[0].contains("30.0% of 2026-10 spend"),
        "{:?}",
        fc.scenarios_applied
    );
    // A model matches its dated snapshots: gpt-4o is OpenAI's 70%.
    let gpt = Scenario::PriceChange {
        provider: Some("OpenAI".into()),
        model: Some("gpt-4o".into()),
        from: NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        pct: Decimal::from(-50),
    };
    let fc = forecast_of(&store, &[gpt]);
    assert!((p50s(&fc)[0] - base[0] * 0.65).abs() < 0.05);
    // The crossing of $50K moves earlier with the doubling (2027-04 -> 2027-02: 1.1^15 x 1.3 = 5.4).
    let fc = forecast_of(&store, &[doubled]);
    assert_eq!(fc.targets[0].month_p50, Some(month("2027-02")));
}

#[test]
fn growth_override_replaces_the_fitted_growth() {
    let store = Store::open_in_memory().expect("store");
    ledger(&store, 12, 10_000.0, 0.1, 0.0);
    let fc = forecast_of(
        &store,
        &[Scenario::Growth {
            monthly_pct: Decimal::from(5),
        }],
    );
    let p50 = p50s(&fc);
    let october = 10_000.0 * 1.1f64.powi(11);
    assert!((p50[0] - october * 1.05).abs() < 0.05);
    for w in p50.windows(2) {
        assert!((w[1] / w[0] - 1.05).abs() < 1e-6);
    }
    assert!(fc.scenarios_applied[0].contains("+5%/month"));
    assert!(fc.scenarios_applied[0].contains("+10%/month"));
}

fn cli_env() -> Env {
    let env = Env::new();
    let store = Store::open(&env.db()).expect("open");
    ledger(&store, 14, 8_000.0, 0.10, 0.06);
    env
}

#[test]
fn cli_json_contract() {
    let env = cli_env();
    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .args(["forecast", "--json"])
        .env("TOLLGATE_TODAY", TODAY)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "method",
        "history",
        "forecast",
        "targets",
        "backtest_mape",
        "scenarios_applied",
    ] {
        assert!(keys.contains(&k), "{k} in {keys:?}");
    }
    assert_eq!(v["method"], "log_linear_trend");
    assert_eq!(v["history"][0]["month"], "2025-09");
    assert!(v["history"][0]["cost"].is_number());
    assert_eq!(v["forecast"].as_array().expect("forecast").len(), 12);
    let band = &v["forecast"][0];
    assert_eq!(band["month"], "2026-11");
    for k in ["p10", "p50", "p90"] {
        assert!(band[k].is_number(), "{k}");
    }
    assert_eq!(v["targets"][0]["usd"].as_f64(), Some(50_000.0));
    assert!(v["targets"][0]["month_p50"].is_string());
    assert!(v["targets"][0]["probability_by_year_end"].is_number());
    assert!(v["backtest_mape"].is_number());

    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .args([
            "forecast",
            "--json",
            "--price-change",
            "OpenAI:gpt-4o=+100%@2026-12-01",
            "--growth",
            "-2%",
        ])
        .env("TOLLGATE_TODAY", TODAY)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["scenarios_applied"].as_array().expect("applied").len(), 2);
}

#[test]
fn cli_table_has_a_chart_and_the_targets() {
    let env = cli_env();
    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .arg("forecast")
        .env("TOLLGATE_TODAY", TODAY)
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("log-linear trend"), "{text}");
    assert!(text.contains("one-step-ahead MAPE"), "{text}");
    assert!(text.contains("2026-11*"), "{text}");
    assert!(text.contains('▒') && text.contains('█'), "{text}");
    assert!(text.contains("$50,000.00/month"), "{text}");
}

#[test]
fn cli_bad_scenarios_are_usage_errors() {
    let env = Env::new();
    for (flag, value, says) in [
        ("--price-change", "OpenAI=+100%", "missing '@YYYY-MM-DD'"),
        ("--price-change", "OpenAI@2026-12-01", "missing '=+PCT%'"),
        (
            "--price-change",
            "OpenAI=double@2026-12-01",
            "not a percentage",
        ),
        ("--price-change", "OpenAI=+100%@2026-12-41", "is not a date"),
        ("--growth", "fast", "write the monthly growth in percent"),
    ] {
        let out = env
            .cmd()
            .arg("--db")
            .arg(env.db())
            .args(["forecast", flag, value])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{flag} {value}: {err}");
    }
}

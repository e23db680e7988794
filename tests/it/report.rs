//! `tollgate report`: the JSON contract (docs/CONTRACTS.md, "report --json") and allocation that
//! adds up.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use tollgate::normalize::{Charge, LedgerRow};
use tollgate::store::{IngestScope, Store};

use super::common::*;

const CONFIG: &str = r#"
[[use_cases]]
id = "search"
name = "Smart search"
kind = "feature"
outcome = "wau"

[[use_cases]]
id = "support"
name = "Support deflection"
kind = "pilot"
outcome = "tickets_deflected"

[[use_cases]]
id = "platform"
name = "Shared platform"
kind = "platform"

[[rules]]
use_case = "search"
match = { source = "openai", sub_account = "proj_search" }

[[rules]]
use_case = "support"
match = { tag = "team=support" }

[[rules]]
use_case = "platform"
match = { tag = "env=prod" }

[[rules]]
split = { search = 0.333333, support = 0.333333, platform = 0.333334 }
match = { provider = "Pinecone" }
"#;

fn charge_row(
    source: &str,
    provider: &str,
    day: NaiveDate,
    cost: Decimal,
    sub: &str,
    tags: &[(&str, &str)],
    i: usize,
) -> LedgerRow {
    let start = day.and_hms_opt(0, 0, 0).expect("t");
    let mut r = LedgerRow::new(
        Charge {
            source,
            provider,
            service: provider,
            service_category: if provider == "Pinecone" {
                "Databases"
            } else {
                "AI and Machine Learning"
            },
            service_subcategory: None,
            start,
            end: start + chrono::Duration::days(1),
            cost,
        },
        &[sub, &i.to_string()],
    );
    r.sub_account_id = Some(sub.to_string());
    r.tags = tags
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    r
}

/// Awkward amounts (sub-cent, thirds) over two months, several sources.
fn fixture(env: &Env) -> Store {
    let store = Store::open(&env.db()).expect("open");
    let mut openai = Vec::new();
    let mut pinecone = Vec::new();
    let mut other = Vec::new();
    let mut i = 0;
    for (month, days) in [(9u32, 30u32), (10, 31)] {
        for d in 1..=days {
            let day = NaiveDate::from_ymd_opt(2026, month, d).expect("day");
            let scale = Decimal::from(month - 8);
            openai.push(charge_row(
                "openai",
                "OpenAI",
                day,
                Decimal::new(1234567, 6) * scale,
                "proj_search",
                &[],
                i,
            ));
            openai.push(charge_row(
                "openai",
                "OpenAI",
                day,
                Decimal::new(333_3333, 7),
                "proj_other",
                &[("team", "support"), ("env", "prod")],
                i + 1,
            ));
            openai.push(charge_row(
                "openai",
                "OpenAI",
                day,
                Decimal::new(5, 3),
                "proj_orphan",
                &[],
                i + 2,
            ));
            pinecone.push(charge_row(
                "pinecone",
                "Pinecone",
                day,
                Decimal::new(100, 2),
                "idx",
                &[],
                i,
            ));
            other.push(charge_row(
                "aws",
                "AWS",
                day,
                Decimal::new(-1, 2),
                "acct",
                &[("env", "prod")],
                i,
            ));
            i += 3;
        }
    }
    for (s, rows) in [("openai", openai), ("pinecone", pinecone), ("aws", other)] {
        store
            .ingest_rows(&IngestScope::Source { source: s.into() }, &rows)
            .expect("ingest");
    }
    store
        .conn()
        .execute(
            "INSERT INTO outcomes VALUES ('2026-10', 'search', 'wau', 200, 'test')",
            [],
        )
        .expect("outcome");
    store
}

fn dec(v: &Value) -> Decimal {
    v.to_string().parse::<Decimal>().expect("json number")
}

#[test]
fn report_json_contract_and_sums() {
    let env = Env::new();
    drop(fixture(&env));
    let cfg = env.write("tollgate.toml", CONFIG);
    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .arg("--config")
        .arg(&cfg)
        .args(["report", "--month", "2026-10", "--json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).expect("json");
    let keys: BTreeSet<&str> = j
        .as_object()
        .expect("object")
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "month",
            "currency",
            "total",
            "by_provider",
            "by_category",
            "by_use_case",
            "unallocated",
            "unpriced_tokens"
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(j["month"], "2026-10");
    assert_eq!(j["currency"], "USD");
    // Hand-computed: per day 2*1.234567 + 0.3333333 + 0.005 + 1.00 - 0.01 = 3.7974673; x31 = 117.7214863
    assert_eq!(dec(&j["total"]), "117.72".parse::<Decimal>().expect("d"));
    let uc = j["by_use_case"].as_array().expect("array");
    let uc_keys: BTreeSet<&str> = uc[0]
        .as_object()
        .expect("o")
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        uc_keys,
        [
            "use_case",
            "kind",
            "cost",
            "prior_month_cost",
            "outcome_metric",
            "outcome_value",
            "cost_per_outcome"
        ]
        .into_iter()
        .collect()
    );
    let parts: Decimal =
        uc.iter().map(|u| dec(&u["cost"])).sum::<Decimal>() + dec(&j["unallocated"]);
    assert_eq!(parts, dec(&j["total"]), "use cases + unallocated = total");
    let providers: Decimal = j["by_provider"]
        .as_array()
        .expect("a")
        .iter()
        .map(|p| dec(&p["cost"]))
        .sum();
    assert_eq!(providers, dec(&j["total"]));
    let cats = j["by_category"].as_array().expect("a");
    let names: Vec<&str> = cats
        .iter()
        .map(|c| c["category"].as_str().expect("s"))
        .collect();
    assert_eq!(
        names,
        ["llm_api", "embeddings_vector", "experimentation", "other"]
    );
    assert_eq!(
        cats.iter().map(|c| dec(&c["cost"])).sum::<Decimal>(),
        dec(&j["total"])
    );
    // The tagged row matches two rules: it is counted once (first match, support).
    let get = |id: &str| uc.iter().find(|u| u["use_case"] == id).expect(id).clone();
    // support: 31 x 0.3333333 + a third of Pinecone (31 x 0.333333)
    assert_eq!(
        dec(&get("support")["cost"]),
        "20.67".parse::<Decimal>().expect("d")
    );
    let search = get("search");
    assert_eq!(search["outcome_metric"], "wau");
    assert_eq!(dec(&search["outcome_value"]), Decimal::from(200));
    // search: 31 x 2.469134 + 31 x 0.333333 = 86.876477; / 200
    assert_eq!(
        dec(&search["cost_per_outcome"]),
        "0.4344".parse::<Decimal>().expect("d")
    );
    assert_eq!(
        dec(&search["prior_month_cost"]),
        "47.04".parse::<Decimal>().expect("d")
    );
    assert_eq!(get("support")["outcome_value"], Value::Null);
    // The orphan project is unallocated: 31 x 0.005 = 0.155, apportioned to a cent next to it.
    let unalloc = dec(&j["unallocated"]);
    assert!(
        ["0.15", "0.16"]
            .iter()
            .any(|v| unalloc == v.parse::<Decimal>().expect("d")),
        "{unalloc}"
    );
}

#[test]
fn report_table_and_default_month() {
    let env = Env::new();
    drop(fixture(&env));
    let cfg = env.write("tollgate.toml", CONFIG);
    let out = env
        .cmd()
        .arg("--db")
        .arg(env.db())
        .arg("--config")
        .arg(&cfg)
        .env("TOLLGATE_TODAY", "2026-11-02")
        .arg("report")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("tollgate report 2026-10"), "{text}");
    assert!(text.contains("$117.72"), "{text}");
    assert!(text.contains("unallocated"), "{text}");
}

#[test]
fn rules_apply_retroactively() {
    let env = Env::new();
    let store = fixture(&env);
    let mut config = tollgate::config::parse(CONFIG, "t").expect("cfg");
    let m: tollgate::month::Month = "2026-09".parse().expect("m");
    let before = tollgate::report::month_report(&store, &config, m).expect("r");
    config.rules.insert(0, tollgate::config::parse("[[use_cases]]\nid='x'\nname='X'\nkind='experiment'\n[[rules]]\nuse_case='x'\nmatch={sub_account='proj_orphan'}\n", "t").expect("c").rules[0].clone());
    config.use_cases.push(tollgate::config::UseCase {
        id: "x".into(),
        name: "X".into(),
        kind: tollgate::config::UseCaseKind::Experiment,
        outcome: None,
        owner: None,
        cost_centre: None,
        audience: None,
        monthly_cap_usd: None,
    });
    let after = tollgate::report::month_report(&store, &config, m).expect("r");
    assert_eq!(before.total, after.total);
    assert!(before.unallocated > Decimal::ZERO);
    assert_eq!(after.unallocated, Decimal::ZERO);
}

/// The Overview's month to date is read from the monthly rollup while no row of the month lies
/// after today, and from the ledger rows when one does: both give the same numbers.
#[test]
fn month_to_date_is_the_same_from_the_rollup_and_from_the_rows() {
    let config = tollgate::config::parse(BOT_SEARCH_CONFIG, "t.toml").expect("config");
    let store = Store::open_in_memory().expect("store");
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let day = |d: u32| {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .expect("date")
            .and_hms_opt(0, 0, 0)
            .expect("time")
    };
    let mut rows = Vec::new();
    for d in 1..=20 {
        for (sub, cost) in [
            ("proj_bot", "1.10"),
            ("proj_search", "2.05"),
            ("proj_x", "0.33"),
        ] {
            let mut r = openai_day(day(d), cost.parse().expect("cost"), &[sub, &d.to_string()]);
            r.sub_account_id = Some(sub.to_string());
            rows.push(r);
        }
    }
    let scope = IngestScope::Source {
        source: "openai".into(),
    };
    store.ingest_rows(&scope, &rows).expect("ingest");
    let from_rollup = tollgate::overview::load(&store, &config, today).expect("overview");
    // A row after today in the same month (a booked commitment, or `--at` an earlier day).
    let mut later = openai_day(day(25), "500".parse().expect("cost"), &["proj_bot", "late"]);
    later.sub_account_id = Some("proj_bot".to_string());
    rows.push(later);
    store.ingest_rows(&scope, &rows).expect("ingest");
    let from_rows = tollgate::overview::load(&store, &config, today).expect("overview");

    let d = |s: &str| s.parse::<Decimal>().expect("decimal");
    for o in [&from_rollup, &from_rows] {
        assert_eq!(o.month_to_date, d("69.60"), "20 days x $3.48");
        assert_eq!(o.unallocated, d("6.60"), "proj_x has no rule");
    }
    assert_eq!(from_rows.by_provider, from_rollup.by_provider);
    let costs = |o: &tollgate::overview::Overview| -> Vec<Decimal> {
        o.by_category.iter().map(|c| c.cost).collect()
    };
    assert_eq!(costs(&from_rows), costs(&from_rollup));
    assert_eq!(costs(&from_rollup).iter().sum::<Decimal>(), d("69.60"));
}

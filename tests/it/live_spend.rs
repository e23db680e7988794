//! Live spend (issue 15 item 5) through the real binary: `sync` of a FOCUS bill and a gateway
//! spool, then the Overview's month to date and the projections of `overview` and `gates`
//! carry the gateway's cost of the hours after each provider's last billed data as a labelled
//! estimate; when the bill for those hours arrives it replaces the estimate (never both).

use serde_json::{json, Value};

use super::common::*;
use super::gateway_spool::{captured, with};

const TODAY: &str = "2026-12-05";

/// A priced record the real proxy wrote (`gateway_spool::captured`), re-dated and re-attributed.
fn spool_line(id: &str, at: &str, provider: &str, use_case: &str, cost: &str) -> String {
    let captured = captured();
    let template = if provider == "Anthropic" {
        &captured[2]
    } else {
        &captured[0]
    };
    let use_case = (!use_case.is_empty()).then_some(use_case);
    with(
        template,
        &[
            ("request_id", json!(id)),
            ("started_at", json!(at)),
            ("ended_at", json!(at)),
            ("use_case", json!(use_case)),
            ("cost_usd", json!(cost)),
        ],
    ) + "\n"
}

fn json(env: &Env, args: &[&str]) -> Value {
    let out = env
        .cmd()
        .arg("--config")
        .arg(env.path("cfg.toml"))
        .arg("--db")
        .arg(env.db())
        .args(args)
        .env("TOLLGATE_TODAY", TODAY)
        .env("TOLLGATE_KEYRING", "none")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn bill(env: &Env, name: &str, days: &[&str]) {
    let lines: Vec<String> = days
        .iter()
        .map(|d| focus_line("10.00", d, "OpenAI", "OpenAI API", "proj", "{}"))
        .collect();
    env.write(&format!("bills/{name}"), &focus_csv(&lines));
}

#[test]
fn the_gateway_fills_the_hours_after_the_last_bill_until_the_bill_replaces_it() {
    let env = Env::new();
    std::fs::create_dir_all(env.path("bills")).expect("dir");
    std::fs::create_dir_all(env.path("spool")).expect("dir");
    env.write(
        "cfg.toml",
        &format!(
            "[[use_cases]]\nid = \"bot\"\nname = \"Bot\"\nkind = \"feature\"\n[[rules]]\nuse_case = \"bot\"\nmatch = {{ provider = \"OpenAI\" }}\n[gates]\nfeature_min_usd = 10\n[sources.bill]\nkind = \"focus\"\npath = \"{}\"\n[sources.gw]\nkind = \"gateway\"\npath = \"{}\"\n",
            env.path("bills").display(),
            env.path("spool").display()
        ),
    );
    bill(
        &env,
        "a.csv",
        &["2026-11-10", "2026-12-01", "2026-12-02", "2026-12-03"],
    );
    let spool = [
        // Before OpenAI's last billed data (12-03 23:59:59): the bill has it already.
        spool_line("r1", "2026-12-03T10:00:00Z", "OpenAI", "bot", "5.00"),
        spool_line("r0", "2026-11-30T12:00:00Z", "OpenAI", "bot", "100"),
        // After it: the estimate.
        spool_line("r2", "2026-12-04T09:00:00Z", "OpenAI", "bot", "1.25"),
        spool_line("r3", "2026-12-05T08:00:00Z", "OpenAI", "bot", "0.75"),
        // Anthropic is never billed here: all of its gateway cost is the estimate.
        spool_line("r4", "2026-12-05T07:00:00Z", "Anthropic", "", "2.00"),
    ]
    .concat();
    env.write("spool/requests-2026120508-a.jsonl", &spool);
    json(&env, &["sync", "--json"]);

    let o = json(&env, &["overview", "--json"]);
    assert_eq!(o["month_to_date"].to_string(), "30.00");
    let live = &o["live_estimate"];
    assert_eq!(live["cost"].to_string(), "4.00");
    assert_eq!(live["providers"][0]["provider"], "Anthropic");
    assert_eq!(live["providers"][0]["billed_through"], Value::Null);
    assert_eq!(live["providers"][1]["provider"], "OpenAI");
    assert_eq!(
        live["providers"][1]["billed_through"],
        "2026-12-03T23:59:59"
    );
    assert_eq!(live["providers"][1]["cost"].to_string(), "2.00");
    assert!(live["note"]
        .as_str()
        .is_some_and(|n| n.contains("estimated from the gateway after the last bill")));
    // 14 days to 12-05: $30 billed + $4 estimated, x 31 / 14.
    assert_eq!(o["projection"]["month_end"].to_string(), "75.29");
    let method = o["projection"]["method"].as_str().expect("method");
    assert!(
        method.contains("incl. $4.00 estimated from the gateway"),
        "{method}"
    );
    let g = json(&env, &["gates", "--json"]);
    assert_eq!(g["projection"].as_str(), Some(method));
    // bot's projection: its $30 billed + its $2.00 estimated (Anthropic's is unallocated), x 31 / 14.
    let g1 = g["breaches"]
        .as_array()
        .expect("breaches")
        .iter()
        .find(|b| b["id"] == "G1:bot:2026-12")
        .expect("G1 on bot");
    assert_eq!(g1["value"].to_string(), "70.86");

    // The cockpit's Overview says it is an estimate.
    let store = tollgate::store::Store::open(&env.db()).expect("open");
    let config = tollgate::config::load_file(&env.path("cfg.toml"))
        .expect("config")
        .config;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("day");
    let overview = tollgate::overview::load(&store, &config, today).expect("overview");
    drop(store);
    let app = super::cockpit_gates::app(&overview, (120, 40));
    let screen = super::cockpit_gates::draw(&app, 120, 40);
    assert!(
        screen.contains("+ $4.00 live estimate (gateway)"),
        "{screen}"
    );

    // The bill for 12-04 and 12-05 arrives: it replaces OpenAI's estimate.
    bill(&env, "b.csv", &["2026-12-04", "2026-12-05"]);
    json(&env, &["sync", "--json"]);
    let o = json(&env, &["overview", "--json"]);
    assert_eq!(o["month_to_date"].to_string(), "50.00");
    let live = &o["live_estimate"];
    assert_eq!(live["cost"].to_string(), "2.00");
    assert_eq!(live["providers"].as_array().map(Vec::len), Some(1));
    assert_eq!(live["providers"][0]["provider"], "Anthropic");
    assert_eq!(o["projection"]["month_end"].to_string(), "115.14");
}

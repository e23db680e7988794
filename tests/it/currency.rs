//! One currency per ledger (`[ledger] currency`, default USD): FOCUS files (`import focus` and
//! `focus` sources) and API sources with rows billed in another currency are refused, naming
//! the file, line and currency, and the DB stays as it was (its report JSON unchanged).

use serde_json::Value;

use super::common::*;
use crate::fake_aws::{AwsSpec, FakeAws};
use crate::sync_aws::{date, run, AWS_ENV};

const TODAY: &str = "2026-04-12";

fn line(cost: &str, day: &str, currency: &str) -> String {
    focus_line(cost, day, "OpenAI", "OpenAI API", "proj_a", "{}")
        .replace(",USD,", &format!(",{currency},"))
}

fn report_json(env: &Env) -> Value {
    let r = run(env, TODAY, &[], &["report", "--month", "2026-03", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("report json")
}

fn import(env: &Env, files: &[&std::path::Path]) -> crate::sync_aws::Run {
    let mut args = vec!["import", "focus"];
    let paths: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    run(env, TODAY, &[], &args)
}

#[test]
fn focus_rows_in_another_currency_are_refused_and_nothing_is_written() {
    let env = Env::new();
    env.write("cfg.toml", "");
    let usd = env.write("usd.csv", &focus_csv(&[line("10.00", "2026-03-02", "USD")]));
    assert_eq!(import(&env, &[&usd]).code, 0);
    let before = report_json(&env);
    let fingerprint = ledger_fingerprint(&env.db());

    // one file, USD then EUR on line 3
    let mixed = env.write(
        "mixed.csv",
        &focus_csv(&[
            line("10.00", "2026-03-03", "USD"),
            line("10.00", "2026-03-04", "EUR"),
        ]),
    );
    let r = import(&env, &[&mixed]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{}: line 3: column BillingCurrency: 'EUR' is not the ledger's currency USD",
            mixed.display()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("no exchange rates"), "{}", r.stderr);

    // two files, each in one currency
    let eur = env.write("eur.csv", &focus_csv(&[line("10.00", "2026-03-05", "eur")]));
    let r = import(&env, &[&usd, &eur]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "{}: line 2: column BillingCurrency: 'eur'",
            eur.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(report_json(&env), before);
    assert_eq!(ledger_fingerprint(&env.db()), fingerprint);
}

#[test]
fn a_ledger_kept_in_eur_takes_eur_rows() {
    let env = Env::new();
    env.write("cfg.toml", "[ledger]\ncurrency = \"EUR\"\n");
    let eur = env.write("eur.csv", &focus_csv(&[line("10.00", "2026-03-05", "EUR")]));
    let r = import(&env, &[&eur]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(report_json(&env)["currency"], "EUR");
    let usd = env.write("usd.csv", &focus_csv(&[line("10.00", "2026-03-02", "USD")]));
    let r = import(&env, &[&usd]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("'USD' is not the ledger's currency EUR"),
        "{}",
        r.stderr
    );
}

#[test]
fn changing_the_ledger_currency_does_not_mix_currencies() {
    let env = Env::new();
    env.write("cfg.toml", "");
    let usd = env.write("usd.csv", &focus_csv(&[line("10.00", "2026-03-02", "USD")]));
    assert_eq!(import(&env, &[&usd]).code, 0);
    let before = report_json(&env);
    env.write("cfg.toml", "[ledger]\ncurrency = \"EUR\"\n");
    let eur = env.write("eur.csv", &focus_csv(&[line("10.00", "2026-03-05", "EUR")]));
    let r = import(&env, &[&eur]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("costs in EUR and USD"), "{}", r.stderr);
    env.write("cfg.toml", "");
    assert_eq!(report_json(&env), before);
}

#[test]
fn ledger_config_is_checked() {
    let env = Env::new();
    env.write("cfg.toml", "[ledger]\ncurrency = \"USD\"\nrates = 1\n");
    let r = run(&env, TODAY, &[], &["report", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("rates"), "{}", r.stderr);
    env.write("cfg.toml", "[ledger]\ncurrency = \"dollars\"\n");
    let r = run(&env, TODAY, &[], &["report", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("ledger.currency") && r.stderr.contains("ISO 4217"),
        "{}",
        r.stderr
    );
}

#[test]
fn focus_source_with_another_currency_is_refused() {
    let env = Env::new();
    let dir = env.path("exports");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("a.csv"),
        focus_csv(&[line("10.00", "2026-03-02", "USD")]),
    )
    .expect("a");
    env.write(
        "cfg.toml",
        &format!(
            "[sources.exports]\nkind = \"focus\"\npath = \"{}\"\n",
            dir.display()
        ),
    );
    assert_eq!(run(&env, TODAY, &[], &["sync"]).code, 0);
    let before = report_json(&env);
    std::fs::write(
        dir.join("b.csv"),
        focus_csv(&[line("10.00", "2026-03-03", "EUR")]),
    )
    .expect("b");
    let r = run(&env, TODAY, &[], &["sync"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("b.csv: line 2: column BillingCurrency: 'EUR'"),
        "{}",
        r.stderr
    );
    assert_eq!(report_json(&env), before);
}

#[test]
fn api_source_billed_in_another_currency_is_refused() {
    let env = Env::new();
    let mut spec = AwsSpec::new(date("2026-03-01"), 20);
    spec.currency = "EUR";
    let fake = FakeAws::start(spec);
    env.write(
        "cfg.toml",
        &format!(
            "[sources.aws]\nkind = \"aws\"\nendpoint_url = \"{}\"\n",
            fake.base_url()
        ),
    );
    let before = report_json(&env);
    let r = run(&env, TODAY, &AWS_ENV, &["sync"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("source aws: the cost of AWS ")
            && r.stderr
                .contains(": 'EUR' is not the ledger's currency USD"),
        "{}",
        r.stderr
    );
    assert_eq!(report_json(&env), before);
}

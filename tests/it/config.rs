//! Config errors through the real binary: file, line and key named; nothing written.

use super::common::*;

/// `tollgate report` with `text` as the config file `name`.
fn report_with(env: &Env, name: &str, text: &str) -> std::process::Output {
    let cfg = env.write(name, text);
    env.cmd()
        .arg("--config")
        .arg(&cfg)
        .arg("--db")
        .arg(env.db())
        .arg("report")
        .output()
        .expect("run")
}

#[test]
fn unknown_key_is_an_error_naming_file_line_and_key() {
    let env = Env::new();
    let out = report_with(
        &env,
        "bad.toml",
        "[gates]\nfeature_min_usd = 3000\nfeature_growht = 2.0\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:3: feature_growht"), "{err}");
    assert!(err.contains("unknown field"), "{err}");
}

#[test]
fn bad_values_and_references() {
    let env = Env::new();
    let cases = [
        (
            "[sync]\ninterval_minutes = -5\n",
            "bad.toml:2: interval_minutes",
        ),
        (
            "[[use_cases]]\nid = \"a\"\nname = \"A\"\nkind = \"product\"\n",
            "bad.toml:4: kind",
        ),
        (
            "[[rules]]\nuse_case = \"nope\"\nmatch = { provider = \"OpenAI\" }\n",
            "bad.toml:2: rules[0].use_case",
        ),
        (
            "[[rules]]\nuse_case = \"x\"\nmatch = { vendor = \"OpenAI\" }\n",
            "bad.toml:3",
        ),
        (
            "[sources.gcp]\nkind = \"gcp\"\n",
            "bad.toml:1: sources.gcp.table",
        ),
        (
            "[sources.openai]\nkind = \"openai\"\nbase_url = \"not a url\"\n",
            "bad.toml:3: sources.openai",
        ),
        ("[gates\n", "bad.toml:1"),
    ];
    for (text, expected) in cases {
        let out = report_with(&env, "bad.toml", text);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        assert!(
            err.contains(expected),
            "{text}: expected {expected} in {err}"
        );
    }
}

#[test]
fn explicit_missing_config_is_fatal() {
    let env = Env::new();
    env.cmd()
        .arg("--config")
        .arg(env.path("nope.toml"))
        .arg("--db")
        .arg(env.db())
        .arg("report")
        .assert()
        .failure()
        .stderr(predicates::str::contains("nope.toml"));
}

#[test]
fn outcome_labels_are_configured_per_metric_and_checked() {
    let env = Env::new();
    let run = |text: &str| report_with(&env, "labels.toml", text);
    let ok = run("[[use_cases]]\nid = \"sales\"\nname = \"Sales\"\nkind = \"pilot\"\noutcome = \"meetings_booked\"\n\n[outcomes.meetings_booked]\nlabel = \"per meeting booked\"\nunit = \"meeting\"\n");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for (text, expected) in [
        (
            "[outcomes.meetings_booked]\nlable = \"per meeting\"\n",
            "labels.toml:2: lable",
        ),
        (
            "[outcomes.meetings_booked]\nlabel = \"  \"\n",
            "labels.toml:1: outcomes.meetings_booked.label",
        ),
    ] {
        let out = run(text);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        assert!(
            err.contains(expected),
            "{text}: expected {expected} in {err}"
        );
    }
}

//! `tollgate doctor` through the real binary: each source's configured endpoint and the
//! credential sync would use (AWS and GCP standard env vars and files, the Modal CLI's own
//! token, a saved Modal report), and no secret anywhere in its output.

use serde_json::json;

use super::common::Env;
use crate::fake_bigquery::{CLIENT_EMAIL, PRIVATE_KEY};

const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYTESTSECRETKEY";
const MODAL_SECRET: &str = "as-TESTmodalTokenSecret0123456789";
const OPENAI_KEY: &str = "sk-admin-TESTopenaiAdminKey0123456789";

fn config(env: &Env) -> std::path::PathBuf {
    let report = env.write("modal.json", "[]");
    env.write(
        "cfg.toml",
        &format!(
            r#"
[sources.openai]
kind = "openai"

[sources.aws]
kind = "aws"
endpoint_url = "http://127.0.0.1:9/ce"

[sources.gcp]
kind = "gcp"
project = "acme-finops"
table = "acme-finops.billing.export"
bigquery_url = "http://127.0.0.1:9/bq"

[sources.modal]
kind = "modal"

[sources.modal-saved]
kind = "modal"
report_file = "{}"
"#,
            report.display()
        ),
    )
}

fn doctor(env: &Env, vars: &[(&str, &str)]) -> (String, String) {
    doctor_with(env, vars, &[])
}

fn doctor_with(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> (String, String) {
    let cfg = config(env);
    let mut c = env.cmd();
    c.arg("--config")
        .arg(&cfg)
        .arg("--db")
        .arg(env.db())
        .arg("doctor")
        .args(args)
        .env("TOLLGATE_KEYRING", "none")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env_remove("MODAL_TOKEN_ID")
        .env_remove("MODAL_TOKEN_SECRET")
        .env_remove("MODAL_CONFIG_PATH")
        .env_remove("MODAL_PROFILE");
    for (k, v) in vars {
        c.env(k, v);
    }
    let out = c.output().expect("doctor");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(out.status.success(), "{stderr}");
    for secret in [AWS_SECRET, MODAL_SECRET, OPENAI_KEY, "PRIVATE KEY"] {
        assert!(!stdout.contains(secret), "{secret} shown: {stdout}");
        assert!(!stderr.contains(secret), "{secret} shown: {stderr}");
    }
    (stdout, stderr)
}

fn line<'a>(out: &'a str, source: &str) -> &'a str {
    out.lines()
        .find(|l| l.trim_start().starts_with(&format!("source {source} (")))
        .unwrap_or_else(|| panic!("no line for {source}: {out}"))
}

#[test]
fn shows_the_credentials_and_endpoints_sync_uses() {
    let env = Env::new();
    let key = env.write(
        "sa.json",
        &json!({"type": "service_account", "private_key": PRIVATE_KEY, "client_email": CLIENT_EMAIL})
            .to_string(),
    );
    let key = key.to_str().expect("path");
    let (out, _) = doctor(
        &env,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIATESTDOCTOR123456"),
            ("AWS_SECRET_ACCESS_KEY", AWS_SECRET),
            ("GOOGLE_APPLICATION_CREDENTIALS", key),
            ("MODAL_TOKEN_ID", "ak-TESTmodalTokenId42"),
            ("MODAL_TOKEN_SECRET", MODAL_SECRET),
            ("TOLLGATE_OPENAI_KEY", OPENAI_KEY),
        ],
    );
    assert_eq!(
        line(&out, "aws").trim(),
        "source aws (aws, http://127.0.0.1:9/ce): AWS access key AKI...56 from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
    );
    assert_eq!(
        line(&out, "gcp").trim(),
        format!(
            "source gcp (gcp, http://127.0.0.1:9/bq, token https://oauth2.googleapis.com/token): service account {CLIENT_EMAIL} from {key} (GOOGLE_APPLICATION_CREDENTIALS)"
        )
    );
    assert!(
        line(&out, "modal").contains(
            "the modal CLI's own token ak-...42 from MODAL_TOKEN_ID / MODAL_TOKEN_SECRET"
        ),
        "{out}"
    );
    assert!(
        line(&out, "modal-saved").contains("report_file ")
            && line(&out, "modal-saved").contains("none needed"),
        "{out}"
    );
    assert_eq!(
        line(&out, "openai").trim(),
        "source openai (openai, https://api.openai.com): key from TOLLGATE_OPENAI_KEY (sk-...89)"
    );
    assert!(!out.contains("default endpoint"), "{out}");
}

#[test]
fn modal_token_from_its_config_file_and_missing_ones_are_named() {
    let env = Env::new();
    env.write(
        ".modal.toml",
        &format!(
            "[old]\ntoken_id = \"ak-old0000000000\"\ntoken_secret = \"as-old000000000000\"\n\n\
             [work]\ntoken_id = \"ak-TESTworkProfile77\"\ntoken_secret = \"{MODAL_SECRET}\"\nactive = true\n"
        ),
    );
    let (out, _) = doctor(&env, &[]);
    assert!(
        line(&out, "modal").contains(&format!(
            "the modal CLI's own token ak-...77 (profile work) from {}",
            env.path(".modal.toml").display()
        )),
        "{out}"
    );
    assert!(
        line(&out, "aws").contains("no AWS credentials")
            && line(&out, "aws").contains("Set AWS_ACCESS_KEY_ID"),
        "{out}"
    );
    assert!(
        line(&out, "gcp").contains("no service-account key"),
        "{out}"
    );
}

#[test]
fn json_has_the_same_facts_and_no_secret() {
    let env = Env::new();
    let (out, _) = doctor_with(
        &env,
        &[
            ("TOLLGATE_OPENAI_KEY", OPENAI_KEY),
            ("MODAL_TOKEN_ID", "ak-TESTmodalTokenId42"),
            ("MODAL_TOKEN_SECRET", MODAL_SECRET),
        ],
        &["--json"],
    );
    let j: serde_json::Value = serde_json::from_str(&out).expect("doctor --json is JSON");
    assert_eq!(j["db"], env.db().display().to_string());
    assert!(j["schema"].as_i64().is_some_and(|v| v > 0), "{out}");
    assert!(
        j["config"].as_str().is_some_and(|c| c.contains("cfg.toml")),
        "{out}"
    );
    assert_eq!(j["keyring"], serde_json::Value::Null);
    assert!(j["keyring_error"].is_string(), "{out}");
    assert_eq!(j["ledger"]["rows"], 0);
    let sources = j["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 5);
    let openai = sources
        .iter()
        .find(|s| s["name"] == "openai")
        .expect("openai");
    assert_eq!(openai["kind"], "openai");
    assert_eq!(openai["endpoint"], "https://api.openai.com");
    assert_eq!(
        openai["credential"],
        "key from TOLLGATE_OPENAI_KEY (sk-...89)"
    );
    let aws = sources.iter().find(|s| s["name"] == "aws").expect("aws");
    assert_eq!(aws["endpoint"], "http://127.0.0.1:9/ce");
    assert!(j["recent_runs"].as_array().is_some_and(|r| r.is_empty()));
    assert!(!out.contains(OPENAI_KEY) && !out.contains(MODAL_SECRET));
}

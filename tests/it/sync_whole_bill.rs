//! The whole AI bill in one ledger: one `tollgate sync` of OpenAI, AWS Cost Explorer, the GCP
//! billing export, Modal and a FOCUS folder (AWS + Pinecone exports), each source's monthly
//! total matching its server to the cent, every category filled, tags and labels allocated by
//! one rule, and a category override from the config.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::common::*;
use crate::fake_aws::{self as fa, AwsSpec, FakeAws};
use crate::fake_bigquery::{self as fb, BqSpec, FakeBigQuery};
use crate::fake_openai::{FakeOpenAi, OpenAiSpec};
use crate::sync_aws::{date, entry_cost, json_dec, report, run, strings, sums};

const TODAY: &str = "2026-04-12";
const OA_KEY: &str = "sk-admin-TESTKEY-7f3a9c2e1b5d4f60a8e2c4b6d8f0a1c3";

#[test]
fn one_sync_lands_every_source_allocated_and_categorised() {
    let env = Env::new();
    let openai = FakeOpenAi::start(OpenAiSpec::small(date("2026-03-01"), 43), OA_KEY);
    let aws = FakeAws::start(AwsSpec::new(date("2026-03-01"), 43));
    let gcp = FakeBigQuery::start(BqSpec {
        seed: 3,
        start: date("2026-03-01"),
        days: 43,
        polls: 1,
        page_rows: 50,
    });
    let bin = crate::sync_modal::fake_modal(&env);
    let (modal_json, _, modal_total) = crate::sync_modal::items();
    std::fs::write(bin.join("report-2025-03-01-2026-04-13.json"), modal_json)
        .expect("modal report");
    std::fs::create_dir_all(env.path("exports")).expect("dir");
    env.write("exports/aws-focus.csv", &crate::sync_focus::aws_export());
    env.write(
        "exports/pinecone.csv",
        &crate::sync_focus::pinecone_export("10.01"),
    );
    let key = env.write("sa.json", &gcp.key_json());
    env.write(
        "cfg.toml",
        &format!(
            r#"[sources.openai]
kind = "openai"
base_url = "{openai}"

[sources.aws]
kind = "aws"
endpoint_url = "{aws}"
tag_key = "team"

[sources.gcp]
kind = "gcp"
project = "{project}"
table = "{table}"
bigquery_url = "{gcp}"
token_url = "{gcp}/token"

[sources.modal]
kind = "modal"

[sources.exports]
kind = "focus"
path = "{exports}"

[[use_cases]]
id = "search"
name = "Search"
kind = "feature"

[[rules]]
use_case = "search"
match = {{ tag = "team=search" }}

[[categories]]
category = "embeddings_vector"
match = {{ provider = "Google Cloud", service = "Cloud Storage" }}
"#,
            openai = openai.base_url(),
            aws = aws.base_url(),
            project = fb::PROJECT,
            table = fb::TABLE,
            gcp = gcp.base_url(),
            exports = env.path("exports").display(),
        ),
    );
    let path = crate::sync_modal::path_with(&bin);
    let r = run(
        &env,
        TODAY,
        &[
            ("PATH", path.as_str()),
            ("TOLLGATE_OPENAI_KEY", OA_KEY),
            ("AWS_ACCESS_KEY_ID", fa::ACCESS_KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", fa::SECRET_ACCESS_KEY),
            (
                "GOOGLE_APPLICATION_CREDENTIALS",
                key.to_str().expect("path"),
            ),
        ],
        &["sync"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for s in ["openai:", "aws:", "gcp:", "modal:", "exports:"] {
        assert!(r.stderr.contains(s), "{s} in {}", r.stderr);
    }
    assert!(
        r.stderr
            .contains("1 Cost Explorer request ($0.01 at $0.01 each)"),
        "{}",
        r.stderr
    );

    // each source's monthly totals equal what its server returned, exactly
    let by = sums(
        &env.db(),
        "x_Source || ' ' || strftime(ChargePeriodStart, '%Y-%m')",
        "true",
    );
    let eff = |k: &str| by.get(k).map(|v| v.1).unwrap_or_default();
    for month in ["2026-03", "2026-04"] {
        let aws_month = aws.monthly(|c| c.day <= date(TODAY))[month].1;
        assert_eq!(
            eff(&format!("aws {month}")),
            aws_month.normalize(),
            "aws {month}"
        );
        assert_eq!(
            eff(&format!("gcp {month}")),
            gcp.monthly(|_| true)[month].1.normalize(),
            "gcp {month}"
        );
        assert_eq!(
            eff(&format!("openai {month}")),
            openai.data.totals_by_month()[month].normalize(),
            "openai {month}"
        );
    }
    let modal: Decimal = ["2026-03", "2026-04"]
        .iter()
        .map(|m| eff(&format!("modal {m}")))
        .sum();
    assert_eq!(modal, modal_total.normalize());
    assert_eq!(eff("exports 2026-03"), Decimal::new(213_935, 3));

    // one report: the month's total is every source's, to the cent, in all three AI categories
    let rep = report(&env, TODAY, "2026-03");
    let march: Decimal = by
        .iter()
        .filter(|(k, _)| k.ends_with("2026-03"))
        .map(|(_, v)| v.1)
        .sum();
    assert_eq!(json_dec(&rep["total"]), tollgate::money::cents(march));
    let cats: BTreeMap<String, Decimal> = rep["by_category"]
        .as_array()
        .expect("by_category")
        .iter()
        .map(|c| {
            (
                c["category"].as_str().expect("category").to_string(),
                json_dec(&c["cost"]),
            )
        })
        .collect();
    for c in ["llm_api", "embeddings_vector", "experimentation"] {
        assert!(
            cats.get(c).is_some_and(|v| *v > Decimal::ZERO),
            "{c} in {cats:?}"
        );
    }
    assert!(entry_cost(&rep, "by_use_case", "use_case", "search") > Decimal::ZERO);

    // tags and labels of every cloud source reach the same rule
    let sources = strings(
        &env.db(),
        "SELECT DISTINCT x_Source FROM ledger_alloc WHERE x_UseCase = 'search' ORDER BY 1",
    );
    let s = |v: &str| vec![Some(v.to_string())];
    assert_eq!(sources, vec![s("aws"), s("exports"), s("gcp")]);
    // the config's category override wins over the default
    let storage = strings(
        &env.db(),
        "SELECT DISTINCT x_Category FROM ledger_alloc WHERE ServiceName = 'Cloud Storage'",
    );
    assert_eq!(storage, vec![s("embeddings_vector")]);
}

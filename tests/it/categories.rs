//! Default spend categories against the premise's split (PRODUCT §1, docs/CATEGORIES.md): GPU
//! instances are experimentation wherever they are billed (SageMaker, EC2, FOCUS exports), vector
//! stores are embeddings_vector (OpenSearch Serverless included), plain compute and storage are
//! other. Rows go through the real normaliser, ledger and allocation.

use std::collections::BTreeMap;

use serde_json::json;
use tollgate::normalize::aws::{to_rows, AwsContext, GetCostAndUsageResponse};
use tollgate::store::{IngestScope, Store};

use super::common::*;
use crate::sync_aws::run;

/// Category of each Cost Explorer (service, usage type) group, through normalize, ingest and
/// allocation.
fn ce_categories(groups: &[(&str, &str)]) -> BTreeMap<String, String> {
    let page: GetCostAndUsageResponse = serde_json::from_value(json!({
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"}
        ],
        "ResultsByTime": [{
            "TimePeriod": {"Start": "2026-03-01", "End": "2026-03-02"},
            "Total": {},
            "Groups": groups.iter().map(|(service, ut)| json!({
                "Keys": [service, ut],
                "Metrics": {
                    "UnblendedCost": {"Amount": "10", "Unit": "USD"},
                    "AmortizedCost": {"Amount": "10", "Unit": "USD"}
                }
            })).collect::<Vec<_>>(),
            "Estimated": false
        }]
    }))
    .expect("page");
    let rows = to_rows("aws", &AwsContext::default(), &page).expect("rows");
    let store = Store::open_in_memory().expect("store");
    store
        .ingest_rows(
            &IngestScope::Source {
                source: "aws".into(),
            },
            &rows,
        )
        .expect("ingest");
    store
        .refresh_allocation(&tollgate::config::defaults().config)
        .expect("allocation");
    let mut stmt = store
        .conn()
        .prepare("SELECT DISTINCT x_RawUsageType, x_Category FROM ledger_alloc")
        .expect("prepare");
    let got = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .expect("query")
        .collect::<Result<BTreeMap<_, _>, _>>()
        .expect("rows");
    got
}

#[test]
fn cost_explorer_gpu_instances_and_vector_stores() {
    let got = ce_categories(&[
        ("Amazon SageMaker", "USE1-Train:ml.p4d.24xlarge"),
        ("Amazon SageMaker", "USE1-Host:ml.g5.2xlarge"),
        ("Amazon SageMaker", "USE1-Notebk:ml.t3.medium"),
        ("Amazon OpenSearch Service", "USE1-SearchOCU"),
        ("Amazon OpenSearch Service", "USE1-IndexingOCU"),
        (
            "Amazon Elastic Compute Cloud - Compute",
            "USE1-BoxUsage:g6e.12xlarge",
        ),
        (
            "Amazon Elastic Compute Cloud - Compute",
            "USE1-BoxUsage:m5.large",
        ),
        (
            "Amazon Elastic Compute Cloud - Compute",
            "USE1-SpotUsage:p5.48xlarge",
        ),
        ("Amazon Bedrock", "USE1-Claude3.5Sonnet-input-tokens"),
        ("Amazon Bedrock", "USE1-TitanEmbeddingsG2-Text-input-tokens"),
    ]);
    let want: BTreeMap<String, String> = [
        ("USE1-Train:ml.p4d.24xlarge", "experimentation"),
        ("USE1-Host:ml.g5.2xlarge", "experimentation"),
        ("USE1-Notebk:ml.t3.medium", "experimentation"),
        ("USE1-SearchOCU", "embeddings_vector"),
        ("USE1-IndexingOCU", "embeddings_vector"),
        ("USE1-BoxUsage:g6e.12xlarge", "experimentation"),
        ("USE1-BoxUsage:m5.large", "other"),
        ("USE1-SpotUsage:p5.48xlarge", "experimentation"),
        ("USE1-Claude3.5Sonnet-input-tokens", "llm_api"),
        (
            "USE1-TitanEmbeddingsG2-Text-input-tokens",
            "embeddings_vector",
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn focus_export_rows_by_service_and_sku() {
    let env = Env::new();
    env.write("cfg.toml", "");
    let header = format!("{FOCUS_HEADER},SkuId,SkuPriceDetails");
    let row = |cost: &str, service: &str, category: &str, sku: &str, details: &str| {
        let base = focus_line(cost, "2026-03-02", "AWS", service, "111122223333", "{}")
            .replace("AI and Machine Learning", category);
        format!("{base},{sku},\"{}\"", details.replace('"', "\"\""))
    };
    let text = [
        header,
        row(
            "1",
            "Amazon SageMaker",
            "AI and Machine Learning",
            "USE1-Host:ml.g5.2xlarge",
            r#"{"InstanceType":"ml.g5.2xlarge"}"#,
        ),
        row(
            "2",
            "Amazon OpenSearch Serverless",
            "Analytics",
            "USE1-SearchOCU",
            "",
        ),
        row(
            "4",
            "Amazon EC2",
            "Compute",
            "USE1-BoxUsage:c7i.large",
            r#"{"InstanceType":"c7i.large","GpuCount":0}"#,
        ),
        row(
            "8",
            "Amazon EC2",
            "Compute",
            "USE1-BoxUsage:x",
            r#"{"GpuCount":4}"#,
        ),
        row("16", "Amazon Bedrock", "AI and Machine Learning", "", ""),
    ]
    .join("\n");
    let f = env.write("focus.csv", &format!("{text}\n"));
    let r = run(
        &env,
        "2026-04-12",
        &[],
        &["import", "focus", f.to_str().expect("path")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(
        &env,
        "2026-04-12",
        &[],
        &["report", "--month", "2026-03", "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rep: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let cats: BTreeMap<String, String> = rep["by_category"]
        .as_array()
        .expect("by_category")
        .iter()
        .map(|c| {
            (
                c["category"].as_str().expect("category").to_string(),
                c["cost"].to_string(),
            )
        })
        .collect();
    let want: BTreeMap<String, String> = [
        ("experimentation", "9.00"),
        ("embeddings_vector", "2.00"),
        ("other", "4.00"),
        ("llm_api", "16.00"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(cats, want, "{rep}");
}

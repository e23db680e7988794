//! Anthropic Admin API: cost_report and usage_report/messages, workspace and key names.
//! Arrays use bracketed keys (`group_by[]=`); x-api-key and anthropic-version headers.

use std::collections::HashMap;

use reqwest::header::{HeaderMap, HeaderValue};
use serde::Deserialize;

use super::{list_all, pages, FetchWindow, Http, RetryPolicy, SourceError};
use crate::normalize::anthropic::{AnthropicBatch, Bucket, CostResult, Page, UsageResult};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
pub const API_VERSION: &str = "2023-06-01";
pub const BUCKET_LIMIT: u32 = 31;
const LIST_LIMIT: u32 = 1000;

pub fn client(
    source: &str,
    base_url: Option<&str>,
    key: &str,
    policy: RetryPolicy,
) -> Result<Http, SourceError> {
    let mut h = HeaderMap::new();
    let mut k = HeaderValue::from_str(key).map_err(|_| SourceError::Other {
        source_name: source.to_string(),
        message: "the stored key has characters an HTTP header cannot carry".to_string(),
    })?;
    k.set_sensitive(true);
    h.insert("x-api-key", k);
    h.insert("anthropic-version", HeaderValue::from_static(API_VERSION));
    Http::new(source, base_url.unwrap_or(DEFAULT_BASE_URL), h, policy)
}

pub async fn fetch(http: &Http, window: FetchWindow) -> Result<AnthropicBatch, SourceError> {
    let start = window.start_ts().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let end = window.end_ts().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let costs = buckets::<CostResult>(
        http,
        "/v1/organizations/cost_report",
        &start,
        &end,
        &["workspace_id", "description"],
    )
    .await?;
    let usage = buckets::<UsageResult>(
        http,
        "/v1/organizations/usage_report/messages",
        &start,
        &end,
        &["model", "workspace_id", "api_key_id"],
    )
    .await?;
    let workspaces = list::<Named>(
        http,
        "/v1/organizations/workspaces",
        &[("include_archived".into(), "true".into())],
    )
    .await?;
    let keys = list::<Named>(http, "/v1/organizations/api_keys", &[]).await?;
    Ok(AnthropicBatch {
        costs,
        usage,
        workspace_names: names(workspaces),
        key_names: names(keys),
    })
}

fn names(items: Vec<Named>) -> HashMap<String, String> {
    items
        .into_iter()
        .map(|n| (n.id, n.name.unwrap_or_default()))
        .collect()
}

async fn buckets<T: serde::de::DeserializeOwned>(
    http: &Http,
    path: &str,
    start: &str,
    end: &str,
    group_by: &[&str],
) -> Result<Vec<Bucket<T>>, SourceError> {
    let mut q: Vec<(String, String)> = vec![
        ("starting_at".into(), start.to_string()),
        ("ending_at".into(), end.to_string()),
        ("bucket_width".into(), "1d".into()),
        ("limit".into(), BUCKET_LIMIT.to_string()),
    ];
    q.extend(
        group_by
            .iter()
            .map(|g| ("group_by[]".to_string(), g.to_string())),
    );
    pages::<Page<T>>(http, path, &q).await
}

#[derive(Debug, Deserialize)]
struct Named {
    id: String,
    name: Option<String>,
}

async fn list<T: serde::de::DeserializeOwned>(
    http: &Http,
    path: &str,
    extra: &[(String, String)],
) -> Result<Vec<T>, SourceError> {
    list_all(http, path, extra, "after_id", LIST_LIMIT).await
}

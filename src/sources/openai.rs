//! OpenAI Admin API: costs, completions and embeddings usage, project and key names.
//! Arrays are repeated query keys; `limit` is each endpoint's maximum; `page` cursors are
//! followed until `has_more` is false.

use std::collections::HashMap;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use serde::Deserialize;

use super::{list_all, pages, FetchWindow, Http, RetryPolicy, SourceError};
use crate::normalize::openai::{Bucket, CostResult, OpenAiBatch, Page, UsageResult};

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com";
pub const COSTS_LIMIT: u32 = 180;
pub const USAGE_LIMIT: u32 = 31;
const LIST_LIMIT: u32 = 100;

pub fn client(
    source: &str,
    base_url: Option<&str>,
    key: &str,
    policy: RetryPolicy,
) -> Result<Http, SourceError> {
    let mut h = HeaderMap::new();
    let mut auth =
        HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| SourceError::Other {
            source_name: source.to_string(),
            message: "the stored key has characters an HTTP header cannot carry".to_string(),
        })?;
    auth.set_sensitive(true);
    h.insert(AUTHORIZATION, auth);
    Http::new(source, base_url.unwrap_or(DEFAULT_BASE_URL), h, policy)
}

pub async fn fetch(http: &Http, window: FetchWindow) -> Result<OpenAiBatch, SourceError> {
    let start = window.start_ts().and_utc().timestamp().to_string();
    let end = window.end_ts().and_utc().timestamp().to_string();
    let costs = buckets::<CostResult>(
        http,
        "/v1/organization/costs",
        &start,
        &end,
        &["project_id", "line_item", "api_key_id"],
        COSTS_LIMIT,
    )
    .await?;
    let usage_groups = ["project_id", "api_key_id", "model"];
    let completions = buckets::<UsageResult>(
        http,
        "/v1/organization/usage/completions",
        &start,
        &end,
        &usage_groups,
        USAGE_LIMIT,
    )
    .await?;
    let embeddings = buckets::<UsageResult>(
        http,
        "/v1/organization/usage/embeddings",
        &start,
        &end,
        &usage_groups,
        USAGE_LIMIT,
    )
    .await?;
    let projects = list::<Project>(
        http,
        "/v1/organization/projects",
        &[("include_archived".into(), "true".into())],
    )
    .await?;
    let mut key_names = HashMap::new();
    for p in &projects {
        let path = format!("/v1/organization/projects/{}/api_keys", p.id);
        for k in list::<ApiKey>(http, &path, &[]).await? {
            key_names.insert(k.id, k.name.unwrap_or_default());
        }
    }
    Ok(OpenAiBatch {
        costs,
        completions,
        embeddings,
        project_names: projects
            .into_iter()
            .map(|p| (p.id, p.name.unwrap_or_default()))
            .collect(),
        key_names,
    })
}

async fn buckets<T: serde::de::DeserializeOwned>(
    http: &Http,
    path: &str,
    start: &str,
    end: &str,
    group_by: &[&str],
    limit: u32,
) -> Result<Vec<Bucket<T>>, SourceError> {
    let mut q: Vec<(String, String)> = vec![
        ("start_time".into(), start.to_string()),
        ("end_time".into(), end.to_string()),
        ("bucket_width".into(), "1d".into()),
        ("limit".into(), limit.to_string()),
    ];
    q.extend(
        group_by
            .iter()
            .map(|g| ("group_by".to_string(), g.to_string())),
    );
    pages::<Page<T>>(http, path, &q).await
}

#[derive(Debug, Deserialize)]
struct Project {
    id: String,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiKey {
    id: String,
    name: Option<String>,
}

async fn list<T: serde::de::DeserializeOwned>(
    http: &Http,
    path: &str,
    extra: &[(String, String)],
) -> Result<Vec<T>, SourceError> {
    list_all(http, path, extra, "after", LIST_LIMIT).await
}

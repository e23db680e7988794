//! GCP billing export in BigQuery (reference/cloud-billing.md 3.1-3.5): a service-account key is
//! exchanged for an access token with an RS256-signed JWT (`jsonwebtoken`), then one query runs
//! through `jobs.query` with named parameters, `getQueryResults` is polled while `jobComplete`
//! is false and its `pageToken`s followed.
//!
//! The query sums the export per day, SKU, project, labels and cost type, so late corrections
//! (new export rows for an old day) fold into their day. It is incremental by `export_time`: a
//! day that received rows after the last sync's latest `export_time` is re-fetched even when it
//! is older than the trailing window.

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Months, NaiveDateTime};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{FetchWindow, Http, RetryPolicy, SourceError};
use crate::config::SourceConfig;
use crate::credentials::{self, Chosen, Secret};
use crate::normalize::gcp::ExportRow;

pub const DEFAULT_BIGQUERY_URL: &str = "https://bigquery.googleapis.com";
pub const DEFAULT_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
pub const SCOPE: &str = "https://www.googleapis.com/auth/bigquery";
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub const PAGE_ROWS: u32 = 10_000;
const MAX_POLLS: usize = 1_000;

/// The fields of a service-account JSON key tollgate uses.
#[derive(Deserialize)]
pub struct ServiceAccount {
    pub client_email: String,
    pub private_key: String,
    pub private_key_id: Option<String>,
    pub token_uri: Option<String>,
    /// Where the key came from (a file, an env var, the keyring), for messages and `doctor`.
    #[serde(skip)]
    pub origin: String,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("client_email", &self.client_email)
            .field("private_key", &"***")
            .finish()
    }
}

/// `TOLLGATE_<SOURCE>_KEY` (the key JSON), else the file named by
/// `GOOGLE_APPLICATION_CREDENTIALS`, else the keyring entry (the key JSON).
pub fn service_account(source: &str) -> Result<ServiceAccount, SourceError> {
    let other = |message: String| SourceError::Other {
        source_name: source.to_string(),
        message,
    };
    let var = credentials::env_var(source);
    let missing = |why: String| {
        other(format!(
            "no service-account key{why}. Set GOOGLE_APPLICATION_CREDENTIALS to the key file, \
             or put the key JSON in {var} or `tollgate auth set {source}`"
        ))
    };
    let key_file = || {
        std::env::var("GOOGLE_APPLICATION_CREDENTIALS")
            .ok()
            .filter(|p| !p.is_empty())
    };
    let (text, origin) = match credentials::resolve_chain(source, key_file)
        .map_err(|e| missing(format!(" ({e})")))?
    {
        None => return Err(missing(String::new())),
        Some(Chosen::Provider(path)) => {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                other(format!(
                    "cannot read the service-account key {path} named by GOOGLE_APPLICATION_CREDENTIALS: {e}"
                ))
            })?;
            (
                Secret::new(text),
                format!("{path} (GOOGLE_APPLICATION_CREDENTIALS)"),
            )
        }
        Some(Chosen::Tollgate(secret, var)) => (secret, var),
        Some(Chosen::Keyring(secret, _)) => (secret, format!("the keyring entry for {source}")),
    };
    let mut sa = serde_json::from_str::<ServiceAccount>(text.expose()).map_err(|e| {
        // serde's message names the field, not the value
        other(format!(
            "{origin} is not a service-account JSON key (need client_email and private_key): {}",
            e.to_string()
                .split(" at line")
                .next()
                .unwrap_or("invalid JSON")
        ))
    })?;
    sa.origin = origin;
    Ok(sa)
}

/// The signed JWT assertion for the token exchange.
pub fn assertion(
    source: &str,
    sa: &ServiceAccount,
    audience: &str,
    now: SystemTime,
) -> Result<String, SourceError> {
    let iat = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = sa.private_key_id.clone();
    let claims = json!({
        "iss": sa.client_email,
        "scope": SCOPE,
        "aud": audience,
        "iat": iat,
        "exp": iat + 3600,
    });
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(sa.private_key.as_bytes()).map_err(|_| {
        SourceError::Other {
            source_name: source.to_string(),
            message: format!(
                "the private_key of service account {} is not an RSA PEM key",
                sa.client_email
            ),
        }
    })?;
    jsonwebtoken::encode(&header, &claims, &key).map_err(|e| SourceError::Other {
        source_name: source.to_string(),
        message: format!("cannot sign the token request: {e}"),
    })
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
}

/// Exchanges the service account for a bearer token; returns it and the requests made.
pub async fn access_token(
    source: &str,
    sa: &ServiceAccount,
    token_url: &str,
    policy: RetryPolicy,
) -> Result<(Secret, u64), SourceError> {
    let http = Http::new(source, token_url, HeaderMap::new(), policy)?;
    let jwt = assertion(source, sa, token_url, SystemTime::now())?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", GRANT_TYPE)
        .append_pair("assertion", &jwt)
        .finish();
    let url = http.url("");
    let resp: Result<TokenResponse, SourceError> = http
        .send_json("POST token", |c| {
            Ok(c.post(&url)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.clone()))
        })
        .await;
    let resp = resp.map_err(|e| match e {
        SourceError::Auth { status, message, .. }
        | SourceError::Status {
            status, message, ..
        } => SourceError::Other {
            source_name: source.to_string(),
            message: format!(
                "the token endpoint refused service account {} ({status}: {message}); check the key in \
                 GOOGLE_APPLICATION_CREDENTIALS or {}",
                sa.client_email,
                credentials::env_var(source)
            ),
        },
        other => other,
    })?;
    Ok((Secret::new(resp.access_token), http.requests()))
}

/// The query's parameters and what the last sync saw.
#[derive(Debug, Clone)]
pub struct QueryPlan {
    pub window: FetchWindow,
    /// The latest `export_time` of the last successful sync (microseconds), if any.
    pub last_export_micros: Option<i64>,
}

/// The SQL over the export table `table` (checked by config validation to be a plain name).
pub fn query_sql(table: &str) -> String {
    format!(
        "WITH export AS (\n\
           SELECT *, TO_JSON_STRING(ARRAY(SELECT AS STRUCT l.key, l.value FROM UNNEST(labels) l ORDER BY l.key)) AS labels_json\n\
           FROM `{table}`\n\
           WHERE usage_start_time >= @floor AND usage_start_time < @end),\n\
         changed AS (SELECT TIMESTAMP_TRUNC(MIN(usage_start_time), DAY) AS d FROM export WHERE export_time > @last_export)\n\
         SELECT billing_account_id, service.description AS service_description, sku.id AS sku_id,\n\
           ANY_VALUE(sku.description) AS sku_description, project.id AS project_id,\n\
           ANY_VALUE(project.name) AS project_name, TIMESTAMP_TRUNC(usage_start_time, DAY) AS day,\n\
           CAST(SUM(CAST(cost AS NUMERIC)) AS STRING) AS cost,\n\
           CAST(SUM(IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) c), 0)) AS STRING) AS credits,\n\
           CAST(SUM(CAST(cost_at_list AS NUMERIC)) AS STRING) AS cost_at_list, currency,\n\
           CAST(SUM(CAST(usage.amount AS NUMERIC)) AS STRING) AS usage_amount, usage.unit AS usage_unit,\n\
           cost_type, labels_json, MAX(export_time) AS export_time\n\
         FROM export\n\
         WHERE usage_start_time >= LEAST(@start, IFNULL((SELECT d FROM changed), @start))\n\
         GROUP BY billing_account_id, service_description, sku_id, project_id, day, currency, usage_unit, cost_type, labels_json\n\
         ORDER BY day, service_description, sku_id, project_id, labels_json, cost_type"
    )
}

fn ts_param(name: &str, t: NaiveDateTime) -> Value {
    json!({
        "name": name,
        "parameterType": {"type": "TIMESTAMP"},
        "parameterValue": {"value": t.format("%Y-%m-%d %H:%M:%S%.6f UTC").to_string()},
    })
}

/// The `jobs.query` request body.
pub fn query_body(cfg: &SourceConfig, table: &str, plan: &QueryPlan) -> Value {
    let floor = plan
        .window
        .end
        .checked_sub_months(Months::new(14))
        .unwrap_or(plan.window.start)
        .min(plan.window.start);
    let last_export = plan
        .last_export_micros
        .and_then(DateTime::from_timestamp_micros)
        .map(|t| t.naive_utc())
        // first sync: nothing counts as changed beyond the window itself
        .unwrap_or_else(|| {
            chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
                .unwrap_or(plan.window.end)
                .and_time(chrono::NaiveTime::MIN)
        });
    let mut body = json!({
        "query": query_sql(table),
        "useLegacySql": false,
        "parameterMode": "NAMED",
        "queryParameters": [
            ts_param("start", plan.window.start_ts()),
            ts_param("end", plan.window.end_ts()),
            ts_param("floor", floor.and_time(chrono::NaiveTime::MIN)),
            ts_param("last_export", last_export),
        ],
        "maxResults": PAGE_ROWS,
        "timeoutMs": 10_000,
        "formatOptions": {"useInt64Timestamp": true},
    });
    if let Some(loc) = &cfg.location {
        body["location"] = Value::String(loc.clone());
    }
    body
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryResponse {
    #[serde(default)]
    job_complete: bool,
    job_reference: Option<JobReference>,
    schema: Option<Schema>,
    #[serde(default)]
    rows: Vec<Row>,
    page_token: Option<String>,
    #[serde(default)]
    errors: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JobReference {
    project_id: String,
    job_id: String,
    location: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Schema {
    fields: Vec<Field>,
}

#[derive(Debug, Deserialize)]
struct Field {
    name: String,
}

#[derive(Debug, Deserialize)]
struct Row {
    f: Vec<Cell>,
}

#[derive(Debug, Deserialize)]
struct Cell {
    v: Value,
}

/// The rows of the window and the latest `export_time` among them.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub rows: Vec<ExportRow>,
    pub max_export_micros: Option<i64>,
    pub requests: u64,
}

/// The BigQuery API base the source queries: `bigquery_url`, else Google's.
pub fn bigquery_url(cfg: &SourceConfig) -> &str {
    cfg.bigquery_url.as_deref().unwrap_or(DEFAULT_BIGQUERY_URL)
}

/// The token endpoint: `token_url`, else the key's `token_uri`, else Google's.
pub fn token_url(cfg: &SourceConfig, sa: Option<&ServiceAccount>) -> String {
    cfg.token_url
        .clone()
        .or_else(|| sa.and_then(|sa| sa.token_uri.clone()))
        .unwrap_or_else(|| DEFAULT_TOKEN_URL.to_string())
}

/// Runs the query: token exchange, jobs.query, polling, pages.
pub async fn fetch(
    source: &str,
    cfg: &SourceConfig,
    plan: &QueryPlan,
    policy: RetryPolicy,
) -> Result<Fetched, (SourceError, u64)> {
    let other = |message: String| SourceError::Other {
        source_name: source.to_string(),
        message,
    };
    let (Some(project), Some(table)) = (&cfg.project, &cfg.table) else {
        return Err((other("needs project and table in the config".into()), 0));
    };
    let sa = service_account(source).map_err(|e| (e, 0))?;
    let token_url = token_url(cfg, Some(&sa));
    let (token, token_requests) = access_token(source, &sa, &token_url, policy.clone())
        .await
        .map_err(|e| (e, 1))?;
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| (other("the access token is not a valid header".into()), 1))?;
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    let http =
        Http::new(source, bigquery_url(cfg), headers, policy).map_err(|e| (e, token_requests))?;
    let result = run_query(&http, project, cfg, table, plan).await;
    let requests = token_requests + http.requests();
    match result {
        Ok((rows, max_export_micros)) => Ok(Fetched {
            rows,
            max_export_micros,
            requests,
        }),
        Err(e) => Err((e, requests)),
    }
}

async fn run_query(
    http: &Http,
    project: &str,
    cfg: &SourceConfig,
    table: &str,
    plan: &QueryPlan,
) -> Result<(Vec<ExportRow>, Option<i64>), SourceError> {
    let path = format!("/bigquery/v2/projects/{project}/queries");
    let url = http.url(&path);
    let body = query_body(cfg, table, plan);
    let headers = http.headers().clone();
    let mut resp: QueryResponse = http
        .send_json(&format!("POST {path}"), |c| {
            Ok(c.post(&url).headers(headers.clone()).json(&body))
        })
        .await?;
    check_errors(http, &resp)?;
    let job = resp
        .job_reference
        .take()
        .ok_or_else(|| malformed(http, &path, "no jobReference"))?;
    let results_path = format!(
        "/bigquery/v2/projects/{}/queries/{}",
        job.project_id, job.job_id
    );
    let query = |page: Option<&str>| {
        let mut q = vec![
            ("maxResults".to_string(), PAGE_ROWS.to_string()),
            ("timeoutMs".to_string(), "10000".to_string()),
            (
                "formatOptions.useInt64Timestamp".to_string(),
                "true".to_string(),
            ),
        ];
        if let Some(loc) = &job.location {
            q.push(("location".to_string(), loc.clone()));
        }
        if let Some(p) = page {
            q.push(("pageToken".to_string(), p.to_string()));
        }
        q
    };
    let mut polls = 0;
    while !resp.job_complete {
        polls += 1;
        if polls > MAX_POLLS {
            return Err(SourceError::Other {
                source_name: http.source.clone(),
                message: format!(
                    "job {} did not complete after {MAX_POLLS} polls",
                    job.job_id
                ),
            });
        }
        resp = http.get_json(&results_path, &query(None)).await?;
        check_errors(http, &resp)?;
    }
    let names: Vec<String> = resp
        .schema
        .as_ref()
        .ok_or_else(|| malformed(http, &results_path, "a complete job without a schema"))?
        .fields
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let mut out = Vec::new();
    let mut max_export = None;
    let mut seen_tokens = std::collections::HashSet::new();
    loop {
        for (i, row) in resp.rows.iter().enumerate() {
            let (r, export) = export_row(&names, row)
                .map_err(|m| malformed(http, &results_path, &format!("rows[{i}]: {m}")))?;
            max_export = max_export.max(export);
            out.push(r);
        }
        match resp.page_token.take() {
            Some(t) if !t.is_empty() => {
                if !seen_tokens.insert(t.clone()) {
                    return Err(malformed(
                        http,
                        &results_path,
                        "the same pageToken came back twice",
                    ));
                }
                resp = http.get_json(&results_path, &query(Some(&t))).await?;
                check_errors(http, &resp)?;
            }
            _ => break,
        }
    }
    Ok((out, max_export))
}

fn check_errors(http: &Http, resp: &QueryResponse) -> Result<(), SourceError> {
    match resp.errors.first() {
        None => Ok(()),
        Some(e) => Err(SourceError::Other {
            source_name: http.source.clone(),
            message: format!(
                "the query failed: {}",
                e.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown error")
            ),
        }),
    }
}

fn malformed(http: &Http, endpoint: &str, message: &str) -> SourceError {
    SourceError::Malformed {
        source_name: http.source.clone(),
        endpoint: endpoint.to_string(),
        message: message.to_string(),
    }
}

/// One result row (cells in schema order, every scalar a string) as an [`ExportRow`].
fn export_row(names: &[String], row: &Row) -> Result<(ExportRow, Option<i64>), String> {
    if row.f.len() != names.len() {
        return Err(format!(
            "{} cells for {} schema fields",
            row.f.len(),
            names.len()
        ));
    }
    let cells: HashMap<&str, Option<&str>> = names
        .iter()
        .zip(&row.f)
        .map(|(n, c)| (n.as_str(), c.v.as_str()))
        .collect();
    let get = |k: &str| cells.get(k).copied().flatten().map(str::to_string);
    let need = |k: &str| get(k).ok_or_else(|| format!("{k} is missing"));
    let micros = |k: &str| -> Result<Option<i64>, String> {
        get(k)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| format!("{k} is not int64 microseconds: {v}"))
            })
            .transpose()
    };
    let day_micros = micros("day")?.ok_or("day is missing")?;
    let start = DateTime::from_timestamp_micros(day_micros)
        .ok_or("day is out of range")?
        .naive_utc();
    let labels: BTreeMap<String, String> = match get("labels_json") {
        None => BTreeMap::new(),
        Some(j) => {
            #[derive(Deserialize)]
            struct Label {
                key: String,
                value: Option<String>,
            }
            let list: Vec<Label> = serde_json::from_str(&j)
                .map_err(|_| format!("labels_json is not a label list: {j}"))?;
            list.into_iter()
                .map(|l| (l.key, l.value.unwrap_or_default()))
                .collect()
        }
    };
    let row = ExportRow {
        billing_account_id: need("billing_account_id")?,
        service_description: need("service_description")?,
        sku_id: get("sku_id"),
        sku_description: get("sku_description"),
        project_id: get("project_id"),
        project_name: get("project_name"),
        usage_start_time: start,
        usage_end_time: start + chrono::Duration::days(1),
        cost: need("cost")?,
        credits: get("credits").unwrap_or_else(|| "0".to_string()),
        cost_at_list: get("cost_at_list"),
        currency: need("currency")?,
        usage_amount: get("usage_amount"),
        usage_unit: get("usage_unit"),
        cost_type: get("cost_type"),
        labels,
    };
    Ok((row, micros("export_time")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_decode_by_schema_name() {
        let names: Vec<String> = [
            "billing_account_id",
            "service_description",
            "day",
            "cost",
            "credits",
            "currency",
            "labels_json",
            "export_time",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let row: Row = serde_json::from_value(json!({"f": [
            {"v": "0101"}, {"v": "Vertex AI"}, {"v": "1783468800000000"}, {"v": "12.5"},
            {"v": "-0.5"}, {"v": "USD"}, {"v": "[{\"key\":\"team\",\"value\":\"search\"}]"}, {"v": "1783500000000000"}
        ]}))
        .expect("row");
        let (r, export) = export_row(&names, &row).expect("decoded");
        assert_eq!(r.usage_start_time.to_string(), "2026-07-08 00:00:00");
        assert_eq!(r.labels.get("team").map(String::as_str), Some("search"));
        assert_eq!(export, Some(1_783_500_000_000_000));
        assert_eq!(r.credits, "-0.5");
    }
}

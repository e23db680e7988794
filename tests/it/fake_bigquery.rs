//! A fake Google OAuth token endpoint and BigQuery REST API over a billing-export dataset
//! (reference/cloud-billing.md 3.4-3.5): `POST /token` verifies the RS256 JWT assertion against
//! the test-only public key, `POST /bigquery/v2/projects/{p}/queries` checks the bearer token
//! and named parameters and answers `jobComplete: false` the first `polls` times, then
//! `GET .../queries/{jobId}` serves the rows `page_rows` at a time with `pageToken`s. The fake
//! evaluates tollgate's query itself: rows summed per day/SKU/project/labels/cost type, window
//! widened to the earliest day with rows exported after `@last_export`.
#![allow(dead_code)]
// Handlers return the error response itself; its size does not matter here.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::fake_server::{self as fs, Control, FakeServer};

pub const PRIVATE_KEY: &str = include_str!("fixtures/gcp-test-only-key.pem");
pub const PUBLIC_KEY: &str = include_str!("fixtures/gcp-test-only-pub.pem");
pub const CLIENT_EMAIL: &str = "tollgate-test@acme-finops.iam.gserviceaccount.com";
pub const ACCESS_TOKEN: &str = "ya29.TEST-only-access-token-0123456789abcdef";
pub const TABLE: &str = "acme-finops.billing.gcp_billing_export_v1_010101_F0FFF0_61C528";
pub const PROJECT: &str = "acme-finops";

/// (service, sku id, sku description, project, team label or "", credit percent).
pub const CELLS: [(&str, &str, &str, &str, &str, i64); 4] = [
    (
        "Vertex AI",
        "sku-gem-in",
        "Gemini 2.5 Pro Input Tokens",
        "ml-prod",
        "search",
        0,
    ),
    (
        "Vertex AI",
        "sku-emb",
        "Text Embedding 005 Input Characters",
        "ml-prod",
        "search",
        10,
    ),
    (
        "Compute Engine",
        "sku-h100",
        "Nvidia H100 80GB GPU running in Americas (Spot)",
        "research-sandbox",
        "research",
        25,
    ),
    (
        "Cloud Storage",
        "sku-std",
        "Standard Storage US Multi-region",
        "ml-prod",
        "",
        0,
    ),
];

/// One raw export row.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub day: NaiveDate,
    pub cell: usize,
    pub cost: Decimal,
    pub credits: Decimal,
    pub export_time: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct BqSpec {
    pub seed: u64,
    pub start: NaiveDate,
    pub days: u32,
    /// jobComplete is false for this many responses (the insert and the first polls).
    pub polls: usize,
    pub page_rows: usize,
}

struct Inner {
    spec: BqSpec,
    rows: Vec<ExportRow>,
    jobs: BTreeMap<String, (Vec<Vec<Value>>, usize)>,
    query_bodies: Vec<Value>,
    tokens_issued: usize,
}

pub struct FakeBigQuery {
    server: FakeServer,
    pub control: Arc<Control>,
    inner: Arc<Mutex<Inner>>,
}

#[derive(Clone)]
struct AppState {
    control: Arc<Control>,
    inner: Arc<Mutex<Inner>>,
    base_url: Arc<Mutex<String>>,
}

fn dataset(spec: &BqSpec) -> Vec<ExportRow> {
    let mut out = Vec::new();
    for d in 0..spec.days {
        let day = spec.start + Duration::days(i64::from(d));
        for (i, cell) in CELLS.iter().enumerate() {
            let h = fs::mix(&[spec.seed, u64::from(d), i as u64]);
            let cost = Decimal::new((h % 90_000_000) as i64 + 1, 6);
            let credits = -(cost * Decimal::new(cell.5, 2)).round_dp(6);
            out.push(ExportRow {
                day,
                cell: i,
                cost,
                credits,
                export_time: (day + Duration::days(1))
                    .and_hms_opt(6, 0, 0)
                    .expect("time"),
            });
        }
    }
    out
}

impl FakeBigQuery {
    pub fn start(spec: BqSpec) -> FakeBigQuery {
        let control = Arc::new(Control::default());
        let inner = Arc::new(Mutex::new(Inner {
            rows: dataset(&spec),
            spec,
            jobs: BTreeMap::new(),
            query_bodies: Vec::new(),
            tokens_issued: 0,
        }));
        let base_url = Arc::new(Mutex::new(String::new()));
        let state = AppState {
            control: control.clone(),
            inner: inner.clone(),
            base_url: base_url.clone(),
        };
        let router = axum::Router::new()
            .route("/token", axum::routing::post(token))
            .route(
                "/bigquery/v2/projects/{project}/queries",
                axum::routing::post(query),
            )
            .route(
                "/bigquery/v2/projects/{project}/queries/{job}",
                axum::routing::get(results),
            )
            .with_state(state);
        let server = FakeServer::spawn(router);
        *base_url.lock().expect("lock") = server.base_url.clone();
        FakeBigQuery {
            server,
            control,
            inner,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.server.base_url
    }

    pub fn token_url(&self) -> String {
        format!("{}/token", self.server.base_url)
    }

    /// A service-account key file's JSON for the test key.
    pub fn key_json(&self) -> String {
        json!({
            "type": "service_account",
            "project_id": PROJECT,
            "private_key_id": "test-key-1",
            "private_key": PRIVATE_KEY,
            "client_email": CLIENT_EMAIL,
            "token_uri": "https://oauth2.googleapis.com/token",
        })
        .to_string()
    }

    pub fn rows(&self) -> Vec<ExportRow> {
        self.inner.lock().expect("lock").rows.clone()
    }

    /// Appends a late correction row.
    pub fn add_row(&self, row: ExportRow) {
        self.inner.lock().expect("lock").rows.push(row);
    }

    pub fn query_bodies(&self) -> Vec<Value> {
        self.inner.lock().expect("lock").query_bodies.clone()
    }

    pub fn tokens_issued(&self) -> usize {
        self.inner.lock().expect("lock").tokens_issued
    }

    /// Exact (cost, cost + credits) per month of the rows `keep` selects.
    pub fn monthly(
        &self,
        keep: impl Fn(&ExportRow) -> bool,
    ) -> BTreeMap<String, (Decimal, Decimal)> {
        let mut out: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
        for r in self.rows().iter().filter(|r| keep(r)) {
            let e = out.entry(r.day.format("%Y-%m").to_string()).or_default();
            e.0 += r.cost;
            e.1 += r.cost + r.credits;
        }
        out
    }
}

fn google_error(status: StatusCode, reason: &str, message: &str) -> Response {
    fs::json_response(
        status,
        &json!({"error": {"code": status.as_u16(), "message": message, "errors": [{"reason": reason, "message": message}], "status": reason}}),
        &[],
    )
}

async fn token(State(st): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    st.control.on_request("/token");
    let bad = |desc: &str| {
        fs::json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": "invalid_grant", "error_description": desc}),
            &[],
        )
    };
    if headers.get("content-type").and_then(|v| v.to_str().ok())
        != Some("application/x-www-form-urlencoded")
    {
        return bad("Content-Type must be application/x-www-form-urlencoded");
    }
    let form = fs::query_pairs(std::str::from_utf8(&body).ok());
    if fs::first(&form, "grant_type") != Some("urn:ietf:params:oauth:grant-type:jwt-bearer") {
        return bad("Invalid grant_type");
    }
    let Some(assertion) = fs::first(&form, "assertion") else {
        return bad("Missing assertion");
    };
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).expect("public key");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    let aud = format!("{}/token", st.base_url.lock().expect("lock"));
    validation.set_audience(&[aud.as_str()]);
    validation.set_issuer(&[CLIENT_EMAIL]);
    validation.set_required_spec_claims(&["exp", "iat", "aud", "iss"]);
    let claims = match jsonwebtoken::decode::<Value>(assertion, &key, &validation) {
        Ok(d) => d.claims,
        Err(e) => return bad(&format!("Invalid JWT: {e}")),
    };
    let (iat, exp) = (
        claims["iat"].as_i64().unwrap_or(0),
        claims["exp"].as_i64().unwrap_or(0),
    );
    if exp - iat > 3600 || !claims["scope"].as_str().unwrap_or("").contains("bigquery") {
        return bad("Invalid JWT: exp more than an hour after iat, or no BigQuery scope");
    }
    st.inner.lock().expect("lock").tokens_issued += 1;
    fs::json_response(
        StatusCode::OK,
        &json!({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"}),
        &[],
    )
}

fn authorized(headers: &HeaderMap) -> Result<(), Response> {
    let want = format!("Bearer {ACCESS_TOKEN}");
    if headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(want.as_str()) {
        Ok(())
    } else {
        Err(google_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials.",
        ))
    }
}

fn param(body: &Value, name: &str) -> Option<NaiveDateTime> {
    let p = body["queryParameters"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)?;
    if p["parameterType"]["type"] != "TIMESTAMP" {
        return None;
    }
    let v = p["parameterValue"]["value"].as_str()?;
    NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S%.f UTC").ok()
}

fn micros(t: NaiveDateTime) -> Value {
    Value::String(t.and_utc().timestamp_micros().to_string())
}

/// Evaluates tollgate's query over the dataset: the result rows in schema order.
fn evaluate(
    rows: &[ExportRow],
    start: NaiveDateTime,
    end: NaiveDateTime,
    floor: NaiveDateTime,
    last_export: NaiveDateTime,
) -> Vec<Vec<Value>> {
    let in_range: Vec<&ExportRow> = rows
        .iter()
        .filter(|r| {
            let t = r.day.and_hms_opt(0, 0, 0).expect("t");
            t >= floor && t < end
        })
        .collect();
    let changed = in_range
        .iter()
        .filter(|r| r.export_time > last_export)
        .map(|r| r.day)
        .min();
    let from = changed.map_or(start, |d| start.min(d.and_hms_opt(0, 0, 0).expect("t")));
    let mut groups: BTreeMap<(NaiveDate, usize), (Decimal, Decimal, NaiveDateTime)> =
        BTreeMap::new();
    for r in in_range
        .iter()
        .filter(|r| r.day.and_hms_opt(0, 0, 0).expect("t") >= from)
    {
        let e =
            groups
                .entry((r.day, r.cell))
                .or_insert((Decimal::ZERO, Decimal::ZERO, r.export_time));
        e.0 += r.cost;
        e.1 += r.credits;
        e.2 = e.2.max(r.export_time);
    }
    groups
        .into_iter()
        .map(|((day, cell), (cost, credits, export))| {
            let (service, sku, desc, project, team, _) = CELLS[cell];
            let labels = if team.is_empty() {
                "[]".to_string()
            } else {
                format!("[{{\"key\":\"team\",\"value\":\"{team}\"}}]")
            };
            vec![
                json!("010101-F0FFF0-61C528"),
                json!(service),
                json!(sku),
                json!(desc),
                json!(project),
                json!(project),
                micros(day.and_hms_opt(0, 0, 0).expect("t")),
                json!(cost.normalize().to_string()),
                json!(credits.normalize().to_string()),
                Value::Null,
                json!("USD"),
                json!("1000"),
                json!("count"),
                json!("regular"),
                json!(labels),
                micros(export),
            ]
        })
        .collect()
}

const FIELDS: [(&str, &str); 16] = [
    ("billing_account_id", "STRING"),
    ("service_description", "STRING"),
    ("sku_id", "STRING"),
    ("sku_description", "STRING"),
    ("project_id", "STRING"),
    ("project_name", "STRING"),
    ("day", "TIMESTAMP"),
    ("cost", "STRING"),
    ("credits", "STRING"),
    ("cost_at_list", "STRING"),
    ("currency", "STRING"),
    ("usage_amount", "STRING"),
    ("usage_unit", "STRING"),
    ("cost_type", "STRING"),
    ("labels_json", "STRING"),
    ("export_time", "TIMESTAMP"),
];

fn page_response(
    job: &str,
    rows: &[Vec<Value>],
    page: usize,
    page_rows: usize,
    complete: bool,
) -> Value {
    let mut resp = json!({
        "kind": "bigquery#getQueryResultsResponse",
        "jobReference": {"projectId": PROJECT, "jobId": job, "location": "US"},
        "jobComplete": complete,
    });
    if !complete {
        return resp;
    }
    let slice = rows.iter().skip(page * page_rows).take(page_rows);
    resp["schema"] = json!({"fields": FIELDS.iter().map(|(n, t)| json!({"name": n, "type": t, "mode": "NULLABLE"})).collect::<Vec<_>>()});
    resp["totalRows"] = json!(rows.len().to_string());
    resp["rows"] = Value::Array(
        slice
            .map(|r| json!({"f": r.iter().map(|v| json!({"v": v})).collect::<Vec<_>>()}))
            .collect(),
    );
    if (page + 1) * page_rows < rows.len() {
        resp["pageToken"] = json!(fs::cursor("bq-", page + 1));
    }
    resp
}

async fn query(
    State(st): State<AppState>,
    UrlPath(project): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    st.control.on_request("/queries");
    if let Err(r) = authorized(&headers) {
        return r;
    }
    let invalid = |m: &str| google_error(StatusCode::BAD_REQUEST, "invalidQuery", m);
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return invalid("body is not JSON");
    };
    if project != PROJECT || body["useLegacySql"] != false || body["parameterMode"] != "NAMED" {
        return invalid("expected project acme-finops, useLegacySql false, parameterMode NAMED");
    }
    if !body["query"]
        .as_str()
        .unwrap_or("")
        .contains(&format!("`{TABLE}`"))
    {
        return invalid("the query does not read the configured export table");
    }
    let (Some(start), Some(end), Some(floor), Some(last)) = (
        param(&body, "start"),
        param(&body, "end"),
        param(&body, "floor"),
        param(&body, "last_export"),
    ) else {
        return invalid(
            "Query parameter 'start', 'end', 'floor' or 'last_export' not found or not a TIMESTAMP",
        );
    };
    let mut g = st.inner.lock().expect("lock");
    g.query_bodies.push(body.clone());
    let rows = evaluate(&g.rows, start, end, floor, last);
    let job = format!("job_{}", g.jobs.len() + 1);
    let polls = g.spec.polls;
    let page_rows = g.spec.page_rows;
    g.jobs.insert(job.clone(), (rows.clone(), polls));
    let complete = polls == 0;
    let mut resp = page_response(&job, &rows, 0, page_rows, complete);
    resp["kind"] = json!("bigquery#queryResponse");
    fs::json_response(StatusCode::OK, &resp, &[])
}

async fn results(
    State(st): State<AppState>,
    UrlPath((_project, job)): UrlPath<(String, String)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Response {
    st.control.on_request("/results");
    if let Err(r) = authorized(&headers) {
        return r;
    }
    let q = fs::query_pairs(q.as_deref());
    let mut g = st.inner.lock().expect("lock");
    let page_rows = g.spec.page_rows;
    let Some((rows, polls_left)) = g.jobs.get_mut(&job) else {
        return google_error(
            StatusCode::NOT_FOUND,
            "notFound",
            &format!("Not found: Job {job}"),
        );
    };
    if *polls_left > 1 {
        *polls_left -= 1;
        return fs::json_response(
            StatusCode::OK,
            &page_response(&job, rows, 0, page_rows, false),
            &[],
        );
    }
    *polls_left = 0;
    let page = match fs::first(&q, "pageToken") {
        None => 0,
        Some(t) => match fs::parse_cursor("bq-", t) {
            Some(p) => p,
            None => return google_error(StatusCode::BAD_REQUEST, "invalid", "Invalid page token"),
        },
    };
    fs::json_response(
        StatusCode::OK,
        &page_response(&job, rows, page, page_rows, true),
        &[],
    )
}

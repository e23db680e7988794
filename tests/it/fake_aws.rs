//! A fake AWS Cost Explorer (reference/cloud-billing.md 2.1): `POST /` with
//! `X-Amz-Target: AWSInsightsIndexService.GetCostAndUsage`, JSON 1.1 bodies, SigV4 checked
//! against a known test key by an independent implementation (sha2 + a hand-written HMAC, not
//! the aws-sigv4 crate the client uses), the real error shapes (`__type` + `message`), DAILY
//! results grouped by SERVICE + USAGE_TYPE or SERVICE + TAG, SERVICE and tag filters, string
//! amounts, `Estimated` periods and NextPageToken pages of `page_groups` groups.
#![allow(dead_code)]
// Handlers return the error response itself; its size does not matter here.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::fake_server::{self as fs, Control, FakeServer, Fault};

/// AWS's documented example key pair: test-only, never valid anywhere.
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const TARGET: &str = "AWSInsightsIndexService.GetCostAndUsage";

/// (service, usage type, value of tag `team` or "" for untagged, amortized share in percent).
pub const CELLS: [(&str, &str, &str, i64); 7] = [
    (
        "Amazon Bedrock",
        "USE1-Claude3.5Sonnet-input-tokens",
        "search",
        100,
    ),
    (
        "Amazon Bedrock",
        "USE1-Claude3.5Sonnet-output-tokens",
        "search",
        100,
    ),
    (
        "Amazon Bedrock",
        "USE1-TitanEmbeddingsG2-Text-input-tokens",
        "search",
        100,
    ),
    (
        "Amazon Bedrock",
        "USE1-Claude3.5Sonnet-cache-read-input-token-count",
        "support",
        100,
    ),
    (
        "Amazon Elastic Compute Cloud - Compute",
        "USE1-SpotUsage:p5.48xlarge",
        "research",
        100,
    ),
    (
        "Amazon Elastic Compute Cloud - Compute",
        "USE1-BoxUsage:g5.xlarge",
        "",
        80,
    ),
    (
        "Amazon Simple Storage Service",
        "USE1-TimedStorage-ByteHrs",
        "",
        100,
    ),
];

#[derive(Debug, Clone)]
pub struct AwsSpec {
    pub seed: u64,
    pub start: NaiveDate,
    pub days: u32,
    /// Groups per page before a NextPageToken.
    pub page_groups: usize,
    /// Days on or after this are `Estimated: true`.
    pub estimated_from: Option<NaiveDate>,
    /// Added to every UnblendedCost (and AmortizedCost) of days on or after `revised_from`:
    /// a later revision of estimated figures.
    pub revision: Decimal,
    pub revised_from: Option<NaiveDate>,
    /// The Unit of every cost metric.
    pub currency: &'static str,
}

impl AwsSpec {
    pub fn new(start: NaiveDate, days: u32) -> AwsSpec {
        AwsSpec {
            seed: 7,
            start,
            days,
            page_groups: 500,
            estimated_from: None,
            revision: Decimal::ZERO,
            revised_from: None,
            currency: "USD",
        }
    }
}

/// One group of one day, before aggregation by the requested GroupBy.
#[derive(Debug, Clone)]
pub struct Cell {
    pub day: NaiveDate,
    pub service: &'static str,
    pub usage_type: &'static str,
    pub team: &'static str,
    pub unblended: Decimal,
    pub amortized: Decimal,
    pub quantity: Decimal,
}

struct Inner {
    spec: AwsSpec,
    bodies: Vec<Value>,
}

pub struct FakeAws {
    server: FakeServer,
    pub control: Arc<Control>,
    inner: Arc<Mutex<Inner>>,
}

#[derive(Clone)]
struct AppState {
    control: Arc<Control>,
    inner: Arc<Mutex<Inner>>,
}

impl FakeAws {
    pub fn start(spec: AwsSpec) -> FakeAws {
        let control = Arc::new(Control::default());
        let inner = Arc::new(Mutex::new(Inner {
            spec,
            bodies: Vec::new(),
        }));
        let state = AppState {
            control: control.clone(),
            inner: inner.clone(),
        };
        let router = axum::Router::new()
            .route("/", axum::routing::post(handle))
            .with_state(state);
        FakeAws {
            server: FakeServer::spawn(router),
            control,
            inner,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.server.base_url
    }

    /// The JSON bodies of every accepted request, in order.
    pub fn bodies(&self) -> Vec<Value> {
        self.inner.lock().expect("lock").bodies.clone()
    }

    pub fn set_spec(&self, f: impl FnOnce(&mut AwsSpec)) {
        f(&mut self.inner.lock().expect("lock").spec);
    }

    pub fn cells(&self) -> Vec<Cell> {
        cells(&self.inner.lock().expect("lock").spec)
    }

    /// Exact (UnblendedCost, AmortizedCost) per month `YYYY-MM` of the cells `keep` selects.
    pub fn monthly(&self, keep: impl Fn(&Cell) -> bool) -> BTreeMap<String, (Decimal, Decimal)> {
        let mut out: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
        for c in self.cells().iter().filter(|c| keep(c)) {
            let e = out.entry(c.day.format("%Y-%m").to_string()).or_default();
            e.0 += c.unblended;
            e.1 += c.amortized;
        }
        out
    }
}

/// The dataset: every cell of every day, amounts with four decimals.
pub fn cells(spec: &AwsSpec) -> Vec<Cell> {
    let mut out = Vec::new();
    for d in 0..spec.days {
        let day = spec.start + Duration::days(i64::from(d));
        for (i, (service, usage_type, team, amortized_pct)) in CELLS.iter().enumerate() {
            let h = fs::mix(&[spec.seed, u64::from(d), i as u64]);
            let mut unblended = Decimal::new((h % 2_000_000) as i64 + 1, 4);
            if spec.revised_from.is_some_and(|e| day >= e) {
                unblended += spec.revision;
            }
            let amortized = (unblended * Decimal::new(*amortized_pct, 2)).round_dp(4);
            out.push(Cell {
                day,
                service,
                usage_type,
                team,
                unblended,
                amortized,
                quantity: Decimal::from(h % 100_000),
            });
        }
    }
    out
}

fn aws_error(status: StatusCode, kind: &str, message: &str) -> Response {
    fs::json_response(status, &json!({"__type": kind, "message": message}), &[])
}

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut k = if key.len() > 64 {
        Sha256::digest(key).to_vec()
    } else {
        key.to_vec()
    };
    k.resize(64, 0);
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner: Vec<u8> = Sha256::digest([ipad.as_slice(), msg].concat()).to_vec();
    Sha256::digest([opad, inner].concat()).to_vec()
}

/// Checks the SigV4 `Authorization` header the way Cost Explorer does, for the test key.
fn verify_signature(headers: &HeaderMap, body: &[u8]) -> Result<(), Response> {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let auth = h("authorization");
    let missing = || {
        aws_error(
            StatusCode::BAD_REQUEST,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )
    };
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(missing)?;
    let mut parts = BTreeMap::new();
    for p in rest.split(", ") {
        let (k, v) = p.split_once('=').ok_or_else(missing)?;
        parts.insert(k.trim(), v.trim());
    }
    let credential = parts.get("Credential").ok_or_else(missing)?;
    let signed = parts.get("SignedHeaders").ok_or_else(missing)?;
    let signature = parts.get("Signature").ok_or_else(missing)?;
    let scope: Vec<&str> = credential.split('/').collect();
    if scope.len() != 5 || scope[0] != ACCESS_KEY_ID {
        return Err(aws_error(
            StatusCode::BAD_REQUEST,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    }
    if scope[2] != "us-east-1" || scope[3] != "ce" || scope[4] != "aws4_request" {
        return Err(aws_error(
            StatusCode::FORBIDDEN,
            "InvalidSignatureException",
            &format!(
                "Credential should be scoped to a valid region and service 'ce', not '{}/{}'",
                scope[2], scope[3]
            ),
        ));
    }
    let names: Vec<&str> = signed.split(';').collect();
    for required in ["content-type", "host", "x-amz-date", "x-amz-target"] {
        if !names.contains(&required) {
            return Err(aws_error(
                StatusCode::FORBIDDEN,
                "InvalidSignatureException",
                &format!("'{required}' must be a signed header"),
            ));
        }
    }
    let amz_date = h("x-amz-date");
    let canonical_headers: String = names
        .iter()
        .map(|n| {
            format!(
                "{n}:{}\n",
                h(n).split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .collect();
    let canonical = format!(
        "POST\n/\n\n{canonical_headers}\n{signed}\n{}",
        hex::encode(Sha256::digest(body))
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}/us-east-1/ce/aws4_request\n{}",
        scope[1],
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let k_date = hmac(
        format!("AWS4{SECRET_ACCESS_KEY}").as_bytes(),
        scope[1].as_bytes(),
    );
    let k_region = hmac(&k_date, b"us-east-1");
    let k_service = hmac(&k_region, b"ce");
    let k_signing = hmac(&k_service, b"aws4_request");
    let expected = hex::encode(hmac(&k_signing, string_to_sign.as_bytes()));
    if expected != *signature || !amz_date.starts_with(scope[1]) {
        return Err(aws_error(
            StatusCode::FORBIDDEN,
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    Ok(())
}

fn validation(message: &str) -> Response {
    aws_error(StatusCode::BAD_REQUEST, "ValidationException", message)
}

/// Whether a cell passes a Cost Explorer filter expression.
fn passes(filter: &Value, c: &Cell) -> Result<bool, String> {
    if let Some(all) = filter.get("And").and_then(Value::as_array) {
        for f in all {
            if !passes(f, c)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    if let Some(d) = filter.get("Dimensions") {
        if d["Key"] != "SERVICE" {
            return Err(format!("unsupported dimension {}", d["Key"]));
        }
        let values = d["Values"].as_array().ok_or("Dimensions.Values")?;
        return Ok(values.iter().any(|v| v == c.service));
    }
    if let Some(t) = filter.get("Tags") {
        if t["Key"] != "team" {
            return Ok(false);
        }
        let values = t["Values"].as_array().ok_or("Tags.Values")?;
        return Ok(values.iter().any(|v| v == c.team));
    }
    Err(format!("unsupported filter {filter}"))
}

async fn handle(State(st): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (fault, _) = st.control.on_request("/");
    if let Err(r) = verify_signature(&headers, &body) {
        return r;
    }
    if headers.get("x-amz-target").and_then(|v| v.to_str().ok()) != Some(TARGET) {
        return aws_error(StatusCode::BAD_REQUEST, "UnknownOperationException", "");
    }
    if headers.get("content-type").and_then(|v| v.to_str().ok())
        != Some("application/x-amz-json-1.1")
    {
        return validation("Content-Type must be application/x-amz-json-1.1");
    }
    if let Some(Fault::RateLimit { .. }) = fault {
        return aws_error(
            StatusCode::BAD_REQUEST,
            "ThrottlingException",
            "Rate exceeded",
        );
    }
    if let Some(Fault::ServerError) = fault {
        return aws_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalFailure",
            "internal error",
        );
    }
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => return aws_error(StatusCode::BAD_REQUEST, "SerializationException", ""),
    };
    let spec = {
        let mut g = st.inner.lock().expect("lock");
        g.bodies.push(req.clone());
        g.spec.clone()
    };
    let day = |k: &str| {
        NaiveDate::parse_from_str(req["TimePeriod"][k].as_str().unwrap_or(""), "%Y-%m-%d")
    };
    let (Ok(start), Ok(end)) = (day("Start"), day("End")) else {
        return validation("TimePeriod Start and End must be YYYY-MM-DD");
    };
    if start >= end {
        return validation("Start date (inclusive) must be before end date (exclusive)");
    }
    if req["Granularity"] != "DAILY" {
        return validation("this fake serves DAILY granularity");
    }
    let metrics: Vec<&str> = req["Metrics"]
        .as_array()
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let group_by: Vec<(String, String)> = req["GroupBy"]
        .as_array()
        .map(|g| {
            g.iter()
                .map(|x| {
                    (
                        x["Type"].as_str().unwrap_or("").to_string(),
                        x["Key"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if group_by.len() > 2 {
        return validation("GroupBy takes at most two groups");
    }
    let mut selected = Vec::new();
    for c in cells(&spec)
        .into_iter()
        .filter(|c| c.day >= start && c.day < end)
    {
        match req.get("Filter").map(|f| passes(f, &c)) {
            Some(Err(m)) => return validation(&m),
            Some(Ok(false)) => continue,
            _ => selected.push(c),
        }
    }
    // aggregate by day and the requested group keys
    let mut groups: BTreeMap<(NaiveDate, Vec<String>), (Decimal, Decimal, Decimal)> =
        BTreeMap::new();
    for c in &selected {
        let mut keys = Vec::new();
        for (t, k) in &group_by {
            keys.push(match (t.as_str(), k.as_str()) {
                ("DIMENSION", "SERVICE") => c.service.to_string(),
                ("DIMENSION", "USAGE_TYPE") => c.usage_type.to_string(),
                ("TAG", "team") => format!("team${}", c.team),
                ("TAG", other) => format!("{other}$"),
                _ => return validation(&format!("unsupported GroupBy {t}/{k}")),
            });
        }
        let e = groups.entry((c.day, keys)).or_default();
        e.0 += c.unblended;
        e.1 += c.amortized;
        e.2 += c.quantity;
    }
    let entries: Vec<_> = groups.into_iter().collect();
    let offset = match req.get("NextPageToken").and_then(Value::as_str) {
        None => 0,
        Some(t) => match fs::parse_cursor("ce-", t) {
            Some(o) if o < entries.len() => o,
            _ => {
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidNextTokenException",
                    "Invalid next token",
                )
            }
        },
    };
    let page = &entries[offset..(offset + spec.page_groups).min(entries.len())];
    let next = offset + page.len();
    let mut by_day: BTreeMap<NaiveDate, Vec<Value>> = BTreeMap::new();
    for ((day, keys), (u, a, q)) in page {
        let mut m = serde_json::Map::new();
        for metric in &metrics {
            let (amount, unit) = match *metric {
                "UnblendedCost" => (u, spec.currency),
                "AmortizedCost" => (a, spec.currency),
                "UsageQuantity" => (q, "N/A"),
                _ => continue,
            };
            m.insert(
                metric.to_string(),
                json!({"Amount": amount.normalize().to_string(), "Unit": unit}),
            );
        }
        by_day
            .entry(*day)
            .or_default()
            .push(json!({"Keys": keys, "Metrics": m}));
    }
    let mut results: Vec<Value> = by_day
        .into_iter()
        .map(|(day, groups)| {
            json!({
                "TimePeriod": {"Start": day.to_string(), "End": (day + Duration::days(1)).to_string()},
                "Total": {},
                "Groups": groups,
                "Estimated": spec.estimated_from.is_some_and(|e| day >= e),
            })
        })
        .collect();
    if let (Some(Fault::BadAmount), Some(first)) = (&fault, results.first_mut()) {
        first["Groups"][0]["Metrics"]["UnblendedCost"]["Amount"] = Value::String("abc".into());
    }
    let mut resp = json!({
        "GroupDefinitions": group_by.iter().map(|(t, k)| json!({"Type": t, "Key": k})).collect::<Vec<_>>(),
        "ResultsByTime": results,
        "DimensionValueAttributes": [],
    });
    if next < entries.len() {
        resp["NextPageToken"] = Value::String(fs::cursor("ce-", next));
    }
    if let Some(Fault::MissingData) = fault {
        if let Some(o) = resp.as_object_mut() {
            o.remove("ResultsByTime");
        }
    }
    fs::json_response(StatusCode::OK, &resp, &[])
}

//! A fake OpenAI Admin API (reference/provider-apis.md 1.0-1.6) over a deterministic dataset:
//! `GET /v1/organization/costs`, `/usage/completions`, `/usage/embeddings`, `/projects` and
//! `/projects/{id}/api_keys`, with Bearer auth, documented limits and error bodies, and the
//! faults of [`Control`]. The fake knows its own exact totals.
#![allow(dead_code)]
// Handlers return the error response itself; its size does not matter here.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::fake_server::{self as fs, Control, FakeServer, Fault, Seen};

pub const COSTS: &str = "/v1/organization/costs";
pub const COMPLETIONS: &str = "/v1/organization/usage/completions";
pub const EMBEDDINGS: &str = "/v1/organization/usage/embeddings";
pub const PROJECTS: &str = "/v1/organization/projects";

/// Line items in order: (model, kind, USD per 1M tokens as a decimal string).
const LINE_ITEMS: [(&str, &str, &str); 20] = [
    ("gpt-4o-2024-08-06", "input", "2.5"),
    ("gpt-4o-2024-08-06", "output", "10"),
    ("gpt-4o-2024-08-06", "cached input", "1.25"),
    ("text-embedding-3-small", "input", "0.02"),
    ("gpt-4o-mini-2024-07-18", "input", "0.15"),
    ("gpt-4o-mini-2024-07-18", "output", "0.6"),
    ("gpt-4o-mini-2024-07-18", "cached input", "0.075"),
    ("o3-2025-04-16", "input", "2"),
    ("o3-2025-04-16", "output", "8"),
    ("o3-2025-04-16", "cached input", "0.5"),
    ("text-embedding-3-large", "input", "0.13"),
    ("gpt-4.1-2025-04-14", "input", "2"),
    ("gpt-4.1-2025-04-14", "output", "8"),
    ("gpt-4.1-2025-04-14", "cached input", "0.5"),
    ("gpt-5-2025-08-07", "input", "1.25"),
    ("gpt-5-2025-08-07", "output", "10"),
    ("gpt-5-2025-08-07", "cached input", "0.125"),
    ("gpt-4.1-mini-2025-04-14", "input", "0.4"),
    ("gpt-4.1-mini-2025-04-14", "output", "1.6"),
    ("gpt-4.1-mini-2025-04-14", "cached input", "0.1"),
];

/// A line item with no API key (billed per project): vector-store storage.
pub const STORAGE_ITEM: &str = "file search storage";

const PROJECT_NAMES: [&str; 8] = [
    "Search",
    "Support bot",
    "Doc summaries",
    "Data platform",
    "Sales copilot",
    "Evals",
    "Code review",
    "Labs",
];

#[derive(Debug, Clone)]
pub struct OpenAiSpec {
    pub seed: u64,
    pub start: NaiveDate,
    pub days: u32,
    pub projects: usize,
    pub keys_per_project: usize,
    /// How many of the 20 line items (models x input/output/cached input) are in use.
    pub line_items: usize,
    /// Percent of (day, project, key, model) cells with usage.
    pub density_pct: u64,
    /// A keyless storage line item per project and day (api_key_id null).
    pub storage: bool,
    /// The last project is archived (listed only with include_archived=true).
    pub archived_last: bool,
}

impl OpenAiSpec {
    pub fn small(start: NaiveDate, days: u32) -> OpenAiSpec {
        OpenAiSpec {
            seed: 7,
            start,
            days,
            projects: 3,
            keys_per_project: 2,
            line_items: 8,
            density_pct: 70,
            storage: true,
            archived_last: true,
        }
    }
}

#[derive(Debug, Clone)]
struct CostFact {
    project: usize,
    key: Option<usize>,
    item: usize,
    amount: Decimal,
    quantity: i64,
}

#[derive(Debug, Clone)]
struct UsageFact {
    project: usize,
    key: usize,
    model: &'static str,
    input_tokens: i64,
    cached_tokens: i64,
    output_tokens: i64,
    requests: i64,
    embeddings: bool,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub archived: bool,
}

#[derive(Debug, Clone)]
pub struct Key {
    pub id: String,
    pub name: String,
    pub project: usize,
}

/// The dataset: facts per day at the finest grain, aggregated on request.
#[derive(Debug)]
pub struct OpenAiData {
    pub spec: OpenAiSpec,
    pub projects: Vec<Project>,
    pub keys: Vec<Key>,
    costs: Vec<Vec<CostFact>>,
    usage: Vec<Vec<UsageFact>>,
}

fn item_label(item: usize) -> String {
    match LINE_ITEMS.get(item) {
        Some((model, kind, _)) => format!("{model}, {kind}"),
        None => STORAGE_ITEM.to_string(),
    }
}

impl OpenAiData {
    pub fn generate(spec: OpenAiSpec) -> OpenAiData {
        let projects: Vec<Project> = (0..spec.projects)
            .map(|p| Project {
                id: format!("proj_{:04x}{}", fs::mix(&[spec.seed, p as u64]) & 0xffff, p),
                name: format!("{} {}", PROJECT_NAMES[p % PROJECT_NAMES.len()], p),
                archived: spec.archived_last && p + 1 == spec.projects && spec.projects > 1,
            })
            .collect();
        let mut keys = Vec::new();
        for (p, proj) in projects.iter().enumerate() {
            for k in 0..spec.keys_per_project {
                keys.push(Key {
                    id: format!(
                        "key_{:06x}{p}x{k}",
                        fs::mix(&[spec.seed, 99, p as u64, k as u64]) & 0xff_ffff
                    ),
                    name: format!("svc-{}-{k}", proj.name.to_lowercase().replace(' ', "-")),
                    project: p,
                });
            }
        }
        let items = spec.line_items.min(LINE_ITEMS.len());
        let mut models: Vec<&'static str> = Vec::new();
        for (m, _, _) in &LINE_ITEMS[..items] {
            if !models.contains(m) {
                models.push(m);
            }
        }
        let mut costs = Vec::new();
        let mut usage = Vec::new();
        for d in 0..spec.days {
            let mut cday = Vec::new();
            let mut uday = Vec::new();
            for (ki, key) in keys.iter().enumerate() {
                for (mi, model) in models.iter().enumerate() {
                    let h = fs::mix(&[spec.seed, u64::from(d), ki as u64, mi as u64]);
                    if h % 100 >= spec.density_pct {
                        continue;
                    }
                    let embeddings = model.contains("embedding");
                    let input = 1_000 + (h >> 8) as i64 % 2_000_000;
                    let cached = if embeddings {
                        0
                    } else {
                        ((h >> 32) as i64 % 100) * input / 137
                    };
                    let output = if embeddings {
                        0
                    } else {
                        17 + (h >> 20) as i64 % 300_000
                    };
                    let requests = 1 + (h >> 40) as i64 % 900;
                    uday.push(UsageFact {
                        project: key.project,
                        key: ki,
                        model,
                        input_tokens: input,
                        cached_tokens: cached,
                        output_tokens: output,
                        requests,
                        embeddings,
                    });
                    for (item, (m, kind, price)) in LINE_ITEMS[..items].iter().enumerate() {
                        if m != model {
                            continue;
                        }
                        let tokens = match *kind {
                            "input" => input - cached,
                            "cached input" => cached,
                            _ => output,
                        };
                        if tokens == 0 {
                            continue;
                        }
                        let per_million: Decimal = price.parse().expect("price");
                        let amount = Decimal::from(tokens) * per_million / Decimal::from(1_000_000);
                        cday.push(CostFact {
                            project: key.project,
                            key: Some(ki),
                            item,
                            amount,
                            quantity: tokens,
                        });
                    }
                }
            }
            if spec.storage {
                for p in 0..projects.len() {
                    let h = fs::mix(&[spec.seed, 5, u64::from(d), p as u64]);
                    // GiB-hours at $0.10/GiB-day, awkward decimals
                    let gib_hours = 1 + (h % 5000) as i64;
                    let amount =
                        Decimal::new(gib_hours, 0) * Decimal::new(1, 1) / Decimal::from(24);
                    cday.push(CostFact {
                        project: p,
                        key: None,
                        item: LINE_ITEMS.len(),
                        amount: amount.round_dp(6),
                        quantity: gib_hours,
                    });
                }
            }
            costs.push(cday);
            usage.push(uday);
        }
        OpenAiData {
            spec,
            projects,
            keys,
            costs,
            usage,
        }
    }

    fn day(&self, d: usize) -> NaiveDate {
        self.spec.start + chrono::Duration::days(d as i64)
    }

    fn day_index(&self, ts: i64) -> Option<usize> {
        let start = self
            .spec
            .start
            .and_hms_opt(0, 0, 0)
            .expect("t")
            .and_utc()
            .timestamp();
        if ts < start || (ts - start) % 86_400 != 0 {
            return None;
        }
        let d = ((ts - start) / 86_400) as usize;
        (d < self.costs.len()).then_some(d)
    }

    fn all_costs(&self) -> impl Iterator<Item = (NaiveDate, &CostFact)> {
        self.costs
            .iter()
            .enumerate()
            .flat_map(move |(d, fs)| fs.iter().map(move |f| (self.day(d), f)))
    }

    pub fn total(&self) -> Decimal {
        self.all_costs().map(|(_, f)| f.amount).sum()
    }

    /// USD per `YYYY-MM`.
    pub fn totals_by_month(&self) -> BTreeMap<String, Decimal> {
        let mut m = BTreeMap::new();
        for (day, f) in self.all_costs() {
            fs::add(
                &mut m,
                format!("{:04}-{:02}", day.year(), day.month()),
                f.amount,
            );
        }
        m
    }

    /// USD per project id.
    pub fn totals_by_project(&self) -> BTreeMap<String, Decimal> {
        let mut m = BTreeMap::new();
        for (_, f) in self.all_costs() {
            fs::add(&mut m, self.projects[f.project].id.clone(), f.amount);
        }
        m
    }

    /// USD per (month, project id).
    pub fn totals_by_month_project(&self) -> BTreeMap<(String, String), Decimal> {
        let mut m = BTreeMap::new();
        for (day, f) in self.all_costs() {
            fs::add(
                &mut m,
                (
                    format!("{:04}-{:02}", day.year(), day.month()),
                    self.projects[f.project].id.clone(),
                ),
                f.amount,
            );
        }
        m
    }

    /// USD per API key id (None: keyless line items).
    pub fn totals_by_key(&self) -> BTreeMap<Option<String>, Decimal> {
        let mut m = BTreeMap::new();
        for (_, f) in self.all_costs() {
            fs::add(&mut m, f.key.map(|k| self.keys[k].id.clone()), f.amount);
        }
        m
    }

    /// USD per (month, key id).
    pub fn totals_by_month_key(&self) -> BTreeMap<(String, Option<String>), Decimal> {
        let mut m = BTreeMap::new();
        for (day, f) in self.all_costs() {
            fs::add(
                &mut m,
                (
                    format!("{:04}-{:02}", day.year(), day.month()),
                    f.key.map(|k| self.keys[k].id.clone()),
                ),
                f.amount,
            );
        }
        m
    }

    pub fn requests_total(&self) -> i64 {
        self.usage.iter().flatten().map(|u| u.requests).sum()
    }

    pub fn cost_results(&self) -> usize {
        self.costs.iter().map(Vec::len).sum()
    }

    pub fn end(&self) -> NaiveDate {
        self.day(self.costs.len())
    }

    // ---- aggregation as the API does it ----

    fn costs_page(
        &self,
        day: Option<usize>,
        group: &[&str],
        project_ids: &[&str],
        key_ids: &[&str],
    ) -> Vec<Value> {
        let Some(d) = day else { return Vec::new() };
        let by_project = group.contains(&"project_id");
        let by_item = group.contains(&"line_item");
        let by_key = group.contains(&"api_key_id");
        type K = (Option<usize>, Option<usize>, Option<Option<usize>>);
        let mut agg: BTreeMap<K, (Decimal, i64)> = BTreeMap::new();
        for f in &self.costs[d] {
            if !project_ids.is_empty()
                && !project_ids.contains(&self.projects[f.project].id.as_str())
            {
                continue;
            }
            if !key_ids.is_empty()
                && !f
                    .key
                    .is_some_and(|k| key_ids.contains(&self.keys[k].id.as_str()))
            {
                continue;
            }
            let k: K = (
                by_project.then_some(f.project),
                by_item.then_some(f.item),
                by_key.then_some(f.key),
            );
            let e = agg.entry(k).or_default();
            e.0 += f.amount;
            e.1 += f.quantity;
        }
        agg.into_iter()
            .map(|((p, item, key), (amount, qty))| {
                json!({
                    "object": "organization.costs.result",
                    "amount": { "value": fs::json_number(amount), "currency": "usd" },
                    "line_item": item.map(item_label),
                    "project_id": p.map(|p| self.projects[p].id.clone()),
                    "api_key_id": key.flatten().map(|k| self.keys[k].id.clone()),
                    "quantity": item.map(|_| qty),
                    "quantity_unit": item.map(|i| if i < LINE_ITEMS.len() { "tokens" } else { "gibibyte_hours" }),
                })
            })
            .collect()
    }

    fn usage_page(
        &self,
        day: Option<usize>,
        embeddings: bool,
        group: &[&str],
        project_ids: &[&str],
        models: &[&str],
    ) -> Vec<Value> {
        let Some(d) = day else { return Vec::new() };
        let by_project = group.contains(&"project_id");
        let by_key = group.contains(&"api_key_id");
        let by_model = group.contains(&"model");
        type K = (Option<usize>, Option<usize>, Option<&'static str>);
        let mut agg: BTreeMap<K, [i64; 4]> = BTreeMap::new();
        for u in self.usage[d].iter().filter(|u| u.embeddings == embeddings) {
            if !project_ids.is_empty()
                && !project_ids.contains(&self.projects[u.project].id.as_str())
            {
                continue;
            }
            if !models.is_empty() && !models.contains(&u.model) {
                continue;
            }
            let k: K = (
                by_project.then_some(u.project),
                by_key.then_some(u.key),
                by_model.then_some(u.model),
            );
            let e = agg.entry(k).or_default();
            e[0] += u.input_tokens;
            e[1] += u.cached_tokens;
            e[2] += u.output_tokens;
            e[3] += u.requests;
        }
        agg.into_iter()
            .map(|((p, k, m), [input, cached, output, requests])| {
                let project = p.map(|p| self.projects[p].id.clone());
                let key = k.map(|k| self.keys[k].id.clone());
                if embeddings {
                    json!({
                        "object": "organization.usage.embeddings.result",
                        "input_tokens": input,
                        "num_model_requests": requests,
                        "project_id": project,
                        "user_id": null,
                        "api_key_id": key,
                        "model": m,
                    })
                } else {
                    json!({
                        "object": "organization.usage.completions.result",
                        "input_tokens": input,
                        "output_tokens": output,
                        "input_cached_tokens": cached,
                        "input_audio_tokens": 0,
                        "output_audio_tokens": 0,
                        "num_model_requests": requests,
                        "project_id": project,
                        "user_id": null,
                        "api_key_id": key,
                        "model": m,
                        "batch": null,
                        "service_tier": null,
                    })
                }
            })
            .collect()
    }
}

/// A running fake OpenAI.
pub struct FakeOpenAi {
    pub server: FakeServer,
    pub control: Arc<Control>,
    pub data: Arc<OpenAiData>,
    pub key: String,
}

struct App {
    data: Arc<OpenAiData>,
    control: Arc<Control>,
    key: String,
}

impl FakeOpenAi {
    pub fn start(spec: OpenAiSpec, key: &str) -> FakeOpenAi {
        let data = Arc::new(OpenAiData::generate(spec));
        let control = Arc::new(Control::default());
        let app = Arc::new(App {
            data: data.clone(),
            control: control.clone(),
            key: key.to_string(),
        });
        let router = axum::Router::new().fallback(handle).with_state(app);
        FakeOpenAi {
            server: FakeServer::spawn(router),
            control,
            data,
            key: key.to_string(),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.server.base_url
    }
}

fn error(
    status: StatusCode,
    message: &str,
    kind: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> Response {
    fs::json_response(
        status,
        &json!({ "error": { "message": message, "type": kind, "param": param, "code": code } }),
        &[],
    )
}

fn bad(message: &str, param: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        message,
        "invalid_request_error",
        Some(param),
        None,
    )
}

async fn handle(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap) -> Response {
    let started = Instant::now();
    let path = uri.path().to_string();
    let (fault, delay) = app.control.on_request(&path);
    if delay > Duration::ZERO {
        tokio::time::sleep(delay).await;
    }
    let resp = respond(&app, &path, uri.query(), &headers, fault);
    app.control.record(Seen {
        path,
        query: uri.query().unwrap_or("").to_string(),
        status: resp.status().as_u16(),
        started,
        ended: Instant::now(),
    });
    resp
}

fn respond(
    app: &App,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    fault: Option<Fault>,
) -> Response {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    match auth {
        None => {
            return error(
                StatusCode::UNAUTHORIZED,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                "invalid_request_error",
                None,
                None,
            )
        }
        Some(a) if a != format!("Bearer {}", app.key) => {
            let given = a.strip_prefix("Bearer ").unwrap_or(a);
            // OpenAI echoes a masked key: first 8 and last 4 characters.
            let masked = if given.len() > 12 { format!("{}****{}", &given[..8], &given[given.len() - 4..]) } else { "****".to_string() };
            return error(
                StatusCode::UNAUTHORIZED,
                &format!("Incorrect API key provided: {masked}. You can find your API key at https://platform.openai.com/account/api-keys."),
                "invalid_request_error",
                None,
                Some("invalid_api_key"),
            );
        }
        Some(_) => {}
    }
    match &fault {
        Some(Fault::RateLimit { retry_after }) => {
            return fs::json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({ "error": { "message": "Rate limit reached for requests", "type": "requests", "param": null, "code": "rate_limit_exceeded" } }),
                &[("retry-after", retry_after.to_string())],
            )
        }
        Some(Fault::ServerError) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The server had an error while processing your request. Sorry about that!",
                "server_error",
                None,
                None,
            )
        }
        _ => {}
    }
    let cache_key = format!("{path}?{}", query.unwrap_or(""));
    if fault.is_none() {
        if let Some(body) = app.control.cached(&cache_key) {
            return fs::bytes_response(StatusCode::OK, body, &[]);
        }
    }
    let q = fs::query_pairs(query);
    let cap = app.control.page_cap();
    let result = match path {
        COSTS => buckets(app, &q, cap, Endpoint::Costs),
        COMPLETIONS => buckets(app, &q, cap, Endpoint::Usage { embeddings: false }),
        EMBEDDINGS => buckets(app, &q, cap, Endpoint::Usage { embeddings: true }),
        PROJECTS => projects(app, &q, cap),
        p => match p
            .strip_prefix("/v1/organization/projects/")
            .and_then(|r| r.strip_suffix("/api_keys"))
        {
            Some(id) => api_keys(app, id, &q, cap),
            None => Err(error(
                StatusCode::NOT_FOUND,
                &format!("Invalid URL (GET {p})"),
                "invalid_request_error",
                None,
                None,
            )),
        },
    };
    match result {
        Ok(mut body) => {
            if let Some(f) = &fault {
                fs::poison(&mut body, f, &["amount", "value"]);
            }
            let bytes = serde_json::to_vec(&body).expect("serialise");
            if fault.is_none() {
                app.control.store_cached(&cache_key, &bytes);
            }
            fs::bytes_response(StatusCode::OK, bytes, &[])
        }
        Err(resp) => resp,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    Costs,
    Usage { embeddings: bool },
}

fn int_param(q: &[(String, String)], key: &str) -> Result<Option<i64>, Response> {
    match fs::first(q, key) {
        None => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            bad(
                &format!("Invalid value for '{key}': expected an integer."),
                key,
            )
        }),
    }
}

fn buckets(
    app: &App,
    q: &[(String, String)],
    cap: Option<usize>,
    ep: Endpoint,
) -> Result<Value, Response> {
    let (allowed_params, allowed_groups, max_limit): (&[&str], &[&str], i64) = match ep {
        Endpoint::Costs => (
            &[
                "start_time",
                "end_time",
                "bucket_width",
                "project_ids",
                "api_key_ids",
                "group_by",
                "limit",
                "page",
            ],
            &["project_id", "line_item", "api_key_id"],
            180,
        ),
        Endpoint::Usage { embeddings: false } => (
            &[
                "start_time",
                "end_time",
                "bucket_width",
                "project_ids",
                "user_ids",
                "api_key_ids",
                "models",
                "batch",
                "group_by",
                "limit",
                "page",
            ],
            &[
                "project_id",
                "user_id",
                "api_key_id",
                "model",
                "batch",
                "service_tier",
            ],
            31,
        ),
        Endpoint::Usage { embeddings: true } => (
            &[
                "start_time",
                "end_time",
                "bucket_width",
                "project_ids",
                "user_ids",
                "api_key_ids",
                "models",
                "group_by",
                "limit",
                "page",
            ],
            &["project_id", "user_id", "api_key_id", "model"],
            31,
        ),
    };
    if let Some(k) = fs::unknown_param(q, allowed_params) {
        return Err(bad(
            &format!("Unrecognized request argument supplied: {k}"),
            k,
        ));
    }
    let start = int_param(q, "start_time")?
        .ok_or_else(|| bad("Missing required parameter: 'start_time'.", "start_time"))?;
    let width = fs::first(q, "bucket_width").unwrap_or("1d");
    if width != "1d" {
        // costs accept only 1d; the fake serves usage at 1d only
        return Err(bad(
            &format!("Invalid value for 'bucket_width': '{width}' is not supported."),
            "bucket_width",
        ));
    }
    let limit = int_param(q, "limit")?.unwrap_or(7);
    if !(1..=max_limit).contains(&limit) {
        return Err(bad(
            &format!("Invalid value for 'limit': must be between 1 and {max_limit}, got {limit}."),
            "limit",
        ));
    }
    let group = fs::all(q, "group_by");
    if let Some(g) = group.iter().find(|g| !allowed_groups.contains(g)) {
        return Err(bad(
            &format!("Invalid value for 'group_by': '{g}'."),
            "group_by",
        ));
    }
    let end = int_param(q, "end_time")?.unwrap_or_else(|| {
        app.data
            .end()
            .and_hms_opt(0, 0, 0)
            .expect("t")
            .and_utc()
            .timestamp()
    });
    if end <= start {
        return Err(bad("'end_time' must be after 'start_time'.", "end_time"));
    }
    // Bucket boundaries: the first starts at start_time and ends at the next UTC midnight.
    let mut bounds = Vec::new();
    let mut s = start;
    while s < end {
        let e = (s.div_euclid(86_400) + 1) * 86_400;
        bounds.push((s, e.min(end)));
        s = e;
    }
    let from = match fs::first(q, "page") {
        None => 0,
        Some(c) => fs::parse_cursor("page_", c)
            .filter(|i| *i < bounds.len())
            .ok_or_else(|| bad("Invalid 'page' cursor.", "page"))?,
    };
    let n = (limit as usize).min(cap.unwrap_or(usize::MAX));
    let to = (from + n).min(bounds.len());
    let project_ids = fs::all(q, "project_ids");
    let data: Vec<Value> = bounds[from..to]
        .iter()
        .map(|(s, e)| {
            let day = app.data.day_index(*s);
            let results = match ep {
                Endpoint::Costs => {
                    app.data
                        .costs_page(day, &group, &project_ids, &fs::all(q, "api_key_ids"))
                }
                Endpoint::Usage { embeddings } => app.data.usage_page(
                    day,
                    embeddings,
                    &group,
                    &project_ids,
                    &fs::all(q, "models"),
                ),
            };
            json!({ "object": "bucket", "start_time": s, "end_time": e, "results": results })
        })
        .collect();
    let has_more = to < bounds.len();
    Ok(json!({
        "object": "page",
        "data": data,
        "has_more": has_more,
        "next_page": has_more.then(|| fs::cursor("page_", to)),
    }))
}

/// `{ object: "list", data, first_id, last_id, has_more }` over `items` (sorted by id).
fn list_page(
    items: Vec<(String, Value)>,
    q: &[(String, String)],
    cap: Option<usize>,
) -> Result<Value, Response> {
    let limit = int_param(q, "limit")?.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(bad(
            &format!("Invalid value for 'limit': must be between 1 and 100, got {limit}."),
            "limit",
        ));
    }
    let from = match fs::first(q, "after") {
        None => 0,
        Some(after) => items
            .iter()
            .position(|(id, _)| id == after)
            .map(|i| i + 1)
            .ok_or_else(|| bad("Invalid 'after': no such object.", "after"))?,
    };
    let n = (limit as usize).min(cap.unwrap_or(usize::MAX));
    let to = (from + n).min(items.len());
    let page = &items[from..to];
    Ok(json!({
        "object": "list",
        "data": page.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
        "first_id": page.first().map(|(id, _)| id.clone()),
        "last_id": page.last().map(|(id, _)| id.clone()),
        "has_more": to < items.len(),
    }))
}

fn projects(app: &App, q: &[(String, String)], cap: Option<usize>) -> Result<Value, Response> {
    if let Some(k) = fs::unknown_param(q, &["limit", "after", "include_archived"]) {
        return Err(bad(
            &format!("Unrecognized request argument supplied: {k}"),
            k,
        ));
    }
    let archived = fs::first(q, "include_archived") == Some("true");
    let mut items: Vec<(String, Value)> = app
        .data
        .projects
        .iter()
        .filter(|p| archived || !p.archived)
        .map(|p| {
            (
                p.id.clone(),
                json!({
                    "id": p.id, "object": "organization.project", "name": p.name, "created_at": 1_711_471_533,
                    "archived_at": if p.archived { Some(1_760_000_000) } else { None },
                    "status": if p.archived { "archived" } else { "active" },
                }),
            )
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    list_page(items, q, cap)
}

fn api_keys(
    app: &App,
    project_id: &str,
    q: &[(String, String)],
    cap: Option<usize>,
) -> Result<Value, Response> {
    if let Some(k) = fs::unknown_param(q, &["limit", "after", "owner_project_access"]) {
        return Err(bad(
            &format!("Unrecognized request argument supplied: {k}"),
            k,
        ));
    }
    let Some(p) = app.data.projects.iter().position(|p| p.id == project_id) else {
        return Err(error(
            StatusCode::NOT_FOUND,
            &format!("No such project: {project_id}"),
            "invalid_request_error",
            None,
            None,
        ));
    };
    let mut items: Vec<(String, Value)> = app
        .data
        .keys
        .iter()
        .filter(|k| k.project == p)
        .map(|k| {
            (
                k.id.clone(),
                json!({
                    "object": "organization.project.api_key", "id": k.id, "name": k.name,
                    "redacted_value": "sk-abc...xyz", "created_at": 1_711_471_533, "last_used_at": null,
                    "owner_project_access": "active",
                    "owner": { "type": "service_account", "service_account": { "id": format!("svc_acct_{}", k.id), "name": k.name, "created_at": 1_711_471_533, "role": "member" } },
                }),
            )
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    list_page(items, q, cap)
}

//! A fake Anthropic Admin API (reference/provider-apis.md 2.0-2.5) over a deterministic dataset:
//! `GET /v1/organizations/cost_report`, `/usage_report/messages`, `/workspaces` and `/api_keys`,
//! with x-api-key + anthropic-version auth, bracketed array params, cents as decimal strings,
//! the default workspace as `workspace_id: null`, Console usage with `api_key_id: null`, and the
//! faults of [`Control`]. The fake knows its own exact totals (USD).
#![allow(dead_code)]
// Handlers return the error response itself; its size does not matter here.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::fake_server::{self as fs, Control, FakeServer, Fault, Seen};

pub const COST_REPORT: &str = "/v1/organizations/cost_report";
pub const USAGE_MESSAGES: &str = "/v1/organizations/usage_report/messages";
pub const WORKSPACES: &str = "/v1/organizations/workspaces";
pub const API_KEYS: &str = "/v1/organizations/api_keys";
pub const VERSION: &str = "2023-06-01";

/// (model, display name, cents per token for: uncached input, output, cache read, 5m write, 1h write)
const MODELS: [(&str, &str, [&str; 5]); 3] = [
    (
        "claude-sonnet-4-6",
        "Claude Sonnet 4.6",
        ["0.0003", "0.0015", "0.00003", "0.000375", "0.0006"],
    ),
    (
        "claude-opus-4-8",
        "Claude Opus 4.8",
        ["0.0005", "0.0025", "0.00005", "0.000625", "0.001"],
    ),
    (
        "claude-haiku-4-5",
        "Claude Haiku 4.5",
        ["0.0001", "0.0005", "0.00001", "0.000125", "0.0002"],
    ),
];

/// cost_report token_type values, in the order of the token arrays.
const TOKEN_TYPES: [(&str, &str); 5] = [
    ("uncached_input_tokens", "Input Tokens"),
    ("output_tokens", "Output Tokens"),
    ("cache_read_input_tokens", "Cache Read"),
    (
        "cache_creation.ephemeral_5m_input_tokens",
        "Cache Write (5m)",
    ),
    (
        "cache_creation.ephemeral_1h_input_tokens",
        "Cache Write (1h)",
    ),
];

const WORKSPACE_NAMES: [&str; 6] = [
    "Research",
    "Claude Code",
    "Support",
    "Batch jobs",
    "Sandbox",
    "Agents",
];

#[derive(Debug, Clone)]
pub struct AnthropicSpec {
    pub seed: u64,
    pub start: NaiveDate,
    pub days: u32,
    /// Named workspaces, besides the default one (workspace_id null).
    pub workspaces: usize,
    pub keys_per_workspace: usize,
    pub models: usize,
    pub density_pct: u64,
    /// Console/Workbench usage (api_key_id null) in every workspace.
    pub console_usage: bool,
    /// The last named workspace is archived.
    pub archived_last: bool,
}

impl AnthropicSpec {
    pub fn small(start: NaiveDate, days: u32) -> AnthropicSpec {
        AnthropicSpec {
            seed: 11,
            start,
            days,
            workspaces: 2,
            keys_per_workspace: 2,
            models: 2,
            density_pct: 75,
            console_usage: true,
            archived_last: true,
        }
    }
}

#[derive(Debug, Clone)]
struct UsageFact {
    /// None: the default workspace.
    workspace: Option<usize>,
    /// None: Console usage.
    key: Option<usize>,
    model: usize,
    tokens: [i64; 5],
    web_searches: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum CostLine {
    Tokens { model: usize, token_type: usize },
    WebSearch,
    CodeExecution,
}

#[derive(Debug, Clone)]
struct CostFact {
    workspace: Option<usize>,
    line: CostLine,
    cents: Decimal,
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub archived: bool,
}

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub workspace: Option<usize>,
    pub archived: bool,
}

#[derive(Debug)]
pub struct AnthropicData {
    pub spec: AnthropicSpec,
    pub workspaces: Vec<Workspace>,
    pub keys: Vec<ApiKey>,
    usage: Vec<Vec<UsageFact>>,
    costs: Vec<Vec<CostFact>>,
}

impl AnthropicData {
    pub fn generate(spec: AnthropicSpec) -> AnthropicData {
        let workspaces: Vec<Workspace> = (0..spec.workspaces)
            .map(|w| Workspace {
                id: format!(
                    "wrkspc_01{:08X}{w}",
                    fs::mix(&[spec.seed, w as u64]) & 0xffff_ffff
                ),
                name: format!("{} {w}", WORKSPACE_NAMES[w % WORKSPACE_NAMES.len()]),
                archived: spec.archived_last && w + 1 == spec.workspaces && spec.workspaces > 1,
            })
            .collect();
        let mut keys = Vec::new();
        // Keys of the default workspace first, then each named workspace's.
        for ws in std::iter::once(None).chain((0..spec.workspaces).map(Some)) {
            for k in 0..spec.keys_per_workspace {
                let wn = ws.map_or("default".to_string(), |w: usize| w.to_string());
                keys.push(ApiKey {
                    id: format!(
                        "apikey_01{:010X}{wn}{k}",
                        fs::mix(&[spec.seed, 77, ws.map_or(999, |w| w as u64), k as u64])
                            & 0xff_ffff_ffff
                    ),
                    name: format!("key-{wn}-{k}"),
                    workspace: ws,
                    archived: k == 1 && ws == Some(0),
                });
            }
        }
        let models = spec.models.min(MODELS.len());
        let mut usage = Vec::new();
        let mut costs = Vec::new();
        for d in 0..spec.days {
            let mut uday = Vec::new();
            let principals: Vec<(Option<usize>, Option<usize>)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (k.workspace, Some(i)))
                .chain(
                    std::iter::once(None)
                        .chain((0..spec.workspaces).map(Some))
                        .filter(|_| spec.console_usage)
                        .map(|w| (w, None)),
                )
                .collect();
            for (workspace, key) in principals {
                for m in 0..models {
                    let h = fs::mix(&[
                        spec.seed,
                        u64::from(d),
                        workspace.map_or(999, |w| w as u64),
                        key.map_or(888, |k| k as u64),
                        m as u64,
                    ]);
                    if h % 100 >= spec.density_pct {
                        continue;
                    }
                    let base = 500 + (h >> 8) as i64 % 800_000;
                    let tokens = [
                        base,
                        13 + (h >> 16) as i64 % 90_000,
                        ((h >> 24) as i64 % 7) * base,
                        if h & 0x10 != 0 {
                            (h >> 30) as i64 % 50_000
                        } else {
                            0
                        },
                        if h & 0x20 != 0 {
                            (h >> 36) as i64 % 20_000
                        } else {
                            0
                        },
                    ];
                    let web_searches = if h & 0x40 != 0 {
                        (h >> 44) as i64 % 40
                    } else {
                        0
                    };
                    uday.push(UsageFact {
                        workspace,
                        key,
                        model: m,
                        tokens,
                        web_searches,
                    });
                }
            }
            // cost_report is per (workspace, description): tokens x price, searches at 1 cent.
            let mut agg: BTreeMap<(Option<usize>, CostLine), Decimal> = BTreeMap::new();
            for u in &uday {
                for (t, n) in u.tokens.iter().enumerate() {
                    if *n > 0 {
                        let price: Decimal = MODELS[u.model].2[t].parse().expect("price");
                        *agg.entry((
                            u.workspace,
                            CostLine::Tokens {
                                model: u.model,
                                token_type: t,
                            },
                        ))
                        .or_default() += Decimal::from(*n) * price;
                    }
                }
                if u.web_searches > 0 {
                    *agg.entry((u.workspace, CostLine::WebSearch)).or_default() +=
                        Decimal::from(u.web_searches);
                }
            }
            for ws in std::iter::once(None).chain((0..spec.workspaces).map(Some)) {
                let h = fs::mix(&[spec.seed, 3, u64::from(d), ws.map_or(999, |w| w as u64)]);
                if h.is_multiple_of(3) {
                    // awkward: cents with 5 decimals
                    agg.insert(
                        (ws, CostLine::CodeExecution),
                        Decimal::new(1 + (h >> 10) as i64 % 9_999_999, 5),
                    );
                }
            }
            costs.push(
                agg.into_iter()
                    .map(|((workspace, line), cents)| CostFact {
                        workspace,
                        line,
                        cents,
                    })
                    .collect(),
            );
            usage.push(uday);
        }
        AnthropicData {
            spec,
            workspaces,
            keys,
            usage,
            costs,
        }
    }

    fn day(&self, d: usize) -> NaiveDate {
        self.spec.start + chrono::Duration::days(d as i64)
    }

    pub fn end(&self) -> NaiveDate {
        self.day(self.costs.len())
    }

    fn day_index(&self, date: NaiveDate) -> Option<usize> {
        let d = (date - self.spec.start).num_days();
        (d >= 0 && (d as usize) < self.costs.len()).then_some(d as usize)
    }

    fn all_costs(&self) -> impl Iterator<Item = (NaiveDate, &CostFact)> {
        self.costs
            .iter()
            .enumerate()
            .flat_map(move |(d, fs)| fs.iter().map(move |f| (self.day(d), f)))
    }

    /// The ledger's sub-account for a workspace: its id, or `default`.
    pub fn workspace_key(&self, w: Option<usize>) -> String {
        w.map_or("default".to_string(), |w| self.workspaces[w].id.clone())
    }

    fn usd(cents: Decimal) -> Decimal {
        cents / Decimal::from(100)
    }

    pub fn total(&self) -> Decimal {
        self.all_costs().map(|(_, f)| Self::usd(f.cents)).sum()
    }

    pub fn totals_by_month(&self) -> BTreeMap<String, Decimal> {
        let mut m = BTreeMap::new();
        for (day, f) in self.all_costs() {
            fs::add(
                &mut m,
                format!("{:04}-{:02}", day.year(), day.month()),
                Self::usd(f.cents),
            );
        }
        m
    }

    /// USD per workspace id (`default` for the default workspace).
    pub fn totals_by_workspace(&self) -> BTreeMap<String, Decimal> {
        let mut m = BTreeMap::new();
        for (_, f) in self.all_costs() {
            fs::add(&mut m, self.workspace_key(f.workspace), Self::usd(f.cents));
        }
        m
    }

    pub fn totals_by_month_workspace(&self) -> BTreeMap<(String, String), Decimal> {
        let mut m = BTreeMap::new();
        for (day, f) in self.all_costs() {
            fs::add(
                &mut m,
                (
                    format!("{:04}-{:02}", day.year(), day.month()),
                    self.workspace_key(f.workspace),
                ),
                Self::usd(f.cents),
            );
        }
        m
    }

    /// USD of the cost lines no API key can be given: token costs of (workspace, model,
    /// token type) that only Console usage (api_key_id null) had that day, web search and code
    /// execution.
    pub fn unkeyed_cost(&self) -> Decimal {
        let mut total = Decimal::ZERO;
        for (d, day) in self.costs.iter().enumerate() {
            for f in day {
                let keyed = match f.line {
                    CostLine::Tokens { model, token_type } => self.usage[d].iter().any(|u| {
                        u.workspace == f.workspace
                            && u.model == model
                            && u.key.is_some()
                            && u.tokens[token_type] > 0
                    }),
                    CostLine::WebSearch | CostLine::CodeExecution => false,
                };
                if !keyed {
                    total += Self::usd(f.cents);
                }
            }
        }
        total
    }

    /// USD that belongs to no key when each token cost is shared by everyone who used those
    /// tokens: Console usage's share of every token line, plus web search and code execution.
    pub fn console_share_cost(&self) -> Decimal {
        let mut total = Decimal::ZERO;
        for (d, day) in self.costs.iter().enumerate() {
            for f in day {
                match f.line {
                    CostLine::Tokens { model, token_type } => {
                        let users = self.usage[d]
                            .iter()
                            .filter(|u| u.workspace == f.workspace && u.model == model);
                        let (all, console) = users.fold((0i64, 0i64), |(a, c), u| {
                            (
                                a + u.tokens[token_type],
                                c + if u.key.is_none() {
                                    u.tokens[token_type]
                                } else {
                                    0
                                },
                            )
                        });
                        if all > 0 {
                            total +=
                                Self::usd(f.cents) * Decimal::from(console) / Decimal::from(all);
                        }
                    }
                    CostLine::WebSearch | CostLine::CodeExecution => total += Self::usd(f.cents),
                }
            }
        }
        total
    }

    fn cost_results(&self, day: Option<usize>, group: &[&str]) -> Vec<Value> {
        let Some(d) = day else { return Vec::new() };
        let by_ws = group.contains(&"workspace_id");
        let by_desc = group.contains(&"description");
        let mut agg: BTreeMap<(Option<Option<usize>>, Option<CostLine>), Decimal> = BTreeMap::new();
        for f in &self.costs[d] {
            *agg.entry((
                by_ws.then_some(f.workspace),
                by_desc.then(|| f.line.clone()),
            ))
            .or_default() += f.cents;
        }
        agg.into_iter()
            .map(|((ws, line), cents)| {
                let ws_id = ws.flatten().map(|w| self.workspaces[w].id.clone());
                let (cost_type, description, model, token_type, tier, window) = match &line {
                    None => (None, None, None, None, None, None),
                    Some(CostLine::Tokens { model, token_type }) => (
                        Some("tokens"),
                        Some(format!(
                            "{} Usage - {}",
                            MODELS[*model].1, TOKEN_TYPES[*token_type].1
                        )),
                        Some(MODELS[*model].0),
                        Some(TOKEN_TYPES[*token_type].0),
                        Some("standard"),
                        Some("0-200k"),
                    ),
                    Some(CostLine::WebSearch) => (
                        Some("web_search"),
                        Some("Web Search Usage".to_string()),
                        None,
                        None,
                        None,
                        None,
                    ),
                    Some(CostLine::CodeExecution) => (
                        Some("code_execution"),
                        Some("Code Execution Usage".to_string()),
                        None,
                        None,
                        None,
                        None,
                    ),
                };
                json!({
                    "amount": cents.normalize().to_string(),
                    "currency": "USD",
                    "cost_type": cost_type,
                    "description": description,
                    "model": model,
                    "token_type": token_type,
                    "service_tier": tier,
                    "context_window": window,
                    "inference_geo": null,
                    "workspace_id": ws_id,
                })
            })
            .collect()
    }

    fn usage_results(&self, day: Option<usize>, group: &[&str]) -> Vec<Value> {
        let Some(d) = day else { return Vec::new() };
        let by_key = group.contains(&"api_key_id");
        let by_ws = group.contains(&"workspace_id");
        let by_model = group.contains(&"model");
        type K = (Option<Option<usize>>, Option<Option<usize>>, Option<usize>);
        let mut agg: BTreeMap<K, [i64; 6]> = BTreeMap::new();
        for u in &self.usage[d] {
            let e = agg
                .entry((
                    by_ws.then_some(u.workspace),
                    by_key.then_some(u.key),
                    by_model.then_some(u.model),
                ))
                .or_default();
            for (sum, n) in e.iter_mut().zip(u.tokens) {
                *sum += n;
            }
            e[5] += u.web_searches;
        }
        let grouped = |dim: &str, v: &str| group.contains(&dim).then(|| v.to_string());
        agg.into_iter()
            .map(|((ws, key, model), t)| {
                json!({
                    "uncached_input_tokens": t[0],
                    "cache_creation": { "ephemeral_5m_input_tokens": t[3], "ephemeral_1h_input_tokens": t[4] },
                    "cache_read_input_tokens": t[2],
                    "output_tokens": t[1],
                    "server_tool_use": { "web_search_requests": t[5] },
                    "api_key_id": key.flatten().map(|k| self.keys[k].id.clone()),
                    "workspace_id": ws.flatten().map(|w| self.workspaces[w].id.clone()),
                    "model": model.map(|m| MODELS[m].0),
                    "service_tier": grouped("service_tier", "standard"),
                    "context_window": grouped("context_window", "0-200k"),
                    "inference_geo": grouped("inference_geo", "global"),
                    "account_id": null,
                    "service_account_id": null,
                })
            })
            .collect()
    }
}

pub struct FakeAnthropic {
    pub server: FakeServer,
    pub control: Arc<Control>,
    pub data: Arc<AnthropicData>,
    pub key: String,
}

struct App {
    data: Arc<AnthropicData>,
    control: Arc<Control>,
    key: String,
}

impl FakeAnthropic {
    pub fn start(spec: AnthropicSpec, key: &str) -> FakeAnthropic {
        let data = Arc::new(AnthropicData::generate(spec));
        let control = Arc::new(Control::default());
        let app = Arc::new(App {
            data: data.clone(),
            control: control.clone(),
            key: key.to_string(),
        });
        let router = axum::Router::new().fallback(handle).with_state(app);
        FakeAnthropic {
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

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({ "type": "error", "error": { "type": kind, "message": message }, "request_id": "req_011CFakeRequest" });
    fs::json_response(status, &body, &[])
}

fn bad(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_request_error", message)
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
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    if key != Some(app.key.as_str()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid x-api-key",
        );
    }
    match headers
        .get("anthropic-version")
        .and_then(|v| v.to_str().ok())
    {
        None => return bad("anthropic-version: header is required"),
        Some(v) if v != VERSION => return bad(&format!("anthropic-version: invalid version {v}")),
        Some(_) => {}
    }
    match &fault {
        Some(Fault::RateLimit { retry_after }) => {
            let body = json!({ "type": "error", "error": { "type": "rate_limit_error", "message": "Number of requests has exceeded your rate limit." }, "request_id": "req_011CFake429" });
            return fs::json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &body,
                &[("retry-after", retry_after.to_string())],
            );
        }
        Some(Fault::ServerError) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "api_error",
                "Internal server error",
            )
        }
        _ => {}
    }
    let q = fs::query_pairs(query);
    let cap = app.control.page_cap();
    let result = match path {
        COST_REPORT => buckets(app, &q, cap, true),
        USAGE_MESSAGES => buckets(app, &q, cap, false),
        WORKSPACES => workspaces(app, &q, cap),
        API_KEYS => api_keys(app, &q, cap),
        p => Err(error(
            StatusCode::NOT_FOUND,
            "not_found_error",
            &format!("Not found: {p}"),
        )),
    };
    match result {
        Ok(mut body) => {
            if let Some(f) = &fault {
                fs::poison(&mut body, f, &["amount"]);
            }
            fs::json_response(StatusCode::OK, &body, &[])
        }
        Err(resp) => resp,
    }
}

fn rfc3339(q: &[(String, String)], key: &str) -> Result<Option<i64>, Response> {
    match fs::first(q, key) {
        None => Ok(None),
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|t| Some(t.timestamp()))
            .map_err(|_| {
                bad(&format!(
                    "{key}: Input should be a valid datetime (RFC 3339), got {v:?}"
                ))
            }),
    }
}

fn limit(q: &[(String, String)], default: i64, max: i64) -> Result<i64, Response> {
    let l = match fs::first(q, "limit") {
        None => default,
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| bad("limit: Input should be a valid integer"))?,
    };
    if l < 1 {
        return Err(bad("limit: Input should be greater than or equal to 1"));
    }
    if l > max {
        return Err(bad(&format!(
            "limit: Input should be less than or equal to {max}"
        )));
    }
    Ok(l)
}

fn buckets(
    app: &App,
    q: &[(String, String)],
    cap: Option<usize>,
    cost: bool,
) -> Result<Value, Response> {
    let (allowed, groups): (&[&str], &[&str]) = if cost {
        (
            &[
                "starting_at",
                "ending_at",
                "bucket_width",
                "group_by[]",
                "limit",
                "page",
            ],
            &["workspace_id", "description"],
        )
    } else {
        (
            &[
                "starting_at",
                "ending_at",
                "bucket_width",
                "group_by[]",
                "limit",
                "page",
                "api_key_ids[]",
                "workspace_ids[]",
                "models[]",
                "service_tiers[]",
                "context_window[]",
                "inference_geos[]",
                "speeds[]",
                "account_ids[]",
                "service_account_ids[]",
            ],
            &[
                "api_key_id",
                "workspace_id",
                "model",
                "service_tier",
                "context_window",
                "inference_geo",
                "speed",
                "account_id",
                "service_account_id",
            ],
        )
    };
    if let Some(k) = fs::unknown_param(q, allowed) {
        return Err(bad(&format!("{k}: Extra inputs are not permitted")));
    }
    let start = rfc3339(q, "starting_at")?.ok_or_else(|| bad("starting_at: Field required"))?;
    let width = fs::first(q, "bucket_width").unwrap_or("1d");
    if width != "1d" {
        return Err(bad(&format!("bucket_width: {width} is not supported here")));
    }
    let limit = limit(q, 7, 31)?;
    let group = fs::all(q, "group_by[]");
    if let Some(g) = group.iter().find(|g| !groups.contains(g)) {
        return Err(bad(&format!(
            "group_by[]: Input should be one of {groups:?}, got {g:?}"
        )));
    }
    let end = rfc3339(q, "ending_at")?.unwrap_or_else(|| {
        app.data
            .end()
            .and_hms_opt(0, 0, 0)
            .expect("t")
            .and_utc()
            .timestamp()
    });
    // Buckets snap to the start of the UTC day.
    let mut days = Vec::new();
    let mut s = start.div_euclid(86_400) * 86_400;
    while s < end {
        days.push(s);
        s += 86_400;
    }
    let from = match fs::first(q, "page") {
        None => 0,
        Some(c) => fs::parse_cursor("page_", c)
            .filter(|i| *i < days.len())
            .ok_or_else(|| bad("page: invalid cursor"))?,
    };
    let n = (limit as usize).min(cap.unwrap_or(usize::MAX));
    let to = (from + n).min(days.len());
    let fmt = |ts: i64| {
        DateTime::from_timestamp(ts, 0)
            .expect("ts")
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let data: Vec<Value> = days[from..to]
        .iter()
        .map(|s| {
            let day = app
                .data
                .day_index(DateTime::from_timestamp(*s, 0).expect("ts").date_naive());
            let results = if cost {
                app.data.cost_results(day, &group)
            } else {
                app.data.usage_results(day, &group)
            };
            json!({ "starting_at": fmt(*s), "ending_at": fmt(s + 86_400), "results": results })
        })
        .collect();
    let has_more = to < days.len();
    Ok(
        json!({ "data": data, "has_more": has_more, "next_page": has_more.then(|| fs::cursor("page_", to)) }),
    )
}

fn list_page(
    items: Vec<(String, Value)>,
    q: &[(String, String)],
    cap: Option<usize>,
) -> Result<Value, Response> {
    let l = limit(q, 20, 1000)?;
    let from = match fs::first(q, "after_id") {
        None => 0,
        Some(after) => items
            .iter()
            .position(|(id, _)| id == after)
            .map(|i| i + 1)
            .ok_or_else(|| bad("after_id: no such object"))?,
    };
    let n = (l as usize).min(cap.unwrap_or(usize::MAX));
    let to = (from + n).min(items.len());
    let page = &items[from..to];
    Ok(json!({
        "data": page.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
        "first_id": page.first().map(|(id, _)| id.clone()),
        "last_id": page.last().map(|(id, _)| id.clone()),
        "has_more": to < items.len(),
    }))
}

fn workspaces(app: &App, q: &[(String, String)], cap: Option<usize>) -> Result<Value, Response> {
    if let Some(k) = fs::unknown_param(
        q,
        &[
            "after_id",
            "before_id",
            "limit",
            "include_archived",
            "include_default",
        ],
    ) {
        return Err(bad(&format!("{k}: Extra inputs are not permitted")));
    }
    let archived = fs::first(q, "include_archived") == Some("true");
    let mut items: Vec<(String, Value)> = app
        .data
        .workspaces
        .iter()
        .filter(|w| archived || !w.archived)
        .map(|w| {
            (
                w.id.clone(),
                json!({
                    "type": "workspace", "id": w.id, "name": w.name, "created_at": "2025-03-01T10:00:00Z",
                    "archived_at": if w.archived { Some("2026-01-15T00:00:00Z") } else { None }, "display_color": "#6C5BB9",
                }),
            )
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    list_page(items, q, cap)
}

fn api_keys(app: &App, q: &[(String, String)], cap: Option<usize>) -> Result<Value, Response> {
    if let Some(k) = fs::unknown_param(
        q,
        &[
            "after_id",
            "before_id",
            "limit",
            "status",
            "workspace_id",
            "created_by_user_id",
        ],
    ) {
        return Err(bad(&format!("{k}: Extra inputs are not permitted")));
    }
    let status = fs::first(q, "status");
    let ws = fs::first(q, "workspace_id");
    let mut items: Vec<(String, Value)> = app
        .data
        .keys
        .iter()
        .filter(|k| status.is_none_or(|s| s == if k.archived { "archived" } else { "active" }))
        .filter(|k| ws.is_none_or(|w| k.workspace.map(|i| app.data.workspaces[i].id.as_str()) == Some(w)))
        .map(|k| {
            (
                k.id.clone(),
                json!({
                    "type": "api_key", "id": k.id, "name": k.name, "created_at": "2025-03-02T10:00:00Z",
                    "created_by": { "id": "user_01Fake", "type": "user" }, "expires_at": null,
                    "partial_key_hint": "sk-ant-api03-R2D...igAA", "status": if k.archived { "archived" } else { "active" },
                    "workspace_id": k.workspace.map(|w| app.data.workspaces[w].id.clone()),
                }),
            )
        })
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    list_page(items, q, cap)
}

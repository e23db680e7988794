//! One request through the proxy: route, attribute, read and rewrite the body where usage is
//! due, forward with the client's key untouched, and answer with the upstream's response as it
//! arrives. Everything the record needs is gathered here; the record itself is written on the
//! spool thread.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, Uri};
use http_body_util::{BodyExt, Either, Full};
use hyper::body::Incoming;

use super::attribution::{self, TAGS_HEADER, USE_CASE_HEADER};
use super::body::{Flight, ProxyBody, Tracked};
use super::caps::Demand;
use super::enforce;
use super::errors::{self, Kind};
use super::probe;
use super::record::{End, Finished, Pending, CLIENT_CLOSED_STATUS};
use super::route::{self, Endpoint, Provider};
use super::sse::Scanner;
use super::usage::StreamReader;
use super::State;

/// Hop-by-hop headers: they describe one connection and are never forwarded.
const HOP_BY_HOP: [HeaderName; 6] = [
    header::CONNECTION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
    header::PROXY_AUTHORIZATION,
];

pub async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<ProxyBody>, Infallible> {
    let start = Instant::now();
    let started_at = SystemTime::now();
    let request_id = state.next_request_id();
    let rid = HeaderValue::from_str(&request_id).unwrap_or(HeaderValue::from_static("invalid"));
    let (mut parts, body) = req.into_parts();
    let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let Some(route) = route::route(&parts.method, pq) else {
        let message = format!(
            "tollgate proxy: no route for {}; use /openai/v1/... or /anthropic/v1/... (or bare /v1/...)",
            parts.uri.path()
        );
        return Ok(errors::response(
            Provider::OpenAi,
            Kind::NotFound,
            "tollgate_unknown_path",
            &message,
            &rid,
        ));
    };
    let provider = route.provider;
    let endpoint = route.endpoint;
    let base = match provider {
        Provider::OpenAi => &state.settings.openai_url,
        Provider::Anthropic => &state.settings.anthropic_url,
    };
    let uri = Uri::try_from(format!("{base}{}", route.upstream));
    let mut rec = Finished::new(
        request_id,
        started_at,
        provider,
        route.path.to_string(),
        endpoint,
    );
    rec.key_hint = key_hint(&parts.headers);
    let mut pending = Pending::new(rec, state.spool.clone(), start);
    let refuse = |pending: &mut Pending, code: &str, message: &str, kind: Kind| {
        let resp = errors::response(provider, kind, code, message, &rid);
        let end = if kind == Kind::Unreachable {
            End::UpstreamFailed
        } else {
            End::Refused
        };
        pending.finish(resp.status().as_u16(), end);
        resp
    };

    // Attribution from tollgate's headers.
    if let Some(v) = parts.headers.get(USE_CASE_HEADER) {
        match attribution::header_use_case(v.as_bytes(), &state.config) {
            Ok(id) => pending.rec().use_case = Some(id),
            Err(m) => {
                return Ok(refuse(
                    &mut pending,
                    "tollgate_invalid_use_case",
                    &m,
                    Kind::InvalidRequest,
                ))
            }
        }
    }
    if let Some(v) = parts.headers.get(TAGS_HEADER) {
        match attribution::parse_tags(v.as_bytes()) {
            Ok(t) => pending.rec().tags = t,
            Err(m) => {
                return Ok(refuse(
                    &mut pending,
                    "tollgate_invalid_tags",
                    &m,
                    Kind::InvalidRequest,
                ))
            }
        }
    }
    if let Some(v) = parts.headers.get(&state.settings.user_header) {
        let user = state
            .pseudonyms
            .pseudonym(&String::from_utf8_lossy(v.as_bytes()));
        pending.rec().user = Some(user);
    }

    // The body: read where usage is due, streamed through otherwise.
    let mut strip = false;
    let (mut body_bytes, mut max_output_tokens) = (0, None);
    let upstream_body = if endpoint.reads_body() {
        let bytes = match body.collect().await {
            Ok(c) => c.to_bytes(),
            Err(e) => {
                tracing::debug!("client body broke off: {e}");
                pending.finish(CLIENT_CLOSED_STATUS, End::ClientClosed);
                return Ok(Response::new(ProxyBody::full(Bytes::new())));
            }
        };
        let original_len = bytes.len();
        match probe::prepare(endpoint, bytes, &state.pseudonyms) {
            Ok(p) => {
                let rec = pending.rec();
                rec.model_requested = p.model_requested;
                rec.stream = p.stream;
                if rec.user.is_none() {
                    rec.user = p.body_user;
                }
                strip = p.strip_usage_chunk;
                (body_bytes, max_output_tokens) = (p.body.len(), p.max_output_tokens);
                if p.body.len() != original_len {
                    parts
                        .headers
                        .insert(header::CONTENT_LENGTH, HeaderValue::from(p.body.len()));
                }
                // Usage is read from the body, so it must come uncompressed.
                parts.headers.insert(
                    header::ACCEPT_ENCODING,
                    HeaderValue::from_static("identity"),
                );
                Either::Left(Full::new(p.body))
            }
            Err(e) => {
                let m = e.to_string();
                return Ok(refuse(
                    &mut pending,
                    "tollgate_unreadable_body",
                    &m,
                    Kind::InvalidRequest,
                ));
            }
        }
    } else {
        Either::Right(body)
    };

    let rec = pending.rec();
    if rec.use_case.is_none() {
        rec.use_case = attribution::by_rules(
            &state.config,
            &state.settings.source,
            provider,
            rec.key_hint.as_deref(),
            rec.model_requested.as_deref(),
            &rec.tags,
        );
    }
    if rec.use_case.is_none() && state.settings.require_use_case {
        let ids: Vec<&str> = state
            .config
            .use_cases
            .iter()
            .map(|u| u.id.as_str())
            .collect();
        let m = format!(
            "tollgate proxy requires a use case: send the {USE_CASE_HEADER} header with one of: {}",
            if ids.is_empty() {
                "(none configured in tollgate.toml)".to_string()
            } else {
                ids.join(", ")
            }
        );
        return Ok(refuse(
            &mut pending,
            "tollgate_use_case_required",
            &m,
            Kind::InvalidRequest,
        ));
    }

    // Gates that act: a paused or capped use case may be refused here, before anything is sent.
    let rec = pending.rec();
    let demand = Demand {
        model: rec.model_requested.as_deref(),
        body_bytes,
        max_output_tokens,
    };
    match enforce::admit(&state, provider, endpoint, rec.use_case.as_deref(), demand) {
        Ok(charge) => pending.rec().charge = charge,
        Err(r) => return Ok(refuse(&mut pending, r.code, &r.message, Kind::Refused)),
    }

    let Ok(uri) = uri else {
        let m = format!(
            "tollgate proxy: cannot forward {} to {base}",
            route.upstream
        );
        return Ok(refuse(
            &mut pending,
            "tollgate_bad_path",
            &m,
            Kind::InvalidRequest,
        ));
    };
    strip_request_headers(&mut parts.headers, &state.settings.user_header);
    parts.uri = uri;
    parts.version = http::Version::HTTP_11;
    let upstream_req = Request::from_parts(parts, upstream_body);

    let sent = Instant::now();
    let resp = match state.client.request(upstream_req).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(upstream = %base, "upstream unreachable: {e}");
            let m = format!(
                "tollgate proxy could not reach the {} upstream at {base}",
                provider.name()
            );
            return Ok(refuse(
                &mut pending,
                "tollgate_upstream_unreachable",
                &m,
                Kind::Unreachable,
            ));
        }
    };
    let waited = sent.elapsed();
    let (mut rparts, rbody) = resp.into_parts();
    let ok = rparts.status.is_success();
    let sse = rparts
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    let reader = if ok && sse {
        StreamReader::new(endpoint, strip)
    } else {
        None
    };
    let strip = strip && reader.is_some();
    let mut rec = pending.take();
    rec.status = rparts.status.as_u16();
    rec.header_request_id = rparts
        .headers
        .get("x-request-id")
        .or_else(|| rparts.headers.get("request-id"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if strip {
        rparts.headers.remove(header::CONTENT_LENGTH);
    }
    for h in &HOP_BY_HOP {
        rparts.headers.remove(h);
    }
    rparts.headers.remove("keep-alive");
    rparts.headers.insert(super::REQUEST_ID_HEADER, rid);
    let overhead = start.elapsed().saturating_sub(waited).as_micros() as u64;
    rparts
        .headers
        .insert(super::OVERHEAD_HEADER, HeaderValue::from(overhead));
    let flight = Box::new(Flight {
        record: rec,
        start,
        spool: pending.spool.clone(),
        reader,
        strip,
        keep: ok && !sse && endpoint != Endpoint::PassThrough,
        scanner: Scanner::default(),
        frames: Vec::new(),
        kept: 0,
    });
    Ok(Response::from_parts(
        rparts,
        ProxyBody::Tracked(Tracked::new(rbody, flight)),
    ))
}

/// The key's hint from `Authorization: Bearer ...` or `x-api-key`; never the key.
fn key_hint(headers: &HeaderMap) -> Option<String> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v));
    let key = bearer.or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()))?;
    attribution::key_hint(key)
}

/// tollgate's own headers, the end-user header, hop-by-hop headers and Host (set from the
/// upstream URL) never reach the provider.
fn strip_request_headers(headers: &mut HeaderMap, user_header: &HeaderName) {
    let drop: Vec<HeaderName> = headers
        .keys()
        .filter(|k| {
            k.as_str().starts_with("x-tollgate-")
                || *k == user_header
                || *k == header::HOST
                || k.as_str() == "keep-alive"
                || k.as_str() == "proxy-connection"
                || HOP_BY_HOP.contains(*k)
        })
        .cloned()
        .collect();
    for k in drop {
        headers.remove(k);
    }
}

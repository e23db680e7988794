//! AWS Cost Explorer `GetCostAndUsage` (reference/cloud-billing.md 2.1): JSON 1.1 POSTs to `/`,
//! SigV4-signed for service `ce` in us-east-1 by the `aws-sigv4` crate, DAILY granularity,
//! UnblendedCost + AmortizedCost + UsageQuantity, grouped by SERVICE and USAGE_TYPE (or SERVICE
//! and a tag key), filtered by the configured services and tag values.
//!
//! Every request costs $0.01, so the whole window is one query and only its NextPageToken
//! pages follow: a 13-month backfill costs as many requests as the server has pages.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use serde_json::{json, Value};

use super::{paginate, FetchWindow, Http, RetryPolicy, SourceError};
use crate::config::SourceConfig;
use crate::credentials::{self, Chosen, Secret};
use crate::normalize::aws::{AwsContext, GetCostAndUsageResponse};

pub const DEFAULT_ENDPOINT: &str = "https://ce.us-east-1.amazonaws.com";
/// Cost Explorer is a global endpoint: always signed for us-east-1.
pub const SIGNING_REGION: &str = "us-east-1";
pub const SIGNING_SERVICE: &str = "ce";
pub const TARGET: &str = "AWSInsightsIndexService.GetCostAndUsage";
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
pub const METRICS: [&str; 3] = ["UnblendedCost", "AmortizedCost", "UsageQuantity"];
/// What AWS charges per Cost Explorer API request, in cents.
pub const CENTS_PER_REQUEST: u64 = 1;

/// An access key pair (and session token for temporary credentials), and where it came from.
pub struct AwsKeys {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    /// Names the env vars or keyring entry, for messages.
    pub origin: String,
}

/// `TOLLGATE_<SOURCE>_KEY`, else `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+
/// `AWS_SESSION_TOKEN`), else the keyring entry. A stored secret is `ACCESS_KEY_ID:SECRET[:TOKEN]`
/// or the JSON `{"access_key_id", "secret_access_key", "session_token"}`.
pub fn keys(source: &str) -> Result<AwsKeys, SourceError> {
    let other = |message: String| SourceError::Other {
        source_name: source.to_string(),
        message,
    };
    let var = credentials::env_var(source);
    let missing = |why: String| {
        other(format!(
            "no AWS credentials{why}. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or {var} \
             (ACCESS_KEY_ID:SECRET_ACCESS_KEY), or run `tollgate auth set {source}`"
        ))
    };
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let from_aws_env = || {
        Some(AwsKeys {
            access_key_id: env("AWS_ACCESS_KEY_ID")?,
            secret_access_key: Secret::new(env("AWS_SECRET_ACCESS_KEY")?),
            session_token: env("AWS_SESSION_TOKEN").map(Secret::new),
            origin: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY".to_string(),
        })
    };
    let (secret, origin) = match credentials::resolve_chain(source, from_aws_env)
        .map_err(|e| missing(format!(" ({e})")))?
    {
        None => return Err(missing(String::new())),
        Some(Chosen::Provider(keys)) => return Ok(keys),
        Some(Chosen::Tollgate(secret, var)) => (secret, var),
        Some(Chosen::Keyring(secret, _)) => (secret, format!("the keyring entry for {source}")),
    };
    parse_stored(secret.expose()).map(|(id, s, t)| AwsKeys {
        access_key_id: id,
        secret_access_key: Secret::new(s),
        session_token: t.map(Secret::new),
        origin: origin.clone(),
    }).ok_or_else(|| other(format!(
        "the secret in {origin} is not ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN] or the JSON {{\"access_key_id\", \"secret_access_key\"}}; store it again"
    )))
}

fn parse_stored(text: &str) -> Option<(String, String, Option<String>)> {
    let text = text.trim();
    if text.starts_with('{') {
        let v: Value = serde_json::from_str(text).ok()?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        return Some((
            s("access_key_id")?,
            s("secret_access_key")?,
            s("session_token"),
        ));
    }
    let mut parts = text.splitn(3, ':');
    let id = parts.next().filter(|p| !p.is_empty())?;
    let secret = parts.next().filter(|p| !p.is_empty())?;
    Some((
        id.to_string(),
        secret.to_string(),
        parts.next().map(str::to_string),
    ))
}

pub fn client(
    source: &str,
    endpoint_url: Option<&str>,
    policy: RetryPolicy,
) -> Result<Http, SourceError> {
    Http::new(
        source,
        endpoint_url.unwrap_or(DEFAULT_ENDPOINT),
        reqwest::header::HeaderMap::new(),
        policy,
    )
}

/// The GetCostAndUsage body for `window` (without the page token).
pub fn request_body(cfg: &SourceConfig, window: FetchWindow) -> Value {
    let group_by = match &cfg.tag_key {
        Some(tag) => json!([{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "TAG", "Key": tag}]),
        None => json!([
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"}
        ]),
    };
    let mut filters = Vec::new();
    if let Some(services) = cfg.services.as_ref().filter(|s| !s.is_empty()) {
        filters.push(json!({"Dimensions": {"Key": "SERVICE", "Values": services}}));
    }
    if let (Some(tag), Some(values)) = (&cfg.tag_key, cfg.tag_values.as_ref()) {
        filters.push(json!({"Tags": {"Key": tag, "Values": values}}));
    }
    let mut body = json!({
        "TimePeriod": {
            "Start": window.start.format("%Y-%m-%d").to_string(),
            "End": window.end.format("%Y-%m-%d").to_string(),
        },
        "Granularity": "DAILY",
        "Metrics": METRICS,
        "GroupBy": group_by,
    });
    match filters.len() {
        0 => {}
        1 => body["Filter"] = filters.remove(0),
        _ => body["Filter"] = json!({ "And": filters }),
    }
    body
}

/// Every page of the window's one GetCostAndUsage query.
pub async fn fetch(
    http: &Http,
    keys: &AwsKeys,
    cfg: &SourceConfig,
    window: FetchWindow,
) -> Result<(AwsContext, Vec<GetCostAndUsageResponse>), SourceError> {
    let base = request_body(cfg, window);
    let pages = paginate(&http.source, |token| {
        let mut body = base.clone();
        if let Some(t) = token {
            body["NextPageToken"] = Value::String(t);
        }
        async move {
            let page: GetCostAndUsageResponse = post(http, keys, &body).await?;
            let next = page.next_page_token.clone().filter(|t| !t.is_empty());
            Ok((vec![page], next))
        }
    })
    .await
    .map_err(|e| with_key_hint(e, keys))?;
    let ctx = AwsContext {
        account_id: cfg.account_id.clone().unwrap_or_default(),
    };
    Ok((ctx, pages))
}

/// One signed POST; re-signed on every retry so the signature's time stays fresh.
async fn post(
    http: &Http,
    keys: &AwsKeys,
    body: &Value,
) -> Result<GetCostAndUsageResponse, SourceError> {
    let bytes = serde_json::to_vec(body).map_err(|e| SourceError::Other {
        source_name: http.source.clone(),
        message: e.to_string(),
    })?;
    let url = http.url("/");
    http.send_json("POST / (GetCostAndUsage)", |c| {
        let headers = signed_headers(&http.source, keys, &url, &bytes, SystemTime::now())?;
        Ok(c.post(&url).headers(headers).body(bytes.clone()))
    })
    .await
}

/// The request headers with SigV4 `Authorization` and `X-Amz-Date` added by aws-sigv4.
pub fn signed_headers(
    source: &str,
    keys: &AwsKeys,
    url: &str,
    body: &[u8],
    time: SystemTime,
) -> Result<reqwest::header::HeaderMap, SourceError> {
    let fail = |what: &str| SourceError::Other {
        source_name: source.to_string(),
        message: format!("cannot sign the Cost Explorer request: {what}"),
    };
    let parsed = url::Url::parse(url).map_err(|_| fail("the endpoint_url is not a URL"))?;
    let host = match (parsed.host_str(), parsed.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => return Err(fail("the endpoint_url has no host")),
    };
    let mut request = http::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", CONTENT_TYPE)
        .header("host", host.as_str())
        .header("x-amz-target", TARGET);
    if let Some(token) = &keys.session_token {
        request = request.header("x-amz-security-token", token.expose());
    }
    let mut request = request
        .body(())
        .map_err(|_| fail("a header value is not valid"))?;
    let identity = Credentials::new(
        keys.access_key_id.clone(),
        keys.secret_access_key.expose().to_string(),
        keys.session_token.as_ref().map(|t| t.expose().to_string()),
        None,
        "tollgate",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(SIGNING_REGION)
        .name(SIGNING_SERVICE)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| fail(&e.to_string()))?
        .into();
    let header_pairs: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v)))
        .collect();
    let signable = SignableRequest::new(
        "POST",
        url,
        header_pairs.into_iter(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| fail(&e.to_string()))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| fail(&e.to_string()))?
        .into_parts();
    instructions.apply_to_request_http1x(&mut request);
    let mut out = reqwest::header::HeaderMap::new();
    for (k, v) in request.headers() {
        if k.as_str() == "host" {
            continue; // reqwest sets Host from the URL, to the same value
        }
        let mut v = v.clone();
        if k.as_str() == "authorization" || k.as_str() == "x-amz-security-token" {
            v.set_sensitive(true);
        }
        out.insert(k.clone(), v);
    }
    Ok(out)
}

/// A rejected key names where it came from (AWS env vars or tollgate's), never the secret.
fn with_key_hint(e: SourceError, keys: &AwsKeys) -> SourceError {
    match e {
        SourceError::Auth {
            source_name,
            status,
            message,
        } => SourceError::Other {
            message: format!(
                "Cost Explorer rejected the AWS access key {} from {} ({status}): {}. \
                 Fix AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or {}, or run `tollgate auth set {source_name}`; \
                 the key needs ce:GetCostAndUsage",
                keys.access_key_id,
                keys.origin,
                super::sentence(&message),
                credentials::env_var(&source_name)
            ),
            source_name,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_secret_forms() {
        assert_eq!(
            parse_stored("AKIDEXAMPLE:abc/def"),
            Some(("AKIDEXAMPLE".into(), "abc/def".into(), None))
        );
        assert_eq!(
            parse_stored(
                "{\"access_key_id\":\"A\",\"secret_access_key\":\"S\",\"session_token\":\"T\"}"
            ),
            Some(("A".into(), "S".into(), Some("T".into())))
        );
        assert_eq!(parse_stored("justonething"), None);
    }

    #[test]
    fn filters_combine_with_and() {
        let cfg: SourceConfig = toml::from_str(
            "kind = \"aws\"\ntag_key = \"team\"\ntag_values = [\"search\", \"\"]\nservices = [\"Amazon Bedrock\"]\n",
        )
        .expect("cfg");
        let w = FetchWindow {
            start: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("d"),
            end: chrono::NaiveDate::from_ymd_opt(2026, 2, 1).expect("d"),
        };
        let b = request_body(&cfg, w);
        assert_eq!(b["GroupBy"][1], json!({"Type": "TAG", "Key": "team"}));
        assert_eq!(
            b["Filter"]["And"][0]["Dimensions"]["Values"][0],
            "Amazon Bedrock"
        );
        assert_eq!(
            b["Filter"]["And"][1]["Tags"]["Values"],
            json!(["search", ""])
        );
        assert_eq!(
            b["TimePeriod"],
            json!({"Start": "2026-01-01", "End": "2026-02-01"})
        );
    }
}

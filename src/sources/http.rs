//! The HTTP client every connector uses: JSON GETs with timeouts, retries on 429 and 5xx with
//! exponential backoff that honours Retry-After, and errors that name the source, the endpoint
//! and the field — never the credential.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::SourceError;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            timeout: Duration::from_secs(60),
        }
    }
}

/// One connector's client: its name (for messages), base URL, auth headers, counters.
#[derive(Clone)]
pub struct Http {
    pub source: String,
    pub base_url: String,
    client: reqwest::Client,
    headers: HeaderMap,
    policy: RetryPolicy,
    requests: Arc<AtomicU64>,
}

impl Http {
    pub fn new(
        source: &str,
        base_url: &str,
        headers: HeaderMap,
        policy: RetryPolicy,
    ) -> Result<Http, SourceError> {
        let client = reqwest::Client::builder()
            .timeout(policy.timeout)
            .user_agent(concat!("tollgate/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SourceError::Other {
                source_name: source.to_string(),
                message: e.to_string(),
            })?;
        Ok(Http {
            source: source.to_string(),
            base_url: base_url.trim_end_matches('/').to_string(),
            client,
            headers,
            policy,
            requests: Arc::new(AtomicU64::new(0)),
        })
    }

    /// HTTP requests sent so far (retries included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// GET `path` with `query` (pairs, repeated keys allowed) and parse the JSON body as `T`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<T, SourceError> {
        let url = self.url(path);
        self.send_json(&format!("GET {path}"), |c| {
            Ok(c.get(&url).headers(self.headers.clone()).query(query))
        })
        .await
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The client's default headers (auth), for requests built by a connector.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Sends the request `build` makes (called again for every attempt, so a connector can
    /// re-sign it) and parses the JSON body as `T`. `endpoint` (e.g. `POST /`) names it in errors.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        build: impl Fn(&reqwest::Client) -> Result<reqwest::RequestBuilder, SourceError>,
    ) -> Result<T, SourceError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let sent = build(&self.client)?.send().await;
            let resp = match sent {
                Ok(r) => r,
                Err(e)
                    if attempt < self.policy.max_attempts
                        && (e.is_timeout() || e.is_connect() || e.is_request()) =>
                {
                    tracing::warn!(source = %self.source, endpoint, attempt, "request failed: {e}; retrying");
                    tokio::time::sleep(self.backoff(attempt)).await;
                    continue;
                }
                Err(e) => {
                    return Err(SourceError::Network {
                        source_name: self.source.clone(),
                        endpoint: endpoint.to_string(),
                        message: without_url(&e),
                    })
                }
            };
            let status = resp.status();
            if status.is_success() {
                let (body, cut) = read_body(resp).await;
                if let Some(e) = cut {
                    if attempt < self.policy.max_attempts {
                        tracing::warn!(source = %self.source, endpoint, attempt, bytes = body.len(), "response cut off: {e}; retrying");
                        tokio::time::sleep(self.backoff(attempt)).await;
                        continue;
                    }
                    return Err(SourceError::CutOff {
                        source_name: self.source.clone(),
                        endpoint: endpoint.to_string(),
                        bytes: body.len(),
                        why: if e.is_timeout() {
                            "the request timed out"
                        } else {
                            "the connection closed before the body ended"
                        },
                    });
                }
                return serde_json::from_slice(&body).map_err(|e| SourceError::Malformed {
                    source_name: self.source.clone(),
                    endpoint: endpoint.to_string(),
                    message: e.to_string(),
                });
            }
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = resp.text().await.unwrap_or_default();
            let aws_type = aws_error_type(&body);
            let throttled = aws_type.as_deref().is_some_and(|t| {
                t.contains("Throttling")
                    || t.contains("LimitExceeded")
                    || t.contains("TooManyRequests")
            });
            let retryable = status.as_u16() == 429 || status.is_server_error() || throttled;
            if retryable && attempt < self.policy.max_attempts {
                let wait = retry_after
                    .unwrap_or_else(|| self.backoff(attempt))
                    .min(self.policy.max_delay);
                tracing::warn!(source = %self.source, endpoint, attempt, status = status.as_u16(), ?wait, "retrying");
                tokio::time::sleep(wait).await;
                continue;
            }
            let mut message = provider_message(&body);
            if let Some(t) = &aws_type {
                message = format!("{t}: {message}");
            }
            let aws_auth = aws_type.as_deref().is_some_and(|t| {
                [
                    "UnrecognizedClient",
                    "InvalidSignature",
                    "AccessDenied",
                    "ExpiredToken",
                    "InvalidClientTokenId",
                    "IncompleteSignature",
                ]
                .iter()
                .any(|a| t.contains(a))
            });
            return Err(match status.as_u16() {
                401 | 403 => SourceError::Auth {
                    source_name: self.source.clone(),
                    status: status.as_u16(),
                    message,
                },
                s if aws_auth => SourceError::Auth {
                    source_name: self.source.clone(),
                    status: s,
                    message,
                },
                _ => SourceError::Status {
                    source_name: self.source.clone(),
                    endpoint: endpoint.to_string(),
                    status: status.as_u16(),
                    attempts: attempt,
                    message,
                },
            });
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .policy
            .base_delay
            .saturating_mul(1 << (attempt - 1).min(10));
        exp.min(self.policy.max_delay)
    }
}

/// The body as far as it came, and the error that cut it off (a closed connection, a timeout).
async fn read_body(mut resp: reqwest::Response) -> (Vec<u8>, Option<reqwest::Error>) {
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => return (body, None),
            Err(e) => return (body, Some(e)),
        }
    }
}

/// The `__type` of an AWS JSON-protocol error body (`com.amazon...#ThrottlingException` ->
/// `ThrottlingException`).
fn aws_error_type(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let t = v.get("__type")?.as_str()?;
    Some(t.rsplit('#').next().unwrap_or(t).to_string())
}

/// The provider's own error message from an OpenAI-, Anthropic-, AWS- or Google-shaped body.
fn provider_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let msg = parsed
        .as_ref()
        .and_then(|v| v.get("error"))
        .and_then(|e| e.get("message").or(Some(e)))
        .and_then(|m| m.as_str().map(str::to_string))
        .or_else(|| {
            parsed
                .as_ref()
                .and_then(|v| {
                    v.get("message")
                        .or_else(|| v.get("Message"))
                        .or_else(|| v.get("error_description"))
                })
                .and_then(|m| m.as_str())
                .map(str::to_string)
        });
    let text = msg.unwrap_or_else(|| body.chars().take(200).collect());
    redact(&text)
}

/// Removes anything that looks like an API key from provider text before it is shown.
pub fn redact(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let t = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_');
            if (t.starts_with("sk-")
                || t.starts_with("sk_")
                || t.len() >= 32
                    && t.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                && t.len() > 12
            {
                w.replace(t, "[redacted]")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn without_url(e: &reqwest::Error) -> String {
    e.without_url_ref().to_string()
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut s = self.to_string();
        if let Some(u) = self.url() {
            s = s.replace(u.as_str(), u.path());
        }
        s
    }
}

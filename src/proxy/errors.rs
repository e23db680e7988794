//! The proxy's own answers (refusals, an unreachable upstream, an unknown path) in the error
//! shape of the provider the client speaks to, so its SDK raises its usual error:
//! OpenAI `{"error":{"message","type","param","code"}}`, Anthropic
//! `{"type":"error","error":{"type","message"}}`. Upstream errors are never rewritten.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};
use serde_json::json;

use super::body::ProxyBody;
use super::route::Provider;

/// Why the proxy answers itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A tollgate header or the body is not acceptable (400).
    InvalidRequest,
    /// No route for the path (404).
    NotFound,
    /// The upstream could not be reached (502).
    Unreachable,
    /// The use case is paused or over its monthly cap (429; OpenAI `insufficient_quota`,
    /// Anthropic `rate_limit_error`): never retried, nothing was sent upstream.
    Refused,
}

impl Kind {
    pub fn status(self) -> StatusCode {
        match self {
            Kind::InvalidRequest => StatusCode::BAD_REQUEST,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::Unreachable => StatusCode::BAD_GATEWAY,
            Kind::Refused => StatusCode::TOO_MANY_REQUESTS,
        }
    }
}

/// The response body of a proxy error.
pub fn body(provider: Provider, kind: Kind, code: &str, message: &str) -> Vec<u8> {
    let value = match provider {
        Provider::OpenAi => {
            let ty = match kind {
                Kind::InvalidRequest | Kind::NotFound => "invalid_request_error",
                Kind::Unreachable => "api_error",
                Kind::Refused => "insufficient_quota",
            };
            json!({"error": {"message": message, "type": ty, "param": null, "code": code}})
        }
        Provider::Anthropic => {
            let ty = match kind {
                Kind::InvalidRequest => "invalid_request_error",
                Kind::NotFound => "not_found_error",
                Kind::Unreachable => "api_error",
                Kind::Refused => "rate_limit_error",
            };
            json!({"type": "error", "error": {"type": ty, "message": message}})
        }
    };
    serde_json::to_vec(&value).unwrap_or_default()
}

/// A complete proxy error response carrying the request's id.
pub fn response(
    provider: Provider,
    kind: Kind,
    code: &str,
    message: &str,
    request_id: &HeaderValue,
) -> Response<ProxyBody> {
    let mut resp = Response::new(ProxyBody::full(Bytes::from(body(
        provider, kind, code, message,
    ))));
    *resp.status_mut() = kind.status();
    let h = resp.headers_mut();
    h.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(super::REQUEST_ID_HEADER, request_id.clone());
    if kind != Kind::Unreachable {
        // Retrying an identical refused request cannot succeed (openai-python obeys this).
        h.insert("x-should-retry", HeaderValue::from_static("false"));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let o: serde_json::Value =
            serde_json::from_slice(&body(Provider::OpenAi, Kind::InvalidRequest, "c", "m"))
                .expect("json");
        assert_eq!(
            o,
            json!({"error":{"message":"m","type":"invalid_request_error","param":null,"code":"c"}})
        );
        let a: serde_json::Value =
            serde_json::from_slice(&body(Provider::Anthropic, Kind::Unreachable, "c", "m"))
                .expect("json");
        assert_eq!(
            a,
            json!({"type":"error","error":{"type":"api_error","message":"m"}})
        );
    }
}

//! Routing: which provider a request goes to, the path it has there, and what kind of endpoint
//! it is (which decides how usage is read). A plain `match` on the path, no router.

/// The two upstreams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    OpenAi,
    Anthropic,
}

impl Provider {
    /// The FOCUS ProviderName, as the ledger and the price table spell it.
    pub fn name(self) -> &'static str {
        match self {
            Provider::OpenAi => "OpenAI",
            Provider::Anthropic => "Anthropic",
        }
    }
}

/// Endpoints whose responses carry usage; everything else passes through unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// OpenAI `/v1/chat/completions` (and the legacy `/v1/completions`, same usage shape).
    ChatCompletions,
    /// OpenAI `/v1/responses`.
    Responses,
    /// OpenAI `/v1/embeddings`.
    Embeddings,
    /// Anthropic `/v1/messages`.
    Messages,
    /// Anything else (models, files, batches, count_tokens...): forwarded as it is.
    PassThrough,
}

impl Endpoint {
    /// Whether the request body is read (for the model, the user and `stream_options`).
    pub fn reads_body(self) -> bool {
        self != Endpoint::PassThrough
    }
}

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route<'a> {
    pub provider: Provider,
    /// The path and query as the provider receives them (`/v1/chat/completions?x=1`).
    pub upstream: &'a str,
    /// The path alone, recorded as the request's endpoint.
    pub path: &'a str,
    pub endpoint: Endpoint,
}

/// `/openai/...` and bare `/v1/...` go to OpenAI; `/anthropic/...` and bare `/v1/messages...`
/// go to Anthropic. `None` for any other path.
pub fn route<'a>(method: &http::Method, path_and_query: &'a str) -> Option<Route<'a>> {
    let (provider, upstream) = if let Some(rest) = strip_segment(path_and_query, "/openai") {
        (Provider::OpenAi, rest)
    } else if let Some(rest) = strip_segment(path_and_query, "/anthropic") {
        (Provider::Anthropic, rest)
    } else if strip_segment(path_and_query, "/v1/messages").is_some() {
        (Provider::Anthropic, path_and_query)
    } else if strip_segment(path_and_query, "/v1").is_some() {
        (Provider::OpenAi, path_and_query)
    } else {
        return None;
    };
    if !upstream.starts_with('/') {
        return None;
    }
    let path = upstream.split_once('?').map_or(upstream, |(p, _)| p);
    let endpoint = if method != http::Method::POST {
        Endpoint::PassThrough
    } else {
        match (provider, path.trim_end_matches('/')) {
            (Provider::OpenAi, "/v1/chat/completions" | "/v1/completions") => {
                Endpoint::ChatCompletions
            }
            (Provider::OpenAi, "/v1/responses") => Endpoint::Responses,
            (Provider::OpenAi, "/v1/embeddings") => Endpoint::Embeddings,
            (Provider::Anthropic, "/v1/messages") => Endpoint::Messages,
            _ => Endpoint::PassThrough,
        }
    };
    Some(Route {
        provider,
        upstream,
        path,
        endpoint,
    })
}

/// `s` without the leading path segment `seg`, when `s` starts with exactly that segment.
fn strip_segment<'a>(s: &'a str, seg: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(seg)?;
    match rest.as_bytes().first() {
        None => Some("/"),
        Some(b'/' | b'?') => Some(rest),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    #[test]
    fn routes() {
        let r = route(&Method::POST, "/openai/v1/chat/completions?x=1").expect("openai");
        assert_eq!(r.provider, Provider::OpenAi);
        assert_eq!(r.upstream, "/v1/chat/completions?x=1");
        assert_eq!(r.path, "/v1/chat/completions");
        assert_eq!(r.endpoint, Endpoint::ChatCompletions);
        let r = route(&Method::POST, "/v1/messages").expect("bare anthropic");
        assert_eq!(
            (r.provider, r.endpoint),
            (Provider::Anthropic, Endpoint::Messages)
        );
        let r = route(&Method::POST, "/v1/messages/count_tokens").expect("count");
        assert_eq!(
            (r.provider, r.endpoint),
            (Provider::Anthropic, Endpoint::PassThrough)
        );
        let r = route(&Method::POST, "/anthropic/v1/messages").expect("anthropic");
        assert_eq!(r.upstream, "/v1/messages");
        let r = route(&Method::GET, "/v1/models").expect("models");
        assert_eq!(
            (r.provider, r.endpoint),
            (Provider::OpenAi, Endpoint::PassThrough)
        );
        assert_eq!(
            route(&Method::POST, "/v1/responses").map(|r| r.endpoint),
            Some(Endpoint::Responses)
        );
        assert_eq!(
            route(&Method::POST, "/v1/embeddings").map(|r| r.endpoint),
            Some(Endpoint::Embeddings)
        );
        assert!(route(&Method::GET, "/openaiX/v1").is_none());
        assert!(route(&Method::GET, "/v2/x").is_none());
        assert!(route(&Method::GET, "/").is_none());
    }
}

//! Usage from responses, exactly as each provider defines its token fields (reference/gateway.md
//! §3e): `input` is every prompt-side token and `output` every completion-side token; the
//! breakdowns (cache reads, cache writes, reasoning) are parts of them, never added again.
//! Non-streamed bodies are read once on the spool thread; streams are read event by event.

pub mod anthropic;
pub mod openai;

use super::route::Endpoint;
use super::sse::Verdict;

/// Tokens of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Every prompt-side token (OpenAI `prompt_tokens`; Anthropic input + cache reads + writes).
    pub input: u64,
    /// Of `input`: cache reads.
    pub cached_input: u64,
    /// Of `input`: cache writes (Anthropic: 5-minute).
    pub cache_write: u64,
    /// Of `input`: Anthropic 1-hour cache writes.
    pub cache_write_1h: u64,
    /// Every completion-side token, reasoning and thinking included.
    pub output: u64,
    /// Of `output`: reasoning (thinking) tokens.
    pub reasoning: u64,
}

/// What a response said about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    pub usage: Option<Usage>,
    /// The model that answered (the dated snapshot the provider names).
    pub model: Option<String>,
    /// The response's `id`.
    pub provider_request_id: Option<String>,
    /// The service tier the response reports (`standard`, `batch`, `flex`, `priority`...).
    pub tier: Option<String>,
    /// The body carried an error (a mid-stream `error` event, a failed response).
    pub error: bool,
}

/// Reads a complete (non-streamed) JSON response body.
pub fn from_body(endpoint: Endpoint, body: &[u8]) -> Observed {
    match endpoint {
        Endpoint::ChatCompletions | Endpoint::Responses | Endpoint::Embeddings => {
            openai::from_body(body)
        }
        Endpoint::Messages => anthropic::from_body(body),
        Endpoint::PassThrough => Observed::default(),
    }
}

/// The per-stream reader for an endpoint's SSE events.
#[derive(Debug)]
pub enum StreamReader {
    Chat(openai::ChatStream),
    Responses(openai::ResponsesStream),
    Messages(anthropic::MessagesStream),
}

impl StreamReader {
    /// `strip`: leave out the usage chunk the proxy asked for (chat completions only).
    pub fn new(endpoint: Endpoint, strip: bool) -> Option<StreamReader> {
        match endpoint {
            Endpoint::ChatCompletions => Some(StreamReader::Chat(openai::ChatStream::new(strip))),
            Endpoint::Responses => Some(StreamReader::Responses(Default::default())),
            Endpoint::Messages => Some(StreamReader::Messages(Default::default())),
            Endpoint::Embeddings | Endpoint::PassThrough => None,
        }
    }

    pub fn on_event(&mut self, event: &[u8]) -> Verdict {
        match self {
            StreamReader::Chat(s) => s.on_event(event),
            StreamReader::Responses(s) => s.on_event(event),
            StreamReader::Messages(s) => s.on_event(event),
        }
    }

    pub fn observed(self) -> Observed {
        match self {
            StreamReader::Chat(s) => s.observed(),
            StreamReader::Responses(s) => s.observed(),
            StreamReader::Messages(s) => s.observed(),
        }
    }
}

/// OpenAI reports `default`; the price table calls it `standard`.
pub fn tier_name(tier: &str) -> String {
    match tier {
        "default" | "auto" | "" => crate::prices::STANDARD.to_string(),
        other => other.to_string(),
    }
}

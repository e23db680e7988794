//! Anthropic usage: `input_tokens` excludes cache reads and writes; writes come as a total and
//! split into 5-minute and 1-hour; `output_tokens` includes thinking. In a stream,
//! `message_start` carries the first counts and every `message_delta` carries cumulative ones:
//! each field takes its last value (replace, never add), falling back to `message_start`.

use std::borrow::Cow;

use serde::Deserialize;

use super::{Observed, Usage};
use crate::proxy::sse::{self, Verdict};

#[derive(Debug, Clone, Default, Deserialize)]
struct CacheCreation {
    ephemeral_5m_input_tokens: Option<u64>,
    ephemeral_1h_input_tokens: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct OutDetails {
    thinking_tokens: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct RawUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation: Option<CacheCreation>,
    service_tier: Option<String>,
    output_tokens_details: Option<OutDetails>,
}

impl RawUsage {
    /// Each field of `later` where it has one, else this one's.
    fn overlay(self, later: RawUsage) -> RawUsage {
        RawUsage {
            input_tokens: later.input_tokens.or(self.input_tokens),
            output_tokens: later.output_tokens.or(self.output_tokens),
            cache_creation_input_tokens: later
                .cache_creation_input_tokens
                .or(self.cache_creation_input_tokens),
            cache_read_input_tokens: later
                .cache_read_input_tokens
                .or(self.cache_read_input_tokens),
            cache_creation: match (self.cache_creation, later.cache_creation) {
                (Some(a), Some(b)) => Some(CacheCreation {
                    ephemeral_5m_input_tokens: b
                        .ephemeral_5m_input_tokens
                        .or(a.ephemeral_5m_input_tokens),
                    ephemeral_1h_input_tokens: b
                        .ephemeral_1h_input_tokens
                        .or(a.ephemeral_1h_input_tokens),
                }),
                (a, b) => b.or(a),
            },
            service_tier: later.service_tier.or(self.service_tier),
            output_tokens_details: match (self.output_tokens_details, later.output_tokens_details) {
                (Some(a), Some(b)) => Some(OutDetails {
                    thinking_tokens: b.thinking_tokens.or(a.thinking_tokens),
                }),
                (a, b) => b.or(a),
            },
        }
    }

    fn usage(&self) -> Option<Usage> {
        if self.input_tokens.is_none() && self.output_tokens.is_none() {
            return None;
        }
        let read = self.cache_read_input_tokens.unwrap_or(0);
        let split = self.cache_creation.as_ref().filter(|c| {
            c.ephemeral_5m_input_tokens.is_some() || c.ephemeral_1h_input_tokens.is_some()
        });
        let (w5, w1) = match split {
            Some(c) => (
                c.ephemeral_5m_input_tokens.unwrap_or(0),
                c.ephemeral_1h_input_tokens.unwrap_or(0),
            ),
            None => (self.cache_creation_input_tokens.unwrap_or(0), 0),
        };
        Some(Usage {
            input: self.input_tokens.unwrap_or(0) + read + w5 + w1,
            cached_input: read,
            cache_write: w5,
            cache_write_1h: w1,
            output: self.output_tokens.unwrap_or(0),
            reasoning: self
                .output_tokens_details
                .as_ref()
                .and_then(|d| d.thinking_tokens)
                .unwrap_or(0),
        })
    }
}

#[derive(Debug, Default, Deserialize)]
struct Message<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    usage: Option<RawUsage>,
}

pub fn from_body(body: &[u8]) -> Observed {
    let mut seen = Observed::default();
    if let Ok(m) = serde_json::from_slice::<Message<'_>>(body) {
        seen.provider_request_id = m.id.map(Cow::into_owned);
        seen.model = m.model.map(Cow::into_owned);
        if let Some(u) = m.usage {
            seen.tier = u.service_tier.clone();
            seen.usage = u.usage();
        }
    }
    seen
}

#[derive(Debug, Deserialize)]
struct Start<'a> {
    #[serde(borrow)]
    message: Message<'a>,
}

#[derive(Debug, Deserialize)]
struct Delta {
    usage: Option<RawUsage>,
}

/// A streamed message: `message_start`, any number of `message_delta`, `message_stop`;
/// `error` events mid-stream.
#[derive(Debug, Default)]
pub struct MessagesStream {
    id: Option<String>,
    model: Option<String>,
    start: Option<RawUsage>,
    latest: Option<RawUsage>,
    error: bool,
}

impl MessagesStream {
    pub fn on_event(&mut self, event: &[u8]) -> Verdict {
        let e = sse::parse(event);
        match sse::kind(&e) {
            Some(b"message_start") => {
                if let Ok(s) = serde_json::from_slice::<Start<'_>>(&e.data) {
                    self.id = s.message.id.map(Cow::into_owned);
                    self.model = s.message.model.map(Cow::into_owned);
                    self.start = s.message.usage;
                }
            }
            Some(b"message_delta") => {
                if let Ok(Delta { usage: Some(u) }) = serde_json::from_slice::<Delta>(&e.data) {
                    self.latest = Some(match self.latest.take() {
                        Some(prev) => prev.overlay(u),
                        None => u,
                    });
                }
            }
            Some(b"error") => self.error = true,
            _ => {}
        }
        Verdict::Forward
    }

    pub fn observed(self) -> Observed {
        let merged = match (self.start, self.latest) {
            (Some(s), Some(l)) => Some(s.overlay(l)),
            (s, l) => l.or(s),
        };
        Observed {
            usage: merged.as_ref().and_then(RawUsage::usage),
            tier: merged.and_then(|u| u.service_tier),
            model: self.model,
            provider_request_id: self.id,
            error: self.error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(name: &str, data: &str) -> Vec<u8> {
        format!("event: {name}\ndata: {data}\n\n").into_bytes()
    }

    #[test]
    fn deltas_replace_and_fall_back_to_start() {
        let mut s = MessagesStream::default();
        s.on_event(&ev("message_start", r#"{"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-6","usage":{"input_tokens":40,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1,"service_tier":"standard"}}}"#));
        s.on_event(&ev("ping", r#"{"type":"ping"}"#));
        s.on_event(&ev(
            "message_delta",
            r#"{"type":"message_delta","delta":{},"usage":{"output_tokens":200}}"#,
        ));
        s.on_event(&ev("message_delta", r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":40,"cache_read_input_tokens":16000,"cache_creation_input_tokens":500,"cache_creation":{"ephemeral_5m_input_tokens":300,"ephemeral_1h_input_tokens":200},"output_tokens":510,"output_tokens_details":{"thinking_tokens":100}}}"#));
        let seen = s.observed();
        assert_eq!(
            seen.usage,
            Some(Usage {
                input: 40 + 16000 + 500,
                cached_input: 16000,
                cache_write: 300,
                cache_write_1h: 200,
                output: 510,
                reasoning: 100,
            })
        );
        assert_eq!(seen.tier.as_deref(), Some("standard"));
        assert_eq!(seen.model.as_deref(), Some("claude-sonnet-4-6"));
    }

    #[test]
    fn body_without_split_counts_writes_as_5m() {
        let seen = from_body(br#"{"id":"msg_2","model":"claude-haiku-4-5","usage":{"input_tokens":10,"cache_creation_input_tokens":20,"cache_read_input_tokens":30,"output_tokens":5,"service_tier":"batch"}}"#);
        let u = seen.usage.expect("usage");
        assert_eq!(
            (u.input, u.cached_input, u.cache_write, u.cache_write_1h),
            (60, 30, 20, 0)
        );
        assert_eq!(seen.tier.as_deref(), Some("batch"));
    }
}

//! OpenAI usage: chat completions (`usage.prompt_tokens` includes `cached_tokens`,
//! `completion_tokens` includes `reasoning_tokens`), the Responses API (`input_tokens` /
//! `output_tokens`, in the body or in the terminal `response.completed|incomplete|failed`
//! event) and embeddings (`usage.prompt_tokens`).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{tier_name, Observed, Usage};
use crate::proxy::sse::{self, Verdict};

#[derive(Debug, Default, Deserialize)]
struct Details {
    cached_tokens: Option<u64>,
    cache_write_tokens: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct OutDetails {
    reasoning_tokens: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct RawUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    prompt_tokens_details: Option<Details>,
    input_tokens_details: Option<Details>,
    completion_tokens_details: Option<OutDetails>,
    output_tokens_details: Option<OutDetails>,
}

impl RawUsage {
    fn usage(self) -> Option<Usage> {
        let input = self.prompt_tokens.or(self.input_tokens);
        let output = self.completion_tokens.or(self.output_tokens);
        if input.is_none() && output.is_none() {
            return None;
        }
        let details = self
            .prompt_tokens_details
            .or(self.input_tokens_details)
            .unwrap_or_default();
        let out = self
            .completion_tokens_details
            .or(self.output_tokens_details)
            .unwrap_or_default();
        Some(Usage {
            input: input.unwrap_or(0),
            cached_input: details.cached_tokens.unwrap_or(0),
            cache_write: details.cache_write_tokens.unwrap_or(0),
            cache_write_1h: 0,
            output: output.unwrap_or(0),
            reasoning: out.reasoning_tokens.unwrap_or(0),
        })
    }
}

/// A response body, a chat chunk, or a Responses event's `response`.
#[derive(Debug, Default, Deserialize)]
struct Body<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    usage: Option<RawUsage>,
    #[serde(borrow)]
    service_tier: Option<Cow<'a, str>>,
    #[serde(borrow)]
    choices: Option<&'a RawValue>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
}

impl Body<'_> {
    fn merge_into(self, seen: &mut Observed) {
        if let Some(id) = self.id {
            seen.provider_request_id
                .get_or_insert_with(|| id.into_owned());
        }
        if let Some(m) = self.model {
            seen.model = Some(m.into_owned());
        }
        if let Some(t) = self.service_tier {
            seen.tier = Some(tier_name(&t));
        }
        if let Some(u) = self.usage.and_then(RawUsage::usage) {
            seen.usage = Some(u);
        }
    }
}

pub fn from_body(body: &[u8]) -> Observed {
    let mut seen = Observed::default();
    if let Ok(b) = serde_json::from_slice::<Body<'_>>(body) {
        if b.status.as_deref() == Some("failed") {
            seen.error = true;
        }
        b.merge_into(&mut seen);
    }
    seen
}

/// A `"usage":` key followed by something other than `null`.
fn carries_usage(data: &[u8]) -> bool {
    memchr::memmem::find_iter(data, b"\"usage\":").any(|at| {
        data[at + 8..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b != b'n')
    })
}

fn is_error(event: &sse::Event<'_>) -> bool {
    if event.name == Some(b"error") {
        return true;
    }
    let d = event.data.trim_ascii_start();
    d.starts_with(b"{\"error\"") || sse::json_type(d) == Some(b"error")
}

/// A streamed chat completion: the first chunk names the id and model, the usage chunk (asked
/// for with `include_usage`) carries the tokens, `data: {"error":...}` is a mid-stream error.
#[derive(Debug, Default)]
pub struct ChatStream {
    strip: bool,
    seen: Observed,
    headed: bool,
}

impl ChatStream {
    pub fn new(strip: bool) -> ChatStream {
        ChatStream {
            strip,
            ..Default::default()
        }
    }

    pub fn on_event(&mut self, event: &[u8]) -> Verdict {
        let e = sse::parse(event);
        let data = e.data.trim_ascii();
        if data.is_empty() || data == b"[DONE]" {
            return Verdict::Forward;
        }
        if is_error(&e) {
            self.seen.error = true;
            return Verdict::Forward;
        }
        let usage = carries_usage(data);
        if !self.headed || usage {
            if let Ok(b) = serde_json::from_slice::<Body<'_>>(data) {
                self.headed = true;
                let usage_chunk = usage
                    && b.choices
                        .is_some_and(|c| c.get().trim_start_matches('[').trim_start() == "]");
                b.merge_into(&mut self.seen);
                if self.strip && usage_chunk {
                    return Verdict::Drop;
                }
            }
        }
        Verdict::Forward
    }

    pub fn observed(self) -> Observed {
        self.seen
    }
}

#[derive(Debug, Deserialize)]
struct Event<'a> {
    #[serde(borrow)]
    response: Option<Body<'a>>,
}

/// A streamed Responses API call: `response.created` names the id and model; the terminal
/// `response.completed`, `response.incomplete` or `response.failed` carries the usage.
#[derive(Debug, Default)]
pub struct ResponsesStream {
    seen: Observed,
}

impl ResponsesStream {
    pub fn on_event(&mut self, event: &[u8]) -> Verdict {
        let e = sse::parse(event);
        let kind = sse::kind(&e);
        match kind {
            Some(
                b"response.created"
                | b"response.completed"
                | b"response.incomplete"
                | b"response.failed",
            ) => {
                if kind == Some(b"response.failed") {
                    self.seen.error = true;
                }
                if let Ok(Event {
                    response: Some(body),
                }) = serde_json::from_slice::<Event<'_>>(&e.data)
                {
                    body.merge_into(&mut self.seen);
                }
            }
            Some(b"error") => self.seen.error = true,
            _ => {}
        }
        Verdict::Forward
    }

    pub fn observed(self) -> Observed {
        self.seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_body_counts_cached_and_reasoning_once() {
        let body = br#"{"id":"chatcmpl-1","model":"gpt-4o-2024-08-06","service_tier":"default","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024},"completion_tokens_details":{"reasoning_tokens":192}}}"#;
        let seen = from_body(body);
        assert_eq!(seen.provider_request_id.as_deref(), Some("chatcmpl-1"));
        assert_eq!(seen.model.as_deref(), Some("gpt-4o-2024-08-06"));
        assert_eq!(seen.tier.as_deref(), Some("standard"));
        assert_eq!(
            seen.usage,
            Some(Usage {
                input: 1200,
                cached_input: 1024,
                output: 300,
                reasoning: 192,
                ..Default::default()
            })
        );
    }

    #[test]
    fn chat_stream_strips_only_the_usage_chunk() {
        let mut s = ChatStream::new(true);
        let first = b"data: {\"id\":\"c1\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"delta\":{\"content\":\"\\\"usage\\\": 1\"}}],\"usage\":null}\n\n";
        assert_eq!(s.on_event(first), Verdict::Forward);
        let usage = b"data: {\"id\":\"c1\",\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n\n";
        assert_eq!(s.on_event(usage), Verdict::Drop);
        assert_eq!(s.on_event(b"data: [DONE]\n\n"), Verdict::Forward);
        let seen = s.observed();
        assert_eq!(seen.usage.map(|u| (u.input, u.output)), Some((5, 2)));
        let mut s = ChatStream::new(false);
        assert_eq!(s.on_event(usage), Verdict::Forward);
    }

    #[test]
    fn responses_terminal_events() {
        for (kind, error) in [
            ("response.completed", false),
            ("response.incomplete", false),
            ("response.failed", true),
        ] {
            let mut s = ResponsesStream::default();
            let ev = format!("event: {kind}\ndata: {{\"type\":\"{kind}\",\"sequence_number\":42,\"response\":{{\"id\":\"resp_1\",\"model\":\"gpt-5.5-2026-04-23\",\"usage\":{{\"input_tokens\":1200,\"input_tokens_details\":{{\"cached_tokens\":1024,\"cache_write_tokens\":0}},\"output_tokens\":300,\"output_tokens_details\":{{\"reasoning_tokens\":192}},\"total_tokens\":1500}}}}}}\n\n");
            s.on_event(ev.as_bytes());
            let seen = s.observed();
            assert_eq!(seen.error, error);
            assert_eq!(
                seen.usage
                    .map(|u| (u.input, u.cached_input, u.output, u.reasoning)),
                Some((1200, 1024, 300, 192))
            );
            assert_eq!(seen.provider_request_id.as_deref(), Some("resp_1"));
        }
    }
}

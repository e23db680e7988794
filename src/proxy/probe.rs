//! Reading a request body on the hot path without building a `serde_json::Value`: a borrowed
//! probe takes the model, `stream`, `stream_options` and the end-user fields, and the body is
//! rewritten by splicing bytes. Only two things ever change: end-user ids (OpenAI `user`,
//! `safety_identifier`, Anthropic `metadata.user_id`) become pseudonyms, and a streamed chat
//! completion gets `stream_options.include_usage = true` when the client did not ask for it.

use std::collections::BTreeMap;
use std::ops::Range;

use bytes::Bytes;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::pseudonym::Pseudonymizer;
use super::route::Endpoint;

/// What the proxy needs from a request body, and the body to forward.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub body: Bytes,
    pub model_requested: Option<String>,
    pub stream: bool,
    /// `include_usage` was injected: the final usage chunk is removed from the client's stream.
    pub strip_usage_chunk: bool,
    /// The pseudonym of the end user the body named (safety_identifier, user, metadata.user_id).
    pub body_user: Option<String>,
    /// The most output the request allows: `max_completion_tokens`, `max_tokens` or
    /// `max_output_tokens` (the first present), times `n` choices; `None` when it sets none.
    pub max_output_tokens: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
#[error("the request body is not a JSON object tollgate can read ({0})")]
pub struct ProbeError(String);

#[derive(Deserialize)]
struct RawProbe<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    model: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    stream: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    stream_options: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    user: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    safety_identifier: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    metadata: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    max_completion_tokens: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    max_tokens: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    max_output_tokens: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    n: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawMetadata<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    user_id: Option<&'a RawValue>,
}

/// A key that is present is `Some`, even when its value is `null` (unlike `Option`'s default).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Reads `body` and rewrites it as described in the module doc.
pub fn prepare(
    endpoint: Endpoint,
    body: Bytes,
    pseudonyms: &Pseudonymizer,
) -> Result<Prepared, ProbeError> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ProbeError("it does not start with '{'".to_string()));
    }
    let probe: RawProbe<'_> =
        serde_json::from_slice(&body).map_err(|e| ProbeError(e.to_string()))?;
    let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
    let model_requested = probe.model.and_then(as_string);
    let stream = probe.stream.is_some_and(|s| s.get() == "true");
    let max_output_tokens = [
        probe.max_completion_tokens,
        probe.max_tokens,
        probe.max_output_tokens,
    ]
    .into_iter()
    .flatten()
    .find_map(|raw| raw.get().parse::<u64>().ok())
    .map(|m| {
        let n = probe
            .n
            .and_then(|n| n.get().parse::<u64>().ok())
            .unwrap_or(1);
        m.saturating_mul(n.max(1))
    });

    let mut body_user = None;
    let mut pseudonymize = |raw: &RawValue, edits: &mut Vec<(Range<usize>, Vec<u8>)>| {
        if let Some(id) = as_string(raw) {
            let p = pseudonyms.pseudonym(&id);
            edits.push((span(&body, raw), format!("\"{p}\"").into_bytes()));
            body_user.get_or_insert(p);
        }
    };
    if let Some(raw) = probe.safety_identifier {
        pseudonymize(raw, &mut edits);
    }
    if let Some(raw) = probe.user {
        pseudonymize(raw, &mut edits);
    }
    if let Some(meta) = probe.metadata.filter(|m| m.get().starts_with('{')) {
        let meta: RawMetadata<'_> =
            serde_json::from_str(meta.get()).map_err(|e| ProbeError(format!("metadata: {e}")))?;
        if let Some(raw) = meta.user_id {
            pseudonymize(raw, &mut edits);
        }
    }

    let mut strip_usage_chunk = false;
    if endpoint == Endpoint::ChatCompletions && stream {
        match probe.stream_options {
            None => {
                let close = last_non_ws(&body, body.len()).filter(|&i| body[i] == b'}');
                if let Some(close) = close {
                    let empty = last_non_ws(&body, close).is_some_and(|i| body[i] == b'{');
                    let text = if empty { "" } else { "," };
                    let insert = format!("{text}\"stream_options\":{{\"include_usage\":true}}");
                    edits.push((close..close, insert.into_bytes()));
                    strip_usage_chunk = true;
                }
            }
            Some(raw) if raw.get() == "null" => {
                edits.push((span(&body, raw), b"{\"include_usage\":true}".to_vec()));
                strip_usage_chunk = true;
            }
            Some(raw) if raw.get().starts_with('{') => {
                let opts: BTreeMap<String, &RawValue> = serde_json::from_str(raw.get())
                    .map_err(|e| ProbeError(format!("stream_options: {e}")))?;
                let asked = opts.get("include_usage").is_some_and(|v| v.get() == "true");
                if !asked {
                    let mut out = String::from("{");
                    for (k, v) in opts.iter().filter(|(k, _)| *k != "include_usage") {
                        let key =
                            serde_json::to_string(k).map_err(|e| ProbeError(e.to_string()))?;
                        out.push_str(&key);
                        out.push(':');
                        out.push_str(v.get());
                        out.push(',');
                    }
                    out.push_str("\"include_usage\":true}");
                    edits.push((span(&body, raw), out.into_bytes()));
                    strip_usage_chunk = true;
                }
            }
            Some(_) => {}
        }
    }

    let body = if edits.is_empty() {
        body
    } else {
        splice(&body, edits)
    };
    Ok(Prepared {
        body,
        model_requested,
        stream,
        strip_usage_chunk,
        body_user,
        max_output_tokens,
    })
}

/// The JSON string's value, `None` for any other JSON value.
fn as_string(raw: &RawValue) -> Option<String> {
    raw.get()
        .starts_with('"')
        .then(|| serde_json::from_str::<String>(raw.get()).ok())
        .flatten()
}

/// Where `raw` (borrowed from `body`) sits in `body`.
fn span(body: &[u8], raw: &RawValue) -> Range<usize> {
    let start = (raw.get().as_ptr() as usize).saturating_sub(body.as_ptr() as usize);
    start..start + raw.get().len()
}

/// The index of the last non-whitespace byte before `end`.
fn last_non_ws(body: &[u8], end: usize) -> Option<usize> {
    body[..end].iter().rposition(|b| !b.is_ascii_whitespace())
}

fn splice(body: &[u8], mut edits: Vec<(Range<usize>, Vec<u8>)>) -> Bytes {
    edits.sort_by_key(|(r, _)| r.start);
    let extra: usize = edits.iter().map(|(_, v)| v.len()).sum();
    let mut out = Vec::with_capacity(body.len() + extra);
    let mut at = 0;
    for (range, with) in edits {
        out.extend_from_slice(&body[at..range.start]);
        out.extend_from_slice(&with);
        at = range.end;
    }
    out.extend_from_slice(&body[at..]);
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Secret;

    fn run(endpoint: Endpoint, body: &str) -> Prepared {
        let p = Pseudonymizer::new(&Secret::new("k"));
        prepare(endpoint, Bytes::copy_from_slice(body.as_bytes()), &p).expect("prepare")
    }

    #[test]
    fn max_output_tokens_and_choices() {
        let p = run(
            Endpoint::ChatCompletions,
            r#"{"model":"gpt-4o","max_tokens":100}"#,
        );
        assert_eq!(p.max_output_tokens, Some(100));
        let p = run(
            Endpoint::ChatCompletions,
            r#"{"model":"gpt-4o","n":3,"max_completion_tokens":50,"max_tokens":9}"#,
        );
        assert_eq!(p.max_output_tokens, Some(150));
        let p = run(
            Endpoint::Responses,
            r#"{"model":"o3","max_output_tokens":7}"#,
        );
        assert_eq!(p.max_output_tokens, Some(7));
        let p = run(
            Endpoint::ChatCompletions,
            r#"{"model":"gpt-4o","max_tokens":null}"#,
        );
        assert_eq!(p.max_output_tokens, None);
    }

    fn text(p: &Prepared) -> &str {
        std::str::from_utf8(&p.body).expect("utf8")
    }

    #[test]
    fn untouched_without_user_or_stream() {
        let body = r#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi \"user\":x"}]}"#;
        let p = run(Endpoint::ChatCompletions, body);
        assert_eq!(text(&p), body);
        assert_eq!(p.model_requested.as_deref(), Some("gpt-4o"));
        assert!(!p.stream && !p.strip_usage_chunk && p.body_user.is_none());
    }

    #[test]
    fn injects_include_usage_once() {
        let p = run(
            Endpoint::ChatCompletions,
            "{\"model\":\"m\",\"stream\":true }\n",
        );
        assert_eq!(
            text(&p),
            "{\"model\":\"m\",\"stream\":true ,\"stream_options\":{\"include_usage\":true}}\n"
        );
        assert!(p.strip_usage_chunk);
        let p = run(
            Endpoint::ChatCompletions,
            r#"{"stream":true,"stream_options":null}"#,
        );
        assert_eq!(
            text(&p),
            r#"{"stream":true,"stream_options":{"include_usage":true}}"#
        );
        let p = run(
            Endpoint::ChatCompletions,
            r#"{"stream":true,"stream_options":{"include_obfuscation":false,"include_usage":false}}"#,
        );
        assert_eq!(
            text(&p),
            r#"{"stream":true,"stream_options":{"include_obfuscation":false,"include_usage":true}}"#
        );
        let asked = r#"{"stream":true,"stream_options":{"include_usage":true}}"#;
        let p = run(Endpoint::ChatCompletions, asked);
        assert_eq!(text(&p), asked);
        assert!(!p.strip_usage_chunk);
        // Responses and non-streamed requests are never touched.
        let body = r#"{"stream":true}"#;
        assert_eq!(text(&run(Endpoint::Responses, body)), body);
        let body = r#"{"stream":false}"#;
        assert_eq!(text(&run(Endpoint::ChatCompletions, body)), body);
    }

    #[test]
    fn user_fields_become_the_same_pseudonym() {
        let ps = Pseudonymizer::new(&Secret::new("k"));
        let want = ps.pseudonym("alice@example.com");
        let p = run(
            Endpoint::ChatCompletions,
            r#"{"user":"alice@example.com","safety_identifier":"alice@example.com","n":1}"#,
        );
        assert_eq!(
            text(&p),
            format!(r#"{{"user":"{want}","safety_identifier":"{want}","n":1}}"#)
        );
        assert_eq!(p.body_user.as_deref(), Some(want.as_str()));
        let p = run(
            Endpoint::Messages,
            r#"{"metadata": {"user_id": "alice@example.com"}, "model":"claude"}"#,
        );
        assert_eq!(
            text(&p),
            format!(r#"{{"metadata": {{"user_id": "{want}"}}, "model":"claude"}}"#)
        );
        assert_eq!(p.body_user.as_deref(), Some(want.as_str()));
        // Escapes are decoded before hashing.
        let p = run(
            Endpoint::Messages,
            r#"{"metadata":{"user_id":"alice@example\u002ecom"}}"#,
        );
        assert_eq!(p.body_user.as_deref(), Some(want.as_str()));
    }

    #[test]
    fn unreadable_bodies_are_errors() {
        let ps = Pseudonymizer::new(&Secret::new("k"));
        for bad in ["", "[1]", "{\"user\":\"a\"", "{\"model\":1,\"model\":2}"] {
            assert!(
                prepare(Endpoint::ChatCompletions, Bytes::from(bad), &ps).is_err(),
                "{bad}"
            );
        }
    }
}

//! The requests the bench sends, shaped as the official SDKs send them: a chat completion with
//! a ~4 KB prompt (the 1,117 prompt tokens the upstream bills), a Responses call, an embedding
//! and an Anthropic message, each with an end-user id, plus streamed variants. Sent to tollgate
//! they also carry the use-case header; the path prefix depends on who is asked.

use std::net::SocketAddr;
use std::sync::OnceLock;

use crate::client::Req;
use crate::target::USE_CASE;

/// Who a request goes to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Via {
    Direct,
    Tollgate,
    LiteLlm,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Chat,
    Responses,
    Embeddings,
    Messages,
    /// Chat completion streamed, every event at once (64 deltas).
    ChatSse,
    /// Anthropic message streamed, every event at once.
    MessagesSse,
}

impl Kind {
    pub const C1: [Kind; 6] = [
        Kind::Chat,
        Kind::Responses,
        Kind::Embeddings,
        Kind::Messages,
        Kind::ChatSse,
        Kind::MessagesSse,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Chat => "chat/completions",
            Kind::Responses => "responses",
            Kind::Embeddings => "embeddings",
            Kind::Messages => "messages",
            Kind::ChatSse => "chat/completions SSE x64",
            Kind::MessagesSse => "messages SSE x64",
        }
    }

    fn anthropic(self) -> bool {
        matches!(self, Kind::Messages | Kind::MessagesSse)
    }
}

fn prompt() -> &'static str {
    static PROMPT: OnceLock<String> = OnceLock::new();
    PROMPT.get_or_init(|| {
        "Summarise the month's AI spend by use case, flag every use case above its budget and explain the largest change against last month in plain words. "
            .repeat(30)
    })
}

fn body(kind: Kind, stream: bool) -> String {
    let p = prompt();
    let s = if stream { ",\"stream\":true" } else { "" };
    match kind {
        Kind::Chat | Kind::ChatSse => format!(
            r#"{{"model":"gpt-4o-mini","messages":[{{"role":"system","content":"You are a concise assistant for the finance team."}},{{"role":"user","content":"{p}"}}],"max_tokens":256,"temperature":0.2,"user":"user-4711"{s}}}"#
        ),
        Kind::Responses => format!(
            r#"{{"model":"gpt-4.1-mini","input":"{p}","max_output_tokens":512,"safety_identifier":"user-4711"{s}}}"#
        ),
        Kind::Embeddings => {
            r#"{"model":"text-embedding-3-small","input":"The invoice total is reconciled.","encoding_format":"base64","user":"user-4711"}"#.to_string()
        }
        Kind::Messages | Kind::MessagesSse => format!(
            r#"{{"model":"claude-sonnet-4-5","max_tokens":1024,"system":"You are a concise assistant for the finance team.","messages":[{{"role":"user","content":"{p}"}}],"metadata":{{"user_id":"user-4711"}}{s}}}"#
        ),
    }
}

fn path(kind: Kind, via: Via) -> String {
    let endpoint = match kind {
        Kind::Chat | Kind::ChatSse => "/v1/chat/completions",
        Kind::Responses => "/v1/responses",
        Kind::Embeddings => "/v1/embeddings",
        Kind::Messages | Kind::MessagesSse => "/v1/messages",
    };
    match via {
        Via::Direct | Via::LiteLlm => endpoint.to_string(),
        Via::Tollgate if kind.anthropic() => format!("/anthropic{endpoint}"),
        Via::Tollgate => format!("/openai{endpoint}"),
    }
}

/// The request of `kind` to `addr` via `via`.
pub fn request(kind: Kind, via: Via, addr: SocketAddr) -> Req {
    let stream = matches!(kind, Kind::ChatSse | Kind::MessagesSse);
    let mut r = Req::post(addr, &path(kind, via), &body(kind, stream));
    r = if kind.anthropic() {
        r.header("x-api-key", "sk-ant-bench-0000000000000000abcd")
            .header("anthropic-version", "2023-06-01")
    } else if via == Via::LiteLlm {
        // LiteLLM refuses to start without a master key, and then asks for it.
        let key = std::env::var("LITELLM_MASTER_KEY").unwrap_or_default();
        r.header("authorization", &format!("Bearer {key}"))
    } else {
        r.header("authorization", "Bearer sk-proj-bench-00000000000000abcd")
    };
    if via == Via::Tollgate {
        r = r.header("x-tollgate-use-case", USE_CASE);
    }
    r
}

/// A streamed chat completion, paced by the upstream: `deltas` deltas 20 ms apart.
pub fn paced_chat(via: Via, addr: SocketAddr, deltas: usize) -> Req {
    request(Kind::ChatSse, via, addr)
        .header("x-bench-pace", "paced")
        .header("x-bench-deltas", &deltas.to_string())
}

//! A spool line as `sync` reads it: the record `tollgate proxy` writes (`proxy::record::Record`,
//! CONTRACTS.md "tollgate proxy"), deserialized on its own so the proxy's hot path stays free to
//! change its internals. Fields the proxy may add later are ignored; a line missing a field the
//! table needs, or with a field of the wrong type, is corrupt.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

/// One request's record.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SpoolRecord {
    pub request_id: String,
    pub provider_request_id: Option<String>,
    pub key_hint: Option<String>,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub provider: String,
    pub endpoint: String,
    pub model_requested: Option<String>,
    pub model: Option<String>,
    pub use_case: Option<String>,
    /// The end user's pseudonym (the raw id never reaches the spool).
    pub user: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub status: u16,
    pub outcome: String,
    pub stream: bool,
    pub input_tokens: Option<u64>,
    pub cached_input_tokens: Option<u64>,
    pub cache_write_tokens: Option<u64>,
    pub cache_write_1h_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub reasoning_tokens: Option<u64>,
    /// A decimal string in the spool; exact here.
    pub cost_usd: Option<Decimal>,
    pub priced: bool,
    pub latency_ms: f64,
    pub ttft_ms: Option<f64>,
}

/// The outcomes the proxy writes.
pub const OUTCOMES: &[&str] = &[
    "ok",
    "upstream_error",
    "client_closed",
    "refused",
    "usage_missing",
];

impl SpoolRecord {
    /// Parses one line (without its newline), or says what is wrong with it.
    pub fn parse(line: &[u8]) -> Result<SpoolRecord, String> {
        let r: SpoolRecord = serde_json::from_slice(line).map_err(|e| e.to_string())?;
        if r.request_id.trim().is_empty() {
            return Err("request_id is empty".to_string());
        }
        if !OUTCOMES.contains(&r.outcome.as_str()) {
            return Err(format!(
                "outcome '{}' is not one of {}",
                r.outcome,
                OUTCOMES.join(", ")
            ));
        }
        if r.cost_usd.is_some() && !r.priced {
            return Err("cost_usd is set but priced is false".to_string());
        }
        if r.cost_usd.is_some_and(|c| c.is_sign_negative()) {
            return Err("cost_usd is negative".to_string());
        }
        Ok(r)
    }

    pub fn started(&self) -> NaiveDateTime {
        self.started_at.naive_utc()
    }

    pub fn ended(&self) -> NaiveDateTime {
        self.ended_at.naive_utc()
    }

    /// The UTC day the request counts on.
    pub fn day(&self) -> NaiveDate {
        self.started_at.date_naive()
    }

    /// The tags as a JSON object string.
    pub fn tags_json(&self) -> String {
        serde_json::to_string(&self.tags).unwrap_or_else(|_| "{}".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line `tollgate proxy` wrote (tests/it/proxy_openai.rs's priced chat completion).
    const LINE: &str = r#"{"request_id":"0192f1c4-aaaa","provider_request_id":"chatcmpl-1","key_hint":"sk-…WXYZ","started_at":"2026-12-05T10:00:00.123456Z","ended_at":"2026-12-05T10:00:00.223456Z","provider":"OpenAI","endpoint":"/v1/chat/completions","model_requested":"gpt-4o","model":"gpt-4o-2024-08-06","use_case":"bot","user":null,"tags":{"env":"prod","team":"search"},"status":200,"outcome":"ok","stream":false,"input_tokens":1200,"cached_input_tokens":1024,"cache_write_tokens":0,"cache_write_1h_tokens":0,"output_tokens":300,"reasoning_tokens":192,"cost_usd":"0.00472","priced":true,"latency_ms":1.234,"ttft_ms":null}"#;

    #[test]
    fn a_proxy_line_parses_exactly() {
        let r = SpoolRecord::parse(LINE.as_bytes()).expect("parse");
        assert_eq!(r.cost_usd, Some(Decimal::new(472, 5)));
        assert_eq!(r.day(), NaiveDate::from_ymd_opt(2026, 12, 5).expect("day"));
        assert_eq!(r.tags_json(), r#"{"env":"prod","team":"search"}"#);
        assert_eq!(r.started().to_string(), "2026-12-05 10:00:00.123456");
    }

    #[test]
    fn broken_lines_say_why() {
        let cut = &LINE[..LINE.len() - 20];
        assert!(SpoolRecord::parse(cut.as_bytes()).is_err());
        let wrong = LINE.replace("\"outcome\":\"ok\"", "\"outcome\":\"maybe\"");
        let e = SpoolRecord::parse(wrong.as_bytes()).expect_err("outcome");
        assert!(e.contains("maybe"), "{e}");
        let no_id = LINE.replace("\"0192f1c4-aaaa\"", "\"\"");
        assert!(SpoolRecord::parse(no_id.as_bytes()).is_err());
    }
}

//! Who a request belongs to: the use case from `x-tollgate-use-case` (a configured id), else the
//! config's rules (matched on the provider, the key's hint, the requested model and the tags),
//! else none; tags from `x-tollgate-tags: k=v,k=v`.

use crate::alloc::{allocate, Allocation, Dimension};
use crate::config::Config;

use super::route::Provider;

pub const USE_CASE_HEADER: &str = "x-tollgate-use-case";
pub const TAGS_HEADER: &str = "x-tollgate-tags";

/// The header's use case, checked against the configured ids; the message names the header
/// and the valid ids.
pub fn header_use_case(value: &[u8], config: &Config) -> Result<String, String> {
    let id = std::str::from_utf8(value).unwrap_or("").trim();
    if config.use_case(id).is_some() {
        return Ok(id.to_string());
    }
    let valid: Vec<&str> = config.use_cases.iter().map(|u| u.id.as_str()).collect();
    let shown = String::from_utf8_lossy(value);
    Err(if valid.is_empty() {
        format!("{USE_CASE_HEADER}: '{shown}' is not a use case: no use cases are configured in tollgate.toml ([[use_cases]])")
    } else {
        format!(
            "{USE_CASE_HEADER}: '{shown}' is not a configured use case; valid ids: {}",
            valid.join(", ")
        )
    })
}

/// `k=v,k=v` pairs; an item without `=` or with an empty key is an error naming the header.
pub fn parse_tags(value: &[u8]) -> Result<Vec<(String, String)>, String> {
    let text = std::str::from_utf8(value)
        .map_err(|_| format!("{TAGS_HEADER}: not UTF-8; write k=v,k=v"))?;
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        match item.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.push((k.trim().to_string(), v.trim().to_string()));
            }
            _ => {
                return Err(format!(
                    "{TAGS_HEADER}: '{item}' is not key=value; write k=v,k=v"
                ))
            }
        }
    }
    Ok(out)
}

/// The use case the first matching rule gives the request, when it gives exactly one (a
/// split or split_by rule is left to allocation at ingest).
pub fn by_rules(
    config: &Config,
    source: &str,
    provider: Provider,
    key_hint: Option<&str>,
    model: Option<&str>,
    tags: &[(String, String)],
) -> Option<String> {
    if config.rules.is_empty() {
        return None;
    }
    let tags_json = (!tags.is_empty()).then(|| {
        let map: std::collections::BTreeMap<&str, &str> =
            tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        serde_json::to_string(&map).unwrap_or_default()
    });
    let service = match provider {
        Provider::OpenAi if model.is_some_and(|m| m.contains("embedding")) => "OpenAI Embeddings",
        Provider::OpenAi => "OpenAI API",
        Provider::Anthropic => "Claude API",
    };
    let d = Dimension {
        source: source.to_string(),
        provider: provider.name().to_string(),
        service: service.to_string(),
        service_category: "AI and Machine Learning".to_string(),
        api_key_id: key_hint.map(str::to_string),
        model: model.map(str::to_string),
        tags: tags_json,
        ..Default::default()
    };
    match allocate(config, &d) {
        Allocation::Fixed(shares) if shares.len() == 1 => shares.into_iter().next()?.use_case,
        _ => None,
    }
}

/// The key as the providers' admin APIs redact it: its prefix and last four characters
/// (`sk-…abcd`, `sk-ant-…abcd`); nothing for keys too short to hint at safely.
pub fn key_hint(key: &str) -> Option<String> {
    let key = key.trim();
    if key.len() < 16 || !key.is_ascii() {
        return None;
    }
    let prefix = if key.starts_with("sk-ant-") {
        "sk-ant-"
    } else {
        &key[..3]
    };
    Some(format!("{prefix}…{}", &key[key.len() - 4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_hints() {
        assert_eq!(
            parse_tags(b"team=search, env=prod").expect("tags"),
            vec![
                ("team".into(), "search".into()),
                ("env".into(), "prod".into())
            ]
        );
        assert!(parse_tags(b"team")
            .expect_err("bad")
            .contains("'team' is not key=value"));
        assert_eq!(
            key_hint("sk-proj-0123456789abcdWXYZ").as_deref(),
            Some("sk-…WXYZ")
        );
        assert_eq!(
            key_hint("sk-ant-api03-0123456789abcd").as_deref(),
            Some("sk-ant-…abcd")
        );
        assert_eq!(key_hint("short"), None);
    }

    #[test]
    fn rules_give_one_use_case() {
        let c = crate::config::parse(
            "[[use_cases]]\nid='bot'\nname='Bot'\nkind='pilot'\n[[rules]]\nuse_case='bot'\nmatch={ model='gpt-4o*', api_key='*WXYZ' }\n",
            "t.toml",
        )
        .expect("config");
        let hit = by_rules(
            &c,
            "gateway",
            Provider::OpenAi,
            Some("sk-…WXYZ"),
            Some("gpt-4o-mini"),
            &[],
        );
        assert_eq!(hit.as_deref(), Some("bot"));
        let miss = by_rules(
            &c,
            "gateway",
            Provider::OpenAi,
            Some("sk-…AAAA"),
            Some("gpt-4o-mini"),
            &[],
        );
        assert_eq!(miss, None);
        assert!(header_use_case(b"nope", &c)
            .expect_err("unknown")
            .contains("valid ids: bot"));
    }
}

//! OpenAI and Anthropic records, shaped as their Admin APIs send them: daily cost buckets
//! plus usage buckets that carry tokens and request counts per key.

use chrono::{Days, NaiveDate, NaiveTime};
use rust_decimal::prelude::*;

use super::plan::{Clock, Sink};
use super::prices::{self, TokenKind};
use super::rng::SplitMix64;
use super::Planned;
use crate::normalize::{anthropic as an, openai as oa};

const PROJECTS: &[(&str, &str)] = &[
    ("proj_assistant", "AI assistant"),
    ("proj_search", "Smart search"),
    ("proj_support", "Support bot"),
    ("proj_shared", "Shared"),
    ("proj_platform", "ML platform"),
    ("proj_default", "Default project"),
];

const OPENAI_KEYS: &[(&str, &str)] = &[
    ("key_assistant_prod", "assistant-prod"),
    ("key_assistant_dev", "assistant-dev"),
    ("key_search_indexer", "search-indexer"),
    ("key_support_bot", "support-bot"),
    ("key_sales_bot", "sales-bot"),
    ("key_internal_tools", "internal-tools"),
    ("key_evals", "evals-runner"),
    ("key_legacy", "legacy"),
];

const WORKSPACES: &[(&str, &str)] = &[
    ("wrkspc_docs", "Doc summaries"),
    ("wrkspc_eng", "Engineering"),
    ("wrkspc_platform", "ML platform"),
    ("wrkspc_search", "Search"),
    ("wrkspc_labs", "Labs"),
];

const ANTHROPIC_KEYS: &[(&str, &str)] = &[
    ("apikey_docs_prod", "docs-prod"),
    ("apikey_docs_batch", "docs-batch"),
    ("apikey_review_bot", "review-bot"),
    ("apikey_review_dev", "review-dev"),
    ("apikey_evals_nightly", "evals-nightly"),
    ("apikey_evals_ci", "evals-ci"),
    ("apikey_search_rerank", "search-rerank"),
    ("apikey_search_staging", "search-staging"),
    ("apikey_agent_proto", "agent-proto"),
    ("apikey_agent_notebooks", "agent-notebooks"),
    ("apikey_adhoc_scripts", "adhoc-scripts"),
    ("apikey_jupyter", "jupyter"),
];

/// A money amount as a JSON number that keeps its exact digits (serde_json's
/// `arbitrary_precision`), falling back to a numeric string, which providers also send.
pub fn json_money(d: Decimal) -> serde_json::Value {
    let text = d.normalize().to_string();
    serde_json::from_str::<serde_json::Number>(&text)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::String(text))
}

/// One token type of one model on one day: how many tokens and what they cost.
struct Priced {
    kind: TokenKind,
    tokens: i64,
    cost: Decimal,
}

/// Turns a day's spend on `model` into tokens per type at that day's prices.
fn price_out(model: &str, day: NaiveDate, usd: f64, clock: &Clock) -> Vec<Priced> {
    let mult = Decimal::from(prices::multiplier(model, day, clock.price_doubled_on));
    prices::rates(model)
        .into_iter()
        .filter_map(|r| {
            let per_m = r.usd_per_m * mult;
            let tokens = (usd * r.share * 1e6 / per_m.to_f64()?).round() as i64;
            (tokens > 0).then(|| Priced {
                kind: r.kind,
                tokens,
                cost: (Decimal::from(tokens) * per_m / Decimal::from(1_000_000)).round_dp(6),
            })
        })
        .collect()
}

fn tokens_of(parts: &[Priced], kind: TokenKind) -> i64 {
    parts
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| p.tokens)
        .sum()
}

pub fn openai(clock: &Clock, plan: &[Planned]) -> oa::OpenAiBatch {
    let mut batch = oa::OpenAiBatch {
        project_names: oa::names(PROJECTS),
        key_names: oa::names(OPENAI_KEYS),
        ..Default::default()
    };
    for (i, day) in clock.days.iter().enumerate() {
        let start_time = day.and_time(NaiveTime::MIN).and_utc().timestamp();
        let end_time = start_time + 86_400;
        let (mut costs, mut completions, mut embeddings) = (Vec::new(), Vec::new(), Vec::new());
        for p in plan {
            let Sink::OpenAi {
                project,
                key,
                model,
            } = p.stream.sink
            else {
                continue;
            };
            let usd = p.spend[i];
            if usd <= 0.0 {
                continue;
            }
            let parts = price_out(model, *day, usd, clock);
            for part in &parts {
                costs.push(oa::CostResult {
                    amount: Some(oa::Amount {
                        value: json_money(part.cost),
                        currency: Some("usd".to_string()),
                    }),
                    line_item: Some(format!("{model}, {}", part.kind.openai_label())),
                    project_id: Some(project.to_string()),
                    api_key_id: Some(key.to_string()),
                    quantity: Some(serde_json::Value::from(part.tokens)),
                    quantity_unit: Some("tokens".to_string()),
                });
            }
            let cached = tokens_of(&parts, TokenKind::CachedInput);
            let input = tokens_of(&parts, TokenKind::Input) + cached;
            let usage = oa::UsageResult {
                input_tokens: input,
                output_tokens: tokens_of(&parts, TokenKind::Output),
                num_model_requests: ((input as f64 / prices::prompt_tokens(model)).round() as i64)
                    .max(1),
                input_cached_tokens: Some(cached),
                input_cache_write_tokens: None,
                project_id: Some(project.to_string()),
                api_key_id: Some(key.to_string()),
                model: Some(model.to_string()),
            };
            if model.contains("embedding") {
                embeddings.push(usage);
            } else {
                completions.push(usage);
            }
        }
        batch.costs.push(oa::Bucket {
            start_time,
            end_time,
            results: costs,
        });
        batch.completions.push(oa::Bucket {
            start_time,
            end_time,
            results: completions,
        });
        batch.embeddings.push(oa::Bucket {
            start_time,
            end_time,
            results: embeddings,
        });
    }
    batch
}

fn rfc3339(day: NaiveDate) -> String {
    day.format("%Y-%m-%dT00:00:00Z").to_string()
}

/// Splits `total` by `weights` into integers that add up to it.
fn split_tokens(total: i64, weights: &[f64]) -> Vec<i64> {
    let sum: f64 = weights.iter().sum();
    let mut left = total;
    weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let part = if i + 1 == weights.len() {
                left
            } else {
                ((total as f64) * w / sum).floor() as i64
            };
            left -= part;
            part
        })
        .collect()
}

pub fn anthropic(clock: &Clock, plan: &[Planned], seed: u64) -> an::AnthropicBatch {
    let mut batch = an::AnthropicBatch {
        workspace_names: oa::names(WORKSPACES),
        key_names: oa::names(ANTHROPIC_KEYS),
        ..Default::default()
    };
    let mut key_rngs: Vec<SplitMix64> = plan
        .iter()
        .map(|p| SplitMix64::for_stream(seed, &format!("{}/keys", p.stream.id)))
        .collect();
    for (i, day) in clock.days.iter().enumerate() {
        let starting_at = rfc3339(*day);
        let ending_at = rfc3339(*day + Days::new(1));
        let (mut costs, mut usage) = (Vec::new(), Vec::new());
        for (p, rng) in plan.iter().zip(key_rngs.iter_mut()) {
            let Sink::Anthropic {
                workspace,
                keys,
                model,
            } = p.stream.sink
            else {
                continue;
            };
            // the day's mix of keys wobbles a little
            let weights: Vec<f64> = keys.iter().map(|(_, w)| w * rng.jitter(0.1)).collect();
            let usd = p.spend[i];
            if usd <= 0.0 {
                continue;
            }
            let parts = price_out(model, *day, usd, clock);
            for part in &parts {
                costs.push(an::CostResult {
                    amount: serde_json::Value::String(
                        (part.cost * Decimal::from(100)).normalize().to_string(),
                    ),
                    currency: Some("USD".to_string()),
                    cost_type: Some("tokens".to_string()),
                    description: Some(format!(
                        "{} Usage - {}",
                        prices::claude_name(model),
                        part.kind.anthropic_label()
                    )),
                    model: Some(model.to_string()),
                    token_type: Some(part.kind.anthropic_type().to_string()),
                    service_tier: Some("standard".to_string()),
                    context_window: Some("0-200k".to_string()),
                    workspace_id: workspace.map(str::to_string),
                });
            }
            let per_key = |kind: TokenKind| split_tokens(tokens_of(&parts, kind), &weights);
            let (input, cached, writes, output) = (
                per_key(TokenKind::Input),
                per_key(TokenKind::CachedInput),
                per_key(TokenKind::CacheWrite),
                per_key(TokenKind::Output),
            );
            for (k, (key, _)) in keys.iter().enumerate() {
                usage.push(an::UsageResult {
                    uncached_input_tokens: input[k],
                    cache_creation: Some(an::CacheCreation {
                        ephemeral_5m_input_tokens: writes[k],
                        ephemeral_1h_input_tokens: 0,
                    }),
                    cache_read_input_tokens: cached[k],
                    output_tokens: output[k],
                    api_key_id: Some(key.to_string()),
                    workspace_id: workspace.map(str::to_string),
                    model: Some(model.to_string()),
                });
            }
        }
        batch.costs.push(an::Bucket {
            starting_at: starting_at.clone(),
            ending_at: ending_at.clone(),
            results: costs,
        });
        batch.usage.push(an::Bucket {
            starting_at,
            ending_at,
            results: usage,
        });
    }
    batch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_stays_exact_in_json() {
        let v = json_money(Decimal::new(1_234_567, 6));
        assert_eq!(v.to_string(), "1.234567");
        assert!(v.is_number());
    }

    #[test]
    fn token_splits_add_up() {
        let parts = split_tokens(1001, &[0.85, 0.15]);
        assert_eq!(parts.iter().sum::<i64>(), 1001);
        assert_eq!(parts[0], 850);
    }
}

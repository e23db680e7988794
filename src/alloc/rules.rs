//! First-match-wins rules and fixed-share splits.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::Dimension;
use crate::config::{Config, Rule, RuleMatch, SplitBy};

/// A part of a dimension's cost: `use_case` None is unallocated.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub use_case: Option<String>,
    pub share: Decimal,
}

/// How a dimension's cost is allocated.
#[derive(Debug, Clone, PartialEq)]
pub enum Allocation {
    /// The same shares every month (a use case, a fixed split, or unallocated).
    Fixed(Vec<Share>),
    /// Shares by each listed use case's tokens or requests in the same month (split_by).
    ByUsage { by: SplitBy, use_cases: Vec<String> },
    /// Shares by each use case's gateway-captured cost each day (`split_by = "gateway"`):
    /// `use_cases` (when listed) are the ones that can receive a share, `fallback` takes the
    /// days without gateway data (None: unallocated).
    ByGateway {
        use_cases: Option<Vec<String>>,
        fallback: Option<String>,
    },
}

/// The first matching rule's allocation of a dimension; unallocated when none matches.
pub fn allocate(config: &Config, d: &Dimension) -> Allocation {
    match config.rules.iter().find(|r| matches(&r.matches, d)) {
        Some(rule) => allocation_of(rule, config),
        None => Allocation::Fixed(unallocated()),
    }
}

pub fn unallocated() -> Vec<Share> {
    vec![Share {
        use_case: None,
        share: Decimal::ONE,
    }]
}

fn allocation_of(rule: &Rule, config: &Config) -> Allocation {
    if rule.split_by == Some(SplitBy::Gateway) {
        return Allocation::ByGateway {
            use_cases: rule.use_cases.clone(),
            fallback: rule.use_case.clone(),
        };
    }
    if let Some(u) = &rule.use_case {
        return Allocation::Fixed(vec![Share {
            use_case: Some(u.clone()),
            share: Decimal::ONE,
        }]);
    }
    match (&rule.split, rule.split_by) {
        (Some(split), _) => Allocation::Fixed(exact_shares(split)),
        (None, Some(by)) => Allocation::ByUsage {
            by,
            use_cases: rule
                .use_cases
                .clone()
                .unwrap_or_else(|| config.use_cases.iter().map(|u| u.id.clone()).collect()),
        },
        (None, None) => Allocation::Fixed(unallocated()),
    }
}

/// Normalises weights to shares at 6 decimals; the last takes the remainder so they sum to 1.
pub fn exact_shares(weights: &BTreeMap<String, Decimal>) -> Vec<Share> {
    let weights: BTreeMap<Option<String>, Decimal> =
        weights.iter().map(|(u, w)| (Some(u.clone()), *w)).collect();
    exact_shares_of(&weights)
}

/// [`exact_shares`] where a weight may belong to no use case (`None`: unallocated). No weight
/// above zero: all of it unallocated.
pub fn exact_shares_of(weights: &BTreeMap<Option<String>, Decimal>) -> Vec<Share> {
    let total: Decimal = weights.values().copied().sum();
    if weights.is_empty() || total <= Decimal::ZERO {
        return unallocated();
    }
    let mut left = Decimal::ONE;
    let n = weights.len();
    weights
        .iter()
        .enumerate()
        .map(|(i, (u, w))| {
            let s = if i + 1 == n {
                left
            } else {
                (*w / total).round_dp(6)
            };
            left -= s;
            Share {
                use_case: u.clone(),
                share: s,
            }
        })
        .collect()
}

/// Whether every key of `m` holds for `d`. Sub-accounts and keys match by id or by name.
pub fn matches(m: &RuleMatch, d: &Dimension) -> bool {
    let one = |pat: &Option<String>, values: &[Option<&str>]| match pat {
        None => true,
        Some(p) => values.iter().flatten().any(|v| glob_eq(p, v)),
    };
    one(&m.source, &[Some(&d.source)])
        && one(&m.provider, &[Some(&d.provider)])
        && one(&m.service, &[Some(&d.service)])
        && one(
            &m.sub_account,
            &[d.sub_account_id.as_deref(), d.sub_account_name.as_deref()],
        )
        && one(
            &m.api_key,
            &[d.api_key_id.as_deref(), d.api_key_name.as_deref()],
        )
        && one(&m.model, &[d.model.as_deref()])
        && m.tag
            .as_ref()
            .is_none_or(|t| tag_matches(t, d.tags.as_deref()))
}

fn tag_matches(pattern: &str, tags: Option<&str>) -> bool {
    let Some((k, v)) = pattern.split_once('=') else {
        return false;
    };
    let Some(json) = tags else { return false };
    let Ok(map) = serde_json::from_str::<BTreeMap<String, serde_json::Value>>(json) else {
        return false;
    };
    map.iter().any(|(tk, tv)| {
        let text = match tv {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        glob_eq(k.trim(), tk) && glob_eq(v.trim(), &text)
    })
}

/// Exact match, where `*` stands for any run of characters.
pub fn glob_eq(pattern: &str, value: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == value;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = value;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i + 1 == parts.len() {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_eq("*", "anything"));
        assert!(glob_eq("gpt-4o*", "gpt-4o-mini"));
        assert!(glob_eq("*sonnet*", "claude-sonnet-4-6"));
        assert!(!glob_eq("gpt-4o", "gpt-4o-mini"));
        assert!(glob_eq("a*c", "abc") && !glob_eq("a*c", "abd"));
    }

    #[test]
    fn thirds_sum_to_one() {
        let w: BTreeMap<String, Decimal> = ["a", "b", "c"]
            .iter()
            .map(|s| (s.to_string(), Decimal::ONE))
            .collect();
        let s = exact_shares(&w);
        assert_eq!(s.iter().map(|x| x.share).sum::<Decimal>(), Decimal::ONE);
    }

    #[test]
    fn tag_rules() {
        let d = Dimension {
            tags: Some("{\"use-case\":\"search\",\"n\":3}".into()),
            ..Default::default()
        };
        let m = RuleMatch {
            tag: Some("use-case=search".into()),
            ..Default::default()
        };
        assert!(matches(&m, &d));
        let m = RuleMatch {
            tag: Some("n=3".into()),
            ..Default::default()
        };
        assert!(matches(&m, &d));
        let m = RuleMatch {
            tag: Some("use-case=chat".into()),
            ..Default::default()
        };
        assert!(!matches(&m, &d));
    }
}

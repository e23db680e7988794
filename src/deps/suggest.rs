//! "Did you mean ...?" for dependency keys: keys that contain what was typed, or are a few
//! edits away from it, closest first.

/// Up to `n` of `candidates` close to `typed` (case-insensitive).
pub fn close_matches(typed: &str, candidates: &[String], n: usize) -> Vec<String> {
    let t = typed.trim().to_lowercase();
    if t.is_empty() {
        return Vec::new();
    }
    let limit = (t.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &String)> = candidates
        .iter()
        .filter_map(|c| {
            let l = c.to_lowercase();
            let d = levenshtein(&t, &l);
            if l.contains(&t) || t.contains(&l) {
                Some((d.min(limit), c))
            } else if d <= limit {
                Some((d, c))
            } else {
                // The same item under another use case or provider: compare the last part.
                let tail = |s: &str| s.rsplit('/').next().unwrap_or_default().to_string();
                (tail(&t) == tail(&l) && !tail(&t).is_empty()).then_some((limit + 1, c))
            }
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c.clone()).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typos_and_same_items() {
        let keys = vec![
            "assistant/OpenAI/gpt-5.5".to_string(),
            "assistant/OpenAI/gpt-5.5-mini".to_string(),
            "support-deflection/OpenAI/gpt-5.5-mini".to_string(),
        ];
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        let m = close_matches("asistant/OpenAI/gpt-5.5", &keys, 3);
        assert_eq!(m[0], "assistant/OpenAI/gpt-5.5");
        let m = close_matches("support/OpenAI/gpt-5.5-mini", &keys, 3);
        assert!(m.contains(&"support-deflection/OpenAI/gpt-5.5-mini".to_string()));
        assert!(close_matches("zzz", &keys, 3).is_empty());
    }
}

//! The Gates tab's `/` filter: a case-insensitive substring over a row's visible text.

/// Whether any of `cells` contains `filter` (ignoring case); an empty filter keeps every row.
pub fn matches(filter: &str, cells: &[&str]) -> bool {
    let needle = filter.trim().to_lowercase();
    needle.is_empty() || cells.iter().any(|c| c.to_lowercase().contains(&needle))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn ignores_case_and_keeps_all_when_empty() {
        assert!(matches("", &["G1"]));
        assert!(matches("  ", &[]));
        assert!(matches("doc", &["G1", "Doc-Summaries"]));
        assert!(!matches("sales", &["G1", "doc-summaries"]));
    }
}

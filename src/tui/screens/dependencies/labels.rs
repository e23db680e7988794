//! How a dependency reads on screen; the `/` filter searches the same words.

use crate::deps::{DepClass, Dependency};

/// The class as a symbol and a word (`○ unreviewed` when never reviewed).
pub fn class(class: Option<DepClass>) -> &'static str {
    match class {
        Some(DepClass::LoadBearing) => "● load-bearing",
        Some(DepClass::Convenience) => "◐ convenience",
        Some(DepClass::Waste) => "✗ waste",
        None => "○ unreviewed",
    }
}

/// The class totals' name for `untagged`.
pub fn total_name(class: &str) -> &str {
    match class {
        "load-bearing" => "● load-bearing",
        "convenience" => "◐ convenience",
        "waste" => "✗ waste",
        _ => "○ unreviewed",
    }
}

/// `⚑ waste?` on a waste candidate.
pub fn flag(d: &Dependency) -> &'static str {
    if d.waste_candidate {
        "⚑ waste?"
    } else {
        ""
    }
}

/// `2026-11-20`, or empty when never reviewed.
pub fn reviewed(d: &Dependency) -> String {
    d.reviewed_at
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The words of a row the filter looks in.
pub fn searchable(d: &Dependency) -> Vec<String> {
    let mut cells = vec![
        d.key.clone(),
        flag(d).to_string(),
        class(d.class).to_string(),
        d.note.clone().unwrap_or_default(),
        reviewed(d),
    ];
    cells.extend(d.waste_reasons.iter().cloned());
    cells
}

//! How a breach reads on screen; the `/` filter searches the same words.

use chrono::NaiveDateTime;

use crate::gates::{Breach, DecisionRecord, Status};

/// `▲ breach` (a complete month over its line) or `◌ projected` (the month in progress).
pub fn status(status: Status) -> &'static str {
    match status {
        Status::Breach => "▲ breach",
        Status::Projected => "◌ projected",
    }
}

/// `G1 feature spike`, or just `G1` when narrow.
pub fn gate(b: &Breach, wide: bool) -> String {
    if wide {
        format!("{} {}", b.gate, b.gate.title())
    } else {
        b.gate.to_string()
    }
}

/// `● open` when nothing is decided; else the latest decision, marked `✓` when it closes the
/// breach and `●` when the breach stays open (see [`Breach::is_open`]), with who and when when
/// wide.
pub fn decision(b: &Breach, wide: bool) -> String {
    let mark = if b.is_open() { "●" } else { "✓" };
    match (&b.decision, wide) {
        (None, _) => "● open".to_string(),
        (Some(d), false) => format!("{mark} {}", d.decision),
        (Some(d), true) => format!(
            "{mark} {} · {} {}",
            d.decision,
            d.by,
            short_time(&d.decided_at)
        ),
    }
}

/// `2026-11-20 14:03`.
pub fn time(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// `11-20 14:03`.
pub fn short_time(t: &NaiveDateTime) -> String {
    t.format("%m-%d %H:%M").to_string()
}

/// The words of a breach row the filter looks in.
pub fn searchable(b: &Breach) -> Vec<String> {
    let mut cells = vec![
        b.id.clone(),
        gate(b, true),
        b.subject.clone(),
        b.month.to_string(),
        status(b.status).to_string(),
        decision(b, true),
    ];
    if let Some(d) = &b.decision {
        cells.extend(d.note.clone());
    }
    cells
}

/// One audit-log line's words: time, breach id, decision, by, note.
pub fn log_cells(d: &DecisionRecord) -> [String; 5] {
    [
        time(&d.decided_at),
        d.breach_id.clone(),
        d.decision.to_string(),
        d.by.clone(),
        d.note.clone().unwrap_or_default(),
    ]
}

//! The decision typed at the Gates tab's prompt: a full name or any unique start of one, among
//! the decisions that apply to the breach's gate.

use crate::gates::{Decision, Gate};

/// The decisions that apply to `gate`, in the engine's order.
pub fn applicable(gate: Gate) -> Vec<Decision> {
    Decision::ALL
        .into_iter()
        .filter(|d| d.applies_to(gate))
        .collect()
}

/// `acknowledged/re-justified/approved`: what the prompt offers.
pub fn names(options: &[Decision]) -> String {
    options
        .iter()
        .map(|d| d.as_str())
        .collect::<Vec<_>>()
        .join("/")
}

/// The decision `text` names among those applicable to `gate`; the error says what to type.
pub fn choose(text: &str, gate: Gate) -> Result<Decision, String> {
    let options = applicable(gate);
    let typed = text.trim().to_lowercase();
    if let Some(d) = options.iter().find(|d| d.as_str() == typed) {
        return Ok(*d);
    }
    let starts: Vec<Decision> = options
        .iter()
        .copied()
        .filter(|d| !typed.is_empty() && d.as_str().starts_with(&typed))
        .collect();
    match starts.as_slice() {
        [one] => Ok(*one),
        // The valid names first, so they fit on an 80-column status line.
        [] => Err(format!(
            "{gate} takes {}; '{}' is none of them, nothing recorded",
            names(&options),
            text.trim()
        )),
        several => Err(format!(
            "'{}' could be {}; type more letters (nothing was recorded)",
            text.trim(),
            names(several).replace('/', " or ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_prefixes_choose_and_others_explain() {
        assert_eq!(choose("ack", Gate::G1), Ok(Decision::Acknowledged));
        assert_eq!(choose(" Approved ", Gate::G3), Ok(Decision::Approved));
        assert_eq!(choose("p", Gate::G2), Ok(Decision::Paused));
        assert_eq!(choose("re-", Gate::G1), Ok(Decision::ReJustified));
        let err = choose("r", Gate::G1).expect_err("ambiguous");
        assert!(err.contains("re-justified or resumed"), "{err}");
        // Pausing is not offered on G3, so `p` names nothing there.
        let err = choose("p", Gate::G3).expect_err("not applicable");
        assert!(
            err.starts_with("G3 takes acknowledged/re-justified/approved;"),
            "{err}"
        );
        assert!(choose("", Gate::G4).is_err());
    }
}

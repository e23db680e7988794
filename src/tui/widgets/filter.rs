//! The `/` table filter shared by the tabs: a case-insensitive substring over a row's visible
//! cells, opened with [`TableFilter::prompt`] and set from the prompt's text. An empty text
//! shows every row.

use crate::tui::prompt::Prompt;
use crate::tui::Tab;

/// The prompt field name a tab's `prompt_submitted` receives for the filter text.
pub const FIELD: &str = "filter";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableFilter {
    pub text: String,
}

impl TableFilter {
    /// Whether any cell of a row contains the text (ignoring case); always true when empty.
    pub fn matches(&self, cells: &[&str]) -> bool {
        let needle = self.text.to_lowercase();
        needle.is_empty() || cells.iter().any(|c| c.to_lowercase().contains(&needle))
    }

    pub fn is_active(&self) -> bool {
        !self.text.is_empty()
    }

    /// The prompt `/` opens for `tab`, holding the current text.
    pub fn prompt(&self, tab: Tab) -> Prompt {
        Prompt::new(tab, FIELD, "Filter", self.text.clone())
    }

    /// Sets the text the prompt returned (trimmed; empty clears the filter).
    pub fn set(&mut self, text: &str) {
        self.text = text.trim().to_string();
    }

    /// Clears the filter; false when there was none (so Esc can go back instead).
    pub fn clear(&mut self) -> bool {
        !std::mem::take(&mut self.text).is_empty()
    }

    /// ` · filter "text"` for a panel title, or nothing.
    pub fn title_suffix(&self) -> String {
        if self.is_active() {
            format!(" · filter \"{}\"", self.text)
        } else {
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_over_any_cell_ignoring_case() {
        let mut f = TableFilter::default();
        assert!(f.matches(&["anything"]));
        f.set("  Open ");
        assert!(f.matches(&["x", "OpenAI"]));
        assert!(!f.matches(&["Anthropic", "claude"]));
        assert_eq!(f.title_suffix(), " · filter \"Open\"");
        assert!(f.clear());
        assert!(!f.clear());
    }
}

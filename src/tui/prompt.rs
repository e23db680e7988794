//! A one-line text prompt (filter, note, export month). While one is open every key edits it:
//! Enter submits, Esc cancels, and no binding runs, so typing `q` into a note never quits.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tab::Tab;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The tab whose screen receives the text.
    pub owner: Tab,
    /// What the text is for, as the owning screen names it (e.g. `"filter"`, `"note"`).
    pub field: &'static str,
    /// Shown before the text, e.g. `Note for smart-search/OpenAI/gpt-5.5`.
    pub label: String,
    pub text: String,
}

/// What a key did to the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptEvent {
    Edited,
    Submitted(String),
    Cancelled,
}

impl Prompt {
    pub fn new(
        owner: Tab,
        field: &'static str,
        label: impl Into<String>,
        text: impl Into<String>,
    ) -> Prompt {
        Prompt {
            owner,
            field,
            label: label.into(),
            text: text.into(),
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> PromptEvent {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => PromptEvent::Submitted(self.text.trim().to_string()),
            KeyCode::Esc => PromptEvent::Cancelled,
            KeyCode::Char('c') if ctrl => PromptEvent::Cancelled,
            KeyCode::Char('u') if ctrl => {
                self.text.clear();
                PromptEvent::Edited
            }
            KeyCode::Char('w') if ctrl => {
                let kept = self.text.trim_end().rfind(' ').map_or(0, |i| i + 1);
                self.text.truncate(kept);
                PromptEvent::Edited
            }
            KeyCode::Backspace => {
                self.text.pop();
                PromptEvent::Edited
            }
            KeyCode::Char(c) if !ctrl => {
                self.text.push(c);
                PromptEvent::Edited
            }
            _ => PromptEvent::Edited,
        }
    }
}

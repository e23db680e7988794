//! Keys to actions. The default table is TOML embedded from `keymap-default.toml`; the help
//! screen and the footer hints are generated from it, so they cannot drift from what keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;

use super::action::Action;

pub const DEFAULT_KEYMAP: &str = include_str!("keymap-default.toml");

#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    #[error("keymap: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("keymap: '{0}' is not a key; use a character, a name like `enter` or `ctrl-c`")]
    BadKey(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub fn parse(text: &str) -> Option<Key> {
        if let Some(rest) = text.strip_prefix("ctrl-") {
            let mut chars = rest.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) => Some(Key {
                    code: KeyCode::Char(c),
                    ctrl: true,
                }),
                _ => None,
            };
        }
        let code = match text {
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            _ => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return None,
                }
            }
        };
        Some(Key { code, ctrl: false })
    }

    pub fn matches(&self, event: &KeyEvent) -> bool {
        // Shift is part of the character itself ('?', 'G'), so only Ctrl is compared.
        self.code == event.code && self.ctrl == event.modifiers.contains(KeyModifiers::CONTROL)
    }

    /// How the key is written on the help screen and in the footer.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "S-Tab".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".to_string(),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
    pub desc: String,
    pub hint: Option<String>,
}

impl Binding {
    /// The keys as one label: `j/↓`.
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    keys: Vec<BindingFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingFile {
    on: Vec<String>,
    run: Action,
    desc: String,
    hint: Option<String>,
}

impl Keymap {
    pub fn parse(text: &str) -> Result<Keymap, KeymapError> {
        let file: KeymapFile = toml::from_str(text)?;
        let bindings = file
            .keys
            .into_iter()
            .map(|b| {
                let keys =
                    b.on.iter()
                        .map(|k| Key::parse(k).ok_or_else(|| KeymapError::BadKey(k.clone())))
                        .collect::<Result<Vec<_>, _>>()?;
                Ok(Binding {
                    keys,
                    action: b.run,
                    desc: b.desc,
                    hint: b.hint,
                })
            })
            .collect::<Result<Vec<_>, KeymapError>>()?;
        Ok(Keymap { bindings })
    }

    /// The embedded default keys.
    pub fn default_keys() -> Result<Keymap, KeymapError> {
        Keymap::parse(DEFAULT_KEYMAP)
    }

    /// The action a key press runs (releases and repeats of other kinds are ignored).
    pub fn action_for(&self, event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        self.bindings
            .iter()
            .find(|b| b.keys.iter().any(|k| k.matches(event)))
            .map(|b| b.action.clone())
    }

    /// `(keys, description)` lines for the help screen, in table order.
    pub fn help_lines(&self) -> Vec<(String, String)> {
        self.bindings
            .iter()
            .map(|b| (b.keys_label(), b.desc.clone()))
            .collect()
    }

    /// `(keys, hint)` pairs for the footer: the bindings that carry a hint, plus the tab keys.
    pub fn footer_hints(&self) -> Vec<(String, String)> {
        let tabs: Vec<String> = self
            .bindings
            .iter()
            .filter(|b| matches!(b.action, Action::SelectTab(_)))
            .filter_map(|b| b.keys.first().map(Key::label))
            .collect();
        let mut hints: Vec<(String, String)> = Vec::new();
        if let (Some(first), Some(last)) = (tabs.first(), tabs.last()) {
            hints.push((format!("{first}-{last}"), "tabs".to_string()));
        }
        hints.extend(self.bindings.iter().filter_map(|b| {
            let hint = b.hint.clone()?;
            let keys = b
                .keys
                .iter()
                .take(2)
                .map(Key::label)
                .collect::<Vec<_>>()
                .join("/");
            Some((keys, hint))
        }));
        hints
    }
}

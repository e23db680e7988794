//! Keys to actions. The default table is TOML embedded from `keymap-default.toml`; a user file
//! (`keymap.toml` beside the config) overrides it key by key. The help screen and the footer
//! hints are generated from the table, so they cannot drift from what keys do.
//!
//! A binding with `tab = "dependencies"` (a tab's name, lower-case, `-` for spaces) only works
//! on that tab and comes before the global ones there, so `w` can tag a row in Dependencies
//! without meaning anything elsewhere.

use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::Deserialize;

use super::action::Action;
use super::tab::Tab;

pub const DEFAULT_KEYMAP: &str = include_str!("keymap-default.toml");

#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    #[error("keymap: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("keymap: '{0}' is not a key; use a character, a name like `enter` or `ctrl-c`")]
    BadKey(String),
    #[error("keymap: '{0}' is not a tab; use overview, use-cases, gates, forecast, dependencies or sources")]
    BadTab(String),
    #[error("{path}: {source}")]
    File {
        path: String,
        source: Box<KeymapError>,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// The name of `tab` in keymap files: `use-cases`.
pub fn tab_slug(tab: Tab) -> String {
    tab.title().to_lowercase().replace(' ', "-")
}

fn tab_of_slug(slug: &str) -> Option<Tab> {
    Tab::ALL.into_iter().find(|t| tab_slug(*t) == slug)
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
    /// Only on this tab (None: everywhere).
    pub tab: Option<Tab>,
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
    tab: Option<String>,
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
                let tab = match b.tab {
                    Some(slug) => Some(tab_of_slug(&slug).ok_or(KeymapError::BadTab(slug))?),
                    None => None,
                };
                Ok(Binding {
                    keys,
                    action: b.run,
                    desc: b.desc,
                    hint: b.hint,
                    tab,
                })
            })
            .collect::<Result<Vec<_>, KeymapError>>()?;
        Ok(Keymap { bindings })
    }

    /// The embedded default keys.
    pub fn default_keys() -> Result<Keymap, KeymapError> {
        Keymap::parse(DEFAULT_KEYMAP)
    }

    /// The defaults with the user's file at `path` over them, if it exists: a user binding
    /// replaces every default binding of the same keys on the same tab (or globally).
    pub fn load(path: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut keymap = Keymap::default_keys()?;
        let Some(path) = path.filter(|p| p.exists()) else {
            return Ok(keymap);
        };
        let text = std::fs::read_to_string(path).map_err(|source| KeymapError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let user = Keymap::parse(&text).map_err(|e| KeymapError::File {
            path: path.display().to_string(),
            source: Box::new(e),
        })?;
        keymap.overlay(user);
        Ok(keymap)
    }

    /// Puts `user`'s bindings first and drops the keys they take from the existing ones.
    pub fn overlay(&mut self, user: Keymap) {
        for binding in &mut self.bindings {
            binding.keys.retain(|k| {
                !user
                    .bindings
                    .iter()
                    .any(|u| u.tab == binding.tab && u.keys.contains(k))
            });
        }
        self.bindings.retain(|b| !b.keys.is_empty());
        let mut bindings = user.bindings;
        bindings.append(&mut self.bindings);
        self.bindings = bindings;
    }

    /// The action a key press runs on `tab`: that tab's own bindings first, then the global
    /// ones (releases are ignored).
    pub fn action_for(&self, event: &KeyEvent, tab: Tab) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let pressed = |b: &&Binding| b.keys.iter().any(|k| k.matches(event));
        self.bindings
            .iter()
            .filter(|b| b.tab == Some(tab))
            .find(pressed)
            .or_else(|| {
                self.bindings
                    .iter()
                    .filter(|b| b.tab.is_none())
                    .find(pressed)
            })
            .map(|b| b.action.clone())
    }

    /// `(keys, description)` lines for the help screen on `tab`: the global keys (the tab
    /// keys folded into one line), then a heading line (empty keys) and `tab`'s own keys.
    pub fn help_lines(&self, tab: Tab) -> Vec<(String, String)> {
        let mut lines: Vec<(String, String)> = Vec::new();
        let mut tabs_listed = false;
        for b in self.bindings.iter().filter(|b| b.tab.is_none()) {
            if matches!(b.action, Action::SelectTab(_)) {
                if !tabs_listed {
                    tabs_listed = true;
                    lines.extend(self.tab_keys_line());
                }
                continue;
            }
            lines.push((b.keys_label(), b.desc.clone()));
        }
        let own: Vec<&Binding> = self
            .bindings
            .iter()
            .filter(|b| b.tab == Some(tab))
            .collect();
        if !own.is_empty() {
            lines.push((String::new(), format!("on the {} tab:", tab.title())));
            lines.extend(own.iter().map(|b| (b.keys_label(), b.desc.clone())));
        }
        lines
    }

    /// `1-6  Overview, Use cases, …`: the tab-selecting bindings as one help line.
    fn tab_keys_line(&self) -> Option<(String, String)> {
        let tabs: Vec<(String, String)> = self
            .bindings
            .iter()
            .filter_map(|b| match b.action {
                Action::SelectTab(n) if b.tab.is_none() => Some((
                    b.keys.first().map(Key::label)?,
                    Tab::from_number(n)?.title().to_string(),
                )),
                _ => None,
            })
            .collect();
        let (first, last) = (tabs.first()?, tabs.last()?);
        let names: Vec<String> = tabs.iter().map(|(_, t)| t.clone()).collect();
        Some((format!("{}-{}", first.0, last.0), names.join(", ")))
    }

    /// `(keys, hint)` pairs for the footer on `tab`: the tab keys, that tab's own hints, then
    /// the global hints.
    pub fn footer_hints(&self, tab: Tab) -> Vec<(String, String)> {
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
        let scoped = self.bindings.iter().filter(|b| b.tab == Some(tab));
        // A global binding whose key this tab binds itself is not what the key does here.
        let global = self.bindings.iter().filter(|b| {
            b.tab.is_none()
                && !b.keys.iter().any(|k| {
                    self.bindings
                        .iter()
                        .any(|s| s.tab == Some(tab) && s.keys.contains(k))
                })
        });
        hints.extend(scoped.chain(global).filter_map(|b| {
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

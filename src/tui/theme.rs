//! Semantic colour slots (`themes/*.toml`), parsed with ratatui's serde support. Widgets ask by
//! meaning (`theme.budget_over()`), never by colour. With `NO_COLOR` set, every style drops its
//! colours and keeps only modifiers (bold, reversed), so nothing depends on colour alone.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The themes shipped in `themes/`: (name, TOML).
pub const BUILTIN: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme '{0}' is unknown; set ui.theme to dark, light or high-contrast")]
    Unknown(String),
    #[error("theme '{name}': {source}")]
    Invalid {
        name: String,
        source: toml::de::Error,
    },
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Palette {
    pub text: Color,
    pub muted: Color,
    pub accent: Color,
    pub title: Color,
    pub border: Color,
    pub tab_active: Color,
    pub selection_fg: Color,
    pub selection_bg: Color,
    pub budget_ok: Color,
    pub budget_warn: Color,
    pub budget_over: Color,
    pub forecast_band: Color,
    pub sparkline: Color,
    pub error: Color,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// None: no colours (NO_COLOR).
    palette: Option<Palette>,
}

impl Theme {
    pub fn parse(name: &str, text: &str) -> Result<Theme, ThemeError> {
        let palette = toml::from_str(text).map_err(|source| ThemeError::Invalid {
            name: name.to_string(),
            source,
        })?;
        Ok(Theme {
            palette: Some(palette),
        })
    }

    pub fn builtin(name: &str) -> Result<Theme, ThemeError> {
        let (_, text) = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| ThemeError::Unknown(name.to_string()))?;
        Theme::parse(name, text)
    }

    /// Styles with modifiers only.
    pub fn no_color() -> Theme {
        Theme { palette: None }
    }

    /// The named theme, or no colours at all when the `NO_COLOR` convention asks for it.
    pub fn resolve(name: &str) -> Result<Theme, ThemeError> {
        let theme = Theme::builtin(name)?;
        Ok(if no_color_requested() {
            Theme::no_color()
        } else {
            theme
        })
    }

    pub fn has_color(&self) -> bool {
        self.palette.is_some()
    }

    fn fg(&self, pick: impl Fn(&Palette) -> Color) -> Style {
        self.palette
            .as_ref()
            .map_or_else(Style::default, |p| Style::default().fg(pick(p)))
    }

    pub fn text(&self) -> Style {
        self.fg(|p| p.text)
    }

    pub fn muted(&self) -> Style {
        match self.palette {
            Some(_) => self.fg(|p| p.muted),
            None => Style::default().add_modifier(Modifier::DIM),
        }
    }

    pub fn accent(&self) -> Style {
        self.fg(|p| p.accent)
    }

    pub fn title(&self) -> Style {
        self.fg(|p| p.title).add_modifier(Modifier::BOLD)
    }

    pub fn border(&self) -> Style {
        self.fg(|p| p.border)
    }

    pub fn tab_active(&self) -> Style {
        match self.palette {
            Some(_) => self
                .fg(|p| p.tab_active)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            None => Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        }
    }

    pub fn selection(&self) -> Style {
        match &self.palette {
            Some(p) => Style::default().fg(p.selection_fg).bg(p.selection_bg),
            None => Style::default().add_modifier(Modifier::REVERSED),
        }
    }

    pub fn budget_ok(&self) -> Style {
        self.fg(|p| p.budget_ok)
    }

    pub fn budget_warn(&self) -> Style {
        self.fg(|p| p.budget_warn)
    }

    pub fn budget_over(&self) -> Style {
        self.fg(|p| p.budget_over).add_modifier(Modifier::BOLD)
    }

    pub fn forecast_band(&self) -> Style {
        self.fg(|p| p.forecast_band)
    }

    pub fn sparkline(&self) -> Style {
        self.fg(|p| p.sparkline)
    }

    pub fn error(&self) -> Style {
        self.fg(|p| p.error).add_modifier(Modifier::BOLD)
    }
}

/// <https://no-color.org>: set and not empty.
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_parse() {
        for (name, _) in BUILTIN {
            assert!(Theme::builtin(name).is_ok(), "{name}");
        }
        assert!(matches!(
            Theme::builtin("neon"),
            Err(ThemeError::Unknown(_))
        ));
    }

    #[test]
    fn no_color_keeps_modifiers_only() {
        let t = Theme::no_color();
        assert_eq!(t.budget_over().fg, None);
        assert!(t.selection().add_modifier.contains(Modifier::REVERSED));
    }
}

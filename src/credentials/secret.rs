//! A secret value that cannot leak through `Debug`, `Display`, logs or error messages.

use std::fmt;

/// A credential. `Debug` and `Display` print `***`; only [`Secret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself: pass it straight to the request that needs it, never to a formatter.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Enough to recognise which key is stored, never enough to use it: the first 3 and last 2
    /// characters of a secret of 12 or more characters (`sk-...x9`), nothing for shorter ones.
    pub fn hint(&self) -> Option<String> {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 12 {
            return None;
        }
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 2..].iter().collect();
        Some(format!("{head}...{tail}"))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let s = Secret::new("sk-live-abcdef123456");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{:?}", Some(&s)), "Some(***)");
    }

    #[test]
    fn hint_only_for_long_secrets() {
        assert_eq!(
            Secret::new("sk-live-abcdef123456").hint().as_deref(),
            Some("sk-...56")
        );
        assert_eq!(Secret::new("short-key01").hint(), None);
        assert_eq!(
            Secret::new("ééééééééééé✓✓").hint().as_deref(),
            Some("ééé...✓✓")
        );
    }
}

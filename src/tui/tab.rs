//! The cockpit's six tabs, their titles and numbers.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Overview,
    UseCases,
    Gates,
    Forecast,
    Dependencies,
    Sources,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::UseCases,
        Tab::Gates,
        Tab::Forecast,
        Tab::Dependencies,
        Tab::Sources,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::UseCases => "Use cases",
            Tab::Gates => "Gates",
            Tab::Forecast => "Forecast",
            Tab::Dependencies => "Dependencies",
            Tab::Sources => "Sources",
        }
    }

    /// The number shown next to the tab and typed to select it (1-based).
    pub fn number(self) -> u8 {
        Tab::ALL
            .iter()
            .position(|t| *t == self)
            .map_or(1, |i| i as u8 + 1)
    }

    pub fn from_number(n: u8) -> Option<Tab> {
        Tab::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    pub fn offset(self, by: isize) -> Tab {
        let len = Tab::ALL.len() as isize;
        let i = (self.number() as isize - 1 + by).rem_euclid(len);
        Tab::ALL[i as usize]
    }
}

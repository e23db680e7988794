//! One file per cockpit tab.

pub mod dependencies;
pub mod forecast;
pub mod gates;
pub mod overview;
pub mod sources;
pub mod use_cases;

//! How outcome metrics read: the one table of labels every view and export uses. The config's
//! `[outcomes.METRIC]` entries (the premise's three in the embedded defaults, any others the
//! user adds) give a label ("per weekly active AI user") and a short unit ("WAU"); a metric
//! nobody labelled reads as words made from its id.

use super::{Config, ConfigError};

/// How one metric reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricLabel {
    /// "per ticket deflected": after an amount, or alone as the metric's name.
    pub label: String,
    /// "ticket": where space is short, `$1.20/ticket` or `$1.20 per ticket`.
    pub unit: String,
}

impl MetricLabel {
    /// `/ticket`, after an amount.
    pub fn per_unit(&self) -> String {
        format!("/{}", self.unit)
    }
}

impl Config {
    /// How `metric` reads: its `[outcomes.METRIC]` label and unit, else "per" and its id in
    /// words (`demos_run` -> "per demos run", unit `demos_run`).
    pub fn outcome_label(&self, metric: &str) -> MetricLabel {
        let configured = self.outcomes.get(metric);
        let label = configured
            .map(|o| o.label.trim().to_string())
            .unwrap_or_else(|| format!("per {}", metric.replace(['_', '-'], " ")));
        let unit = configured
            .and_then(|o| o.unit.as_deref())
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(metric)
            .to_string();
        MetricLabel { label, unit }
    }
}

/// Every label must say something.
pub(super) fn validate(
    c: &Config,
    text: &str,
    err: impl Fn(usize, String, String) -> ConfigError,
) -> Result<(), ConfigError> {
    for (metric, o) in &c.outcomes {
        if o.label.trim().is_empty() {
            let header = format!("[outcomes.{metric}]");
            let line = text
                .lines()
                .position(|l| l.trim() == header)
                .map_or(1, |i| i + 1);
            return Err(err(
                line,
                format!("outcomes.{metric}.label"),
                "the label is empty; write how the metric reads after an amount, e.g. \
                 \"per meeting booked\""
                    .to_string(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::config::parse;

    #[test]
    fn labels_come_from_the_defaults_the_user_and_the_id() {
        let c = parse(
            "[outcomes.meetings_booked]\nlabel = \"per meeting booked\"\nunit = \"meeting\"\n\n\
             [outcomes.wau]\nlabel = \"per weekly user\"\n",
            "t.toml",
        )
        .expect("parses");
        let l = c.outcome_label("meetings_booked");
        assert_eq!(
            (l.label.as_str(), l.per_unit().as_str()),
            ("per meeting booked", "/meeting")
        );
        // A default relabelled keeps its default unit (tables merge key by key).
        let l = c.outcome_label("wau");
        assert_eq!(
            (l.label.as_str(), l.unit.as_str()),
            ("per weekly user", "WAU")
        );
        let l = c.outcome_label("prs_generated");
        assert_eq!(
            (l.label.as_str(), l.unit.as_str()),
            ("per generated PR", "PR")
        );
        let l = c.outcome_label("demos_run");
        assert_eq!(
            (l.label.as_str(), l.unit.as_str()),
            ("per demos run", "demos_run")
        );
    }
}

//! A use case's `outcome`: the metric's name (`outcome = "tickets_deflected"`, values imported
//! from CSV), or a table saying where the values come from
//! (`outcome = { metric = "wau", source = "gateway" }`: weekly active users counted from the
//! gateway's pseudonymous users, see [`crate::wau`]). Both forms read into [`OutcomeSpec`];
//! a table with another key, another source, or a gateway source for a metric the gateway
//! cannot count is an error naming what to write instead.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where a use case's outcome values come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OutcomeSource {
    /// `tollgate import outcomes FILE` (the default).
    #[default]
    Csv,
    /// Counted from the gateway's request records (`wau` only).
    Gateway,
}

impl OutcomeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeSource::Csv => "csv",
            OutcomeSource::Gateway => "gateway",
        }
    }
}

/// The one metric the gateway can count.
pub const GATEWAY_METRIC: &str = "wau";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutcomeSpec {
    pub metric: String,
    pub source: OutcomeSource,
}

impl Serialize for OutcomeSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.source {
            OutcomeSource::Csv => s.serialize_str(&self.metric),
            OutcomeSource::Gateway => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("metric", &self.metric)?;
                m.serialize_entry("source", self.source.as_str())?;
                m.end()
            }
        }
    }
}

struct SpecVisitor;

impl<'de> Visitor<'de> for SpecVisitor {
    type Value = OutcomeSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a metric name (\"tickets_deflected\") or { metric = \"wau\", source = \"gateway\" }",
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<OutcomeSpec, E> {
        Ok(OutcomeSpec {
            metric: v.to_string(),
            source: OutcomeSource::Csv,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OutcomeSpec, A::Error> {
        let mut metric: Option<String> = None;
        let mut source = OutcomeSource::Csv;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "metric" => metric = Some(map.next_value()?),
                "source" => {
                    let s: String = map.next_value()?;
                    source = match s.as_str() {
                        "gateway" => OutcomeSource::Gateway,
                        "csv" => OutcomeSource::Csv,
                        other => {
                            return Err(de::Error::custom(format!(
                                "outcome.source `{other}` is not a source of outcome values; write \"gateway\" (weekly active users counted by the gateway) or \"csv\" (`tollgate import outcomes`)"
                            )))
                        }
                    };
                }
                other => {
                    return Err(de::Error::custom(format!(
                        "outcome has no key `{other}`; write outcome = {{ metric = \"wau\", source = \"gateway\" }} or a metric name"
                    )))
                }
            }
        }
        let metric = metric.ok_or_else(|| {
            de::Error::custom(
                "outcome needs `metric`, e.g. outcome = { metric = \"wau\", source = \"gateway\" }",
            )
        })?;
        if metric.trim().is_empty() {
            return Err(de::Error::custom("outcome.metric is empty"));
        }
        if source == OutcomeSource::Gateway && metric != GATEWAY_METRIC {
            return Err(de::Error::custom(format!(
                "outcome.metric `{metric}` cannot come from the gateway: it counts weekly active users only (metric = \"wau\"); import `{metric}` values with `tollgate import outcomes` instead"
            )));
        }
        Ok(OutcomeSpec { metric, source })
    }
}

impl<'de> Deserialize<'de> for OutcomeSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OutcomeSpec, D::Error> {
        d.deserialize_any(SpecVisitor)
    }
}

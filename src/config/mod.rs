//! tollgate.toml: embedded defaults, the user's file merged over them, then checked.
//! Every error names the file, the line and the key.

mod model;
mod outcome_spec;
mod outcomes;

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

pub use model::*;
pub use outcomes::MetricLabel;

pub const DEFAULTS: &str = include_str!("default.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read it: {message}")]
    Read { file: String, message: String },
    #[error("{file}:{line}: {key}: {message}")]
    Invalid {
        file: String,
        line: usize,
        key: String,
        message: String,
    },
}

/// Where a config came from, for messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Defaults,
    File(PathBuf),
    /// The config stored in a DB (the demo's).
    Stored(PathBuf),
}

impl Origin {
    pub fn describe(&self) -> String {
        match self {
            Origin::Defaults => "embedded defaults".to_string(),
            Origin::File(p) => p.display().to_string(),
            Origin::Stored(p) => format!("config stored in {}", p.display()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub origin: Origin,
    /// The user's text (not the defaults), kept so it can be stored with a DB.
    pub text: String,
}

/// Reads and checks a config file.
pub fn load_file(path: &Path) -> Result<LoadedConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        file: path.display().to_string(),
        message: format!("{e} (check the path given by --config or TOLLGATE_CONFIG)"),
    })?;
    let config = parse(&text, &path.display().to_string())?;
    Ok(LoadedConfig {
        config,
        origin: Origin::File(path.to_path_buf()),
        text,
    })
}

/// The embedded defaults alone.
pub fn defaults() -> LoadedConfig {
    let config = parse("", "embedded defaults").unwrap_or_default();
    LoadedConfig {
        config,
        origin: Origin::Defaults,
        text: String::new(),
    }
}

/// Parses `text` (named `file` in messages) merged over the embedded defaults, and validates it.
pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
    let user: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
    // Deserialise the user's own table first, so unknown keys and bad values point at its lines.
    let _: Config = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
    let mut merged: toml::Table =
        toml::from_str(DEFAULTS).map_err(|e| toml_error(DEFAULTS, "embedded defaults", &e))?;
    merge(&mut merged, user);
    let config: Config = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| toml_error(text, file, &e))?;
    validate(&config, text, file)?;
    Ok(config)
}

fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn toml_error(text: &str, file: &str, e: &toml::de::Error) -> ConfigError {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
    let key = e
        .span()
        .map(|s| key_at(text, s.start))
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "(document)".to_string());
    ConfigError::Invalid {
        file: file.to_string(),
        line,
        key,
        message: e.message().trim().to_string(),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The key written on the line containing `offset` (`feature_min_usd = ...` -> `feature_min_usd`).
fn key_at(text: &str, offset: usize) -> String {
    let start = text[..offset.min(text.len())]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    let line = text[start..].lines().next().unwrap_or("");
    let line = line.trim();
    if line.starts_with('[') {
        return line.trim_matches(|c| c == '[' || c == ']').to_string();
    }
    line.split('=').next().unwrap_or("").trim().to_string()
}

/// Line of the `n`-th `[[header]]` (0-based), or of the first line mentioning `needle`.
fn locate(text: &str, header: &str, n: usize, needle: &str) -> usize {
    let pat = format!("[[{header}]]");
    let mut seen = 0;
    let mut from = None;
    for (i, l) in text.lines().enumerate() {
        if l.trim() == pat {
            if seen == n {
                from = Some(i);
                break;
            }
            seen += 1;
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    if let Some(f) = from {
        for (j, l) in lines.iter().enumerate().skip(f + 1) {
            if l.trim_start().starts_with("[") {
                break;
            }
            if !needle.is_empty() && l.contains(needle) {
                return j + 1;
            }
        }
        return f + 1;
    }
    lines
        .iter()
        .position(|l| !needle.is_empty() && l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or(1)
}

fn validate(c: &Config, text: &str, file: &str) -> Result<(), ConfigError> {
    let err = |line: usize, key: String, message: String| ConfigError::Invalid {
        file: file.to_string(),
        line,
        key,
        message,
    };
    let cur = &c.ledger.currency;
    if cur.len() != 3 || !cur.chars().all(|ch| ch.is_ascii_uppercase()) {
        return Err(err(
            locate(text, "", 0, "currency"),
            "ledger.currency".to_string(),
            format!("'{cur}' is not an ISO 4217 code such as USD or EUR (three capital letters)"),
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for (i, u) in c.use_cases.iter().enumerate() {
        if u.id.trim().is_empty() || u.id == "unallocated" {
            return Err(err(
                locate(text, "use_cases", i, "id"),
                format!("use_cases[{i}].id"),
                format!("'{}' cannot be a use case id; pick another", u.id),
            ));
        }
        if !ids.insert(u.id.clone()) {
            return Err(err(
                locate(text, "use_cases", i, "id"),
                format!("use_cases[{i}].id"),
                format!("use case '{}' is defined twice", u.id),
            ));
        }
        if u.monthly_cap_usd.is_some_and(|c| c <= Decimal::ZERO) {
            return Err(err(
                locate(text, "use_cases", i, "monthly_cap_usd"),
                format!("use_cases[{i}].monthly_cap_usd"),
                "a monthly cap must be a positive amount in USD; leave it out for no cap"
                    .to_string(),
            ));
        }
    }
    for (i, r) in c.rules.iter().enumerate() {
        let at = |needle: &str| locate(text, "rules", i, needle);
        // With split_by = "gateway", use_case is the fallback, not a form of its own.
        let forms = [
            r.use_case.is_some() && r.split_by != Some(SplitBy::Gateway),
            r.split.is_some(),
            r.split_by.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if forms != 1 {
            return Err(err(
                at("use_case"),
                format!("rules[{i}]"),
                "a rule needs exactly one of use_case, split or split_by".to_string(),
            ));
        }
        let unknown = |id: &String| !ids.contains(id);
        if let Some(u) = r.use_case.as_ref().filter(|u| unknown(u)) {
            return Err(err(
                at("use_case"),
                format!("rules[{i}].use_case"),
                format!("'{u}' is not a use case id in [[use_cases]]"),
            ));
        }
        if let Some(split) = &r.split {
            if let Some(u) = split.keys().find(|u| unknown(u)) {
                return Err(err(
                    at("split"),
                    format!("rules[{i}].split"),
                    format!("'{u}' is not a use case id in [[use_cases]]"),
                ));
            }
            let sum: Decimal = split.values().copied().sum();
            if split.values().any(|s| *s <= Decimal::ZERO)
                || (sum - Decimal::ONE).abs() > Decimal::new(1, 4)
            {
                return Err(err(
                    at("split"),
                    format!("rules[{i}].split"),
                    format!("shares must be positive and add up to 1 (they add up to {sum})"),
                ));
            }
        }
        // split_by divides between `use_cases`, or between every use case when it is absent.
        if let Some(list) = &r.use_cases {
            if r.split_by.is_none() {
                return Err(err(
                    at("use_cases"),
                    format!("rules[{i}].use_cases"),
                    "use_cases goes with split_by; a fixed split names its use cases in split"
                        .to_string(),
                ));
            }
            if let Some(u) = list.iter().find(|u| unknown(u)) {
                return Err(err(
                    at("use_cases"),
                    format!("rules[{i}].use_cases"),
                    format!("'{u}' is not a use case id in [[use_cases]]"),
                ));
            }
        }
        if let Some(tag) = &r.matches.tag {
            if !tag.contains('=') {
                return Err(err(
                    at("tag"),
                    format!("rules[{i}].match.tag"),
                    format!("'{tag}' must be written key=value"),
                ));
            }
        }
    }
    for (name, s) in &c.sources {
        let needle = format!("[sources.{name}]");
        let line = text
            .lines()
            .position(|l| l.trim() == needle)
            .map(|i| i + 1)
            .unwrap_or(1);
        let missing = match s.kind {
            SourceKind::Gcp if s.table.is_none() => Some("table"),
            SourceKind::Gcp if s.project.is_none() => Some("project"),
            SourceKind::Focus if s.path.is_none() => Some("path"),
            _ => None,
        };
        if let Some(m) = missing {
            return Err(err(
                line,
                format!("sources.{name}.{m}"),
                format!("a {:?} source needs {m}", s.kind).to_lowercase(),
            ));
        }
        let paths = s.path.as_ref().map(SourcePath::all).unwrap_or_default();
        let bad_path = match s.kind {
            SourceKind::Focus if s.path.as_ref().is_some_and(|p| p.single().is_none()) => {
                Some("a focus source takes one path (a file, folder or glob), not a list")
            }
            SourceKind::Gateway if s.path.is_some() && paths.is_empty() => Some(
                "a gateway source's path is a spool dir or a list of them; leave it out for the proxy's spool_dir",
            ),
            _ if paths.iter().any(|p| p.trim().is_empty()) => Some("a path must not be empty"),
            _ => None,
        };
        if let Some(why) = bad_path {
            return Err(err(
                locate(text, "", 0, "path"),
                format!("sources.{name}.path"),
                why.to_string(),
            ));
        }
        if s.tag_values.is_some() && s.tag_key.is_none() {
            return Err(err(
                locate(text, "", 0, "tag_values"),
                format!("sources.{name}.tag_values"),
                "tag_values filters the values of tag_key; set tag_key too".to_string(),
            ));
        }
        let plain = |t: &str| {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        };
        if let Some(t) = s.table.as_ref().filter(|t| !plain(t)) {
            return Err(err(
                locate(text, "", 0, "table"),
                format!("sources.{name}.table"),
                format!("'{t}' is not a BigQuery table name: write project.dataset.table with letters, digits, '_', '-' and '.' only"),
            ));
        }
        for url in [&s.base_url, &s.endpoint_url, &s.bigquery_url, &s.token_url]
            .into_iter()
            .flatten()
        {
            if url::Url::parse(url).is_err() {
                return Err(err(
                    locate(text, "", 0, url),
                    format!("sources.{name}"),
                    format!("'{url}' is not a URL"),
                ));
            }
        }
    }
    outcomes::validate(c, text, err)?;
    validate_proxy(&c.proxy, text, file)?;
    if c.forecast.targets.iter().any(|t| *t <= Decimal::ZERO) {
        return Err(err(
            locate(text, "", 0, "targets"),
            "forecast.targets".to_string(),
            "targets must be positive dollar amounts".to_string(),
        ));
    }
    Ok(())
}

fn validate_proxy(p: &ProxyConfig, text: &str, file: &str) -> Result<(), ConfigError> {
    let err = |key: &str, message: String| ConfigError::Invalid {
        file: file.to_string(),
        line: locate(text, "", 0, key),
        key: format!("proxy.{key}"),
        message,
    };
    if p.listen.parse::<std::net::SocketAddr>().is_err() {
        return Err(err(
            "listen",
            format!(
                "'{}' is not an address: write IP:PORT, e.g. 127.0.0.1:4141",
                p.listen
            ),
        ));
    }
    for (key, value) in [
        ("openai_url", &p.openai_url),
        ("anthropic_url", &p.anthropic_url),
    ] {
        let ok = url::Url::parse(value)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
        if !ok {
            return Err(err(
                key,
                format!("'{value}' is not an http(s) URL, e.g. https://api.openai.com"),
            ));
        }
    }
    if http::HeaderName::from_bytes(p.user_header.as_bytes()).is_err() {
        return Err(err(
            "user_header",
            format!("'{}' is not an HTTP header name", p.user_header),
        ));
    }
    if p.worker_threads == Some(0) {
        return Err(err(
            "worker_threads",
            "needs at least 1 (leave it out to use every core)".to_string(),
        ));
    }
    Ok(())
}

impl Config {
    /// A hash of the whole config, for keys of results computed from it.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        serde_json::to_string(self).unwrap_or_default().hash(&mut h);
        h.finish()
    }

    pub fn use_case(&self, id: &str) -> Option<&UseCase> {
        self.use_cases.iter().find(|u| u.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse() {
        let c = parse("", "t.toml").expect("defaults");
        assert_eq!(c.gates.feature_min_usd, Decimal::from(3000));
        assert_eq!(c.sync.trailing_days, 3);
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let e = parse("[gates]\nfeature_min_usd = 10\nfeature_mni = 3\n", "t.toml")
            .expect_err("unknown");
        let m = e.to_string();
        assert!(m.starts_with("t.toml:3: feature_mni"), "{m}");
    }

    #[test]
    fn bad_value_names_line() {
        let e = parse("[sync]\ninterval_minutes = \"soon\"\n", "t.toml").expect_err("bad");
        assert!(
            e.to_string().starts_with("t.toml:2: interval_minutes"),
            "{e}"
        );
    }

    #[test]
    fn split_must_add_up() {
        let t = "[[use_cases]]\nid='a'\nname='A'\nkind='feature'\n[[use_cases]]\nid='b'\nname='B'\nkind='pilot'\n[[rules]]\nsplit = { a = 0.6, b = 0.3 }\nmatch = { provider = 'Pinecone' }\n";
        let e = parse(t, "t.toml").expect_err("sum");
        assert!(
            e.to_string().starts_with("t.toml:10: rules[0].split"),
            "{e}"
        );
    }

    #[test]
    fn cloud_source_fields_are_checked() {
        let e = parse(
            "[sources.aws]\nkind = \"aws\"\ntag_values = [\"x\"]\n",
            "t.toml",
        )
        .expect_err("tag_values without tag_key");
        assert_eq!(
            e.to_string(),
            "t.toml:3: sources.aws.tag_values: tag_values filters the values of tag_key; set tag_key too"
        );
        let e = parse(
            "[sources.gcp]\nkind = \"gcp\"\nproject = \"p\"\ntable = \"p.d.t` x\"\n",
            "t.toml",
        )
        .expect_err("table name");
        assert!(
            e.to_string().starts_with(
                "t.toml:4: sources.gcp.table: 'p.d.t` x' is not a BigQuery table name"
            ),
            "{e}"
        );
        let e = parse(
            "[sources.gcp]\nkind = \"gcp\"\ntable = \"p.d.t\"\n",
            "t.toml",
        )
        .expect_err("project");
        assert!(
            e.to_string()
                .contains("sources.gcp.project: a gcp source needs project"),
            "{e}"
        );
    }

    #[test]
    fn merge_keeps_defaults() {
        let c = parse("[gates]\njump_pct = 25\n", "t.toml").expect("ok");
        assert_eq!(c.gates.jump_pct, Decimal::from(25));
        assert_eq!(c.gates.pilot_min_usd, Decimal::from(1000));
    }
}

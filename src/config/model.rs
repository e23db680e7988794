//! The shape of tollgate.toml (docs/CONTRACTS.md, "Configuration"). Unknown keys are errors.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use super::outcome_spec::{OutcomeSource, OutcomeSpec, GATEWAY_METRIC};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub sources: BTreeMap<String, SourceConfig>,
    #[serde(default)]
    pub sync: SyncConfig,
    #[serde(default)]
    pub ledger: LedgerConfig,
    #[serde(default)]
    pub use_cases: Vec<UseCase>,
    /// How each outcome metric reads, by metric id (the three of the premise in the defaults).
    #[serde(default)]
    pub outcomes: BTreeMap<String, OutcomeLabel>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub categories: Vec<CategoryRule>,
    #[serde(default)]
    pub gates: GateConfig,
    #[serde(default)]
    pub forecast: ForecastConfig,
    #[serde(default)]
    pub ui: UiConfig,
    #[serde(default)]
    pub proxy: ProxyConfig,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Openai,
    Anthropic,
    Aws,
    Gcp,
    Modal,
    Focus,
    Gateway,
}

impl SourceKind {
    /// The kind as written in the config (`openai`, `focus`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Openai => "openai",
            SourceKind::Anthropic => "anthropic",
            SourceKind::Aws => "aws",
            SourceKind::Gcp => "gcp",
            SourceKind::Modal => "modal",
            SourceKind::Focus => "focus",
            SourceKind::Gateway => "gateway",
        }
    }

    /// Whether `tollgate sync` pulls this kind: every API source, Modal's billing report, FOCUS
    /// folders and the gateway's spool (every kind today). The one rule used by `sync`, the
    /// Sources tab and `doctor`.
    pub fn is_syncable(self) -> bool {
        match self {
            SourceKind::Openai
            | SourceKind::Anthropic
            | SourceKind::Aws
            | SourceKind::Gcp
            | SourceKind::Modal
            | SourceKind::Focus
            | SourceKind::Gateway => true,
        }
    }
}

/// A source's `path`: one path (`path = "spool/"`) or, for a `gateway` source, a list of
/// spool dirs, one per proxy instance (`path = ["a/", "b/"]`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum SourcePath {
    One(String),
    Many(Vec<String>),
}

impl SourcePath {
    /// The path when there is exactly one.
    pub fn single(&self) -> Option<&str> {
        match self {
            SourcePath::One(p) => Some(p),
            SourcePath::Many(v) if v.len() == 1 => Some(&v[0]),
            SourcePath::Many(_) => None,
        }
    }

    /// Every path, in the order written.
    pub fn all(&self) -> Vec<&str> {
        match self {
            SourcePath::One(p) => vec![p.as_str()],
            SourcePath::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub kind: SourceKind,
    pub base_url: Option<String>,
    pub endpoint_url: Option<String>,
    pub bigquery_url: Option<String>,
    pub token_url: Option<String>,
    /// AWS: the cost-allocation tag to group by (instead of USAGE_TYPE).
    pub tag_key: Option<String>,
    /// AWS: only these values of `tag_key` (`""` is untagged).
    pub tag_values: Option<Vec<String>>,
    pub services: Option<Vec<String>>,
    /// GCP: the project billed for the query job.
    pub project: Option<String>,
    /// GCP: the BigQuery location of the billing dataset (`US`, `EU`, ...).
    pub location: Option<String>,
    pub table: Option<String>,
    /// A `focus` source's file, folder or glob; a `gateway` source's spool dir or dirs.
    pub path: Option<SourcePath>,
    pub report_file: Option<String>,
    pub account_id: Option<String>,
    pub trailing_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    pub interval_minutes: u32,
    pub trailing_days: u32,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            interval_minutes: 15,
            trailing_days: 3,
        }
    }
}

/// The ledger's one currency (ISO 4217). tollgate has no exchange rates, so rows billed in
/// another currency are refused rather than added.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LedgerConfig {
    pub currency: String,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            currency: "USD".to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum UseCaseKind {
    Feature,
    Pilot,
    Platform,
    Experiment,
}

impl UseCaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UseCaseKind::Feature => "feature",
            UseCaseKind::Pilot => "pilot",
            UseCaseKind::Platform => "platform",
            UseCaseKind::Experiment => "experiment",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UseCase {
    pub id: String,
    pub name: String,
    pub kind: UseCaseKind,
    /// The outcome metric and where its values come from (a name: imported from CSV).
    pub outcome: Option<OutcomeSpec>,
    pub owner: Option<String>,
    pub cost_centre: Option<String>,
    /// Who the AI system serves, for the AI Act inventory (`ai_systems.csv`).
    pub audience: Option<Audience>,
    /// A hard monthly cap the gateway enforces (USD, gateway-captured cost of the UTC month).
    pub monthly_cap_usd: Option<Decimal>,
}

impl UseCase {
    /// The outcome metric's name.
    pub fn metric(&self) -> Option<&str> {
        self.outcome.as_ref().map(|o| o.metric.as_str())
    }

    /// Whether the outcome values are weekly active users counted by the gateway.
    pub fn wau_from_gateway(&self) -> bool {
        self.outcome
            .as_ref()
            .is_some_and(|o| o.source == OutcomeSource::Gateway)
    }
}

/// `audience` of a use case: whether end users meet the AI system (`user-facing`) or only
/// staff (`internal`).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    UserFacing,
    Internal,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::UserFacing => "user-facing",
            Audience::Internal => "internal",
        }
    }
}

/// How a cost-per-outcome metric reads in every view and export:
/// `[outcomes.meetings_booked]` with `label = "per meeting booked"` and `unit = "meeting"`
/// (for `$41.20/meeting` where space is short; the metric id when absent).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutcomeLabel {
    pub label: String,
    pub unit: Option<String>,
}

/// Match keys: all optional, all must hold; values exact, `*` a wildcard.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleMatch {
    pub source: Option<String>,
    pub provider: Option<String>,
    pub service: Option<String>,
    pub sub_account: Option<String>,
    pub api_key: Option<String>,
    pub model: Option<String>,
    /// `key=value`
    pub tag: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SplitBy {
    Tokens,
    Requests,
    /// Each day by the use cases' gateway-captured cost for the same provider and model (and
    /// key, where a record's key_hint matches the bill's key); `use_case` is the fallback for
    /// days without gateway data (else unallocated).
    Gateway,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The one use case; with `split_by = "gateway"`, the fallback for days without gateway data.
    pub use_case: Option<String>,
    pub split: Option<BTreeMap<String, Decimal>>,
    pub split_by: Option<SplitBy>,
    /// The use cases a `split_by` rule divides between.
    pub use_cases: Option<Vec<String>>,
    #[serde(rename = "match")]
    pub matches: RuleMatch,
}

/// Overrides of the default category of matching rows.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    pub category: Category,
    #[serde(rename = "match")]
    pub matches: RuleMatch,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    LlmApi,
    EmbeddingsVector,
    Experimentation,
    Other,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::LlmApi,
        Category::EmbeddingsVector,
        Category::Experimentation,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::LlmApi => "llm_api",
            Category::EmbeddingsVector => "embeddings_vector",
            Category::Experimentation => "experimentation",
            Category::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::LlmApi => "LLM APIs",
            Category::EmbeddingsVector => "Embeddings + vector DB",
            Category::Experimentation => "Experimentation",
            Category::Other => "Other",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GateConfig {
    pub feature_min_usd: Decimal,
    pub feature_growth: Decimal,
    pub pilot_min_usd: Decimal,
    pub jump_pct: Decimal,
    pub approved_baseline_usd: Decimal,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig {
            feature_min_usd: Decimal::from(3000),
            feature_growth: Decimal::from(2),
            pilot_min_usd: Decimal::from(1000),
            jump_pct: Decimal::from(20),
            approved_baseline_usd: Decimal::from(30000),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ForecastConfig {
    pub targets: Vec<Decimal>,
}

impl Default for ForecastConfig {
    fn default() -> Self {
        ForecastConfig {
            targets: vec![Decimal::from(50000), Decimal::from(80000)],
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    pub theme: String,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            theme: "dark".to_string(),
        }
    }
}

/// `[proxy]`: the gateway (`tollgate proxy`, PRODUCT C13).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ProxyConfig {
    /// Address the proxy listens on.
    pub listen: String,
    /// Where the request spool is written (default: `spool/` in the XDG data dir).
    pub spool_dir: Option<String>,
    pub openai_url: String,
    pub anthropic_url: String,
    /// Refuse requests that neither the header nor a rule gives a use case.
    pub require_use_case: bool,
    /// Group-commit cadence of the spool: at most this much is lost to a power cut.
    pub fsync_interval_ms: u64,
    /// The header carrying the end user's id (stored and forwarded only as a pseudonym).
    pub user_header: String,
    /// Tokio worker threads (default: the machine's available cores).
    pub worker_threads: Option<usize>,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            listen: "127.0.0.1:4141".to_string(),
            spool_dir: None,
            openai_url: "https://api.openai.com".to_string(),
            anthropic_url: "https://api.anthropic.com".to_string(),
            require_use_case: false,
            fsync_interval_ms: 100,
            user_header: "x-tollgate-user".to_string(),
            worker_threads: None,
        }
    }
}

//! Gateway request records for tests of what reads them (reconcile, WAU, the AI-systems
//! inventory): written as the proxy's spool lines (the record shape of `tollgate proxy`,
//! CONTRACTS.md) into a spool dir and ingested by the real `tollgate sync` of a `gateway`
//! source, `gw`, which [`ingest`] adds to the test's config.

use serde_json::json;

use crate::common::Env;
use crate::gateway_spool::{captured, with};

/// One request record: the fields the readers look at; the rest are fixed.
#[derive(Debug, Clone)]
pub struct Req {
    pub id: String,
    /// `YYYY-MM-DD HH:MM:SS`, UTC.
    pub started_at: String,
    pub provider: &'static str,
    pub model: &'static str,
    pub key_hint: Option<&'static str>,
    pub use_case: Option<&'static str>,
    pub user: Option<String>,
    /// Exact decimal text, None = unpriced.
    pub cost: Option<&'static str>,
    pub outcome: &'static str,
}

impl Req {
    pub fn new(id: impl Into<String>, started_at: &str, use_case: &'static str) -> Req {
        Req {
            id: id.into(),
            started_at: started_at.to_string(),
            provider: "OpenAI",
            model: "gpt-5.5-2026-04-23",
            key_hint: Some("sk-…abcd"),
            use_case: Some(use_case),
            user: None,
            cost: Some("0.01"),
            outcome: "ok",
        }
    }

    /// The spool line `tollgate proxy` writes for this request: a record the real proxy wrote
    /// (`gateway_spool::captured`: a priced chat, a priced Anthropic message, or its refusal)
    /// with this request's values.
    fn line(&self) -> String {
        let captured = captured();
        let template = match (self.outcome, self.provider) {
            ("refused", _) => &captured[5],
            (_, "Anthropic") => &captured[2],
            _ => &captured[0],
        };
        let at = format!("{}.000000Z", self.started_at.replace(' ', "T"));
        let mut fields = vec![
            ("request_id", json!(self.id)),
            ("key_hint", json!(self.key_hint)),
            ("started_at", json!(at)),
            ("ended_at", json!(at)),
            ("provider", json!(self.provider)),
            ("model_requested", json!(self.model)),
            ("use_case", json!(self.use_case)),
            ("user", json!(self.user)),
            ("outcome", json!(self.outcome)),
            ("cost_usd", json!(self.cost)),
            ("priced", json!(self.cost.is_some())),
        ];
        if self.outcome == "refused" {
            // A pause or cap refusal (the captured one is a bad header's 400).
            fields.push(("status", json!(429)));
        } else {
            fields.push(("model", json!(self.model)));
        }
        with(template, &fields)
    }
}

/// Writes `reqs` as a new spool file in the env's `spool/` dir and runs `tollgate sync --source
/// gw` on the env's DB, adding the `gw` source to its `tollgate.toml` (created if absent).
pub fn ingest(env: &Env, reqs: &[Req]) {
    let spool = env.path("spool");
    std::fs::create_dir_all(&spool).expect("spool dir");
    let config = env.path("tollgate.toml");
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    if !text.contains("[sources.gw]") {
        let source = format!(
            "\n[sources.gw]\nkind = \"gateway\"\npath = \"{}\"\n",
            spool.display()
        );
        std::fs::write(&config, format!("{text}{source}")).expect("config");
    }
    let n = std::fs::read_dir(&spool).expect("spool").count();
    let lines: String = reqs.iter().map(|r| format!("{}\n", r.line())).collect();
    std::fs::write(spool.join(format!("requests-2026100100-t{n}.jsonl")), lines)
        .expect("spool file");
    let out = env
        .cmd()
        .arg("--config")
        .arg(&config)
        .arg("--db")
        .arg(env.db())
        .env("TOLLGATE_KEYRING", "none")
        .args(["sync", "--source", "gw", "--json"])
        .output()
        .expect("sync");
    assert!(
        out.status.success(),
        "sync: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

//! What a configured source will use when it syncs, for `tollgate doctor`: its endpoint and
//! where its credential comes from, resolved by the same functions sync calls (so the two
//! cannot disagree). Secrets are never shown, only masked hints and where they live.

use std::path::{Path, PathBuf};

use super::{anthropic, aws, gcp, modal, openai, SourceError};
use crate::config::{ProxyConfig, SourceConfig, SourceKind};
use crate::credentials::{self, Origin, Secret};

/// A source's endpoint and credential, described.
#[derive(Debug, Clone, PartialEq)]
pub struct InUse {
    pub endpoint: String,
    pub credential: String,
}

/// `proxy` gives a gateway source without `path` its spool dir.
pub fn in_use(name: &str, cfg: &SourceConfig, proxy: &ProxyConfig) -> InUse {
    let base = |default: &str| cfg.base_url.clone().unwrap_or_else(|| default.to_string());
    match cfg.kind {
        SourceKind::Openai => InUse {
            endpoint: base(openai::DEFAULT_BASE_URL),
            credential: stored(name),
        },
        SourceKind::Anthropic => InUse {
            endpoint: base(anthropic::DEFAULT_BASE_URL),
            credential: stored(name),
        },
        SourceKind::Aws => InUse {
            endpoint: cfg
                .endpoint_url
                .clone()
                .unwrap_or_else(|| aws::DEFAULT_ENDPOINT.to_string()),
            credential: match aws::keys(name) {
                Ok(k) => format!(
                    "AWS access key {} from {}",
                    masked(&k.access_key_id),
                    k.origin
                ),
                Err(e) => problem(name, &e),
            },
        },
        SourceKind::Gcp => {
            let sa = gcp::service_account(name);
            InUse {
                endpoint: format!(
                    "{}, token {}",
                    gcp::bigquery_url(cfg),
                    gcp::token_url(cfg, sa.as_ref().ok())
                ),
                credential: match &sa {
                    Ok(sa) => format!("service account {} from {}", sa.client_email, sa.origin),
                    Err(e) => problem(name, e),
                },
            }
        }
        SourceKind::Modal => match &cfg.report_file {
            Some(f) => InUse {
                endpoint: format!("report_file {f}"),
                credential: "none needed (reads a saved report)".to_string(),
            },
            None => InUse {
                endpoint: format!("`{} billing report` (Modal's API)", modal::EXECUTABLE),
                credential: modal_token(),
            },
        },
        SourceKind::Focus => InUse {
            endpoint: format!(
                "files {}",
                cfg.path
                    .as_ref()
                    .and_then(|p| p.single())
                    .unwrap_or("(no path set)")
            ),
            credential: "none needed (files)".to_string(),
        },
        SourceKind::Gateway => InUse {
            endpoint: format!(
                "spool {}",
                crate::gateway::spool_dirs(cfg, proxy)
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            credential: "none needed (reads the proxy's spool files)".to_string(),
        },
    }
}

/// A TOLLGATE_<SOURCE>_KEY or keyring secret (OpenAI, Anthropic admin keys).
fn stored(name: &str) -> String {
    let hint = |h: Option<String>| h.map_or_else(String::new, |h| format!(" ({h})"));
    match credentials::status(name) {
        Ok(st) => match st.origin {
            Origin::Env(var) => format!("key from {var}{}", hint(st.hint)),
            Origin::Keyring(b) => format!("key in the {}{}", b.name(), hint(st.hint)),
            Origin::Missing => format!(
                "no credential (set {} or `tollgate auth set {name}`)",
                st.env_var
            ),
        },
        Err(e) => format!("no credential: {e}"),
    }
}

/// The error without its "source NAME: " prefix (the line already names the source).
fn problem(name: &str, e: &SourceError) -> String {
    let text = e.to_string();
    text.strip_prefix(&format!("source {name}: "))
        .unwrap_or(&text)
        .to_string()
}

fn masked(id: &str) -> String {
    Secret::new(id.to_string())
        .hint()
        .unwrap_or_else(|| "***".to_string())
}

/// The `modal` CLI's own token, which it reads from MODAL_TOKEN_ID / MODAL_TOKEN_SECRET, else
/// from its config file (MODAL_CONFIG_PATH, else ~/.modal.toml), active profile first.
fn modal_token() -> String {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let on_path = on_path(modal::EXECUTABLE).map_or_else(
        || format!("; the `{}` command is not on PATH", modal::EXECUTABLE),
        |_| String::new(),
    );
    if let (Some(id), Some(_)) = (env("MODAL_TOKEN_ID"), env("MODAL_TOKEN_SECRET")) {
        return format!(
            "the modal CLI's own token {} from MODAL_TOKEN_ID / MODAL_TOKEN_SECRET{on_path}",
            masked(&id)
        );
    }
    let file = env("MODAL_CONFIG_PATH")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".modal.toml")));
    match file
        .as_deref()
        .and_then(|f| profile_token(f).map(|p| (f, p)))
    {
        Some((f, (profile, id))) => format!(
            "the modal CLI's own token {} (profile {profile}) from {}{on_path}",
            masked(&id),
            f.display()
        ),
        None => format!(
            "no Modal token: run `modal token new`, or set MODAL_TOKEN_ID and MODAL_TOKEN_SECRET, \
             or set report_file{on_path}"
        ),
    }
}

/// The (profile, token_id) Modal's config file selects: MODAL_PROFILE, else the profile marked
/// `active = true`, else the only one.
fn profile_token(file: &Path) -> Option<(String, String)> {
    let table: toml::Table = std::fs::read_to_string(file).ok()?.parse().ok()?;
    let wanted = std::env::var("MODAL_PROFILE")
        .ok()
        .filter(|p| !p.is_empty());
    let (name, profile) = table.iter().find(|(name, p)| match &wanted {
        Some(w) => *name == w,
        None => p.get("active").and_then(toml::Value::as_bool) == Some(true) || table.len() == 1,
    })?;
    let id = profile.get("token_id")?.as_str()?;
    profile.get("token_secret")?.as_str()?;
    Some((name.clone(), id.to_string()))
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

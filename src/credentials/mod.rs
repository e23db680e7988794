//! Credentials (docs/CONTRACTS.md, "Environment"): a source's secret comes from
//! `TOLLGATE_<SOURCE>_KEY`, else from the OS keyring (service `tollgate`, user = source name).
//! Secrets are [`Secret`]s, which print as `***`, so they cannot reach logs, the DB or error
//! messages by accident.
//!
//! Call these from plain threads or `spawn_blocking`: keyring lookups block.

mod keyring;
mod secret;

pub use keyring::{Backend, Keyring, KeyringFailure, Unavailable, KEYRING_ENV, SERVICE};
pub use secret::Secret;

#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("source name `{0}` can only use letters, digits, `-` and `_`")]
    BadSourceName(String),
    #[error("{var} is set but is not valid UTF-8; fix or unset it")]
    EnvNotUnicode { var: String },
    #[error("no OS keyring is usable here ({reason}); set {var} instead")]
    NoKeyring { reason: Unavailable, var: String },
    #[error("the {backend} failed for `{source_name}`: {}; set {var} instead", failure.0)]
    Keyring {
        backend: Backend,
        source_name: String,
        failure: KeyringFailure,
        var: String,
    },
    #[error("the secret for `{0}` is empty; nothing was stored")]
    EmptySecret(String),
}

/// Where a source's secret comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The named environment variable.
    Env(String),
    /// The OS keyring.
    Keyring(Backend),
    Missing,
}

/// What `tollgate auth status` and `doctor` report for one source; never the secret itself.
#[derive(Debug)]
pub struct Status {
    pub source: String,
    /// The env var that would override the keyring.
    pub env_var: String,
    pub origin: Origin,
    /// A masked hint of the secret in use ([`Secret::hint`]).
    pub hint: Option<String>,
    /// The keyring this machine uses, or why none is usable or the lookup failed. The keyring
    /// entry is not read when the env var is set.
    pub keyring: Result<Backend, CredentialError>,
}

/// `TOLLGATE_<SOURCE>_KEY`: the source name upper-cased, `-` turned into `_`.
pub fn env_var(source: &str) -> String {
    format!(
        "TOLLGATE_{}_KEY",
        source.to_ascii_uppercase().replace('-', "_")
    )
}

/// The source's secret: its env var if set (and not empty), else the keyring entry, else `None`.
pub fn resolve(source: &str) -> Result<Option<Secret>, CredentialError> {
    if let Some(secret) = from_env(source)? {
        return Ok(Some(secret));
    }
    let keyring = keyring(source)?;
    keyring
        .get(source)
        .map_err(|f| keyring_error(&keyring, source, f))
}

/// A credential found by [`resolve_chain`], and where.
#[derive(Debug)]
pub enum Chosen<P> {
    /// `TOLLGATE_<SOURCE>_KEY` (the variable's name).
    Tollgate(Secret, String),
    /// The provider's own variables or files, as the caller's fallback found them.
    Provider(P),
    /// The OS keyring.
    Keyring(Secret, Backend),
}

/// The one order every source resolves its credential in: `TOLLGATE_<SOURCE>_KEY`, else what
/// `provider` finds of the provider's own (AWS and GCP env vars and files), else the keyring.
/// `None` when none has one. Sync and `doctor` both go through this.
pub fn resolve_chain<P>(
    source: &str,
    provider: impl FnOnce() -> Option<P>,
) -> Result<Option<Chosen<P>>, CredentialError> {
    if let Some(secret) = from_env(source)? {
        return Ok(Some(Chosen::Tollgate(secret, env_var(source))));
    }
    if let Some(found) = provider() {
        return Ok(Some(Chosen::Provider(found)));
    }
    let keyring = keyring(source)?;
    Ok(keyring
        .get(source)
        .map_err(|f| keyring_error(&keyring, source, f))?
        .map(|secret| Chosen::Keyring(secret, keyring.backend())))
}

/// Stores the secret in the keyring; returns the backend that holds it now.
pub fn set(source: &str, secret: &Secret) -> Result<Backend, CredentialError> {
    check_name(source)?;
    if secret.is_empty() {
        return Err(CredentialError::EmptySecret(source.to_string()));
    }
    let keyring = keyring(source)?;
    keyring
        .set(source, secret)
        .map_err(|f| keyring_error(&keyring, source, f))?;
    tracing::info!(
        source,
        backend = keyring.backend().name(),
        "stored credential"
    );
    Ok(keyring.backend())
}

/// Removes the source's keyring entry; `false` if there was none. The env var is not touched.
pub fn delete(source: &str) -> Result<(Backend, bool), CredentialError> {
    check_name(source)?;
    let keyring = keyring(source)?;
    let removed = keyring
        .delete(source)
        .map_err(|f| keyring_error(&keyring, source, f))?;
    tracing::info!(
        source,
        backend = keyring.backend().name(),
        removed,
        "deleted credential"
    );
    Ok((keyring.backend(), removed))
}

/// Where the source's secret would come from, with a masked hint.
pub fn status(source: &str) -> Result<Status, CredentialError> {
    let env = from_env(source)?;
    let (origin, hint, keyring) = match (env, keyring(source)) {
        (Some(secret), keyring) => (
            Origin::Env(env_var(source)),
            secret.hint(),
            keyring.map(|k| k.backend()),
        ),
        (None, Ok(k)) => match k.get(source) {
            Ok(Some(secret)) => (Origin::Keyring(k.backend()), secret.hint(), Ok(k.backend())),
            Ok(None) => (Origin::Missing, None, Ok(k.backend())),
            Err(f) => (Origin::Missing, None, Err(keyring_error(&k, source, f))),
        },
        (None, Err(e)) => (Origin::Missing, None, Err(e)),
    };
    Ok(Status {
        source: source.to_string(),
        env_var: env_var(source),
        origin,
        hint,
        keyring,
    })
}

/// The keyring backend this machine uses (for `doctor`), or why none is usable.
pub fn backend() -> Result<Backend, Unavailable> {
    Keyring::system().map(|k| k.backend())
}

fn from_env(source: &str) -> Result<Option<Secret>, CredentialError> {
    check_name(source)?;
    let var = env_var(source);
    match std::env::var(&var) {
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) => Ok(Some(Secret::new(v))),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(CredentialError::EnvNotUnicode { var }),
    }
}

/// The keyring this process uses, or the error that names the source's env var instead.
pub fn keyring(source: &str) -> Result<Keyring, CredentialError> {
    Keyring::system().map_err(|reason| CredentialError::NoKeyring {
        reason,
        var: env_var(source),
    })
}

fn keyring_error(keyring: &Keyring, source: &str, failure: KeyringFailure) -> CredentialError {
    CredentialError::Keyring {
        backend: keyring.backend(),
        source_name: source.to_string(),
        failure,
        var: env_var(source),
    }
}

/// Source names become env var names and keyring users, so they stay plain.
pub fn check_name(source: &str) -> Result<(), CredentialError> {
    let ok = !source.is_empty()
        && source
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(CredentialError::BadSourceName(source.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_names() {
        assert_eq!(env_var("openai"), "TOLLGATE_OPENAI_KEY");
        assert_eq!(env_var("aws-prod"), "TOLLGATE_AWS_PROD_KEY");
        assert_eq!(env_var("my_src2"), "TOLLGATE_MY_SRC2_KEY");
    }

    #[test]
    fn odd_source_names_are_refused() {
        for bad in ["", "a b", "x=y", "ünï"] {
            assert!(
                matches!(check_name(bad), Err(CredentialError::BadSourceName(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn no_keyring_message_names_the_env_var() {
        let e = CredentialError::NoKeyring {
            reason: Unavailable("why".into()),
            var: env_var("openai"),
        };
        assert_eq!(
            e.to_string(),
            "no OS keyring is usable here (why); set TOLLGATE_OPENAI_KEY instead"
        );
    }
}

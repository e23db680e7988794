//! The OS keyring: which store this machine has, and reading/writing one source's entry in it.
//!
//! Choice (cached per process): `TOLLGATE_KEYRING=keyutils|secret-service|none` forces it;
//! otherwise the Secret Service when a D-Bus session bus is configured and the service answers,
//! else the Linux kernel keyring.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry};

use super::Secret;

/// Every entry is `service = tollgate, user = <source name>`.
pub const SERVICE: &str = "tollgate";

/// Forces the keyring backend: `keyutils`, `secret-service` or `none`.
pub const KEYRING_ENV: &str = "TOLLGATE_KEYRING";

/// How long the Secret Service may take to answer before tollgate falls back.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The freedesktop Secret Service (GNOME Keyring, KWallet) over the D-Bus session bus.
    SecretService,
    /// The Linux kernel keyring (keyutils): in memory only, so cleared on reboot.
    Keyutils,
}

impl Backend {
    /// The value `TOLLGATE_KEYRING` takes to force this backend.
    pub fn name(self) -> &'static str {
        match self {
            Backend::SecretService => "secret-service",
            Backend::Keyutils => "keyutils",
        }
    }

    /// For people: what the store is and, where it matters, its limits.
    pub fn describe(self) -> &'static str {
        match self {
            Backend::SecretService => "Secret Service (D-Bus session keyring)",
            Backend::Keyutils => "Linux kernel keyring (keyutils; cleared on reboot)",
        }
    }

    /// The kernel keyring lives in memory: a reboot empties it.
    pub fn survives_reboot(self) -> bool {
        match self {
            Backend::SecretService => true,
            Backend::Keyutils => false,
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// Why the keyring cannot be used, in words that end up in "no OS keyring is usable here (...)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable(pub String);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a keyring operation did wrong, already turned into words: `keyring_core::Error` is not
/// kept because some of its variants carry the raw secret bytes (and print them in `Debug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringFailure(pub String);

/// An opened keyring backend.
#[derive(Clone)]
pub struct Keyring {
    backend: Backend,
    store: Arc<CredentialStore>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Keyring {
    /// The keyring this process uses: forced by `TOLLGATE_KEYRING`, else the best available.
    pub fn system() -> Result<Keyring, Unavailable> {
        static CHOSEN: OnceLock<Result<Keyring, Unavailable>> = OnceLock::new();
        CHOSEN.get_or_init(choose).clone()
    }

    /// Open one backend, checking that it answers.
    pub fn open(backend: Backend) -> Result<Keyring, Unavailable> {
        let keyring = Keyring {
            backend,
            store: open_store(backend)?,
        };
        // A lookup of an entry that never exists proves the store answers.
        match keyring.get("tollgate-probe") {
            Ok(_) => Ok(keyring),
            Err(KeyringFailure(why)) => Err(Unavailable(format!(
                "the {} does not answer: {why}",
                backend.describe()
            ))),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn get(&self, source: &str) -> Result<Option<Secret>, KeyringFailure> {
        match self.with_entry(source, |e| e.get_password()) {
            Ok(p) => Ok(Some(Secret::new(p))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(failure(&e)),
        }
    }

    pub fn set(&self, source: &str, secret: &Secret) -> Result<(), KeyringFailure> {
        self.with_entry(source, |e| e.set_password(secret.expose()))
            .map_err(|e| failure(&e))
    }

    /// Removes the entry; `false` if there was none.
    pub fn delete(&self, source: &str) -> Result<bool, KeyringFailure> {
        match self.with_entry(source, |e| e.delete_credential()) {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(failure(&e)),
        }
    }

    fn with_entry<T: Send>(
        &self,
        source: &str,
        op: impl FnOnce(&Entry) -> keyring_core::Result<T> + Send,
    ) -> keyring_core::Result<T> {
        let run = || {
            if self.backend == Backend::Keyutils {
                // Session keyrings belong to a thread's credentials. In a thread without one,
                // the first entry built points at the user-session keyring *and* creates a
                // session keyring (to reach the persistent one); a key written there cannot be
                // linked into the persistent keyring (EACCES). The second build uses the new one.
                Entry::new_in_store(&self.store, SERVICE, source)?;
            }
            op(&Entry::new_in_store(&self.store, SERVICE, source)?)
        };
        match self.backend {
            Backend::SecretService => outside_async_runtime(run),
            Backend::Keyutils => run(),
        }
    }
}

fn choose() -> Result<Keyring, Unavailable> {
    match std::env::var(KEYRING_ENV).ok().as_deref().map(str::trim) {
        Some("none") => Err(Unavailable(format!("{KEYRING_ENV}=none turns it off"))),
        Some("keyutils") => Keyring::open(Backend::Keyutils),
        Some("secret-service") => Keyring::open(Backend::SecretService),
        Some("" | "auto") | None => {
            let secret_service =
                if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty()) {
                    Keyring::open(Backend::SecretService)
                } else {
                    Err(Unavailable(
                        "no D-Bus session bus for the Secret Service".into(),
                    ))
                };
            secret_service.or_else(|ss| {
                tracing::debug!(reason = %ss, "Secret Service not used");
                Keyring::open(Backend::Keyutils).map_err(|ku| Unavailable(format!("{ss}; {ku}")))
            })
        }
        Some(other) => Err(Unavailable(format!(
            "{KEYRING_ENV}={other} is not one of keyutils, secret-service, none"
        ))),
    }
}

#[cfg(target_os = "linux")]
fn open_store(backend: Backend) -> Result<Arc<CredentialStore>, Unavailable> {
    match backend {
        Backend::Keyutils => {
            let store = linux_keyutils_keyring_store::Store::new().map_err(|e| {
                Unavailable(format!(
                    "the kernel keyring cannot be opened: {}",
                    failure(&e).0
                ))
            })?;
            Ok(store)
        }
        Backend::SecretService => {
            // Connecting can wait on D-Bus activation; give up rather than hang the command.
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = tx.send(zbus_secret_service_keyring_store::Store::new());
            });
            match rx.recv_timeout(PROBE_TIMEOUT) {
                Ok(Ok(store)) => Ok(store),
                Ok(Err(e)) => Err(Unavailable(format!(
                    "the Secret Service does not answer: {}",
                    failure(&e).0
                ))),
                Err(_) => Err(Unavailable(format!(
                    "the Secret Service did not answer within {}s",
                    PROBE_TIMEOUT.as_secs()
                ))),
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn open_store(backend: Backend) -> Result<Arc<CredentialStore>, Unavailable> {
    Err(Unavailable(format!(
        "the {} exists only on Linux",
        backend.describe()
    )))
}

/// The Secret Service client blocks on its own tokio runtime, which panics inside another
/// runtime; from async code, the call moves to a plain thread.
fn outside_async_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Words for a keyring error that never include secret bytes.
fn failure(e: &keyring_core::Error) -> KeyringFailure {
    use keyring_core::Error as E;
    let text = match e {
        E::PlatformFailure(p) => format!("platform failure: {p}"),
        E::NoStorageAccess(p) => format!("no access to the store (locked or denied?): {p}"),
        E::NoEntry => "no entry".into(),
        E::BadEncoding(_) => "the stored secret is not valid UTF-8".into(),
        E::BadDataFormat(..) => "the stored secret is malformed".into(),
        E::BadStoreFormat(why) => format!("the store is malformed: {why}"),
        E::TooLong(what, max) => format!("{what} is longer than the store's limit of {max}"),
        E::Invalid(what, why) => format!("{what} {why}"),
        E::Ambiguous(items) => format!("{} entries match; remove the duplicates", items.len()),
        E::NoDefaultStore => "no store".into(),
        E::NotSupportedByStore(why) => format!("not supported by the store: {why}"),
        other => other.to_string(),
    };
    KeyringFailure(text)
}

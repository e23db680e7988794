//! End-user pseudonyms: HMAC-SHA256(secret, id) as 64 lowercase hex characters, the key being
//! the UTF-8 bytes of the secret. The secret is a credential like any other
//! (`TOLLGATE_PROXY_KEY`, else the OS keyring, user `proxy`), created on the first start.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::credentials::{self, Origin, Secret};

/// The credential name of the proxy's secret: env var `TOLLGATE_PROXY_KEY`, keyring user `proxy`.
pub const SECRET_NAME: &str = "proxy";

/// Turns user ids into pseudonyms. Holds the keyed hash state, never the secret's text.
#[derive(Clone)]
pub struct Pseudonymizer {
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymizer(***)")
    }
}

impl Pseudonymizer {
    pub fn new(secret: &Secret) -> Pseudonymizer {
        // HMAC accepts keys of any length; this cannot fail.
        let keyed = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        Pseudonymizer { keyed }
    }

    /// The pseudonym of `id`: 64 lowercase hex characters.
    pub fn pseudonym(&self, id: &str) -> String {
        let mut mac = self.keyed.clone();
        mac.update(id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The proxy's secret and where it is kept; a new one is made and stored in the keyring when
/// there is none. Returns whether it was created now.
pub fn load_or_create_secret() -> anyhow::Result<(Secret, Origin, bool)> {
    let status = credentials::status(SECRET_NAME)?;
    if let Some(secret) = credentials::resolve(SECRET_NAME)? {
        return Ok((secret, status.origin, false));
    }
    let secret = Secret::new(random_hex(32)?);
    let backend = credentials::set(SECRET_NAME, &secret)?;
    Ok((secret, Origin::Keyring(backend), true))
}

fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|e| {
        anyhow::anyhow!(
            "no randomness for a new proxy secret ({e}); set {} instead",
            credentials::env_var(SECRET_NAME)
        )
    })?;
    Ok(hex::encode(buf))
}

/// Random lowercase hex, for the proxy instance's id.
pub fn random_id(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::getrandom(&mut buf).is_err() {
        // The id only has to differ between instances on one machine.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        return format!("{:x}{:x}", std::process::id(), nanos & 0xffff_ffff);
    }
    hex::encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let p = Pseudonymizer::new(&Secret::new("Jefe"));
        assert_eq!(
            p.pseudonym("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(format!("{p:?}"), "Pseudonymizer(***)");
    }
}

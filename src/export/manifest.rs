//! manifest.json: every other file of the pack with its size and sha256, the month (or the
//! quarter of a board pack), the data
//! watermark (how far the ledger reaches), the tollgate version, and when and from which
//! database the pack was made. The only file of a pack with a timestamp or a path.

use std::io::Read;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::PackFile;

pub const NAME: &str = "manifest.json";

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub tollgate_version: String,
    /// The month of a monthly pack (absent from a quarterly one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    /// The quarter of a quarterly pack, `YYYY-Qn` (absent from a monthly one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarter: Option<String>,
    pub as_of: String,
    pub created_at: String,
    pub data_watermark: Option<String>,
    pub database: Option<String>,
    pub files: Vec<PackFile>,
}

pub fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        h.update(&buf[..n]);
    }
    Ok((total, hex::encode(h.finalize())))
}

/// Size and checksum of each of `names` in `dir`, in the order given.
pub fn describe(dir: &Path, names: &[&str]) -> std::io::Result<Vec<PackFile>> {
    names
        .iter()
        .map(|n| {
            let (bytes, sha256) = sha256_file(&dir.join(n))?;
            Ok(PackFile {
                name: n.to_string(),
                bytes,
                sha256,
            })
        })
        .collect()
}

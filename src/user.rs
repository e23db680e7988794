//! Who is at the keyboard: the name reviews and gate decisions are signed with, by the CLI
//! (`deps tag` without `--by`) and the cockpit alike. `$USER`, then `$LOGNAME`, then the
//! account name of the process's uid in /etc/passwd.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot tell who you are: $USER and $LOGNAME are unset and uid {uid} has no account in /etc/passwd; pass --by WHO or set $USER")]
pub struct UnknownUser {
    pub uid: u32,
}

/// The user's name.
pub fn name() -> Result<String, UnknownUser> {
    let var = |k: &str| {
        std::env::var(k)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    if let Some(n) = var("USER").or_else(|| var("LOGNAME")) {
        return Ok(n);
    }
    // /proc/self belongs to the process's effective uid: no libc call needed
    let uid = std::fs::metadata("/proc/self").map_or(u32::MAX, |m| m.uid());
    account_name(Path::new("/etc/passwd"), uid).ok_or(UnknownUser { uid })
}

/// The name of `uid`'s entry in a passwd file (`name:password:uid:gid:...`).
fn account_name(passwd: &Path, uid: u32) -> Option<String> {
    let text = std::fs::read_to_string(passwd).ok()?;
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let mut fields = l.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.trim().parse().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_entries_are_found_by_uid() {
        let dir = tempfile::tempdir().expect("dir");
        let f = dir.path().join("passwd");
        std::fs::write(
            &f,
            "# comment\nroot:x:0:0:root:/root:/bin/bash\nbroken\nana:x:1000:1000:Ana,,,:/home/ana:/bin/sh\n",
        )
        .expect("write");
        assert_eq!(account_name(&f, 0).as_deref(), Some("root"));
        assert_eq!(account_name(&f, 1000).as_deref(), Some("ana"));
        assert_eq!(account_name(&f, 4242), None);
    }
}

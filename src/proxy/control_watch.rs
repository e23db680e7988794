//! The proxy's view of the control file (`proxy::control`): read once before the proxy listens,
//! then watched by a thread that looks at the file's metadata every 250 ms and re-reads it when
//! it changed, so a decision reaches the proxy within a second without a restart. Requests read
//! the current [`Control`] through an uncontended `RwLock` read (the lock is taken for writing
//! only when a new file is applied). A file that cannot be parsed is logged and ignored: the
//! last good one stays in force.

use std::path::PathBuf;
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, SystemTime};

use super::control::{self, Control};

/// How often the file's metadata is looked at.
const POLL: Duration = Duration::from_millis(250);

pub struct ControlWatch {
    path: PathBuf,
    current: RwLock<Arc<Control>>,
}

/// What identifies one version of the file on disk (a rename gives a new inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl ControlWatch {
    /// Reads the control file in `spool_dir` and starts watching it.
    pub fn start(spool_dir: &std::path::Path) -> std::io::Result<Arc<ControlWatch>> {
        let watch = Arc::new(ControlWatch {
            path: control::path(spool_dir),
            current: RwLock::new(Arc::new(Control::default())),
        });
        let mut seen = watch.stamp();
        watch.reload();
        let weak: Weak<ControlWatch> = Arc::downgrade(&watch);
        std::thread::Builder::new()
            .name("tollgate-control".into())
            .spawn(move || loop {
                std::thread::sleep(POLL);
                // The proxy is gone once nobody holds the watch.
                let Some(w) = weak.upgrade() else { return };
                let now = w.stamp();
                if now != seen {
                    seen = now;
                    w.reload();
                }
            })?;
        Ok(watch)
    }

    /// Runs `f` on the control in force (under a read lock: keep it short).
    pub fn with<R>(&self, f: impl FnOnce(&Control) -> R) -> R {
        f(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// The control in force.
    pub fn current(&self) -> Arc<Control> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn stamp(&self) -> Option<Stamp> {
        let m = std::fs::metadata(&self.path).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&m);
        #[cfg(not(unix))]
        let inode = 0;
        Some(Stamp {
            modified: m.modified().ok(),
            len: m.len(),
            inode,
        })
    }

    fn reload(&self) {
        let in_force = self.current();
        match control::read(&self.path) {
            Ok(Some(c)) => {
                if c == *in_force {
                    return;
                }
                if c.generation < in_force.generation {
                    tracing::warn!(
                        file = %self.path.display(),
                        "control file generation went back from {} to {}; applying it anyway",
                        in_force.generation,
                        c.generation
                    );
                }
                let paused: Vec<&str> = c.paused().map(|(id, _)| id).collect();
                let caps: Vec<String> = c.caps().map(|(id, cap)| format!("{id}={cap}")).collect();
                tracing::info!(
                    file = %self.path.display(),
                    generation = c.generation,
                    paused = %paused.join(","),
                    caps = %caps.join(","),
                    "control file applied"
                );
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(c);
            }
            Ok(None) => {
                if !in_force.is_empty() {
                    tracing::warn!(
                        file = %self.path.display(),
                        "control file removed: nothing is paused or capped any more"
                    );
                }
                *self.current.write().unwrap_or_else(|p| p.into_inner()) =
                    Arc::new(Control::default());
            }
            Err(e) => tracing::error!(
                "{e}; keeping the last good control file (generation {}, {} use cases paused)",
                in_force.generation,
                in_force.paused().count()
            ),
        }
    }
}

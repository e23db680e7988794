//! The append-only request spool: `requests-YYYYMMDDHH-<instance>.jsonl` in the spool dir, one
//! JSON object per line. One thread owns the files. Requests hand their finished records to a
//! queue (a push under a mutex: no syscall, no wake-up on the response path); the thread
//! drains it every tick (half the fsync interval, 1-20 ms), renders and prices the records,
//! writes each batch with one `write` (so a `kill -9` loses only what was handed over in the
//! last tick) and group-commits with `fdatasync` every `fsync_interval` (so a power cut loses at
//! most that much). A line is only ever cut short at the very end of a file; readers skip such
//! a partial last line, and a new proxy instance writes its own files, so nothing is ever
//! appended after one.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::pricing::Pricer;
use super::record::{render, Finished};

/// Records waiting for a disk that refuses writes are kept up to this size, then dropped (and
/// logged) rather than growing without bound.
const MAX_PENDING: usize = 64 << 20;

/// Where requests leave their records for the spool thread.
#[derive(Default)]
pub struct Queue {
    records: Mutex<Vec<Finished>>,
    stop: AtomicBool,
}

impl Queue {
    pub fn push(&self, record: Finished) {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(record);
    }

    fn drain(&self) -> Vec<Finished> {
        std::mem::take(&mut *self.records.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The running spool thread.
pub struct Spool {
    pub queue: Arc<Queue>,
    thread: JoinHandle<()>,
}

impl Spool {
    /// Writes and syncs everything handed over so far, then ends the thread.
    pub fn stop(self) -> std::thread::Result<()> {
        self.queue.stop.store(true, Ordering::Release);
        self.thread.thread().unpark();
        self.thread.join()
    }
}

/// Starts the spool thread. Fails when the dir cannot be created.
pub fn start(
    dir: PathBuf,
    instance: String,
    fsync_interval: Duration,
    pricer: Pricer,
) -> io::Result<Spool> {
    std::fs::create_dir_all(&dir)?;
    let queue = Arc::new(Queue::default());
    let shared = queue.clone();
    let thread = std::thread::Builder::new()
        .name("tollgate-spool".into())
        .spawn(move || {
            lower_priority();
            let mut w = Writer {
                dir,
                instance,
                file: None,
                hour: String::new(),
                pending: Vec::new(),
                dirty: false,
            };
            run(&shared, &mut w, fsync_interval, &pricer);
        })?;
    Ok(Spool { queue, thread })
}

/// The spool thread yields to the request path: at nice 10 the kernel preempts it as soon as a
/// request's socket wakes the proxy, so a tick's batch (rendering and pricing every record
/// handed over in the last tick) never holds up an answer on a proxy pinned to one core. It
/// still gets a tenth of a busy core, far more than the records need.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(None, SPOOL_NICE) {
        tracing::debug!("spool thread keeps its priority: {e}");
    }
}

#[cfg(target_os = "linux")]
const SPOOL_NICE: i32 = 10;

fn run(queue: &Queue, w: &mut Writer, interval: Duration, pricer: &Pricer) {
    let tick = (interval / 2).clamp(Duration::from_millis(1), Duration::from_millis(20));
    let mut last_sync = Instant::now();
    loop {
        // Read before draining: whatever was pushed before the stop is in this drain.
        let stop = queue.stop.load(Ordering::Acquire);
        for f in queue.drain() {
            w.add(&f, pricer);
        }
        w.write();
        if stop {
            w.sync();
            return;
        }
        if w.dirty && last_sync.elapsed() >= interval {
            w.sync();
            last_sync = Instant::now();
        }
        std::thread::park_timeout(tick);
    }
}

struct Writer {
    dir: PathBuf,
    instance: String,
    file: Option<File>,
    hour: String,
    pending: Vec<u8>,
    /// Written but not yet synced.
    dirty: bool,
}

impl Writer {
    fn add(&mut self, f: &Finished, pricer: &Pricer) {
        if let Err(e) = render(f, pricer, &mut self.pending) {
            tracing::error!(request_id = %f.request_id, "spool record not rendered: {e}");
        }
    }

    fn write(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let hour = chrono::Utc::now().format("%Y%m%d%H").to_string();
        if self.file.is_none() || hour != self.hour {
            self.sync();
            match self.open(&hour) {
                Ok(f) => {
                    self.file = Some(f);
                    self.hour = hour;
                }
                Err(e) => return self.failed(&e),
            }
        }
        let Some(file) = self.file.as_mut() else {
            return;
        };
        match file.write_all(&self.pending) {
            Ok(()) => {
                self.pending.clear();
                self.dirty = true;
            }
            Err(e) => self.failed(&e),
        }
    }

    fn open(&self, hour: &str) -> io::Result<File> {
        let path = self.dir.join(file_name(hour, &self.instance));
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        // The new directory entry must survive a power cut too.
        File::open(&self.dir)?.sync_all()?;
        tracing::info!(file = %path.display(), "spool file opened");
        Ok(file)
    }

    fn failed(&mut self, e: &io::Error) {
        tracing::error!(dir = %self.dir.display(), "spool write failed (will retry): {e}");
        if self.pending.len() > MAX_PENDING {
            tracing::error!(bytes = self.pending.len(), "spool backlog dropped");
            self.pending.clear();
        }
        // Reopen on the next write: the file may be gone.
        self.file = None;
    }

    fn sync(&mut self) {
        if !self.dirty {
            return;
        }
        if let Some(f) = &self.file {
            if let Err(e) = f.sync_data() {
                tracing::error!("spool fsync failed: {e}");
                return;
            }
        }
        self.dirty = false;
    }
}

/// `requests-YYYYMMDDHH-<instance>.jsonl`.
pub fn file_name(hour: &str, instance: &str) -> String {
    format!("requests-{hour}-{instance}.jsonl")
}

/// The `YYYYMMDDHH` hour a spool file is named by ([`file_name`]'s inverse).
pub fn hour_of(path: &Path) -> Option<&str> {
    path.file_name()?
        .to_str()?
        .strip_prefix("requests-")?
        .get(..10)
}

/// The spool files in `dir`, oldest hour first.
pub fn files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("requests-") && n.ends_with(".jsonl"))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// The complete lines of a spool file, parsed; a partial last line (a write cut short) is
/// skipped. `Err` only when the file cannot be read.
pub fn read_file(path: &Path) -> io::Result<Vec<serde_json::Value>> {
    let bytes = std::fs::read(path)?;
    let complete = match bytes.iter().rposition(|b| *b == b'\n') {
        Some(i) => &bytes[..=i],
        None => &[][..],
    };
    Ok(complete
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect())
}

/// What `doctor` shows of a spool dir.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    /// The last complete record of the most recently written file.
    pub newest: Option<serde_json::Value>,
}

pub fn summary(dir: &Path) -> io::Result<Summary> {
    let mut out = Summary::default();
    let mut newest: Option<(std::time::SystemTime, PathBuf)> = None;
    for f in files(dir)? {
        let meta = std::fs::metadata(&f)?;
        out.files += 1;
        out.bytes += meta.len();
        let modified = meta.modified()?;
        if newest.as_ref().is_none_or(|(t, _)| modified >= *t) {
            newest = Some((modified, f));
        }
    }
    if let Some((_, f)) = newest {
        out.newest = last_record(&f)?;
    }
    Ok(out)
}

/// The last complete record of a file, reading only its tail.
fn last_record(path: &Path) -> io::Result<Option<serde_json::Value>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let from = len.saturating_sub(256 << 10);
    f.seek(SeekFrom::Start(from))?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail)?;
    let complete = match tail.iter().rposition(|b| *b == b'\n') {
        Some(i) => &tail[..i],
        None => return Ok(None),
    };
    let last = complete.rsplit(|b| *b == b'\n').next().unwrap_or_default();
    Ok(serde_json::from_slice(last).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nice value of every `tollgate-spool` thread of this process (field 19 of
    /// `/proc/self/task/TID/stat`).
    #[cfg(target_os = "linux")]
    fn spool_thread_nices() -> Vec<i32> {
        let mut out = Vec::new();
        for e in std::fs::read_dir("/proc/self/task")
            .expect("tasks")
            .flatten()
        {
            let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
            if comm.trim() != "tollgate-spool" {
                continue;
            }
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            let after = stat.rsplit(") ").next().unwrap_or_default();
            if let Some(n) = after
                .split_whitespace()
                .nth(16)
                .and_then(|n| n.parse().ok())
            {
                out.push(n);
            }
        }
        out
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn spool_thread_runs_below_the_request_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let spool = start(
            dir.path().to_path_buf(),
            "nice".into(),
            Duration::from_millis(100),
            Pricer::shipped().expect("prices"),
        )
        .expect("start");
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut nices = spool_thread_nices();
        while !nices.contains(&SPOOL_NICE) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
            nices = spool_thread_nices();
        }
        spool.stop().expect("stop");
        assert!(
            nices.contains(&SPOOL_NICE),
            "spool thread nice values: {nices:?}"
        );
    }

    #[test]
    fn partial_last_line_is_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join(file_name("2026120508", "abc"));
        std::fs::write(
            &p,
            "{\"request_id\":\"a\"}\n{\"request_id\":\"b\"}\n{\"request_id\":\"c",
        )
        .expect("write");
        let recs = read_file(&p).expect("read");
        assert_eq!(recs.len(), 2);
        let s = summary(dir.path()).expect("summary");
        assert_eq!(
            (s.files, s.newest.map(|r| r["request_id"].clone())),
            (1, Some("b".into()))
        );
        assert_eq!(files(dir.path()).expect("files"), vec![p]);
    }
}

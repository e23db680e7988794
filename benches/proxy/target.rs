//! The system under test: the release `tollgate proxy` binary in its own process, pinned to
//! core 1 with one tokio worker (`taskset -c 1`, `worker_threads = 1`), spool on, with its own
//! config, spool dir and XDG dirs in a temp dir. Also reads its VmRSS, stops it (SIGTERM or
//! kill -9) and reads its spool back.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// The use case every bench request is tagged with (configured below).
pub const USE_CASE: &str = "bench-assistant";

pub struct Proxy {
    child: Child,
    pub addr: SocketAddr,
    pub spool_dir: PathBuf,
    pub fsync_interval: Duration,
    _dir: tempfile::TempDir,
}

impl Proxy {
    /// Starts `tollgate proxy` against `upstream` and waits for its `listening on` line.
    pub fn spawn(upstream: SocketAddr, cores: &str) -> anyhow::Result<Proxy> {
        let dir = tempfile::tempdir()?;
        let spool_dir = dir.path().join("spool");
        let config = dir.path().join("tollgate.toml");
        std::fs::write(
            &config,
            format!(
                r#"[[use_cases]]
id = "{USE_CASE}"
name = "Bench assistant"
kind = "feature"

[proxy]
listen = "127.0.0.1:0"
spool_dir = "{spool}"
openai_url = "http://{upstream}"
anthropic_url = "http://{upstream}"
worker_threads = 1
"#,
                spool = spool_dir.display()
            ),
        )?;
        // A cap on the bench's use case puts every request through the cap's reservation and
        // settlement (set it high enough that nothing is refused).
        if let Ok(cap) = std::env::var("TOLLGATE_BENCH_CAP_USD") {
            std::fs::create_dir_all(&spool_dir)?;
            std::fs::write(
                spool_dir.join("control.json"),
                format!(
                    r#"{{"version":1,"generation":1,"written_at":"2026-01-01T00:00:00Z","use_cases":{{"{USE_CASE}":{{"monthly_cap_usd":"{cap}"}}}}}}"#
                ),
            )?;
        }
        // Another build of tollgate (e.g. the previous commit's) to compare with.
        let own = env!("CARGO_BIN_EXE_tollgate").to_string();
        let bin = std::env::var("TOLLGATE_BENCH_BIN").unwrap_or(own);
        let bin = bin.as_str();
        let mut cmd = Command::new("taskset");
        cmd.arg("-c").arg(cores).arg(bin);
        cmd.args(["proxy", "--listen", "127.0.0.1:0", "--config"])
            .arg(&config)
            .env("TOLLGATE_PROXY_KEY", "bench-pseudonym-secret")
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env_remove("RUST_LOG")
            .env_remove("TOLLGATE_CONFIG")
            .env_remove("TOLLGATE_DB")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().with_context(|| format!("cannot start {bin}"))?;
        let stderr = child.stderr.take().context("no stderr")?;
        let (tx, rx) = mpsc::channel::<String>();
        // Reads stderr for the whole life of the process so it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(addr) = listening_addr(&line) {
                        break addr;
                    }
                    seen.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    anyhow::bail!(
                        "tollgate proxy did not print `listening on ADDR`; stderr:\n{}",
                        seen.join("\n")
                    );
                }
            }
        };
        // Keep draining stderr in the background.
        std::thread::spawn(move || while rx.recv().is_ok() {});
        Ok(Proxy {
            child,
            addr,
            spool_dir,
            fsync_interval: Duration::from_millis(100),
            _dir: dir,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The process's resident set, KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// SIGTERM, then waits for the exit (up to 15 s; then kill -9 and an error).
    pub fn terminate(&mut self) -> anyhow::Result<ExitStatus> {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()?;
        anyhow::ensure!(status.success(), "kill -TERM {} failed", self.pid());
        self.wait_exit(Duration::from_secs(15))
    }

    /// kill -9, and reaps it.
    pub fn kill9(&mut self) -> anyhow::Result<ExitStatus> {
        self.child.kill()?;
        Ok(self.child.wait()?)
    }

    pub fn wait_exit(&mut self, limit: Duration) -> anyhow::Result<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(s) = self.child.try_wait()? {
                return Ok(s);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                anyhow::bail!("tollgate proxy did not exit within {limit:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn spool(&self) -> anyhow::Result<Spool> {
        Spool::read(&self.spool_dir)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `... listening on 127.0.0.1:PORT ...` -> the address.
fn listening_addr(line: &str) -> Option<SocketAddr> {
    let rest = line.split("listening on ").nth(1)?;
    let token: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',')
        .collect();
    token.parse().ok()
}

/// The spool as read back: records per request id, and lines that do not parse.
#[derive(Debug, Default)]
pub struct Spool {
    pub files: usize,
    pub lines: usize,
    pub broken: usize,
    pub by_id: HashMap<String, u32>,
}

impl Spool {
    pub fn read(dir: &Path) -> anyhow::Result<Spool> {
        let mut spool = Spool::default();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(spool);
        };
        for e in entries {
            let path = e?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !(name.starts_with("requests-") && name.ends_with(".jsonl")) {
                continue;
            }
            spool.files += 1;
            let text = std::fs::read(&path)?;
            for line in text.split(|b| *b == b'\n') {
                if line.is_empty() {
                    continue;
                }
                spool.lines += 1;
                let id = serde_json::from_slice::<serde_json::Value>(line)
                    .ok()
                    .and_then(|v| v.get("request_id")?.as_str().map(str::to_string));
                match id {
                    Some(id) => *spool.by_id.entry(id).or_default() += 1,
                    None => spool.broken += 1,
                }
            }
            if text.last().is_some_and(|b| *b != b'\n') {
                // A last line without its newline: a torn write.
                spool.broken += 1;
            }
        }
        Ok(spool)
    }

    /// How many of `ids` have no record, and how many have more than one.
    pub fn check<'a>(&self, ids: impl IntoIterator<Item = &'a String>) -> (usize, usize) {
        let (mut missing, mut dup) = (0, 0);
        for id in ids {
            match self.by_id.get(id) {
                None => missing += 1,
                Some(n) if *n > 1 => dup += 1,
                _ => {}
            }
        }
        (missing, dup)
    }
}

//! Runs the real `tollgate proxy` binary for a test: isolated HOME and XDG dirs, a config
//! pointing both upstreams at a fake, its own spool dir, the pseudonym secret from
//! TOLLGATE_PROXY_KEY. Waits for the "listening" line, stops it with SIGTERM, reads the spool.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::common::Env;

pub const SECRET: &str = "proxy-test-secret-0123456789";

pub struct Proxy {
    pub env: Env,
    child: Option<Child>,
    pub addr: String,
    pub spool: PathBuf,
    stderr: Arc<Mutex<String>>,
}

/// `[proxy]` pointing at `upstream` for both providers, plus `extra` (use cases, rules, keys).
/// One worker thread (the single-thread runtime) unless `extra` sets `worker_threads`.
pub fn config(upstream: &str, spool: &std::path::Path, extra: &str) -> String {
    let workers = if extra.contains("worker_threads") {
        ""
    } else {
        "worker_threads = 1\n"
    };
    format!(
        "[proxy]\nopenai_url = \"{upstream}\"\nanthropic_url = \"{upstream}\"\nspool_dir = \"{}\"\nfsync_interval_ms = 10\n{workers}{extra}\n",
        spool.display()
    )
}

impl Proxy {
    /// Starts the proxy on a free port with `[proxy]` for `upstream` and `extra` config.
    pub fn start(upstream: &str, extra: &str) -> Proxy {
        Self::start_with(upstream, extra, &[])
    }

    pub fn start_with(upstream: &str, extra: &str, envs: &[(&str, &str)]) -> Proxy {
        let env = Env::new();
        let spool = env.path("spool");
        let cfg = env.write("tollgate.toml", &config(upstream, &spool, extra));
        let mut cmd = command(&env);
        cmd.args(["proxy", "--listen", "127.0.0.1:0", "--config"])
            .arg(&cfg)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn tollgate proxy");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let pipe = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("tollgate proxy listening on ") {
                    let addr = rest.split(',').next().unwrap_or_default().to_string();
                    let _ = tx.send(addr);
                }
                let mut s = sink.lock().unwrap_or_else(|p| p.into_inner());
                s.push_str(&line);
                s.push('\n');
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                let out = stderr.lock().map(|s| s.clone()).unwrap_or_default();
                panic!("the proxy did not start: {out}");
            }
        };
        Proxy {
            env,
            child: Some(child),
            addr,
            spool,
            stderr,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Sends `signal` (e.g. "TERM", "KILL") and waits for the exit.
    pub fn signal(&mut self, signal: &str) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let ok = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .expect("kill");
        assert!(ok.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(st) = child.try_wait().expect("wait") {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "the proxy did not exit after SIG{signal}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM, expecting exit 0; then every spool record.
    pub fn stop(&mut self) -> Vec<Value> {
        let st = self.signal("TERM");
        assert!(
            st.success(),
            "exit after SIGTERM: {st:?}; stderr: {}",
            self.stderr()
        );
        self.records()
    }

    pub fn records(&self) -> Vec<Value> {
        let Ok(files) = tollgate::proxy::spool::files(&self.spool) else {
            return vec![];
        };
        files
            .iter()
            .flat_map(|f| tollgate::proxy::spool::read_file(f).expect("read spool"))
            .collect()
    }

    /// Polls the spool until `n` records are there.
    pub fn wait_records(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let r = self.records();
            if r.len() >= n || Instant::now() > deadline {
                return r;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.env.path("state").join("tollgate").join("tollgate.log"))
            .unwrap_or_default()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The binary with the env's isolated dirs, the test secret and no keyring.
pub fn command(env: &Env) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("tollgate"));
    for (k, _) in std::env::vars() {
        if k.starts_with("TOLLGATE_") {
            c.env_remove(k);
        }
    }
    c.env("HOME", env.dir.path())
        .env("XDG_DATA_HOME", env.path("data"))
        .env("XDG_CONFIG_HOME", env.path("config"))
        .env("XDG_STATE_HOME", env.path("state"))
        .env("TOLLGATE_PROXY_KEY", SECRET)
        .env("TOLLGATE_KEYRING", "none")
        .env("NO_COLOR", "1");
    c
}

/// The one record with this request id.
pub fn by_id<'a>(records: &'a [Value], id: &str) -> &'a Value {
    let hits: Vec<&Value> = records.iter().filter(|r| r["request_id"] == id).collect();
    assert_eq!(hits.len(), 1, "records for {id}: {records:#?}");
    hits[0]
}

/// The request id the proxy returned.
pub fn request_id(resp: &reqwest::Response) -> String {
    resp.headers()
        .get("x-tollgate-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("x-tollgate-request-id")
        .to_string()
}

/// POSTs `body` as JSON to the proxy with `headers`.
pub async fn post(
    p: &Proxy,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> reqwest::Response {
    let mut req = reqwest::Client::new().post(p.url(path)).json(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("send")
}

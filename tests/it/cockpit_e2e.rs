//! End to end: the real binary in a real pseudo-terminal (tmux, installed by `.ci/run`). Opens
//! the demo, visits every tab, tags a dependency, decides a gate, quits, then reads the DB.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tollgate::store::Store;

use crate::common::Env;

/// A tmux server of its own (socket in the test's temp dir) running one command.
struct Tmux {
    socket: PathBuf,
}

const SESSION: &str = "cockpit";
const WAIT: Duration = Duration::from_secs(60);

impl Tmux {
    /// Starts `script` in a detached 120x40 session.
    fn start(env: &Env, script: &Path) -> Tmux {
        let tmux = Tmux {
            socket: env.path("tmux.sock"),
        };
        let status = Command::new("tmux")
            .arg("-S")
            .arg(&tmux.socket)
            .args(["-f", "/dev/null", "new-session", "-d", "-s", SESSION])
            .args(["-x", "120", "-y", "40"])
            .arg(script)
            .status()
            .expect("tmux must be installed (.ci/run installs it)");
        assert!(status.success(), "tmux new-session failed");
        // Keep the pane after the program exits so its last screen and status can be read.
        tmux.run(&["set-option", "-t", SESSION, "remain-on-exit", "on"]);
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends keys as tmux names them (`Enter`, `Escape`, `j`, literal text with `-l`).
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", SESSION, k]);
        }
    }

    fn text(&self, text: &str) {
        self.run(&["send-keys", "-t", SESSION, "-l", text]);
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", SESSION])
    }

    /// Waits until the screen shows `what`; panics with the screen if it never does.
    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            assert!(
                start.elapsed() < WAIT,
                "the cockpit never showed {what:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the program to exit and returns its exit status, which the launcher writes to
    /// `status_file` (tmux's own `pane_dead_status` is not always recorded).
    fn wait_exit(&self, status_file: &Path) -> i32 {
        let start = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(status_file) {
                if let Ok(status) = text.trim().parse() {
                    return status;
                }
            }
            assert!(
                start.elapsed() < WAIT,
                "the cockpit did not quit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .status();
    }
}

/// A script that runs the real binary with the test's isolated environment and writes its exit
/// status to `exit-status`.
fn launcher(env: &Env, args: &str) -> PathBuf {
    let bin = assert_cmd::cargo::cargo_bin("tollgate");
    let home = env.dir.path().display().to_string();
    let script = format!(
        "#!/bin/sh\nunset TOLLGATE_DB TOLLGATE_CONFIG TOLLGATE_TODAY\n\
         export HOME='{home}' XDG_DATA_HOME='{home}/data' XDG_CONFIG_HOME='{home}/config' \
         XDG_STATE_HOME='{home}/state' USER=e2e-tester TERM=xterm-256color\n\
         '{}' {args}\necho $? > '{home}/exit-status'\n",
        bin.display()
    );
    let path = env.write("launch.sh", &script);
    let mut perms = std::fs::metadata(&path).expect("script").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&path, perms).expect("chmod");
    path
}

#[test]
fn a_new_user_visits_every_tab_tags_a_dependency_decides_a_gate_and_quits() {
    if !crate::common::external_tool("tmux", "tmux") {
        return;
    }
    let env = Env::new();
    let db = env.path("demo.duckdb");
    let script = launcher(
        &env,
        &format!("--db '{}' demo --as-of 2026-11-20", db.display()),
    );
    let tmux = Tmux::start(&env, &script);

    tmux.wait_for("Month to date");
    // Use cases: drill into the first use case, then into its first slice, and back out.
    tmux.keys(&["2"]);
    tmux.wait_for("Use cases ·");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Use cases ›");
    tmux.keys(&["Escape"]);
    tmux.wait_for("Use cases ·");
    tmux.keys(&["1"]);
    tmux.wait_for("Month to date");

    // Gates: decide the first breach with a note.
    tmux.keys(&["3"]);
    tmux.wait_for("G1");
    tmux.keys(&["d"]);
    tmux.wait_for("decision (");
    tmux.text("acknowledged");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Enter skips");
    tmux.text("owner asked to re-justify by Friday");
    tmux.keys(&["Enter"]);
    tmux.wait_for("recorded acknowledged");

    tmux.keys(&["4"]);
    tmux.wait_for("$50.0K target");

    // Dependencies: mark the selected row waste.
    tmux.keys(&["5"]);
    tmux.wait_for("Class totals");
    tmux.keys(&["w"]);
    tmux.wait_for("waste");
    tmux.wait_for("marked");

    tmux.keys(&["6"]);
    tmux.wait_for("openai");
    // The demo DB never syncs; it says so instead.
    tmux.keys(&["s"]);
    tmux.wait_for("sync is off");
    // e: the pack for the offered month, written beside the DB.
    tmux.keys(&["e"]);
    tmux.wait_for("YYYY-MM");
    tmux.keys(&["Enter"]);
    tmux.wait_for("pack written to");
    tmux.keys(&["?"]);
    tmux.wait_for("Keys");
    tmux.keys(&["Escape", "q"]);
    assert_eq!(
        tmux.wait_exit(&env.path("exit-status")),
        0,
        "screen:\n{}",
        tmux.screen()
    );
    drop(tmux);

    let store = Store::open(&db).expect("the DB opens after the cockpit quit");
    let (decisions, by, note): (i64, String, String) = store
        .conn()
        .query_row(
            r#"SELECT count(*), any_value("by"), any_value(note) FROM gate_decisions
               WHERE decision = 'acknowledged'"#,
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("gate decisions");
    assert_eq!(decisions, 1);
    assert_eq!(by, "e2e-tester");
    assert_eq!(note, "owner asked to re-justify by Friday");
    let waste: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM dependency_reviews WHERE class = 'waste' AND reviewer = 'e2e-tester'",
            [],
            |r| r.get(0),
        )
        .expect("reviews");
    assert_eq!(waste, 1);
    let packs: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM export_packs", [], |r| r.get(0))
        .expect("packs");
    assert_eq!(packs, 1);
    assert!(env
        .path("packs")
        .join("demo-2026-10")
        .join("manifest.json")
        .is_file());
}

//! Credentials through the real kernel keyring (keyutils) and the real binary. Every test uses
//! its own source name (with this PID) and deletes its entry, also when it fails.

use predicates::prelude::*;
use tollgate::credentials::{self, Backend, Keyring, Origin, Secret};

use super::common::*;

/// A unique source name whose keyring entry is removed when the test ends.
struct Source(String);

impl Source {
    fn new(test: &str) -> Source {
        Source(format!("it-{test}-{}", std::process::id()))
    }

    fn var(&self) -> String {
        credentials::env_var(&self.0)
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        if let Ok(k) = Keyring::open(Backend::Keyutils) {
            let _ = k.delete(&self.0);
        }
    }
}

/// The binary on the kernel keyring, with no credential env var for `src` leaking in.
fn auth(env: &Env, src: &Source) -> assert_cmd::Command {
    let mut c = env.cmd();
    c.env("TOLLGATE_KEYRING", "keyutils")
        .env_remove(src.var())
        .arg("auth");
    c
}

const SECRET: &str = "sk-test-0123456789abcdefXY";

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_no_secret(out: &std::process::Output, secret: &str) {
    let all = format!("{}{}", stdout(out), String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains(secret), "the secret leaked: {all}");
}

#[test]
fn keyring_round_trip_in_process() {
    let src = Source::new("lib");
    let k = Keyring::open(Backend::Keyutils).expect("kernel keyring");
    assert_eq!(k.get(&src.0).expect("get"), None);
    k.set(&src.0, &Secret::new(SECRET)).expect("set");
    assert_eq!(
        k.get(&src.0).expect("get").as_ref().map(Secret::expose),
        Some(SECRET)
    );
    assert!(k.delete(&src.0).expect("delete"));
    assert!(!k.delete(&src.0).expect("delete again"));
}

/// A thread's first keyutils entry used to land in the user-session keyring and fail with
/// EACCES; sync workers are such threads.
#[test]
fn fresh_threads_can_use_the_kernel_keyring() {
    // Opened on a side thread: threads inherit their creator's session keyring, and this
    // test's own thread must stay without one for the workers to start from nothing.
    let k = std::thread::spawn(|| Keyring::open(Backend::Keyutils).expect("kernel keyring"))
        .join()
        .expect("thread");
    let src = Source::new("thread");
    let name = src.0.clone();
    let worker = k.clone();
    std::thread::spawn(move || {
        worker
            .set(&name, &Secret::new(SECRET))
            .expect("set in a fresh thread");
    })
    .join()
    .expect("thread");
    let name = src.0.clone();
    let got = std::thread::spawn(move || k.get(&name).expect("get in a fresh thread"))
        .join()
        .expect("thread");
    assert_eq!(got.as_ref().map(Secret::expose), Some(SECRET));
}

#[test]
fn set_status_delete_round_trip_through_the_binary() {
    let env = Env::new();
    let src = Source::new("cli");

    let out = auth(&env, &src)
        .args(["set", &src.0, "--stdin"])
        .write_stdin(format!("{SECRET}\n"))
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert_no_secret(&out, SECRET);
    let text = stdout(&out);
    assert!(text.contains("kernel keyring"), "names the backend: {text}");
    assert!(
        text.contains("cleared on reboot"),
        "warns about reboots: {text}"
    );

    // The newline was trimmed: the stored value is exactly the secret.
    let k = Keyring::open(Backend::Keyutils).expect("kernel keyring");
    assert_eq!(
        k.get(&src.0).expect("get").as_ref().map(Secret::expose),
        Some(SECRET)
    );

    let out = auth(&env, &src)
        .args(["status", &src.0])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert_no_secret(&out, SECRET);
    let text = stdout(&out);
    assert!(
        text.contains("from the keyring (sk-...XY)"),
        "origin and masked hint: {text}"
    );
    assert!(text.contains("cleared on reboot"), "{text}");

    let out = auth(&env, &src)
        .args(["delete", &src.0])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("deleted the secret"),
        "{}",
        stdout(&out)
    );
    assert_eq!(k.get(&src.0).expect("get"), None);

    auth(&env, &src)
        .args(["delete", &src.0])
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing to delete"));
    auth(&env, &src)
        .args(["status", &src.0])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "missing; run `tollgate auth set {}` or set {}",
            src.0,
            src.var()
        )));
}

#[test]
fn env_var_wins_over_the_keyring() {
    let env = Env::new();
    let src = Source::new("env");
    let k = Keyring::open(Backend::Keyutils).expect("kernel keyring");
    k.set(&src.0, &Secret::new(SECRET)).expect("set");

    let from_env = "env-secret-value-ABCDEFGH";
    let out = auth(&env, &src)
        .env(src.var(), from_env)
        .args(["status", &src.0])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert_no_secret(&out, SECRET);
    assert_no_secret(&out, from_env);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("from env var {} (env...GH)", src.var())),
        "{text}"
    );

    // In process (where the env var is never set) the same resolution falls through to the
    // keyring, when this machine's keyring is the kernel one.
    if credentials::backend() == Ok(Backend::Keyutils) {
        let got = credentials::resolve(&src.0).expect("resolve");
        assert_eq!(got.as_ref().map(Secret::expose), Some(SECRET));
    }
}

#[test]
fn no_keyring_names_the_env_var() {
    let env = Env::new();
    let src = Source::new("none");
    let want = format!(
        "no OS keyring is usable here (TOLLGATE_KEYRING=none turns it off); set {} instead",
        src.var()
    );
    let out = auth(&env, &src)
        .env("TOLLGATE_KEYRING", "none")
        .args(["set", &src.0, "--stdin"])
        .write_stdin(SECRET)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert_no_secret(&out, SECRET);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&want),
        "{out:?}"
    );

    auth(&env, &src)
        .env("TOLLGATE_KEYRING", "none")
        .args(["status", &src.0])
        .assert()
        .success()
        .stdout(predicate::str::contains(&want));
    auth(&env, &src)
        .env("TOLLGATE_KEYRING", "none")
        .args(["delete", &src.0])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(&want));
}

#[test]
fn empty_secret_is_refused() {
    let env = Env::new();
    let src = Source::new("empty");
    auth(&env, &src)
        .args(["set", &src.0, "--stdin"])
        .write_stdin("\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "the secret for `{}` is empty; nothing was stored",
            src.0
        )));
}

#[test]
fn set_without_a_terminal_or_stdin_flag_says_what_to_do() {
    let env = Env::new();
    let src = Source::new("notty");
    auth(&env, &src)
        .args(["set", &src.0])
        .write_stdin(SECRET)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--stdin"));
}

#[test]
fn bad_source_name_and_bad_keyring_setting_are_clear() {
    let env = Env::new();
    let src = Source::new("bad");
    auth(&env, &src)
        .args(["status", "a b"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "source name `a b` can only use letters, digits, `-` and `_`",
        ));
    auth(&env, &src)
        .env("TOLLGATE_KEYRING", "vault")
        .args(["status", &src.0])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "TOLLGATE_KEYRING=vault is not one of keyutils, secret-service, none",
        ));
}

#[test]
fn secrets_are_masked_in_debug_output() {
    let s = Secret::new(SECRET);
    assert_eq!(format!("{s:?}"), "***");
    assert_eq!(format!("{s}"), "***");
    assert_eq!(format!("{:?}", Some(&s)), "Some(***)");

    // Whatever this machine's keyring, nothing tollgate returns prints the stored value.
    let src = Source::new("debug");
    if credentials::backend() == Ok(Backend::Keyutils) {
        credentials::set(&src.0, &s).expect("set");
        let resolved = credentials::resolve(&src.0);
        assert_eq!(format!("{resolved:?}"), "Ok(Some(***))");
        let status = credentials::status(&src.0).expect("status");
        assert_eq!(status.origin, Origin::Keyring(Backend::Keyutils));
        assert!(!format!("{status:?}").contains(SECRET), "{status:?}");
    }
}

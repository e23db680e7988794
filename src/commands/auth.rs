//! `tollgate auth set|status|delete NAME`: manage a source's stored credential. Never prints it.

use std::io::{IsTerminal as _, Read as _};

use anyhow::{bail, Context as _};
use clap::Subcommand;

use crate::credentials::{self, Backend, Origin, Secret};

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Store a source's secret in the OS keyring, read from a hidden prompt or --stdin
    Set {
        /// Source name (as in the config)
        name: String,
        /// Read the secret from stdin (the trailing newline is dropped)
        #[arg(long)]
        stdin: bool,
    },
    /// Say where a source's secret comes from (env var, keyring or nowhere), with a masked hint
    Status {
        /// Source name (as in the config)
        name: String,
    },
    /// Remove a source's secret from the OS keyring
    Delete {
        /// Source name (as in the config)
        name: String,
    },
}

pub fn run(cmd: &AuthCommand) -> anyhow::Result<()> {
    match cmd {
        AuthCommand::Set { name, stdin } => set(name, *stdin),
        AuthCommand::Status { name } => status(name),
        AuthCommand::Delete { name } => delete(name),
    }
}

fn set(name: &str, from_stdin: bool) -> anyhow::Result<()> {
    // Say what is wrong before asking for the secret.
    credentials::check_name(name)?;
    credentials::keyring(name)?;
    let secret = read_secret(name, from_stdin)?;
    let backend = credentials::set(name, &secret)?;
    println!("stored the secret for `{name}` in the {backend}");
    reboot_note(name, backend);
    env_override_note(name);
    Ok(())
}

fn status(name: &str) -> anyhow::Result<()> {
    let st = credentials::status(name)?;
    let hint = st.hint.map(|h| format!(" ({h})")).unwrap_or_default();
    println!("source:  {name}");
    match &st.origin {
        Origin::Env(var) => println!("secret:  from env var {var}{hint}"),
        Origin::Keyring(_) => println!("secret:  from the keyring{hint}"),
        Origin::Missing if st.keyring.is_ok() => {
            println!(
                "secret:  missing; run `tollgate auth set {name}` or set {}",
                st.env_var
            )
        }
        Origin::Missing => println!("secret:  missing; set {}", st.env_var),
    }
    match &st.keyring {
        Ok(backend) => println!("keyring: {backend}"),
        Err(e) => println!("keyring: {e}"),
    }
    if let Origin::Keyring(backend) = st.origin {
        reboot_note(name, backend);
    }
    Ok(())
}

fn delete(name: &str) -> anyhow::Result<()> {
    let (backend, removed) = credentials::delete(name)?;
    if removed {
        println!("deleted the secret for `{name}` from the {backend}");
    } else {
        println!("no secret for `{name}` was stored in the {backend}; nothing to delete");
    }
    env_override_note(name);
    Ok(())
}

/// The secret, from a hidden prompt on a terminal or from stdin with `--stdin`; never echoed.
fn read_secret(name: &str, from_stdin: bool) -> anyhow::Result<Secret> {
    let text = if from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the secret from stdin")?;
        text.truncate(text.trim_end_matches(['\n', '\r']).len());
        text
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("secret for `{name}` (input hidden): "))
            .context("cannot read the secret from the terminal")?
    } else {
        bail!("stdin is not a terminal, so there is no prompt; pipe the secret in with `tollgate auth set {name} --stdin`");
    };
    let secret = Secret::new(text);
    if secret.is_empty() {
        return Err(credentials::CredentialError::EmptySecret(name.to_string()).into());
    }
    Ok(secret)
}

fn reboot_note(name: &str, backend: Backend) {
    if !backend.survives_reboot() {
        println!(
            "note:    the kernel keyring is cleared on reboot; run `tollgate auth set {name}` again after one, or set {}",
            credentials::env_var(name)
        );
    }
}

fn env_override_note(name: &str) {
    let var = credentials::env_var(name);
    if std::env::var_os(&var).is_some_and(|v| !v.is_empty()) {
        println!("note:    {var} is set in this environment and takes precedence over the keyring");
    }
}

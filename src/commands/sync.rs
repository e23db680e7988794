//! `tollgate sync`: progress bars on a terminal, plain lines otherwise, or each source's outcome
//! as JSON with --json; exit 1 if any source failed.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::Context;
use crate::cli::{Cli, SyncArgs};
use crate::sync::{run, ProgressEvent, SyncOptions};

pub fn run_cmd(cli: &Cli, args: &SyncArgs) -> anyhow::Result<()> {
    let ctx = Context::open(cli)?;
    // The config's caps may have changed since the gateway was last told.
    if let Some(line) = crate::gates::enforcement::publish_quietly(&ctx.store, &ctx.config.config) {
        eprintln!("{line}");
    }
    let opts = SyncOptions {
        sources: args.source.clone(),
        since: args.since,
        full: args.full,
        today: crate::clock::pinned_today()?,
        retry: None,
    };
    let tty = std::io::stderr().is_terminal();
    let multi = MultiProgress::new();
    let bars: Mutex<Vec<(String, ProgressBar)>> = Mutex::new(Vec::new());
    let progress = |ev: ProgressEvent| match ev {
        _ if args.json => {}
        ProgressEvent::Started { source, window } => {
            let text = match window {
                Some(window) => format!(
                    "{source}: fetching {} .. {} ({} days)",
                    window.start,
                    window.end,
                    window.days()
                ),
                None => format!("{source}: checking files"),
            };
            if tty {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.enable_steady_tick(std::time::Duration::from_millis(120));
                bar.set_message(text);
                if let Ok(mut b) = bars.lock() {
                    b.push((source, bar));
                }
            } else {
                eprintln!("{text}");
            }
        }
        ProgressEvent::Finished(o) => {
            let text = match &o.error {
                None => format!(
                    "{}: {} rows in {:.1}s ({} requests){}",
                    o.source,
                    o.rows,
                    o.seconds,
                    o.requests,
                    o.note
                        .as_ref()
                        .map(|n| format!("; {n}"))
                        .unwrap_or_default()
                ),
                Some(e) => format!(
                    "{}: FAILED after {:.1}s: {e}{}",
                    o.source,
                    o.seconds,
                    o.note
                        .as_ref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default()
                ),
            };
            let bar = bars.lock().ok().and_then(|b| {
                b.iter()
                    .find(|(s, _)| *s == o.source)
                    .map(|(_, b)| b.clone())
            });
            match bar {
                Some(b) => b.finish_with_message(text),
                None => eprintln!("{text}"),
            }
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let outcomes = runtime.block_on(run(&ctx.store, &ctx.config.config, &opts, &progress))?;
    if args.json {
        let json = serde_json::json!({ "sources": &outcomes });
        println!("{}", serde_json::to_string_pretty(&json)?);
    }
    let failed: Vec<_> = outcomes.iter().filter(|o| o.error.is_some()).collect();
    if failed.is_empty() {
        return Ok(());
    }
    let first = failed
        .first()
        .and_then(|o| o.error.clone())
        .unwrap_or_default();
    anyhow::bail!(
        "{} of {} sources failed; their previous data is unchanged. {first}",
        failed.len(),
        outcomes.len()
    )
}

//! A reader that closes stdout early (`tollgate deps list --json | head -1`) ends the command
//! quietly with status 0, as ripgrep does: the output was wanted no further, nothing failed.
//! Writes through `?` surface as a BrokenPipe error; `println!` panics on it, so the panic hook
//! treats that panic the same way. (SIGPIPE stays ignored: restoring its default needs unsafe
//! code, which the crate forbids.)

use std::io::ErrorKind;

/// Whether `err` is a write to a closed pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            // serde_json's writers keep the io error inside (its source() skips it)
            .or_else(|| c.downcast_ref::<serde_json::Error>()?.io_error_kind())
            == Some(ErrorKind::BrokenPipe)
    })
}

/// Makes `println!`'s panic on a closed stdout end the process quietly; other panics report as
/// before.
pub fn quiet_broken_pipe_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if text.starts_with("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info)
    }));
}

//! The `tollgate` binary: parse the command line, start logging, run, map errors to exit codes.

use clap::Parser;

fn main() {
    tollgate::commands::pipe::quiet_broken_pipe_panics();
    let cli = tollgate::cli::Cli::parse();
    let log_guard = tollgate::logging::init();
    if let Err(err) = tollgate::commands::run(cli) {
        if tollgate::commands::pipe::is_broken_pipe(&err) {
            drop(log_guard);
            std::process::exit(0);
        }
        let code = tollgate::commands::exit_code(&err);
        tracing::error!("{err:#}");
        let text = format!("{err:#}");
        eprintln!("tollgate: {}", text.lines().next().unwrap_or_default());
        // Flush the log before exit() skips destructors.
        drop(log_guard);
        std::process::exit(code);
    }
}

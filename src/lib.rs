//! mailx as a library: `run` is the whole program (the binary only calls it), and
//! `fuzzing` the entry points of the fuzz targets in `fuzz/`.

mod app;
mod cli;
mod clock;
mod config;
mod domain;
mod engine;
mod error;
pub mod fuzzing;
mod http;
mod lock;
mod manpage;
mod net;
mod oauth2;
mod output;
mod proto;
mod random;
mod remote;
mod secret;
mod setup;
mod state;
mod store;
mod testhook;
mod units;

use clap::Parser;

/// Runs the command line and exits with its code.
pub fn run() -> ! {
    proto::imap::guard::install_panic_hook();
    // `COMPLETE=bash mailx` prints a completion script that asks mailx for candidates
    // (account names from the config); without COMPLETE this returns at once.
    clap_complete::CompleteEnv::with_factory(<cli::Cli as clap::CommandFactory>::command)
        .complete();
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                error::exit::USAGE
            } else {
                0
            };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    // One thread: every account's future runs on the thread that calls block_on anyway,
    // and with worker threads each network read woke that thread from another one. On a
    // no-change POP3S run: 138 -> 69 context switches, 38.6 -> 37.4 ms (100 runs); the
    // initial IMAPS download of 8,000 messages 1.24-1.32 -> 1.11-1.17 s. Disk work still
    // goes to tokio's blocking threads.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            output::early_error(
                &format!("cannot start the async runtime: {e}"),
                Some("this is a problem of the system (threads, memory); try again"),
            );
            std::process::exit(error::exit::INTERNAL);
        }
    };
    let code = runtime.block_on(app::run(cli));
    std::process::exit(code);
}

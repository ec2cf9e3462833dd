//! Command implementations: load config, pick accounts, run them concurrently, report.
//! One file per command family; what they share (config, account selection, connecting,
//! exit-code arithmetic) is here.

mod account;
mod backup;
mod check;
mod clean;
mod fetch;
mod migrate;
mod sync;
mod watch;

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::{AccountCommand, Cli, Command, Global};
use crate::clock;
use crate::config::{self, Account, Config};
use crate::engine::FolderOutcome;
use crate::engine::plan::Retention;
use crate::error::{Error, Result, exit};
use crate::output::Printer;
use crate::state::State;
use crate::units::printable;

pub async fn run(cli: Cli) -> i32 {
    if let Err(e) = init_tracing(
        cli.global.quiet,
        cli.global.verbose,
        cli.global.log_file.as_deref(),
    ) {
        crate::output::early_error(&e.to_string(), Some(&e.hint()));
        return e.exit_code();
    }
    if !cli.global.connect_to.is_empty() {
        crate::net::set_connect_to(cli.global.connect_to.clone());
    }
    let printer = Printer::new(
        cli.global.quiet,
        cli.global.verbose,
        cli.global.json,
        cli.global.color,
    );
    let result = match &cli.command {
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(*shell, &mut cmd, "mailx", &mut std::io::stdout());
            Ok(exit::OK)
        }
        Command::Man { dir: None } => match crate::manpage::render(&mut std::io::stdout()) {
            Ok(()) => Ok(exit::OK),
            Err(e) => Err(Error::io("<stdout>", e)),
        },
        Command::Man { dir: Some(dir) } => crate::manpage::write_all(dir).map(|()| exit::OK),
        Command::Fetch { accounts, dry_run } => {
            fetch::fetch(&cli.global, &printer, accounts, *dry_run).await
        }
        Command::Sync {
            accounts,
            dry_run,
            reconcile,
            allow_deletes,
        } => {
            let opts = sync::SyncOptions {
                dry_run: *dry_run,
                reconcile: *reconcile,
                allow_deletes: *allow_deletes,
                clean_after: true,
            };
            sync::sync(&cli.global, &printer, accounts, opts).await
        }
        Command::Check { accounts } => check::check(&cli.global, &printer, accounts).await,
        Command::Status { accounts } => check::status(&cli.global, &printer, accounts).await,
        Command::Clean { accounts, dry_run } => {
            clean::clean(&cli.global, &printer, accounts, *dry_run).await
        }
        Command::Watch {
            accounts,
            sync,
            exec,
            poll,
        } => {
            let opts = watch::WatchOptions {
                sync: *sync,
                exec: exec.clone(),
                poll: *poll,
            };
            watch::watch(&cli.global, &printer, accounts, opts).await
        }
        Command::Backup {
            account,
            output,
            verify,
        } => backup::backup(
            &cli.global,
            &printer,
            account.as_deref(),
            output.as_deref(),
            verify.as_deref(),
        ),
        Command::Restore {
            file,
            into,
            as_folder,
        } => backup::restore(
            &cli.global,
            &printer,
            file,
            into.as_deref(),
            as_folder.as_deref(),
        ),
        Command::Migrate(args) => migrate::migrate(&cli.global, &printer, args).await,
        Command::Account(AccountCommand::Add(args)) => {
            account::add(&cli.global, &printer, args).await
        }
        Command::Account(AccountCommand::Remove { account, yes }) => {
            account::remove(&cli.global, &printer, account, *yes).await
        }
        Command::Account(AccountCommand::Password { account, no_test }) => {
            account::password(&cli.global, &printer, account, *no_test).await
        }
        Command::Account(AccountCommand::Authorize { account }) => {
            account::authorize(&cli.global, &printer, account).await
        }
        Command::Account(AccountCommand::List) => account::list(&cli.global, &printer),
        Command::Account(AccountCommand::Show { account }) => {
            account::show(&cli.global, &printer, account)
        }
        Command::Account(AccountCommand::Test { accounts }) => {
            account::test(&cli.global, &printer, accounts).await
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            printer.error(&e);
            e.exit_code()
        }
    }
}

/// Log events go to stderr at the -q/-v level; with --log-file also to that file, with
/// times and at least -v detail, plus every error and run summary (target `logfile`,
/// which stderr does not show: there they are printed by `Printer`).
/// Only mailx's own events, whatever `MAILX_LOG` asks for: dependencies trace what they
/// send, and async-imap 0.12's trace of `LOGIN "user" "password"` (seen 2026-11, at
/// `MAILX_LOG=trace`) bypasses mailx's redaction. mailx's own trace redacts credentials.
fn own_events<S>() -> impl tracing_subscriber::layer::Filter<S> {
    tracing_subscriber::filter::filter_fn(|meta| {
        let target = meta.target();
        target == "mailx" || target.starts_with("mailx::") || target == "logfile"
    })
}

pub(super) fn init_tracing(quiet: bool, verbose: u8, log_file: Option<&Path>) -> Result<()> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::filter::FilterExt;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // -vv is the protocol trace the help promises (commands and tagged answers).
    let level = |v: u8| match v {
        0 => "warn",
        1 => "info",
        _ => "trace",
    };
    let stderr_level = if quiet { "error" } else { level(verbose) };
    let stderr_filter = tracing_subscriber::EnvFilter::try_from_env("MAILX_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("mailx={stderr_level}")));
    // Colour codes only for a person at a terminal, never into a cron mail or a log.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .without_time()
        .with_target(false)
        .with_filter(stderr_filter.and(own_events()));
    let file_layer = match log_file {
        None => None,
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            let filter = tracing_subscriber::EnvFilter::new(format!(
                "mailx={},logfile=info",
                level(verbose.max(1))
            ));
            Some(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::sync::Mutex::new(file))
                    .with_ansi(false)
                    .with_target(false)
                    .with_filter(filter.and(own_events())),
            )
        }
    };
    let _ = tracing_subscriber::registry()
        .with(stderr_layer)
        .with(file_layer)
        .try_init();
    Ok(())
}

pub(super) fn config_path(global: &Global) -> Result<PathBuf> {
    global
        .config
        .clone()
        .or_else(config::default_path)
        .ok_or_else(|| {
            Error::Usage("cannot determine the config directory; pass --config FILE".into())
        })
}

pub(super) fn load_config(global: &Global) -> Result<Config> {
    config::load(&config_path(global)?)
}

pub(super) fn pick<'a>(config: &'a Config, names: &[String]) -> Result<Vec<&'a Account>> {
    if config.accounts.is_empty() {
        return Err(Error::Config {
            path: config.path.clone(),
            line: 0,
            message: "no accounts configured".into(),
            hint: "run `mailx account add` to set up one, or add an [accounts.NAME] table by hand (see README, \"Configuration\")".into(),
        });
    }
    if names.is_empty() {
        return Ok(config.accounts.values().collect());
    }
    names
        .iter()
        .map(|n| {
            config.accounts.get(n).ok_or_else(|| {
                let known: Vec<&str> = config.accounts.keys().map(String::as_str).collect();
                Error::Usage(format!(
                    "no account named {n:?} in {}; configured: {}",
                    config.path.display(),
                    known.join(", ")
                ))
            })
        })
        .collect()
}

pub(super) fn retention(account: &Account) -> Retention {
    match (account.keep, account.delete_after_days) {
        (false, _) => Retention::DeleteAfterDownload,
        (true, Some(d)) => Retention::DeleteAfterDays(d),
        (true, None) => Retention::Keep,
    }
}

/// An account's code from its folders' codes: the common code if every folder failed
/// alike, partial failure if some did.
pub(super) fn account_code(error: Option<&Error>, folders: &[impl FolderOutcome]) -> i32 {
    if let Some(e) = error {
        return e.exit_code();
    }
    let folder_codes: Vec<Option<i32>> = folders
        .iter()
        .map(|f| f.failure().map(|f| f.code))
        .collect();
    let failed: Vec<i32> = folder_codes.iter().flatten().copied().collect();
    if failed.is_empty() {
        exit::OK
    } else if failed.len() == folder_codes.len() && failed.iter().all(|c| *c == failed[0]) {
        failed[0]
    } else {
        exit::PARTIAL
    }
}

/// Aggregate: 0 if all succeeded, the common code if all failed alike, else partial.
pub(super) fn combine(codes: &[i32]) -> i32 {
    if codes.iter().all(|c| *c == exit::OK) {
        exit::OK
    } else if codes.iter().all(|c| *c == codes[0]) {
        codes[0]
    } else {
        exit::PARTIAL
    }
}

/// Prints what a fetch or sync of one account did: its errors, then (not with --json) the
/// dry run's plan and the summary; with --json the account's object. Returns its code.
pub(super) fn print_run(
    printer: &Printer,
    account: &str,
    folders: &[impl FolderOutcome],
    error: Option<&Error>,
    dry_run: bool,
    summary: &str,
    json: impl FnOnce() -> serde_json::Value,
) {
    print_errors(printer, account, folders, error);
    if error.is_none() {
        tracing::info!(target: "logfile", "{summary}");
    }
    if printer.json {
        printer.json_line(&json());
        return;
    }
    if dry_run && !printer.quiet {
        for f in folders {
            for line in f.plan() {
                printer.line(&format!("{account}: {}: {line}", printable(f.name(), 80)));
            }
        }
    }
    if (printer.wants_summary() || dry_run) && error.is_none() && !printer.quiet {
        printer.line(summary);
    }
}

/// Prints an account's errors: each failed folder (`error:` with the folder, and its own
/// hint), then what stopped the whole account.
pub(super) fn print_errors(
    printer: &Printer,
    account: &str,
    folders: &[impl FolderOutcome],
    account_error: Option<&Error>,
) {
    for folder in folders {
        if let Some(f) = folder.failure() {
            printer.error_text(
                &format!("{account}: {}: {}", printable(folder.name(), 80), f.message),
                &f.hint,
            );
        }
    }
    if let Some(e) = account_error {
        printer.error(e);
    }
}

/// The `errors` array of an account's JSON: `{folder, message, hint}` per failed folder,
/// and `{folder: null, message, hint}` for what stopped the whole account.
pub(super) fn errors_json(
    folders: &[impl FolderOutcome],
    account_error: Option<&Error>,
) -> Vec<serde_json::Value> {
    let mut errors: Vec<serde_json::Value> = folders
        .iter()
        .filter_map(|f| {
            f.failure().map(
                |e| serde_json::json!({"folder": f.name(), "message": e.message, "hint": e.hint}),
            )
        })
        .collect();
    if let Some(e) = account_error {
        errors
            .push(serde_json::json!({"folder": null, "message": e.to_string(), "hint": e.hint()}));
    }
    errors
}

/// Ends a session whose work is done; a failed LOGOUT/QUIT changes nothing for the caller.
pub(super) async fn logout<R: crate::remote::Remote + ?Sized>(remote: &mut R) {
    if let Err(e) = remote.finish().await {
        tracing::debug!("logout after the work was done: {e}");
    }
}

pub(super) fn state_path(state_dir: &Path, account: &str) -> PathBuf {
    state_dir.join(format!("{account}.sqlite"))
}

/// Logs in to the account's server while its state opens and, unless `dry_run`, a run that
/// crashed is recovered: the local work overlaps the connection, the TLS handshake and the
/// password lookup. For fetch and sync, under the account's lock.
pub(super) async fn connect_and_open_state(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    dry_run: bool,
) -> Result<(crate::remote::AnyRemote, State)> {
    let local = async {
        let mut state = State::open(&state_path(state_dir, &account.name))?;
        if !dry_run {
            crate::engine::deliver::recover(&mut state, &account.maildir)?;
        }
        Ok(state)
    };
    tokio::try_join!(crate::remote::connect(account, timeout), local)
}

/// Remembers how the last `command` (fetch or sync) of an account ended, for `status`,
/// through the run's state when it got that far (opening it again, with a WAL file and a
/// directory fsync of its own, cost a no-change POP3 run ~1 ms).
/// A run that found the account locked did nothing and leaves no trace.
pub(super) fn record_outcome(
    state_dir: &Path,
    opened: Option<State>,
    account: &str,
    command: &str,
    code: i32,
    error: Option<&Error>,
    summary: serde_json::Value,
) {
    if matches!(error, Some(Error::Locked { .. })) {
        return;
    }
    let value = serde_json::json!({
        "time": clock::now(),
        "exit_code": code,
        "error": error.map(|e| e.to_string()),
        "summary": summary,
    });
    let state = match opened {
        Some(state) => Ok(state),
        None => State::open(&state_path(state_dir, account)),
    };
    let result =
        state.and_then(|st| st.set_meta_last(&format!("last_{command}"), &value.to_string()));
    if let Err(e) = result {
        tracing::debug!("could not record the outcome of {command}: {e}");
    }
}

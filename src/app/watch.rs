//! `mailx watch`: one process, one IDLE connection per watched IMAP folder of every
//! account, POP3 accounts polled. A change announced by the server runs a fetch (or
//! sync) of that folder over a separate connection, then the user's hook.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, watch};

use super::{combine, load_config, logout, pick};
use crate::cli::Global;
use crate::config::{Account, Protocol};
use crate::domain::IdleEvent;
use crate::domain::names;
use crate::error::{Error, Result, exit};
use crate::output::Printer;
use crate::remote::{Remote, connect};
use crate::testhook;

/// Renew IDLE well before the 30 minutes after which servers may drop it (RFC 2177).
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
const BACKOFF_MAX: Duration = Duration::from_secs(60);
/// A refused login is retried, slowly: servers refuse logins during maintenance or an
/// overloaded auth backend, and a watcher must not give up for good (nor hammer the
/// server into locking the account).
const AUTH_BACKOFF: (Duration, Duration) = (Duration::from_secs(60), Duration::from_secs(30 * 60));
/// How often a run that found the account locked (a cron fetch) tries again.
const LOCKED_RETRY: Duration = Duration::from_secs(2);
const HOOK_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone)]
pub(super) struct WatchOptions {
    pub sync: bool,
    pub exec: Option<String>,
    pub poll: u64,
}

/// What each watcher needs; runs of one account are serialized (they share its lock).
struct Shared<'a> {
    printer: &'a Printer,
    state_dir: &'a Path,
    timeout: u64,
    opts: &'a WatchOptions,
    account_locks: HashMap<String, Arc<Mutex<()>>>,
}

pub(super) async fn watch(
    global: &Global,
    printer: &Printer,
    names: &[String],
    opts: WatchOptions,
) -> Result<i32> {
    let config = load_config(global)?;
    let accounts = pick(&config, names)?;
    if opts.sync && accounts.iter().all(|a| a.protocol == Protocol::Pop3) {
        return Err(Error::Usage(
            "--sync needs IMAP accounts; POP3 accounts are fetched".into(),
        ));
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("stopping after the run in progress");
        let _ = stop_tx.send(true);
    });
    let shared = Shared {
        printer,
        state_dir: &config.state_dir,
        timeout: global.timeout,
        opts: &opts,
        account_locks: accounts
            .iter()
            .map(|a| (a.name.clone(), Arc::new(Mutex::new(()))))
            .collect(),
    };
    let mut watchers = Vec::new();
    for account in &accounts {
        match account.protocol {
            Protocol::Imap => {
                for folder in &account.watch {
                    watchers.push(futures::future::Either::Left(watch_folder(
                        &shared,
                        account,
                        folder,
                        stop_rx.clone(),
                    )));
                }
            }
            Protocol::Pop3 => watchers.push(futures::future::Either::Right(poll_account(
                &shared,
                account,
                stop_rx.clone(),
            ))),
        }
    }
    let codes = futures::future::join_all(watchers).await;
    Ok(combine(&codes))
}

async fn wait_for_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// Sleeps `d` unless asked to stop first; true when stopping.
async fn pause(d: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(d) => *stop.borrow(),
        _ = stop.changed() => true,
    }
}

/// IDLE on one folder; after any failure reconnect with a growing pause (1 s … 60 s).
/// Returns the exit code for this watcher (0 after a clean stop).
async fn watch_folder(
    shared: &Shared<'_>,
    account: &Account,
    folder: &str,
    mut stop: watch::Receiver<bool>,
) -> i32 {
    let mut backoff = Duration::from_secs(1);
    let first_auth_pause = testhook::auth_retry(AUTH_BACKOFF.0);
    let mut auth_backoff = first_auth_pause;
    loop {
        if *stop.borrow() {
            return exit::OK;
        }
        // At start and after a reconnect: whatever arrived while nobody watched.
        run_folder(shared, account, Some(folder), &mut stop).await;
        match watch_session(shared, account, folder, &mut stop, &mut backoff).await {
            Ok(()) => return exit::OK,
            Err(e @ (Error::NoPassword { .. } | Error::Config { .. })) => {
                // Retrying cannot help; the other watchers go on.
                shared.printer.error(&e);
                return e.exit_code();
            }
            Err(e @ Error::Auth { .. }) => {
                if auth_backoff == first_auth_pause {
                    shared.printer.error(&e);
                }
                tracing::warn!(
                    "{}: {folder}: login refused; trying again in {} s",
                    account.name,
                    auth_backoff.as_secs()
                );
                if pause(auth_backoff, &mut stop).await {
                    return exit::OK;
                }
                auth_backoff = (auth_backoff * 2).min(AUTH_BACKOFF.1);
            }
            Err(e) => {
                tracing::warn!(
                    "{}: {folder}: {e}; reconnecting in {} s",
                    account.name,
                    backoff.as_secs()
                );
                if pause(backoff, &mut stop).await {
                    return exit::OK;
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
            }
        }
    }
}

/// One connection: open `folder` read-only, IDLE, and after each change run a fetch (or
/// sync) over another connection, until stopped (Ok) or the connection fails.
async fn watch_session(
    shared: &Shared<'_>,
    account: &Account,
    folder: &str,
    stop: &mut watch::Receiver<bool>,
    backoff: &mut Duration,
) -> Result<()> {
    let mut remote = connect(account, shared.timeout).await?;
    let wanted = remote.normalize_pattern(folder);
    let target = remote
        .folders()
        .await?
        .into_iter()
        .find(|f| names::matches(&wanted, &names::display_name(&f.path)))
        .ok_or_else(|| Error::Rejected {
            context: folder.to_string(),
            detail: format!("no folder {folder:?} on the server to watch"),
        })?;
    remote.open(&target, false).await?;
    *backoff = Duration::from_secs(1);
    if !remote.capabilities().idle {
        // No push on this server: poll like POP3, on the same schedule.
        tracing::info!(
            "{}: the server has no IDLE; checking {folder} every {} s",
            account.name,
            shared.opts.poll
        );
        logout(&mut remote).await;
        let every = Duration::from_secs(shared.opts.poll.max(1));
        loop {
            if pause(every, stop).await {
                return Ok(());
            }
            run_folder(shared, account, Some(folder), stop).await;
        }
    }
    tracing::info!("{}: watching {folder}", account.name);
    loop {
        match remote.idle(testhook::idle_renew(IDLE_RENEW), stop).await? {
            IdleEvent::Changed => {
                tracing::debug!("{}: {folder}: the server announced a change", account.name);
                run_folder(shared, account, Some(folder), stop).await
            }
            IdleEvent::Renew => {}
            IdleEvent::Stopped => {
                logout(&mut remote).await;
                return Ok(());
            }
        }
    }
}

/// POP3 cannot announce mail: fetch every `--poll` seconds.
async fn poll_account(
    shared: &Shared<'_>,
    account: &Account,
    mut stop: watch::Receiver<bool>,
) -> i32 {
    let every = Duration::from_secs(shared.opts.poll.max(1));
    loop {
        if *stop.borrow() {
            return exit::OK;
        }
        run_folder(shared, account, None, &mut stop).await;
        if pause(every, &mut stop).await {
            return exit::OK;
        }
    }
}

/// One fetch (or sync) of `folder` (None: the account's folders), then the hook when new
/// mail was stored. Failures are reported and the watch goes on. When another mailx (a
/// cron fetch) holds the account, the run is tried again once that one is done: the
/// change it was started for may have arrived after the other run listed the folder.
async fn run_folder(
    shared: &Shared<'_>,
    account: &Account,
    folder: Option<&str>,
    stop: &mut watch::Receiver<bool>,
) {
    while run_folder_once(shared, account, folder).await {
        if pause(LOCKED_RETRY, stop).await {
            return;
        }
    }
}

/// `run_folder` once; true when the account was locked by another run.
async fn run_folder_once(shared: &Shared<'_>, account: &Account, folder: Option<&str>) -> bool {
    let lock = shared.account_locks.get(&account.name).cloned();
    let _serial = match &lock {
        Some(l) => Some(l.lock().await),
        None => None,
    };
    let mut scoped = account.clone();
    if let Some(f) = folder {
        scoped.folders = vec![f.to_string()];
    }
    let sync = shared.opts.sync && account.protocol == Protocol::Imap;
    let (new, locked) = if sync {
        let opts = super::sync::SyncOptions {
            dry_run: false,
            reconcile: false,
            allow_deletes: false,
            // Cleaned below, over all the account's folders, not only this one.
            clean_after: false,
        };
        let run = super::sync::sync_one(
            &scoped,
            shared.state_dir,
            shared.timeout,
            shared.printer,
            opts,
        )
        .await;
        let locked = matches!(run.error, Some(Error::Locked { .. }));
        if !locked {
            super::sync::report(shared.printer, &run);
        }
        (run.downloaded(), locked)
    } else {
        let run = super::fetch::fetch_one(
            &scoped,
            shared.state_dir,
            shared.timeout,
            shared.printer,
            false,
            false,
        )
        .await;
        let locked = matches!(run.error, Some(Error::Locked { .. }));
        if !locked {
            super::fetch::report(shared.printer, &run);
        }
        (run.downloaded(), locked)
    };
    if locked {
        tracing::info!(
            "{}: another mailx run is busy with it; trying again when it is done",
            account.name
        );
        return true;
    }
    if new > 0
        && let Some(run) =
            super::clean::after_run(account, shared.state_dir, shared.timeout, sync).await
    {
        run.print_errors(shared.printer);
        tracing::info!(target: "logfile", "{}: clean: {}", run.account, run.words());
    }
    if new > 0
        && let Some(cmd) = &shared.opts.exec
    {
        run_hook(cmd, &account.name, folder.unwrap_or("INBOX"), new).await;
    }
    false
}

async fn run_hook(cmd: &str, account: &str, folder: &str, new: u64) {
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("MAILX_ACCOUNT", account)
        .env("MAILX_FOLDER", folder)
        .env("MAILX_NEW", new.to_string())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .status();
    match tokio::time::timeout(HOOK_TIMEOUT, child).await {
        Ok(Ok(status)) if status.success() => {}
        Ok(Ok(status)) => tracing::warn!("--exec hook exited with {status}"),
        Ok(Err(e)) => tracing::warn!("--exec hook could not start: {e}"),
        Err(_) => tracing::warn!(
            "--exec hook still running after {} s; stopped",
            HOOK_TIMEOUT.as_secs()
        ),
    }
}

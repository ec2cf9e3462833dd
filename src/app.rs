//! Command implementations: load config, pick accounts, run them concurrently, report.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::CommandFactory;
use serde_json::json;

use crate::cli::{AccountCommand, Cli, Command, Global};
use crate::config::{self, Account, Config, Protocol};
use crate::engine::fetch::{self, FolderReport, Settings};
use crate::engine::plan::Retention;
use crate::engine::sync::{self, SyncReport};
use crate::error::{Error, Result, exit};
use crate::net::{self, Endpoint};
use crate::output::{Printer, Progress, human_bytes};
use crate::proto::pop3::Pop3;
use crate::remote::Remote;
use crate::remote::imap::{ImapRemote, Login};
use crate::remote::pop3::Pop3Remote;
use crate::state::State;
use crate::{lock, secret, testhook};

pub async fn run(cli: Cli) -> i32 {
    init_tracing(cli.global.quiet, cli.global.verbose);
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
        Command::Man => match crate::manpage::render(&mut std::io::stdout()) {
            Ok(()) => Ok(exit::OK),
            Err(e) => Err(Error::io("<stdout>", e)),
        },
        Command::Fetch { accounts } => fetch(&cli.global, &printer, accounts).await,
        Command::Sync {
            accounts,
            dry_run,
            reconcile,
        } => {
            let opts = SyncOptions {
                dry_run: *dry_run,
                reconcile: *reconcile,
            };
            sync(&cli.global, &printer, accounts, opts).await
        }
        Command::Account(AccountCommand::List) => account_list(&cli.global, &printer),
        Command::Account(AccountCommand::Show { account }) => {
            account_show(&cli.global, &printer, account)
        }
        Command::Account(AccountCommand::Test { accounts }) => {
            account_test(&cli.global, &printer, accounts).await
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

fn init_tracing(quiet: bool, verbose: u8) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("MAILX_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("mailx={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .try_init();
}

fn config_path(global: &Global) -> Result<PathBuf> {
    global
        .config
        .clone()
        .or_else(config::default_path)
        .ok_or_else(|| {
            Error::Usage("cannot determine the config directory; pass --config FILE".into())
        })
}

fn load_config(global: &Global) -> Result<Config> {
    config::load(&config_path(global)?)
}

fn pick<'a>(config: &'a Config, names: &[String]) -> Result<Vec<&'a Account>> {
    if config.accounts.is_empty() {
        return Err(Error::Config {
            path: config.path.clone(),
            line: 0,
            message: "no accounts configured".into(),
            hint: "add an [accounts.NAME] table (see README, \"Configuration\")".into(),
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

fn endpoint(account: &Account, timeout: u64) -> Endpoint {
    Endpoint {
        host: account.host.clone(),
        port: account.port,
        timeout: Duration::from_secs(timeout.max(1)),
        label: format!("{} ({}:{})", account.name, account.host, account.port),
    }
}

fn retention(account: &Account) -> Retention {
    match (account.keep, account.delete_after_days) {
        (false, _) => Retention::DeleteAfterDownload,
        (true, Some(d)) => Retention::DeleteAfterDays(d),
        (true, None) => Retention::Keep,
    }
}

/// Outcome of one account: folder reports, or the error that stopped it.
struct AccountRun {
    account: String,
    protocol: Protocol,
    folders: Vec<FolderReport>,
    error: Option<Error>,
}

/// An account's code from its folders' codes: the common code if every folder failed
/// alike, partial failure if some did.
fn account_code(error: Option<&Error>, folder_codes: &[Option<i32>]) -> i32 {
    if let Some(e) = error {
        return e.exit_code();
    }
    let failed: Vec<i32> = folder_codes.iter().flatten().copied().collect();
    if failed.is_empty() {
        exit::OK
    } else if failed.len() == folder_codes.len() && failed.iter().all(|c| *c == failed[0]) {
        failed[0]
    } else {
        exit::PARTIAL
    }
}

impl AccountRun {
    fn exit_code(&self) -> i32 {
        let codes: Vec<Option<i32>> = self.folders.iter().map(|f| f.error_code).collect();
        account_code(self.error.as_ref(), &codes)
    }

    fn to_json(&self) -> serde_json::Value {
        let sum = |f: fn(&FolderReport) -> u64| self.folders.iter().map(f).sum::<u64>();
        let mut errors: Vec<serde_json::Value> = self
            .folders
            .iter()
            .filter_map(|f| {
                f.error
                    .as_ref()
                    .map(|e| json!({"folder": f.name, "message": e}))
            })
            .collect();
        if let Some(e) = &self.error {
            errors.push(json!({"folder": null, "message": e.to_string(), "hint": e.hint()}));
        }
        json!({
            "account": self.account,
            "protocol": self.protocol.name(),
            "ok": self.exit_code() == exit::OK,
            "exit_code": self.exit_code(),
            "downloaded": sum(|f| f.downloaded),
            "bytes": sum(|f| f.bytes),
            "deleted_on_server": sum(|f| f.deleted_on_server),
            "folders": self.folders,
            "errors": errors,
        })
    }

    fn summary(&self) -> String {
        let n: u64 = self.folders.iter().map(|f| f.downloaded).sum();
        let bytes: u64 = self.folders.iter().map(|f| f.bytes).sum();
        let deleted: u64 = self.folders.iter().map(|f| f.deleted_on_server).sum();
        let mut s = if n == 0 {
            format!("{}: no new mail", self.account)
        } else {
            let folders = self.folders.iter().filter(|f| f.downloaded > 0).count();
            format!(
                "{}: {n} new message{} ({}) in {folders} folder{}",
                self.account,
                if n == 1 { "" } else { "s" },
                human_bytes(bytes),
                if folders == 1 { "" } else { "s" }
            )
        };
        if deleted > 0 {
            s.push_str(&format!("; {deleted} deleted on the server"));
        }
        s
    }
}

/// Aggregate: 0 if all succeeded, the common code if all failed alike, else partial.
fn combine(codes: &[i32]) -> i32 {
    if codes.iter().all(|c| *c == exit::OK) {
        exit::OK
    } else if codes.iter().all(|c| *c == codes[0]) {
        codes[0]
    } else {
        exit::PARTIAL
    }
}

async fn fetch(global: &Global, printer: &Printer, names: &[String]) -> Result<i32> {
    let config = load_config(global)?;
    let accounts = pick(&config, names)?;
    let runs = futures::future::join_all(
        accounts
            .iter()
            .map(|a| fetch_one(a, &config.state_dir, global.timeout, printer)),
    )
    .await;
    let mut codes = Vec::new();
    for run in &runs {
        for f in &run.folders {
            if let Some(e) = &f.error {
                printer.error_text(
                    &format!("{}: {}: {e}", run.account, f.name),
                    "the other folders were fetched; rerun after fixing this one",
                );
            }
        }
        if let Some(e) = &run.error {
            printer.error(e);
        }
        if printer.json {
            printer.json_line(&run.to_json());
        } else if printer.wants_summary() && run.error.is_none() {
            printer.line(&run.summary());
        }
        codes.push(run.exit_code());
    }
    Ok(combine(&codes))
}

async fn fetch_one(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    printer: &Printer,
) -> AccountRun {
    let progress = printer.progress(&account.name);
    let mut folders = Vec::new();
    let result = fetch_account(account, state_dir, timeout, &progress, &mut folders).await;
    progress.finish();
    AccountRun {
        account: account.name.clone(),
        protocol: account.protocol,
        folders,
        error: result.err(),
    }
}

async fn fetch_account(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    progress: &Progress,
    reports: &mut Vec<FolderReport>,
) -> Result<()> {
    let _lock = lock::acquire(state_dir, &account.name)?;
    let mut state = State::open(&state_dir.join(format!("{}.sqlite", account.name)))?;
    fetch::recover(&mut state, &account.maildir)?;
    let settings = Settings {
        maildir: &account.maildir,
        patterns: &account.folders,
        retention: retention(account),
        keep_requested: account.keep,
    };
    match connect(account, timeout).await? {
        Connected::Pop3(mut r) => {
            run_remote(&mut *r, &mut state, &settings, progress, reports, true).await
        }
        Connected::Imap(mut r) => {
            run_remote(&mut *r, &mut state, &settings, progress, reports, false).await
        }
    }?;
    state.set_meta("last_fetch", &testhook::now().to_string())?;
    Ok(())
}

enum Connected {
    Pop3(Box<Pop3Remote>),
    Imap(Box<ImapRemote>),
}

async fn connect(account: &Account, timeout: u64) -> Result<Connected> {
    let password = secret::resolve(account).await?;
    let ep = endpoint(account, timeout);
    let connector = net::tls_connector(account.ca_file.as_deref())?;
    Ok(match account.protocol {
        Protocol::Pop3 => {
            let mut conn = Pop3::connect(&ep, account.tls, &connector).await?;
            conn.login(&account.name, &account.user, &password).await?;
            Connected::Pop3(Box::new(Pop3Remote::new(conn, ep.label.clone())))
        }
        Protocol::Imap => {
            let login = Login {
                ep,
                tls: account.tls,
                connector,
                account: account.name.clone(),
                user: account.user.clone(),
                password,
            };
            Connected::Imap(Box::new(
                ImapRemote::connect(login, account.folder_prefix.clone()).await?,
            ))
        }
    })
}

async fn run_remote<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    progress: &Progress,
    reports: &mut Vec<FolderReport>,
    deletes_at_finish: bool,
) -> Result<()> {
    let (folder_reports, deletions) =
        fetch::fetch_folders(remote, state, settings, progress).await?;
    *reports = folder_reports;
    match remote.finish().await {
        Ok(()) => {
            for (folder, ids) in &deletions {
                state.mark_deleted(folder, ids)?;
                testhook::step("record deleted");
            }
            Ok(())
        }
        Err(e) if deletes_at_finish => {
            // POP3 applies DELE only on a clean QUIT: nothing was deleted.
            for r in reports.iter_mut() {
                r.deleted_on_server = 0;
            }
            Err(e)
        }
        Err(e) => {
            tracing::debug!("LOGOUT failed after the work was done: {e}");
            for (folder, ids) in &deletions {
                state.mark_deleted(folder, ids)?;
            }
            Ok(())
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct SyncOptions {
    dry_run: bool,
    reconcile: bool,
}

struct SyncRun {
    account: String,
    folders: Vec<SyncReport>,
    error: Option<Error>,
    dry_run: bool,
}

impl SyncRun {
    fn exit_code(&self) -> i32 {
        let codes: Vec<Option<i32>> = self.folders.iter().map(|f| f.error_code).collect();
        account_code(self.error.as_ref(), &codes)
    }

    fn to_json(&self) -> serde_json::Value {
        let sum = |f: fn(&SyncReport) -> u64| self.folders.iter().map(f).sum::<u64>();
        let mut errors: Vec<serde_json::Value> = self
            .folders
            .iter()
            .filter_map(|f| {
                f.error
                    .as_ref()
                    .map(|e| json!({"folder": f.name, "message": e}))
            })
            .collect();
        if let Some(e) = &self.error {
            errors.push(json!({"folder": null, "message": e.to_string(), "hint": e.hint()}));
        }
        json!({
            "account": self.account,
            "protocol": "imap",
            "dry_run": self.dry_run,
            "ok": self.exit_code() == exit::OK,
            "exit_code": self.exit_code(),
            "downloaded": sum(|f| f.downloaded),
            "uploaded": sum(|f| f.uploaded),
            "flags_to_local": sum(|f| f.flags_to_local),
            "flags_to_server": sum(|f| f.flags_to_server),
            "deleted_local": sum(|f| f.deleted_local),
            "deleted_on_server": sum(|f| f.deleted_on_server),
            "folders": self.folders,
            "errors": errors,
        })
    }

    fn summary(&self) -> String {
        let sum = |f: fn(&SyncReport) -> u64| self.folders.iter().map(f).sum::<u64>();
        let verb = if self.dry_run { "would sync" } else { "synced" };
        let parts: Vec<String> = [
            (sum(|f| f.downloaded), "downloaded"),
            (sum(|f| f.uploaded), "uploaded"),
            (sum(|f| f.flags_to_local), "flag changes to local"),
            (sum(|f| f.flags_to_server), "flag changes to server"),
            (sum(|f| f.deleted_local), "deleted locally"),
            (sum(|f| f.deleted_on_server), "deleted on server"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        let created: Vec<String> = self
            .folders
            .iter()
            .filter_map(|f| f.created.map(|side| format!("{} created {side}ly", f.name)))
            .map(|s| s.replace("remotely", "on the server"))
            .collect();
        if parts.is_empty() && created.is_empty() {
            format!(
                "{}: {} folders in sync, nothing to do",
                self.account,
                self.folders.len()
            )
        } else {
            let mut all = parts;
            all.extend(created);
            format!("{}: {verb}: {}", self.account, all.join(", "))
        }
    }
}

async fn sync(
    global: &Global,
    printer: &Printer,
    names: &[String],
    opts: SyncOptions,
) -> Result<i32> {
    let config = load_config(global)?;
    let picked = pick(&config, names)?;
    let accounts: Vec<&Account> = if names.is_empty() {
        picked
            .into_iter()
            .filter(|a| a.protocol == Protocol::Imap)
            .collect()
    } else {
        for a in &picked {
            if a.protocol != Protocol::Imap {
                return Err(Error::Usage(format!(
                    "account {:?} uses POP3, which has no folders or flags to sync; use `mailx fetch {}`",
                    a.name, a.name
                )));
            }
        }
        picked
    };
    if accounts.is_empty() {
        return Err(Error::Usage(
            "no IMAP accounts configured; `mailx sync` works with IMAP only (use `mailx fetch` for POP3)".into(),
        ));
    }
    let runs = futures::future::join_all(
        accounts
            .iter()
            .map(|a| sync_one(a, &config.state_dir, global.timeout, printer, opts)),
    )
    .await;
    let mut codes = Vec::new();
    for run in &runs {
        for f in &run.folders {
            if let Some(e) = &f.error {
                let hint = f.hint.clone().unwrap_or_else(|| {
                    "the other folders were synced; rerun after fixing this one".into()
                });
                printer.error_text(&format!("{}: {}: {e}", run.account, f.name), &hint);
            }
        }
        if let Some(e) = &run.error {
            printer.error(e);
        }
        if printer.json {
            printer.json_line(&run.to_json());
        } else {
            if opts.dry_run && !printer.quiet {
                for f in &run.folders {
                    for line in &f.plan {
                        printer.line(&format!("{}: {}: {line}", run.account, f.name));
                    }
                }
            }
            if (printer.wants_summary() || opts.dry_run) && run.error.is_none() && !printer.quiet {
                printer.line(&run.summary());
            }
        }
        codes.push(run.exit_code());
    }
    Ok(combine(&codes))
}

async fn sync_one(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    printer: &Printer,
    opts: SyncOptions,
) -> SyncRun {
    let progress = printer.progress(&account.name);
    let mut folders = Vec::new();
    let result = sync_account(account, state_dir, timeout, &progress, opts, &mut folders).await;
    progress.finish();
    SyncRun {
        account: account.name.clone(),
        folders,
        error: result.err(),
        dry_run: opts.dry_run,
    }
}

async fn sync_account(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    progress: &Progress,
    opts: SyncOptions,
    reports: &mut Vec<SyncReport>,
) -> Result<()> {
    let _lock = lock::acquire(state_dir, &account.name)?;
    let mut state = State::open(&state_dir.join(format!("{}.sqlite", account.name)))?;
    if !opts.dry_run {
        fetch::recover(&mut state, &account.maildir)?;
    }
    let settings = sync::Settings {
        maildir: &account.maildir,
        patterns: &account.folders,
        expunge: account.expunge,
        create: account.create,
        dry_run: opts.dry_run,
        reconcile: opts.reconcile,
    };
    let Connected::Imap(mut remote) = connect(account, timeout).await? else {
        return Err(Error::Internal("sync on a POP3 account".into()));
    };
    *reports = sync::sync_folders(&mut *remote, &mut state, &settings, progress).await?;
    if let Err(e) = remote.finish().await {
        tracing::debug!("LOGOUT failed after the work was done: {e}");
    }
    if !opts.dry_run {
        state.set_meta("last_sync", &testhook::now().to_string())?;
    }
    Ok(())
}

fn account_list(global: &Global, printer: &Printer) -> Result<i32> {
    let config = load_config(global)?;
    for a in config.accounts.values() {
        if printer.json {
            printer.json_line(&json!({"account": a.name, "protocol": a.protocol.name(), "host": a.host, "port": a.port, "user": a.user, "maildir": a.maildir}));
        } else {
            printer.line(&format!(
                "{}\t{}://{}@{}:{}\t{}",
                a.name,
                a.protocol.name(),
                a.user,
                a.host,
                a.port,
                a.maildir.display()
            ));
        }
    }
    Ok(exit::OK)
}

fn account_show(global: &Global, printer: &Printer, name: &str) -> Result<i32> {
    let config = load_config(global)?;
    let a = pick(&config, &[name.to_string()])?[0];
    let password = match (&a.password_command, &a.password_env) {
        (Some(c), _) => format!("from command `{c}`"),
        (_, Some(v)) => format!("from environment variable {v}"),
        _ => format!(
            "from the OS keyring (service \"mailx\", user \"{}\")",
            a.name
        ),
    };
    let tls = match a.tls {
        config::TlsMode::Implicit => "implicit TLS",
        config::TlsMode::Starttls => "STARTTLS",
        config::TlsMode::None => "none (plaintext allowed)",
    };
    if printer.json {
        printer.json_line(&json!({
            "account": a.name, "protocol": a.protocol.name(), "host": a.host, "port": a.port,
            "tls": tls, "user": a.user, "password_source": password, "maildir": a.maildir,
            "retention": a.retention_words(), "folders": a.folders,
        }));
    } else {
        for (k, v) in [
            ("account", a.name.clone()),
            ("protocol", a.protocol.name().to_string()),
            ("server", format!("{}:{} ({tls})", a.host, a.port)),
            ("user", a.user.clone()),
            ("password", password),
            ("maildir", a.maildir.display().to_string()),
            ("retention", a.retention_words()),
            ("folders", a.folders.join(", ")),
        ] {
            printer.line(&format!("{k:>10}: {v}"));
        }
    }
    Ok(exit::OK)
}

async fn account_test(global: &Global, printer: &Printer, names: &[String]) -> Result<i32> {
    let config = load_config(global)?;
    let accounts = pick(&config, names)?;
    let mut codes = Vec::new();
    for a in accounts {
        let result = async {
            match connect(a, global.timeout).await? {
                Connected::Pop3(mut r) => r.finish().await,
                Connected::Imap(mut r) => r.finish().await,
            }
        }
        .await;
        match &result {
            Ok(()) => {
                if printer.json {
                    printer.json_line(&json!({"account": a.name, "ok": true}));
                } else if !printer.quiet {
                    printer.line(&format!("{}: login ok", a.name));
                }
                codes.push(exit::OK);
            }
            Err(e) => {
                printer.error(e);
                if printer.json {
                    printer.json_line(
                        &json!({"account": a.name, "ok": false, "error": e.to_string()}),
                    );
                }
                codes.push(e.exit_code());
            }
        }
    }
    Ok(combine(&codes))
}

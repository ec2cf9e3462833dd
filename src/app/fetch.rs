//! `mailx fetch`.

use std::path::Path;

use serde_json::json;

use super::clean::{self, CleanRun, after_clean};
use super::{
    account_code, combine, connect_and_open_state, errors_json, load_config, pick, print_run,
    record_outcome, retention,
};
use crate::cli::Global;
use crate::config::{Account, Protocol};
use crate::engine::fetch::{self, FolderReport, Settings};
use crate::error::{Error, Result, exit};
use crate::output::{Printer, Progress};
use crate::state::State;
use crate::units::human_bytes;
use crate::{lock, testhook};

/// Outcome of one account: folder reports, or the error that stopped it.
pub(super) struct AccountRun {
    pub account: String,
    protocol: Protocol,
    folders: Vec<FolderReport>,
    pub error: Option<Error>,
    dry_run: bool,
    /// The clean that followed (`max_server_size`, `purge`).
    clean: Option<CleanRun>,
}

impl AccountRun {
    pub fn downloaded(&self) -> u64 {
        self.folders.iter().map(|f| f.downloaded).sum()
    }

    pub fn exit_code(&self) -> i32 {
        after_clean(
            account_code(self.error.as_ref(), &self.folders),
            self.clean.as_ref(),
        )
    }

    fn to_json(&self) -> serde_json::Value {
        let sum = |f: fn(&FolderReport) -> u64| self.folders.iter().map(f).sum::<u64>();
        let errors = errors_json(&self.folders, self.error.as_ref());
        json!({
            "account": self.account,
            "protocol": self.protocol.name(),
            "dry_run": self.dry_run,
            "ok": self.exit_code() == exit::OK,
            "exit_code": self.exit_code(),
            "downloaded": sum(|f| f.downloaded),
            "bytes": sum(|f| f.bytes),
            "deleted_on_server": sum(|f| f.deleted_on_server),
            "folders": self.folders,
            "errors": errors,
            "clean": self.clean.as_ref().map(CleanRun::to_json),
        })
    }

    fn summary(&self) -> String {
        let n: u64 = self.folders.iter().map(|f| f.downloaded).sum();
        let bytes: u64 = self.folders.iter().map(|f| f.bytes).sum();
        let deleted: u64 = self.folders.iter().map(|f| f.deleted_on_server).sum();
        let would = if self.dry_run { "would fetch " } else { "" };
        let mut s = if n == 0 {
            format!("{}: no new mail", self.account)
        } else {
            let folders = self.folders.iter().filter(|f| f.downloaded > 0).count();
            format!(
                "{}: {would}{n} new message{} ({}) in {folders} folder{}",
                self.account,
                if n == 1 { "" } else { "s" },
                human_bytes(bytes),
                if folders == 1 { "" } else { "s" }
            )
        };
        if deleted > 0 {
            let verb = if self.dry_run { "to delete" } else { "deleted" };
            s.push_str(&format!("; {deleted} {verb} on the server"));
        }
        if let Some(c) = &self.clean {
            s.push_str(&format!("; clean: {}", c.words()));
        }
        s
    }
}

pub(super) async fn fetch(
    global: &Global,
    printer: &Printer,
    names: &[String],
    dry_run: bool,
) -> Result<i32> {
    let config = load_config(global)?;
    let accounts = pick(&config, names)?;
    let runs = futures::future::join_all(
        accounts
            .iter()
            .map(|a| fetch_one(a, &config.state_dir, global.timeout, printer, dry_run, true)),
    )
    .await;
    let codes: Vec<i32> = runs.iter().map(|run| report(printer, run)).collect();
    Ok(combine(&codes))
}

/// Prints one account's outcome (errors on stderr; JSON or a summary on stdout).
pub(super) fn report(printer: &Printer, run: &AccountRun) -> i32 {
    if let Some(c) = &run.clean {
        c.print_errors(printer);
    }
    print_run(
        printer,
        &run.account,
        &run.folders,
        run.error.as_ref(),
        run.dry_run,
        &run.summary(),
        || run.to_json(),
    );
    run.exit_code()
}

pub(super) async fn fetch_one(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    printer: &Printer,
    dry_run: bool,
    clean_after: bool,
) -> AccountRun {
    let progress = printer.progress(&account.name);
    let mut folders = Vec::new();
    let mut opened = None;
    let result = fetch_account(
        account,
        state_dir,
        timeout,
        &progress,
        &mut folders,
        &mut opened,
        dry_run,
    )
    .await;
    progress.finish();
    let clean = match (&result, dry_run) {
        (Ok(()), false) if clean_after => {
            clean::after_run(account, state_dir, timeout, false).await
        }
        _ => None,
    };
    let run = AccountRun {
        account: account.name.clone(),
        protocol: account.protocol,
        folders,
        error: result.err(),
        dry_run,
        clean,
    };
    if !dry_run {
        record_outcome(
            state_dir,
            opened,
            &account.name,
            "fetch",
            run.exit_code(),
            run.error.as_ref(),
            json!({"downloaded": run.downloaded()}),
        );
    }
    run
}

async fn fetch_account(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    progress: &Progress,
    reports: &mut Vec<FolderReport>,
    opened: &mut Option<State>,
    dry_run: bool,
) -> Result<()> {
    let _lock = lock::acquire(state_dir, &account.name)?;
    testhook::hold().await;
    let (mut remote, state) = connect_and_open_state(account, state_dir, timeout, dry_run).await?;
    let state = opened.insert(state);
    let settings = Settings {
        maildir: &account.maildir,
        patterns: &account.folders,
        retention: retention(account),
        keep_requested: account.keep,
        dry_run,
        max_message_size: account.max_message_size,
    };
    fetch::fetch_account(&mut remote, state, &settings, progress, reports).await
}

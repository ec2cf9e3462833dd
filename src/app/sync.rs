//! `mailx sync`.

use std::path::Path;

use serde_json::json;

use super::clean::{self, CleanRun, after_clean};
use super::{
    account_code, combine, connect_and_open_state, errors_json, load_config, logout, pick,
    print_run, record_outcome,
};
use crate::cli::Global;
use crate::config::{Account, Protocol};

use crate::engine::sync::{self, SyncReport};
use crate::error::{Error, Result, exit};
use crate::lock;
use crate::output::{Printer, Progress};
use crate::state::State;

#[derive(Debug, Clone, Copy)]
pub(super) struct SyncOptions {
    pub dry_run: bool,
    pub reconcile: bool,
    pub allow_deletes: bool,
    /// Apply the account's retention rules afterwards (`mailx clean`); not while migrating.
    pub clean_after: bool,
}

pub(super) struct SyncRun {
    pub account: String,
    folders: Vec<SyncReport>,
    pub error: Option<Error>,
    dry_run: bool,
    /// The clean that followed (`delete_after_days`, `max_server_size`, `purge`).
    clean: Option<CleanRun>,
}

impl SyncRun {
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
        let sum = |f: fn(&SyncReport) -> u64| self.folders.iter().map(f).sum::<u64>();
        let errors = errors_json(&self.folders, self.error.as_ref());
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
            "clean": self.clean.as_ref().map(CleanRun::to_json),
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
        let mut s = if parts.is_empty() && created.is_empty() {
            format!(
                "{}: {} folders in sync, nothing to do",
                self.account,
                self.folders.len()
            )
        } else {
            let mut all = parts;
            all.extend(created);
            format!("{}: {verb}: {}", self.account, all.join(", "))
        };
        if let Some(c) = &self.clean {
            s.push_str(&format!("; clean: {}", c.words()));
        }
        s
    }
}

pub(super) async fn sync(
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
    let codes: Vec<i32> = runs.iter().map(|run| report(printer, run)).collect();
    Ok(combine(&codes))
}

/// Prints one account's outcome: errors with their hints, the plan of a dry run, JSON or
/// a summary.
pub(super) fn report(printer: &Printer, run: &SyncRun) -> i32 {
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

pub(super) async fn sync_one(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    printer: &Printer,
    opts: SyncOptions,
) -> SyncRun {
    let progress = printer.progress(&account.name);
    let mut folders = Vec::new();
    let mut opened = None;
    let result = sync_account(
        account,
        state_dir,
        timeout,
        &progress,
        opts,
        &mut folders,
        &mut opened,
    )
    .await;
    progress.finish();
    let clean = match (&result, opts.dry_run) {
        (Ok(()), false) if opts.clean_after => {
            clean::after_run(account, state_dir, timeout, true).await
        }
        _ => None,
    };
    let run = SyncRun {
        account: account.name.clone(),
        folders,
        error: result.err(),
        dry_run: opts.dry_run,
        clean,
    };
    if !opts.dry_run {
        let totals = run.to_json();
        record_outcome(
            state_dir,
            opened,
            &account.name,
            "sync",
            run.exit_code(),
            run.error.as_ref(),
            json!({"downloaded": totals["downloaded"], "uploaded": totals["uploaded"]}),
        );
    }
    run
}

async fn sync_account(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    progress: &Progress,
    opts: SyncOptions,
    reports: &mut Vec<SyncReport>,
    opened: &mut Option<State>,
) -> Result<()> {
    let _lock = lock::acquire(state_dir, &account.name)?;
    let (mut remote, state) =
        connect_and_open_state(account, state_dir, timeout, opts.dry_run).await?;
    let state = opened.insert(state);
    let settings = sync::Settings {
        maildir: &account.maildir,
        patterns: &account.folders,
        expunge: account.expunge,
        create: account.create,
        dry_run: opts.dry_run,
        reconcile: opts.reconcile,
        max_delete: (!opts.allow_deletes).then_some(account.max_delete),
        max_message_size: account.max_message_size,
    };
    *reports = sync::sync_folders(&mut remote, state, &settings, progress).await?;
    logout(&mut remote).await;
    Ok(())
}

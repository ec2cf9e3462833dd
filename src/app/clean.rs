//! `mailx clean`, and the clean that ends a fetch or sync of an account with size or
//! purge rules.

use std::path::Path;

use serde_json::json;

use super::{account_code, combine, errors_json, load_config, pick, print_run, state_path};
use crate::cli::Global;
use crate::config::Account;
use crate::engine::clean::{self, CleanReport, Rules, Settings};
use crate::error::{Error, Result, exit};
use crate::lock;
use crate::output::Printer;
use crate::remote::connect;
use crate::state::State;
use crate::units::human_bytes;

/// One account's clean: what it deleted, or the error that stopped it.
pub(super) struct CleanRun {
    pub account: String,
    pub report: CleanReport,
    pub error: Option<Error>,
    dry_run: bool,
}

impl CleanRun {
    pub fn exit_code(&self) -> i32 {
        account_code(self.error.as_ref(), &self.report.folders)
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "account": self.account,
            "dry_run": self.dry_run,
            "ok": self.exit_code() == exit::OK,
            "exit_code": self.exit_code(),
            "deleted_on_server": self.report.deleted(),
            "bytes": self.report.bytes(),
            "server": self.report.usage,
            "folders": self.report.folders,
            "errors": errors_json(&self.report.folders, self.error.as_ref()),
        })
    }

    /// Its errors on stderr: each failed folder, then what stopped the account.
    pub fn print_errors(&self, printer: &Printer) {
        super::print_errors(
            printer,
            &self.account,
            &self.report.folders,
            self.error.as_ref(),
        );
    }

    /// What was (or would be) freed, and where the server stands against its limit.
    pub fn words(&self) -> String {
        let n = self.report.deleted();
        let mut s = match (n, self.dry_run) {
            (0, _) => "nothing to delete on the server".to_string(),
            (n, dry) => format!(
                "{} {n} message{} ({}) on the server",
                if dry { "would delete" } else { "deleted" },
                if n == 1 { "" } else { "s" },
                human_bytes(self.report.bytes())
            ),
        };
        if let Some(u) = &self.report.usage {
            s.push_str(&format!(
                "; server {} of at most {} ({})",
                human_bytes(u.after),
                human_bytes(u.limit),
                u.measured_by
            ));
            if u.still_over > 0 {
                s.push_str(&format!(
                    "; still {} over: the rest is not stored locally yet (fetch or sync first)",
                    human_bytes(u.still_over)
                ));
            }
        }
        s
    }
}

/// The rules of an account; `with_age` false leaves `delete_after_days` to fetch, which
/// applies it itself.
pub(super) fn rules(account: &Account, with_age: bool) -> Rules<'_> {
    Rules {
        after_days: account
            .delete_after_days
            .filter(|_| with_age && account.keep),
        max_server_size: account.max_server_size,
        purge: &account.purge,
    }
}

pub(super) async fn clean(
    global: &Global,
    printer: &Printer,
    names: &[String],
    dry_run: bool,
) -> Result<i32> {
    let config = load_config(global)?;
    let picked = pick(&config, names)?;
    let (accounts, idle): (Vec<&Account>, Vec<&Account>) =
        picked.into_iter().partition(|a| rules(a, true).any());
    if accounts.is_empty() && names.is_empty() {
        return Err(Error::Usage(
            "no account has a retention rule (delete_after_days, max_server_size or purge), so there is nothing to clean; see README, \"Backups and retention\"".into(),
        ));
    }
    for a in idle {
        printer.line(&format!(
            "{}: no retention rule (delete_after_days, max_server_size, purge); nothing to clean",
            a.name
        ));
    }
    let runs = futures::future::join_all(
        accounts
            .iter()
            .map(|a| clean_one(a, &config.state_dir, global.timeout, true, dry_run)),
    )
    .await;
    let codes: Vec<i32> = runs
        .iter()
        .map(|run| {
            print_run(
                printer,
                &run.account,
                &run.report.folders,
                run.error.as_ref(),
                dry_run,
                &format!("{}: {}", run.account, run.words()),
                || run.to_json(),
            );
            run.exit_code()
        })
        .collect();
    Ok(combine(&codes))
}

/// Cleans one account under its lock.
pub(super) async fn clean_one(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    with_age: bool,
    dry_run: bool,
) -> CleanRun {
    let mut report = CleanReport::default();
    let result = async {
        let _lock = lock::acquire(state_dir, &account.name)?;
        let mut state = State::open(&state_path(state_dir, &account.name))?;
        let settings = Settings {
            maildir: &account.maildir,
            patterns: &account.folders,
            rules: rules(account, with_age),
            dry_run,
        };
        let mut remote = connect(account, timeout).await?;
        clean::clean_account(&mut remote, &mut state, &settings, &mut report).await
    }
    .await;
    CleanRun {
        account: account.name.clone(),
        report,
        error: result.err(),
        dry_run,
    }
}

/// The clean after a successful fetch (`sync` false: without the age rule, which fetch
/// applied) or sync, for an account with size or purge rules.
pub(super) async fn after_run(
    account: &Account,
    state_dir: &Path,
    timeout: u64,
    sync: bool,
) -> Option<CleanRun> {
    if !account.cleans_after(sync) {
        return None;
    }
    Some(clean_one(account, state_dir, timeout, sync, false).await)
}

/// The code of a fetch or sync followed by a clean: the run's own when it failed, else
/// the clean's.
pub(super) fn after_clean(code: i32, clean: Option<&CleanRun>) -> i32 {
    match clean {
        Some(c) if code == exit::OK => c.exit_code(),
        _ => code,
    }
}

//! `mailx check` (is there new mail? exit 0/1/≥2) and `mailx status` (server and local
//! side by side). Both only read: nothing changes on the server, in the Maildir or in
//! the state.

use std::path::Path;

use serde_json::json;

use super::clean;
use super::{
    account_code, combine, errors_json, load_config, logout, pick, print_errors, state_path,
};
use crate::cli::Global;
use crate::clock;
use crate::config::{Account, Protocol};
use crate::engine::check::{
    self, CheckReport, FolderUsage, maildir_usage, quota_percent, quota_words,
};
use crate::error::{Error, Result, exit};
use crate::output::Printer;
use crate::remote::connect;
use crate::state::State;
use crate::units::human_bytes;

/// `check`'s code when there is nothing new (`mail -e`, `fetchmail -c`).
const NO_NEW_MAIL: i32 = 1;

struct CheckRun {
    account: String,
    folders: Vec<CheckReport>,
    error: Option<Error>,
}

impl CheckRun {
    fn new_messages(&self) -> u64 {
        self.folders.iter().map(|f| f.new).sum()
    }

    fn failed(&self) -> i32 {
        account_code(self.error.as_ref(), &self.folders)
    }
}

/// The state, read-only: an account never fetched has none (everything is new).
fn open_state(state_dir: &Path, account: &str) -> Result<Option<State>> {
    let path = state_path(state_dir, account);
    if !path.exists() {
        return Ok(None);
    }
    State::open(&path).map(Some)
}

/// A check (scripts wait for its answer) ends within this many `--timeout`s, however the
/// server spreads out its answers.
const CHECK_TIMEOUTS: u64 = 6;

async fn check_account(account: &Account, state_dir: &Path, timeout: u64) -> CheckRun {
    let mut run = CheckRun {
        account: account.name.clone(),
        folders: Vec::new(),
        error: None,
    };
    let bound = CHECK_TIMEOUTS * timeout.max(1);
    let work = async {
        let state = open_state(state_dir, &account.name)?;
        let patterns = &account.folders;
        let mut remote = connect(account, timeout).await?;
        let reports = check::check_folders(&mut remote, state.as_ref(), patterns).await;
        logout(&mut remote).await;
        reports
    };
    let result = tokio::time::timeout(std::time::Duration::from_secs(bound), work)
        .await
        .unwrap_or_else(|_| {
            Err(Error::Timeout {
                context: format!("{} ({}:{})", account.name, account.host, account.port),
                detail: format!(
                    "the check did not finish within {bound} s ({CHECK_TIMEOUTS} × --timeout)"
                ),
            })
        });
    match result {
        Ok(folders) => run.folders = folders,
        Err(e) => run.error = Some(e),
    }
    run
}

pub(super) async fn check(global: &Global, printer: &Printer, names: &[String]) -> Result<i32> {
    let config = load_config(global)?;
    let accounts = pick(&config, names)?;
    let runs = futures::future::join_all(
        accounts
            .iter()
            .map(|a| check_account(a, &config.state_dir, global.timeout)),
    )
    .await;
    let mut errors = Vec::new();
    let mut new_total = 0;
    for run in &runs {
        print_errors(printer, &run.account, &run.folders, run.error.as_ref());
        let code = run.failed();
        if code != exit::OK {
            errors.push(code);
        }
        new_total += run.new_messages();
        if printer.json {
            let unseen: Option<u64> = run
                .folders
                .iter()
                .map(|f| f.unseen)
                .try_fold(0u64, |acc, u| u.map(|u| acc + u));
            let errs = errors_json(&run.folders, run.error.as_ref());
            printer.json_line(&json!({
                "account": run.account,
                "ok": code == exit::OK,
                "new": run.new_messages(),
                "unseen": unseen,
                "total": run.folders.iter().map(|f| f.total).sum::<u64>(),
                "folders": run.folders,
                "errors": errs,
            }));
        } else if printer.wants_summary() && run.error.is_none() {
            let detail: Vec<String> = run
                .folders
                .iter()
                .filter(|f| f.new > 0)
                .map(|f| format!("{} {}", f.new, f.name))
                .collect();
            let unseen: u64 = run.folders.iter().filter_map(|f| f.unseen).sum();
            let mut line = if run.new_messages() == 0 {
                format!("{}: no new mail", run.account)
            } else {
                format!(
                    "{}: {} new ({})",
                    run.account,
                    run.new_messages(),
                    detail.join(", ")
                )
            };
            if run.folders.iter().any(|f| f.unseen.is_some()) {
                line.push_str(&format!("; {unseen} unseen"));
            }
            printer.line(&line);
        }
    }
    if !errors.is_empty() {
        // Errors win: a script must not act on a half-answered question.
        let code = combine(&errors);
        return Ok(if code < exit::PARTIAL {
            exit::PARTIAL
        } else {
            code
        });
    }
    Ok(if new_total > 0 { exit::OK } else { NO_NEW_MAIL })
}

struct StatusRun {
    folders: Vec<FolderUsage>,
    quota: Option<(u64, u64)>,
    error: Option<Error>,
}

async fn status_account(account: &Account, state: Option<&State>, timeout: u64) -> StatusRun {
    let mut run = StatusRun {
        folders: Vec::new(),
        quota: None,
        error: None,
    };
    let result = async {
        let mut remote = connect(account, timeout).await?;
        let usage =
            check::folder_usage(&mut remote, &account.folders, &account.maildir, state).await;
        let quota = crate::remote::readable_quota(&mut remote).await;
        logout(&mut remote).await;
        Ok::<_, Error>((usage?, quota))
    }
    .await;
    match result {
        Ok((folders, quota)) => {
            run.folders = folders;
            run.quota = quota;
        }
        Err(e) => run.error = Some(e),
    }
    run
}

/// `{"time": .., "exit_code": .., "error": ..}` of the last fetch or sync, if any.
fn last_run(state: Option<&State>, command: &str) -> Option<serde_json::Value> {
    let raw = state?.meta(&format!("last_{command}")).ok()??;
    serde_json::from_str(&raw).ok()
}

fn last_run_words(v: &serde_json::Value) -> String {
    let time = v["time"].as_i64().unwrap_or(0);
    let when = chrono::DateTime::from_timestamp(time, 0)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "?".into());
    let ago = clock::now() - time;
    let ago = match ago {
        a if a < 120 => format!("{a} s ago"),
        a if a < 7200 => format!("{} min ago", a / 60),
        a if a < 172_800 => format!("{} h ago", a / 3600),
        a => format!("{} days ago", a / 86_400),
    };
    let result = match v["error"].as_str() {
        None if v["exit_code"] == 0 => "ok".to_string(),
        None => format!("partly failed (exit {})", v["exit_code"]),
        Some(e) => format!("failed: {e}"),
    };
    format!("{when} ({ago}), {result}")
}

fn retention_words(account: &Account) -> String {
    match account.protocol {
        Protocol::Pop3 => account.retention_words(),
        Protocol::Imap => format!(
            "fetch {}; sync {}",
            account.retention_words(),
            if account.expunge {
                "expunges deleted messages"
            } else {
                "flags deleted messages, never expunges"
            }
        ),
    }
}

pub(super) async fn status(global: &Global, printer: &Printer, names: &[String]) -> Result<i32> {
    let config = load_config(global)?;
    let accounts = pick(&config, names)?;
    let states: Vec<Option<State>> = accounts
        .iter()
        .map(|a| open_state(&config.state_dir, &a.name).ok().flatten())
        .collect();
    let runs = futures::future::join_all(
        accounts
            .iter()
            .zip(&states)
            .map(|(a, st)| status_account(a, st.as_ref(), global.timeout)),
    )
    .await;
    // What the retention rules would delete now: a dry run of `clean`.
    let cleans = futures::future::join_all(accounts.iter().map(|a| async {
        match clean::rules(a, true).any() {
            true => Some(clean::clean_one(a, &config.state_dir, global.timeout, true, true).await),
            false => None,
        }
    }))
    .await;
    let mut codes = Vec::new();
    for (((account, run), clean), state) in accounts.iter().zip(&runs).zip(&cleans).zip(&states) {
        let (local_messages, local_bytes) = maildir_usage(&account.maildir, &run.folders)?;
        let server_messages: u64 = run.folders.iter().map(|f| f.messages).sum();
        let server_bytes: u64 = run.folders.iter().map(|f| f.bytes).sum();
        let mut warnings = Vec::new();
        if let Some((used, limit)) = run.quota
            && limit > 0
            && quota_percent(used, limit) >= 90
        {
            warnings.push(format!(
                "server quota {} is nearly full: delete or archive mail (or set max_server_size or delete_after_days, then `mailx clean`) before new mail is refused",
                quota_words(used, limit)
            ));
        }
        let code = account_code(run.error.as_ref(), &run.folders);
        codes.push(code);
        if let Some(e) = &run.error {
            printer.error(e);
        }
        for w in &warnings {
            printer.warning(&format!("{}: {w}", account.name));
        }
        let last_fetch = last_run(state.as_ref(), "fetch");
        let last_sync = last_run(state.as_ref(), "sync");
        if printer.json {
            printer.json_line(&json!({
                "account": account.name,
                "protocol": account.protocol.name(),
                "ok": code == exit::OK,
                "server": {
                    "host": account.host,
                    "messages": server_messages,
                    "bytes": server_bytes,
                    "quota": run.quota.map(|(used, limit)| json!({
                        "used": used, "limit": limit, "percent": quota_percent(used, limit),
                    })),
                },
                "local": {
                    "maildir": account.maildir,
                    "messages": local_messages,
                    "bytes": local_bytes,
                },
                "folders": run.folders,
                "last_fetch": last_fetch,
                "last_sync": last_sync,
                "retention": retention_words(account),
                "clean": clean.as_ref().map(|c| c.to_json()),
                "warnings": warnings,
                "error": run.error.as_ref().map(|e| e.to_string()),
            }));
            continue;
        }
        if printer.quiet {
            continue;
        }
        printer.line(&format!(
            "{} ({}://{}@{}:{})",
            account.name,
            account.protocol.name(),
            account.user,
            account.host,
            account.port
        ));
        if run.error.is_none() {
            let mut server = format!(
                "  server:    {server_messages} messages, {}",
                human_bytes(server_bytes)
            );
            if let Some((used, limit)) = run.quota {
                server.push_str(&format!("; quota {}", quota_words(used, limit)));
            }
            printer.line(&server);
        }
        printer.line(&format!(
            "  local:     {local_messages} messages, {} in {}",
            human_bytes(local_bytes),
            account.maildir.display()
        ));
        for (what, v) in [("fetch", &last_fetch), ("sync", &last_sync)] {
            if let Some(v) = v {
                printer.line(&format!("  last {what}: {}", last_run_words(v)));
            }
        }
        if last_fetch.is_none() && last_sync.is_none() {
            printer.line("  last run:  never");
        }
        printer.line(&format!("  retention: {}", retention_words(account)));
        if let Some(c) = clean {
            let words = match &c.error {
                None => c.words(),
                Some(e) => format!("not known ({e})"),
            };
            printer.line(&format!("  clean now: {words}"));
        }
        if !run.folders.is_empty() {
            printer.line(&format!(
                "  {:<24} {:>9} {:>9} {:>10} {:>9} {:>10}",
                "folder", "server", "unseen", "bytes", "local", "bytes"
            ));
            for f in &run.folders {
                printer.line(&format!(
                    "  {:<24} {:>9} {:>9} {:>10} {:>9} {:>10}{}",
                    f.name,
                    f.messages,
                    f.unseen
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| "-".into()),
                    human_bytes(f.bytes),
                    f.local_messages,
                    human_bytes(f.local_bytes),
                    f.error
                        .as_ref()
                        .map(|e| format!("  ({})", e.message))
                        .unwrap_or_default()
                ));
            }
        }
    }
    Ok(combine(&codes))
}

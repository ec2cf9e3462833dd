//! `mailx backup`, `backup --verify` and `restore`.

use std::path::Path;

use serde_json::json;

use super::{load_config, pick};
use crate::cli::Global;
use crate::error::{Error, Result, exit};
use crate::lock;
use crate::output::Printer;
use crate::store::backup::{self, Summary};
use crate::units::human_bytes;

fn report(printer: &Printer, what: &str, s: &Summary) {
    if printer.json {
        printer.json_line(&json!({"command": what, "account": s.account, "messages": s.messages, "bytes": s.bytes, "skipped": s.skipped}));
    }
}

pub(super) fn backup(
    global: &Global,
    printer: &Printer,
    account: Option<&str>,
    output: Option<&Path>,
    verify: Option<&Path>,
) -> Result<i32> {
    if let Some(file) = verify {
        let s = backup::verify(file)?;
        report(printer, "verify", &s);
        printer.say(&format!(
            "{}: {} messages ({}) of account {}, every one as the manifest says",
            file.display(),
            s.messages,
            human_bytes(s.bytes),
            s.account
        ));
        return Ok(exit::OK);
    }
    let config = load_config(global)?;
    let name = account.ok_or_else(|| Error::Usage("name the account to back up".into()))?;
    let a = pick(&config, &[name.to_string()])?[0];
    let default_name = format!(
        "mailx-{}-{}.tar.zst",
        a.name,
        chrono::Local::now().format("%Y-%m-%d")
    );
    let out = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| default_name.into());
    let _lock = lock::acquire(&config.state_dir, &a.name)?;
    let s = backup::create(&a.name, &a.maildir, &out)?;
    report(printer, "backup", &s);
    printer.say(&format!(
        "{}: {} messages ({}) of {} backed up",
        out.display(),
        s.messages,
        human_bytes(s.bytes),
        a.maildir.display()
    ));
    Ok(exit::OK)
}

pub(super) fn restore(
    global: &Global,
    printer: &Printer,
    file: &Path,
    into: Option<&str>,
    as_folder: Option<&str>,
) -> Result<i32> {
    if let Some(f) = as_folder
        && (f.is_empty() || f.starts_with('.') || f.contains(['/', '\0']) || f.contains(".."))
    {
        return Err(Error::Usage(format!(
            "--as-folder {f:?}: give a plain folder name such as Restored-2026-11-29"
        )));
    }
    let config = load_config(global)?;
    let name = match into {
        Some(n) => n.to_string(),
        None => backup::account_of(file)?,
    };
    let a = pick(&config, &[name])?[0];
    let _lock = lock::acquire(&config.state_dir, &a.name)?;
    let s = backup::restore(file, &a.maildir, as_folder)?;
    report(printer, "restore", &s);
    let place = match as_folder {
        Some(f) => format!("folder {f}"),
        None => "its folders".into(),
    };
    printer.say(&format!(
        "{}: {} messages restored into {place} of account {}, {} already there left alone",
        file.display(),
        s.messages,
        a.name,
        s.skipped
    ));
    Ok(exit::OK)
}

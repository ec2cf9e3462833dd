//! `mailx check` and `mailx status`: what is on the server, read without changing
//! anything there (IMAP STATUS and EXAMINE, POP3 UIDL/LIST), compared with the state.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::domain::names;
use crate::engine::plan;
use crate::engine::{Failure, folders};
use crate::error::Result;
use crate::remote::{Remote, RemoteFolder};
use crate::state::State;
use crate::store::maildir;

#[derive(Debug, Default, Serialize)]
pub struct CheckReport {
    pub name: String,
    /// Messages a fetch or sync would download now.
    pub new: u64,
    /// Messages without \Seen (IMAP only).
    pub unseen: Option<u64>,
    pub total: u64,
    /// The server renumbered the folder since the last run: `new` is an estimate.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub renumbered: bool,
    pub error: Option<Failure>,
}

#[derive(Debug, Default, Serialize)]
pub struct FolderUsage {
    pub name: String,
    pub messages: u64,
    pub unseen: Option<u64>,
    pub bytes: u64,
    /// The same folder in the Maildir.
    pub local_messages: u64,
    pub local_bytes: u64,
    /// Its Maildir++ name ("" = INBOX), so the Maildir's total need not count it again.
    #[serde(skip)]
    pub local: Option<String>,
    pub error: Option<Failure>,
}

/// New, unseen and total messages per selected folder. A folder whose UIDNEXT shows
/// nothing above the last handled UID costs one STATUS; others are listed (UIDs only).
pub async fn check_folders<R: Remote>(
    remote: &mut R,
    state: Option<&State>,
    patterns: &[String],
) -> Result<Vec<CheckReport>> {
    let mut selection = folders::select(remote, patterns).await?;
    let mut reports = selection.failed_reports(Some("on the server"), |name, f| CheckReport {
        name,
        error: Some(f),
        ..Default::default()
    });
    let selected = selection.folders;
    for (folder, _) in selected {
        let mut report = CheckReport {
            name: names::display_name(&folder.path),
            ..Default::default()
        };
        if let Err(e) = check_folder(remote, state, &folder, &mut report).await {
            report.error = Some(Failure::from(&e));
        }
        reports.push(report);
    }
    Ok(reports)
}

async fn check_folder<R: Remote>(
    remote: &mut R,
    state: Option<&State>,
    folder: &RemoteFolder,
    report: &mut CheckReport,
) -> Result<()> {
    let key = folder.server_name.as_str();
    let status = remote.status(folder).await?;
    report.total = status.messages;
    report.unseen = status.unseen;
    // Never fetched: everything is new.
    let prev = match state {
        Some(s) => s.folder(key)?,
        None => None,
    };
    let same_validity = prev.as_ref().map(|p| p.uidvalidity) == Some(status.validity);
    if let (Some(p), Some(next)) = (&prev, status.uidnext)
        && same_validity
        && next <= p.last_uid + 1
    {
        return Ok(());
    }
    let snap = remote.open(folder, false).await?;
    let from = match &prev {
        Some(p) if same_validity && !snap.lists_everything => p.last_uid + 1,
        _ => 1,
    };
    let listing = remote.list(from).await?;
    let Some(state) = state.filter(|_| prev.is_some()) else {
        report.new = listing.len() as u64;
        return Ok(());
    };
    if !same_validity {
        // Old UIDs mean nothing now: estimate by count, as fetch re-identifies by content.
        report.renumbered = true;
        let known = state.known(key, 0)?.len() as u64;
        report.new = (listing.len() as u64).saturating_sub(known);
        return Ok(());
    }
    let floor = if snap.lists_everything { 0 } else { from };
    let known = if snap.stable_ids {
        state.known(key, floor)?
    } else {
        HashMap::new()
    };
    report.new = plan::new_messages(&listing, &known).len() as u64;
    Ok(())
}

/// Messages and bytes per selected folder on the server, next to the Maildir's copy.
pub async fn folder_usage<R: Remote>(
    remote: &mut R,
    patterns: &[String],
    maildir_root: &Path,
    cache: Option<&State>,
) -> Result<Vec<FolderUsage>> {
    let mut selection = folders::select(remote, patterns).await?;
    let mut out = selection.failed_reports(Some("on the server"), |name, f| FolderUsage {
        name,
        error: Some(f),
        ..Default::default()
    });
    let selected = selection.folders;
    for (folder, local) in selected {
        let mut row = FolderUsage {
            name: names::display_name(&folder.path),
            local: Some(local.clone()),
            ..Default::default()
        };
        let result: Result<()> = async {
            let status = remote.status(&folder).await?;
            row.messages = status.messages;
            row.unseen = status.unseen;
            // Same UIDVALIDITY, UIDNEXT and count: no message came (UIDNEXT would have
            // grown) and none went (the count would have shrunk), and a message's size
            // never changes, so the bytes counted last time still hold.
            let key = format!("bytes:{}", folder.server_name);
            let seen = match (status.validity, status.uidnext) {
                (Some(v), Some(next)) => Some(format!("{v}/{next}/{}", status.messages)),
                _ => None,
            };
            let cached = cache
                .zip(seen.as_ref())
                .and_then(|(st, seen)| st.meta(&key).ok().flatten().map(|v| (v, seen)))
                .and_then(|(v, seen)| {
                    let (at, bytes) = v.split_once('=')?;
                    (at == seen).then(|| bytes.parse().ok()).flatten()
                });
            row.bytes = match cached {
                Some(bytes) => bytes,
                None => {
                    remote.open(&folder, false).await?;
                    let bytes = remote.list(1).await?.iter().map(|m| m.size).sum();
                    if let (Some(st), Some(seen)) = (cache, &seen)
                        && let Err(e) = st.set_meta(&key, &format!("{seen}={bytes}"))
                    {
                        tracing::debug!("could not remember the size of {key}: {e}");
                    }
                    bytes
                }
            };
            Ok(())
        }
        .await;
        if let Err(e) = result {
            row.error = Some(Failure::from(&e));
        }
        {
            let (n, bytes) = maildir::Folder::existing(maildir_root, &local).usage()?;
            row.local_messages = n;
            row.local_bytes = bytes;
        }
        out.push(row);
    }
    Ok(out)
}

/// Messages and bytes in the whole Maildir (every folder): those of `counted` as they
/// say, the rest counted now (each folder read once).
pub fn maildir_usage(root: &Path, counted: &[FolderUsage]) -> Result<(u64, u64)> {
    let mut total = (0, 0);
    for name in std::iter::once(String::new()).chain(maildir::list_folders(root)?) {
        let (n, b) = match counted.iter().find(|f| f.local.as_deref() == Some(&name)) {
            Some(f) => (f.local_messages, f.local_bytes),
            None => maildir::Folder::existing(root, &name).usage()?,
        };
        total.0 += n;
        total.1 += b;
    }
    Ok(total)
}

/// "1.2 GiB of 2.0 GiB (60%)".
pub fn quota_words(used: u64, limit: u64) -> String {
    format!(
        "{} of {} ({}%)",
        crate::units::human_bytes(used),
        crate::units::human_bytes(limit),
        quota_percent(used, limit)
    )
}

pub fn quota_percent(used: u64, limit: u64) -> u64 {
    used.saturating_mul(100).checked_div(limit).unwrap_or(0)
}

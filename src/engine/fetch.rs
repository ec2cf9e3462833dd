//! `mailx fetch` for one account: snapshot → diff against state → download → deliver →
//! record → only then apply the retention policy on the server.

use compact_str::ToCompactString;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::clock;
use crate::domain::names;
use crate::engine::Observer;
use crate::engine::deliver::{Delivery, Tally, download_all, split_too_large, too_large};
use crate::engine::plan::{self, Retention};
use crate::engine::{Failure, folders};
use crate::error::{Error, Result};
use crate::remote::{Fetched, FolderSnapshot, Remote, RemoteFolder, RemoteMessage};
use crate::state::{FolderState, State};
use crate::store::maildir::Folder;
use crate::testhook;

#[derive(Debug, Default, Serialize)]
pub struct FolderReport {
    pub name: String,
    pub local: String,
    pub downloaded: u64,
    pub bytes: u64,
    pub deleted_on_server: u64,
    pub error: Option<Failure>,
    /// `--dry-run`: what would be done, one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<String>,
}

pub struct Settings<'a> {
    pub maildir: &'a Path,
    pub patterns: &'a [String],
    pub retention: Retention,
    pub keep_requested: bool,
    /// Plan and report, change nothing (folders opened read-only, no state written).
    pub dry_run: bool,
    /// Larger messages are left on the server (`max_message_size`).
    pub max_message_size: u64,
}

/// Fetches every selected folder; one folder's failure does not stop the others.
/// Returns per-folder reports and (folder, ids) whose deletion awaits `finish`.
pub async fn fetch_folders<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    progress: &dyn Observer,
) -> Result<(Vec<FolderReport>, Vec<(String, Vec<String>)>)> {
    let mut selection = folders::select(remote, settings.patterns).await?;
    let mut reports = selection.failed_reports(Some("on the server"), |name, f| FolderReport {
        name,
        error: Some(f),
        ..Default::default()
    });
    let mut deletions = Vec::new();
    for (folder, local) in selection.folders {
        let mut report = FolderReport {
            name: names::display_name(&folder.path),
            local: local.clone(),
            ..Default::default()
        };
        match fetch_folder(
            remote,
            state,
            settings,
            &folder,
            &local,
            progress,
            &mut report,
        )
        .await
        {
            Ok(deleted) => {
                if !deleted.is_empty() {
                    deletions.push((folder.server_name.clone(), deleted));
                }
            }
            // A bug (or an injected crash) stops the account where it happened.
            Err(e @ Error::Internal(_)) => return Err(e),
            Err(e) => report.error = Some(Failure::from(&e)),
        }
        reports.push(report);
    }
    Ok((reports, deletions))
}

/// Fetches every selected folder, ends the session, and only then records what the server
/// deleted: POP3 applies DELE only on a clean QUIT (`deletes_at_finish`). `reports` is
/// filled even when the session ends in an error.
pub async fn fetch_account<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    progress: &dyn Observer,
    reports: &mut Vec<FolderReport>,
) -> Result<()> {
    let deletes_at_finish = remote.capabilities().deletes_at_finish;
    let (folder_reports, deletions) = fetch_folders(remote, state, settings, progress).await?;
    *reports = folder_reports;
    match remote.finish().await {
        Ok(()) => {
            for (folder, ids) in &deletions {
                state.mark_deleted(folder, ids)?;
                testhook::step("record deleted")?;
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

async fn fetch_folder<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    folder: &RemoteFolder,
    local: &str,
    progress: &dyn Observer,
    report: &mut FolderReport,
) -> Result<Vec<String>> {
    let key = folder.server_name.as_str();
    let dry = settings.dry_run;
    // Read-write even when nothing will be deleted: Courier-IMAP 5.0.13 keeps a folder's
    // UIDs (courierimapuiddb) only once it is SELECTed, and gives every EXAMINE session a
    // new UIDVALIDITY until then, which made each run re-identify the whole folder
    // (2026-11-29). BODY.PEEK still changes nothing; a dry run stays read-only.
    let snap = remote.open(folder, !dry).await?;
    if !snap.stable_ids && settings.keep_requested {
        return Err(Error::Refused(format!(
            "{}: the server does not support UIDL, so mailx cannot tell new messages from old ones while leaving them on the server; set keep = false to download and delete",
            report.name
        )));
    }
    let maildir = if dry {
        Folder::existing(settings.maildir, local)
    } else {
        let f = Folder::open(settings.maildir, local)?;
        f.clean_tmp();
        f
    };

    let mut fstate = match state.folder(key)? {
        Some(prev) if prev.uidvalidity == snap.validity => FolderState {
            local: local.to_string(),
            ..prev
        },
        Some(_) if dry => {
            report.plan.push(
                "the server renumbered this folder: a real run first finds the stored messages again by content, so what it downloads is not predicted here".into(),
            );
            return Ok(Vec::new());
        }
        Some(prev) => recover_renumbered(remote, state, key, &maildir, local, prev, &snap).await?,
        None => FolderState {
            local: local.to_string(),
            uidvalidity: snap.validity,
            last_uid: 0,
            local_id: maildir.identity(!dry)?,
        },
    };
    if !dry {
        state.set_folder(key, &fstate)?;
    }

    // Nothing above the last handled UID: one SELECT told us, no listing needed.
    let nothing_new =
        !snap.lists_everything && snap.uidnext.is_some_and(|n| n <= fstate.last_uid + 1);
    let listing = if nothing_new {
        Vec::new()
    } else {
        remote.list(fstate.last_uid + 1).await?
    };
    let known_floor = if snap.lists_everything {
        0
    } else {
        fstate.last_uid + 1
    };
    let known = if snap.stable_ids {
        state.known(key, known_floor)?
    } else {
        HashMap::new()
    };
    // Every stored row, for retention: the rows read above when they were all of them
    // (POP3 lists everything), otherwise read once more.
    let none = HashMap::new();
    let all_rows;
    let stored = if !(snap.stable_ids && settings.retention.deletes()) {
        &none
    } else if known_floor == 0 {
        &known
    } else {
        all_rows = state.known(key, 0)?;
        &all_rows
    };
    // Where each stored message is now, for retention only.
    let present: Option<HashMap<String, u32>> = (snap.lists_everything && !stored.is_empty())
        .then(|| listing.iter().map(|m| (m.id.to_string(), m.uid)).collect());
    let plan = plan::fetch_plan(
        &listing,
        &known,
        stored,
        present.as_ref(),
        settings.retention,
        clock::now(),
    );
    if dry {
        describe(&plan, settings.max_message_size, report);
        return Ok(Vec::new());
    }
    let new = &plan.download;
    progress.planned(new.len() as u64, new.iter().map(|m| m.size).sum());

    let mut tally = Tally::default();
    let to = Delivery {
        maildir: &maildir,
        key,
        record: snap.stable_ids,
        progress,
        max_message_size: settings.max_message_size,
    };
    let result = download_all(remote, state, &to, &mut fstate, new, &mut tally).await;
    report.downloaded = tally.messages;
    report.bytes = tally.bytes;
    result?;
    report.error = tally.refused_failure();

    // Retention: what the plan found due among messages stored earlier, and with
    // keep = false exactly the downloads that are now stored (durable and recorded).
    // ... but never a copy of another size than the server announced.
    let unverified: HashSet<&str> = tally.unverified.iter().map(String::as_str).collect();
    let delivered: HashSet<&str> = tally
        .delivered
        .iter()
        .map(String::as_str)
        .filter(|id| !unverified.contains(id))
        .collect();
    let mut to_delete = plan.delete.clone();
    if plan.delete_downloads {
        to_delete.extend(
            new.iter()
                .filter(|m| delivered.contains(m.id.as_str()))
                .map(|m| (m.id.to_string(), m.uid)),
        );
    }
    // Rows of messages the server no longer lists (deleted there, by mailx or by another
    // client) are forgotten: a POP3 UIDL cannot recur. `known` holds every row here, and
    // the listed ones are those not downloaded, so a count tells whether any is gone.
    if snap.lists_everything && snap.stable_ids && known.len() > listing.len() - new.len() {
        let present: HashSet<&str> = listing.iter().map(|m| m.id.as_str()).collect();
        let absent: Vec<String> = known
            .keys()
            .filter(|id| !present.contains(id.as_str()))
            .map(|id| id.to_string())
            .collect();
        state.forget(key, &absent)?;
    }
    if !to_delete.is_empty() {
        remote.delete(&to_delete).await?;
        report.deleted_on_server = to_delete.len() as u64;
    }
    Ok(to_delete.into_iter().map(|(id, _)| id).collect())
}

/// `--dry-run`: the plan as lines and counts, nothing done.
fn describe(plan: &plan::FetchPlan, max_message_size: u64, report: &mut FolderReport) {
    let (download, large) = split_too_large(&plan.download, max_message_size);
    for m in &download {
        report.plan.push(format!(
            "download {} ({})",
            m.id,
            crate::units::human_bytes(m.size)
        ));
    }
    for m in &large {
        report.plan.push(too_large(&m.id, m.size, max_message_size));
    }
    for (id, _) in &plan.delete {
        report
            .plan
            .push(format!("delete {id} from the server (stored earlier)"));
    }
    if plan.delete_downloads && !download.is_empty() {
        report.plan.push(format!(
            "then delete the {} downloaded message(s) from the server once stored (keep = false)",
            download.len()
        ));
    }
    report.downloaded = download.len() as u64;
    report.bytes = download.iter().map(|m| m.size).sum();
    report.deleted_on_server = (plan.delete.len()
        + if plan.delete_downloads {
            download.len()
        } else {
            0
        }) as u64;
}

/// (uid, (size, header fingerprint)) of the open folder's messages with UID >= `from`:
/// what `plan::match_by_content` pairs on.
pub async fn identities<R: Remote>(remote: &mut R, from: u32) -> Result<Vec<(u32, (u64, i64))>> {
    let mut out = Vec::new();
    remote
        .headers(from, &mut |uid, size, header| {
            out.push((uid, (size, plan::fingerprint(header))))
        })
        .await?;
    Ok(out)
}

/// A server message's identities for re-identification: (uid, size, header fingerprint,
/// the fingerprint as recorded before 2026-11-29).
type HeaderPrints = (u32, u64, i64, i64);

/// The most server messages one whole-content comparison downloads.
pub(crate) const WHOLE_CONTENT_MAX: usize = 2_000;

/// (uid, (0, content hash)) of `candidates` downloaded whole: the last resort of matching
/// by content (`plan::content_hash`). A message sent at another length than announced
/// counts too (those bytes are how the server serves it); one it refuses is left out.
pub(crate) async fn whole_content<R: Remote>(
    remote: &mut R,
    candidates: &[RemoteMessage],
) -> Result<Vec<(u32, (u64, i64))>> {
    let uid_of: HashMap<&str, u32> = candidates.iter().map(|m| (m.id.as_str(), m.uid)).collect();
    let mut out = Vec::new();
    remote
        .download(candidates, &mut |fetched| {
            let d = match fetched {
                Fetched::Whole(d) => d,
                Fetched::Mismatch { downloaded, .. } => downloaded,
                Fetched::Refused { .. } => return Ok(()),
            };
            if let Some(uid) = uid_of.get(d.id.as_str()) {
                out.push((*uid, (0, plan::content_hash(&d.body))));
            }
            Ok(())
        })
        .await?;
    Ok(out)
}

/// The last pass of re-identification: a server message and a stored copy that share the
/// header fingerprint but not the size are compared whole (`plan::content_hash`). Servers
/// whose sizes are estimates (Exchange) may announce another size after renumbering; the
/// copy on disk decides. Returns (uid, id) pairs.
async fn same_whole_content<R: Remote>(
    remote: &mut R,
    maildir: &Folder,
    headers: &[HeaderPrints],
    rows: &[(String, u64, i64, String)],
    matched: &[(u32, String)],
) -> Result<Vec<(u32, String)>> {
    let taken: HashSet<u32> = matched.iter().map(|(uid, _)| *uid).collect();
    let done: HashSet<&str> = matched.iter().map(|(_, id)| id.as_str()).collect();
    let rows_left: Vec<&(String, u64, i64, String)> = rows
        .iter()
        .filter(|(id, ..)| !done.contains(id.as_str()))
        .collect();
    let prints: HashSet<i64> = rows_left.iter().map(|(_, _, fp, _)| *fp).collect();
    let mut candidates = Vec::new();
    let mut sent_prints = HashSet::new();
    for &(uid, size, fp, _) in headers.iter().filter(|(uid, ..)| !taken.contains(uid)) {
        if prints.contains(&fp) {
            sent_prints.insert(fp);
            candidates.push(RemoteMessage {
                id: uid.to_compact_string(),
                uid,
                size,
                flags: Default::default(),
            });
            if candidates.len() == WHOLE_CONTENT_MAX {
                break;
            }
        }
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let server = whole_content(remote, &candidates).await?;
    let on_disk = maildir.scan()?;
    let mut stored = Vec::new();
    for (id, _, fp, file) in rows_left {
        if let (true, Some(msg)) = (sent_prints.contains(fp), on_disk.get(file)) {
            let path = msg.path();
            let body = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            stored.push((id.clone(), (0, plan::content_hash(&body))));
        }
    }
    Ok(plan::match_by_content(&server, &stored))
}

/// The server renumbered the folder, or the rows were written over the other protocol
/// (`mailx migrate`: IMAP UIDs, POP3 UIDLs). Re-identify recorded messages by header
/// fingerprint and size (as a multiset: two identical copies match two copies), move their
/// rows to the new ids, and leave every unmatched server message to be downloaded as new.
/// Nothing is deleted anywhere, and no matched message is downloaded twice.
async fn recover_renumbered<R: Remote>(
    remote: &mut R,
    state: &mut State,
    key: &str,
    maildir: &Folder,
    local: &str,
    prev: FolderState,
    snap: &FolderSnapshot,
) -> Result<FolderState> {
    let old = prev.uidvalidity.unwrap_or(0);
    let new_validity = snap.validity.unwrap_or(0);
    let mut headers: Vec<HeaderPrints> = Vec::new();
    remote
        .headers(1, &mut |uid, size, h| {
            headers.push((uid, size, plan::fingerprint(h), plan::fingerprint_v1(h)))
        })
        .await
        .map_err(|e| Error::UidValidity {
            folder: key.to_string(),
            old,
            new: new_validity,
            detail: format!("the messages could not be compared: {e}"),
        })?;
    let rows = state.fingerprints(key)?;
    let recorded: Vec<(String, (u64, i64))> = rows
        .iter()
        .map(|(id, size, fp, _)| (id.clone(), (*size, *fp)))
        .collect();
    let with = |v1: bool, skip: &HashSet<u32>| -> Vec<(u32, (u64, i64))> {
        headers
            .iter()
            .filter(|(uid, ..)| !skip.contains(uid))
            .map(|&(uid, size, fp, fp_v1)| (uid, (size, if v1 { fp_v1 } else { fp })))
            .collect()
    };
    let mut pairs = plan::match_by_content(&with(false, &HashSet::new()), &recorded);
    // Rows recorded before the fingerprint was normalized: a second pass over what is left.
    let taken: HashSet<u32> = pairs.iter().map(|(uid, _)| *uid).collect();
    let matched: HashSet<&str> = pairs.iter().map(|(_, id)| id.as_str()).collect();
    let rest: Vec<(String, (u64, i64))> = recorded
        .iter()
        .filter(|(id, _)| !matched.contains(id.as_str()))
        .cloned()
        .collect();
    pairs.extend(plan::match_by_content(&with(true, &taken), &rest));
    let last = same_whole_content(remote, maildir, &headers, &rows, &pairs).await?;
    pairs.extend(last);
    // IMAP ids are the UIDs; POP3's are the UIDLs of its listing.
    let listed: HashMap<u32, String> = if snap.lists_everything {
        remote
            .list(0)
            .await?
            .into_iter()
            .map(|m| (m.uid, m.id.to_string()))
            .collect()
    } else {
        HashMap::new()
    };
    let mapping: Vec<(String, String, u32)> = pairs
        .into_iter()
        .map(|(uid, old_id)| {
            let new_id = listed.get(&uid).cloned().unwrap_or_else(|| uid.to_string());
            (old_id, new_id, uid)
        })
        .collect();
    let fresh = FolderState {
        local: local.to_string(),
        uidvalidity: snap.validity,
        last_uid: 0,
        local_id: prev.local_id.clone(),
    };
    state.renumber(key, &mapping, &fresh)?;
    if snap.validity.is_some() == prev.uidvalidity.is_some() {
        tracing::warn!(
            "{key}: UIDVALIDITY changed from {old} to {new_validity}; {} of {} recorded messages found again by content, the rest of the folder will be downloaded as new",
            mapping.len(),
            recorded.len()
        );
    } else {
        tracing::info!(
            "{key}: last read over the other protocol; {} of {} recorded messages found again by content, the rest of the folder will be downloaded as new",
            mapping.len(),
            recorded.len()
        );
    }
    Ok(fresh)
}

//! `mailx fetch` for one account: snapshot → diff against state → download → deliver →
//! record → only then apply the retention policy on the server.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::clock;
use crate::engine::Observer;
use crate::engine::plan::{self, Retention};
use crate::error::{Error, Result};
use crate::remote::{Downloaded, Fetched, Remote, RemoteFolder, RemoteMessage};
use crate::state::{FolderState, NewRow, State};
use crate::store::maildir::{Folder, Staged};
use crate::store::names;
use crate::testhook;

pub const BATCH_COUNT: usize = 500;
pub const BATCH_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, Default, Serialize)]
pub struct FolderReport {
    pub name: String,
    pub local: String,
    pub downloaded: u64,
    pub bytes: u64,
    pub deleted_on_server: u64,
    pub error: Option<String>,
    #[serde(skip)]
    pub error_code: Option<i32>,
}

pub struct Settings<'a> {
    pub maildir: &'a Path,
    pub patterns: &'a [String],
    pub retention: Retention,
    pub keep_requested: bool,
}

/// Finishes deliveries a crash interrupted: a pending row whose file reached new/ or cur/
/// is delivered; one whose file did not is forgotten (the server still has the message).
pub fn recover(state: &mut State, maildir: &Path) -> Result<usize> {
    let pending = state.pending()?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut by_folder: HashMap<String, HashSet<String>> = HashMap::new();
    let (mut delivered, mut lost) = (Vec::new(), Vec::new());
    for p in pending {
        if !by_folder.contains_key(&p.local) {
            let folder = Folder::open(maildir, &p.local)?;
            by_folder.insert(p.local.clone(), folder.delivered_names()?);
        }
        if by_folder
            .get(&p.local)
            .is_some_and(|names| names.contains(&p.file))
        {
            delivered.push(p);
        } else {
            lost.push(p);
        }
    }
    tracing::info!(
        "recovered an interrupted run: {} deliveries completed, {} to download again",
        delivered.len(),
        lost.len()
    );
    state.resolve_pending(&delivered, &lost)?;
    Ok(delivered.len() + lost.len())
}

/// Fetches every selected folder; one folder's failure does not stop the others.
/// Returns per-folder reports and (folder, ids) whose deletion awaits `finish`.
pub async fn fetch_folders<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    progress: &dyn Observer,
) -> Result<(Vec<FolderReport>, Vec<(String, Vec<String>)>)> {
    let listed = remote.folders().await?;
    let patterns: Vec<String> = settings
        .patterns
        .iter()
        .map(|p| remote.normalize_pattern(p))
        .collect();
    let (selected, missing) = select_folders(listed, &patterns);
    let mut reports: Vec<FolderReport> = missing
        .iter()
        .map(|p| {
            let e = missing_folder(p);
            FolderReport {
                name: p.clone(),
                error: Some(e.to_string()),
                error_code: Some(e.exit_code()),
                ..Default::default()
            }
        })
        .collect();
    let mut deletions = Vec::new();
    let mut locals: HashMap<String, String> = HashMap::new();
    for folder in selected {
        let display = names::display_name(&folder.path);
        let mut report = FolderReport {
            name: display.clone(),
            ..Default::default()
        };
        let Some(local) = names::maildir_name(&folder.path) else {
            report.error = Some(format!(
                "folder {:?} has a name that cannot be stored safely; skipped",
                folder.server_name
            ));
            report.error_code = Some(crate::error::exit::PROTOCOL);
            reports.push(report);
            continue;
        };
        if let Some(other) = locals.insert(local.clone(), folder.server_name.clone()) {
            report.error = Some(format!(
                "folders {other:?} and {:?} map to the same local folder {local:?}; skipped the second",
                folder.server_name
            ));
            report.error_code = Some(crate::error::exit::PROTOCOL);
            reports.push(report);
            continue;
        }
        report.local = local.clone();
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
            Err(e) => {
                report.error_code = Some(e.exit_code());
                report.error = Some(e.to_string());
            }
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

/// Folders matching the patterns (already normalized), and the literal patterns that
/// match nothing (probably typos, reported as errors by the callers).
pub fn select_folders(
    listed: Vec<RemoteFolder>,
    patterns: &[String],
) -> (Vec<RemoteFolder>, Vec<String>) {
    let mut selected = Vec::new();
    let mut matched_patterns = HashSet::new();
    for f in listed {
        let display = names::display_name(&f.path);
        let hit = patterns.iter().find(|p| names::matches(p, &display));
        if let Some(p) = hit {
            matched_patterns.insert(p.clone());
            selected.push(f);
        }
    }
    let missing = patterns
        .iter()
        .filter(|p| !p.contains(['*', '%']) && !matched_patterns.contains(*p))
        .cloned()
        .collect();
    // INBOX first, then by name: reports and JSON in an order people expect.
    selected.sort_by(|a, b| (!a.path.is_empty(), &a.path).cmp(&(!b.path.is_empty(), &b.path)));
    (selected, missing)
}

/// The error for a literal folder pattern that matched nothing.
pub fn missing_folder(pattern: &str) -> Error {
    Error::Rejected {
        context: pattern.to_string(),
        detail: format!("no folder {pattern:?} on the server"),
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
    let snap = remote.open(folder, settings.retention.deletes()).await?;
    if !snap.stable_ids && settings.keep_requested {
        return Err(Error::Refused(format!(
            "{}: the server does not support UIDL, so mailx cannot tell new messages from old ones while leaving them on the server; set keep = false to download and delete",
            report.name
        )));
    }
    let maildir = Folder::open(settings.maildir, local)?;
    maildir.clean_tmp();

    let mut fstate = match state.folder(key)? {
        Some(prev) if prev.uidvalidity == snap.validity => FolderState {
            local: local.to_string(),
            ..prev
        },
        Some(prev) => {
            let new = snap.validity.unwrap_or(0);
            recover_renumbered(remote, state, key, local, prev, new).await?
        }
        None => FolderState {
            local: local.to_string(),
            uidvalidity: snap.validity,
            last_uid: 0,
            local_id: maildir.identity(true)?,
        },
    };
    state.set_folder(key, &fstate)?;

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
    let new = plan::new_messages(&listing, &known);
    progress.planned(new.len() as u64, new.iter().map(|m| m.size).sum());

    let mut tally = Tally::default();
    let result = download_all(
        remote,
        state,
        &maildir,
        key,
        &mut fstate,
        &new,
        snap.stable_ids,
        progress,
        &mut tally,
    )
    .await;
    report.downloaded = tally.messages;
    report.bytes = tally.bytes;
    result?;
    if let Some(text) = tally.refused_summary() {
        report.error = Some(text);
        report.error_code = Some(crate::error::exit::PARTIAL);
    }

    // Retention: only messages recorded as delivered (above, or in earlier runs).
    let now = clock::now();
    let to_delete: Vec<(String, u32)> = if !snap.stable_ids {
        // Ids last only this session: delete exactly what was delivered now.
        let delivered: HashSet<&str> = tally.delivered.iter().map(String::as_str).collect();
        new.iter()
            .filter(|m| delivered.contains(m.id.as_str()))
            .map(|m| (m.id.clone(), m.uid))
            .collect()
    } else if settings.retention.deletes() {
        let all_known = state.known(key, 0)?;
        let present: Option<HashMap<String, u32>> = snap
            .lists_everything
            .then(|| listing.iter().map(|m| (m.id.clone(), m.uid)).collect());
        plan::expired(&all_known, present.as_ref(), settings.retention, now)
    } else {
        Vec::new()
    };
    if snap.lists_everything && snap.stable_ids {
        let present: HashSet<&str> = listing.iter().map(|m| m.id.as_str()).collect();
        state.forget_absent(key, &|id| present.contains(id))?;
    }
    if !to_delete.is_empty() {
        remote.delete(&to_delete).await?;
        report.deleted_on_server = to_delete.len() as u64;
    }
    Ok(to_delete.into_iter().map(|(id, _)| id).collect())
}

/// Messages and bytes delivered, and the messages the server refused to send.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub messages: u64,
    pub bytes: u64,
    /// (uid, error) of messages the server answered NO for, or sent only in part.
    pub refused: Vec<(u32, String)>,
    /// Ids of the messages now in the Maildir.
    pub delivered: Vec<String>,
}

impl Tally {
    /// One line for a folder report, when messages were refused.
    pub fn refused_summary(&self) -> Option<String> {
        let (uid, first) = self.refused.first()?;
        Some(format!(
            "the server could not send {} message(s), e.g. UID {uid}: {first}; the others were downloaded, these are retried next run",
            self.refused.len()
        ))
    }
}

/// Downloads `msgs` in batches. When a batch fails on the server's side (refused, or the
/// server dropped the connection over one message), its messages are retried one by one
/// in a fresh session, so that one message the server cannot send does not stop the rest.
#[allow(clippy::too_many_arguments)]
pub async fn download_all<R: Remote>(
    remote: &mut R,
    state: &mut State,
    maildir: &Folder,
    key: &str,
    fstate: &mut FolderState,
    msgs: &[RemoteMessage],
    record: bool,
    progress: &dyn Observer,
    tally: &mut Tally,
) -> Result<()> {
    for batch in plan::batches(msgs, BATCH_COUNT, BATCH_BYTES) {
        let r = download_batch(
            remote, state, maildir, key, fstate, batch, record, progress, tally,
        )
        .await;
        let first = match r {
            Err(e) if server_side(&e) => e,
            other => {
                other?;
                continue;
            }
        };
        tracing::warn!("{key}: {first}; trying the batch's messages one by one");
        if !matches!(first, Error::Rejected { .. }) {
            reopen(remote, first).await?;
        }
        for one in batch.chunks(1) {
            let r = download_batch(
                remote, state, maildir, key, fstate, one, record, progress, tally,
            )
            .await;
            match r {
                Err(e) if server_side(&e) => {
                    tally.refused.push((one[0].uid, e.to_string()));
                    if !matches!(e, Error::Rejected { .. }) {
                        reopen(remote, e).await?;
                    }
                }
                other => other?,
            }
        }
    }
    Ok(())
}

/// A new session after `cause`; if that fails too, `cause` is the error to report.
async fn reopen<R: Remote>(remote: &mut R, cause: Error) -> Result<()> {
    remote.reopen().await.map_err(|e| {
        tracing::debug!("could not continue in a new session: {e}");
        cause
    })
}

/// Failures of one request that a new session may not repeat (local ones are not).
fn server_side(e: &Error) -> bool {
    matches!(
        e,
        Error::Rejected { .. }
            | Error::Network { .. }
            | Error::Protocol { .. }
            | Error::Timeout { .. }
    )
}

/// Downloads one batch: write to tmp/ → fsync the batch's files → rows pending → rename
/// into new/ or cur/ → fsync the directories → rows delivered, with the folder's gap-free
/// high-water mark.
#[allow(clippy::too_many_arguments)]
pub async fn download_batch<R: Remote>(
    remote: &mut R,
    state: &mut State,
    maildir: &Folder,
    key: &str,
    fstate: &mut FolderState,
    batch: &[RemoteMessage],
    record: bool,
    progress: &dyn Observer,
    tally: &mut Tally,
) -> Result<()> {
    let mut staged: Vec<(Downloaded, Staged, i64)> = Vec::with_capacity(batch.len());
    let result = remote
        .download(batch, &mut |fetched: Fetched| {
            let d = match fetched {
                Fetched::Whole(d) => d,
                Fetched::Refused { id, uid, reason } => {
                    tracing::warn!("{key}: message {id}: {reason}; not stored, retried next run");
                    tally.refused.push((uid, reason));
                    return Ok(());
                }
            };
            let fp = plan::fingerprint(&d.body);
            let s = maildir.stage(&d.body)?;
            progress.stored(d.body.len() as u64);
            // The body is on disk; keep only the metadata.
            let d = Downloaded {
                body: Vec::new(),
                ..d
            };
            staged.push((d, s, fp));
            Ok(())
        })
        .await;
    let result = result.and_then(|()| maildir.sync_staged(staged.iter_mut().map(|(_, s, _)| s)));
    if let Err(e) = result {
        for (_, s, _) in staged {
            maildir.discard(s);
        }
        return Err(e);
    }
    testhook::step("sync staged")?;
    let received: HashSet<&str> = staged.iter().map(|(d, _, _)| d.id.as_str()).collect();
    let missing: Vec<&RemoteMessage> = batch
        .iter()
        .filter(|m| !received.contains(m.id.as_str()))
        .collect();

    let requested: HashMap<&str, &RemoteMessage> =
        batch.iter().map(|m| (m.id.as_str(), m)).collect();
    let rows: Vec<NewRow> = staged
        .iter()
        .map(|(d, s, fp)| {
            let listed = requested.get(d.id.as_str());
            NewRow {
                id: d.id.clone(),
                uid: listed.map(|m| m.uid).unwrap_or(0),
                file: s.unique.clone(),
                size: listed.map(|m| m.size).unwrap_or(s.size),
                fingerprint: *fp,
                flags: d.flags,
            }
        })
        .collect();
    let now = clock::now();
    if record {
        state.record_pending(key, &rows, now)?;
        testhook::step("record pending")?;
    }
    for (d, s, _) in &staged {
        maildir.deliver(s, d.flags, d.internal_date)?;
        tally.messages += 1;
        tally.bytes += s.size;
        tally.delivered.push(d.id.clone());
        testhook::step("deliver")?;
    }
    maildir.sync_dirs()?;
    // Advance the high-water mark only past a gap-free prefix of what was requested, and
    // never past a message the server refused earlier in this run.
    let before = fstate.last_uid;
    if let Some(first_missing) = missing.iter().map(|m| m.uid).min() {
        fstate.last_uid = fstate.last_uid.max(first_missing.saturating_sub(1));
    } else if let Some(max) = batch.iter().map(|m| m.uid).max() {
        fstate.last_uid = fstate.last_uid.max(max);
    }
    if let Some(refused) = tally
        .refused
        .iter()
        .map(|(u, _)| *u)
        .filter(|u| *u > before)
        .min()
    {
        fstate.last_uid = fstate.last_uid.min(refused - 1).max(before);
    }
    if record {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let folder_state = (fstate.uidvalidity.is_some()).then_some(&*fstate);
        state.mark_delivered(key, &ids, folder_state)?;
        testhook::step("commit delivered")?;
    }
    if !missing.is_empty() {
        tracing::warn!(
            "{key}: the server did not return {} message(s) (expunged meanwhile?); will retry next run",
            missing.len()
        );
    }
    Ok(())
}

/// (uid, (size, header fingerprint)) of the open folder's messages with UID >= `from`:
/// what `plan::match_by_content` pairs on.
pub async fn identities<R: Remote>(remote: &mut R, from: u32) -> Result<Vec<(u32, (u64, i64))>> {
    Ok(remote
        .headers(from)
        .await?
        .into_iter()
        .map(|(uid, size, header)| (uid, (size, plan::fingerprint(&header))))
        .collect())
}

/// The server renumbered the folder. Re-identify recorded messages by header fingerprint
/// and size (as a multiset: two identical copies match two copies), move their rows to the
/// new UIDs, and leave every unmatched server message to be downloaded as new. Nothing is
/// deleted anywhere, and no matched message is downloaded twice.
async fn recover_renumbered<R: Remote>(
    remote: &mut R,
    state: &mut State,
    key: &str,
    local: &str,
    prev: FolderState,
    new_validity: u32,
) -> Result<FolderState> {
    let old = prev.uidvalidity.unwrap_or(0);
    let server = identities(remote, 1)
        .await
        .map_err(|e| Error::UidValidity {
            folder: key.to_string(),
            old,
            new: new_validity,
            detail: format!("the messages could not be compared: {e}"),
        })?;
    let recorded: Vec<(String, (u64, i64))> = state
        .fingerprints(key)?
        .into_iter()
        .map(|(id, size, fp)| (id, (size, fp)))
        .collect();
    let mapping: Vec<(String, u32)> = plan::match_by_content(&server, &recorded)
        .into_iter()
        .map(|(uid, id)| (id, uid))
        .collect();
    let fresh = FolderState {
        local: local.to_string(),
        uidvalidity: Some(new_validity),
        last_uid: 0,
        local_id: prev.local_id.clone(),
    };
    state.renumber(key, &mapping, &fresh)?;
    tracing::warn!(
        "{key}: UIDVALIDITY changed from {old} to {new_validity}; {} of {} recorded messages found again by content, the rest of the folder will be downloaded as new",
        mapping.len(),
        recorded.len()
    );
    Ok(fresh)
}

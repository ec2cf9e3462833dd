//! Carrying out one folder's plan in an order where a crash anywhere converges on the
//! next run; the mass-deletion guard before it, and the dry run's description instead.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::*;
use crate::remote::Upload;

/// Uploads sent in one pipelined batch, with one state commit before and after: enough to
/// hide the round trip, small enough that a crash leaves little to find by content.
const UPLOAD_BATCH: usize = 256;
const UPLOAD_BATCH_BYTES: usize = 32 << 20;

/// The mass-deletion guard (rclone bisync's `--max-delete`, unison's
/// `confirmbigdeletes`): a run that would delete more of a folder than `max_delete`
/// allows stops that folder before anything is changed.
pub(super) fn mass_deletion(
    folder: &str,
    plan: &FolderPlan,
    pairs: &[Pair],
    remote: &ByUid,
    local: &HashMap<String, LocalMessage>,
    max_delete: Option<MaxDelete>,
) -> Result<()> {
    let Some(max) = max_delete else {
        return Ok(());
    };
    let paired = pairs
        .iter()
        .filter(|p| !p.local_deleted && !p.server_deleted)
        .count() as u64;
    let deletions = plan.deletions as u64;
    if !max.exceeded(deletions, paired) {
        return Ok(());
    }
    Err(Error::Guard {
        context: folder.into(),
        detail: format!(
            "this run would delete {deletions} of the {paired} messages both sides had at the last sync (on the server: {} now, locally: {} now; {} to delete locally, {} on the server); more than max_delete = \"{}\" allows, so nothing was changed in this folder",
            remote.len(),
            local.len(),
            plan.delete_local.len(),
            plan.deleted_remote,
            max.describe()
        ),
        hint: "if you deleted these messages on purpose, run `mailx sync --allow-deletes` (this run only) or raise `max_delete` for the account; if not, check the Maildir (moved, replaced, restored?) and the server before syncing again. `mailx sync --dry-run` lists what would be deleted".into(),
    })
}

pub(super) async fn apply<R: Remote>(
    remote: &mut R,
    state: &mut State,
    snap: &Snapshot<'_>,
    fstate: &mut FolderState,
    plan: &FolderPlan,
    progress: &dyn Observer,
    report: &mut SyncReport,
) -> Result<()> {
    let Snapshot {
        rf,
        maildir,
        listing,
        pairs,
        local_msgs,
        max_message_size,
        stamp,
        expunge,
    } = *snap;
    let key = rf.server_name.as_str();
    // 1. Downloads, recorded batch by batch.
    progress.planned(
        plan.download.len() as u64,
        plan.download.iter().map(|m| m.size).sum(),
    );
    let mut tally = Tally::default();
    let to = Delivery {
        maildir,
        key,
        record: true,
        max_message_size,
        progress,
    };
    let result = download_all(remote, state, &to, fstate, &plan.download, &mut tally).await;
    report.downloaded = tally.messages;
    report.bytes = tally.bytes;
    result?;
    let downloads_complete = tally.messages as usize == plan.download.len();
    let mut failures: Vec<String> = tally
        .refused
        .iter()
        .map(|(uid, e)| format!("download of UID {uid}: {e}"))
        .collect();

    // 2. Uploads, each recorded before and after its APPEND.
    upload(remote, state, snap, plan, report, &mut failures).await?;

    // 3. Server flags, grouped into as few STOREs as possible.
    let mut groups: BTreeMap<(String, String), (Flags, Flags, Vec<u32>)> = BTreeMap::new();
    for (uid, add, remove) in &plan.push_flags {
        groups
            .entry((add.info(), remove.info()))
            .or_insert((*add, *remove, Vec::new()))
            .2
            .push(*uid);
    }
    for (add, remove, uids) in groups.values() {
        remote.set_flags(uids, *add, *remove).await?;
        testhook::step("store flags")?;
    }
    report.flags_to_server = plan.flags_to_server as u64;

    // 4. Local flags: renames.
    let file_uid: HashMap<&str, u32> = pairs.iter().map(|p| (p.file.as_str(), p.uid)).collect();
    let mut skipped: HashSet<u32> = HashSet::new();
    for (file, flags) in &plan.pull_flags {
        let Some(msg) = local_msgs.get(file) else {
            continue;
        };
        match maildir.set_flags(msg, *flags) {
            Ok(_) => report.flags_to_local += 1,
            // Moved or deleted by a mail reader meanwhile: the next run sees it again.
            Err(Error::LocalIo { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                if let Some(uid) = file_uid.get(file.as_str()) {
                    skipped.insert(*uid);
                }
            }
            Err(e) => return Err(e),
        }
        testhook::step("local flags")?;
    }

    // 5. Expunge on the server.
    let mut not_expunged: HashSet<u32> = HashSet::new();
    if !plan.expunge_remote.is_empty() && !remote.expunge(&plan.expunge_remote).await? {
        tracing::warn!(
            "{}: the server cannot expunge single messages (no UIDPLUS); {} stay flagged \\Deleted",
            report.name,
            plan.expunge_remote.len()
        );
        not_expunged.extend(plan.expunge_remote.iter().copied());
    }
    testhook::step("expunge")?;
    report.deleted_on_server = plan.deleted_remote as u64;

    // 6. Local deletions.
    for file in &plan.delete_local {
        if let Some(msg) = local_msgs.get(file) {
            maildir.remove(msg)?;
            report.deleted_local += 1;
            testhook::step("delete local")?;
        }
    }
    if !plan.pull_flags.is_empty() || !plan.delete_local.is_empty() {
        maildir.sync_dirs()?;
    }

    // 7. The new baselines.
    let changes: Vec<PairChange> = plan
        .state
        .iter()
        .filter_map(|c| match c {
            PairChange::Flags(uid, _) if skipped.contains(uid) => None,
            // Flagged but not expunged: the pair lives on as deleted locally.
            PairChange::Forget(uid) if not_expunged.contains(uid) => {
                Some(PairChange::LocalDeleted(*uid, Flags::from_info("T")))
            }
            other => Some(other.clone()),
        })
        .collect();
    state.change_pairs(key, &changes)?;
    testhook::step("commit pairs")?;

    // 8. High-water marks, last.
    if downloads_complete {
        let seen = listing.uidnext.map(|n| n.saturating_sub(1)).unwrap_or(0);
        let top = plan.download.iter().map(|m| m.uid).max().unwrap_or(0);
        fstate.last_uid = fstate.last_uid.max(seen).max(top);
    }
    // The stamp read before the scan stands for the folder only if nothing changed it
    // since (this run's own writes included) and nothing is left for the next run to do.
    let stamp = stamp
        .filter(|_| failures.is_empty() && skipped.is_empty() && downloads_complete)
        .filter(|s| local_stamp(maildir, expunge).is_some_and(|(now, _)| now == *s));
    state.finish_folder_sync(key, fstate, listing.modseq, stamp)?;
    testhook::step("commit folder")?;

    if !failures.is_empty() {
        report.error = Some(Failure::new(
            exit::PARTIAL,
            format!(
                "{} message(s) could not be transferred (first: {}); the rest of the folder was synced",
                failures.len(),
                failures[0]
            ),
            "nothing to do: they are tried again next run; if one keeps failing, rerun with -vv to see the server's answer",
        ));
    }
    Ok(())
}

pub(super) async fn upload<R: Remote>(
    remote: &mut R,
    state: &mut State,
    snap: &Snapshot<'_>,
    plan: &FolderPlan,
    report: &mut SyncReport,
    failures: &mut Vec<String>,
) -> Result<()> {
    let Snapshot {
        rf,
        listing,
        local_msgs,
        ..
    } = *snap;
    let key = rf.server_name.as_str();
    let floor = listing.uidnext.unwrap_or(1);
    let mut unresolved: Vec<(PendingUpload, Flags)> = Vec::new();
    let mut files = plan.upload.iter().peekable();
    while files.peek().is_some() {
        // A batch: up to UPLOAD_BATCH messages or UPLOAD_BATCH_BYTES, read into memory.
        let mut batch: Vec<(PendingUpload, Flags, Vec<u8>, Option<i64>)> = Vec::new();
        let mut bytes = 0;
        while batch.len() < UPLOAD_BATCH && bytes < UPLOAD_BATCH_BYTES {
            let Some(file) = files.next() else { break };
            let Some(msg) = local_msgs.get(file) else {
                continue;
            };
            let (body, mtime) = match maildir::read_for_upload(msg) {
                Ok(b) => b,
                // Gone since the scan (moved by a mail reader): the next run sees where.
                Err(Error::LocalIo { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    continue;
                }
                Err(e) => return Err(e),
            };
            let up = PendingUpload {
                file: file.clone(),
                uid_floor: floor,
                size: body.len() as u64,
                fingerprint: plan::fingerprint(&body),
            };
            bytes += body.len();
            batch.push((up, msg.flags, body, mtime));
        }
        if batch.is_empty() {
            continue;
        }
        let ups: Vec<PendingUpload> = batch.iter().map(|(u, ..)| u.clone()).collect();
        state.record_uploads(key, &ups, clock::now())?;
        testhook::step("record uploads")?;
        let uploads: Vec<Upload<'_>> = batch
            .iter()
            .map(|(_, flags, body, date)| Upload {
                body,
                flags: *flags,
                date: *date,
            })
            .collect();
        let answers = remote.append(rf, &uploads).await?;
        testhook::step("append")?;
        let mut done = Vec::new();
        for ((up, flags, ..), answer) in batch.iter().zip(answers) {
            match answer {
                Ok(Some(uid)) => {
                    done.push((up.file.clone(), Some(uid), *flags));
                    report.uploaded += 1;
                }
                Ok(None) => unresolved.push((up.clone(), *flags)),
                Err(e) => {
                    // This message only (too large, refused content): forget the attempt.
                    tracing::warn!("{}: {}: {e}", report.name, up.file);
                    done.push((up.file.clone(), None, *flags));
                    failures.push(format!("{}: {e}", up.file));
                }
            }
        }
        state.finish_uploads(key, &done)?;
        testhook::step("commit uploads")?;
    }
    if unresolved.is_empty() {
        return Ok(());
    }
    // No APPENDUID: find the copies by content among the UIDs above the old UIDNEXT.
    let ups: Vec<PendingUpload> = unresolved.iter().map(|(u, _)| u.clone()).collect();
    let found = find_uploaded(remote, state, key, &ups).await?;
    for (up, flags) in &unresolved {
        match found.get(&up.file) {
            Some(uid) => {
                state.finish_uploads(key, &[(up.file.clone(), Some(*uid), *flags)])?;
                report.uploaded += 1;
            }
            // Left pending: the next run looks for it again before uploading anything.
            None => failures.push(format!(
                "{}: appended, but not found again on the server",
                up.file
            )),
        }
    }
    Ok(())
}

/// `--dry-run`: the plan as lines and counts, nothing done.
pub(super) fn describe(
    plan: &FolderPlan,
    local_msgs: &HashMap<String, LocalMessage>,
    max_message_size: u64,
    report: &mut SyncReport,
) {
    let (download, large) = split_too_large(&plan.download, max_message_size);
    for m in &download {
        report
            .plan
            .push(format!("download UID {} ({})", m.uid, human_bytes(m.size)));
    }
    for m in &large {
        report.plan.push(too_large(&m.id, m.size, max_message_size));
    }
    for f in &plan.upload {
        let flags = local_msgs
            .get(f)
            .map(|m| m.flags.info())
            .unwrap_or_default();
        report.plan.push(format!("upload {f} (flags \"{flags}\")"));
    }
    for (uid, add, remove) in &plan.push_flags {
        report.plan.push(format!(
            "server UID {uid}: add \"{}\", remove \"{}\"",
            add.info(),
            remove.info()
        ));
    }
    for (f, flags) in &plan.pull_flags {
        report
            .plan
            .push(format!("local {f}: flags become \"{}\"", flags.info()));
    }
    for uid in &plan.expunge_remote {
        report.plan.push(format!("expunge server UID {uid}"));
    }
    for f in &plan.delete_local {
        report.plan.push(format!("delete local {f}"));
    }
    report.downloaded = download.len() as u64;
    report.bytes = download.iter().map(|m| m.size).sum();
    report.uploaded = plan.upload.len() as u64;
    report.flags_to_server = plan.flags_to_server as u64;
    report.flags_to_local = plan.pull_flags.len() as u64;
    report.deleted_local = plan.delete_local.len() as u64;
    report.deleted_on_server = plan.deleted_remote as u64;
}

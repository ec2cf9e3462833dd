//! `mailx sync` for one IMAP account: pair folders, then per folder snapshot both sides →
//! plan (`sync_plan`, pure) → apply in an order where a crash at any point converges on
//! the next run: downloads and uploads are recorded as they become durable, flag and
//! deletion changes are idempotent and their new baselines are committed after them, and
//! the folder's high-water marks (last UID, HIGHESTMODSEQ) move last.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::clock;
use crate::config::{Create, MaxDelete};
use crate::domain::Flags;
use crate::domain::names;
use crate::engine::Observer;
use crate::engine::deliver::{Delivery, Tally, download_all};
use crate::engine::fetch;
use crate::engine::plan;
use crate::engine::sync_plan::{self, FolderPlan};
use crate::engine::{Failure, folders};
use crate::error::{Error, Result, exit};
use crate::remote::{Baseline, Remote, RemoteFolder, RemoteMessage, SyncListing};
use crate::state::{FolderState, Pair, PairChange, PendingUpload, State};
use crate::store::maildir::{self, Folder, LocalMessage};
use crate::testhook;
use crate::units::human_bytes;

pub struct Settings<'a> {
    pub maildir: &'a Path,
    pub patterns: &'a [String],
    pub expunge: bool,
    pub create: Create,
    pub dry_run: bool,
    /// Ignore saved state and pair messages by content (never deletes anything).
    pub reconcile: bool,
    /// The mass-deletion guard; `None` with `--allow-deletes`.
    pub max_delete: Option<MaxDelete>,
}

#[derive(Debug, Default, Serialize)]
pub struct SyncReport {
    pub name: String,
    pub local: String,
    /// "local" or "remote" when the folder was created on that side by this run.
    pub created: Option<&'static str>,
    pub downloaded: u64,
    pub bytes: u64,
    pub uploaded: u64,
    /// Messages whose local flags changed to follow the server.
    pub flags_to_local: u64,
    /// Messages whose server flags changed to follow the local side.
    pub flags_to_server: u64,
    pub deleted_local: u64,
    /// Flagged \Deleted on the server (and expunged with `expunge = true`).
    pub deleted_on_server: u64,
    pub error: Option<Failure>,
    /// `--dry-run`: what would be done, one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<String>,
}

impl SyncReport {
    fn fail(&mut self, e: &Error) {
        self.error = Some(Failure::from(e));
    }
}

/// A folder as both sides know it, keyed by its path.
#[derive(Default)]
struct Sides {
    remote: Option<RemoteFolder>,
    local: Option<String>,
    /// The state knows the server folder / the local folder: one of them vanishing is
    /// then news, not a folder that was never there.
    known_remote: bool,
    known_local: bool,
    /// The server name the state has for this local folder (for `--reconcile`).
    recorded_as: Option<String>,
}

/// What one folder's apply works from: both sides as listed, and the pairs between them.
struct Snapshot<'a> {
    rf: &'a RemoteFolder,
    maildir: &'a Folder,
    listing: &'a SyncListing,
    pairs: &'a [Pair],
    local_msgs: &'a HashMap<String, LocalMessage>,
}

/// Syncs every selected folder; one folder's failure does not stop the others.
pub async fn sync_folders<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    progress: &dyn Observer,
) -> Result<Vec<SyncReport>> {
    let patterns: Vec<String> = settings
        .patterns
        .iter()
        .map(|p| remote.normalize_pattern(p))
        .collect();
    let selected = |path: &[String]| {
        let display = names::display_name(path);
        patterns.iter().any(|p| names::matches(p, &display))
    };
    let selection = folders::select(remote, settings.patterns).await?;
    let mut reports: Vec<SyncReport> = selection
        .failures
        .into_iter()
        .map(|(name, f)| SyncReport {
            name,
            error: Some(f),
            ..Default::default()
        })
        .collect();
    let mut folders: BTreeMap<Vec<String>, Sides> = BTreeMap::new();
    for (f, _) in selection.folders {
        let path = f.path.clone();
        folders.entry(path).or_default().remote = Some(f);
    }
    let mut local_names = maildir::list_folders(settings.maildir)?;
    if Folder::exists(settings.maildir, "") {
        local_names.push(String::new());
    }
    for name in local_names {
        match names::path_of_maildir_name(&name) {
            Some(_) if selection.shared_locals.contains(&name) => {}
            Some(path) if selected(&path) => {
                folders.entry(path).or_default().local = Some(name);
            }
            Some(_) => {}
            None => tracing::debug!("{name:?} is not a folder name mailx makes; ignored"),
        }
    }
    // A literal pattern that matches nothing on either side is probably a typo.
    for p in &selection.unmatched {
        if !folders
            .keys()
            .any(|path| names::matches(p, &names::display_name(path)))
        {
            reports.push(SyncReport {
                name: p.clone(),
                error: Some(folders::unmatched(p, "on the server or locally")),
                ..Default::default()
            });
        }
    }
    let known = state.folders()?;
    for (path, sides) in folders.iter_mut() {
        sides.known_remote = sides
            .remote
            .as_ref()
            .is_some_and(|r| known.contains_key(&r.server_name));
        let local = sides.local.clone().or_else(|| names::maildir_name(path));
        sides.recorded_as = known
            .iter()
            .find(|(_, l)| Some(*l) == local.as_ref())
            .map(|(r, _)| r.clone());
        sides.known_local = sides.recorded_as.is_some();
    }

    for (path, sides) in &folders {
        let mut report = SyncReport {
            name: names::display_name(path),
            ..Default::default()
        };
        let result = sync_one(remote, state, settings, path, sides, progress, &mut report).await;
        match result {
            // A bug (or an injected crash) stops the account where it happened.
            Err(e @ Error::Internal(_)) => return Err(e),
            Err(e) => report.fail(&e),
            Ok(()) => {}
        }
        reports.push(report);
    }
    Ok(reports)
}

async fn sync_one<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    path: &[String],
    sides: &Sides,
    progress: &dyn Observer,
    report: &mut SyncReport,
) -> Result<()> {
    let local = match &sides.local {
        Some(l) => l.clone(),
        None => names::maildir_name(path).ok_or_else(|| {
            Error::protocol(
                &report.name,
                "this folder name cannot be stored safely in a Maildir; skipped",
            )
        })?,
    };
    report.local = local.clone();
    let guard = |detail: String, hint: &str| Error::Guard {
        context: report.name.clone(),
        detail,
        hint: hint.to_string(),
    };
    let remote_folder = match (&sides.remote, &sides.local) {
        (Some(r), Some(_)) => r.clone(),
        (Some(r), None) => {
            if sides.known_remote && !settings.reconcile {
                return Err(guard(
                    format!(
                        "the local folder {local:?} is gone; mailx will not delete its messages on the server"
                    ),
                    "if you deleted it on purpose, delete the folder on the server too (mailx never deletes folders); to download it again instead, run `mailx sync --reconcile`",
                ));
            }
            if !path.is_empty() && !settings.create.local() {
                report.plan.push(format!(
                    "not created locally (create = \"{}\")",
                    settings.create.name()
                ));
                return Ok(());
            }
            report.created = Some("local");
            r.clone()
        }
        (None, Some(_)) => {
            if sides.known_local && !settings.reconcile {
                return Err(guard(
                    "the folder is gone from the server; mailx will not delete the local copy"
                        .into(),
                    "if it was deleted on purpose, delete the local folder too (mailx never deletes folders); to upload it to the server again instead, run `mailx sync --reconcile`",
                ));
            }
            if !settings.create.remote() {
                report.plan.push(format!(
                    "not created on the server (create = \"{}\")",
                    settings.create.name()
                ));
                return Ok(());
            }
            report.created = Some("remote");
            if settings.dry_run {
                let files = Folder::existing(settings.maildir, &local).scan()?;
                report.plan.push("create the folder on the server".into());
                for f in sorted_keys(&files) {
                    report.plan.push(format!("upload {f}"));
                }
                report.uploaded = files.len() as u64;
                return Ok(());
            }
            remote.create_folder(path).await?
        }
        (None, None) => return Ok(()),
    };
    if settings.reconcile && !settings.dry_run {
        state.forget_folder(&remote_folder.server_name)?;
        if let Some(old) = &sides.recorded_as {
            state.forget_folder(old)?;
        }
    }
    if report.created == Some("local") && settings.dry_run {
        report.plan.push("create the folder locally".into());
    }
    sync_folder(
        remote,
        state,
        settings,
        &remote_folder,
        &local,
        progress,
        report,
    )
    .await
}

fn sorted_keys<V>(m: &HashMap<String, V>) -> Vec<&String> {
    let mut v: Vec<&String> = m.keys().collect();
    v.sort();
    v
}

async fn sync_folder<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    rf: &RemoteFolder,
    local: &str,
    progress: &dyn Observer,
    report: &mut SyncReport,
) -> Result<()> {
    let key = rf.server_name.as_str();
    let prev = if settings.reconcile {
        None
    } else {
        state.folder(key)?
    };
    let stored_pairs = if prev.is_some() {
        state.pairs(key)?
    } else {
        Vec::new()
    };
    let since = match (&prev, state.modseq(key)?) {
        (Some(f), Some(modseq))
            if stored_pairs
                .iter()
                .all(|p| p.flags.is_some() || p.server_deleted) =>
        {
            f.uidvalidity.map(|validity| Baseline {
                validity,
                modseq,
                last_uid: f.last_uid,
                present: stored_pairs
                    .iter()
                    .filter(|p| !p.server_deleted && p.uid <= f.last_uid)
                    .count(),
            })
        }
        _ => None,
    };
    let listing = remote.sync_open(rf, !settings.dry_run, since).await?;
    let maildir = if settings.dry_run {
        Folder::existing(settings.maildir, local)
    } else {
        let f = Folder::open(settings.maildir, local)?;
        f.clean_tmp();
        f
    };
    let local_msgs = maildir.scan()?;
    let remote_all = full_remote(&listing, &stored_pairs);

    let renumbered = prev
        .as_ref()
        .is_some_and(|p| p.uidvalidity != Some(listing.validity));
    // The state speaks for this directory only if it was written for it: a Maildir that
    // was replaced, restored from a copy or belongs to another account is "no state".
    let local_id = maildir.identity(!settings.dry_run)?;
    let replaced = prev
        .as_ref()
        .is_some_and(|p| p.local_id.is_none() || p.local_id != local_id);
    let mut fstate = FolderState {
        local: local.to_string(),
        uidvalidity: Some(listing.validity),
        last_uid: prev.as_ref().map(|p| p.last_uid).unwrap_or(0),
        local_id,
    };
    let pairs = if prev.is_none() || renumbered || replaced {
        if replaced {
            tracing::warn!(
                "{}: the local folder {local:?} is not the one the saved state describes (replaced, restored from a copy, or never bound); pairing messages by content, nothing will be deleted",
                report.name
            );
        } else if renumbered {
            tracing::warn!(
                "{}: the server renumbered the folder (UIDVALIDITY changed); pairing messages by content, nothing will be deleted",
                report.name
            );
        }
        fstate.last_uid = 0;
        // Deletions remembered for another directory say nothing about this one.
        let remembered: &[Pair] = if replaced { &[] } else { &stored_pairs };
        let pairs = pair_by_content(remote, &remote_all, &local_msgs, remembered).await?;
        if !settings.dry_run {
            state.replace_pairs(key, &pairs, &fstate, clock::now())?;
            testhook::step("pairs by content")?;
        }
        pairs
    } else if !settings.dry_run && !state.pending_uploads(key)?.is_empty() {
        recover_uploads(remote, state, key, &local_msgs, &remote_all).await?;
        state.pairs(key)?
    } else {
        stored_pairs
    };
    let local_msgs = find_missing_again(&maildir, &pairs, local_msgs)?;

    let plan = sync_plan::plan_folder(&pairs, &remote_all, &local_msgs, settings.expunge);
    let guard = mass_deletion(
        &report.name,
        &plan,
        &pairs,
        &remote_all,
        &local_msgs,
        settings.max_delete,
    );
    if settings.dry_run {
        describe(&plan, &local_msgs, report);
        return guard;
    }
    guard?;
    let snap = Snapshot {
        rf,
        maildir: &maildir,
        listing: &listing,
        pairs: &pairs,
        local_msgs: &local_msgs,
    };
    apply(remote, state, &snap, &mut fstate, &plan, progress, report).await
}

/// A paired file missing from the scan is looked for again before its absence can become
/// a deletion on the server: mail readers rename files in cur/ (flag changes) while sync
/// runs, and a directory listing taken during a rename may miss the file. Up to three
/// fresh scans; what is still missing after them is gone.
fn find_missing_again(
    maildir: &Folder,
    pairs: &[Pair],
    mut local: HashMap<String, LocalMessage>,
) -> Result<HashMap<String, LocalMessage>> {
    let missing = |local: &HashMap<String, LocalMessage>| -> HashSet<String> {
        pairs
            .iter()
            .filter(|p| !p.local_deleted && !p.server_deleted && !local.contains_key(&p.file))
            .map(|p| p.file.clone())
            .collect()
    };
    let mut lost = missing(&local);
    for _ in 0..3 {
        if lost.is_empty() {
            break;
        }
        for (name, msg) in maildir.scan()? {
            if lost.remove(&name) {
                tracing::debug!("{name} was renamed during the scan; found again");
                local.insert(name, msg);
            }
        }
    }
    Ok(local)
}

/// The mass-deletion guard (rclone bisync's `--max-delete`, unison's
/// `confirmbigdeletes`): a run that would delete more of a folder than `max_delete`
/// allows stops that folder before anything is changed.
fn mass_deletion(
    folder: &str,
    plan: &FolderPlan,
    pairs: &[Pair],
    remote: &HashMap<u32, RemoteMessage>,
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

/// Every server message with its flags: the listing itself when complete, otherwise the
/// last sync's pairs with what changed since applied.
fn full_remote(listing: &SyncListing, pairs: &[Pair]) -> HashMap<u32, RemoteMessage> {
    let mut all: HashMap<u32, RemoteMessage> = HashMap::new();
    if !listing.complete {
        for p in pairs.iter().filter(|p| !p.server_deleted) {
            all.insert(
                p.uid,
                RemoteMessage {
                    id: p.uid.to_string(),
                    uid: p.uid,
                    size: p.size,
                    flags: p.flags.unwrap_or_default(),
                },
            );
        }
        for uid in &listing.vanished {
            all.remove(uid);
        }
    }
    for m in &listing.messages {
        match all.get_mut(&m.uid) {
            Some(known) if m.size == 0 => known.flags = m.flags,
            _ => {
                all.insert(m.uid, m.clone());
            }
        }
    }
    all
}

/// Identity of a message for content matching: size with CRLF line ends and the
/// fingerprint of its header block.
fn local_identity(msg: &LocalMessage) -> Result<(u64, i64)> {
    let (body, _) = maildir::read_for_upload(msg)?;
    Ok((body.len() as u64, plan::fingerprint(&body)))
}

/// Pairs by content when there is no usable state: nothing is deleted and nothing is
/// transferred twice. Messages deleted locally before the state was lost stay deleted
/// when their server copy still carries \Deleted.
async fn pair_by_content<R: Remote>(
    remote: &mut R,
    remote_all: &HashMap<u32, RemoteMessage>,
    local_msgs: &HashMap<String, LocalMessage>,
    old_pairs: &[Pair],
) -> Result<Vec<Pair>> {
    let locally_deleted: Vec<&Pair> = old_pairs.iter().filter(|p| p.local_deleted).collect();
    if remote_all.is_empty() || (local_msgs.is_empty() && locally_deleted.is_empty()) {
        return Ok(Vec::new());
    }
    let server: Vec<(u32, (u64, i64))> = fetch::identities(remote, 1)
        .await?
        .into_iter()
        .filter(|(uid, _)| remote_all.contains_key(uid))
        .collect();
    let mut identities = HashMap::new();
    let mut local_ids = Vec::with_capacity(local_msgs.len());
    for (name, msg) in local_msgs {
        let id = local_identity(msg)?;
        identities.insert(name.clone(), id);
        local_ids.push((name.clone(), id));
    }
    let mut pairs = Vec::new();
    let matched = plan::match_by_content(&server, &local_ids);
    let taken: HashSet<u32> = matched.iter().map(|(uid, _)| *uid).collect();
    for (uid, file) in matched {
        let (Some(r), Some(l)) = (remote_all.get(&uid), local_msgs.get(&file)) else {
            continue;
        };
        let (size, fingerprint) = identities[&file];
        pairs.push(Pair {
            uid,
            file,
            // Baseline = what both have: the merge then keeps every flag either side has.
            flags: Some(l.flags.intersection(&r.flags)),
            local_deleted: false,
            server_deleted: false,
            size,
            fingerprint,
        });
    }
    let rest: Vec<(u32, (u64, i64))> = server
        .into_iter()
        .filter(|(uid, _)| !taken.contains(uid) && remote_all[uid].flags.deleted)
        .collect();
    let gone: Vec<(String, (u64, i64))> = locally_deleted
        .iter()
        .map(|p| (p.file.clone(), (p.size, p.fingerprint)))
        .collect();
    for (uid, file) in plan::match_by_content(&rest, &gone) {
        if let Some(old) = locally_deleted.iter().find(|p| p.file == file) {
            pairs.push(Pair {
                uid,
                local_deleted: true,
                ..(*old).clone()
            });
        }
    }
    tracing::info!(
        "paired {} messages by content ({} on the server, {} local)",
        pairs.len(),
        remote_all.len(),
        local_msgs.len()
    );
    Ok(pairs)
}

/// Uploads a crash interrupted: the copy is on the server (found by content above the
/// UIDNEXT noted before the APPEND) or it is not (the file will be uploaded again).
async fn recover_uploads<R: Remote>(
    remote: &mut R,
    state: &mut State,
    key: &str,
    local_msgs: &HashMap<String, LocalMessage>,
    remote_all: &HashMap<u32, RemoteMessage>,
) -> Result<()> {
    let pending = state.pending_uploads(key)?;
    let found = find_uploaded(remote, state, key, &pending).await?;
    for p in &pending {
        let uid = found.get(&p.file).copied();
        let flags = match (
            uid.and_then(|u| remote_all.get(&u)),
            local_msgs.get(&p.file),
        ) {
            (Some(r), Some(l)) => l.flags.intersection(&r.flags),
            (Some(r), None) => r.flags,
            (None, Some(l)) => l.flags,
            (None, None) => Flags::default(),
        };
        tracing::info!(
            "{key}: interrupted upload of {}: {}",
            p.file,
            if uid.is_some() {
                "found on the server"
            } else {
                "not on the server, will upload again"
            }
        );
        state.finish_upload(key, &p.file, uid, flags)?;
    }
    Ok(())
}

/// Where appended messages landed, by content: among the unpaired UIDs at or above the
/// UIDNEXT noted before their APPEND. Returns file → UID for those found.
async fn find_uploaded<R: Remote>(
    remote: &mut R,
    state: &State,
    key: &str,
    uploads: &[PendingUpload],
) -> Result<HashMap<String, u32>> {
    let floor = uploads.iter().map(|p| p.uid_floor).min().unwrap_or(1);
    let paired: HashSet<u32> = state.pairs(key)?.iter().map(|p| p.uid).collect();
    let candidates: Vec<(u32, (u64, i64))> = fetch::identities(remote, floor)
        .await?
        .into_iter()
        .filter(|(uid, _)| !paired.contains(uid))
        .collect();
    let ids: Vec<(String, (u64, i64))> = uploads
        .iter()
        .map(|p| (p.file.clone(), (p.size, p.fingerprint)))
        .collect();
    Ok(plan::match_by_content(&candidates, &ids)
        .into_iter()
        .map(|(uid, file)| (file, uid))
        .collect())
}

async fn apply<R: Remote>(
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
    state.finish_folder_sync(key, fstate, listing.modseq)?;
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

async fn upload<R: Remote>(
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
    for file in &plan.upload {
        let Some(msg) = local_msgs.get(file) else {
            continue;
        };
        let (body, mtime) = match maildir::read_for_upload(msg) {
            Ok(b) => b,
            // Gone since the scan (moved by a mail reader): the next run sees where.
            Err(Error::LocalIo { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
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
        state.record_upload(key, &up, clock::now())?;
        testhook::step("record upload")?;
        match remote.append(rf, &body, msg.flags, mtime).await {
            Ok(Some(uid)) => {
                testhook::step("append")?;
                state.finish_upload(key, file, Some(uid), msg.flags)?;
                report.uploaded += 1;
                testhook::step("commit upload")?;
            }
            Ok(None) => {
                testhook::step("append")?;
                unresolved.push((up, msg.flags));
            }
            Err(e @ Error::Rejected { .. }) => {
                // This message only (too large, refused content): forget the attempt.
                tracing::warn!("{}: {file}: {e}", report.name);
                state.finish_upload(key, file, None, msg.flags)?;
                failures.push(format!("{file}: {e}"));
            }
            Err(e) => return Err(e),
        }
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
                state.finish_upload(key, &up.file, Some(*uid), *flags)?;
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
fn describe(
    plan: &FolderPlan,
    local_msgs: &HashMap<String, LocalMessage>,
    report: &mut SyncReport,
) {
    for m in &plan.download {
        report
            .plan
            .push(format!("download UID {} ({})", m.uid, human_bytes(m.size)));
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
    report.downloaded = plan.download.len() as u64;
    report.bytes = plan.download.iter().map(|m| m.size).sum();
    report.uploaded = plan.upload.len() as u64;
    report.flags_to_server = plan.flags_to_server as u64;
    report.flags_to_local = plan.pull_flags.len() as u64;
    report.deleted_local = plan.delete_local.len() as u64;
    report.deleted_on_server = plan.deleted_remote as u64;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(uid: u32, file: &str) -> Pair {
        Pair {
            uid,
            file: file.into(),
            flags: Some(Flags::default()),
            local_deleted: false,
            server_deleted: false,
            size: 1,
            fingerprint: 0,
        }
    }

    #[test]
    fn a_file_renamed_since_the_scan_is_found_again() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(dir.path(), "").unwrap();
        std::fs::write(dir.path().join("cur/a:2,S"), b"x").unwrap();
        std::fs::write(dir.path().join("new/b"), b"y").unwrap();
        let mut scan = folder.scan().unwrap();
        // A reader flagged `a` and read `b` after the scan.
        scan.remove("a");
        scan.remove("b");
        std::fs::rename(dir.path().join("cur/a:2,S"), dir.path().join("cur/a:2,FS")).unwrap();
        std::fs::rename(dir.path().join("new/b"), dir.path().join("cur/b:2,S")).unwrap();
        let pairs = [pair(1, "a"), pair(2, "b"), pair(3, "gone")];
        let found = find_missing_again(&folder, &pairs, scan).unwrap();
        assert_eq!(found["a"].flags, Flags::from_info("FS"));
        assert!(found.contains_key("b"));
        assert!(!found.contains_key("gone"), "really deleted stays deleted");
    }

    #[test]
    fn the_guard_weighs_deletions_against_paired_messages() {
        let pairs: Vec<Pair> = (1..=20).map(|u| pair(u, &format!("f{u}"))).collect();
        let mut plan = FolderPlan {
            deletions: 11,
            ..FolderPlan::default()
        };
        let (r, l) = (HashMap::new(), HashMap::new());
        let guard = |plan: &FolderPlan, max| mass_deletion("INBOX", plan, &pairs, &r, &l, max);
        assert!(matches!(
            guard(&plan, Some(MaxDelete::DEFAULT)),
            Err(Error::Guard { .. })
        ));
        assert!(guard(&plan, None).is_ok(), "--allow-deletes");
        assert!(guard(&plan, Some(MaxDelete::Count(11))).is_ok());
        plan.deletions = 10;
        assert!(
            guard(&plan, Some(MaxDelete::DEFAULT)).is_ok(),
            "ten or fewer"
        );
    }
}

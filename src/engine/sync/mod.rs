//! `mailx sync` for one IMAP account: pair folders, then per folder snapshot both sides →
//! plan (`sync_plan`, pure) → apply in an order where a crash at any point converges on
//! the next run: downloads and uploads are recorded as they become durable, flag and
//! deletion changes are idempotent and their new baselines are committed after them, and
//! the folder's high-water marks (last UID, HIGHESTMODSEQ) move last.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::clock;
use crate::config::{Create, MaxDelete};
use crate::domain::Flags;
use crate::domain::names;
use crate::engine::Observer;
use crate::engine::deliver::{Delivery, Tally, download_all, split_too_large, too_large};
use crate::engine::fetch;
use crate::engine::plan;
use crate::engine::sync_plan::{self, FolderPlan};
use crate::engine::{Failure, folders};
use crate::error::{Error, Result, exit};
use crate::remote::{Baseline, ByUid, Remote, RemoteFolder, RemoteMessage, SyncListing};
use crate::state::{FolderState, Pair, PairChange, PendingUpload, State};
use crate::store::maildir::{self, Folder, LocalMessage};
use crate::testhook;

mod apply;
mod pairing;

use crate::units::human_bytes;
use apply::{apply, describe, mass_deletion};
use pairing::{find_missing_again, find_uploaded, full_remote, pair_by_content, recover_uploads};

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
    /// Larger messages are left on the server (`max_message_size`).
    pub max_message_size: u64,
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
    max_message_size: u64,
    /// The local folder's change stamp read before the scan, when it was settled then.
    stamp: Option<&'a str>,
    expunge: bool,
}

/// A local folder's change stamp: the modification times of new/ and cur/ (and the
/// setting that changes what sync does with unchanged folders). Equal stamps mean no
/// message was added, removed or renamed in between, provided the first was read when
/// the times were settled: at least `SETTLED_NS` old, more than any file system's
/// timestamp granularity (FAT: 2 s), so that a change in the same clock tick cannot hide
/// behind an equal time (git's "racy" index entries). Returns (stamp, settled).
fn local_stamp(maildir: &Folder, expunge: bool) -> Option<(String, bool)> {
    const SETTLED_NS: i128 = 2_000_000_000;
    let times = maildir.changed_at().ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos() as i128;
    let settled = times.iter().all(|t| *t < now - SETTLED_NS);
    Some((
        format!("{}/{}/{}", times[0], times[1], u8::from(expunge)),
        settled,
    ))
}

/// True when a listing taken against `base` says nothing changed on the server.
fn unchanged_since(listing: &SyncListing, base: &Baseline) -> bool {
    !listing.complete
        && listing.messages.is_empty()
        && listing.vanished.is_empty()
        && listing.validity == base.validity
        && listing.modseq == Some(base.modseq)
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
    let mut selection = folders::select(remote, settings.patterns).await?;
    let mut reports = selection.failed_reports(None, |name, f| SyncReport {
        name,
        error: Some(f),
        ..Default::default()
    });
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

/// What to do with one folder, decided from what each side has and what the state
/// knows, before anything is touched (pure; `--dry-run` prints the same decision).
#[derive(Debug)]
enum FolderStep {
    /// Both sides have it: sync them.
    Sync(RemoteFolder),
    /// Only the server has it: create it locally, then sync.
    CreateLocal(RemoteFolder),
    /// Only the Maildir has it: create it on the server, then sync.
    CreateRemote,
    /// Left alone, with the reason shown by `--dry-run`.
    Skip(String),
    /// Stopped to protect mail.
    Stop(Error),
}

fn decide(
    name: &str,
    local: &str,
    path: &[String],
    sides: &Sides,
    settings: &Settings<'_>,
) -> FolderStep {
    let guard = |detail: String, hint: &str| {
        FolderStep::Stop(Error::Guard {
            context: name.to_string(),
            detail,
            hint: hint.to_string(),
        })
    };
    match (&sides.remote, &sides.local) {
        (Some(r), Some(_)) => FolderStep::Sync(r.clone()),
        (Some(_), None) if sides.known_remote && !settings.reconcile => guard(
            format!(
                "the local folder {local:?} is gone; mailx will not delete its messages on the server"
            ),
            "if you deleted it on purpose, delete the folder on the server too (mailx never deletes folders); to download it again instead, run `mailx sync --reconcile`",
        ),
        (Some(_), None) if !path.is_empty() && !settings.create.local() => {
            FolderStep::Skip(format!(
                "not created locally (create = \"{}\")",
                settings.create.name()
            ))
        }
        (Some(r), None) => FolderStep::CreateLocal(r.clone()),
        (None, Some(_)) if sides.known_local && !settings.reconcile => guard(
            "the folder is gone from the server; mailx will not delete the local copy".into(),
            "if it was deleted on purpose, delete the local folder too (mailx never deletes folders); to upload it to the server again instead, run `mailx sync --reconcile`",
        ),
        (None, Some(_)) if !settings.create.remote() => FolderStep::Skip(format!(
            "not created on the server (create = \"{}\")",
            settings.create.name()
        )),
        (None, Some(_)) => FolderStep::CreateRemote,
        (None, None) => FolderStep::Skip(String::new()),
    }
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
    let remote_folder = match decide(&report.name, &local, path, sides, settings) {
        FolderStep::Sync(r) => r,
        FolderStep::Stop(e) => return Err(e),
        FolderStep::Skip(why) => {
            if !why.is_empty() {
                report.plan.push(why);
            }
            return Ok(());
        }
        FolderStep::CreateLocal(r) => {
            report.created = Some("local");
            if settings.dry_run {
                report.plan.push("create the folder locally".into());
            }
            r
        }
        FolderStep::CreateRemote => {
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
    };
    if settings.reconcile && !settings.dry_run {
        state.forget_folder(&remote_folder.server_name)?;
        if let Some(old) = &sides.recorded_as {
            state.forget_folder(old)?;
        }
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
    let since = match (&prev, state.modseq(key)?) {
        (Some(f), Some(modseq)) => match (f.uidvalidity, state.baseline_counts(key, f.last_uid)?) {
            (Some(validity), (present, true)) => Some(Baseline {
                validity,
                modseq,
                last_uid: f.last_uid,
                present,
            }),
            _ => None,
        },
        _ => None,
    };
    let mut listing = remote.sync_open(rf, !settings.dry_run, since).await?;
    let maildir = if settings.dry_run {
        Folder::existing(settings.maildir, local)
    } else {
        let f = Folder::open(settings.maildir, local)?;
        f.clean_tmp();
        f
    };
    // Read before the scan: a change after this point makes the stamp differ.
    let stamp = local_stamp(&maildir, settings.expunge);
    // Nothing changed on either side since a sync that changed nothing: done, without
    // loading the pairs or scanning the folder (what keeps a no-change run flat in time
    // and memory as the folder grows).
    if let (Some(p), Some(base), Some((now, _))) = (&prev, &since, &stamp)
        && unchanged_since(&listing, base)
        && state.local_stamp(key)?.as_ref() == Some(now)
        && p.local_id.is_some()
        && maildir.identity(false)? == p.local_id
        && state.pending_uploads(key)?.is_empty()
    {
        tracing::debug!("{}: unchanged on both sides", report.name);
        return Ok(());
    }
    let stored_pairs = if prev.is_some() {
        state.pairs(key)?
    } else {
        Vec::new()
    };
    let local_msgs = maildir.scan()?;
    let remote_all = full_remote(&mut listing, &stored_pairs);

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
    let by_content = prev.is_none() || renumbered || replaced;
    let pairs = if by_content {
        if replaced {
            tracing::warn!(
                "{}: the local folder {local:?} is not the one the saved state describes (replaced, restored from a copy, or never bound); pairing messages by content, nothing will be deleted",
                report.name
            );
        } else if renumbered && prev.as_ref().is_some_and(|p| p.uidvalidity.is_none()) {
            tracing::info!(
                "{}: last read over POP3; pairing messages by content, nothing will be deleted",
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
        pair_by_content(remote, &remote_all, &local_msgs, remembered).await?
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
        describe(&plan, &local_msgs, settings.max_message_size, report);
        return guard;
    }
    guard?;
    if by_content {
        // The new pairs are the baseline the plan was made from: durable before it runs.
        state.replace_pairs(key, &pairs, &fstate, clock::now())?;
        testhook::step("pairs by content")?;
    }
    let snap = Snapshot {
        rf,
        maildir: &maildir,
        listing: &listing,
        pairs: &pairs,
        local_msgs: &local_msgs,
        max_message_size: settings.max_message_size,
        stamp: stamp
            .as_ref()
            .filter(|(_, settled)| *settled)
            .map(|(s, _)| s.as_str()),
        expunge: settings.expunge,
    };
    apply(remote, state, &snap, &mut fstate, &plan, progress, report).await
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
    fn folder_level_decisions() {
        let dir = std::path::Path::new("/m");
        let settings = |create, reconcile| Settings {
            maildir: dir,
            patterns: &[],
            expunge: false,
            create,
            dry_run: false,
            reconcile,
            max_delete: None,
            max_message_size: crate::config::DEFAULT_MAX_MESSAGE,
        };
        let remote = Some(RemoteFolder {
            server_name: "Sent".into(),
            path: vec!["Sent".into()],
        });
        let sides = |remote: Option<RemoteFolder>, local: Option<&str>, known: bool| Sides {
            remote,
            local: local.map(str::to_string),
            known_remote: known,
            known_local: known,
            recorded_as: None,
        };
        let path = ["Sent".to_string()];
        let step = |s: &Sides, st: &Settings<'_>| decide("Sent", ".Sent", &path, s, st);
        let both = settings(Create::Both, false);
        assert!(matches!(
            step(&sides(remote.clone(), Some(".Sent"), true), &both),
            FolderStep::Sync(_)
        ));
        assert!(matches!(
            step(&sides(remote.clone(), None, false), &both),
            FolderStep::CreateLocal(_)
        ));
        assert!(matches!(
            step(&sides(None, Some(".Sent"), false), &both),
            FolderStep::CreateRemote
        ));
        // Known before, gone now on one side: stop, never delete.
        assert!(matches!(
            step(&sides(remote.clone(), None, true), &both),
            FolderStep::Stop(Error::Guard { .. })
        ));
        assert!(matches!(
            step(&sides(None, Some(".Sent"), true), &both),
            FolderStep::Stop(Error::Guard { .. })
        ));
        // --reconcile takes it again instead.
        let reconcile = settings(Create::Both, true);
        assert!(matches!(
            step(&sides(remote.clone(), None, true), &reconcile),
            FolderStep::CreateLocal(_)
        ));
        // create = "none": one-sided folders are left alone.
        let none = settings(Create::None, false);
        assert!(matches!(
            step(&sides(remote, None, false), &none),
            FolderStep::Skip(_)
        ));
        assert!(matches!(
            step(&sides(None, Some(".Sent"), false), &none),
            FolderStep::Skip(_)
        ));
    }

    #[test]
    fn the_guard_weighs_deletions_against_paired_messages() {
        let pairs: Vec<Pair> = (1..=20).map(|u| pair(u, &format!("f{u}"))).collect();
        let mut plan = FolderPlan {
            deletions: 11,
            ..FolderPlan::default()
        };
        let (r, l) = (ByUid::default(), HashMap::new());
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

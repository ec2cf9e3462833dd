//! `mailx clean` for one account: the server-side retention rules (`delete_after_days`,
//! `max_server_size`, `purge`) weighed over every folder at once (`clean_plan`), then
//! applied folder by folder. A message counts as stored locally only when its row says
//! it was stored whole, the row belongs to this server folder (same UIDVALIDITY) and to
//! this local folder (same identity), and its file is in the folder now. Local files are
//! never touched; a removed message's row is marked deleted on the server, so `sync`
//! keeps the local copy and `fetch` does not look for it again.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::clock;
use crate::domain::names;
use crate::engine::clean_plan::{self, Candidate, Why};
use crate::engine::{Failure, folders};
use crate::error::{Error, Result};
use crate::remote::{Remote, RemoteFolder};
use crate::state::State;
use crate::store::maildir::Folder;
use crate::units::human_bytes;

/// The rules of an account, as `mailx clean` applies them.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub after_days: Option<u32>,
    pub max_server_size: Option<u64>,
    pub purge: &'a [(String, u32)],
}

impl Rules<'_> {
    pub fn any(&self) -> bool {
        self.after_days.is_some() || self.max_server_size.is_some() || !self.purge.is_empty()
    }
}

pub struct Settings<'a> {
    pub maildir: &'a Path,
    pub patterns: &'a [String],
    pub rules: Rules<'a>,
    /// List what would go (with sizes); change nothing.
    pub dry_run: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct FolderClean {
    pub name: String,
    pub deleted: u64,
    pub bytes: u64,
    pub error: Option<Failure>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plan: Vec<String>,
}

/// The size rule's view of the server.
#[derive(Debug, Clone, Serialize)]
pub struct Usage {
    pub before: u64,
    /// Estimated: `before` less the sizes of the messages deleted.
    pub after: u64,
    pub limit: u64,
    /// "quota" (the server's QUOTA usage) or "message sizes" (their sum over all folders).
    pub measured_by: &'static str,
    /// How far above the limit the server stays: not enough of its mail is stored locally.
    pub still_over: u64,
}

#[derive(Debug, Default, Serialize)]
pub struct CleanReport {
    pub folders: Vec<FolderClean>,
    pub usage: Option<Usage>,
}

impl CleanReport {
    pub fn deleted(&self) -> u64 {
        self.folders.iter().map(|f| f.deleted).sum()
    }

    pub fn bytes(&self) -> u64 {
        self.folders.iter().map(|f| f.bytes).sum()
    }
}

/// A server folder the rules look at.
struct Target {
    folder: RemoteFolder,
    /// Its local folder, when it is one fetch or sync stores into (its stored messages
    /// count for the age and size rules).
    local: Option<String>,
    purge_days: Option<u32>,
    /// UIDVALIDITY when it was listed (POP3: none); deletions need the same.
    validity: Option<u32>,
}

/// Applies the rules to the account's server; `report` is filled even when the session
/// ends in an error. Ends the session (POP3 deletes only at a clean QUIT), and only then
/// records POP3 deletions.
pub async fn clean_account<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    report: &mut CleanReport,
) -> Result<()> {
    let deletes_at_finish = remote.capabilities().deletes_at_finish;
    let pending = clean_folders(remote, state, settings, report).await?;
    match remote.finish().await {
        Ok(()) => {
            for (key, ids) in &pending {
                state.mark_deleted(key, ids)?;
            }
            Ok(())
        }
        Err(e) if deletes_at_finish => {
            for f in &mut report.folders {
                f.deleted = 0;
                f.bytes = 0;
            }
            Err(e)
        }
        Err(e) => {
            tracing::debug!("LOGOUT failed after clean: {e}");
            Ok(())
        }
    }
}

/// Gathers, plans and applies; returns the (folder, ids) whose deletion is recorded only
/// once the session ends cleanly (POP3).
async fn clean_folders<R: Remote>(
    remote: &mut R,
    state: &mut State,
    settings: &Settings<'_>,
    report: &mut CleanReport,
) -> Result<Vec<(String, Vec<String>)>> {
    let rules = settings.rules;
    let listed = remote.folders().await?;
    let patterns: Vec<String> = settings
        .patterns
        .iter()
        .map(|p| remote.normalize_pattern(p))
        .collect();
    let selection = folders::select_listed(listed.clone(), &patterns);
    let mut targets: Vec<Target> = Vec::new();
    let stored_rules = rules.after_days.is_some() || rules.max_server_size.is_some();
    if stored_rules {
        for (folder, local) in selection.folders {
            targets.push(Target {
                folder,
                local: Some(local),
                purge_days: None,
                validity: None,
            });
        }
    }
    for (name, days) in rules.purge {
        let wanted = remote.normalize_pattern(name);
        let Some(folder) = listed
            .iter()
            .find(|f| names::display_name(&f.path) == wanted)
        else {
            tracing::warn!("purge: the server has no folder {name:?}; nothing purged there");
            continue;
        };
        match targets.iter_mut().find(|t| t.folder == *folder) {
            Some(t) => t.purge_days = Some(*days),
            None => targets.push(Target {
                folder: folder.clone(),
                local: None,
                purge_days: Some(*days),
                validity: None,
            }),
        }
    }
    let quota = match rules.max_server_size {
        Some(_) => crate::remote::readable_quota(remote).await,
        None => None,
    };
    // Without QUOTA the server's size is the sum over every folder, not only those the
    // rules look at.
    let count_only: Vec<RemoteFolder> = if rules.max_server_size.is_some() && quota.is_none() {
        listed
            .iter()
            .filter(|f| !targets.iter().any(|t| t.folder == **f))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    report.folders = targets
        .iter()
        .map(|t| FolderClean {
            name: names::display_name(&t.folder.path),
            ..Default::default()
        })
        .collect();

    let mut candidates: Vec<Candidate> = Vec::new();
    let mut summed = 0u64;
    for (i, t) in targets.iter_mut().enumerate() {
        match gather(remote, state, settings, i, t, &mut candidates).await {
            Ok(size) => summed += size,
            Err(e @ Error::Internal(_)) => return Err(e),
            Err(e) => report.folders[i].error = Some(Failure::from(&e)),
        }
    }
    for folder in &count_only {
        remote.open(folder, false).await?;
        summed += remote.list(1).await?.iter().map(|m| m.size).sum::<u64>();
    }
    let size = rules.max_server_size.map(|limit| match quota {
        Some((used, _)) => (used, limit, "quota"),
        None => (summed, limit, "message sizes"),
    });
    let plan = clean_plan::clean_plan(
        &candidates,
        rules.after_days,
        size.map(|(used, limit, _)| (used, limit)),
        clock::now(),
    );
    report.usage = size.map(|(used, limit, measured_by)| Usage {
        before: used,
        after: used.saturating_sub(plan.freed),
        limit,
        measured_by,
        still_over: plan.still_over,
    });

    let mut by_folder: Vec<Vec<(usize, Why)>> = vec![Vec::new(); targets.len()];
    for (c, why) in plan.delete {
        by_folder[candidates[c].folder].push((c, why));
    }
    let mut pending = Vec::new();
    for (i, chosen) in by_folder.iter().enumerate() {
        if chosen.is_empty() {
            continue;
        }
        let line = &mut report.folders[i];
        if settings.dry_run {
            for (c, why) in chosen {
                line.plan.push(describe(&candidates[*c], *why));
            }
            line.deleted = chosen.len() as u64;
            line.bytes = chosen.iter().map(|(c, _)| candidates[*c].size).sum();
            continue;
        }
        let msgs: Vec<(String, u32)> = chosen
            .iter()
            .map(|(c, _)| (candidates[*c].id.clone(), candidates[*c].uid))
            .collect();
        match delete_in(remote, state, &targets[i], &msgs).await {
            Ok(recorded) => {
                line.deleted = msgs.len() as u64;
                line.bytes = chosen.iter().map(|(c, _)| candidates[*c].size).sum();
                if !recorded {
                    pending.push((
                        targets[i].folder.server_name.clone(),
                        msgs.into_iter().map(|(id, _)| id).collect(),
                    ));
                }
            }
            Err(e @ Error::Internal(_)) => return Err(e),
            Err(e) => line.error = Some(Failure::from(&e)),
        }
    }
    Ok(pending)
}

/// Lists one folder and adds the messages the rules may remove to `candidates`; returns
/// the bytes the folder holds.
async fn gather<R: Remote>(
    remote: &mut R,
    state: &State,
    settings: &Settings<'_>,
    index: usize,
    target: &mut Target,
    candidates: &mut Vec<Candidate>,
) -> Result<u64> {
    let snap = remote.open(&target.folder, !settings.dry_run).await?;
    target.validity = snap.validity;
    let listing = remote.list(1).await?;
    let dates = if target.purge_days.is_some() || settings.rules.max_server_size.is_some() {
        remote.arrival_dates().await?
    } else {
        HashMap::new()
    };
    let stored = match &target.local {
        Some(local) => stored_here(state, settings.maildir, &target.folder, local, &snap)?,
        None => HashMap::new(),
    };
    for m in &listing {
        let kept = stored.get(m.id.as_str()).copied();
        if kept.is_none() && target.purge_days.is_none() {
            continue;
        }
        candidates.push(Candidate {
            folder: index,
            id: m.id.to_string(),
            uid: m.uid,
            size: m.size,
            arrived: dates.get(&m.uid).copied(),
            stored: kept,
            purge_days: target.purge_days,
        });
    }
    Ok(listing.iter().map(|m| m.size).sum())
}

/// id → when stored, for the folder's messages whose verified copy is in its local
/// folder now. Nothing when the rows describe another server folder (UIDVALIDITY) or
/// another local directory (identity): those copies are not known to be here.
fn stored_here(
    state: &State,
    maildir: &Path,
    folder: &RemoteFolder,
    local: &str,
    snap: &crate::remote::FolderSnapshot,
) -> Result<HashMap<String, i64>> {
    let key = folder.server_name.as_str();
    let Some(fstate) = state.folder(key)? else {
        return Ok(HashMap::new());
    };
    if !Folder::exists(maildir, local) {
        return Ok(HashMap::new());
    }
    let dir = Folder::existing(maildir, local);
    let bound = fstate.local_id.is_some() && fstate.local_id == dir.identity(false)?;
    if fstate.uidvalidity != snap.validity || !bound {
        tracing::warn!(
            "{}: the state does not describe this folder as it is now (run `mailx fetch` or `mailx sync` first); nothing here counts as stored locally",
            names::display_name(&folder.path)
        );
        return Ok(HashMap::new());
    }
    let present: HashSet<String> = dir.delivered_names()?;
    Ok(state
        .stored(key)?
        .into_iter()
        .filter(|(_, _, file, _)| present.contains(file))
        .map(|(id, _, _, first_seen)| (id, first_seen))
        .collect())
}

/// Deletes `msgs` from the target's folder; true when the deletion is recorded already,
/// false when it takes effect only at the end of the session (POP3).
async fn delete_in<R: Remote>(
    remote: &mut R,
    state: &mut State,
    target: &Target,
    msgs: &[(String, u32)],
) -> Result<bool> {
    let snap = remote.open(&target.folder, true).await?;
    if snap.validity != target.validity {
        return Err(Error::Refused(format!(
            "{}: the server renumbered the folder while it was cleaned; nothing deleted (run `mailx clean` again)",
            names::display_name(&target.folder.path)
        )));
    }
    remote.delete(msgs).await?;
    if remote.capabilities().deletes_at_finish {
        return Ok(false);
    }
    let ids: Vec<String> = msgs.iter().map(|(id, _)| id.clone()).collect();
    state.mark_deleted(&target.folder.server_name, &ids)?;
    Ok(true)
}

/// A dry run's line for one message.
fn describe(c: &Candidate, why: Why) -> String {
    let when = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let dated = match (c.arrived, c.stored) {
        (Some(a), _) => format!(", arrived {}", when(a)),
        (None, Some(s)) => format!(", stored {}", when(s)),
        (None, None) => String::new(),
    };
    format!(
        "delete {} ({}{dated}) from the server: {}",
        c.id,
        human_bytes(c.size),
        why.words()
    )
}

//! The decision of `mailx sync` for one folder, as a pure function of (pairs from the last
//! sync, the server's messages, the local files) → plan. Nothing here touches a disk or a
//! socket, so every rule is unit-tested.
//!
//! Flag rule (both sides changed the same message): a flag is set afterwards if either side
//! added it since the last sync, or it was set then and neither side removed it. So an
//! addition always wins, and a removal wins unless the other side re-added the flag.

use std::collections::{HashMap, HashSet};

use crate::domain::Flags;
use crate::remote::{ByUid, RemoteMessage};
use crate::state::{Pair, PairChange};
use crate::store::maildir::LocalMessage;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FolderPlan {
    /// New on the server, by UID.
    pub download: Vec<RemoteMessage>,
    /// New locally: unique file names, sorted.
    pub upload: Vec<String>,
    /// Server flag changes: (uid, add, remove).
    pub push_flags: Vec<(u32, Flags, Flags)>,
    /// Local flag changes: (file, new flags).
    pub pull_flags: Vec<(String, Flags)>,
    /// Server messages to expunge (after their \Deleted flag is set by `push_flags`).
    pub expunge_remote: Vec<u32>,
    /// Local files to delete (their server copy is gone, or both go with `expunge`).
    pub delete_local: Vec<String>,
    /// Pair changes to commit once the above is done.
    pub state: Vec<PairChange>,
    /// Messages deleted on the server by this plan (flagged, or expunged).
    pub deleted_remote: usize,
    /// Messages whose server flags follow a local change (deletions not counted).
    pub flags_to_server: usize,
    /// Messages this plan removes from either side (flagged \Deleted, expunged or a file
    /// deleted), each counted once: what the mass-deletion guard weighs.
    pub deletions: usize,
}

#[cfg(test)]
impl FolderPlan {
    pub fn is_empty(&self) -> bool {
        self.download.is_empty()
            && self.upload.is_empty()
            && self.push_flags.is_empty()
            && self.pull_flags.is_empty()
            && self.expunge_remote.is_empty()
            && self.delete_local.is_empty()
            && self.state.is_empty()
    }
}

/// The merged flags for a message both sides still have.
pub fn merge_flags(base: Option<Flags>, local: Flags, remote: Flags) -> Flags {
    // Without a baseline nothing can have been removed: keep everything either side has.
    let base = base.unwrap_or_else(|| local.intersection(&remote));
    let kept = base.intersection(&local).intersection(&remote);
    kept.union(&local.minus(&base)).union(&remote.minus(&base))
}

/// `remote` holds every server message (by UID), `local` every local file (by unique name).
pub fn plan_folder(
    pairs: &[Pair],
    remote: &ByUid,
    local: &HashMap<String, LocalMessage>,
    expunge: bool,
) -> FolderPlan {
    let mut plan = FolderPlan::default();
    let mut paired_uids = HashSet::new();
    let mut paired_files = HashSet::new();
    for pair in pairs {
        paired_uids.insert(pair.uid);
        paired_files.insert(pair.file.as_str());
        if pair.server_deleted {
            // `fetch` deleted the server copy by policy: the local file is all there is.
            continue;
        }
        let r = remote.get(&pair.uid);
        let l = local.get(&pair.file);
        if pair.local_deleted {
            match r {
                None => plan.state.push(PairChange::Forget(pair.uid)),
                // Undeleted on another device: bring it back.
                Some(r) if !r.flags.deleted => plan.download.push(r.clone()),
                Some(_) if expunge => {
                    plan.expunge_remote.push(pair.uid);
                    plan.state.push(PairChange::Forget(pair.uid));
                    plan.deletions += 1;
                }
                Some(_) => {}
            }
            continue;
        }
        match (r, l) {
            (None, None) => plan.state.push(PairChange::Forget(pair.uid)),
            (None, Some(_)) => {
                plan.delete_local.push(pair.file.clone());
                plan.state.push(PairChange::Forget(pair.uid));
                plan.deletions += 1;
            }
            (Some(r), None) => {
                if !r.flags.deleted {
                    plan.push_flags
                        .push((pair.uid, deleted_only(), Flags::default()));
                }
                plan.deleted_remote += 1;
                plan.deletions += 1;
                if expunge {
                    plan.expunge_remote.push(pair.uid);
                    plan.state.push(PairChange::Forget(pair.uid));
                } else {
                    plan.state.push(PairChange::LocalDeleted(
                        pair.uid,
                        r.flags.union(&deleted_only()),
                    ));
                }
            }
            (Some(r), Some(l)) => {
                let merged = merge_flags(pair.flags, l.flags, r.flags);
                if expunge && merged.deleted {
                    if !r.flags.deleted {
                        plan.push_flags
                            .push((pair.uid, deleted_only(), Flags::default()));
                    }
                    plan.expunge_remote.push(pair.uid);
                    plan.delete_local.push(pair.file.clone());
                    plan.deleted_remote += 1;
                    plan.deletions += 1;
                    plan.state.push(PairChange::Forget(pair.uid));
                    continue;
                }
                if merged != l.flags {
                    plan.pull_flags.push((pair.file.clone(), merged));
                }
                if merged != r.flags {
                    plan.push_flags.push((
                        pair.uid,
                        merged.minus(&r.flags),
                        r.flags.minus(&merged),
                    ));
                    plan.flags_to_server += 1;
                }
                if pair.flags != Some(merged) {
                    plan.state.push(PairChange::Flags(pair.uid, merged));
                }
            }
        }
    }
    let mut download: Vec<RemoteMessage> = remote
        .values()
        .filter(|m| !paired_uids.contains(&m.uid))
        .cloned()
        .collect();
    plan.download.append(&mut download);
    plan.download.sort_by_key(|m| m.uid);
    plan.upload = local
        .keys()
        .filter(|f| !paired_files.contains(f.as_str()))
        .cloned()
        .collect();
    plan.upload.sort();
    plan
}

fn deleted_only() -> Flags {
    Flags {
        deleted: true,
        ..Flags::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn f(info: &str) -> Flags {
        Flags::from_info(info)
    }

    fn pair(uid: u32, file: &str, flags: &str) -> Pair {
        Pair {
            uid,
            file: file.into(),
            flags: Some(f(flags)),
            local_deleted: false,
            server_deleted: false,
            size: 10,
            fingerprint: 0,
        }
    }

    fn remote(list: &[(u32, &str)]) -> ByUid {
        list.iter()
            .map(|(uid, flags)| {
                (
                    *uid,
                    RemoteMessage {
                        id: compact_str::ToCompactString::to_compact_string(uid),
                        uid: *uid,
                        size: 10,
                        flags: f(flags),
                    },
                )
            })
            .collect()
    }

    fn local(list: &[(&str, &str)]) -> HashMap<String, LocalMessage> {
        list.iter()
            .map(|(name, flags)| {
                (
                    name.to_string(),
                    LocalMessage::new(&PathBuf::from(format!("cur/{name}:2,{flags}")), f(flags)),
                )
            })
            .collect()
    }

    #[test]
    fn merge_rule() {
        // One side changed: that side wins.
        assert_eq!(merge_flags(Some(f("")), f("S"), f("")), f("S"));
        assert_eq!(merge_flags(Some(f("S")), f("S"), f("")), f(""));
        // Both added different flags: union.
        assert_eq!(merge_flags(Some(f("")), f("S"), f("F")), f("FS"));
        // One removed, the other kept it unchanged: removed.
        assert_eq!(merge_flags(Some(f("SF")), f("F"), f("SF")), f("F"));
        // One removed S, the other added R: both changes apply.
        assert_eq!(merge_flags(Some(f("S")), f(""), f("RS")), f("R"));
        // No baseline: union, nothing removed.
        assert_eq!(merge_flags(None, f("S"), f("F")), f("FS"));
    }

    #[test]
    fn nothing_changed_is_an_empty_plan() {
        let p = plan_folder(
            &[pair(1, "a", "S"), pair(2, "b", "")],
            &remote(&[(1, "S"), (2, "")]),
            &local(&[("a", "S"), ("b", "")]),
            false,
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn new_on_each_side() {
        let p = plan_folder(
            &[pair(1, "a", "")],
            &remote(&[(1, ""), (2, "S")]),
            &local(&[("a", ""), ("z", "F")]),
            false,
        );
        assert_eq!(p.download.iter().map(|m| m.uid).collect::<Vec<_>>(), [2]);
        assert_eq!(p.upload, ["z"]);
        assert!(p.push_flags.is_empty() && p.pull_flags.is_empty());
    }

    #[test]
    fn flag_changes_travel_both_ways() {
        let p = plan_folder(
            &[pair(1, "a", ""), pair(2, "b", "S")],
            &remote(&[(1, "F"), (2, "S")]),
            &local(&[("a", ""), ("b", "")]),
            false,
        );
        assert_eq!(p.pull_flags, [("a".to_string(), f("F"))]);
        assert_eq!(p.push_flags, [(2, f(""), f("S"))]);
        assert_eq!(
            p.state,
            [PairChange::Flags(1, f("F")), PairChange::Flags(2, f(""))]
        );
    }

    #[test]
    fn deletions_with_and_without_expunge() {
        let pairs = [pair(1, "a", ""), pair(2, "b", "")];
        // 1 expunged on the server, 2 deleted locally.
        let r = remote(&[(2, "")]);
        let l = local(&[("a", "")]);
        let p = plan_folder(&pairs, &r, &l, false);
        assert_eq!(p.delete_local, ["a"]);
        assert_eq!(p.push_flags, [(2, f("T"), f(""))]);
        assert!(p.expunge_remote.is_empty());
        assert_eq!(
            p.state,
            [PairChange::Forget(1), PairChange::LocalDeleted(2, f("T"))]
        );
        assert_eq!(p.deletions, 2);
        let p = plan_folder(&pairs, &r, &l, true);
        assert_eq!(p.expunge_remote, [2]);
        assert_eq!(p.state, [PairChange::Forget(1), PairChange::Forget(2)]);
        assert_eq!(p.deletions, 2);
    }

    #[test]
    fn flagged_deleted_local_copy_is_not_downloaded_again() {
        let mut gone = pair(2, "b", "");
        gone.local_deleted = true;
        let p = plan_folder(&[gone.clone()], &remote(&[(2, "T")]), &local(&[]), false);
        assert!(p.is_empty(), "{p:?}");
        // Someone removed \Deleted on another device: it comes back.
        let p = plan_folder(&[gone], &remote(&[(2, "")]), &local(&[]), false);
        assert_eq!(p.download.len(), 1);
    }

    #[test]
    fn trashed_messages_go_with_expunge() {
        let p = plan_folder(
            &[pair(1, "a", "")],
            &remote(&[(1, "")]),
            &local(&[("a", "T")]),
            true,
        );
        assert_eq!(p.push_flags, [(1, f("T"), f(""))]);
        assert_eq!(p.expunge_remote, [1]);
        assert_eq!(p.delete_local, ["a"]);
        assert_eq!(p.deletions, 1, "one message, gone from both sides");
    }

    #[test]
    fn policy_deleted_rows_are_left_alone() {
        let mut kept = pair(1, "a", "");
        kept.server_deleted = true;
        let p = plan_folder(&[kept], &remote(&[]), &local(&[("a", "")]), true);
        assert!(p.is_empty(), "{p:?}");
    }
}

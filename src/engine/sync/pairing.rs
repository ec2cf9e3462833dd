//! Which server message is which local file when the state cannot say: pairing by
//! content (no state, a replaced Maildir, a renumbered folder), uploads a crash interrupted,
//! files a mail reader renamed during the scan, and the full server picture from an
//! incremental listing.

use compact_str::ToCompactString;
use std::collections::{HashMap, HashSet};

use super::*;

/// A paired file missing from the scan is looked for again before its absence can become
/// a deletion on the server: mail readers rename files in cur/ (flag changes) while sync
/// runs, and a directory listing taken during a rename may miss the file. Up to three
/// fresh scans; what is still missing after them is gone.
pub(super) fn find_missing_again(
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

/// Every server message with its flags: the listing itself when complete, otherwise the
/// last sync's pairs with what changed since applied. Takes the listing's messages (one
/// copy of a large folder in memory, not two).
pub(super) fn full_remote(listing: &mut SyncListing, pairs: &[Pair]) -> ByUid {
    let listed = std::mem::take(&mut listing.messages);
    if listing.complete {
        return ByUid::new(listed);
    }
    let vanished: HashSet<u32> = listing.vanished.iter().copied().collect();
    let mut all: Vec<RemoteMessage> = pairs
        .iter()
        .filter(|p| !p.server_deleted && !vanished.contains(&p.uid))
        .map(|p| RemoteMessage {
            id: p.uid.to_compact_string(),
            uid: p.uid,
            size: p.size,
            flags: p.flags.unwrap_or_default(),
        })
        .collect();
    all.sort_by_key(|m| m.uid);
    let mut added = Vec::new();
    for m in listed {
        match all.binary_search_by_key(&m.uid, |known| known.uid) {
            Ok(i) if m.size == 0 => all[i].flags = m.flags,
            Ok(i) => all[i] = m,
            Err(_) => added.push(m),
        }
    }
    all.extend(added);
    ByUid::new(all)
}

/// Identity of a message for content matching: size with CRLF line ends and the
/// fingerprint of its header block.
pub(super) fn local_identity(msg: &LocalMessage) -> Result<(u64, i64)> {
    let (body, _) = maildir::read_for_upload(msg)?;
    Ok((body.len() as u64, plan::fingerprint(&body)))
}

/// Pairs by content when there is no usable state: nothing is deleted and nothing is
/// transferred twice. Messages deleted locally before the state was lost stay deleted
/// when their server copy still carries \Deleted.
pub(super) async fn pair_by_content<R: Remote>(
    remote: &mut R,
    remote_all: &ByUid,
    local_msgs: &HashMap<String, LocalMessage>,
    old_pairs: &[Pair],
) -> Result<Vec<Pair>> {
    let locally_deleted: Vec<&Pair> = old_pairs.iter().filter(|p| p.local_deleted).collect();
    if remote_all.is_empty() || (local_msgs.is_empty() && locally_deleted.is_empty()) {
        return Ok(Vec::new());
    }
    let mut server: Vec<(u32, (u64, i64))> = Vec::with_capacity(remote_all.len());
    remote
        .headers(1, &mut |uid, size, header| {
            if remote_all.contains_key(&uid) {
                server.push((uid, (size, plan::fingerprint(header))));
            }
        })
        .await?;
    // Sorted by name: the one index of local identities (no copy of the names).
    let mut local_ids: Vec<(&str, (u64, i64))> = Vec::with_capacity(local_msgs.len());
    for (name, msg) in local_msgs {
        local_ids.push((name.as_str(), local_identity(msg)?));
    }
    local_ids.sort_unstable();
    let identity_of = |file: &str| {
        local_ids
            .binary_search_by(|(f, _)| (*f).cmp(file))
            .ok()
            .map(|i| local_ids[i].1)
    };
    let mut matched = plan::match_by_content(&server, &local_ids);
    let second = pair_by_whole_content(
        remote, remote_all, &server, &local_ids, &matched, local_msgs,
    )
    .await?;
    matched.extend(second);
    // What is left of the server side, before the pairs are built: only its messages
    // flagged \Deleted matter further on.
    let mut taken: Vec<u32> = matched.iter().map(|(uid, _)| *uid).collect();
    taken.sort_unstable();
    let rest: Vec<(u32, (u64, i64))> = server
        .into_iter()
        .filter(|(uid, _)| {
            taken.binary_search(uid).is_err()
                && remote_all.get(uid).is_some_and(|m| m.flags.deleted)
        })
        .collect();
    drop(taken);
    let mut pairs = Vec::with_capacity(matched.len());
    for (uid, file) in matched {
        let (Some(r), Some(l), Some((size, fingerprint))) = (
            remote_all.get(&uid),
            local_msgs.get(file),
            identity_of(file),
        ) else {
            continue;
        };
        pairs.push(Pair {
            uid,
            file: file.to_string(),
            // Baseline = what both have: the merge then keeps every flag either side has.
            flags: Some(l.flags.intersection(&r.flags)),
            local_deleted: false,
            server_deleted: false,
            size,
            fingerprint,
        });
    }
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

/// The second pass of pairing by content, for what the first left over: a server message
/// and a local file with the same header fingerprint or the same size are compared whole
/// (`plan::content_hash`). Courier-IMAP 5.0.13 sends a message stored with CRLF as
/// `\r\r\n` and counts RFC822.SIZE so (2026-11-29): without this, a lost state made such
/// messages upload and download again. Returns (uid, file) pairs.
async fn pair_by_whole_content<'a, R: Remote>(
    remote: &mut R,
    remote_all: &ByUid,
    server: &[(u32, (u64, i64))],
    local: &[(&'a str, (u64, i64))],
    first: &[(u32, &str)],
    local_msgs: &HashMap<String, LocalMessage>,
) -> Result<Vec<(u32, &'a str)>> {
    let taken: HashSet<u32> = first.iter().map(|(uid, _)| *uid).collect();
    let used: HashSet<&str> = first.iter().map(|(_, f)| *f).collect();
    let local_left: Vec<&(&str, (u64, i64))> =
        local.iter().filter(|(f, _)| !used.contains(f)).collect();
    // Same header fingerprint, or same size (a server that frames the header block
    // differently: a message without headers).
    let prints: HashSet<i64> = local_left.iter().map(|(_, (_, fp))| *fp).collect();
    let sizes: HashSet<u64> = local_left.iter().map(|(_, (size, _))| *size).collect();
    let near = |id: &(u64, i64)| prints.contains(&id.1) || sizes.contains(&id.0);
    let chosen: Vec<&(u32, (u64, i64))> = server
        .iter()
        .filter(|(uid, id)| !taken.contains(uid) && near(id))
        .take(fetch::WHOLE_CONTENT_MAX)
        .collect();
    let candidates: Vec<RemoteMessage> = chosen
        .iter()
        .filter_map(|(uid, _)| remote_all.get(uid).cloned())
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let server_prints: HashSet<i64> = chosen.iter().map(|(_, (_, fp))| *fp).collect();
    let server_sizes: HashSet<u64> = chosen.iter().map(|(_, (size, _))| *size).collect();
    let whole = fetch::whole_content(remote, &candidates).await?;
    let mut local_whole = Vec::new();
    for (file, (size, fp)) in local_left {
        let near = server_prints.contains(fp) || server_sizes.contains(size);
        if let (true, Some(msg)) = (near, local_msgs.get(*file)) {
            let (body, _) = maildir::read_for_upload(msg)?;
            local_whole.push((*file, (0, plan::content_hash(&body))));
        }
    }
    Ok(plan::match_by_content(&whole, &local_whole))
}

/// Uploads a crash interrupted: the copy is on the server (found by content above the
/// UIDNEXT noted before the APPEND) or it is not (the file will be uploaded again).
pub(super) async fn recover_uploads<R: Remote>(
    remote: &mut R,
    state: &mut State,
    key: &str,
    local_msgs: &HashMap<String, LocalMessage>,
    remote_all: &ByUid,
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
        state.finish_uploads(key, &[(p.file.clone(), uid, flags)])?;
    }
    Ok(())
}

/// Where appended messages landed, by content: among the unpaired UIDs at or above the
/// UIDNEXT noted before their APPEND. Returns file → UID for those found.
pub(super) async fn find_uploaded<R: Remote>(
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

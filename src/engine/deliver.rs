//! Delivery, shared by fetch and sync: messages downloaded in batches are written to
//! tmp/, made durable, recorded as pending, renamed into the Maildir, recorded as
//! delivered; and the recovery of a run that crashed in between.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::clock;
use crate::engine::{Failure, Observer, plan};
use crate::error::{Error, Result};
use crate::remote::{Downloaded, Fetched, Remote, RemoteMessage};
use crate::state::{FolderState, NewRow, State};
use crate::store::maildir::{Folder, Staged};
use crate::testhook;
use crate::units::human_bytes;

pub const BATCH_COUNT: usize = 500;
pub const BATCH_BYTES: u64 = 32 * 1024 * 1024;

/// Where downloads go: a Maildir folder, recorded in the state under the server folder
/// `key` (unless `record` is false: a POP3 server without UIDL has no ids to record).
#[derive(Clone, Copy)]
pub struct Delivery<'a> {
    pub maildir: &'a Folder,
    pub key: &'a str,
    pub record: bool,
    pub progress: &'a dyn Observer,
    /// Larger messages are not downloaded (`max_message_size`).
    pub max_message_size: u64,
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

/// Messages and bytes delivered, and the messages the server refused to send.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub messages: u64,
    pub bytes: u64,
    /// (uid, error) of messages the server answered NO for, or sent only in part.
    pub refused: Vec<(u32, String)>,
    /// Ids of the messages now in the Maildir.
    pub delivered: Vec<String>,
    /// (uid, size) of messages larger than `max_message_size`, left on the server.
    pub too_large: Vec<(u32, u64)>,
    /// Ids of messages stored at another size than announced (`Fetched::Mismatch`, sent
    /// the same twice): in the Maildir, never to be deleted from the server.
    pub unverified: Vec<String>,
}

/// `msgs` as (those to download, those larger than `max`), each in order.
pub fn split_too_large(
    msgs: &[RemoteMessage],
    max: u64,
) -> (Vec<RemoteMessage>, Vec<RemoteMessage>) {
    msgs.iter().cloned().partition(|m| m.size <= max)
}

/// The line that says a message stays on the server for its size.
pub fn too_large(id: &str, size: u64, max: u64) -> String {
    format!(
        "message {id} is {}, larger than max_message_size ({}): left on the server, not downloaded; raise max_message_size to fetch it",
        human_bytes(size),
        human_bytes(max)
    )
}

impl Tally {
    /// A folder's failure when messages were refused.
    pub fn refused_failure(&self) -> Option<Failure> {
        let (uid, first) = self.refused.first()?;
        Some(Failure::new(
            crate::error::exit::PARTIAL,
            format!(
                "the server could not send {} message(s) whole, e.g. UID {uid}: {first}; the others were downloaded, these were left on the server",
                self.refused.len()
            ),
            "nothing to do: they are tried again next run; if one keeps failing, look at it in webmail or rerun with -vv",
        ))
    }
}

/// Downloads `msgs` in batches. When a batch fails on the server's side (refused, or the
/// server dropped the connection over one message), its messages are retried one by one
/// in a fresh session, so that one message the server cannot send does not stop the rest.
pub async fn download_all<R: Remote>(
    remote: &mut R,
    state: &mut State,
    to: &Delivery<'_>,
    fstate: &mut FolderState,
    msgs: &[RemoteMessage],
    tally: &mut Tally,
) -> Result<()> {
    let (msgs, large) = split_too_large(msgs, to.max_message_size);
    for m in &large {
        tracing::warn!(
            "{}: {}",
            to.key,
            too_large(&m.id, m.size, to.max_message_size)
        );
        tally.too_large.push((m.uid, m.size));
    }
    for batch in plan::batches(&msgs, BATCH_COUNT, BATCH_BYTES) {
        let r = download_batch(remote, state, to, fstate, batch, tally).await;
        let first = match r {
            Err(e) if server_side(&e) => e,
            other => {
                other?;
                continue;
            }
        };
        tracing::warn!(
            "{}: {first}; trying the batch's messages one by one",
            to.key
        );
        if !matches!(first, Error::Rejected { .. }) {
            reopen(remote, first).await?;
        }
        for one in batch.chunks(1) {
            let r = download_batch(remote, state, to, fstate, one, tally).await;
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

/// Failures of one request that a new session may not repeat (local ones are not). A
/// timeout is not among them: a server too slow for a batch is as slow for each message,
/// and retrying them one by one would multiply the wait.
fn server_side(e: &Error) -> bool {
    matches!(
        e,
        Error::Rejected { .. } | Error::Network { .. } | Error::Protocol { .. }
    )
}

/// A message of a batch, written to tmp/ and waiting to be delivered.
struct Arrived {
    /// Its metadata (the body is on disk).
    d: Downloaded,
    file: Staged,
    fingerprint: i64,
    verified: bool,
}

/// Whether the server sent this message, at a size other than it announced, exactly so
/// in an earlier run too: then that is how it serves it (Exchange and hMailServer give
/// estimated sizes), not a one-off cut. Otherwise remembers it for the next run.
fn same_again(state: &State, folder: &str, d: &Downloaded) -> Result<bool> {
    let key = format!("size mismatch\t{folder}\t{}", d.id);
    let mark = format!("{}:{}", d.body.len(), plan::content_hash(&d.body));
    if state.meta(&key)?.as_deref() == Some(mark.as_str()) {
        return Ok(true);
    }
    state.set_meta(&key, &mark)?;
    Ok(false)
}

/// Downloads one batch: write to tmp/ → fsync the batch's files → rows pending → rename
/// into new/ or cur/ → fsync the directories → rows delivered, with the folder's gap-free
/// high-water mark.
async fn download_batch<R: Remote>(
    remote: &mut R,
    state: &mut State,
    to: &Delivery<'_>,
    fstate: &mut FolderState,
    batch: &[RemoteMessage],
    tally: &mut Tally,
) -> Result<()> {
    let Delivery {
        maildir,
        key,
        record,
        progress,
        ..
    } = *to;
    let mut staged: Vec<Arrived> = Vec::with_capacity(batch.len());
    let seen_before: &State = state;
    let result = remote
        .download(batch, &mut |fetched: Fetched| {
            let (d, verified) = match fetched {
                Fetched::Whole(d) => (d, true),
                Fetched::Mismatch {
                    downloaded,
                    uid,
                    announced,
                } => {
                    let sent = downloaded.body.len();
                    let words = format!("the server announced {announced} bytes but sent {sent}");
                    if !record || !same_again(seen_before, key, &downloaded)? {
                        tracing::warn!(
                            "{key}: message {}: {words}; not stored, retried next run (and stored then if the server sends the very same)",
                            downloaded.id
                        );
                        tally.refused.push((uid, words));
                        return Ok(());
                    }
                    tracing::warn!(
                        "{key}: message {}: {words}, the same twice: stored, and left on the server for good (mailx deletes only copies of the announced size)",
                        downloaded.id
                    );
                    tally.unverified.push(downloaded.id.clone());
                    (downloaded, false)
                }
                Fetched::Refused { id, uid, reason } => {
                    tracing::warn!("{key}: message {id}: {reason}; not stored, retried next run");
                    tally.refused.push((uid, reason));
                    return Ok(());
                }
            };
            let fingerprint = plan::fingerprint(&d.body);
            let file = maildir.stage(&d.body, d.internal_date)?;
            progress.stored(d.body.len() as u64);
            // The body is on disk; keep only the metadata.
            let d = Downloaded {
                body: Vec::new(),
                ..d
            };
            staged.push(Arrived {
                d,
                file,
                fingerprint,
                verified,
            });
            Ok(())
        })
        .await;
    let result = result.and_then(|()| maildir.sync_staged(staged.iter_mut().map(|a| &mut a.file)));
    if let Err(e) = result {
        for a in staged {
            maildir.discard(a.file);
        }
        return Err(e);
    }
    testhook::step("sync staged")?;
    let received: HashSet<&str> = staged.iter().map(|a| a.d.id.as_str()).collect();
    let missing: Vec<&RemoteMessage> = batch
        .iter()
        .filter(|m| !received.contains(m.id.as_str()))
        .collect();

    let requested: HashMap<&str, &RemoteMessage> =
        batch.iter().map(|m| (m.id.as_str(), m)).collect();
    let rows: Vec<NewRow> = staged
        .iter()
        .map(|a| {
            let listed = requested.get(a.d.id.as_str());
            NewRow {
                id: a.d.id.clone(),
                uid: listed.map(|m| m.uid).unwrap_or(0),
                file: a.file.unique.clone(),
                size: listed.map(|m| m.size).unwrap_or(a.file.size),
                fingerprint: a.fingerprint,
                flags: a.d.flags,
                verified: a.verified,
            }
        })
        .collect();
    let now = clock::now();
    if record {
        state.record_pending(key, &rows, now)?;
        testhook::step("record pending")?;
    }
    for a in &staged {
        maildir.deliver(&a.file, a.d.flags)?;
        tally.messages += 1;
        tally.bytes += a.file.size;
        tally.delivered.push(a.d.id.clone());
        testhook::step("deliver")?;
    }
    maildir.sync_dirs()?;
    // Advance the high-water mark only past a gap-free prefix of what was requested, and
    // never past a message the server refused earlier in this run or one too large.
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
        .chain(tally.too_large.iter().map(|(u, _)| *u))
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

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

/// Downloads `msgs` in batches. A batch is made durable and moved into the Maildir on a
/// thread of its own while the next one downloads, so the network and the disk overlap
/// instead of taking turns. When a batch fails on the server's side (refused, or the
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
    let mut on_disk: Option<OnDisk> = None;
    for batch in plan::batches(&msgs, BATCH_COUNT, BATCH_BYTES) {
        let first = match land(remote, state, to, batch, tally).await {
            Ok(landed) => {
                if let Some(previous) = on_disk.take()
                    && let Err(e) = previous.finish(state, to, fstate, tally).await
                {
                    landed.abandon(state, to);
                    return Err(e);
                }
                on_disk = Some(OnDisk::start(landed, to.maildir));
                continue;
            }
            Err(e) => e,
        };
        if let Some(previous) = on_disk.take() {
            previous.finish(state, to, fstate, tally).await?;
        }
        if !server_side(&first) {
            return Err(first);
        }
        tracing::warn!(
            "{}: {first}; trying the batch's messages one by one",
            to.key
        );
        if !matches!(first, Error::Rejected { .. }) {
            reopen(remote, first).await?;
        }
        for one in batch.chunks(1) {
            match land(remote, state, to, one, tally).await {
                Ok(landed) => {
                    OnDisk::start(landed, to.maildir)
                        .finish(state, to, fstate, tally)
                        .await?
                }
                Err(e) if server_side(&e) => {
                    tally.refused.push((one[0].uid, e.to_string()));
                    if !matches!(e, Error::Rejected { .. }) {
                        reopen(remote, e).await?;
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
    match on_disk {
        Some(last) => last.finish(state, to, fstate, tally).await,
        None => Ok(()),
    }
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

/// A batch downloaded into tmp/, its rows pending: what is left is to make it durable and
/// move it into the Maildir (`OnDisk`).
struct Landed {
    arrived: Vec<Arrived>,
    /// The rows recorded pending (when the delivery records), in `arrived`'s order.
    rows: Vec<NewRow>,
    /// The lowest UID requested and not received, and the highest requested.
    first_missing: Option<u32>,
    missing: usize,
    highest: Option<u32>,
}

/// Downloads one batch into tmp/ and records its rows pending. Pending before the files
/// are durable is safe: a pending row only says "maybe delivered", and a crash recovery
/// (`recover`) forgets every one whose file is not in new/ or cur/, which a file reaches
/// only after it is durable (`OnDisk`).
async fn land<R: Remote>(
    remote: &mut R,
    state: &mut State,
    to: &Delivery<'_>,
    batch: &[RemoteMessage],
    tally: &mut Tally,
) -> Result<Landed> {
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
    if let Err(e) = result {
        for a in staged {
            maildir.discard(a.file);
        }
        return Err(e);
    }
    let received: HashSet<&str> = staged.iter().map(|a| a.d.id.as_str()).collect();
    let missing: Vec<u32> = batch
        .iter()
        .filter(|m| !received.contains(m.id.as_str()))
        .map(|m| m.uid)
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
    let landed = Landed {
        arrived: staged,
        rows,
        first_missing: missing.iter().copied().min(),
        missing: missing.len(),
        highest: batch.iter().map(|m| m.uid).max(),
    };
    if record {
        let recorded = state
            .record_pending(key, &landed.rows, clock::now())
            .and_then(|()| testhook::step("record pending"));
        if let Err(e) = recorded {
            landed.abandon(state, to);
            return Err(e);
        }
    }
    Ok(landed)
}

impl Landed {
    /// Gives up a landed batch: its files out of tmp/, its pending rows forgotten (a
    /// failure here leaves them to the next run's `recover`, which forgets them too).
    fn abandon(self, state: &mut State, to: &Delivery<'_>) {
        let ids: Vec<String> = self.rows.iter().map(|r| r.id.clone()).collect();
        for a in self.arrived {
            to.maildir.discard(a.file);
        }
        if to.record
            && let Err(e) = state.forget_pending(to.key, &ids)
        {
            tracing::debug!("pending rows left to the next run: {e}");
        }
    }
}

/// A landed batch being made durable and moved into the Maildir on a blocking thread:
/// fsync (one syncfs) → rename into new/ or cur/ → fsync the directories.
struct OnDisk {
    job: tokio::task::JoinHandle<(Landed, usize, Result<()>)>,
}

impl OnDisk {
    fn start(mut landed: Landed, maildir: &Folder) -> OnDisk {
        let maildir = maildir.clone();
        let hooks = testhook::Inherited::capture();
        let job = tokio::task::spawn_blocking(move || {
            hooks.run(|| {
                let mut moved = 0;
                let r = move_in(&maildir, &mut landed.arrived, &mut moved);
                (landed, moved, r)
            })
        });
        OnDisk { job }
    }

    /// Waits for the disk, then records the batch delivered with the folder's gap-free
    /// high-water mark.
    async fn finish(
        self,
        state: &mut State,
        to: &Delivery<'_>,
        fstate: &mut FolderState,
        tally: &mut Tally,
    ) -> Result<()> {
        let (landed, moved, result) = self
            .job
            .await
            .map_err(|e| Error::Internal(format!("the disk thread failed: {e}")))?;
        if let Err(e) = result {
            // Files moved into the Maildir stay, their rows pending: not durable yet, so
            // the next run's `recover` decides from what is on disk then.
            // `rows` is in `arrived`'s order: the ones not moved are the same tail.
            let mut landed = landed;
            landed.arrived = landed.arrived.split_off(moved);
            landed.rows = landed.rows.split_off(moved);
            landed.abandon(state, to);
            return Err(e);
        }
        let key = to.key;
        for a in &landed.arrived {
            tally.messages += 1;
            tally.bytes += a.file.size;
            tally.delivered.push(a.d.id.clone());
        }
        // Advance the high-water mark only past a gap-free prefix of what was requested,
        // and never past a message the server refused earlier in this run or one too large.
        let before = fstate.last_uid;
        if let Some(first_missing) = landed.first_missing {
            fstate.last_uid = fstate.last_uid.max(first_missing.saturating_sub(1));
        } else if let Some(max) = landed.highest {
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
        if to.record {
            let ids: Vec<String> = landed.rows.into_iter().map(|r| r.id).collect();
            let folder_state = (fstate.uidvalidity.is_some()).then_some(&*fstate);
            state.mark_delivered(key, &ids, folder_state)?;
            testhook::step("commit delivered")?;
        }
        if landed.missing > 0 {
            tracing::warn!(
                "{key}: the server did not return {} message(s) (expunged meanwhile?); will retry next run",
                landed.missing
            );
        }
        Ok(())
    }
}

/// The disk side of a batch; `moved` counts the files already renamed into the Maildir.
fn move_in(maildir: &Folder, arrived: &mut [Arrived], moved: &mut usize) -> Result<()> {
    maildir.sync_staged(arrived.iter_mut().map(|a| &mut a.file))?;
    testhook::step("sync staged")?;
    for a in arrived.iter() {
        maildir.deliver(&a.file, a.d.flags)?;
        *moved += 1;
        testhook::step("deliver")?;
    }
    maildir.sync_dirs()
}

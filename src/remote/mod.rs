//! The one seam between the protocol-agnostic engine and a server: what the engine needs
//! from a mailbox, nothing protocol-shaped. POP3 and IMAP implement it, `AnyRemote` is
//! either (what `connect` returns), and the engines' tests use an in-memory fake. What a
//! protocol cannot do is data (`Capabilities`), not branches in the commands.

#[cfg(test)]
pub mod fake;
pub mod imap;
pub mod pop3;

use crate::config::{Account, Protocol};
use crate::domain::{Flags, IdleEvent};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFolder {
    /// The name to open it by, as the server spells it.
    pub server_name: String,
    /// Decoded hierarchy below the personal namespace; empty for INBOX.
    pub path: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FolderSnapshot {
    /// IMAP UIDVALIDITY; `None` for POP3.
    pub validity: Option<u32>,
    pub uidnext: Option<u32>,
    /// False for a POP3 server without UIDL: ids are message numbers, valid for one session.
    pub stable_ids: bool,
    /// True when `list` returns every message (POP3), not only those above a UID.
    pub lists_everything: bool,
}

/// Counts of a folder, read without changing anything on the server.
#[derive(Debug, Clone, Default)]
pub struct FolderStatus {
    pub messages: u64,
    /// Messages without \Seen (IMAP); POP3 has no flags.
    pub unseen: Option<u64>,
    pub uidnext: Option<u32>,
    pub validity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteMessage {
    /// Stable identity: the UID (IMAP, with the folder's validity) or the UIDL (POP3).
    /// Inline up to 24 bytes (every UID, most UIDLs): no allocation per listed message.
    pub id: compact_str::CompactString,
    /// IMAP UID, or POP3 message number for this session.
    pub uid: u32,
    pub size: u64,
    pub flags: Flags,
}

/// A folder's server messages by UID: one Vec sorted by UID, found by binary search (at
/// 100,000 messages 4.8 MB where a HashMap took 7.5 MB).
#[derive(Debug, Default, Clone)]
pub struct ByUid(Vec<RemoteMessage>);

impl ByUid {
    /// From messages in any order; of two with one UID the later stands.
    pub fn new(mut msgs: Vec<RemoteMessage>) -> Self {
        msgs.reverse();
        msgs.sort_by_key(|m| m.uid);
        msgs.dedup_by_key(|m| m.uid);
        ByUid(msgs)
    }

    pub fn get(&self, uid: &u32) -> Option<&RemoteMessage> {
        self.0
            .binary_search_by_key(uid, |m| m.uid)
            .ok()
            .map(|i| &self.0[i])
    }

    pub fn contains_key(&self, uid: &u32) -> bool {
        self.get(uid).is_some()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In UID order.
    pub fn values(&self) -> std::slice::Iter<'_, RemoteMessage> {
        self.0.iter()
    }
}

impl FromIterator<(u32, RemoteMessage)> for ByUid {
    fn from_iter<I: IntoIterator<Item = (u32, RemoteMessage)>>(iter: I) -> Self {
        ByUid::new(iter.into_iter().map(|(_, m)| m).collect())
    }
}

#[derive(Debug)]
pub struct Downloaded {
    pub id: String,
    pub flags: Flags,
    /// Server's arrival time (IMAP INTERNALDATE), seconds since the epoch.
    pub internal_date: Option<i64>,
    /// As received: CRLF line ends, transport encoding removed.
    pub body: Vec<u8>,
}

/// What the server sent for one requested message.
#[derive(Debug)]
pub enum Fetched {
    Whole(Downloaded),
    /// A message whose length is not the size the server announced for it (RFC822.SIZE,
    /// POP3 LIST): cut short, or a server whose sizes are estimates (Exchange,
    /// hMailServer). The engine decides (`deliver`): retried, and stored without ever
    /// being deleted from the server once the server sends the very same again.
    Mismatch {
        downloaded: Downloaded,
        uid: u32,
        announced: u64,
    },
    /// The server refused the message, or sent something that is not it (another
    /// section, NIL, nothing): never stored, never deleted, retried later.
    Refused {
        id: String,
        uid: u32,
        reason: String,
    },
}

/// A message to upload: its bytes (CRLF line ends), flags and arrival time.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub body: &'a [u8],
    pub flags: Flags,
    pub date: Option<i64>,
}

/// What a connected server can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Folders, flags, uploads: what two-way sync needs (IMAP).
    pub sync: bool,
    /// Deletions take effect only when the session ends cleanly (POP3's QUIT).
    pub deletes_at_finish: bool,
    /// The server announces changes to an open folder (IMAP IDLE).
    pub idle: bool,
}

/// The error for an operation the protocol does not have.
fn unsupported(what: &str) -> Error {
    Error::Refused(format!(
        "{what} needs IMAP; this account uses POP3, which has one mailbox and no flags"
    ))
}

#[allow(async_fn_in_trait)]
pub trait Remote {
    fn capabilities(&self) -> Capabilities;
    /// Every folder the server offers (POP3: just INBOX).
    async fn folders(&mut self) -> Result<Vec<RemoteFolder>>;
    /// Counts of a folder without opening it for change (IMAP STATUS; POP3 UIDL/LIST).
    async fn status(&mut self, folder: &RemoteFolder) -> Result<FolderStatus>;
    /// Storage quota (used, limit) in bytes, when the server reports one.
    async fn quota(&mut self) -> Result<Option<(u64, u64)>> {
        Ok(None)
    }
    /// Opens a folder; `writable` when messages will be deleted.
    async fn open(&mut self, folder: &RemoteFolder, writable: bool) -> Result<FolderSnapshot>;
    /// Messages of the open folder with UID ≥ `from_uid` (POP3: all).
    async fn list(&mut self, from_uid: u32) -> Result<Vec<RemoteMessage>>;
    /// Downloads `msgs` in one pass, handing each to `sink` as it arrives. Messages the
    /// server no longer has are skipped, not errors; one it refuses or sends only in part
    /// is handed over as `Fetched::Refused`.
    async fn download(
        &mut self,
        msgs: &[RemoteMessage],
        sink: &mut dyn FnMut(Fetched) -> Result<()>,
    ) -> Result<()>;
    /// Arrival time (seconds since the epoch) of the open folder's messages, by UID:
    /// IMAP's INTERNALDATE; empty where the protocol keeps none (POP3).
    async fn arrival_dates(&mut self) -> Result<std::collections::HashMap<u32, i64>> {
        Ok(Default::default())
    }
    /// Hands (uid, size, header block) of every message with UID >= `from_uid` to `sink`
    /// as it arrives, to re-identify messages by content (after the server renumbered the
    /// folder, or a crashed upload); the blocks are not kept, so memory stays flat.
    async fn headers(&mut self, from_uid: u32, sink: &mut dyn FnMut(u32, u64, &[u8]))
    -> Result<()>;
    /// Deletes messages of the open folder, given as (id, uid). POP3 applies deletions
    /// only at `finish`.
    async fn delete(&mut self, msgs: &[(String, u32)]) -> Result<()>;
    /// After an error that cost the session: connect again and reopen the folder that was
    /// open, so the rest of a folder can be tried. Not possible for POP3 (its message
    /// numbers and pending deletions live only in the session).
    async fn reopen(&mut self) -> Result<()> {
        Err(crate::error::Error::Internal(
            "this protocol cannot resume a folder in a new session".into(),
        ))
    }
    /// Ends the session cleanly; POP3 deletions take effect only if this succeeds.
    async fn finish(&mut self) -> Result<()>;
    /// A configured folder pattern in folder-path form (`INBOX.Sent` → `Sent` on a server
    /// whose personal namespace is `INBOX.`).
    fn normalize_pattern(&self, pattern: &str) -> String {
        pattern.to_string()
    }

    // Two-way sync (`capabilities().sync`).

    /// Opens a folder and lists it: only what changed since `since` when the server can
    /// say so (CONDSTORE/QRESYNC), everything otherwise.
    async fn sync_open(
        &mut self,
        _folder: &RemoteFolder,
        _writable: bool,
        _since: Option<Baseline>,
    ) -> Result<SyncListing> {
        Err(unsupported("sync"))
    }
    /// Creates a folder for `path`; returns it as `folders` would list it.
    async fn create_folder(&mut self, _path: &[String]) -> Result<RemoteFolder> {
        Err(unsupported("creating folders"))
    }
    /// Adds and removes flags on messages of the open folder.
    async fn set_flags(&mut self, _uids: &[u32], _add: Flags, _remove: Flags) -> Result<()> {
        Err(unsupported("flags"))
    }
    /// Expunges exactly `uids`; false when the server cannot (no UIDPLUS).
    async fn expunge(&mut self, _uids: &[u32]) -> Result<bool> {
        Err(unsupported("expunging single messages"))
    }
    /// Appends messages to `folder`, pipelined where the server allows: per message its
    /// new UID when the server says, or the server's refusal of that message alone; an
    /// outer error leaves every message of the batch unknown (found by content later).
    async fn append(
        &mut self,
        _folder: &RemoteFolder,
        _msgs: &[Upload<'_>],
    ) -> Result<Vec<Result<Option<u32>>>> {
        Err(unsupported("uploading messages"))
    }

    /// Waits on the open folder until the server announces a change, `max` elapses or
    /// `stop` fires (`capabilities().idle`).
    async fn idle(
        &mut self,
        _max: std::time::Duration,
        _stop: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<IdleEvent> {
        Err(unsupported("waiting for new mail (IDLE)"))
    }
}

/// The server's quota, or `None` where it cannot be read: quota is extra, and a server
/// whose answer cannot be parsed (Courier-IMAP 5.0.13 sends `* QUOTA "ROOT"` with no
/// resource list, against RFC 2087 §5.1, 2026-11-29) is measured another way. The
/// session that failed is replaced on the next call.
pub async fn readable_quota<R: Remote>(remote: &mut R) -> Option<(u64, u64)> {
    remote.quota().await.unwrap_or_else(|e| {
        // The error names the account and server.
        tracing::warn!("the server's quota could not be read: {e}");
        None
    })
}

/// What the last complete sync of a folder saw: lets the server report only changes.
#[derive(Debug, Clone, Copy)]
pub struct Baseline {
    pub validity: u32,
    pub modseq: u64,
    pub last_uid: u32,
    /// Messages with UID <= `last_uid` that should still be on the server.
    pub present: usize,
}

/// A folder's messages as the sync engine needs them.
#[derive(Debug, Clone, Default)]
pub struct SyncListing {
    pub validity: u32,
    pub uidnext: Option<u32>,
    pub modseq: Option<u64>,
    /// When `complete`, every message; otherwise those above the baseline's `last_uid`
    /// plus those whose flags changed since its modseq (`size` 0 for the latter).
    pub messages: Vec<RemoteMessage>,
    /// UIDs expunged since the baseline (only when not `complete`).
    pub vanished: Vec<u32>,
    pub complete: bool,
}

/// A connected server of either protocol: the value `connect` returns.
pub enum AnyRemote {
    Pop3(Box<pop3::Pop3Remote>),
    Imap(Box<imap::ImapRemote>),
}

/// A connection that waited longer than this for its password (a passphrase typed into
/// pinentry) is not trusted to be open still: servers drop clients idle before login.
const DIALED_FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// Logs in to an account's server. The password is looked up (a command such as `pass`,
/// the keyring, an OAuth2 refresh) while the connection and the TLS handshake are made,
/// and asked for on the terminal only after they succeeded.
pub async fn connect(account: &Account, timeout: u64) -> Result<AnyRemote> {
    let ep = endpoint(account, timeout);
    let started = std::time::Instant::now();
    let dial = async {
        // OpenSSL's set-up (~2 ms) too, while a password command runs.
        let connector = crate::net::tls_connector(account.ca_file.as_deref())?;
        let dialed = match account.protocol {
            Protocol::Pop3 => {
                Dialed::Pop3(crate::proto::pop3::Pop3::connect(&ep, account.tls, &connector).await?)
            }
            Protocol::Imap => {
                Dialed::Imap(crate::proto::imap::Imap::dial(&ep, account.tls, &connector).await?)
            }
        };
        Ok((dialed, connector))
    };
    let (password, (dialed, connector)) =
        tokio::try_join!(crate::secret::without_asking(account, timeout), dial)?;
    let password = match password {
        Some(p) => p,
        None => crate::secret::ask(account).await?,
    };
    let fresh = started.elapsed() < crate::testhook::dialed_fresh_for(DIALED_FRESH_FOR);
    if !fresh {
        tracing::debug!("the password took a while: connecting again for the login");
    }
    let dialed = fresh.then_some(dialed);
    login(account, ep, connector, password, dialed).await
}

/// Logs in with a password in hand (one just typed, before it is stored anywhere).
pub async fn connect_with(
    account: &Account,
    timeout: u64,
    password: crate::secret::Password,
) -> Result<AnyRemote> {
    let connector = crate::net::tls_connector(account.ca_file.as_deref())?;
    login(
        account,
        endpoint(account, timeout),
        connector,
        password,
        None,
    )
    .await
}

/// A connection made, not logged in yet.
enum Dialed {
    Pop3(crate::proto::pop3::Pop3),
    Imap(crate::proto::imap::Dialed),
}

fn endpoint(account: &Account, timeout: u64) -> crate::net::Endpoint {
    crate::net::Endpoint {
        host: account.host.clone(),
        port: account.port,
        timeout: std::time::Duration::from_secs(timeout.max(1)),
        label: format!("{} ({}:{})", account.name, account.host, account.port),
        max_message: account.max_message_size,
    }
}

/// Logs in on `dialed`, or on a new connection.
async fn login(
    account: &Account,
    ep: crate::net::Endpoint,
    connector: crate::net::TlsConnector,
    password: crate::secret::Password,
    dialed: Option<Dialed>,
) -> Result<AnyRemote> {
    Ok(match account.protocol {
        Protocol::Pop3 => {
            let mut conn = match dialed {
                Some(Dialed::Pop3(conn)) => conn,
                _ => crate::proto::pop3::Pop3::connect(&ep, account.tls, &connector).await?,
            };
            conn.login(&account.name, &account.user, &password, account.auth)
                .await?;
            AnyRemote::Pop3(Box::new(pop3::Pop3Remote::new(conn, ep.label.clone())))
        }
        Protocol::Imap => {
            let dialed = match dialed {
                Some(Dialed::Imap(d)) => Some(d),
                _ => None,
            };
            let login = imap::Login {
                ep,
                tls: account.tls,
                connector,
                account: account.name.clone(),
                user: account.user.clone(),
                password,
                auth: account.auth,
            };
            AnyRemote::Imap(Box::new(
                imap::ImapRemote::connect(login, account.folder_prefix.clone(), dialed).await?,
            ))
        }
    })
}

/// `$call` on whichever remote `$self` holds.
macro_rules! either {
    ($self:expr, $r:ident => $call:expr) => {
        match $self {
            AnyRemote::Pop3($r) => $call,
            AnyRemote::Imap($r) => $call,
        }
    };
}

impl Remote for AnyRemote {
    fn capabilities(&self) -> Capabilities {
        either!(self, r => r.capabilities())
    }
    async fn folders(&mut self) -> Result<Vec<RemoteFolder>> {
        either!(self, r => r.folders().await)
    }
    async fn status(&mut self, folder: &RemoteFolder) -> Result<FolderStatus> {
        either!(self, r => r.status(folder).await)
    }
    async fn quota(&mut self) -> Result<Option<(u64, u64)>> {
        either!(self, r => r.quota().await)
    }
    async fn open(&mut self, folder: &RemoteFolder, writable: bool) -> Result<FolderSnapshot> {
        either!(self, r => r.open(folder, writable).await)
    }
    async fn list(&mut self, from_uid: u32) -> Result<Vec<RemoteMessage>> {
        either!(self, r => r.list(from_uid).await)
    }
    async fn download(
        &mut self,
        msgs: &[RemoteMessage],
        sink: &mut dyn FnMut(Fetched) -> Result<()>,
    ) -> Result<()> {
        either!(self, r => r.download(msgs, sink).await)
    }
    async fn headers(
        &mut self,
        from_uid: u32,
        sink: &mut dyn FnMut(u32, u64, &[u8]),
    ) -> Result<()> {
        either!(self, r => r.headers(from_uid, sink).await)
    }
    async fn arrival_dates(&mut self) -> Result<std::collections::HashMap<u32, i64>> {
        either!(self, r => r.arrival_dates().await)
    }
    async fn delete(&mut self, msgs: &[(String, u32)]) -> Result<()> {
        either!(self, r => r.delete(msgs).await)
    }
    async fn reopen(&mut self) -> Result<()> {
        either!(self, r => r.reopen().await)
    }
    async fn finish(&mut self) -> Result<()> {
        either!(self, r => r.finish().await)
    }
    fn normalize_pattern(&self, pattern: &str) -> String {
        either!(self, r => r.normalize_pattern(pattern))
    }
    async fn sync_open(
        &mut self,
        folder: &RemoteFolder,
        writable: bool,
        since: Option<Baseline>,
    ) -> Result<SyncListing> {
        either!(self, r => r.sync_open(folder, writable, since).await)
    }
    async fn create_folder(&mut self, path: &[String]) -> Result<RemoteFolder> {
        either!(self, r => r.create_folder(path).await)
    }
    async fn set_flags(&mut self, uids: &[u32], add: Flags, remove: Flags) -> Result<()> {
        either!(self, r => r.set_flags(uids, add, remove).await)
    }
    async fn expunge(&mut self, uids: &[u32]) -> Result<bool> {
        either!(self, r => r.expunge(uids).await)
    }
    async fn append(
        &mut self,
        folder: &RemoteFolder,
        msgs: &[Upload<'_>],
    ) -> Result<Vec<Result<Option<u32>>>> {
        either!(self, r => r.append(folder, msgs).await)
    }
    async fn idle(
        &mut self,
        max: std::time::Duration,
        stop: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<IdleEvent> {
        either!(self, r => r.idle(max, stop).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(uid: u32, size: u64) -> RemoteMessage {
        RemoteMessage {
            id: uid.to_string().into(),
            uid,
            size,
            flags: Flags::default(),
        }
    }

    #[test]
    fn by_uid_finds_each_uid_and_the_later_of_two_stands() {
        let all = ByUid::new(vec![m(7, 1), m(3, 1), m(7, 2), m(5, 1)]);
        assert_eq!(all.len(), 3);
        assert_eq!(all.get(&7).map(|x| x.size), Some(2));
        assert!(all.contains_key(&3) && !all.contains_key(&4));
        let uids: Vec<u32> = all.values().map(|x| x.uid).collect();
        assert_eq!(uids, [3, 5, 7]);
    }
}

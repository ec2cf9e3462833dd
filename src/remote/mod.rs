//! The one seam between the protocol-agnostic engine and a server: what the engine needs
//! from a mailbox, nothing protocol-shaped. POP3 and IMAP implement it; the engine's
//! tests use an in-memory fake.

pub mod imap;
pub mod pop3;

use crate::domain::Flags;
use crate::error::Result;

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
    pub id: String,
    /// IMAP UID, or POP3 message number for this session.
    pub uid: u32,
    pub size: u64,
    pub flags: Flags,
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
    /// The server refused the message, or sent something that is not all of it (shorter
    /// than announced, another section, NIL): never stored, never deleted, retried later.
    Refused {
        id: String,
        uid: u32,
        reason: String,
    },
}

#[allow(async_fn_in_trait)]
pub trait Remote {
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
    /// (uid, size, header block) of every message with UID >= `from_uid`, to re-identify
    /// messages by content (after the server renumbered the folder, or a crashed upload).
    async fn headers(&mut self, from_uid: u32) -> Result<Vec<(u32, u64, Vec<u8>)>>;
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

/// Two-way sync needs more than fetch: folders, flags and uploads (IMAP only).
#[allow(async_fn_in_trait)]
pub trait SyncRemote: Remote {
    /// Opens a folder and lists it: only what changed since `since` when the server can
    /// say so (CONDSTORE/QRESYNC), everything otherwise.
    async fn sync_open(
        &mut self,
        folder: &RemoteFolder,
        writable: bool,
        since: Option<Baseline>,
    ) -> Result<SyncListing>;
    /// Creates a folder for `path`; returns it as `folders` would list it.
    async fn create_folder(&mut self, path: &[String]) -> Result<RemoteFolder>;
    /// Adds and removes flags on messages of the open folder.
    async fn set_flags(&mut self, uids: &[u32], add: Flags, remove: Flags) -> Result<()>;
    /// Expunges exactly `uids`; false when the server cannot (no UIDPLUS).
    async fn expunge(&mut self, uids: &[u32]) -> Result<bool>;
    /// Appends a message (CRLF line ends) to `folder`; the new UID when the server says.
    async fn append(
        &mut self,
        folder: &RemoteFolder,
        body: &[u8],
        flags: Flags,
        date: Option<i64>,
    ) -> Result<Option<u32>>;
}

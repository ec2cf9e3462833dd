//! An in-memory server behind the seam, for the engines' unit tests: IMAP-like (folders,
//! UIDs, flags, uploads) or POP3-like (one INBOX, deletions applied at a clean finish), with
//! failures a test can script: a message the server refuses or sends short, a connection
//! that drops after some messages. It records what it was asked to delete.

use compact_str::ToCompactString;
use std::collections::{BTreeMap, HashSet};

use crate::domain::Flags;
use crate::error::{Error, Result};
use crate::remote::{
    Baseline, Capabilities, Downloaded, Fetched, FolderSnapshot, FolderStatus, Remote,
    RemoteFolder, RemoteMessage, SyncListing, Upload,
};

#[derive(Debug, Clone)]
pub struct FakeMessage {
    /// As on the wire: CRLF line ends.
    pub body: Vec<u8>,
    pub flags: Flags,
    /// INTERNALDATE (IMAP-like servers), seconds since the epoch.
    pub arrived: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct FakeFolder {
    pub path: Vec<String>,
    pub validity: u32,
    pub next_uid: u32,
    pub messages: BTreeMap<u32, FakeMessage>,
}

impl FakeFolder {
    fn server_name(&self) -> String {
        if self.path.is_empty() {
            "INBOX".into()
        } else {
            self.path.join("/")
        }
    }
}

#[derive(Debug)]
pub struct FakeRemote {
    pub folders: Vec<FakeFolder>,
    pub caps: Capabilities,
    /// UIDs whose download the server refuses.
    pub refuse: HashSet<u32>,
    /// Added to every size the server announces (a server whose sizes are estimates).
    pub size_offset: u64,
    /// UIDs the server sends cut short (half of the announced size).
    pub truncate: HashSet<u32>,
    /// The connection drops after this many more messages have been sent (once).
    pub drop_after: Option<usize>,
    /// (folder path, uid) of every message deleted on the server, in order.
    pub deleted: Vec<(Vec<String>, u32)>,
    /// A storage limit reported as QUOTA (usage: the sum of all message sizes).
    pub quota_limit: Option<u64>,
    open: Option<usize>,
    /// POP3-like: deletions wait for `finish`.
    pending: Vec<(usize, u32)>,
}

/// A message with CRLF line ends.
pub fn message(n: u32, subject: &str) -> Vec<u8> {
    format!(
        "From: a@example.org\r\nSubject: {subject} {n}\r\nMessage-ID: <{n}.{subject}@example.org>\r\n\r\nBody {n}.\r\n"
    )
    .into_bytes()
}

impl FakeRemote {
    /// An IMAP-like server with INBOX holding `bodies` (UIDs 1..).
    pub fn imap(bodies: Vec<Vec<u8>>) -> Self {
        let mut inbox = FakeFolder {
            path: Vec::new(),
            validity: 7,
            next_uid: 1,
            messages: BTreeMap::new(),
        };
        for body in bodies {
            inbox.messages.insert(
                inbox.next_uid,
                FakeMessage {
                    body,
                    flags: Flags::default(),
                    arrived: None,
                },
            );
            inbox.next_uid += 1;
        }
        FakeRemote {
            folders: vec![inbox],
            caps: Capabilities {
                sync: true,
                deletes_at_finish: false,
                idle: false,
            },
            refuse: HashSet::new(),
            truncate: HashSet::new(),
            size_offset: 0,
            drop_after: None,
            deleted: Vec::new(),
            quota_limit: None,
            open: None,
            pending: Vec::new(),
        }
    }

    /// A POP3-like server: one INBOX, deletions only at a clean finish.
    pub fn pop3(bodies: Vec<Vec<u8>>) -> Self {
        let mut r = Self::imap(bodies);
        r.caps = Capabilities {
            sync: false,
            deletes_at_finish: true,
            idle: false,
        };
        r
    }

    pub fn inbox(&mut self) -> &mut FakeFolder {
        &mut self.folders[0]
    }

    /// Adds a message to INBOX; returns its UID.
    pub fn deliver(&mut self, body: Vec<u8>, flags: Flags) -> u32 {
        let inbox = self.inbox();
        let uid = inbox.next_uid;
        inbox.messages.insert(
            uid,
            FakeMessage {
                body,
                flags,
                arrived: None,
            },
        );
        inbox.next_uid += 1;
        uid
    }

    /// The server renumbers INBOX: a new UIDVALIDITY, every message a new UID.
    pub fn renumber(&mut self) {
        let inbox = self.inbox();
        inbox.validity += 1;
        let old = std::mem::take(&mut inbox.messages);
        let mut uid = 100;
        for (_, m) in old {
            inbox.messages.insert(uid, m);
            uid += 1;
        }
        inbox.next_uid = uid;
    }

    fn open_index(&self) -> Result<usize> {
        self.open
            .ok_or_else(|| Error::Internal("no folder open".into()))
    }

    fn folder(&mut self) -> Result<&mut FakeFolder> {
        let i = self.open_index()?;
        Ok(&mut self.folders[i])
    }

    fn listing(&self, i: usize, from: u32) -> Vec<RemoteMessage> {
        self.folders[i]
            .messages
            .range(from.max(1)..)
            .map(|(uid, m)| RemoteMessage {
                id: uid.to_compact_string(),
                uid: *uid,
                size: m.body.len() as u64 + self.size_offset,
                flags: m.flags,
            })
            .collect()
    }

    fn index_of(&self, folder: &RemoteFolder) -> Result<usize> {
        self.folders
            .iter()
            .position(|f| f.path == folder.path)
            .ok_or_else(|| Error::Rejected {
                context: "fake".into(),
                detail: format!("no folder {:?}", folder.server_name),
            })
    }

    /// The session dies (the client crashed): deletions it had not committed are lost.
    pub fn abandon(&mut self) {
        self.pending.clear();
        self.open = None;
    }

    /// Bodies of INBOX, as stored.
    pub fn bodies(&self) -> Vec<Vec<u8>> {
        self.folders[0]
            .messages
            .values()
            .map(|m| m.body.clone())
            .collect()
    }

    fn remove(&mut self, i: usize, uid: u32) {
        if self.folders[i].messages.remove(&uid).is_some() {
            self.deleted.push((self.folders[i].path.clone(), uid));
        }
    }
}

impl Remote for FakeRemote {
    fn capabilities(&self) -> Capabilities {
        self.caps
    }

    async fn folders(&mut self) -> Result<Vec<RemoteFolder>> {
        Ok(self
            .folders
            .iter()
            .map(|f| RemoteFolder {
                server_name: f.server_name(),
                path: f.path.clone(),
            })
            .collect())
    }

    async fn status(&mut self, folder: &RemoteFolder) -> Result<FolderStatus> {
        let i = self.index_of(folder)?;
        let f = &self.folders[i];
        Ok(FolderStatus {
            messages: f.messages.len() as u64,
            unseen: Some(f.messages.values().filter(|m| !m.flags.seen).count() as u64),
            uidnext: Some(f.next_uid),
            validity: Some(f.validity),
        })
    }

    async fn open(&mut self, folder: &RemoteFolder, _writable: bool) -> Result<FolderSnapshot> {
        let i = self.index_of(folder)?;
        self.open = Some(i);
        let pop3 = self.caps.deletes_at_finish;
        let f = &self.folders[i];
        Ok(FolderSnapshot {
            validity: (!pop3).then_some(f.validity),
            uidnext: (!pop3).then_some(f.next_uid),
            stable_ids: true,
            lists_everything: pop3,
        })
    }

    async fn list(&mut self, from_uid: u32) -> Result<Vec<RemoteMessage>> {
        Ok(self.listing(self.open_index()?, from_uid))
    }

    async fn download(
        &mut self,
        msgs: &[RemoteMessage],
        sink: &mut dyn FnMut(Fetched) -> Result<()>,
    ) -> Result<()> {
        for m in msgs {
            if let Some(n) = self.drop_after.as_mut() {
                if *n == 0 {
                    self.drop_after = None;
                    return Err(Error::network(
                        "fake",
                        std::io::Error::new(std::io::ErrorKind::ConnectionReset, "dropped"),
                    ));
                }
                *n -= 1;
            }
            let folder = self.folder()?;
            let Some(stored) = folder.messages.get(&m.uid).cloned() else {
                continue;
            };
            let fetched = if self.refuse.contains(&m.uid) {
                Fetched::Refused {
                    id: m.id.to_string(),
                    uid: m.uid,
                    reason: "NO refused by the fake".into(),
                }
            } else if self.truncate.contains(&m.uid) {
                let announced = stored.body.len() as u64;
                let mut body = stored.body;
                body.truncate(body.len() / 2);
                Fetched::Mismatch {
                    downloaded: Downloaded {
                        id: m.id.to_string(),
                        flags: stored.flags,
                        internal_date: None,
                        body,
                    },
                    uid: m.uid,
                    announced,
                }
            } else if self.size_offset > 0 {
                Fetched::Mismatch {
                    announced: stored.body.len() as u64 + self.size_offset,
                    downloaded: Downloaded {
                        id: m.id.to_string(),
                        flags: stored.flags,
                        internal_date: None,
                        body: stored.body,
                    },
                    uid: m.uid,
                }
            } else {
                Fetched::Whole(Downloaded {
                    id: m.id.to_string(),
                    flags: stored.flags,
                    internal_date: None,
                    body: stored.body,
                })
            };
            sink(fetched)?;
        }
        Ok(())
    }

    async fn quota(&mut self) -> Result<Option<(u64, u64)>> {
        let used = self
            .folders
            .iter()
            .flat_map(|f| f.messages.values())
            .map(|m| m.body.len() as u64)
            .sum();
        Ok(self.quota_limit.map(|limit| (used, limit)))
    }

    async fn arrival_dates(&mut self) -> Result<std::collections::HashMap<u32, i64>> {
        if self.caps.deletes_at_finish {
            return Ok(Default::default());
        }
        Ok(self
            .folder()?
            .messages
            .iter()
            .filter_map(|(uid, m)| m.arrived.map(|t| (*uid, t)))
            .collect())
    }

    async fn headers(
        &mut self,
        from_uid: u32,
        sink: &mut dyn FnMut(u32, u64, &[u8]),
    ) -> Result<()> {
        let offset = self.size_offset;
        let folder = self.folder()?;
        for (uid, m) in folder.messages.range(from_uid.max(1)..) {
            let end = m
                .body
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map(|p| p + 4)
                .unwrap_or(m.body.len());
            sink(*uid, m.body.len() as u64 + offset, &m.body[..end]);
        }
        Ok(())
    }

    async fn delete(&mut self, msgs: &[(String, u32)]) -> Result<()> {
        let i = self.open_index()?;
        for (_, uid) in msgs {
            if self.caps.deletes_at_finish {
                self.pending.push((i, *uid));
            } else {
                self.remove(i, *uid);
            }
            crate::testhook::step("fake delete")?;
        }
        Ok(())
    }

    async fn reopen(&mut self) -> Result<()> {
        if self.caps.deletes_at_finish {
            return Err(Error::Internal(
                "this protocol cannot resume a folder in a new session".into(),
            ));
        }
        Ok(())
    }

    async fn finish(&mut self) -> Result<()> {
        for (i, uid) in std::mem::take(&mut self.pending) {
            self.remove(i, uid);
        }
        Ok(())
    }

    async fn sync_open(
        &mut self,
        folder: &RemoteFolder,
        _writable: bool,
        _since: Option<Baseline>,
    ) -> Result<SyncListing> {
        let i = self.index_of(folder)?;
        self.open = Some(i);
        let f = &self.folders[i];
        Ok(SyncListing {
            validity: f.validity,
            uidnext: Some(f.next_uid),
            modseq: None,
            messages: self.listing(i, 1),
            vanished: Vec::new(),
            complete: true,
        })
    }

    async fn create_folder(&mut self, path: &[String]) -> Result<RemoteFolder> {
        self.folders.push(FakeFolder {
            path: path.to_vec(),
            validity: 1,
            next_uid: 1,
            messages: BTreeMap::new(),
        });
        crate::testhook::step("fake create")?;
        Ok(RemoteFolder {
            server_name: path.join("/"),
            path: path.to_vec(),
        })
    }

    async fn set_flags(&mut self, uids: &[u32], add: Flags, remove: Flags) -> Result<()> {
        let folder = self.folder()?;
        for uid in uids {
            if let Some(m) = folder.messages.get_mut(uid) {
                m.flags = m.flags.union(&add).minus(&remove);
            }
        }
        Ok(())
    }

    async fn expunge(&mut self, uids: &[u32]) -> Result<bool> {
        let i = self.open_index()?;
        for uid in uids {
            if self.folders[i]
                .messages
                .get(uid)
                .is_some_and(|m| m.flags.deleted)
            {
                self.remove(i, *uid);
            }
        }
        Ok(true)
    }

    async fn append(
        &mut self,
        folder: &RemoteFolder,
        msgs: &[Upload<'_>],
    ) -> Result<Vec<Result<Option<u32>>>> {
        let i = self.index_of(folder)?;
        let f = &mut self.folders[i];
        let mut out = Vec::new();
        for m in msgs {
            let uid = f.next_uid;
            f.messages.insert(
                uid,
                FakeMessage {
                    body: m.body.to_vec(),
                    flags: m.flags,
                    arrived: m.date,
                },
            );
            f.next_uid += 1;
            out.push(Ok(Some(uid)));
        }
        Ok(out)
    }
}

//! POP3 behind the `Remote` seam.

use std::collections::{HashMap, HashSet};

use compact_str::CompactString;

use crate::domain::Flags;
use crate::error::{Error, Result};
use crate::proto::pop3::Pop3;
use crate::remote::{
    Capabilities, Downloaded, Fetched, FolderSnapshot, FolderStatus, Remote, RemoteFolder,
    RemoteMessage,
};

pub struct Pop3Remote {
    conn: Option<Pop3>,
    label: String,
    listing: Vec<RemoteMessage>,
    /// The maildrop does not change during a POP3 session (RFC 1939): list it once.
    snapshot: Option<FolderSnapshot>,
    /// Something went wrong mid-session (network, garbage, a desynchronised pipeline):
    /// the session must end without QUIT, so the server forgets every DELE (RFC 1939 §6).
    failed: bool,
    deles_sent: usize,
}

impl Pop3Remote {
    pub fn new(conn: Pop3, label: String) -> Self {
        Pop3Remote {
            conn: Some(conn),
            label,
            listing: Vec::new(),
            snapshot: None,
            failed: false,
            deles_sent: 0,
        }
    }

    fn conn(&mut self) -> Result<&mut Pop3> {
        self.conn
            .as_mut()
            .ok_or_else(|| Error::protocol(&self.label, "POP3 session already closed"))
    }

    /// Passes `r` on, remembering that the session can no longer be trusted if it failed.
    fn note<T>(&mut self, r: Result<T>) -> Result<T> {
        if r.is_err() {
            self.failed = true;
        }
        r
    }
}

/// Whether `body` (as received: CRLF line ends, dot-stuffing removed) is the message LIST
/// announced as `listed` octets. RFC 1939 §11 lets servers count the message as stored
/// (often LF line ends) rather than as sent, and a message without a final line end
/// arrives with the CRLF the protocol adds before the terminating dot.
fn is_whole(body: &[u8], listed: u64) -> bool {
    let len = body.len() as u64;
    let crlf = memchr::memmem::find_iter(body, b"\r\n").count() as u64;
    let added_eol = u64::from(body.ends_with(b"\r\n"));
    [
        len,
        len - crlf,
        len - 2 * added_eol,
        (len - crlf).saturating_sub(added_eol),
    ]
    .contains(&listed)
}

/// Broken servers repeat a UIDL; the copies are then kept apart (`id`, `id#2`, ...), so
/// that neither is mistaken for the other.
fn keep_repeated_apart(uidl: Vec<(u32, CompactString)>) -> Vec<(u32, CompactString)> {
    let mut distinct = HashSet::with_capacity(uidl.len());
    if uidl.iter().all(|(_, id)| distinct.insert(id.as_str())) {
        return uidl;
    }
    let mut seen: HashMap<CompactString, usize> = HashMap::new();
    uidl.into_iter()
        .map(|(number, id)| {
            let n = seen.entry(id.clone()).or_insert(0);
            *n += 1;
            match *n {
                1 => (number, id),
                n => (number, compact_str::format_compact!("{id}#{n}")),
            }
        })
        .collect()
}

impl Remote for Pop3Remote {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            sync: false,
            deletes_at_finish: true,
            idle: false,
        }
    }

    async fn folders(&mut self) -> Result<Vec<RemoteFolder>> {
        Ok(vec![RemoteFolder {
            server_name: "INBOX".into(),
            path: Vec::new(),
        }])
    }

    async fn status(&mut self, folder: &RemoteFolder) -> Result<FolderStatus> {
        self.open(folder, false).await?;
        Ok(FolderStatus {
            messages: self.listing.len() as u64,
            ..FolderStatus::default()
        })
    }

    async fn open(&mut self, _folder: &RemoteFolder, _writable: bool) -> Result<FolderSnapshot> {
        if let Some(snap) = &self.snapshot {
            return Ok(snap.clone());
        }
        let r = self.conn()?.send_listings_ahead().await;
        self.note(r)?;
        let conn = self.conn()?;
        // Servers without CAPA may still know UIDL: ask once.
        let uidl = if conn.has_uidl() {
            let r = conn.uidl().await;
            Some(self.note(r)?)
        } else {
            conn.uidl().await.ok()
        };
        let stable = uidl.is_some();
        let conn = self.conn()?;
        let r = conn.list().await;
        let mut sizes = self.note(r)?;
        // By number, for the lookups below (servers list in order: sorting is a check).
        sizes.sort_unstable_by_key(|&(number, _)| number);
        if let Some(uidl) = &uidl {
            // Every message has a size and a UIDL (RFC 1939): an answer that leaves one
            // out, or names one twice, must not make mailx forget, or delete, what it did
            // not see.
            let mut numbers: Vec<u32> = uidl.iter().map(|&(number, _)| number).collect();
            numbers.sort_unstable();
            let distinct = |n: &[u32]| n.windows(2).all(|w| w[0] != w[1]);
            if !numbers.iter().eq(sizes.iter().map(|(number, _)| number)) || !distinct(&numbers) {
                self.failed = true;
                return Err(Error::protocol(
                    &self.label,
                    format!(
                        "the server's UIDL ({} messages) and LIST ({}) disagree; nothing was downloaded or deleted",
                        uidl.len(),
                        sizes.len()
                    ),
                ));
            }
        }
        let size_of = |number: u32| {
            sizes
                .binary_search_by_key(&number, |&(n, _)| n)
                .map_or(0, |i| sizes[i].1)
        };
        let ids: Vec<(u32, CompactString)> = match uidl {
            Some(uidl) => keep_repeated_apart(uidl),
            None => {
                let mut numbers: Vec<u32> = sizes.iter().map(|&(number, _)| number).collect();
                numbers.dedup();
                numbers
                    .into_iter()
                    .map(|n| (n, compact_str::format_compact!("#{n}")))
                    .collect()
            }
        };
        self.listing = ids
            .into_iter()
            .map(|(number, id)| RemoteMessage {
                id,
                uid: number,
                size: size_of(number),
                flags: Flags::default(),
            })
            .collect();
        let snap = FolderSnapshot {
            validity: None,
            uidnext: None,
            stable_ids: stable,
            lists_everything: true,
        };
        self.snapshot = Some(snap.clone());
        Ok(snap)
    }

    async fn list(&mut self, _from_uid: u32) -> Result<Vec<RemoteMessage>> {
        Ok(self.listing.clone())
    }

    async fn download(
        &mut self,
        msgs: &[RemoteMessage],
        sink: &mut dyn FnMut(Fetched) -> Result<()>,
    ) -> Result<()> {
        let listed: HashMap<u32, &RemoteMessage> = msgs.iter().map(|m| (m.uid, m)).collect();
        let numbers: Vec<(u32, u64)> = msgs.iter().map(|m| (m.uid, m.size)).collect();
        let conn = self
            .conn
            .as_mut()
            .ok_or_else(|| Error::protocol(&self.label, "POP3 session already closed"))?;
        let r = conn
            .retr_many(&numbers, false, |n, answer| {
                let (id, size) = listed
                    .get(&n)
                    .map(|m| (m.id.to_string(), m.size))
                    .unwrap_or_default();
                let refused = |reason: String| Fetched::Refused {
                    id: id.clone(),
                    uid: n,
                    reason,
                };
                let downloaded = |body| Downloaded {
                    id: id.clone(),
                    flags: Flags::default(),
                    internal_date: None,
                    body,
                };
                sink(match answer {
                    Ok(body) if is_whole(&body, size) => Fetched::Whole(downloaded(body)),
                    Ok(body) if body.is_empty() => {
                        refused("the server sent an empty message".into())
                    }
                    Ok(body) => Fetched::Mismatch {
                        downloaded: downloaded(body),
                        uid: n,
                        announced: size,
                    },
                    Err(reason) => refused(reason),
                })
            })
            .await;
        self.note(r)
    }

    /// TOP n 0 of every listed message: how a folder last read over IMAP is found again
    /// by content over POP3 (after `mailx migrate --to pop3`).
    async fn headers(
        &mut self,
        _from_uid: u32,
        sink: &mut dyn FnMut(u32, u64, &[u8]),
    ) -> Result<()> {
        let numbers: Vec<(u32, u64)> = self.listing.iter().map(|m| (m.uid, m.size)).collect();
        let sizes: HashMap<u32, u64> = numbers.iter().copied().collect();
        let mut refused = None;
        let conn = self
            .conn
            .as_mut()
            .ok_or_else(|| Error::protocol(&self.label, "POP3 session already closed"))?;
        let r = conn
            .retr_many(&numbers, true, |n, answer| {
                match answer {
                    Ok(header) => sink(n, sizes.get(&n).copied().unwrap_or(0), &header),
                    Err(reason) => refused = Some(reason),
                }
                Ok(())
            })
            .await;
        self.note(r)?;
        match refused {
            Some(reason) => Err(Error::protocol(&self.label, format!("TOP: {reason}"))),
            None => Ok(()),
        }
    }

    async fn delete(&mut self, msgs: &[(String, u32)]) -> Result<()> {
        if self.failed {
            return Err(Error::protocol(
                &self.label,
                "not deleting anything in a POP3 session that had an error",
            ));
        }
        let numbers: Vec<u32> = msgs.iter().map(|(_, number)| *number).collect();
        self.deles_sent += numbers.len();
        let r = self
            .conn()?
            .dele_many(&numbers, || crate::testhook::step("POP3 DELE"))
            .await;
        self.note(r)
    }

    async fn finish(&mut self) -> Result<()> {
        let Some(conn) = self.conn.take() else {
            return Ok(());
        };
        if self.failed {
            // Dropping the connection without QUIT: the server rolls back every DELE.
            drop(conn);
            return match self.deles_sent {
                0 => Ok(()),
                n => Err(Error::protocol(
                    &self.label,
                    format!(
                        "the session had an error, so it was ended without QUIT: the server keeps all {n} message(s) marked for deletion"
                    ),
                )),
            };
        }
        conn.quit().await
    }
}

#[cfg(test)]
mod tests {
    use super::is_whole;

    #[test]
    fn a_body_is_whole_under_either_size_convention() {
        let body = b"Subject: x\r\n\r\nline\r\n";
        assert!(is_whole(body, 20), "as sent, CRLF");
        assert!(is_whole(body, 17), "as stored, LF");
        assert!(is_whole(b"abc\r\n", 3), "no final line end on the server");
        assert!(
            !is_whole(b"", 5000),
            "empty where 5,000 bytes were announced"
        );
        assert!(!is_whole(b"Subject: x\r\n", 5000), "cut short");
        assert!(!is_whole(body, 0), "not in LIST");
        assert!(is_whole(b"", 0));
    }
}

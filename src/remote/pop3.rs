//! POP3 behind the `Remote` seam.

use std::collections::HashMap;

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
        let sizes: HashMap<u32, u64> = self
            .note(r)?
            .into_iter()
            .filter_map(|l| l.value.parse().ok().map(|s| (l.number, s)))
            .collect();
        if let Some(uidl) = &uidl {
            // Every message has a size and a UIDL (RFC 1939): an answer that leaves one
            // out must not make mailx forget, or delete, what it did not see.
            let listed: std::collections::HashSet<u32> = uidl.iter().map(|l| l.number).collect();
            if listed.len() != sizes.len() || !sizes.keys().all(|n| listed.contains(n)) {
                self.failed = true;
                return Err(Error::protocol(
                    &self.label,
                    format!(
                        "the server's UIDL ({} messages) and LIST ({}) disagree; nothing was downloaded or deleted",
                        listed.len(),
                        sizes.len()
                    ),
                ));
            }
        }
        // Broken servers repeat a UIDL; the copies are then kept apart, so that neither is
        // mistaken for the other.
        let repeated = uidl.as_ref().is_some_and(|uidl| {
            let mut distinct = std::collections::HashSet::with_capacity(uidl.len());
            !uidl.iter().all(|l| distinct.insert(l.value.as_str()))
        });
        let ids: Vec<(u32, String)> = if let Some(uidl) = uidl {
            if !repeated {
                uidl.into_iter().map(|l| (l.number, l.value)).collect()
            } else {
                let mut seen: HashMap<String, usize> = HashMap::new();
                uidl.into_iter()
                    .map(|l| {
                        let n = seen.entry(l.value.clone()).or_insert(0);
                        *n += 1;
                        let id = if *n == 1 {
                            l.value
                        } else {
                            format!("{}#{}", l.value, n)
                        };
                        (l.number, id)
                    })
                    .collect()
            }
        } else {
            let mut numbers: Vec<u32> = sizes.keys().copied().collect();
            numbers.sort_unstable();
            numbers.into_iter().map(|n| (n, format!("#{n}"))).collect()
        };
        self.listing = ids
            .into_iter()
            .map(|(number, id)| RemoteMessage {
                id: compact_str::CompactString::new(&id),
                uid: number,
                size: sizes.get(&number).copied().unwrap_or(0),
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

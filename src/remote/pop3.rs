//! POP3 behind the `Remote` seam.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::proto::pop3::Pop3;
use crate::remote::{
    Downloaded, FolderSnapshot, FolderStatus, Remote, RemoteFolder, RemoteMessage,
};
use crate::store::maildir::Flags;

pub struct Pop3Remote {
    conn: Option<Pop3>,
    label: String,
    listing: Vec<RemoteMessage>,
    /// The maildrop does not change during a POP3 session (RFC 1939): list it once.
    snapshot: Option<FolderSnapshot>,
}

impl Pop3Remote {
    pub fn new(conn: Pop3, label: String) -> Self {
        Pop3Remote {
            conn: Some(conn),
            label,
            listing: Vec::new(),
            snapshot: None,
        }
    }

    fn conn(&mut self) -> Result<&mut Pop3> {
        self.conn
            .as_mut()
            .ok_or_else(|| Error::protocol(&self.label, "POP3 session already closed"))
    }
}

impl Remote for Pop3Remote {
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
        let conn = self.conn()?;
        // Servers without CAPA may still know UIDL: ask once.
        let uidl = if conn.has_uidl() {
            Some(conn.uidl().await?)
        } else {
            conn.uidl().await.ok()
        };
        let stable = uidl.is_some();
        let sizes: HashMap<u32, u64> = conn
            .list()
            .await?
            .into_iter()
            .filter_map(|l| l.value.parse().ok().map(|s| (l.number, s)))
            .collect();
        let ids: Vec<(u32, String)> = if let Some(uidl) = uidl {
            let mut seen: HashMap<String, usize> = HashMap::new();
            uidl.into_iter()
                .map(|l| {
                    // Broken servers repeat a UIDL; keep the copies apart so that neither
                    // is mistaken for the other.
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
        } else {
            let mut numbers: Vec<u32> = sizes.keys().copied().collect();
            numbers.sort_unstable();
            numbers.into_iter().map(|n| (n, format!("#{n}"))).collect()
        };
        self.listing = ids
            .into_iter()
            .map(|(number, id)| RemoteMessage {
                id,
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
        sink: &mut dyn FnMut(Downloaded) -> Result<()>,
    ) -> Result<()> {
        let ids: HashMap<u32, &str> = msgs.iter().map(|m| (m.uid, m.id.as_str())).collect();
        let numbers: Vec<u32> = msgs.iter().map(|m| m.uid).collect();
        let conn = self
            .conn
            .as_mut()
            .ok_or_else(|| Error::protocol(&self.label, "POP3 session already closed"))?;
        conn.retr_many(&numbers, |n, body| {
            let id = ids.get(&n).map(|s| s.to_string()).unwrap_or_default();
            sink(Downloaded {
                id,
                flags: Flags::default(),
                internal_date: None,
                body,
            })
        })
        .await
    }

    async fn headers(&mut self, _from_uid: u32) -> Result<Vec<(u32, u64, Vec<u8>)>> {
        Err(Error::protocol(
            &self.label,
            "POP3 folders have no UIDVALIDITY",
        ))
    }

    async fn delete(&mut self, msgs: &[(String, u32)]) -> Result<()> {
        let conn = self.conn()?;
        for (_, number) in msgs {
            conn.dele(*number).await?;
            crate::testhook::step("POP3 DELE");
        }
        Ok(())
    }

    async fn finish(&mut self) -> Result<()> {
        match self.conn.take() {
            Some(c) => c.quit().await,
            None => Ok(()),
        }
    }
}

//! Per-account sync state in SQLite (WAL, synchronous=FULL: a commit is durable when it
//! returns). A message row is written `pending` before its file is renamed into the
//! Maildir and `delivered` after, so a crash between the two is resolved by looking for
//! the file instead of downloading the message again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};

pub struct State {
    conn: Connection,
    path: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderState {
    pub local: String,
    pub uidvalidity: Option<u32>,
    /// Every message with a UID up to this one has been handled.
    pub last_uid: u32,
}

#[derive(Debug, Clone)]
pub struct Known {
    pub uid: u32,
    pub first_seen: i64,
    pub deleted: bool,
}

#[derive(Debug, Clone)]
pub struct NewRow {
    pub id: String,
    pub uid: u32,
    pub file: String,
    pub size: u64,
    pub fingerprint: i64,
}

#[derive(Debug, Clone)]
pub struct Pending {
    pub folder: String,
    pub local: String,
    pub id: String,
    pub file: String,
}

const PENDING: i64 = 0;
const DELIVERED: i64 = 1;

impl State {
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let err = |e: rusqlite::Error| Error::State {
            path: path.to_path_buf(),
            detail: e.to_string(),
        };
        let conn = Connection::open(path).map_err(&err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(&err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS folders (
                 remote TEXT PRIMARY KEY,
                 local TEXT NOT NULL,
                 uidvalidity INTEGER,
                 last_uid INTEGER NOT NULL DEFAULT 0
             );
             CREATE TABLE IF NOT EXISTS messages (
                 folder TEXT NOT NULL,
                 id TEXT NOT NULL,
                 uid INTEGER NOT NULL,
                 file TEXT NOT NULL,
                 size INTEGER NOT NULL,
                 fingerprint INTEGER NOT NULL,
                 first_seen INTEGER NOT NULL,
                 status INTEGER NOT NULL,
                 deleted INTEGER NOT NULL DEFAULT 0,
                 PRIMARY KEY (folder, id)
             );
             CREATE INDEX IF NOT EXISTS messages_uid ON messages (folder, uid);",
        )
        .map_err(&err)?;
        Ok(State {
            conn,
            path: path.to_path_buf(),
        })
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        db_err(self.path.clone())(e)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    pub fn folder(&self, remote: &str) -> Result<Option<FolderState>> {
        self.conn
            .query_row(
                "SELECT local, uidvalidity, last_uid FROM folders WHERE remote = ?1",
                [remote],
                |r| {
                    Ok(FolderState {
                        local: r.get(0)?,
                        uidvalidity: r.get(1)?,
                        last_uid: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_folder(&self, remote: &str, f: &FolderState) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO folders (remote, local, uidvalidity, last_uid) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (remote) DO UPDATE SET local = excluded.local,
                     uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid",
                params![remote, f.local, f.uidvalidity, f.last_uid],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Messages recorded for `folder` with a UID of at least `min_uid`, by id.
    pub fn known(&self, folder: &str, min_uid: u32) -> Result<HashMap<String, Known>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, uid, first_seen, deleted FROM messages
                 WHERE folder = ?1 AND uid >= ?2 AND status = ?3",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![folder, min_uid, DELIVERED], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Known {
                        uid: r.get(1)?,
                        first_seen: r.get(2)?,
                        deleted: r.get::<_, i64>(3)? != 0,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Step 1 of delivery: remember what is about to appear in the Maildir.
    pub fn record_pending(&mut self, folder: &str, rows: &[NewRow], now: i64) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO messages (folder, id, uid, file, size, fingerprint, first_seen, status)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (folder, id) DO UPDATE SET uid = excluded.uid, file = excluded.file,
                         size = excluded.size, fingerprint = excluded.fingerprint,
                         first_seen = excluded.first_seen, status = excluded.status, deleted = 0",
                )
                .map_err(&err)?;
            for r in rows {
                stmt.execute(params![
                    folder,
                    r.id,
                    r.uid,
                    r.file,
                    r.size as i64,
                    r.fingerprint,
                    now,
                    PENDING
                ])
                .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// Step 2 of delivery: the files are durable in the Maildir.
    pub fn mark_delivered(
        &mut self,
        folder: &str,
        ids: &[String],
        folder_state: Option<&FolderState>,
    ) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut stmt = tx
                .prepare_cached("UPDATE messages SET status = ?1 WHERE folder = ?2 AND id = ?3")
                .map_err(&err)?;
            for id in ids {
                stmt.execute(params![DELIVERED, folder, id]).map_err(&err)?;
            }
            if let Some(f) = folder_state {
                tx.execute(
                    "INSERT INTO folders (remote, local, uidvalidity, last_uid) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (remote) DO UPDATE SET local = excluded.local,
                         uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid",
                    params![folder, f.local, f.uidvalidity, f.last_uid],
                )
                .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    pub fn pending(&self) -> Result<Vec<Pending>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT m.folder, COALESCE(f.local, ''), m.id, m.file FROM messages m
                 LEFT JOIN folders f ON f.remote = m.folder WHERE m.status = ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([PENDING], |r| {
                Ok(Pending {
                    folder: r.get(0)?,
                    local: r.get(1)?,
                    id: r.get(2)?,
                    file: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Resolves pending rows after a crash: delivered if the file made it, forgotten if not
    /// (the message is still on the server and will be downloaded again).
    pub fn resolve_pending(&mut self, delivered: &[Pending], lost: &[Pending]) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        for p in delivered {
            tx.execute(
                "UPDATE messages SET status = ?1 WHERE folder = ?2 AND id = ?3",
                params![DELIVERED, p.folder, p.id],
            )
            .map_err(&err)?;
        }
        for p in lost {
            tx.execute(
                "DELETE FROM messages WHERE folder = ?1 AND id = ?2 AND status = ?3",
                params![p.folder, p.id, PENDING],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    pub fn mark_deleted(&mut self, folder: &str, ids: &[String]) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        for id in ids {
            tx.execute(
                "UPDATE messages SET deleted = 1 WHERE folder = ?1 AND id = ?2",
                params![folder, id],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    /// Forgets POP3 messages that are no longer on the server (their UIDL can't recur).
    pub fn forget_absent(&mut self, folder: &str, present: &dyn Fn(&str) -> bool) -> Result<usize> {
        let ids: Vec<String> = self
            .known(folder, 0)?
            .into_keys()
            .filter(|id| !present(id))
            .collect();
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        for id in &ids {
            tx.execute(
                "DELETE FROM messages WHERE folder = ?1 AND id = ?2 AND status = ?3",
                params![folder, id, DELIVERED],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(ids.len())
    }

    /// (id, size, fingerprint) of every delivered message of `folder`.
    pub fn fingerprints(&self, folder: &str) -> Result<Vec<(String, u64, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, size, fingerprint FROM messages WHERE folder = ?1 AND status = ?2")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![folder, DELIVERED], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get(2)?))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// After a UIDVALIDITY change: moves matched rows to their new UIDs and forgets the
    /// rest (their files stay in the Maildir), all in one transaction.
    pub fn renumber(
        &mut self,
        folder: &str,
        mapping: &[(String, u32)],
        new_state: &FolderState,
    ) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute(
            "UPDATE messages SET id = 'old:' || id WHERE folder = ?1",
            [folder],
        )
        .map_err(&err)?;
        for (old, uid) in mapping {
            tx.execute(
                "UPDATE messages SET id = ?1, uid = ?2 WHERE folder = ?3 AND id = 'old:' || ?4",
                params![uid.to_string(), uid, folder, old],
            )
            .map_err(&err)?;
        }
        tx.execute(
            "DELETE FROM messages WHERE folder = ?1 AND id LIKE 'old:%'",
            [folder],
        )
        .map_err(&err)?;
        tx.execute(
            "UPDATE folders SET uidvalidity = ?1, last_uid = ?2 WHERE remote = ?3",
            params![new_state.uidvalidity, new_state.last_uid, folder],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }
}

fn db_err(path: PathBuf) -> impl Fn(rusqlite::Error) -> Error {
    move |e| Error::State {
        path: path.clone(),
        detail: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_then_delivered() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = State::open(&dir.path().join("a.sqlite")).unwrap();
        let rows = vec![NewRow {
            id: "u1".into(),
            uid: 1,
            file: "f1".into(),
            size: 10,
            fingerprint: 7,
        }];
        s.record_pending("INBOX", &rows, 100).unwrap();
        assert!(s.known("INBOX", 0).unwrap().is_empty());
        assert_eq!(s.pending().unwrap().len(), 1);
        s.mark_delivered("INBOX", &["u1".into()], None).unwrap();
        assert_eq!(s.known("INBOX", 0).unwrap()["u1"].first_seen, 100);
        assert!(s.pending().unwrap().is_empty());
        s.mark_deleted("INBOX", &["u1".into()]).unwrap();
        assert!(s.known("INBOX", 0).unwrap()["u1"].deleted);
        assert_eq!(s.forget_absent("INBOX", &|_| false).unwrap(), 1);
        assert!(s.known("INBOX", 0).unwrap().is_empty());
    }

    #[test]
    fn renumber_keeps_matched_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = State::open(&dir.path().join("a.sqlite")).unwrap();
        let f = FolderState {
            local: String::new(),
            uidvalidity: Some(1),
            last_uid: 2,
        };
        s.set_folder("INBOX", &f).unwrap();
        let rows: Vec<NewRow> = (1..=2)
            .map(|i| NewRow {
                id: i.to_string(),
                uid: i,
                file: format!("f{i}"),
                size: 1,
                fingerprint: i as i64,
            })
            .collect();
        s.record_pending("INBOX", &rows, 5).unwrap();
        s.mark_delivered("INBOX", &["1".into(), "2".into()], None)
            .unwrap();
        let nf = FolderState {
            local: String::new(),
            uidvalidity: Some(9),
            last_uid: 20,
        };
        s.renumber("INBOX", &[("2".into(), 20)], &nf).unwrap();
        let known = s.known("INBOX", 0).unwrap();
        assert_eq!(known.len(), 1);
        assert_eq!(known["20"].uid, 20);
        assert_eq!(s.folder("INBOX").unwrap().unwrap(), nf);
    }
}

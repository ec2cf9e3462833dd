//! Per-account sync state in SQLite (WAL, synchronous=FULL: a commit is durable when it
//! returns). A message row is written `pending` before its file is renamed into the
//! Maildir and `delivered` after, so a crash between the two is resolved by looking for
//! the file instead of downloading the message again.
//!
//! `mailx sync` uses the same rows as pairs: a row links a server UID to a local file and
//! remembers the flags both sides agreed on last time (the baseline of the flag merge).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::Flags;
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
    /// The identity of the local folder directory these rows describe
    /// (`maildir::Folder::identity`); `None` in state written before mailx bound the two.
    pub local_id: Option<String>,
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
    /// Flags both copies carry now (sync baseline).
    pub flags: Flags,
}

/// A server message linked to a local file (sync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub uid: u32,
    pub file: String,
    /// Flags both sides had after the last sync; `None` for rows written by an older
    /// mailx, which merge as a union.
    pub flags: Option<Flags>,
    /// The local file was deleted and the server copy flagged \Deleted (not expunged).
    pub local_deleted: bool,
    /// Deleted from the server by `fetch`'s retention policy: the local copy is all there is.
    pub server_deleted: bool,
    /// Size with CRLF line ends and header fingerprint, to find the message by content.
    pub size: u64,
    pub fingerprint: i64,
}

/// A change to pairs, applied with others in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairChange {
    Flags(u32, Flags),
    /// The local copy is gone and the server copy now carries these flags (with \Deleted).
    LocalDeleted(u32, Flags),
    Forget(u32),
}

#[derive(Debug, Clone)]
pub struct PendingUpload {
    pub file: String,
    /// The folder's UIDNEXT before the APPEND: the copy, if it arrived, is at or above it.
    pub uid_floor: u32,
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
const UPLOADING: i64 = 2;
const LOCAL_DELETED: i64 = 3;
const SCHEMA_VERSION: i64 = 3;

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
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&err)?;
        if version > SCHEMA_VERSION {
            return Err(Error::State {
                path: path.to_path_buf(),
                detail: format!(
                    "written by a newer mailx (schema {version}, this one knows {SCHEMA_VERSION}); upgrade mailx"
                ),
            });
        }
        if version < SCHEMA_VERSION {
            let has_column = |table: &str, column: &str| {
                conn.prepare(&format!(
                    "SELECT 1 FROM pragma_table_info('{table}') WHERE name = '{column}'"
                ))
                .and_then(|mut st| st.exists([]))
                .map_err(&err)
            };
            let mut sql = String::from("BEGIN;");
            // 2: sync baselines (message flags, folder modseq).
            if !has_column("messages", "flags")? {
                sql.push_str(
                    "ALTER TABLE messages ADD COLUMN flags TEXT;
                     ALTER TABLE folders ADD COLUMN modseq INTEGER;",
                );
            }
            // 3: the identity of the local folder the rows describe.
            if !has_column("folders", "local_id")? {
                sql.push_str("ALTER TABLE folders ADD COLUMN local_id TEXT;");
            }
            sql.push_str(&format!("PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"));
            conn.execute_batch(&sql).map_err(&err)?;
        }
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

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn folder(&self, remote: &str) -> Result<Option<FolderState>> {
        self.conn
            .query_row(
                "SELECT local, uidvalidity, last_uid, local_id FROM folders WHERE remote = ?1",
                [remote],
                |r| {
                    Ok(FolderState {
                        local: r.get(0)?,
                        uidvalidity: r.get(1)?,
                        last_uid: r.get(2)?,
                        local_id: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_folder(&self, remote: &str, f: &FolderState) -> Result<()> {
        write_folder(&self.conn, remote, f).map_err(|e| self.err(e))
    }

    /// Messages recorded for `folder` with a UID of at least `min_uid`, by id.
    pub fn known(&self, folder: &str, min_uid: u32) -> Result<HashMap<String, Known>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, uid, first_seen, deleted FROM messages
                 WHERE folder = ?1 AND uid >= ?2 AND status IN (?3, ?4)",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![folder, min_uid, DELIVERED, LOCAL_DELETED], |r| {
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
                    "INSERT INTO messages (folder, id, uid, file, size, fingerprint, first_seen, status, flags)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (folder, id) DO UPDATE SET uid = excluded.uid, file = excluded.file,
                         size = excluded.size, fingerprint = excluded.fingerprint,
                         first_seen = excluded.first_seen, status = excluded.status, deleted = 0,
                         flags = excluded.flags",
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
                    PENDING,
                    r.flags.info()
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
                write_folder(&tx, folder, f).map_err(&err)?;
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

    /// The folder's HIGHESTMODSEQ as of the last complete sync.
    pub fn modseq(&self, folder: &str) -> Result<Option<u64>> {
        self.conn
            .query_row(
                "SELECT modseq FROM folders WHERE remote = ?1",
                [folder],
                |r| r.get::<_, Option<i64>>(0),
            )
            .optional()
            .map(|v| v.flatten().map(|m| m as u64))
            .map_err(|e| self.err(e))
    }

    /// Ends a complete sync of a folder: its high-water marks move together.
    pub fn finish_folder_sync(
        &mut self,
        folder: &str,
        f: &FolderState,
        modseq: Option<u64>,
    ) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        write_folder(&tx, folder, f).map_err(&err)?;
        set_modseq(&tx, folder, modseq).map_err(&err)?;
        tx.commit().map_err(&err)
    }

    /// Folders this account has state for (server name → local name).
    pub fn folders(&self) -> Result<HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT remote, local FROM folders")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Drops everything known about a folder (its files and server messages stay).
    pub fn forget_folder(&mut self, folder: &str) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute("DELETE FROM messages WHERE folder = ?1", [folder])
            .map_err(&err)?;
        tx.execute("DELETE FROM folders WHERE remote = ?1", [folder])
            .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    /// Every pair of a folder, by UID.
    pub fn pairs(&self, folder: &str) -> Result<Vec<Pair>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT uid, file, flags, status, deleted, size, fingerprint FROM messages
                 WHERE folder = ?1 AND status IN (?2, ?3) ORDER BY uid",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![folder, DELIVERED, LOCAL_DELETED], |r| {
                Ok(Pair {
                    uid: r.get(0)?,
                    file: r.get(1)?,
                    flags: r.get::<_, Option<String>>(2)?.map(|f| Flags::from_info(&f)),
                    local_deleted: r.get::<_, i64>(3)? == LOCAL_DELETED,
                    server_deleted: r.get::<_, i64>(4)? != 0,
                    size: r.get::<_, i64>(5)? as u64,
                    fingerprint: r.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// Applies pair changes in one transaction.
    pub fn change_pairs(&mut self, folder: &str, changes: &[PairChange]) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        for c in changes {
            match c {
                PairChange::Flags(uid, f) => tx.execute(
                    "UPDATE messages SET flags = ?1 WHERE folder = ?2 AND uid = ?3 AND status IN (?4, ?5)",
                    params![f.info(), folder, uid, DELIVERED, LOCAL_DELETED],
                ),
                PairChange::LocalDeleted(uid, f) => tx.execute(
                    "UPDATE messages SET status = ?1, flags = ?2 WHERE folder = ?3 AND uid = ?4 AND status IN (?5, ?6)",
                    params![LOCAL_DELETED, f.info(), folder, uid, DELIVERED, LOCAL_DELETED],
                ),
                PairChange::Forget(uid) => tx.execute(
                    "DELETE FROM messages WHERE folder = ?1 AND uid = ?2 AND status IN (?3, ?4)",
                    params![folder, uid, DELIVERED, LOCAL_DELETED],
                ),
            }
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    /// Before an APPEND: remember it, so a crash before its UID is recorded can be resolved
    /// by finding the copy on the server instead of uploading it twice.
    pub fn record_upload(&mut self, folder: &str, up: &PendingUpload, now: i64) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO messages (folder, id, uid, file, size, fingerprint, first_seen, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (folder, id) DO UPDATE SET uid = excluded.uid",
                params![
                    folder,
                    format!("up:{}", up.file),
                    up.uid_floor,
                    up.file,
                    up.size as i64,
                    up.fingerprint,
                    now,
                    UPLOADING
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    pub fn pending_uploads(&self, folder: &str) -> Result<Vec<PendingUpload>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT file, uid, size, fingerprint FROM messages WHERE folder = ?1 AND status = ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![folder, UPLOADING], |r| {
                Ok(PendingUpload {
                    file: r.get(0)?,
                    uid_floor: r.get(1)?,
                    size: r.get::<_, i64>(2)? as u64,
                    fingerprint: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// After an APPEND (or after finding a crashed one's copy): the upload becomes a pair;
    /// with `uid` = None the upload is forgotten (the file will be uploaded again).
    pub fn finish_upload(
        &mut self,
        folder: &str,
        file: &str,
        uid: Option<u32>,
        flags: Flags,
    ) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        let up_id = format!("up:{file}");
        if let Some(uid) = uid {
            tx.execute(
                "INSERT INTO messages (folder, id, uid, file, size, fingerprint, first_seen, status, flags)
                 SELECT folder, ?1, ?2, file, size, fingerprint, first_seen, ?3, ?4 FROM messages
                 WHERE folder = ?5 AND id = ?6
                 ON CONFLICT (folder, id) DO UPDATE SET uid = excluded.uid, file = excluded.file,
                     status = excluded.status, flags = excluded.flags, deleted = 0",
                params![uid.to_string(), uid, DELIVERED, flags.info(), folder, up_id],
            )
            .map_err(&err)?;
        }
        tx.execute(
            "DELETE FROM messages WHERE folder = ?1 AND id = ?2",
            params![folder, up_id],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    /// Replaces every row of a folder by `pairs` found by matching content (no state, or
    /// the server renumbered the folder), in one transaction.
    pub fn replace_pairs(
        &mut self,
        folder: &str,
        pairs: &[Pair],
        f: &FolderState,
        now: i64,
    ) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute("DELETE FROM messages WHERE folder = ?1", [folder])
            .map_err(&err)?;
        for p in pairs {
            let status = if p.local_deleted {
                LOCAL_DELETED
            } else {
                DELIVERED
            };
            tx.execute(
                "INSERT INTO messages (folder, id, uid, file, size, fingerprint, first_seen, status, flags)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    folder,
                    p.uid.to_string(),
                    p.uid,
                    p.file,
                    p.size as i64,
                    p.fingerprint,
                    now,
                    status,
                    p.flags.map(|f| f.info())
                ],
            )
            .map_err(&err)?;
        }
        write_folder(&tx, folder, f).map_err(&err)?;
        set_modseq(&tx, folder, None).map_err(&err)?;
        tx.commit().map_err(&err)
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

/// Inserts or updates a folder's row (its modseq is left as it is).
fn write_folder(conn: &Connection, remote: &str, f: &FolderState) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO folders (remote, local, uidvalidity, last_uid, local_id) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (remote) DO UPDATE SET local = excluded.local,
             uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,
             local_id = excluded.local_id",
        params![remote, f.local, f.uidvalidity, f.last_uid, f.local_id],
    )
    .map(|_| ())
}

fn set_modseq(conn: &Connection, remote: &str, modseq: Option<u64>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE folders SET modseq = ?1 WHERE remote = ?2",
        params![modseq.map(|m| m as i64), remote],
    )
    .map(|_| ())
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
            flags: Flags::default(),
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
    fn a_state_written_before_sync_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        {
            // The schema of the first release: no flag baselines, no modseq.
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE folders (remote TEXT PRIMARY KEY, local TEXT NOT NULL,
                     uidvalidity INTEGER, last_uid INTEGER NOT NULL DEFAULT 0);
                 CREATE TABLE messages (folder TEXT NOT NULL, id TEXT NOT NULL,
                     uid INTEGER NOT NULL, file TEXT NOT NULL, size INTEGER NOT NULL,
                     fingerprint INTEGER NOT NULL, first_seen INTEGER NOT NULL,
                     status INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
                     PRIMARY KEY (folder, id));
                 INSERT INTO folders VALUES ('INBOX', '', 7, 3);
                 INSERT INTO messages VALUES ('INBOX', '3', 3, 'f3', 10, 1, 0, 1, 0);",
            )
            .unwrap();
        }
        let mut s = State::open(&path).unwrap();
        let pairs = s.pairs("INBOX").unwrap();
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].flags, None, "no baseline yet: merged as a union");
        assert_eq!(s.modseq("INBOX").unwrap(), None);
        s.change_pairs("INBOX", &[PairChange::Flags(3, Flags::from_info("S"))])
            .unwrap();
        assert_eq!(
            s.pairs("INBOX").unwrap()[0].flags,
            Some(Flags::from_info("S"))
        );
        drop(s);
        // Reopening does not migrate twice.
        let s = State::open(&path).unwrap();
        assert_eq!(s.pairs("INBOX").unwrap().len(), 1);
    }

    #[test]
    fn uploads_become_pairs_or_are_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = State::open(&dir.path().join("a.sqlite")).unwrap();
        for file in ["a", "b"] {
            let up = PendingUpload {
                file: file.into(),
                uid_floor: 10,
                size: 5,
                fingerprint: 9,
            };
            s.record_upload("INBOX", &up, 1).unwrap();
        }
        assert_eq!(s.pending_uploads("INBOX").unwrap().len(), 2);
        assert!(
            s.pairs("INBOX").unwrap().is_empty(),
            "not a pair before its UID is known"
        );
        s.finish_upload("INBOX", "a", Some(12), Flags::from_info("S"))
            .unwrap();
        s.finish_upload("INBOX", "b", None, Flags::default())
            .unwrap();
        assert!(s.pending_uploads("INBOX").unwrap().is_empty());
        let pairs = s.pairs("INBOX").unwrap();
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].uid, pairs[0].file.as_str()), (12, "a"));
        s.change_pairs(
            "INBOX",
            &[PairChange::LocalDeleted(12, Flags::from_info("ST"))],
        )
        .unwrap();
        assert!(s.pairs("INBOX").unwrap()[0].local_deleted);
        s.change_pairs("INBOX", &[PairChange::Forget(12)]).unwrap();
        assert!(s.pairs("INBOX").unwrap().is_empty());
    }

    #[test]
    fn renumber_keeps_matched_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = State::open(&dir.path().join("a.sqlite")).unwrap();
        let f = FolderState {
            local: String::new(),
            uidvalidity: Some(1),
            last_uid: 2,
            local_id: Some("id".into()),
        };
        s.set_folder("INBOX", &f).unwrap();
        let rows: Vec<NewRow> = (1..=2)
            .map(|i| NewRow {
                id: i.to_string(),
                uid: i,
                file: format!("f{i}"),
                size: 1,
                fingerprint: i as i64,
                flags: Flags::default(),
            })
            .collect();
        s.record_pending("INBOX", &rows, 5).unwrap();
        s.mark_delivered("INBOX", &["1".into(), "2".into()], None)
            .unwrap();
        let nf = FolderState {
            local: String::new(),
            uidvalidity: Some(9),
            last_uid: 20,
            local_id: Some("id".into()),
        };
        s.renumber("INBOX", &[("2".into(), 20)], &nf).unwrap();
        let known = s.known("INBOX", 0).unwrap();
        assert_eq!(known.len(), 1);
        assert_eq!(known["20"].uid, 20);
        assert_eq!(s.folder("INBOX").unwrap().unwrap(), nf);
    }
}

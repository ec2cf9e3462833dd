//! Per-account sync state in SQLite (WAL, synchronous=FULL: a commit is durable when it
//! returns). A message row is written `pending` before its file is renamed into the
//! Maildir and `delivered` after, so a crash between the two is resolved by looking for
//! the file instead of downloading the message again.
//!
//! `mailx sync` uses the same rows as pairs: a row links a server UID to a local file and
//! remembers the flags both sides agreed on last time (the baseline of the flag merge).
//!
//! This file: opening, the schema and its migrations, folder rows and meta values;
//! `ledger.rs`: fetch's delivery record; `pairs.rs`: sync's pairs and uploads.

mod ledger;
mod pairs;

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
    /// Stored at the size the server announced; an unverified copy (`Fetched::Mismatch`)
    /// is never deleted from the server.
    pub verified: bool,
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
    /// The copy has the size the server announced (see `Known::verified`).
    pub verified: bool,
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

/// What a message row stands for (stored as an integer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowStatus {
    /// Written before the file is renamed into the Maildir; resolved after a crash.
    Pending = 0,
    /// The file is in the Maildir; for sync, a pair of a UID and a file.
    Delivered = 1,
    /// Recorded before an APPEND; its UID is not known yet.
    Uploading = 2,
    /// The local file was deleted and the server copy flagged \Deleted (not expunged).
    LocalDeleted = 3,
}

impl rusqlite::ToSql for RowStatus {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok((*self as i64).into())
    }
}

impl rusqlite::types::FromSql for RowStatus {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match v.as_i64()? {
            0 => Ok(RowStatus::Pending),
            1 => Ok(RowStatus::Delivered),
            2 => Ok(RowStatus::Uploading),
            3 => Ok(RowStatus::LocalDeleted),
            n => Err(rusqlite::types::FromSqlError::OutOfRange(n)),
        }
    }
}

const SCHEMA_VERSION: i64 = 5;

impl State {
    /// Rewrites the recorded fingerprint of message `id` (tests of rows written by older
    /// versions).
    #[cfg(test)]
    pub fn set_fingerprint(&self, id: &str, fingerprint: i64) {
        self.conn
            .execute(
                "UPDATE messages SET fingerprint = ?1 WHERE id = ?2",
                rusqlite::params![fingerprint, id],
            )
            .unwrap();
    }

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
        let version = |conn: &Connection| -> Result<i64> {
            conn.query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(&err)
        };
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;",
        )
        .map_err(&err)?;
        // A state of this version has every table: parsing their definitions again cost
        // 3% of a no-change POP3 run's CPU (perf, 2026-11-29).
        if version(&conn)? == SCHEMA_VERSION {
            return Ok(State {
                conn,
                path: path.to_path_buf(),
            });
        }
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
        let version = version(&conn)?;
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
            // 4: copies whose size differed from the announced one (never deleted).
            if !has_column("messages", "verified")? {
                sql.push_str(
                    "ALTER TABLE messages ADD COLUMN verified INTEGER NOT NULL DEFAULT 1;",
                );
            }
            // 5: the local folder's change stamp at the last sync that changed nothing.
            if !has_column("folders", "local_stamp")? {
                sql.push_str("ALTER TABLE folders ADD COLUMN local_stamp TEXT;");
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

    /// `set_meta` for a value whose loss in a power cut is harmless (how a run ended), as
    /// the last write of this connection: it gets no fsync of its own (in WAL mode
    /// `synchronous = NORMAL` syncs at the checkpoint when the state is closed).
    pub fn set_meta_last(self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA synchronous = NORMAL")
            .map_err(|e| self.err(e))?;
        self.set_meta(key, value)
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
            verified: true,
        }];
        s.record_pending("INBOX", &rows, 100).unwrap();
        assert!(s.known("INBOX", 0).unwrap().is_empty());
        assert_eq!(s.pending().unwrap().len(), 1);
        s.mark_delivered("INBOX", &["u1".into()], None).unwrap();
        assert_eq!(s.known("INBOX", 0).unwrap()["u1"].first_seen, 100);
        assert!(s.pending().unwrap().is_empty());
        s.mark_deleted("INBOX", &["u1".into()]).unwrap();
        assert!(s.known("INBOX", 0).unwrap()["u1"].deleted);
        s.forget("INBOX", &["u1".into()]).unwrap();
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
            s.record_uploads("INBOX", std::slice::from_ref(&up), 1)
                .unwrap();
        }
        assert_eq!(s.pending_uploads("INBOX").unwrap().len(), 2);
        assert!(
            s.pairs("INBOX").unwrap().is_empty(),
            "not a pair before its UID is known"
        );
        s.finish_uploads(
            "INBOX",
            &[
                ("a".into(), Some(12), Flags::from_info("S")),
                ("b".into(), None, Flags::default()),
            ],
        )
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
                verified: true,
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
        s.renumber("INBOX", &[("2".into(), "20".into(), 20)], &nf)
            .unwrap();
        let known = s.known("INBOX", 0).unwrap();
        assert_eq!(known.len(), 1);
        assert_eq!(known["20"].uid, 20);
        assert_eq!(s.folder("INBOX").unwrap().unwrap(), nf);
    }
}

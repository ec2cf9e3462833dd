//! Sync's pairs (a server UID and a local file with the flags both had at the last sync),
//! uploads in flight, and the folder's high-water marks.

use rusqlite::params;

use super::*;

impl State {
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

    /// Ends a complete sync of a folder: its high-water marks move together, with the
    /// local folder's change stamp when the run found it unchanged (else none).
    pub fn finish_folder_sync(
        &mut self,
        folder: &str,
        f: &FolderState,
        modseq: Option<u64>,
        local_stamp: Option<&str>,
    ) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        write_folder(&tx, folder, f).map_err(&err)?;
        set_modseq(&tx, folder, modseq).map_err(&err)?;
        tx.execute(
            "UPDATE folders SET local_stamp = ?1 WHERE remote = ?2",
            params![local_stamp, folder],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    /// The local folder's change stamp recorded by the last sync that found it unchanged.
    pub fn local_stamp(&self, folder: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT local_stamp FROM folders WHERE remote = ?1",
                [folder],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }

    /// What a server-side baseline needs from the pairs, counted without loading them:
    /// the messages up to `last_uid` that should still be on the server, and whether
    /// every pair has its flag baseline (rows of an older mailx have none).
    pub fn baseline_counts(&self, folder: &str, last_uid: u32) -> Result<(usize, bool)> {
        self.conn
            .query_row(
                "SELECT COALESCE(SUM(deleted = 0 AND uid <= ?2), 0),
                        COALESCE(SUM(flags IS NULL AND deleted = 0), 0)
                 FROM messages WHERE folder = ?1 AND status IN (?3, ?4)",
                params![
                    folder,
                    last_uid,
                    RowStatus::Delivered,
                    RowStatus::LocalDeleted
                ],
                |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? == 0)),
            )
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
            .query_map(
                params![folder, RowStatus::Delivered, RowStatus::LocalDeleted],
                |r| {
                    Ok(Pair {
                        uid: r.get(0)?,
                        file: r.get(1)?,
                        flags: r.get::<_, Option<String>>(2)?.map(|f| Flags::from_info(&f)),
                        local_deleted: r.get::<_, RowStatus>(3)? == RowStatus::LocalDeleted,
                        server_deleted: r.get::<_, i64>(4)? != 0,
                        size: r.get::<_, i64>(5)? as u64,
                        fingerprint: r.get(6)?,
                    })
                },
            )
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
                    params![f.info(), folder, uid, RowStatus::Delivered, RowStatus::LocalDeleted],
                ),
                PairChange::LocalDeleted(uid, f) => tx.execute(
                    "UPDATE messages SET status = ?1, flags = ?2 WHERE folder = ?3 AND uid = ?4 AND status IN (?5, ?6)",
                    params![RowStatus::LocalDeleted, f.info(), folder, uid, RowStatus::Delivered, RowStatus::LocalDeleted],
                ),
                PairChange::Forget(uid) => tx.execute(
                    "DELETE FROM messages WHERE folder = ?1 AND uid = ?2 AND status IN (?3, ?4)",
                    params![folder, uid, RowStatus::Delivered, RowStatus::LocalDeleted],
                ),
            }
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    /// Before APPENDs: remember them (one transaction), so a crash before their UIDs are
    /// recorded can be resolved by finding the copies on the server instead of uploading
    /// them twice.
    pub fn record_uploads(&mut self, folder: &str, ups: &[PendingUpload], now: i64) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        for up in ups {
            tx.execute(
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
                    RowStatus::Uploading
                ],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    pub fn pending_uploads(&self, folder: &str) -> Result<Vec<PendingUpload>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT file, uid, size, fingerprint FROM messages WHERE folder = ?1 AND status = ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![folder, RowStatus::Uploading], |r| {
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

    /// After APPENDs (or after finding a crashed one's copy), in one transaction: each
    /// upload becomes a pair; with the UID `None` it is forgotten (uploaded again later).
    pub fn finish_uploads(
        &mut self,
        folder: &str,
        done: &[(String, Option<u32>, Flags)],
    ) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        for (file, uid, flags) in done {
            let up_id = format!("up:{file}");
            if let Some(uid) = uid {
                tx.execute(
                    "INSERT INTO messages (folder, id, uid, file, size, fingerprint, first_seen, status, flags)
                     SELECT folder, ?1, ?2, file, size, fingerprint, first_seen, ?3, ?4 FROM messages
                     WHERE folder = ?5 AND id = ?6
                     ON CONFLICT (folder, id) DO UPDATE SET uid = excluded.uid, file = excluded.file,
                         status = excluded.status, flags = excluded.flags, deleted = 0",
                    params![uid.to_string(), uid, RowStatus::Delivered, flags.info(), folder, up_id],
                )
                .map_err(&err)?;
            }
            tx.execute(
                "DELETE FROM messages WHERE folder = ?1 AND id = ?2",
                params![folder, up_id],
            )
            .map_err(&err)?;
        }
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
                RowStatus::LocalDeleted
            } else {
                RowStatus::Delivered
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
}

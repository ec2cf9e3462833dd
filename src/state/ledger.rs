//! Fetch's delivery ledger: which server messages are in the Maildir, since when, and
//! which the retention policy already deleted.

use std::collections::HashMap;

use compact_str::CompactString;
use rusqlite::params;

use super::*;

const FORGET_PENDING: &str = "DELETE FROM messages WHERE folder = ?1 AND id = ?2 AND status = ?3";

impl State {
    /// Messages recorded for `folder` with a UID of at least `min_uid`, by id.
    pub fn known(&self, folder: &str, min_uid: u32) -> Result<HashMap<CompactString, Known>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, uid, first_seen, deleted, verified FROM messages
                 WHERE folder = ?1 AND uid >= ?2 AND status IN (?3, ?4)",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(
                params![
                    folder,
                    min_uid,
                    RowStatus::Delivered,
                    RowStatus::LocalDeleted
                ],
                |r| {
                    Ok((
                        CompactString::new(r.get_ref(0)?.as_str()?),
                        Known {
                            uid: r.get(1)?,
                            first_seen: r.get(2)?,
                            deleted: r.get::<_, i64>(3)? != 0,
                            verified: r.get::<_, i64>(4)? != 0,
                        },
                    ))
                },
            )
            .map_err(|e| self.err(e))?;
        // Into a Vec first: the map is then built at its final size, not grown and
        // rehashed along the way (6% of a POP3 no-change rerun's CPU by perf).
        let rows: Vec<(CompactString, Known)> = rows
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))?;
        let mut known = HashMap::with_capacity(rows.len());
        known.extend(rows);
        Ok(known)
    }

    /// Messages of `folder` stored whole and not yet deleted from the server by mailx,
    /// as (id, uid, file, first_seen): what `clean` may count as kept locally.
    pub fn stored(&self, folder: &str) -> Result<Vec<(String, u32, String, i64)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, uid, file, first_seen FROM messages
                 WHERE folder = ?1 AND status = ?2 AND verified = 1 AND deleted = 0",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![folder, RowStatus::Delivered], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
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
                    "INSERT INTO messages (folder, id, uid, file, size, fingerprint, first_seen, status, flags, verified)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (folder, id) DO UPDATE SET uid = excluded.uid, file = excluded.file,
                         size = excluded.size, fingerprint = excluded.fingerprint,
                         first_seen = excluded.first_seen, status = excluded.status, deleted = 0,
                         flags = excluded.flags, verified = excluded.verified",
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
                    RowStatus::Pending,
                    r.flags.info(),
                    r.verified
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
                stmt.execute(params![RowStatus::Delivered, folder, id])
                    .map_err(&err)?;
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
            .query_map([RowStatus::Pending], |r| {
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
                params![RowStatus::Delivered, p.folder, p.id],
            )
            .map_err(&err)?;
        }
        for p in lost {
            tx.execute(FORGET_PENDING, params![p.folder, p.id, RowStatus::Pending])
                .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    /// Forgets pending rows whose files never reached the Maildir (a batch given up).
    pub fn forget_pending(&mut self, folder: &str, ids: &[String]) -> Result<()> {
        self.each_id(FORGET_PENDING, folder, ids, &[&RowStatus::Pending])
    }

    pub fn mark_deleted(&mut self, folder: &str, ids: &[String]) -> Result<()> {
        self.each_id(
            "UPDATE messages SET deleted = 1 WHERE folder = ?1 AND id = ?2",
            folder,
            ids,
            &[],
        )
    }

    /// Forgets delivered POP3 messages no longer on the server (their UIDL can't recur).
    pub fn forget(&mut self, folder: &str, ids: &[String]) -> Result<()> {
        self.each_id(
            "DELETE FROM messages WHERE folder = ?1 AND id = ?2 AND status = ?3",
            folder,
            ids,
            &[&RowStatus::Delivered],
        )
    }

    /// Runs `sql` (?1 = `folder`, ?2 = an id, then `more`) for each of `ids`, in one
    /// transaction; none when there are no ids.
    fn each_id(
        &mut self,
        sql: &str,
        folder: &str,
        ids: &[String],
        more: &[&dyn rusqlite::ToSql],
    ) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        {
            let mut stmt = tx.prepare_cached(sql).map_err(&err)?;
            for id in ids {
                let mut bound: Vec<&dyn rusqlite::ToSql> = vec![&folder, id];
                bound.extend_from_slice(more);
                stmt.execute(bound.as_slice()).map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    /// (id, size, fingerprint, Maildir unique name) of every delivered message of `folder`.
    pub fn fingerprints(&self, folder: &str) -> Result<Vec<(String, u64, i64, String)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, size, fingerprint, file FROM messages WHERE folder = ?1 AND status = ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![folder, RowStatus::Delivered], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get(2)?, r.get(3)?))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))
    }

    /// After a UIDVALIDITY change (or a change of protocol): moves matched rows to their
    /// new (id, UID) and forgets the rest (their files stay in the Maildir), all in one
    /// transaction.
    pub fn renumber(
        &mut self,
        folder: &str,
        mapping: &[(String, String, u32)],
        new_state: &FolderState,
    ) -> Result<()> {
        let err = db_err(self.path.clone());
        let tx = self.conn.transaction().map_err(&err)?;
        tx.execute(
            "UPDATE messages SET id = 'old:' || id WHERE folder = ?1",
            [folder],
        )
        .map_err(&err)?;
        for (old, new, uid) in mapping {
            tx.execute(
                "UPDATE messages SET id = ?1, uid = ?2 WHERE folder = ?3 AND id = 'old:' || ?4",
                params![new, uid, folder, old],
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

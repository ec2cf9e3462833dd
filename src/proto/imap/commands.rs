//! The IMAP commands mailx sends, each raw with its tagged status checked.

use std::collections::{HashMap, HashSet};

use imap_proto::{
    AttributeValue, MailboxDatum, MessageSection, NameAttribute, Response, ResponseCode,
    SectionPath,
};

use super::*;

/// The most folders a server may list; more is taken for a server gone wrong.
const MAX_FOLDERS: usize = 10_000;
/// The longest folder name kept from a listing: a Maildir++ folder is one directory entry
/// (at most 255 bytes), which no longer server name fits.
const MAX_NAME: usize = 1000;
/// Bytes a listing may bring per message of the folder (UID, size, flags).
const LISTING_BYTES: u64 = 256;
/// Bytes a header block may bring per message.
const HEADER_BYTES: u64 = 16 * 1024;

impl Imap {
    /// `LIST "" pattern`: the mailboxes whose names match (`*` any, `%` one level).
    pub async fn list(&mut self, pattern: &str) -> Result<Vec<ListedMailbox>> {
        let mut out = Vec::new();
        let ep = self.ep.clone();
        let cmd = format!("LIST \"\" {}", quote(&ep, pattern)?);
        self.command(&cmd, |r| {
            if let Response::MailboxData(MailboxDatum::List(l)) = r {
                if out.len() >= MAX_FOLDERS {
                    return Err(Error::protocol(
                        &ep.label,
                        format!("the server listed more than {MAX_FOLDERS} folders"),
                    ));
                }
                if l.name.len() > MAX_NAME {
                    tracing::warn!(
                        "{}: skipped a folder whose name is {} bytes long (\"{}\"): too long to store as a Maildir folder",
                        ep.label,
                        l.name.len(),
                        crate::units::printable(&l.name, 60)
                    );
                    return Ok(());
                }
                let selectable = !l.name_attributes.iter().any(|a| {
                    matches!(a, NameAttribute::NoSelect)
                        || matches!(a, NameAttribute::Extension(e) if e.eq_ignore_ascii_case("\\NonExistent"))
                });
                let delimiter = match l.delimiter.as_deref().map(unescape) {
                    None => None,
                    Some(d) => {
                        let mut chars = d.chars();
                        match (chars.next(), chars.next()) {
                            (Some(c), None) => Some(c),
                            _ => return Err(Error::protocol(&ep.label, format!("bad hierarchy delimiter {d:?}"))),
                        }
                    }
                };
                out.push(ListedMailbox {
                    name: unescape(&l.name),
                    delimiter,
                    selectable,
                });
            }
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// ENABLE QRESYNC (RFC 7162); false when the server does not offer it.
    pub async fn enable_qresync(&mut self) -> Result<bool> {
        if !self.has("QRESYNC") {
            return Ok(false);
        }
        self.command("ENABLE QRESYNC", |_| Ok(())).await?;
        Ok(true)
    }

    /// EXAMINE (read-only) or SELECT (when messages will be changed). With `qresync` =
    /// (uidvalidity, modseq) after `enable_qresync`, the answer also lists what vanished
    /// and what changed since that modseq.
    pub async fn open(
        &mut self,
        name: &str,
        writable: bool,
        qresync: Option<(u32, u64)>,
    ) -> Result<Selected> {
        let verb = if writable { "SELECT" } else { "EXAMINE" };
        let modifier = match qresync {
            Some((v, m)) => format!(" (QRESYNC ({v} {m}))"),
            None if self.has("CONDSTORE") => " (CONDSTORE)".into(),
            None => String::new(),
        };
        let cmd = format!("{verb} {}{modifier}", quote(&self.ep, name)?);
        let mut sel = Selected::default();
        let mut validity = None;
        self.command(&cmd, |r| {
            match r {
                Response::Vanished { uids, .. } => {
                    for range in uids {
                        sel.vanished.extend(range.clone());
                    }
                }
                Response::Fetch(_, attrs) => {
                    if let (Some(uid), Some(flags)) = (fetch_uid(attrs), fetch_flags(attrs)) {
                        sel.changed.push((uid, flags));
                    }
                }
                Response::MailboxData(MailboxDatum::Exists(n)) => sel.exists = *n,
                Response::Data { outcome, .. } => match outcome.code {
                    Some(ResponseCode::UidValidity(v)) => validity = Some(v),
                    Some(ResponseCode::UidNext(n)) => sel.uidnext = Some(n),
                    Some(ResponseCode::HighestModSeq(m)) => sel.highestmodseq = Some(m),
                    _ => {}
                },
                _ => {}
            }
            Ok(())
        })
        .await?;
        self.exists = sel.exists;
        // 0 (never a valid UIDVALIDITY, RFC 3501 §9 nz-number): the server gave none.
        sel.uidvalidity = validity.unwrap_or(0);
        Ok(sel)
    }

    /// UID, size and flags of every message with UID >= `from`.
    pub async fn list_messages(&mut self, from: u32) -> Result<Vec<MessageMeta>> {
        self.list_from(from, None).await
    }

    /// UID, size and flags of every message of a folder that SELECT said holds `exists`
    /// messages. A listing with fewer (answers without UID or size, a server cutting it
    /// short) is an error: sync would take a missing message for a deleted one.
    pub async fn list_all(&mut self, exists: u32) -> Result<Vec<MessageMeta>> {
        self.list_from(1, Some(exists)).await
    }

    async fn list_from(&mut self, from: u32, exists: Option<u32>) -> Result<Vec<MessageMeta>> {
        let mut out = Vec::new();
        let mut expected = exists;
        let cmd = format!("UID FETCH {}:* (UID RFC822.SIZE FLAGS)", from.max(1));
        let size = u64::from(self.exists) * LISTING_BYTES;
        self.command_sized(&cmd, size, limits::SMALL_LITERAL, |r| {
            // Messages may be expunged while the folder is listed (RFC 3501 §7.4.1 allows
            // EXPUNGE during a UID command); one that arrives meanwhile (EXISTS) may be
            // missing from the listing without harm.
            if let Response::Expunge(_) = r {
                expected = expected.map(|e| e.saturating_sub(1));
            }
            if let Response::Fetch(_, attrs) = r {
                let mut uid = None;
                let mut size = None;
                let mut flags = Vec::new();
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => uid = Some(*u),
                        AttributeValue::Rfc822Size(s) => size = Some(u64::from(*s)),
                        AttributeValue::Flags(f) => {
                            flags = f.iter().map(|x| x.to_string()).collect()
                        }
                        _ => {}
                    }
                }
                // "n:*" includes the last message even when its UID is below n (RFC 3501 §6.4.8).
                if let (Some(uid), Some(size)) = (uid, size)
                    && uid >= from
                {
                    out.push(MessageMeta { uid, size, flags });
                }
            }
            Ok(())
        })
        .await?;
        out.sort_by_key(|m| m.uid);
        out.dedup_by_key(|m| m.uid);
        if let Some(n) = expected
            && (out.len() as u64) < u64::from(n)
        {
            return Err(Error::protocol(
                &self.ep.label,
                format!(
                    "the server listed {} of the {n} messages it says the folder holds; nothing is deleted on an incomplete listing",
                    out.len()
                ),
            ));
        }
        Ok(out)
    }

    /// STATUS (MESSAGES UNSEEN UIDNEXT UIDVALIDITY): counts without selecting the folder,
    /// so nothing changes (not even \Recent).
    pub async fn status(&mut self, name: &str) -> Result<MailboxStatus> {
        let cmd = format!(
            "STATUS {} (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)",
            quote(&self.ep, name)?
        );
        let mut out = MailboxStatus::default();
        self.command(&cmd, |r| {
            if let Response::MailboxData(MailboxDatum::Status { status, .. }) = r {
                for a in status {
                    match a {
                        imap_proto::StatusAttribute::Messages(n) => out.messages = *n,
                        imap_proto::StatusAttribute::Unseen(n) => out.unseen = *n,
                        imap_proto::StatusAttribute::UidNext(n) => out.uidnext = Some(*n),
                        imap_proto::StatusAttribute::UidValidity(n) => out.uidvalidity = Some(*n),
                        _ => {}
                    }
                }
            }
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// Storage quota of the root INBOX belongs to (RFC 2087): (used, limit) in bytes;
    /// `None` when the server has no QUOTA or no storage limit.
    pub async fn quota(&mut self) -> Result<Option<(u64, u64)>> {
        if !self.has("QUOTA") {
            return Ok(None);
        }
        let mut storage = None;
        self.command("GETQUOTAROOT \"INBOX\"", |r| {
            if let Response::Quota(q) = r {
                for res in &q.resources {
                    if matches!(res.name, imap_proto::rfc2087::QuotaResourceName::Storage) {
                        // Units of 1024 octets.
                        storage = Some((res.usage * 1024, res.limit * 1024));
                    }
                }
            }
            Ok(())
        })
        .await?;
        Ok(storage)
    }

    /// (uid, flags) of messages up to `last_uid` whose flags changed after `modseq`
    /// (CONDSTORE CHANGEDSINCE), or of all of them when `modseq` is `None`.
    pub async fn list_flags(
        &mut self,
        last_uid: u32,
        modseq: Option<u64>,
    ) -> Result<Vec<(u32, Vec<String>)>> {
        if last_uid == 0 {
            return Ok(Vec::new());
        }
        let since = modseq
            .map(|m| format!(" (CHANGEDSINCE {m})"))
            .unwrap_or_default();
        let mut out = Vec::new();
        let cmd = format!("UID FETCH 1:{last_uid} (UID FLAGS){since}");
        let size = u64::from(self.exists) * LISTING_BYTES;
        self.command_sized(&cmd, size, limits::SMALL_LITERAL, |r| {
            if let Response::Fetch(_, attrs) = r
                && let (Some(uid), Some(flags)) = (fetch_uid(attrs), fetch_flags(attrs))
                && uid <= last_uid
            {
                out.push((uid, flags));
            }
            Ok(())
        })
        .await?;
        Ok(out)
    }

    /// Adds (`add`) or removes flags on `uids`, silently.
    pub async fn store_flags(&mut self, uids: &[u32], add: bool, flags: &[&str]) -> Result<()> {
        if uids.is_empty() || flags.is_empty() {
            return Ok(());
        }
        let op = if add { '+' } else { '-' };
        for chunk in uids.chunks(1000) {
            self.command(
                &format!(
                    "UID STORE {} {op}FLAGS.SILENT ({})",
                    uid_set(chunk),
                    flags.join(" ")
                ),
                |_| Ok(()),
            )
            .await?;
        }
        Ok(())
    }

    /// UID EXPUNGE of exactly `uids`; false (nothing done) without UIDPLUS, since a plain
    /// EXPUNGE would also remove what other clients flagged.
    pub async fn expunge(&mut self, uids: &[u32]) -> Result<bool> {
        if !self.has("UIDPLUS") {
            return Ok(false);
        }
        for chunk in uids.chunks(1000) {
            self.command(&format!("UID EXPUNGE {}", uid_set(chunk)), |_| Ok(()))
                .await?;
        }
        Ok(true)
    }

    /// CREATE; a mailbox that already exists is not an error.
    pub async fn create(&mut self, name: &str) -> Result<()> {
        let cmd = format!("CREATE {}", quote(&self.ep, name)?);
        match self.command(&cmd, |_| Ok(())).await {
            Err(Error::Rejected { detail, .. }) if detail.contains("ALREADYEXISTS") => Ok(()),
            other => other,
        }
    }

    /// Bodies of messages given as (uid, size as listed) (BODY.PEEK: \Seen is not set),
    /// each handed to `sink` as it arrives. The sizes bound how long the answer may take
    /// and how large a literal the server may announce.
    pub async fn fetch_bodies<F>(&mut self, wanted: &[(u32, u64)], mut sink: F) -> Result<()>
    where
        F: FnMut(FetchedMessage) -> Result<()>,
    {
        if wanted.is_empty() {
            return Ok(());
        }
        let uids: Vec<u32> = wanted.iter().map(|(uid, _)| *uid).collect();
        let size: u64 = wanted.iter().map(|(_, size)| size).sum();
        // A size not listed (0) could be anything up to the account's limit.
        let largest = if wanted.iter().any(|(_, size)| *size == 0) {
            self.ep.max_message
        } else {
            wanted.iter().map(|(_, size)| *size).max().unwrap_or(0)
        };
        // RFC822.SIZE in the same answer: a body of any other length is not the message.
        let cmd = format!(
            "UID FETCH {} (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])",
            uid_set(&uids)
        );
        let wanted: HashSet<u32> = uids.iter().copied().collect();
        let expected = size + uids.len() as u64 * LISTING_BYTES;
        self.command_sized(&cmd, expected, largest, |r| {
            if let Response::Fetch(_, attrs) = r {
                let mut uid = None;
                let mut flags = Vec::new();
                let mut date = None;
                let mut size = None;
                let mut section = None;
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => uid = Some(*u),
                        AttributeValue::Flags(f) => {
                            flags = f.iter().map(|x| x.to_string()).collect()
                        }
                        AttributeValue::InternalDate(d) => date = parse_internal_date(d),
                        AttributeValue::Rfc822Size(n) => size = Some(u64::from(*n)),
                        AttributeValue::BodySection {
                            section: part,
                            index,
                            data,
                        } => section = Some((part.is_none() && index.is_none(), data)),
                        _ => {}
                    }
                }
                let body = section.map(|(whole, data)| whole_body(whole, data.as_deref(), size));
                // Unrelated FETCH responses (flag changes by another client) carry no body.
                if let (Some(uid), Some(body)) = (uid, body)
                    && wanted.contains(&uid)
                {
                    sink(FetchedMessage {
                        uid,
                        flags,
                        internal_date: date,
                        body,
                    })?;
                }
            }
            Ok(())
        })
        .await
    }

    /// Arrival time (INTERNALDATE, seconds since the epoch) of every message, by UID; a
    /// message whose date the server leaves out or garbles is absent (never guessed).
    pub async fn internal_dates(&mut self) -> Result<HashMap<u32, i64>> {
        let mut out = HashMap::new();
        let size = u64::from(self.exists) * LISTING_BYTES;
        self.command_sized(
            "UID FETCH 1:* (UID INTERNALDATE)",
            size,
            limits::SMALL_LITERAL,
            |r| {
                if let Response::Fetch(_, attrs) = r {
                    let mut uid = None;
                    let mut date = None;
                    for a in attrs {
                        match a {
                            AttributeValue::Uid(u) => uid = Some(*u),
                            AttributeValue::InternalDate(d) => date = parse_internal_date(d),
                            _ => {}
                        }
                    }
                    if let (Some(uid), Some(date)) = (uid, date) {
                        out.insert(uid, date);
                    }
                }
                Ok(())
            },
        )
        .await?;
        Ok(out)
    }

    /// Hands the header block and size of every message with UID >= `from` to `sink` as
    /// each arrives, for matching messages by content (after a UIDVALIDITY change, or to
    /// find an upload a crash interrupted).
    pub async fn fetch_headers(
        &mut self,
        from: u32,
        sink: &mut dyn FnMut(u32, u64, &[u8]),
    ) -> Result<()> {
        let cmd = format!(
            "UID FETCH {}:* (UID RFC822.SIZE BODY.PEEK[HEADER])",
            from.max(1)
        );
        let size = u64::from(self.exists) * HEADER_BYTES;
        let largest = self.ep.max_message;
        self.command_sized(&cmd, size, largest, |r| {
            if let Response::Fetch(_, attrs) = r {
                let mut uid = None;
                let mut size = None;
                let mut header = None;
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => uid = Some(*u),
                        AttributeValue::Rfc822Size(s) => size = Some(u64::from(*s)),
                        AttributeValue::BodySection {
                            section: Some(SectionPath::Full(MessageSection::Header)),
                            index: None,
                            data,
                        } => header = Some(data.as_deref().unwrap_or_default()),
                        _ => {}
                    }
                }
                if let (Some(uid), Some(size), Some(header)) = (uid, size, header)
                    && uid >= from
                {
                    sink(uid, size, header);
                }
            }
            Ok(())
        })
        .await
    }

    /// Flags `uids` \Deleted and expunges exactly those (UIDPLUS); returns false when the
    /// server lacks UID EXPUNGE, in which case they stay flagged: a plain EXPUNGE would
    /// also remove messages other clients flagged.
    pub async fn delete(&mut self, uids: &[u32]) -> Result<bool> {
        if uids.is_empty() {
            return Ok(true);
        }
        for chunk in uids.chunks(500) {
            let set = uid_set(chunk);
            self.command(
                &format!("UID STORE {set} +FLAGS.SILENT (\\Deleted)"),
                |_| Ok(()),
            )
            .await?;
            if self.has("UIDPLUS") {
                self.command(&format!("UID EXPUNGE {set}"), |_| Ok(()))
                    .await?;
            }
        }
        Ok(self.has("UIDPLUS"))
    }
}

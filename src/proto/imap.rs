//! IMAP client: async-imap for the connection, login and response parsing, behind a
//! defensive layer (each defect with its repro in docs/defects.md, A1-A9):
//! - every command is sent raw and its tagged status is checked here, because async-imap
//!   drops the NO/BAD of stream commands (bug A1) and would report "no messages";
//! - every read has a deadline (async-imap has none);
//! - after any error the session is dropped by the caller (bug A2: a parse error leaves a
//!   session that answers Ok to everything);
//! - NAMESPACE is read by hand, since imap-proto 0.17 cannot parse it.

use std::collections::HashSet;

use async_imap::{Client, Session};
use futures::TryFutureExt;
use imap_proto::{
    AttributeValue, MailboxDatum, MessageSection, NameAttribute, Response, ResponseCode,
    SectionPath, Status,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::TlsMode;
use crate::domain::IdleEvent;
use crate::error::{Error, Result};
use crate::net::{self, Endpoint, Stream};
use crate::secret::Password;

pub struct Imap {
    ep: Endpoint,
    session: Session<Stream>,
    caps: HashSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedMailbox {
    /// As on the wire (modified UTF-7), quoting removed.
    pub name: String,
    pub delimiter: Option<char>,
    pub selectable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    pub prefix: String,
    pub delimiter: Option<char>,
}

#[derive(Debug, Clone, Default)]
pub struct Selected {
    pub uidvalidity: u32,
    pub uidnext: Option<u32>,
    pub exists: u32,
    pub highestmodseq: Option<u64>,
    /// QRESYNC: UIDs expunged since the given modseq.
    pub vanished: Vec<u32>,
    /// QRESYNC: (uid, flags) of messages changed since the given modseq.
    pub changed: Vec<(u32, Vec<String>)>,
}

#[derive(Debug, Clone, Default)]
pub struct MailboxStatus {
    pub messages: u32,
    pub unseen: u32,
    pub uidnext: Option<u32>,
    pub uidvalidity: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct MessageMeta {
    pub uid: u32,
    pub size: u64,
    pub flags: Vec<String>,
}

#[derive(Debug)]
pub struct FetchedMessage {
    pub uid: u32,
    pub flags: Vec<String>,
    pub internal_date: Option<i64>,
    /// The whole message, or why what the server sent is not the whole message.
    pub body: std::result::Result<Vec<u8>, String>,
}

impl Imap {
    pub async fn connect(
        ep: &Endpoint,
        tls: TlsMode,
        connector: &net::TlsConnector,
        account: &str,
        user: &str,
        password: &Password,
    ) -> Result<Self> {
        let tcp = net::connect_tcp(ep).await?;
        let client: Client<Stream> = match tls {
            TlsMode::Implicit => {
                let s: Stream = Box::new(net::start_tls(ep, connector, tcp).await?);
                let mut c = Client::new(s);
                read_greeting(ep, &mut c).await?;
                c
            }
            TlsMode::Starttls => {
                let mut c = Client::new(Box::new(tcp) as Stream);
                read_greeting(ep, &mut c).await?;
                let started = net::with_timeout(ep, "STARTTLS", async {
                    c.run_command_and_check_ok("STARTTLS", None)
                        .await
                        .map_err(|e| Error::Tls {
                            context: ep.label.clone(),
                            detail: format!(
                                "tls = \"starttls\" but the server refused STARTTLS ({e}); refusing to continue without encryption"
                            ),
                        })
                })
                .await;
                started?;
                let s: Stream = Box::new(net::start_tls(ep, connector, c.into_inner()).await?);
                Client::new(s)
            }
            TlsMode::None => {
                let mut c = Client::new(Box::new(tcp) as Stream);
                read_greeting(ep, &mut c).await?;
                c
            }
        };
        tracing::trace!(target: "mailx::imap", "C: LOGIN {user} <redacted>");
        let login = tokio::time::timeout(ep.timeout, client.login(user, password.expose())).await;
        let session = match login {
            Err(_) => {
                return Err(Error::Timeout {
                    context: ep.label.clone(),
                    detail: "no answer to LOGIN".into(),
                });
            }
            Ok(Ok(s)) => s,
            Ok(Err((async_imap::error::Error::No(text), _)))
            | Ok(Err((async_imap::error::Error::Bad(text), _))) => {
                let text = server_text(&text);
                // RFC 5530: UNAVAILABLE is the server's problem, not the credentials'.
                if text.contains("[UNAVAILABLE]") {
                    return Err(Error::protocol(
                        &ep.label,
                        format!("temporary server failure at login, try again later: {text}"),
                    ));
                }
                return Err(Error::Auth {
                    account: account.to_string(),
                    detail: if text.is_empty() {
                        "the server rejected the user name or password".into()
                    } else {
                        format!("the server said: {text}")
                    },
                });
            }
            Ok(Err((e, _))) => return Err(imap_err(ep, "LOGIN", e)),
        };
        let mut imap = Imap {
            ep: ep.clone(),
            session,
            caps: HashSet::new(),
        };
        imap.refresh_capabilities().await?;
        Ok(imap)
    }

    pub fn has(&self, cap: &str) -> bool {
        self.caps.contains(cap)
    }

    async fn refresh_capabilities(&mut self) -> Result<()> {
        let mut caps = HashSet::new();
        self.command("CAPABILITY", |r| {
            if let Response::Capabilities(list) = r {
                for c in list {
                    let name = match c {
                        imap_proto::Capability::Imap4rev1 => "IMAP4REV1".to_string(),
                        imap_proto::Capability::Auth(a) => {
                            format!("AUTH={}", a.to_ascii_uppercase())
                        }
                        imap_proto::Capability::Atom(a) => a.to_ascii_uppercase(),
                    };
                    caps.insert(name);
                }
            }
            Ok(())
        })
        .await?;
        self.caps = caps;
        Ok(())
    }

    /// The first personal namespace (RFC 2342), or `None` when the server has no NAMESPACE.
    /// Must be the first command after login: it is read directly from the socket, which is
    /// only safe while async-imap's read buffer is empty.
    pub async fn namespace(&mut self) -> Result<Option<Namespace>> {
        if !self.has("NAMESPACE") {
            return Ok(None);
        }
        const TAG: &str = "mxns";
        let ep = self.ep.clone();
        let stream = self.session.get_mut();
        tracing::trace!(target: "mailx::imap", "C: {TAG} NAMESPACE");
        net::with_timeout(&ep, "NAMESPACE", async {
            stream
                .write_all(format!("{TAG} NAMESPACE\r\n").as_bytes())
                .await
                .map_err(|e| Error::network(&ep.label, e))?;
            stream
                .flush()
                .await
                .map_err(|e| Error::network(&ep.label, e))?;
            let mut found = None;
            loop {
                let line = read_raw_line(stream, &ep).await?;
                tracing::trace!(target: "mailx::imap", "S: {line}");
                if let Some(rest) = line.strip_prefix("* NAMESPACE ") {
                    found = parse_namespace(rest);
                } else if let Some(rest) = line.strip_prefix(&format!("{TAG} ")) {
                    if !rest.starts_with("OK") {
                        tracing::debug!("NAMESPACE failed: {rest}");
                    }
                    return Ok(found);
                }
            }
        })
        .await
    }

    pub async fn list(&mut self) -> Result<Vec<ListedMailbox>> {
        let mut out = Vec::new();
        let ep = self.ep.clone();
        self.command("LIST \"\" \"*\"", |r| {
            if let Response::MailboxData(MailboxDatum::List(l)) = r {
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
        sel.uidvalidity = validity.ok_or_else(|| {
            Error::protocol(
                &self.ep.label,
                format!("{verb} {name} returned no UIDVALIDITY"),
            )
        })?;
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
        self.command(&cmd, |r| {
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

    /// IDLE (RFC 2177) on the selected folder until the server reports a change, `max`
    /// elapses (servers drop IDLE after 30 minutes, so it is renewed), or `stop` fires.
    /// Returns with the session usable again (DONE sent and answered).
    pub async fn idle(
        &mut self,
        max: std::time::Duration,
        stop: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<IdleEvent> {
        if !self.has("IDLE") {
            return Err(Error::Rejected {
                context: self.ep.label.clone(),
                detail: "the server does not support IDLE".into(),
            });
        }
        let ep = self.ep.clone();
        tracing::trace!(target: "mailx::imap", "C: IDLE");
        let tag = tokio::time::timeout(ep.timeout, self.session.run_command("IDLE"))
            .await
            .map_err(|_| timeout(&ep, "IDLE"))?
            .map_err(|e| imap_err(&ep, "IDLE", e))?;
        // The continuation first; changes reported before it count too.
        let mut event = None;
        loop {
            let step = self
                .next_response("IDLE", |r| match r {
                    Response::Continue(_) => Some(Ok(())),
                    Response::Done { tag: t, .. } if *t == tag => Some(Err(())),
                    other => {
                        if is_change(other) {
                            event = Some(IdleEvent::Changed);
                        }
                        None
                    }
                })
                .await?;
            match step {
                Some(Ok(())) => break,
                Some(Err(())) => {
                    return Err(Error::Rejected {
                        context: ep.label.clone(),
                        detail: "the server refused IDLE".into(),
                    });
                }
                None => {}
            }
        }
        let deadline = tokio::time::Instant::now() + max;
        while event.is_none() {
            let outcome = tokio::select! {
                r = self.session.read_response() => Some(r),
                _ = tokio::time::sleep_until(deadline) => None,
                _ = stop.changed() => {
                    event = Some(IdleEvent::Stopped);
                    continue;
                }
            };
            let Some(r) = outcome else {
                event = Some(IdleEvent::Renew);
                break;
            };
            let resp = r.map_err(|e| read_error(&ep, "IDLE", e))?.ok_or_else(|| {
                Error::network(
                    format!("{}: during IDLE", ep.label),
                    std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "server closed the connection",
                    ),
                )
            })?;
            match resp.parsed() {
                Response::Data {
                    status: Status::Bye,
                    outcome,
                } => {
                    let text = outcome.information.as_deref().unwrap_or("").to_string();
                    return Err(Error::network(
                        format!("{}: during IDLE", ep.label),
                        std::io::Error::new(
                            std::io::ErrorKind::ConnectionAborted,
                            format!("server closed the connection: {text}"),
                        ),
                    ));
                }
                other if is_change(other) => event = Some(IdleEvent::Changed),
                _ => {}
            }
        }
        tracing::trace!(target: "mailx::imap", "C: DONE");
        net::with_timeout(
            &ep,
            "DONE",
            async {
                let stream = self.session.get_mut();
                stream.write_all(b"DONE\r\n").await?;
                stream.flush().await
            }
            .map_err(|e: std::io::Error| Error::network(&ep.label, e)),
        )
        .await?;
        self.wait_tagged(&tag, "IDLE", false, &mut |_| Ok(()), &mut |_| {})
            .await?;
        Ok(event.unwrap_or(IdleEvent::Renew))
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
        self.command(&format!("UID FETCH 1:{last_uid} (UID FLAGS){since}"), |r| {
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

    /// APPENDs a message (CRLF line ends) with its flags and arrival time; returns the new
    /// UID when the server reports it (UIDPLUS APPENDUID) for this folder's `validity`.
    pub async fn append(
        &mut self,
        mailbox: &str,
        flags: &[&str],
        date: Option<i64>,
        body: &[u8],
    ) -> Result<Option<u32>> {
        let ep = self.ep.clone();
        let date = date
            .and_then(|d| chrono::DateTime::from_timestamp(d, 0))
            .map(|d| format!(" \"{}\"", d.format("%d-%b-%Y %H:%M:%S +0000")))
            .unwrap_or_default();
        // LITERAL+ saves a round trip per message; otherwise wait for the continuation.
        let plus = if self.has("LITERAL+") { "+" } else { "" };
        let cmd = format!(
            "APPEND {} ({}){date} {{{}{plus}}}",
            quote(&ep, mailbox)?,
            flags.join(" "),
            body.len()
        );
        tracing::trace!(target: "mailx::imap", "C: {cmd} <{} bytes>", body.len());
        let tag = tokio::time::timeout(ep.timeout, self.session.run_command(&cmd))
            .await
            .map_err(|_| timeout(&ep, "APPEND"))?
            .map_err(|e| imap_err(&ep, "APPEND", e))?;
        if plus.is_empty() {
            loop {
                let step = self
                    .next_response("APPEND", |resp| match resp {
                        Response::Continue(_) => Some(Ok(())),
                        Response::Done {
                            tag: t,
                            status,
                            outcome,
                        } if *t == tag => Some(Err(Error::Rejected {
                            context: ep.label.clone(),
                            detail: format!(
                                "APPEND refused: {status:?} {}",
                                outcome.information.as_deref().unwrap_or("")
                            ),
                        })),
                        _ => None,
                    })
                    .await?;
                if let Some(r) = step {
                    r?;
                    break;
                }
            }
        }
        net::with_timeout(
            &ep,
            "APPEND",
            async {
                let stream = self.session.get_mut();
                stream.write_all(body).await?;
                stream.write_all(b"\r\n").await?;
                stream.flush().await
            }
            .map_err(|e: std::io::Error| Error::network(&ep.label, e)),
        )
        .await?;
        let mut uid = None;
        self.wait_tagged(&tag, "APPEND", false, &mut |_| Ok(()), &mut |code| {
            if let ResponseCode::AppendUid(_, members) = code
                && let [imap_proto::rfc4315::UidSetMember::Uid(u)] = members.as_slice()
            {
                uid = Some(*u);
            }
        })
        .await?;
        Ok(uid)
    }

    /// Bodies of `uids` (BODY.PEEK: \Seen is not set), each handed to `sink` as it arrives.
    pub async fn fetch_bodies<F>(&mut self, uids: &[u32], mut sink: F) -> Result<()>
    where
        F: FnMut(FetchedMessage) -> Result<()>,
    {
        if uids.is_empty() {
            return Ok(());
        }
        // RFC822.SIZE in the same answer: a body of any other length is not the message.
        let cmd = format!(
            "UID FETCH {} (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])",
            uid_set(uids)
        );
        let wanted: HashSet<u32> = uids.iter().copied().collect();
        self.command(&cmd, |r| {
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

    /// Header block and size of every message with UID >= `from`, for matching messages
    /// by content (after a UIDVALIDITY change, or to find an upload a crash interrupted).
    pub async fn fetch_headers(&mut self, from: u32) -> Result<Vec<(u32, u64, Vec<u8>)>> {
        let mut out = Vec::new();
        let cmd = format!(
            "UID FETCH {}:* (UID RFC822.SIZE BODY.PEEK[HEADER])",
            from.max(1)
        );
        self.command(&cmd, |r| {
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
                        } => header = Some(data.as_deref().unwrap_or_default().to_vec()),
                        _ => {}
                    }
                }
                if let (Some(uid), Some(size), Some(header)) = (uid, size, header)
                    && uid >= from
                {
                    out.push((uid, size, header));
                }
            }
            Ok(())
        })
        .await?;
        Ok(out)
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

    pub async fn logout(mut self) -> Result<()> {
        self.command("LOGOUT", |_| Ok(())).await
    }

    /// Sends `cmd`, hands every untagged response to `on`, and turns a tagged NO/BAD or a
    /// BYE into an error.
    async fn command<F>(&mut self, cmd: &str, mut on: F) -> Result<()>
    where
        F: FnMut(&Response<'_>) -> Result<()>,
    {
        let ep = self.ep.clone();
        tracing::trace!(target: "mailx::imap", "C: {cmd}");
        let tag = tokio::time::timeout(ep.timeout, self.session.run_command(cmd))
            .await
            .map_err(|_| timeout(&ep, cmd))?
            .map_err(|e| imap_err(&ep, cmd, e))?;
        let verb = cmd.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let logout = cmd.eq_ignore_ascii_case("LOGOUT");
        self.wait_tagged(&tag, &verb, logout, &mut on, &mut |_| {})
            .await
    }

    /// Reads one response and hands it to `f` (async-imap's response type cannot be named
    /// outside the crate, so it never leaves this function).
    async fn next_response<T>(
        &mut self,
        verb: &str,
        f: impl FnOnce(&Response<'_>) -> T,
    ) -> Result<T> {
        let ep = &self.ep;
        let resp = tokio::time::timeout(ep.timeout, self.session.read_response())
            .await
            .map_err(|_| timeout(ep, verb))?
            .map_err(|e| read_error(ep, verb, e))?
            .ok_or_else(|| {
                Error::network(
                    format!("{}: during {verb}", ep.label),
                    std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "server closed the connection",
                    ),
                )
            })?;
        Ok(f(resp.parsed()))
    }

    /// Reads responses up to the tagged completion of `tag`: untagged ones go to `on`, the
    /// tagged OK's response code to `on_code`; NO/BAD and BYE become errors.
    async fn wait_tagged(
        &mut self,
        tag: &imap_proto::RequestId,
        verb: &str,
        logout: bool,
        on: &mut dyn FnMut(&Response<'_>) -> Result<()>,
        on_code: &mut dyn FnMut(&ResponseCode<'_>),
    ) -> Result<()> {
        let ep = self.ep.clone();
        loop {
            let step = self
                .next_response(verb, |resp| match resp {
                    Response::Done {
                        tag: t,
                        status,
                        outcome,
                    } if t == tag => {
                        let text = outcome.information.as_deref().unwrap_or("").to_string();
                        tracing::trace!(target: "mailx::imap", "S: {} {status:?} {text}", t.0);
                        Some(match status {
                            Status::Ok => {
                                if let Some(code) = &outcome.code {
                                    on_code(code);
                                }
                                Ok(())
                            }
                            _ => {
                                let code = outcome
                                    .code
                                    .as_ref()
                                    .map(|c| format!("[{}] ", code_name(c)))
                                    .unwrap_or_default();
                                Err(Error::Rejected {
                                    context: ep.label.clone(),
                                    detail: format!("{verb} failed: {status:?} {code}{text}"),
                                })
                            }
                        })
                    }
                    Response::Data {
                        status: Status::Bye,
                        outcome,
                    } if !logout => {
                        let text = outcome.information.as_deref().unwrap_or("").to_string();
                        Some(Err(Error::network(
                            format!("{}: during {verb}", ep.label),
                            std::io::Error::new(
                                std::io::ErrorKind::ConnectionAborted,
                                format!("server closed the connection: {text}"),
                            ),
                        )))
                    }
                    other => on(other).err().map(Err),
                })
                .await?;
            if let Some(done) = step {
                return done;
            }
        }
    }
}

/// The message from a `BODY[]` answer, checked against what the same answer announced:
/// the whole message (no other section, no partial range), present (not NIL), and exactly
/// RFC822.SIZE octets. Anything else is the server's fault and never stored as the message.
fn whole_body(
    whole: bool,
    data: Option<&[u8]>,
    size: Option<u64>,
) -> std::result::Result<Vec<u8>, String> {
    if !whole {
        return Err("the server answered with another part of the message than asked".into());
    }
    let Some(data) = data else {
        return Err("the server sent NIL instead of the message".into());
    };
    match size {
        Some(n) if n == data.len() as u64 => Ok(data.to_vec()),
        Some(n) => Err(format!(
            "the server announced {n} bytes (RFC822.SIZE) but sent {}",
            data.len()
        )),
        None => Err("the server did not say how large the message is (RFC822.SIZE)".into()),
    }
}

fn is_change(r: &Response<'_>) -> bool {
    matches!(
        r,
        Response::MailboxData(MailboxDatum::Exists(_) | MailboxDatum::Recent(_))
            | Response::Expunge(_)
            | Response::Vanished { .. }
            | Response::Fetch(..)
    )
}

/// A response code imap-proto parsed, for error messages; codes it does not know
/// (ALREADYEXISTS, OVERQUOTA, ...) stay in the text.
fn code_name(code: &ResponseCode<'_>) -> String {
    format!("{code:?}")
}

fn fetch_uid(attrs: &[AttributeValue<'_>]) -> Option<u32> {
    attrs.iter().find_map(|a| match a {
        AttributeValue::Uid(u) => Some(*u),
        _ => None,
    })
}

fn fetch_flags(attrs: &[AttributeValue<'_>]) -> Option<Vec<String>> {
    attrs.iter().find_map(|a| match a {
        AttributeValue::Flags(f) => Some(f.iter().map(|x| x.to_string()).collect()),
        _ => None,
    })
}

async fn read_greeting(ep: &Endpoint, c: &mut Client<Stream>) -> Result<()> {
    let resp = tokio::time::timeout(ep.timeout, c.read_response())
        .await
        .map_err(|_| timeout(ep, "greeting"))?
        .map_err(|e| Error::protocol(&ep.label, format!("bad greeting: {e}")))?
        .ok_or_else(|| {
            Error::network(
                &ep.label,
                std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "server closed the connection before greeting",
                ),
            )
        })?;
    match resp.parsed() {
        Response::Data {
            status: Status::Ok | Status::PreAuth,
            ..
        } => Ok(()),
        other => Err(Error::protocol(
            &ep.label,
            format!("unexpected greeting {other:?}"),
        )),
    }
}

/// async-imap renders a NO as `code: None, info: Some("...")`; keep the server's words.
fn server_text(raw: &str) -> String {
    match raw.split_once("info: Some(\"") {
        Some((_, rest)) => rest
            .trim_end_matches(")")
            .trim_end_matches('"')
            .replace("\\\"", "\""),
        None => raw.trim().to_string(),
    }
}

/// A failed read: the connection dropping (mid-response or not) is a network error,
/// anything else the server sent that cannot be parsed a protocol error.
fn read_error(ep: &Endpoint, what: &str, e: std::io::Error) -> Error {
    use std::io::ErrorKind::*;
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe | NotConnected => {
            Error::network(
                format!("{}: during {what}", ep.label),
                std::io::Error::new(
                    e.kind(),
                    "the connection dropped in the middle of an answer",
                ),
            )
        }
        _ => Error::protocol(&ep.label, format!("bad response to {what}: {e}")),
    }
}

fn timeout(ep: &Endpoint, what: &str) -> Error {
    Error::Timeout {
        context: ep.label.clone(),
        detail: format!("no answer to {what} within {} s", ep.timeout.as_secs()),
    }
}

fn imap_err(ep: &Endpoint, what: &str, e: async_imap::error::Error) -> Error {
    match e {
        async_imap::error::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            read_error(ep, what, io)
        }
        async_imap::error::Error::Io(io) => Error::network(format!("{}: {what}", ep.label), io),
        async_imap::error::Error::ConnectionLost => Error::network(
            format!("{}: {what}", ep.label),
            std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "connection lost"),
        ),
        other => Error::protocol(&ep.label, format!("{what}: {other}")),
    }
}

async fn read_raw_line(stream: &mut Stream, ep: &Endpoint) -> Result<String> {
    let mut line = Vec::new();
    loop {
        let b = stream
            .read_u8()
            .await
            .map_err(|e| Error::network(&ep.label, e))?;
        if b == b'\n' {
            break;
        }
        if line.len() > 64 * 1024 {
            return Err(Error::protocol(&ep.label, "NAMESPACE answer too long"));
        }
        line.push(b);
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Parses the personal part of `(("INBOX." ".")) NIL NIL`.
fn parse_namespace(s: &str) -> Option<Namespace> {
    let rest = s.trim_start().strip_prefix("((")?;
    let (prefix, rest) = parse_quoted(rest)?;
    let rest = rest.trim_start();
    let delimiter = if rest.starts_with("NIL") {
        None
    } else {
        let (d, _) = parse_quoted(rest)?;
        let mut chars = d.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => return None,
        }
    };
    Some(Namespace { prefix, delimiter })
}

fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let s = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?.1),
            '"' => return Some((out, &s[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

/// async-imap hands out quoted strings with their backslash escapes still in place.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn quote(ep: &Endpoint, s: &str) -> Result<String> {
    if s.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(Error::protocol(
            &ep.label,
            format!("mailbox name {s:?} contains a line break"),
        ));
    }
    Ok(format!(
        "\"{}\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// Compact UID set: `1:3,7,9:12`.
pub fn uid_set(uids: &[u32]) -> String {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

fn parse_internal_date(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_str(s.trim(), "%d-%b-%Y %H:%M:%S %z")
        .ok()
        .map(|d| d.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_is_unwrapped() {
        assert_eq!(
            server_text(
                "code: None, info: Some(\"[AUTHENTICATIONFAILED] Authentication failed.\")"
            ),
            "[AUTHENTICATIONFAILED] Authentication failed."
        );
        assert_eq!(server_text(" plain "), "plain");
    }

    #[test]
    fn uid_sets() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10, 11, 12]), "1:3,7,9:12");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[3, 1, 2, 2]), "1:3");
    }

    #[test]
    fn namespaces() {
        assert_eq!(
            parse_namespace("((\"INBOX.\" \".\")) NIL NIL"),
            Some(Namespace {
                prefix: "INBOX.".into(),
                delimiter: Some('.')
            })
        );
        assert_eq!(
            parse_namespace("((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))"),
            Some(Namespace {
                prefix: "".into(),
                delimiter: Some('/')
            })
        );
        assert_eq!(parse_namespace("NIL NIL NIL"), None);
        assert_eq!(
            parse_namespace("((\"x\\\"y\" NIL))"),
            Some(Namespace {
                prefix: "x\"y".into(),
                delimiter: None
            })
        );
    }

    #[test]
    fn only_a_whole_body_of_the_announced_size_is_the_message() {
        assert_eq!(whole_body(true, Some(b"abc"), Some(3)), Ok(b"abc".to_vec()));
        assert!(whole_body(true, Some(b"abc"), Some(5000)).is_err());
        assert!(whole_body(true, Some(b""), Some(5000)).is_err());
        assert!(whole_body(true, None, Some(5000)).is_err());
        assert!(whole_body(false, Some(b"abc"), Some(3)).is_err());
        assert!(whole_body(true, Some(b"abc"), None).is_err());
    }

    #[test]
    fn internal_dates() {
        assert_eq!(
            parse_internal_date("17-Jul-1996 02:44:25 -0700"),
            Some(837596665)
        );
        assert!(parse_internal_date(" 7-Jul-1996 02:44:25 +0000").is_some());
    }
}

//! POP3 client (RFC 1939, 2449 CAPA/PIPELINING, 2595 STLS, 5034 SASL PLAIN).
//!
//! Written in-house: async-pop 1.1.3 does not dot-unstuff, drops the final CRLF, is quadratic
//! on large messages and spins on a dropped connection (docs/defects.md, P1-P5).

use std::collections::{HashSet, VecDeque};

use compact_str::CompactString;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::config::{Auth, TlsMode};
use crate::error::{Error, Result};
use crate::net::{self, Endpoint, Stream};
use crate::proto::sasl::{Mechanism, base64_encode};
use crate::secret::Password;

/// Bytes read from the socket at once.
const READ_BUFFER: usize = 64 * 1024;

/// The longest status line accepted (RFC 1939 allows 512 octets; servers add text).
const MAX_LINE: usize = 64 * 1024;
/// The largest UIDL, LIST or CAPA answer (a million messages' UIDLs fit).
const MAX_LISTING: usize = 64 * 1024 * 1024;
/// The size of one line of a listing, for its deadline (number, UIDL, line end).
const LISTING_LINE: u64 = 48;

/// RETRs in flight with PIPELINING: commands are tiny and answers wait in the socket,
/// so a deep window costs nothing and hides the round trip even for small messages.
const PIPELINE_WINDOW: usize = 128;

pub struct Pop3 {
    ep: Endpoint,
    conn: BufReader<Stream>,
    caps: HashSet<String>,
    sasl: Vec<String>,
    /// When the answer being read must be complete.
    deadline: net::Deadline,
    /// The maildrop's message count (STAT), once asked: it cannot change during a session.
    count: Option<u64>,
    /// Commands written before their turn (`send_listings_ahead`), oldest first: their
    /// answers are read when they are asked for, instead of sending them again.
    sent_ahead: std::collections::VecDeque<&'static str>,
}

impl Pop3 {
    pub async fn connect(
        ep: &Endpoint,
        tls: TlsMode,
        connector: &net::TlsConnector,
    ) -> Result<Self> {
        let tcp = net::connect_tcp(ep).await?;
        let stream: Stream = match tls {
            TlsMode::Implicit => Box::new(net::start_tls(ep, connector, tcp).await?),
            TlsMode::Starttls | TlsMode::None => Box::new(tcp),
        };
        let mut pop = Pop3 {
            ep: ep.clone(),
            conn: BufReader::with_capacity(READ_BUFFER, stream),
            caps: HashSet::new(),
            sasl: Vec::new(),
            deadline: ep.deadline(0),
            count: None,
            sent_ahead: Default::default(),
        };
        pop.status_line("greeting").await?;
        pop.capa().await?;
        if tls == TlsMode::Starttls {
            if !pop.caps.contains("STLS") {
                return Err(Error::Tls {
                    context: ep.label.clone(),
                    detail: "tls = \"starttls\" but the server does not offer STLS; refusing to continue without encryption".into(),
                });
            }
            pop.command("STLS").await?;
            if !pop.conn.buffer().is_empty() {
                // Bytes that arrive before the handshake could have been injected by a
                // man in the middle (the CVE-2011-0411 class of STARTTLS bugs).
                return Err(Error::Tls {
                    context: ep.label.clone(),
                    detail: "server sent data after STLS before the TLS handshake".into(),
                });
            }
            let Pop3 { ep: pep, conn, .. } = pop;
            let tls_stream = net::start_tls(&pep, connector, conn.into_inner()).await?;
            pop = Pop3 {
                deadline: pep.deadline(0),
                ep: pep,
                conn: BufReader::with_capacity(READ_BUFFER, Box::new(tls_stream)),
                caps: HashSet::new(),
                sasl: Vec::new(),
                count: None,
                sent_ahead: Default::default(),
            };
            pop.capa().await?;
        }
        Ok(pop)
    }

    /// RFC 1939 USER and PASS.
    async fn user_pass(&mut self, user: &str, password: &Password) -> Result<String> {
        self.send(&format!("USER {user}")).await?;
        self.status_line("USER").await?;
        self.send_secret("PASS", &format!("PASS {}", password.expose()))
            .await?;
        self.status_line("PASS").await
    }

    pub fn has_uidl(&self) -> bool {
        self.caps.contains("UIDL")
    }

    pub fn pipelining(&self) -> bool {
        self.caps.contains("PIPELINING")
    }

    async fn capa(&mut self) -> Result<()> {
        self.caps.clear();
        self.sasl.clear();
        self.send("CAPA").await?;
        match self.status_line("CAPA").await {
            Ok(_) => {}
            // Servers without CAPA (RFC 1939 only) answer -ERR; that is not an error for us.
            Err(Error::Refused(_)) => return Ok(()),
            Err(e) => return Err(e),
        }
        for line in self.multiline_text("CAPA", MAX_LINE).await? {
            let mut words = line.split_whitespace();
            let Some(cap) = words.next() else { continue };
            let cap = cap.to_ascii_uppercase();
            if cap == "SASL" {
                self.sasl = words.map(|w| w.to_ascii_uppercase()).collect();
            }
            self.caps.insert(cap);
        }
        Ok(())
    }

    /// RFC 5034 AUTH, with an initial response for client-first mechanisms. Each
    /// challenge gets the mechanism's next message; once they are spent, a challenge is
    /// the server's report on a refused OAuth2 token: acknowledged, so that -ERR follows.
    async fn authenticate(
        &mut self,
        m: Mechanism,
        user: &str,
        password: &Password,
    ) -> Result<String> {
        let mut queue: std::collections::VecDeque<Vec<u8>> = m
            .responses(user, password.expose(), &self.ep.host, self.ep.port)
            .into();
        let verb = format!("AUTH {}", m.name());
        match queue.front() {
            Some(first) if m.client_first() => {
                let command = format!("{verb} {}", base64_encode(first));
                queue.pop_front();
                self.send_secret(&verb, &command).await?;
            }
            _ => self.send(&verb).await?,
        }
        // LOGIN takes two challenges; anything past a few is a server that never decides.
        for _ in 0..4 {
            let line = self.line(&verb).await?;
            if line != "+" && !line.starts_with("+ ") {
                return self.status_of(&verb, &line);
            }
            let next = queue.pop_front().unwrap_or_else(|| m.after_challenge());
            self.send_secret(&verb, &base64_encode(&next)).await?;
        }
        Err(Error::protocol(
            &self.ep.label,
            format!("{verb}: the server kept sending challenges"),
        ))
    }

    pub async fn login(
        &mut self,
        account: &str,
        user: &str,
        password: &Password,
        auth: Auth,
    ) -> Result<()> {
        let auth_err = |detail: String| Error::Auth {
            account: account.to_string(),
            detail,
        };
        // RFC 6856: without UTF8, Courier POP3 1.0.16 replaces every message with 8-bit
        // bytes in a header by a "Cannot display Unicode content" wrapper (2026-11-29);
        // with it, messages arrive byte for byte. Allowed only before login.
        if self.caps.contains("UTF8") {
            self.send("UTF8").await?;
            match self.status_line("UTF8").await {
                Ok(_) => {}
                Err(Error::Refused(text)) => tracing::debug!("UTF8 refused: {text}"),
                Err(e) => return Err(e),
            }
        }
        let offered = |m: Mechanism| self.sasl.iter().any(|s| s == m.name());
        let mechanism = match Mechanism::for_token(auth) {
            Some(m) if offered(m) => Some(m),
            Some(m) => {
                return Err(auth_err(format!(
                    "auth = \"{}\" but the server offers no SASL {} (it offers: {})",
                    auth.name(),
                    m.name(),
                    if self.sasl.is_empty() {
                        "none".into()
                    } else {
                        self.sasl.join(" ")
                    }
                )));
            }
            None => [Mechanism::Plain, Mechanism::Login]
                .into_iter()
                .find(|m| offered(*m)),
        };
        let sasl = match mechanism {
            Some(m) => Some(self.authenticate(m, user, password).await),
            None => None,
        };
        let result = match sasl {
            Some(Err(Error::Refused(text)))
                if auth == Auth::Password
                    && self.caps.contains("USER")
                    && !transient_refusal(&text) =>
            {
                // A listed mechanism can still be refused (disabled for this user, or
                // after TLS only): USER/PASS, which the server also offers, decides.
                tracing::debug!("AUTH PLAIN refused ({text}); trying USER/PASS");
                self.user_pass(user, password).await
            }
            Some(answer) => answer,
            None => self.user_pass(user, password).await,
        };
        match result {
            Ok(_) => Ok(()),
            Err(Error::Refused(text)) => {
                let upper = text.to_ascii_uppercase();
                if upper.contains("[IN-USE]") {
                    Err(Error::Protocol {
                        context: self.ep.label.clone(),
                        detail: format!("mailbox is in use by another POP3 session: {text}"),
                    })
                } else if upper.contains("[SYS/TEMP]") {
                    Err(Error::Protocol {
                        context: self.ep.label.clone(),
                        detail: format!("temporary server failure: {text}"),
                    })
                } else {
                    Err(auth_err(if text.is_empty() {
                        "the server rejected the user name or password".into()
                    } else {
                        format!("the server said: {text}")
                    }))
                }
            }
            Err(e) => Err(e),
        }
    }

    /// UIDL: (message number, unique id) of every message.
    pub async fn uidl(&mut self) -> Result<Vec<(u32, CompactString)>> {
        self.listing("UIDL", |id| Some(CompactString::new(id)))
            .await
    }

    /// LIST: (message number, size in octets) of every message.
    pub async fn list(&mut self) -> Result<Vec<(u32, u64)>> {
        self.listing("LIST", |size| size.parse().ok()).await
    }

    /// Writes STAT, UIDL and LIST at once where the server pipelines (RFC 2449 §6.6): it
    /// then works on the next answer while this one is read. Their answers are read by
    /// `uidl` and `list`, in that order (a no-change POP3 run spent 2-3 ms waiting for
    /// LIST alone at 8,000 messages on Dovecot 2.3).
    pub async fn send_listings_ahead(&mut self) -> Result<()> {
        if !self.pipelining() || self.count.is_some() || !self.sent_ahead.is_empty() {
            return Ok(());
        }
        tracing::trace!(target: "mailx::pop3", "C: STAT | UIDL | LIST");
        self.write_raw(b"STAT\r\nUIDL\r\nLIST\r\n").await?;
        self.sent_ahead.extend(["STAT", "UIDL", "LIST"]);
        self.deadline = self.ep.deadline(0);
        Ok(())
    }

    /// Sends `cmd` unless it went ahead already.
    async fn send_in_turn(&mut self, cmd: &'static str) -> Result<()> {
        if self.sent_ahead.front() == Some(&cmd) {
            self.sent_ahead.pop_front();
            return Ok(());
        }
        if !self.sent_ahead.is_empty() {
            return Err(Error::Internal(format!(
                "POP3 {cmd} asked for before the answers to {:?}",
                self.sent_ahead
            )));
        }
        self.send(cmd).await
    }

    /// The number of messages in the maildrop (STAT, asked once a session).
    async fn count(&mut self) -> Result<u64> {
        if let Some(n) = self.count {
            return Ok(n);
        }
        self.send_in_turn("STAT").await?;
        let text = self
            .status_line("STAT")
            .await
            .map_err(|e| self.refusal_is_fatal("STAT", e))?;
        match text.split_whitespace().next().map(str::parse::<u64>) {
            Some(Ok(n)) => {
                self.count = Some(n);
                Ok(n)
            }
            _ => Err(Error::protocol(
                &self.ep.label,
                format!("bad STAT answer {:?}", truncate(&text)),
            )),
        }
    }

    /// The lines `number value` of a multi-line answer, `value` read by `parse`.
    async fn listing<T>(
        &mut self,
        cmd: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<(u32, T)>> {
        // STAT first: the listing's deadline grows with the number of messages.
        let count = self.count().await?;
        self.send_in_turn(cmd).await?;
        let size = count.saturating_mul(LISTING_LINE).min(MAX_LISTING as u64);
        self.deadline = self.ep.deadline(size);
        self.status_line(cmd)
            .await
            .map_err(|e| self.refusal_is_fatal(cmd, e))?;
        let body = self.multiline_bytes(cmd, MAX_LISTING).await?;
        let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0).min(1 << 20));
        let lines = body.strip_suffix(b"\n").unwrap_or(&body);
        for line in lines.split(|&b| b == b'\n').filter(|_| !lines.is_empty()) {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let line = String::from_utf8_lossy(line);
            let mut it = line.split_whitespace();
            let number = it.next().and_then(|n| n.parse::<u32>().ok());
            let value = it.next().and_then(&parse);
            match (number, value) {
                (Some(number), Some(value)) if number > 0 => out.push((number, value)),
                _ => {
                    return Err(Error::protocol(
                        &self.ep.label,
                        format!("bad {cmd} line {line:?}"),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Sends `command` for each item and reads each answer with `answer`, in order; where
    /// the server pipelines (RFC 2449 §6.6) a window of commands is kept in flight, so
    /// the server never waits for the next one.
    async fn pipelined<T: Copy>(
        &mut self,
        items: &[T],
        command: impl Fn(T) -> String,
        mut answer: impl AsyncFnMut(&mut Self, T) -> Result<()>,
    ) -> Result<()> {
        let window = if self.pipelining() {
            PIPELINE_WINDOW
        } else {
            1
        };
        let mut pending: VecDeque<T> = VecDeque::new();
        let mut next = items.iter().copied();
        loop {
            let mut batch = String::new();
            while pending.len() < window {
                let Some(item) = next.next() else { break };
                batch.push_str(&command(item));
                batch.push_str("\r\n");
                pending.push_back(item);
            }
            if !batch.is_empty() {
                tracing::trace!(target: "mailx::pop3", "C: {}", batch.trim_end().replace("\r\n", " | "));
                self.write_raw(batch.as_bytes()).await?;
            }
            let Some(item) = pending.pop_front() else {
                return Ok(());
            };
            answer(self, item).await?;
        }
    }

    /// RETR (or with `headers_only`, TOP n 0) of each message given as (number, size LIST
    /// announced), pipelined where offered, handing `sink` each answer in order: (number,
    /// raw CRLF bytes), or (number, the server's words) for a RETR it answered with -ERR
    /// (the session goes on). A body may not run far past its announced size (the session
    /// ends instead), nor take longer than its size allows.
    pub async fn retr_many<F>(
        &mut self,
        numbers: &[(u32, u64)],
        headers_only: bool,
        mut sink: F,
    ) -> Result<()>
    where
        F: FnMut(u32, std::result::Result<Vec<u8>, String>) -> Result<()>,
    {
        let what = move |n: u32| {
            if headers_only {
                format!("TOP {n} 0")
            } else {
                format!("RETR {n}")
            }
        };
        self.pipelined(
            numbers,
            |(n, _)| what(n),
            async |pop: &mut Self, (n, size): (u32, u64)| {
                let what = what(n);
                pop.deadline = pop.ep.deadline(size);
                match pop.status_line(&what).await {
                    Ok(_) => {
                        // Line ends counted as LF by the server arrive as CRLF: at most double.
                        let max = size.saturating_mul(2).saturating_add(1024);
                        let max = max.min(pop.ep.max_message) as usize;
                        let expected = if headers_only { 0 } else { size as usize + 64 };
                        let body = pop.multiline_sized(&what, max, expected).await?;
                        sink(n, Ok(body))
                    }
                    Err(Error::Refused(text)) => {
                        sink(n, Err(format!("the server refused to send it: {text}")))
                    }
                    Err(e) => Err(e),
                }
            },
        )
        .await
    }

    /// DELE of each message, pipelined where offered: one round trip each made `fetch`
    /// with `keep = false` take 11.2 s for 1,000 messages behind 5 ms of latency each way,
    /// 10 s of it waiting for DELE. `confirmed` runs after each +OK; any -ERR fails the
    /// session, and without QUIT the server forgets every DELE (RFC 1939 §6).
    pub async fn dele_many(
        &mut self,
        numbers: &[u32],
        mut confirmed: impl FnMut() -> Result<()>,
    ) -> Result<()> {
        self.pipelined(
            numbers,
            |n| format!("DELE {n}"),
            async |pop: &mut Self, n: u32| {
                let what = format!("DELE {n}");
                pop.deadline = pop.ep.deadline(0);
                pop.status_line(&what)
                    .await
                    .map_err(|e| pop.refusal_is_fatal(&what, e))?;
                confirmed()
            },
        )
        .await
    }

    /// Ends the session; only now does the server apply DELEs (RFC 1939 §6).
    pub async fn quit(mut self) -> Result<()> {
        self.command("QUIT").await.map(|_| ())
    }

    /// A command whose -ERR is a failure of the session, not an answer to branch on.
    async fn command(&mut self, cmd: &str) -> Result<String> {
        self.send(cmd).await?;
        self.status_line(cmd)
            .await
            .map_err(|e| self.refusal_is_fatal(cmd, e))
    }

    fn refusal_is_fatal(&self, what: &str, e: Error) -> Error {
        match e {
            Error::Refused(text) => {
                Error::protocol(&self.ep.label, format!("{what} failed: {text}"))
            }
            other => other,
        }
    }

    /// Sends a command; its answer's deadline starts.
    async fn send(&mut self, cmd: &str) -> Result<()> {
        tracing::trace!(target: "mailx::pop3", "C: {cmd}");
        self.write_raw(format!("{cmd}\r\n").as_bytes()).await?;
        self.deadline = self.ep.deadline(0);
        Ok(())
    }

    async fn send_secret(&mut self, shown: &str, cmd: &str) -> Result<()> {
        tracing::trace!(target: "mailx::pop3", "C: {shown} <redacted>");
        self.write_raw(format!("{cmd}\r\n").as_bytes()).await?;
        self.deadline = self.ep.deadline(0);
        Ok(())
    }

    async fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        let ep = self.ep.clone();
        let conn = &mut self.conn;
        net::with_timeout(&ep, "write", async {
            let w = conn.get_mut();
            let sent = match w.write_all(bytes).await {
                Ok(()) => w.flush().await,
                Err(e) => Err(e),
            };
            sent.map_err(|e| Error::network(format!("{}: sending", ep.label), e))
        })
        .await
    }

    /// One line, at most `MAX_LINE` bytes: a server that never ends a line gets an error,
    /// not all the memory there is.
    async fn read_line(&mut self, what: &str, buf: &mut Vec<u8>) -> Result<()> {
        buf.clear();
        let ep = self.ep.clone();
        let limit = (MAX_LINE + 1) as u64;
        let n = net::within(&ep, what, self.deadline, async {
            (&mut self.conn)
                .take(limit)
                .read_until(b'\n', buf)
                .await
                .map_err(|e| Error::network(format!("{}: reading answer to {what}", ep.label), e))
        })
        .await?;
        if n as u64 >= limit && buf.last() != Some(&b'\n') {
            return Err(Error::protocol(
                &self.ep.label,
                format!(
                    "the answer to {what} is a line longer than {} KiB",
                    MAX_LINE / 1024
                ),
            ));
        }
        if n == 0 || buf.last() != Some(&b'\n') {
            return Err(Error::network(
                format!("{}: reading answer to {what}", ep.label),
                std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "server closed the connection",
                ),
            ));
        }
        Ok(())
    }

    /// Reads `+OK ...` (returns the text) or `-ERR ...` (as `Error::Refused`).
    async fn status_line(&mut self, what: &str) -> Result<String> {
        let line = self.line(what).await?;
        self.status_of(what, &line)
    }

    async fn line(&mut self, what: &str) -> Result<String> {
        let mut buf = Vec::with_capacity(128);
        self.read_line(what, &mut buf).await?;
        let line = String::from_utf8_lossy(trim_eol(&buf)).into_owned();
        tracing::trace!(target: "mailx::pop3", "S: {line}");
        Ok(line)
    }

    fn status_of(&self, what: &str, line: &str) -> Result<String> {
        if let Some(rest) = line.strip_prefix("+OK") {
            Ok(rest.trim().to_string())
        } else if let Some(rest) = line.strip_prefix("-ERR") {
            Err(Error::Refused(rest.trim().to_string()))
        } else {
            Err(Error::protocol(
                &self.ep.label,
                format!(
                    "expected +OK or -ERR after {what}, got {:?}",
                    truncate(line)
                ),
            ))
        }
    }

    async fn multiline_text(&mut self, what: &str, max: usize) -> Result<Vec<String>> {
        let body = self.multiline_bytes(what, max).await?;
        Ok(String::from_utf8_lossy(&body)
            .lines()
            .map(|l| l.trim_end_matches('\r').to_string())
            .collect())
    }

    /// Reads a dot-terminated block, removing byte-stuffing; lines keep their CRLF.
    /// Works on whole buffer fills (one deadline per read, not per line) and consumes
    /// exactly up to the terminator, so pipelined answers behind it stay buffered.
    /// An answer longer than `max` bytes is an error: an endless body never fills memory.
    async fn multiline_bytes(&mut self, what: &str, max: usize) -> Result<Vec<u8>> {
        self.multiline_sized(what, max, 0).await
    }

    /// `multiline_bytes` for an answer of about `expected` bytes (LIST's size): room for
    /// it at once instead of growing the buffer as it arrives.
    async fn multiline_sized(
        &mut self,
        what: &str,
        max: usize,
        expected: usize,
    ) -> Result<Vec<u8>> {
        let mut block = Unstuffer {
            out: Vec::with_capacity(expected.min(max)),
            ..Unstuffer::default()
        };
        let ep = self.ep.clone();
        loop {
            let chunk = net::within(&ep, what, self.deadline, async {
                self.conn.fill_buf().await.map_err(|e| {
                    Error::network(format!("{}: reading answer to {what}", ep.label), e)
                })
            })
            .await?;
            if chunk.is_empty() {
                return Err(Error::network(
                    format!("{}: reading answer to {what}", ep.label),
                    std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "server closed the connection",
                    ),
                ));
            }
            let (used, done) = block.feed(chunk);
            self.conn.consume(used);
            if done {
                return Ok(block.out);
            }
            if block.len() > max {
                return Err(Error::protocol(
                    &self.ep.label,
                    format!(
                        "the answer to {what} went on for more than {}",
                        crate::units::human_bytes(max as u64)
                    ),
                ));
            }
        }
    }
}

/// Decodes a dot-terminated POP3 block fed in arbitrary pieces (RFC 1939 §3).
#[derive(Debug, Default)]
pub(crate) struct Unstuffer {
    pub(crate) out: Vec<u8>,
    /// A line that starts with '.', kept until its end decides what it is.
    dot_line: Option<Vec<u8>>,
    mid_line: bool,
}

impl Unstuffer {
    /// Bytes held so far.
    pub(crate) fn len(&self) -> usize {
        self.out.len() + self.dot_line.as_ref().map_or(0, Vec::len)
    }

    /// Takes bytes from `chunk`; returns how many were used and whether the terminating
    /// line was among them (bytes after it are not used). Only lines that start with '.'
    /// need a look: the spans between them are copied whole (memchr's search; a loop
    /// over every line was 10% of a POP3 fetch's CPU time by perf, 8,000 messages).
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> (usize, bool) {
        let mut i = 0;
        while i < chunk.len() {
            let rest = &chunk[i..];
            if let Some(line) = self.dot_line.as_mut() {
                let Some(end) = memchr::memchr(b'\n', rest) else {
                    line.extend_from_slice(rest);
                    return (chunk.len(), false);
                };
                line.extend_from_slice(&rest[..=end]);
                i += end + 1;
                self.mid_line = false;
                if let Some(line) = self.dot_line.take() {
                    if trim_eol(&line) == b"." {
                        return (i, true);
                    }
                    self.out.extend_from_slice(&line[1..]);
                }
            } else if !self.mid_line && rest[0] == b'.' {
                self.dot_line = Some(Vec::new());
                self.mid_line = true;
            } else {
                // Up to and with the line end before the next line that starts with '.'.
                match memchr::memmem::find(rest, b"\n.") {
                    Some(at) => {
                        self.out.extend_from_slice(&rest[..=at]);
                        i += at + 1;
                        self.mid_line = false;
                    }
                    None => {
                        self.out.extend_from_slice(rest);
                        self.mid_line = rest.last() != Some(&b'\n');
                        return (chunk.len(), false);
                    }
                }
            }
        }
        (i, false)
    }
}

/// A refusal that says "not now" rather than "not this way" (RFC 2449 §8.1 response
/// codes): another mechanism would not help.
fn transient_refusal(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    upper.contains("[IN-USE]") || upper.contains("[SYS/TEMP]") || upper.contains("[LOGIN-DELAY]")
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unstuffing_is_the_same_however_the_bytes_arrive() {
        let cases: [(&[u8], &[u8]); 5] = [
            (
                b"Subject: x\r\n\r\n..\r\n...\r\n..x\r\nplain.\r\n.\r\n+OK next",
                b"Subject: x\r\n\r\n.\r\n..\r\n.x\r\nplain.\r\n",
            ),
            // Empty, a first line with a dot, bare LF line ends, a dot not at a line start.
            (b".\r\n+OK", b""),
            (b"..a\r\nb\r\n.\r\n", b".a\r\nb\r\n"),
            (b"a\n..\nb.c\n.\nrest", b"a\n.\nb.c\n"),
            (b"x\r\n.y.\r\n\r.\r\n.\r\n", b"x\r\ny.\r\n\r.\r\n"),
        ];
        for (wire, want) in cases {
            let end = wire.windows(3).position(|w| w == b"\n.\r" || w == b"\n.\n");
            let end = match (wire.starts_with(b".\r\n"), end) {
                (true, _) => 3,
                (false, Some(at)) => at + 2 + if wire[at + 2] == b'\r' { 2 } else { 1 },
                (false, None) => unreachable!("every case ends"),
            };
            for size in 1..=wire.len() {
                let mut u = Unstuffer::default();
                let mut pos = 0;
                let done = loop {
                    let stop = (pos + size).min(wire.len());
                    let (used, done) = u.feed(&wire[pos..stop]);
                    pos += used;
                    if done || pos == wire.len() {
                        break done;
                    }
                };
                let shown = String::from_utf8_lossy(wire);
                assert!(done, "{shown:?} in pieces of {size}");
                assert_eq!(
                    pos, end,
                    "{shown:?} in pieces of {size}: stop at the terminator"
                );
                assert_eq!(u.out, want, "{shown:?} in pieces of {size}");
            }
        }
    }

    #[test]
    fn base64_vectors() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foo"), "Zm9v");
        assert_eq!(base64_encode(b"\0u\0p"), "AHUAcA==");
    }
}

//! IMAP client: async-imap for the connection, login and response parsing, behind a
//! defensive layer (each defect with its repro in docs/defects.md, A1-A9):
//! - every command is sent raw and its tagged status is checked here, because async-imap
//!   drops the NO/BAD of stream commands (bug A1) and would report "no messages";
//! - every read has a deadline (async-imap has none), and every answer a bound in time,
//!   responses and bytes (`Answer`);
//! - after any error the session is dropped by the caller (bug A2: a parse error leaves a
//!   session that answers Ok to everything);
//! - NAMESPACE is read by hand, since imap-proto 0.17 cannot parse it.
//!
//! This file: the session (connect, login, capabilities, NAMESPACE) and the command loop;
//! `commands.rs` the commands, `idle.rs`, `append.rs`, and `parse.rs` the reading.

mod append;
mod commands;
pub(crate) mod guard;
mod idle;
pub(crate) mod limits;
pub(crate) mod parse;

use guard::guarded;
use limits::{Limited, Meter};

use parse::*;
pub use parse::{Body, quote, uid_set};

use std::collections::HashSet;

use async_imap::{Client, Session};
use imap_proto::{Response, ResponseCode, Status};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::{Auth, TlsMode};
use crate::domain::IdleEvent;
use crate::error::{Error, Result};
use crate::net::{self, Endpoint, Stream};
use crate::proto::sasl::{Mechanism, base64_encode};
use crate::secret::Password;

pub struct Imap {
    ep: Endpoint,
    session: Session<Stream>,
    caps: HashSet<String>,
    /// Bytes received on the connection.
    meter: Meter,
    /// Messages in the selected folder (its last SELECT/EXAMINE), which scales the answers
    /// a listing may bring.
    exists: u32,
    /// The answer being read.
    answer: Answer,
}

/// Untagged responses any answer may carry, beyond two per message of the folder.
const MAX_UNTAGGED: u64 = 100_000;
/// Bytes any answer may carry beyond what the command expects.
const MAX_ANSWER: u64 = 64 << 20;

/// Bounds of one command's answer, so a server cannot keep mailx reading for ever: when it
/// must be complete, how many responses and how many bytes it may bring.
#[derive(Debug, Clone, Copy)]
struct Answer {
    deadline: net::Deadline,
    responses: u64,
    max_responses: u64,
    /// The connection's byte count when the answer began.
    bytes_from: u64,
    max_bytes: u64,
}

impl Answer {
    fn new(ep: &Endpoint, expected: u64, exists: u32, received: u64) -> Self {
        Answer {
            deadline: ep.deadline(expected),
            responses: 0,
            max_responses: MAX_UNTAGGED + 2 * u64::from(exists),
            bytes_from: received,
            max_bytes: MAX_ANSWER + expected,
        }
    }
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
    /// The message, or why what the server sent is not the message.
    pub body: std::result::Result<parse::Body, String>,
}

impl Imap {
    /// Connects, secures and reads the greeting and capabilities: everything before the
    /// password is needed.
    pub async fn dial(
        ep: &Endpoint,
        tls: TlsMode,
        connector: &net::TlsConnector,
    ) -> Result<Dialed> {
        let tcp = net::connect_tcp(ep).await?;
        let meter = Meter::default();
        let limited = |s| Limited::new(s, meter.clone());
        let (mut client, greeted): (Client<Stream>, Option<HashSet<String>>) = match tls {
            TlsMode::Implicit => {
                let tls = net::start_tls(ep, connector, tcp).await?;
                let mut c = Client::new(Box::new(limited(tls)) as Stream);
                let caps = read_greeting(ep, &mut c).await?;
                (c, caps)
            }
            TlsMode::Starttls => {
                // The limits apply to what the server says in the clear too, then to what
                // it says inside TLS (never to the TLS records themselves).
                let mut c = Client::new(Limited::new(tcp, meter.clone()));
                read_greeting(ep, &mut c).await?;
                let started = net::with_timeout(ep, "STARTTLS", async {
                    guarded(c.run_command_and_check_ok("STARTTLS", None))
                        .await
                        .map_err(|p| parser_failed(ep, "STARTTLS", p))?
                        .map_err(|e| Error::Tls {
                            context: ep.label.clone(),
                            detail: format!(
                                "tls = \"starttls\" but the server refused STARTTLS ({e}); refusing to continue without encryption"
                            ),
                        })
                })
                .await;
                started?;
                let plain = c.into_inner().into_inner();
                let tls = net::start_tls(ep, connector, plain).await?;
                // What the server said before TLS no longer counts (RFC 3501 §6.2.1).
                (Client::new(Box::new(limited(tls)) as Stream), None)
            }
            TlsMode::None => {
                let mut c = Client::new(Box::new(Limited::new(tcp, meter.clone())) as Stream);
                let caps = read_greeting(ep, &mut c).await?;
                (c, caps)
            }
        };
        let caps = match greeted {
            Some(caps) => caps,
            None => prelogin_capabilities(ep, &mut client).await?,
        };
        Ok(Dialed {
            client,
            caps,
            meter,
        })
    }
}

/// A connection up to the login (`Imap::dial`).
pub struct Dialed {
    client: Client<Stream>,
    caps: HashSet<String>,
    meter: Meter,
}

impl Dialed {
    pub async fn login(
        self,
        ep: &Endpoint,
        account: &str,
        user: &str,
        password: &Password,
        auth: Auth,
    ) -> Result<Imap> {
        let Dialed {
            client,
            caps,
            meter,
        } = self;
        // AUTHENTICATE PLAIN where offered: the password travels as UTF-8 bytes in base64,
        // so quotes, backslashes and non-ASCII characters need no IMAP quoting (a quoted
        // string is 7-bit, RFC 3501 §9). LOGIN otherwise, never where LOGINDISABLED.
        // OAuth2 tokens only with the mechanism the account names.
        let mechanism = match Mechanism::for_token(auth) {
            Some(m) if caps.contains(&format!("AUTH={}", m.name())) => Some(m),
            Some(m) => {
                let mut offered: Vec<&str> = caps
                    .iter()
                    .filter_map(|c| c.strip_prefix("AUTH="))
                    .collect();
                offered.sort_unstable();
                return Err(Error::Auth {
                    account: account.to_string(),
                    detail: format!(
                        "auth = \"{}\" but the server offers no AUTHENTICATE {} (it offers: {})",
                        auth.name(),
                        m.name(),
                        if offered.is_empty() {
                            "none".into()
                        } else {
                            offered.join(" ")
                        }
                    ),
                });
            }
            None if caps.contains("AUTH=PLAIN") => Some(Mechanism::Plain),
            // Dovecot 2.3 with auth_mechanisms = login (2026-11-29): no AUTH=PLAIN, and
            // LOGINDISABLED even over TLS, as its LOGIN command needs PLAIN inside.
            None if caps.contains("AUTH=LOGIN") => Some(Mechanism::Login),
            None if caps.contains("LOGINDISABLED") => {
                return Err(Error::Auth {
                    account: account.to_string(),
                    detail: "the server refuses LOGIN on this connection (LOGINDISABLED) and offers no AUTH=PLAIN; use tls = \"implicit\" or \"starttls\"".into(),
                });
            }
            None => None,
        };
        let verb = match mechanism {
            Some(m) => format!("AUTHENTICATE {}", m.name()),
            None => "LOGIN".to_string(),
        };
        let ir = mechanism.is_some_and(|m| m.client_first()) && caps.contains("SASL-IR");
        tracing::trace!(
            target: "mailx::imap",
            "C: {verb} {user} <redacted>{}",
            if ir { " (SASL-IR: the response on the command line)" } else { "" }
        );
        let attempt = async {
            match mechanism {
                Some(m) => {
                    let mut queue: std::collections::VecDeque<Vec<u8>> = m
                        .responses(user, password.expose(), &ep.host, ep.port)
                        .into();
                    // SASL-IR (RFC 4959): the response rides on the command, one round trip.
                    let command = match queue.front() {
                        Some(first) if ir => {
                            let c = format!("{} {}", m.name(), base64_encode(first));
                            queue.pop_front();
                            c
                        }
                        _ => m.name().to_string(),
                    };
                    let sasl = Sasl {
                        queue,
                        after: m.after_challenge(),
                    };
                    client.authenticate(command, sasl).await
                }
                None => client.login(user, password.expose()).await,
            }
        };
        let login = tokio::time::timeout(ep.timeout, guarded(attempt)).await;
        let session = match login {
            Ok(Err(p)) => return Err(parser_failed(ep, &verb, p)),
            Ok(Ok(login)) => Ok(login),
            Err(e) => Err(e),
        };
        let session = match session {
            Err(_) => {
                return Err(Error::Timeout {
                    context: ep.label.clone(),
                    detail: format!("no answer to {verb}"),
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
            Ok(Err((e, _))) => return Err(imap_err(ep, &verb, e)),
        };
        let mut imap = Imap {
            ep: ep.clone(),
            session,
            caps: HashSet::new(),
            answer: Answer::new(ep, 0, 0, 0),
            meter,
            exists: 0,
        };
        imap.refresh_capabilities().await?;
        Ok(imap)
    }
}

impl Imap {
    pub fn has(&self, cap: &str) -> bool {
        self.caps.contains(cap)
    }

    async fn refresh_capabilities(&mut self) -> Result<()> {
        let mut caps = HashSet::new();
        self.command("CAPABILITY", |r| {
            if let Response::Capabilities(list) = r {
                caps.extend(capability_names(list));
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

    pub async fn logout(mut self) -> Result<()> {
        self.command("LOGOUT", |_| Ok(())).await
    }

    /// Sends `cmd`, hands every untagged response to `on`, and turns a tagged NO/BAD or a
    /// BYE into an error.
    async fn command<F>(&mut self, cmd: &str, on: F) -> Result<()>
    where
        F: FnMut(&Response<'_>) -> Result<()>,
    {
        self.command_sized(cmd, 0, limits::SMALL_LITERAL, on).await
    }

    /// `command` for an answer expected to carry about `expected` bytes (message bodies,
    /// listings of large folders), in literals of at most `literal` bytes: it may take
    /// longer and bring more.
    async fn command_sized<F>(
        &mut self,
        cmd: &str,
        expected: u64,
        literal: u64,
        mut on: F,
    ) -> Result<()>
    where
        F: FnMut(&Response<'_>) -> Result<()>,
    {
        let tag = self.send(cmd, cmd, expected).await?;
        self.meter
            .max_literal
            .store(literal, std::sync::atomic::Ordering::Relaxed);
        let verb = cmd.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let logout = cmd.eq_ignore_ascii_case("LOGOUT");
        self.wait_tagged(&tag, &verb, logout, &mut on, &mut |_| {})
            .await
    }

    /// Sends a command (`shown` in the trace) and starts the bounds of its answer.
    async fn send(
        &mut self,
        cmd: &str,
        shown: &str,
        expected: u64,
    ) -> Result<imap_proto::RequestId> {
        let ep = self.ep.clone();
        tracing::trace!(target: "mailx::imap", "C: {shown}");
        self.expect(expected);
        let verb = shown.split(' ').next().unwrap_or(shown);
        net::with_timeout(&ep, verb, async {
            self.session
                .run_command(cmd)
                .await
                .map_err(|e| imap_err(&ep, verb, e))
        })
        .await
    }

    /// Starts the bounds of an answer anew (after a client-side pause within a command).
    fn expect(&mut self, bytes: u64) {
        self.answer = Answer::new(&self.ep, bytes, self.exists, self.received());
        self.meter
            .max_literal
            .store(limits::SMALL_LITERAL, std::sync::atomic::Ordering::Relaxed);
    }

    fn received(&self) -> u64 {
        self.meter
            .received
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Reads one response of the current answer and hands it to `f` (async-imap's response
    /// type cannot be named outside the crate, so it never leaves this function).
    async fn next_response<T>(
        &mut self,
        verb: &str,
        f: impl FnOnce(&Response<'_>) -> T,
    ) -> Result<T> {
        let ep = self.ep.clone();
        let answer = self.answer;
        let session = &mut self.session;
        let meter = self.meter.clone();
        let received = move || meter.received.load(std::sync::atomic::Ordering::Relaxed);
        let resp = net::within_progress(&ep, verb, answer.deadline, &received, async {
            guarded(session.read_response())
                .await
                .map_err(|p| parser_failed(&ep, verb, p))?
                .map_err(|e| read_error(&ep, verb, e))
        })
        .await?
        .ok_or_else(|| {
            closed(
                format!("{}: during {verb}", ep.label),
                "server closed the connection",
            )
        })?;
        self.answer.responses += 1;
        if self.answer.responses > answer.max_responses {
            return Err(Error::protocol(
                &ep.label,
                format!(
                    "the answer to {verb} went on for more than {} responses",
                    answer.max_responses
                ),
            ));
        }
        if self.received() - answer.bytes_from > answer.max_bytes {
            return Err(Error::protocol(
                &ep.label,
                format!(
                    "the answer to {verb} went on for more than {}",
                    crate::units::human_bytes(answer.max_bytes)
                ),
            ));
        }
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

/// The SASL PLAIN response (RFC 4616): authzid (empty), user, password, NUL-separated.
/// One SASL exchange: the client's messages, one per challenge (those that did not ride
/// on the command), then the mechanism's answer to an error report.
struct Sasl {
    queue: std::collections::VecDeque<Vec<u8>>,
    after: Vec<u8>,
}

impl async_imap::Authenticator for Sasl {
    type Response = Vec<u8>;

    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        self.queue.pop_front().unwrap_or_else(|| self.after.clone())
    }
}

/// Capability names as mailx compares them (upper case, `AUTH=` mechanisms included).
fn capability_names(list: &[imap_proto::Capability<'_>]) -> HashSet<String> {
    list.iter()
        .map(|c| match c {
            imap_proto::Capability::Imap4rev1 => "IMAP4REV1".to_string(),
            imap_proto::Capability::Auth(a) => format!("AUTH={}", a.to_ascii_uppercase()),
            imap_proto::Capability::Atom(a) => a.to_ascii_uppercase(),
        })
        .collect()
}

/// CAPABILITY before login, when the greeting did not carry them.
async fn prelogin_capabilities(ep: &Endpoint, c: &mut Client<Stream>) -> Result<HashSet<String>> {
    // Written raw: async-imap runs tagged commands only once logged in.
    const TAG: &str = "mxcap";
    net::with_timeout(ep, "CAPABILITY", async {
        let stream = c.get_mut();
        let sent = match stream
            .write_all(format!("{TAG} CAPABILITY\r\n").as_bytes())
            .await
        {
            Ok(()) => stream.flush().await,
            Err(e) => Err(e),
        };
        sent.map_err(|e| Error::network(&ep.label, e))?;
        let tag = imap_proto::RequestId(TAG.to_string());
        let mut caps = HashSet::new();
        loop {
            let resp = guarded(c.read_response())
                .await
                .map_err(|p| parser_failed(ep, "CAPABILITY", p))?
                .map_err(|e| read_error(ep, "CAPABILITY", e))?
                .ok_or_else(|| closed(&ep.label, "server closed the connection before login"))?;
            match resp.parsed() {
                Response::Capabilities(list) => caps.extend(capability_names(list)),
                Response::Done { tag: t, .. } if *t == tag => return Ok(caps),
                _ => {}
            }
        }
    })
    .await
}

/// Reads the greeting; returns the capabilities it carried (`[CAPABILITY ...]`), if any.
async fn read_greeting<S: net::Io>(
    ep: &Endpoint,
    c: &mut Client<S>,
) -> Result<Option<HashSet<String>>> {
    let resp = tokio::time::timeout(ep.timeout, guarded(c.read_response()))
        .await
        .map_err(|_| timeout(ep, "greeting"))?
        .map_err(|p| parser_failed(ep, "greeting", p))?
        .map_err(|e| Error::protocol(&ep.label, format!("bad greeting: {e}")))?
        .ok_or_else(|| closed(&ep.label, "server closed the connection before greeting"))?;
    match resp.parsed() {
        Response::Data {
            status: Status::Ok | Status::PreAuth,
            outcome,
        } => Ok(match &outcome.code {
            Some(ResponseCode::Capabilities(list)) => Some(capability_names(list)),
            _ => None,
        }),
        Response::Data {
            status: Status::Bye,
            outcome,
        } => Err(Error::Rejected {
            context: ep.label.clone(),
            detail: format!(
                "the server refused the connection: {}",
                outcome.information.as_deref().unwrap_or("")
            ),
        }),
        _ => Err(Error::protocol(
            &ep.label,
            "the server's first answer is not an IMAP greeting (* OK); is this an IMAP server and port?",
        )),
    }
}

//! A look at a server before any account exists: does it answer, in which protocol, with
//! which TLS, offering which ways to log in. Sends no credentials.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use super::Server;
use crate::config::{Protocol, TlsMode};
use crate::error::{Error, Result};
use crate::net::{self, Endpoint, Stream};

/// The steps of reaching a server, in order; a failure names the one that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Dns,
    Connect,
    Tls,
    Greeting,
    Login,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Dns => "DNS",
            Step::Connect => "connect",
            Step::Tls => "TLS",
            Step::Greeting => "greeting",
            Step::Login => "login",
        }
    }
}

#[derive(Debug)]
pub struct Failure {
    pub step: Step,
    pub error: Error,
}

impl Failure {
    /// The reason in one line, without the server label (the caller shows the server).
    pub fn reason(&self) -> String {
        match &self.error {
            Error::Tls { detail, .. } | Error::Protocol { detail, .. } => detail.clone(),
            Error::Timeout { detail, .. } => detail.clone(),
            Error::Network { source, .. } => source.to_string(),
            e => e.to_string(),
        }
    }

    /// True when the server is there but its certificate is not trusted: the user may
    /// name a CA file for it.
    pub fn untrusted_certificate(&self) -> bool {
        matches!(&self.error, Error::Tls { detail, .. } if detail.contains("not trusted"))
    }
}

/// What a server said about itself.
#[derive(Debug, Clone)]
pub struct Found {
    pub server: Server,
    pub greeting: String,
    /// Capabilities after TLS (IMAP CAPABILITY, POP3 CAPA), upper case.
    pub capabilities: Vec<String>,
    /// SASL mechanisms offered (IMAP AUTH=, POP3 SASL).
    pub mechanisms: Vec<String>,
}

impl Found {
    /// Whether a password login is possible: IMAP LOGIN unless LOGINDISABLED, or PLAIN;
    /// POP3 USER/PASS is always tried.
    pub fn password_login(&self) -> bool {
        self.mechanisms.iter().any(|m| m == "PLAIN")
            || match self.server.protocol {
                Protocol::Imap => !self.capabilities.iter().any(|c| c == "LOGINDISABLED"),
                Protocol::Pop3 => true,
            }
    }

    /// The OAuth2 mechanism to log in with, when the server (or the provider's autoconfig,
    /// `wanted`) asks for OAuth2: OAUTHBEARER (the standard) where offered, else XOAUTH2.
    pub fn oauth_login(&self, wanted: bool) -> Option<crate::config::Auth> {
        if !(wanted || self.oauth_only()) {
            return None;
        }
        Some(if self.mechanisms.iter().any(|m| m == "OAUTHBEARER") {
            crate::config::Auth::OAuthBearer
        } else {
            crate::config::Auth::XOAuth2
        })
    }

    pub fn oauth_only(&self) -> bool {
        !self.password_login()
            && self
                .mechanisms
                .iter()
                .any(|m| m == "XOAUTH2" || m == "OAUTHBEARER")
    }
}

/// The longest line a probe reads.
const MAX_LINE: u64 = 16 * 1024;
/// The most lines of a capability answer.
const MAX_LINES: usize = 200;

/// Probes `server` (a CA file may be trusted besides the system's), within `timeout` per
/// step.
pub async fn probe(
    server: &Server,
    ca_file: Option<&std::path::Path>,
    timeout: Duration,
) -> std::result::Result<Found, Failure> {
    let fail = |step| move |error| Failure { step, error };
    let ep = Endpoint {
        host: server.host.clone(),
        port: server.port,
        timeout,
        label: format!("{}:{}", server.host, server.port),
        max_message: 0,
    };
    let connector = net::tls_connector(ca_file).map_err(fail(Step::Tls))?;
    net::resolve(&ep).await.map_err(fail(Step::Dns))?;
    let tcp = net::connect_tcp(&ep).await.map_err(fail(Step::Connect))?;
    let stream: Stream = match server.tls {
        TlsMode::Implicit => Box::new(
            net::start_tls(&ep, &connector, tcp)
                .await
                .map_err(fail(Step::Tls))?,
        ),
        TlsMode::Starttls | TlsMode::None => Box::new(tcp),
    };
    let mut conn = Lines::new(&ep, stream);
    let greeting = conn.line().await.map_err(fail(Step::Greeting))?;
    let expected = match server.protocol {
        Protocol::Imap => greeting.starts_with("* OK") || greeting.starts_with("* PREAUTH"),
        Protocol::Pop3 => greeting.starts_with("+OK"),
    };
    if !expected {
        let what = match server.protocol {
            Protocol::Imap => "an IMAP server",
            Protocol::Pop3 => "a POP3 server",
        };
        return Err(Failure {
            step: Step::Greeting,
            error: Error::protocol(
                &ep.label,
                format!("not {what}: it greeted with {greeting:?}"),
            ),
        });
    }
    let mut capabilities = conn
        .capabilities(server.protocol)
        .await
        .map_err(fail(Step::Greeting))?;
    if server.tls == TlsMode::Starttls {
        let verb = match server.protocol {
            Protocol::Imap => "STARTTLS",
            Protocol::Pop3 => "STLS",
        };
        if !capabilities.iter().any(|c| c == verb) {
            return Err(Failure {
                step: Step::Tls,
                error: Error::Tls {
                    context: ep.label.clone(),
                    detail: format!("the server does not offer {verb}"),
                },
            });
        }
        conn.upgrade(server.protocol, verb)
            .await
            .map_err(fail(Step::Tls))?;
        let plain = conn.into_inner();
        let tls = net::start_tls(&ep, &connector, plain)
            .await
            .map_err(fail(Step::Tls))?;
        conn = Lines::new(&ep, Box::new(tls));
        capabilities = conn
            .capabilities(server.protocol)
            .await
            .map_err(fail(Step::Greeting))?;
    }
    conn.goodbye(server.protocol).await;
    let mechanisms = mechanisms(server.protocol, &capabilities);
    Ok(Found {
        server: server.clone(),
        greeting: crate::units::printable(&greeting, 200),
        capabilities,
        mechanisms,
    })
}

fn mechanisms(protocol: Protocol, caps: &[String]) -> Vec<String> {
    match protocol {
        Protocol::Imap => caps
            .iter()
            .filter_map(|c| c.strip_prefix("AUTH="))
            .map(str::to_string)
            .collect(),
        Protocol::Pop3 => caps
            .iter()
            .filter_map(|c| c.strip_prefix("SASL "))
            .flat_map(|m| m.split_whitespace().map(str::to_string))
            .collect(),
    }
}

/// Line-at-a-time talk, bounded in line length and time.
struct Lines<'a> {
    ep: &'a Endpoint,
    conn: BufReader<Stream>,
}

impl<'a> Lines<'a> {
    fn new(ep: &'a Endpoint, stream: Stream) -> Self {
        Lines {
            ep,
            conn: BufReader::new(stream),
        }
    }

    fn into_inner(self) -> Stream {
        self.conn.into_inner()
    }

    async fn line(&mut self) -> Result<String> {
        let ep = self.ep;
        let mut buf = Vec::new();
        let conn = &mut self.conn;
        net::with_timeout(ep, "the probe", async {
            conn.take(MAX_LINE)
                .read_until(b'\n', &mut buf)
                .await
                .map_err(|e| Error::network(&ep.label, e))
        })
        .await?;
        if buf.is_empty() {
            return Err(Error::protocol(
                &ep.label,
                "the server closed the connection",
            ));
        }
        if !buf.ends_with(b"\n") {
            return Err(Error::protocol(
                &ep.label,
                "a line without end from the server",
            ));
        }
        Ok(String::from_utf8_lossy(&buf).trim_end().to_string())
    }

    async fn send(&mut self, line: &str) -> Result<()> {
        let ep = self.ep;
        let conn = self.conn.get_mut();
        net::with_timeout(ep, "the probe", async {
            conn.write_all(format!("{line}\r\n").as_bytes())
                .await
                .map_err(|e| Error::network(&ep.label, e))?;
            conn.flush().await.map_err(|e| Error::network(&ep.label, e))
        })
        .await
    }

    async fn capabilities(&mut self, protocol: Protocol) -> Result<Vec<String>> {
        let mut caps = Vec::new();
        match protocol {
            Protocol::Imap => {
                self.send("p1 CAPABILITY").await?;
                for _ in 0..MAX_LINES {
                    let line = self.line().await?;
                    if let Some(rest) = line.strip_prefix("* CAPABILITY ") {
                        caps.extend(rest.split_whitespace().map(|c| c.to_ascii_uppercase()));
                    } else if line.starts_with("p1 ") {
                        return Ok(caps);
                    }
                }
            }
            Protocol::Pop3 => {
                self.send("CAPA").await?;
                if !self.line().await?.starts_with("+OK") {
                    return Ok(caps);
                }
                for _ in 0..MAX_LINES {
                    let line = self.line().await?;
                    if line == "." {
                        return Ok(caps);
                    }
                    // "SASL PLAIN LOGIN" stays one entry; others are single words.
                    let upper = line.to_ascii_uppercase();
                    if upper.starts_with("SASL ") {
                        caps.push(upper);
                    } else if let Some(word) = upper.split_whitespace().next() {
                        caps.push(word.to_string());
                    }
                }
            }
        }
        Err(Error::protocol(
            &self.ep.label,
            "the capability list does not end",
        ))
    }

    async fn upgrade(&mut self, protocol: Protocol, verb: &str) -> Result<()> {
        let (command, ok) = match protocol {
            Protocol::Imap => (format!("p2 {verb}"), "p2 OK"),
            Protocol::Pop3 => (verb.to_string(), "+OK"),
        };
        self.send(&command).await?;
        let answer = self.line().await?;
        if !answer.starts_with(ok) {
            return Err(Error::Tls {
                context: self.ep.label.clone(),
                detail: format!("the server refused {verb}: {answer}"),
            });
        }
        if !self.conn.buffer().is_empty() {
            return Err(Error::Tls {
                context: self.ep.label.clone(),
                detail: format!("the server sent data after {verb} before the TLS handshake"),
            });
        }
        Ok(())
    }

    /// A polite end; its answer does not matter.
    async fn goodbye(&mut self, protocol: Protocol) {
        let bye = match protocol {
            Protocol::Imap => "p3 LOGOUT",
            Protocol::Pop3 => "QUIT",
        };
        if self.send(bye).await.is_ok() {
            let _ = self.line().await;
        }
    }
}

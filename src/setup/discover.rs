//! Finding an email address's incoming servers: Mozilla autoconfig, then SRV records
//! (RFC 6186, RFC 8314), then guessed names; every candidate is probed before it is
//! offered.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use super::probe::{self, Failure, Found};
use super::{Server, autoconfig, dns};
use crate::config::{Protocol, TlsMode};
use crate::http;

/// Where discovery looks, when not where it would on the Internet (tests: loopback).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Replaces `https://autoconfig.<domain>` and `https://<domain>`.
    pub autoconfig_base: Option<String>,
    /// Replaces the system's name server.
    pub dns_server: Option<SocketAddr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Autoconfig,
    Srv,
    Guess,
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Origin::Autoconfig => "autoconfig",
            Origin::Srv => "DNS SRV record",
            Origin::Guess => "guessed name",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub server: Server,
    pub origin: Origin,
    /// The login name the provider documents (autoconfig).
    pub user: Option<String>,
    /// Autoconfig says the provider wants OAuth2.
    pub oauth: bool,
}

#[derive(Debug)]
pub struct Probed {
    pub candidate: Candidate,
    pub result: Result<Found, Failure>,
}

/// What discovery did: every candidate probed, in order of preference, and a line per
/// source saying what it gave.
#[derive(Debug, Default)]
pub struct Discovery {
    pub probed: Vec<Probed>,
    pub log: Vec<String>,
}

impl Discovery {
    /// The servers that answered, best first.
    pub fn working(&self) -> impl Iterator<Item = (&Candidate, &Found)> {
        self.probed
            .iter()
            .filter_map(|p| p.result.as_ref().ok().map(|f| (&p.candidate, f)))
    }

    pub fn failed(&self) -> impl Iterator<Item = (&Candidate, &Failure)> {
        self.probed
            .iter()
            .filter_map(|p| p.result.as_ref().err().map(|f| (&p.candidate, f)))
    }
}

/// How long a guessed name may take to answer: most do not exist at all.
const GUESS_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn discover(
    email: &str,
    sources: &Sources,
    ca_file: Option<&Path>,
    timeout: Duration,
) -> Discovery {
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or(email);
    let mut d = Discovery::default();
    let mut found = from_autoconfig(email, sources, timeout, &mut d.log).await;
    found.extend(from_srv(domain, sources, timeout, &mut d.log).await);
    dedupe(&mut found);
    d.probed = probe_all(found, ca_file, timeout).await;
    if d.working().next().is_none() {
        let guesses = guesses(domain);
        d.log.push(format!(
            "guessed names: trying {} servers of {domain}",
            guesses.len()
        ));
        let probed = probe_all(guesses, ca_file, timeout.min(GUESS_TIMEOUT)).await;
        // A guessed name that does not exist is no news; one that answers badly is.
        d.probed.extend(
            probed
                .into_iter()
                .filter(|p| !matches!(&p.result, Err(f) if f.step == probe::Step::Dns)),
        );
    }
    d
}

async fn from_autoconfig(
    email: &str,
    sources: &Sources,
    timeout: Duration,
    log: &mut Vec<String>,
) -> Vec<Candidate> {
    for url in autoconfig::urls(email, sources.autoconfig_base.as_deref()) {
        let Some(parsed) = http::Url::parse(&url) else {
            continue;
        };
        let text = match http::get(&parsed, timeout).await {
            Ok(body) => String::from_utf8_lossy(&body).into_owned(),
            Err(e) => {
                log.push(format!("autoconfig: {url}: {e}"));
                continue;
            }
        };
        match autoconfig::parse(&text, email) {
            Ok(servers) if !servers.is_empty() => {
                log.push(format!(
                    "autoconfig: {url}: {} incoming servers",
                    servers.len()
                ));
                return servers
                    .into_iter()
                    .map(|i| Candidate {
                        oauth: i.authentication.iter().any(|a| a == "OAuth2"),
                        server: i.server,
                        origin: Origin::Autoconfig,
                        user: i.user,
                    })
                    .collect();
            }
            Ok(_) => log.push(format!("autoconfig: {url}: no IMAP or POP3 server in it")),
            Err(e) => log.push(format!("autoconfig: {url}: {e}")),
        }
    }
    Vec::new()
}

async fn from_srv(
    domain: &str,
    sources: &Sources,
    timeout: Duration,
    log: &mut Vec<String>,
) -> Vec<Candidate> {
    let Some(nameserver) = sources.dns_server.or_else(dns::system_server) else {
        log.push("DNS SRV: no name server configured".into());
        return Vec::new();
    };
    let servers = dns::mail_servers(domain, nameserver, timeout.min(GUESS_TIMEOUT)).await;
    log.push(format!(
        "DNS SRV: {} records for {domain} (name server {nameserver})",
        servers.len()
    ));
    servers
        .into_iter()
        .map(|server| Candidate {
            server,
            origin: Origin::Srv,
            user: None,
            oauth: false,
        })
        .collect()
}

/// What Thunderbird guesses: imap./pop./pop3./mail. + domain on the standard ports, TLS
/// first.
fn guesses(domain: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (protocol, names) in [
        (Protocol::Imap, &["imap", "mail"][..]),
        (Protocol::Pop3, &["pop", "pop3", "mail"][..]),
    ] {
        for tls in [TlsMode::Implicit, TlsMode::Starttls] {
            for name in names {
                out.push(Candidate {
                    server: Server {
                        protocol,
                        host: format!("{name}.{domain}"),
                        port: crate::config::default_port(protocol, tls),
                        tls,
                    },
                    origin: Origin::Guess,
                    user: None,
                    oauth: false,
                });
            }
        }
    }
    out
}

fn dedupe(found: &mut Vec<Candidate>) {
    let mut seen = Vec::new();
    found.retain(|c| {
        let key = (
            c.server.protocol,
            c.server.host.to_ascii_lowercase(),
            c.server.port,
        );
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// Probes all at once (a few dozen at most), keeping their order.
async fn probe_all(
    found: Vec<Candidate>,
    ca_file: Option<&Path>,
    timeout: Duration,
) -> Vec<Probed> {
    let results = futures::future::join_all(
        found
            .iter()
            .map(|c| probe::probe(&c.server, ca_file, timeout)),
    )
    .await;
    found
        .into_iter()
        .zip(results)
        .map(|(candidate, result)| Probed { candidate, result })
        .collect()
}

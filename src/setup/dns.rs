//! SRV records (RFC 2782) for RFC 6186 / RFC 8314 mail service discovery: one UDP query
//! to the system's first name server (or the one given), no cache.

use std::net::SocketAddr;
use std::time::Duration;

use simple_dns::rdata::RData;
use simple_dns::{CLASS, Name, Packet, Question, TYPE};

use super::Server;
use crate::config::{Protocol, TlsMode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: String,
}

/// The services asked for, best first (RFC 8314 prefers implicit TLS).
pub const SERVICES: [(&str, Protocol, TlsMode); 4] = [
    ("_imaps._tcp", Protocol::Imap, TlsMode::Implicit),
    ("_imap._tcp", Protocol::Imap, TlsMode::Starttls),
    ("_pop3s._tcp", Protocol::Pop3, TlsMode::Implicit),
    ("_pop3._tcp", Protocol::Pop3, TlsMode::Starttls),
];

/// The system's name server: the first `nameserver` of /etc/resolv.conf.
pub fn system_server() -> Option<SocketAddr> {
    let conf = std::fs::read_to_string("/etc/resolv.conf").ok()?;
    conf.lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .next()
}

/// The servers the SRV records of `domain` name, in the order RFC 2782 says to try them
/// (priority, then weight-randomized); a service published as "." is not offered.
pub async fn mail_servers(domain: &str, nameserver: SocketAddr, timeout: Duration) -> Vec<Server> {
    let mut out = Vec::new();
    for (service, protocol, tls) in SERVICES {
        let name = format!("{service}.{domain}");
        let records = match lookup_srv(&name, nameserver, timeout).await {
            Ok(r) => r,
            Err(e) => {
                tracing::debug!("SRV {name}: {e}");
                continue;
            }
        };
        let mut salt = 0;
        for r in order(records, || {
            salt += 1;
            crate::random::bits(salt)
        }) {
            if r.target.is_empty() || r.target == "." || r.port == 0 {
                continue;
            }
            out.push(Server {
                protocol,
                host: r.target.trim_end_matches('.').to_string(),
                port: r.port,
                tls,
            });
        }
    }
    out
}

/// RFC 2782's order: by priority; within one, repeatedly pick at random with the
/// weights as odds (weight 0 still gets a small chance).
pub fn order(mut records: Vec<Srv>, mut random: impl FnMut() -> u64) -> Vec<Srv> {
    records.sort_by_key(|r| r.priority);
    let mut out = Vec::with_capacity(records.len());
    while !records.is_empty() {
        let p = records[0].priority;
        let mut group: Vec<Srv> = Vec::new();
        while records.first().is_some_and(|r| r.priority == p) {
            group.push(records.remove(0));
        }
        while !group.is_empty() {
            let total: u64 = group.iter().map(|r| u64::from(r.weight) + 1).sum();
            let mut pick = random() % total;
            let i = group
                .iter()
                .position(|r| {
                    let w = u64::from(r.weight) + 1;
                    if pick < w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .unwrap_or(0);
            out.push(group.remove(i));
        }
    }
    out
}

pub async fn lookup_srv(
    name: &str,
    nameserver: SocketAddr,
    timeout: Duration,
) -> Result<Vec<Srv>, String> {
    let id = (crate::random::bits(0) & 0xffff) as u16;
    let query = build_query(id, name)?;
    let bind: SocketAddr = if nameserver.is_ipv4() {
        "0.0.0.0:0".parse().map_err(|_| "bad bind address")?
    } else {
        "[::]:0".parse().map_err(|_| "bad bind address")?
    };
    let socket = tokio::net::UdpSocket::bind(bind)
        .await
        .map_err(|e| e.to_string())?;
    socket
        .connect(nameserver)
        .await
        .map_err(|e| e.to_string())?;
    for _attempt in 0..2 {
        socket.send(&query).await.map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; 4096];
        let until = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(until, socket.recv(&mut buf)).await {
                Err(_) => break,
                Ok(Err(e)) => return Err(e.to_string()),
                Ok(Ok(n)) => {
                    // Another id is a stray or forged answer: keep waiting for ours.
                    if let Some(records) = parse_answer(id, &buf[..n])? {
                        return Ok(records);
                    }
                }
            }
        }
    }
    Err(format!("no answer from {nameserver}"))
}

fn build_query(id: u16, name: &str) -> Result<Vec<u8>, String> {
    let mut packet = Packet::new_query(id);
    packet.set_flags(simple_dns::PacketFlag::RECURSION_DESIRED);
    let qname = Name::new(name).map_err(|e| format!("{name}: {e}"))?;
    packet.questions.push(Question::new(
        qname,
        TYPE::SRV.into(),
        CLASS::IN.into(),
        false,
    ));
    packet.build_bytes_vec().map_err(|e| e.to_string())
}

/// `None` when the packet is not the answer to query `id`.
pub fn parse_answer(id: u16, bytes: &[u8]) -> Result<Option<Vec<Srv>>, String> {
    let Ok(packet) = Packet::parse(bytes) else {
        return Ok(None);
    };
    if packet.id() != id {
        return Ok(None);
    }
    Ok(Some(
        packet
            .answers
            .iter()
            .filter_map(|rr| match &rr.rdata {
                RData::SRV(srv) => Some(Srv {
                    priority: srv.priority,
                    weight: srv.weight,
                    port: srv.port,
                    target: srv.target.to_string(),
                }),
                _ => None,
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn srv(priority: u16, weight: u16, target: &str) -> Srv {
        Srv {
            priority,
            weight,
            port: 993,
            target: target.into(),
        }
    }

    #[test]
    fn priority_first_then_weight() {
        let records = vec![srv(20, 0, "c"), srv(10, 1, "b"), srv(10, 1000, "a")];
        let mut seq = [0u64, 0, 0].into_iter();
        let got = order(records.clone(), || seq.next().unwrap_or(0));
        let names: Vec<&str> = got.iter().map(|r| r.target.as_str()).collect();
        // pick 0 of total 1003 lands on the first of the group ("b", weight 1 + 1).
        assert_eq!(names, ["b", "a", "c"]);
        // Over many draws the heavy record comes first almost always.
        let mut state = 1u64;
        let mut rng = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 11
        };
        let firsts = (0..1000)
            .filter(|_| order(records.clone(), &mut rng)[0].target == "a")
            .count();
        assert!(firsts > 950, "{firsts}");
    }

    #[test]
    fn answers_are_parsed_and_foreign_ids_ignored() {
        let mut reply = Packet::new_reply(7);
        let name = Name::new("_imaps._tcp.example.org").unwrap();
        reply.answers.push(simple_dns::ResourceRecord::new(
            name,
            CLASS::IN,
            60,
            RData::SRV(simple_dns::rdata::SRV {
                priority: 0,
                weight: 5,
                port: 993,
                target: Name::new("imap.example.org").unwrap(),
            }),
        ));
        let bytes = reply.build_bytes_vec().unwrap();
        assert_eq!(
            parse_answer(7, &bytes).unwrap().unwrap(),
            vec![Srv {
                priority: 0,
                weight: 5,
                port: 993,
                target: "imap.example.org".into()
            }]
        );
        assert_eq!(parse_answer(8, &bytes).unwrap(), None);
        assert_eq!(parse_answer(7, b"junk").unwrap(), None);
        assert!(build_query(1, "_imaps._tcp.example.org").is_ok());
    }
}

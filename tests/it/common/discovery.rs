//! Loopback stand-ins for what discovery asks on the Internet: an HTTP server with an
//! autoconfig document and a DNS server with SRV records.

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};

use simple_dns::rdata::{RData, SRV};
use simple_dns::{CLASS, Name, Packet, ResourceRecord};

/// The head of one HTTP request (up to its blank line).
fn read_request(conn: &mut std::net::TcpStream) -> String {
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&req).into_owned()
}

/// Serves `body` at any path starting with `path` (404 elsewhere) until the test ends;
/// returns the base URL. Each request's target is sent to the returned log.
pub fn serve_http(path: &'static str, body: String) -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let text = read_request(&mut conn);
            let target = text.split_whitespace().nth(1).unwrap_or("").to_string();
            let _ = tx.send(target.clone());
            let answer = if target.starts_with(path) {
                format!(
                    "HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
            } else {
                "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_string()
            };
            let _ = conn.write_all(answer.as_bytes());
        }
    });
    (base, rx)
}

/// An OAuth2 token check (what Dovecot's oauth2 passdb asks): GET PREFIX<token> answers
/// {"username": user} for a token in `tokens`, 401 otherwise. Returns the URL prefix.
pub fn serve_tokeninfo(tokens: Vec<(String, String)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let prefix = format!(
        "http://{}/tokeninfo?access_token=",
        listener.local_addr().unwrap()
    );
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let text = read_request(&mut conn);
            let target = text.split_whitespace().nth(1).unwrap_or("");
            let token = target
                .split_once("access_token=")
                .map(|(_, t)| t)
                .unwrap_or("");
            let answer = match tokens.iter().find(|(t, _)| t == token) {
                Some((_, user)) => {
                    let body = format!("{{\"username\":\"{user}\",\"active\":true}}");
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                }
                None => {
                    let body = "{\"error\":\"invalid_token\"}";
                    format!(
                        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                }
            };
            let _ = conn.write_all(answer.as_bytes());
        }
    });
    prefix
}

/// An autoconfig document listing `servers` as (type, host, port, socketType).
pub fn autoconfig_xml(servers: &[(&str, &str, u16, &str)], username: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\"><emailProvider id=\"example.test\"><domain>example.test</domain>\n",
    );
    for (kind, host, port, socket) in servers {
        out.push_str(&format!(
            "<incomingServer type=\"{kind}\"><hostname>{host}</hostname><port>{port}</port><socketType>{socket}</socketType><username>{username}</username><authentication>password-cleartext</authentication></incomingServer>\n"
        ));
    }
    out.push_str("</emailProvider></clientConfig>\n");
    out
}

/// Answers SRV queries from `records` (name, priority, weight, port, target); other names
/// get an empty answer. Returns the server's address.
pub fn serve_dns(
    records: Vec<(&'static str, u16, u16, u16, &'static str)>,
) -> std::net::SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        loop {
            let Ok((n, from)) = socket.recv_from(&mut buf) else {
                continue;
            };
            let Ok(query) = Packet::parse(&buf[..n]) else {
                continue;
            };
            let Some(q) = query.questions.first() else {
                continue;
            };
            let asked = q.qname.to_string();
            let mut reply = Packet::new_reply(query.id());
            reply.questions.push(q.clone());
            for (name, priority, weight, port, target) in &records {
                if asked.trim_end_matches('.') == *name {
                    reply.answers.push(ResourceRecord::new(
                        Name::new_unchecked(name),
                        CLASS::IN,
                        60,
                        RData::SRV(SRV {
                            priority: *priority,
                            weight: *weight,
                            port: *port,
                            target: Name::new_unchecked(target),
                        }),
                    ));
                }
            }
            if let Ok(bytes) = reply.build_bytes_vec() {
                let _ = socket.send_to(&bytes, from);
            }
        }
    });
    addr
}

//! The few HTTP requests mailx makes: GET an autoconfig document, POST a form to an
//! OAuth2 token endpoint (a few KiB each). HTTP/1.0, so the answer ends with the
//! connection; certificates verified like the mail servers'. A client library would bring
//! a second TLS stack for these.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::{Error, Result};
use crate::net::{self, Endpoint, Stream};

/// The largest document read (Mozilla's ISPDB files are 1-5 KiB).
const MAX_BODY: u64 = 256 * 1024;
const MAX_REDIRECTS: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub https: bool,
    pub host: String,
    pub port: u16,
    /// Path and query, starting with '/'.
    pub target: String,
}

impl Url {
    pub fn parse(s: &str) -> Option<Url> {
        let (https, rest) = if let Some(r) = s.strip_prefix("https://") {
            (true, r)
        } else {
            (false, s.strip_prefix("http://")?)
        };
        let (authority, target) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.contains(']') || h.ends_with(']') => (h, p.parse().ok()?),
            _ => (authority, if https { 443 } else { 80 }),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['@', ' ']) {
            return None;
        }
        Some(Url {
            https,
            host: host.to_string(),
            port,
            target: target.to_string(),
        })
    }

    pub fn show(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}:{}{}", self.host, self.port, self.target)
    }
}

/// The body of a 200 answer to GET `url`, following up to three redirects (never from
/// https to http).
pub async fn get(url: &Url, timeout: Duration) -> Result<Vec<u8>> {
    let mut url = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        match request(&url, None, timeout).await? {
            Answer::Body(b) => return Ok(b),
            Answer::Status(code, _) => {
                return Err(Error::Rejected {
                    context: url.show(),
                    detail: format!("HTTP {code}"),
                });
            }
            Answer::Redirect(location) => {
                let next = if location.starts_with('/') {
                    Url {
                        target: location,
                        ..url.clone()
                    }
                } else {
                    Url::parse(&location).ok_or_else(|| {
                        Error::protocol(url.show(), format!("bad redirect to {location:?}"))
                    })?
                };
                if url.https && !next.https {
                    return Err(Error::protocol(
                        url.show(),
                        "redirect from https to http refused",
                    ));
                }
                url = next;
            }
        }
    }
    Err(Error::protocol(url.show(), "too many redirects"))
}

/// POSTs `fields` as a form; the status and body of the answer, whatever the status
/// (an OAuth2 error is a JSON body with 400).
pub async fn post_form(
    url: &Url,
    fields: &[(&str, &str)],
    timeout: Duration,
) -> Result<(u16, Vec<u8>)> {
    let form: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    match request(url, Some(form.join("&")), timeout).await? {
        Answer::Body(b) => Ok((200, b)),
        Answer::Status(code, b) => Ok((code, b)),
        Answer::Redirect(_) => Err(Error::protocol(url.show(), "a redirect answered a POST")),
    }
}

/// RFC 3986 unreserved characters as they are, every other byte as %XX.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `percent_encode` undone ('+' as a space, as forms write it); `None` for bad escapes.
pub fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'%' => {
                let hex = [bytes.next()?, bytes.next()?];
                out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

enum Answer {
    Body(Vec<u8>),
    Redirect(String),
    /// Another status, with its body.
    Status(u16, Vec<u8>),
}

async fn request(url: &Url, form: Option<String>, timeout: Duration) -> Result<Answer> {
    let ep = Endpoint {
        host: url.host.clone(),
        port: url.port,
        timeout,
        label: url.show(),
        max_message: 0,
    };
    let tcp = net::connect_tcp(&ep).await?;
    let mut stream: Stream = if url.https {
        let connector = net::tls_connector(None)?;
        Box::new(net::start_tls(&ep, &connector, tcp).await?)
    } else {
        Box::new(tcp)
    };
    let request = match &form {
        None => format!(
            "GET {} HTTP/1.0\r\nHost: {}\r\nUser-Agent: mailx/{}\r\nAccept: application/xml, text/xml\r\n\r\n",
            url.target,
            url.host,
            env!("CARGO_PKG_VERSION")
        ),
        Some(body) => format!(
            "POST {} HTTP/1.0\r\nHost: {}\r\nUser-Agent: mailx/{}\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            url.target,
            url.host,
            env!("CARGO_PKG_VERSION"),
            body.len()
        ),
    };
    let mut raw = Vec::new();
    net::with_timeout(&ep, "GET", async {
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| Error::network(&ep.label, e))?;
        stream
            .flush()
            .await
            .map_err(|e| Error::network(&ep.label, e))?;
        (&mut stream)
            .take(MAX_BODY + 16 * 1024)
            .read_to_end(&mut raw)
            .await
            .map_err(|e| Error::network(&ep.label, e))
    })
    .await?;
    parse_answer(&ep.label, &raw)
}

fn parse_answer(label: &str, raw: &[u8]) -> Result<Answer> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| Error::protocol(label, "not an HTTP answer"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| Error::protocol(label, "not an HTTP answer"))?;
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    match status {
        200 => {
            let chunked =
                header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
            let body = if chunked {
                dechunk(body).ok_or_else(|| Error::protocol(label, "bad chunked body"))?
            } else {
                body.to_vec()
            };
            if body.len() as u64 > MAX_BODY {
                return Err(Error::protocol(label, "the document is too large"));
            }
            Ok(Answer::Body(body))
        }
        301 | 302 | 303 | 307 | 308 => header("location")
            .map(Answer::Redirect)
            .ok_or_else(|| Error::protocol(label, "a redirect without Location")),
        code if code >= 400 => Ok(Answer::Status(code, body.to_vec())),
        code => Err(Error::Rejected {
            context: label.to_string(),
            detail: format!("HTTP {code}"),
        }),
    }
}

/// A chunked body (some servers send one even to HTTP/1.0).
fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_answers() {
        let u =
            Url::parse("http://127.0.0.1:8080/mail/config-v1.1.xml?emailaddress=a%40b").unwrap();
        assert_eq!(
            (u.https, u.host.as_str(), u.port),
            (false, "127.0.0.1", 8080)
        );
        assert_eq!(u.target, "/mail/config-v1.1.xml?emailaddress=a%40b");
        let u = Url::parse("https://autoconfig.example.org").unwrap();
        assert_eq!((u.port, u.target.as_str()), (443, "/"));
        assert!(Url::parse("ftp://x").is_none());
        let ok = parse_answer(
            "t",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n<x/>",
        )
        .unwrap();
        assert!(matches!(ok, Answer::Body(b) if b == b"<x/>"));
        let chunked = parse_answer(
            "t",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n<x\r\n2\r\n/>\r\n0\r\n\r\n",
        )
        .unwrap();
        assert!(matches!(chunked, Answer::Body(b) if b == b"<x/>"));
        let moved = parse_answer("t", b"HTTP/1.1 301 Moved\r\nLocation: /y\r\n\r\n").unwrap();
        assert!(matches!(moved, Answer::Redirect(l) if l == "/y"));
        assert!(matches!(
            parse_answer("t", b"HTTP/1.1 404 Not Found\r\n\r\nx").unwrap(),
            Answer::Status(404, b) if b == b"x"
        ));
        assert_eq!(percent_decode("a%2Bb+c%40d").as_deref(), Some("a+b c@d"));
        assert_eq!(
            percent_decode(&percent_encode("é /?&=")).as_deref(),
            Some("é /?&=")
        );
        assert_eq!(percent_decode("%zz"), None);
        assert!(parse_answer("t", b"garbage").is_err());
    }
}

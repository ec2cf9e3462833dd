//! Reading what a server sends: response pieces, error texts, and the small grammars
//! mailx parses itself (NAMESPACE, quoted strings, UID sets, dates).

use imap_proto::{AttributeValue, ResponseCode};

use super::*;

/// A `BODY[]` answer, checked against the RFC822.SIZE of the same answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Body {
    /// Exactly the announced size.
    Whole(Vec<u8>),
    /// Another length than announced (0: nothing announced): cut short, or a server whose
    /// sizes are estimates. The engine decides what to do with it.
    Mismatch { bytes: Vec<u8>, announced: u64 },
}

/// The message from a `BODY[]` answer: the whole message (no other section, no partial
/// range), present (not NIL), not empty. Anything else is the server's fault and never
/// stored as the message.
pub(crate) fn whole_body(
    whole: bool,
    data: Option<&[u8]>,
    size: Option<u64>,
) -> std::result::Result<Body, String> {
    if !whole {
        return Err("the server answered with another part of the message than asked".into());
    }
    let Some(data) = data else {
        return Err("the server sent NIL instead of the message".into());
    };
    if data.is_empty() && size != Some(0) {
        return Err("the server sent an empty message".into());
    }
    Ok(match size {
        Some(n) if n == data.len() as u64 => Body::Whole(data.to_vec()),
        other => Body::Mismatch {
            bytes: data.to_vec(),
            announced: other.unwrap_or(0),
        },
    })
}

/// A response code imap-proto parsed, for error messages; codes it does not know
/// (ALREADYEXISTS, OVERQUOTA, ...) stay in the text.
pub(super) fn code_name(code: &ResponseCode<'_>) -> String {
    format!("{code:?}")
}

pub(super) fn fetch_uid(attrs: &[AttributeValue<'_>]) -> Option<u32> {
    attrs.iter().find_map(|a| match a {
        AttributeValue::Uid(u) => Some(*u),
        _ => None,
    })
}

pub(super) fn fetch_flags(attrs: &[AttributeValue<'_>]) -> Option<Vec<String>> {
    attrs.iter().find_map(|a| match a {
        AttributeValue::Flags(f) => Some(f.iter().map(|x| x.to_string()).collect()),
        _ => None,
    })
}

/// async-imap renders a NO as `code: None, info: Some("...")`; keep the server's words.
pub(super) fn server_text(raw: &str) -> String {
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
pub(super) fn read_error(ep: &Endpoint, what: &str, e: std::io::Error) -> Error {
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
        _ => Error::protocol(
            &ep.label,
            format!("bad response to {what}: {}", parse_words(&e)),
        ),
    }
}

/// async-imap reports a parse error as nom's Debug form, the input as a list of byte
/// values, followed by `during parsing of "text"`: keep the text.
fn parse_words(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.split_once(" during parsing of ") {
        Some((_, input)) => format!("could not parse {input}"),
        None => text,
    }
}

/// The parser panicked on what the server sent (caught by `guard`).
pub(super) fn parser_failed(ep: &Endpoint, what: &str, panic: String) -> Error {
    Error::protocol(
        &ep.label,
        format!("the answer to {what} could not be parsed (the IMAP parser failed: {panic})"),
    )
}

/// The server ended the connection where an answer was due.
pub(super) fn closed(context: impl std::fmt::Display, text: &str) -> Error {
    Error::network(
        context,
        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, text.to_string()),
    )
}

pub(super) fn timeout(ep: &Endpoint, what: &str) -> Error {
    Error::Timeout {
        context: ep.label.clone(),
        detail: format!("no answer to {what} within {} s", ep.timeout.as_secs()),
    }
}

pub(super) fn imap_err(ep: &Endpoint, what: &str, e: async_imap::error::Error) -> Error {
    match e {
        async_imap::error::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::InvalidData
            ) =>
        {
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

pub(super) async fn read_raw_line(stream: &mut Stream, ep: &Endpoint) -> Result<String> {
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
pub(crate) fn parse_namespace(s: &str) -> Option<Namespace> {
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

pub(super) fn parse_quoted(s: &str) -> Option<(String, &str)> {
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
pub(crate) fn unescape(s: &str) -> String {
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

pub(crate) fn parse_internal_date(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_str(s.trim(), "%d-%b-%Y %H:%M:%S %z")
        .ok()
        .map(|d| d.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parse_error_quotes_the_text_not_byte_values() {
        let e = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "Error(Error { input: [42, 32, 81], code: TakeWhile1 }) during parsing of \"* QUOTA \\\"ROOT\\\"\"",
        );
        assert_eq!(parse_words(&e), "could not parse \"* QUOTA \\\"ROOT\\\"\"");
    }

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
        assert_eq!(
            whole_body(true, Some(b"abc"), Some(3)),
            Ok(Body::Whole(b"abc".to_vec()))
        );
        let short = |announced| {
            Ok(Body::Mismatch {
                bytes: b"abc".to_vec(),
                announced,
            })
        };
        assert_eq!(whole_body(true, Some(b"abc"), Some(5000)), short(5000));
        assert_eq!(whole_body(true, Some(b"abc"), None), short(0));
        assert!(whole_body(true, Some(b""), Some(5000)).is_err());
        assert!(whole_body(true, None, Some(5000)).is_err());
        assert!(whole_body(false, Some(b"abc"), Some(3)).is_err());
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

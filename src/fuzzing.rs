//! Entry points of the fuzz targets in `fuzz/`: each takes arbitrary bytes and checks a
//! property of code that a server or a user feeds. A broken property panics, which is
//! what the fuzzer reports; a normal error is no finding.

use std::collections::HashMap;
use std::path::Path;

use crate::domain::{Flags, names};
use crate::proto::imap::limits::Scanner;
use crate::proto::imap::parse::{Body, parse_internal_date, parse_namespace, unescape, whole_body};
use crate::proto::mutf7;
use crate::proto::pop3::Unstuffer;
use crate::store::maildir::split_info;

/// A server's IMAP bytes: what passes the limits (`limits.rs`, split where the input
/// says) goes to imap-proto's parser as async-imap would hand it, response after
/// response, and to the grammars mailx parses itself. Nothing may panic or overflow
/// the stack.
pub fn imap_response(data: &[u8]) {
    let Some((&cut, data)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut).min(data.len());
    let mut whole = data.to_vec();
    let whole_ok = Scanner::new(1 << 20).feed(&mut whole).is_ok();
    let mut split = data.to_vec();
    let (head, tail) = split.split_at_mut(cut);
    let mut scanner = Scanner::new(1 << 20);
    let split_ok = scanner.feed(head).and_then(|()| scanner.feed(tail)).is_ok();
    assert_eq!(
        whole_ok, split_ok,
        "the limits depend on how the bytes arrive"
    );
    if !whole_ok {
        return;
    }
    // Panics of imap-proto that mailx already survives (proto/imap/guard.rs catches them;
    // docs/defects.md A11): skipped so that the fuzzer looks further.
    let upper = whole.to_ascii_uppercase();
    let has = |needle: &[u8]| upper.windows(needle.len()).any(|w| w == needle);
    if has(b"METADATA") || has(b"INTERNALDATE NIL") {
        return;
    }
    assert_eq!(whole, split, "the mending depends on how the bytes arrive");
    let mut rest = &whole[..];
    while let Ok((next, response)) = imap_proto::Response::parse(rest) {
        examine(&response);
        if next.len() >= rest.len() {
            break;
        }
        rest = next;
    }
    let text = String::from_utf8_lossy(data);
    let _ = parse_namespace(&text);
    let _ = parse_internal_date(&text);
    let _ = unescape(&text);
}

/// What mailx takes out of a parsed response.
fn examine(response: &imap_proto::Response<'_>) {
    use imap_proto::{AttributeValue, MailboxDatum, Response};
    match response {
        Response::MailboxData(MailboxDatum::List(l)) => {
            let name = unescape(&l.name);
            let path = names::split_server_name(&name, "", Some('/'));
            let _ = names::maildir_name(&path);
        }
        Response::Fetch(_, attrs) => {
            let size = attrs.iter().find_map(|a| match a {
                AttributeValue::Rfc822Size(n) => Some(u64::from(*n)),
                _ => None,
            });
            for a in attrs {
                if let AttributeValue::BodySection {
                    section,
                    index,
                    data,
                } = a
                    && let Ok(Body::Whole(body)) =
                        whole_body(section.is_none() && index.is_none(), data.as_deref(), size)
                {
                    assert_eq!(
                        Some(body.len() as u64),
                        size,
                        "a whole body of another size"
                    );
                }
            }
        }
        _ => {}
    }
}

/// A POP3 multi-line answer: the same message however the bytes arrive (split at the
/// points the first bytes give), never more than what was fed.
pub fn pop3_block(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let (cuts, stream) = data.split_at(2);
    let mut whole = Unstuffer::default();
    let (used, done) = whole.feed(stream);
    assert!(used <= stream.len());
    let mut pieces = Unstuffer::default();
    let mut at = 0;
    let mut finished = false;
    for step in cuts.iter().map(|c| usize::from(*c) + 1).cycle() {
        if at >= stream.len() || finished {
            break;
        }
        let end = (at + step).min(stream.len());
        let (n, d) = pieces.feed(&stream[at..end]);
        at += n;
        finished = d;
    }
    assert_eq!(done, finished, "the end depends on how the bytes arrive");
    if done {
        assert_eq!(
            whole.out, pieces.out,
            "the message depends on how the bytes arrive"
        );
        assert_eq!(used, at);
    }
    assert!(whole.len() <= stream.len());
}

/// Server folder names (one per line, modified UTF-7 or not) under both layouts: each
/// local name stays one entry inside the Maildir root, maps back to its folder, and no
/// two folders share one.
pub fn folder_names(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for (prefix, delimiter) in [("", Some('/')), ("INBOX.", Some('.')), ("", None)] {
        let mut seen: HashMap<String, Vec<String>> = HashMap::new();
        for wire in text.lines() {
            let name = mutf7::decode(wire).unwrap_or_else(|| wire.to_string());
            let path = names::split_server_name(&name, prefix, delimiter);
            let Some(local) = names::maildir_name(&path) else {
                continue;
            };
            assert!(!local.contains('/') && !local.contains('\0'), "{local:?}");
            assert!(local.is_empty() || local.starts_with('.'), "{local:?}");
            assert!(local != "." && local != "..", "{local:?}");
            let joined = Path::new("/root").join(&local);
            assert!(
                joined.starts_with("/root") && joined.components().count() <= 3,
                "{local:?} leaves the root"
            );
            assert_eq!(
                names::path_of_maildir_name(&local).as_ref(),
                Some(&path),
                "{local:?} does not map back"
            );
            if let Some(other) = seen.insert(local.clone(), path.clone()) {
                assert_eq!(other, path, "two folders share {local:?}");
            }
        }
    }
}

/// A Maildir file name: the flags read from it are written back the same.
pub fn maildir_file_name(data: &[u8]) {
    let name = String::from_utf8_lossy(data);
    let (unique, info) = split_info(&name);
    assert!(unique.len() + info.len() <= name.len());
    let flags = Flags::from_info(info);
    assert_eq!(Flags::from_info(&flags.info()), flags);
}

/// A config file: parsed, or refused with an error; never a panic.
pub fn config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::config::parse(Path::new("/fuzz/config.toml"), text);
    }
}

#[cfg(test)]
mod tests {
    //! The seeds of each target, run as unit tests so the entry points never rot; inputs
    //! the fuzzers found go here too.

    #[test]
    fn imap_seeds() {
        let mut deep = vec![0u8];
        deep.extend(b"* 1 FETCH (BODYSTRUCTURE ");
        deep.extend(b"(".repeat(2000));
        deep.extend(b")".repeat(2000));
        deep.extend(b")\r\n");
        for seed in [
            b"\x05* LIST (\\HasNoChildren) \"/\" \"a/b\"\r\n".to_vec(),
            b"\x10* 1 FETCH (UID 7 RFC822.SIZE 3 BODY[] {3}\r\nabc)\r\n".to_vec(),
            b"\x00* 1 FETCH (UID 7 RFC822.SIZE 5000 BODY[] NIL)\r\n".to_vec(),
            // Found by the fuzzer: imap-proto 0.17.0 panicked on 8-bit text right after a
            // response code.
            b"\x00* OK [UIDNEXT 4]\xff\xffVTE]DNEXT \n".to_vec(),
            "\x00* OK [ALERT]\u{e4}rger\r\n".as_bytes().to_vec(),
            // The same behind a quote left open on the line before.
            b"\x00* OK [UI((\"\xffaa\r\n* OK [UIDNEXT 4]\xff\xff EAD\r\n".to_vec(),
            b"\x03((\"INBOX.\" \".\")) NIL NIL".to_vec(),
            deep,
        ] {
            super::imap_response(&seed);
        }
    }

    #[test]
    fn pop3_seeds() {
        for seed in [
            &b"\x01\x02line\r\n..stuffed\r\n.\r\nRETR"[..],
            b"\x00\x00.\r\n",
            b"\xff\x07no end",
        ] {
            super::pop3_block(seed);
        }
    }

    #[test]
    fn name_file_and_config_seeds() {
        super::folder_names(b"INBOX\nINBOX.Sent\n../../etc\n/abs\na/../b\n&AOQ-rger\n.\n..");
        super::maildir_file_name(b"1700000000.M1P2.host:2,FRSx");
        super::maildir_file_name(b"no-info");
        super::config(b"[accounts.a]\nprotocol = \"imap\"\nhost = 1\n");
        super::config(b"max_message_size = \"9999999999999999999G\"");
    }
}

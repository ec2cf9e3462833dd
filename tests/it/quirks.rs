//! Server quirks beyond Dovecot's and Courier's, played by the scripted IMAP server: each
//! is what a real server does (named in the test), and mailx must fetch all there is,
//! once, and say nothing alarming.

use crate::common::fake_imap::{Action, FakeImap, ImapScript};
use crate::common::*;

fn bodies() -> Vec<Vec<u8>> {
    (1..=3)
        .map(|n| {
            String::from_utf8_lossy(&message(n, "quirk"))
                .replace('\n', "\r\n")
                .into_bytes()
        })
        .collect()
}

/// Local folders (Maildir++ names) after `mailx fetch` with `folders = ["*"]`.
fn fetch_all(script: ImapScript) -> (std::process::Output, Vec<String>, Client) {
    let fake = FakeImap::start(script);
    let c = Client::new();
    c.write_config(&fake.account("q", &c.maildir("q"), "folders = [\"*\"]"));
    let out = c.mailx(&["--json", "fetch"]);
    let mut local: Vec<String> = std::fs::read_dir(c.maildir("q"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    local.sort();
    (out, local, c)
}

fn dot_folders() -> Vec<Vec<u8>> {
    vec![b"INBOX.Sent".to_vec(), b"INBOX.Archive.2024".to_vec()]
}

/// A server with the "INBOX." layout that has no NAMESPACE: the prefix is inferred from
/// the listing, so folders are not stored as ".INBOX.Sent".
#[test]
fn an_inbox_rooted_server_without_namespace() {
    let (out, local, _) = fetch_all(ImapScript {
        messages: bodies(),
        folders: dot_folders(),
        separator: Some('.'),
        ..Default::default()
    });
    assert_ok(&out);
    assert_eq!(local, [".Archive.2024", ".Sent"]);
}

/// GNU Mailutils 3.15: `LIST "" "*"` gives INBOX alone, the folders come to `INBOX.*`.
/// mailx used to fetch INBOX only and say nothing.
#[test]
fn a_server_whose_star_listing_hides_the_prefixed_folders() {
    let (out, local, _) = fetch_all(ImapScript {
        messages: bodies(),
        folders: dot_folders(),
        separator: Some('.'),
        namespace: Some("((\"INBOX.\" \".\")) NIL NIL"),
        star_lists_inbox_only: true,
        ..Default::default()
    });
    assert_ok(&out);
    assert_eq!(local, [".Archive.2024", ".Sent"]);
    assert_eq!(json_of(&out, "q")["downloaded"], 9);
}

/// \Noselect and \NonExistent entries are not folders to open; names that need quoting
/// (spaces, quotes, backslashes) and modified UTF-7 are stored under their decoded names.
#[test]
fn unselectable_entries_and_names_that_need_quoting() {
    let (out, local, _) = fetch_all(ImapScript {
        messages: bodies(),
        folders: vec![
            b"with space".to_vec(),
            b"say \\\"hi\\\"".to_vec(),
            b"back\\\\slash".to_vec(),
            b"Entw&APw-rfe".to_vec(),
        ],
        list_lines: vec![
            b"* LIST (\\Noselect) \"/\" \"Shared\"\r\n".to_vec(),
            b"* LIST (\\NonExistent) \"/\" \"Gone\"\r\n".to_vec(),
            // A name sent as a literal (a server's choice for any name, RFC 3501 §4.3).
            b"* LIST () \"/\" {12}\r\nas a literal\r\n".to_vec(),
        ],
        ..Default::default()
    });
    assert_ok(&out);
    assert_eq!(
        local,
        [
            ".Entwürfe",
            ".as a literal",
            ".back%5Cslash",
            ".say \"hi\"",
            ".with space"
        ]
    );
}

/// An empty mailbox: nothing to do, exit 0, and `check` says "no new mail" (1).
#[test]
fn an_empty_mailbox() {
    let fake = FakeImap::start(ImapScript::default());
    let c = Client::new();
    c.write_config(&fake.account("q", &c.maildir("q"), ""));
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    assert_eq!(json_of(&out, "q")["downloaded"], 0);
    assert_eq!(c.mailx(&["check"]).status.code(), Some(1));
}

/// Untagged EXPUNGE and EXISTS in the middle of the body FETCH (RFC 3501 §7.4.1 allows
/// them during UID commands): every message still arrives once.
#[test]
fn untagged_expunge_and_exists_during_a_fetch() {
    let fake = FakeImap::start(ImapScript {
        messages: bodies(),
        fault: Some((
            "BODY",
            Action::Before(b"* 3 EXPUNGE\r\n* 4 EXISTS\r\n* 2 FETCH (FLAGS (\\Seen))\r\n".to_vec()),
        )),
        ..Default::default()
    });
    let c = Client::new();
    c.write_config(&fake.account("q", &c.maildir("q"), ""));
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    assert_eq!(json_of(&out, "q")["downloaded"], 3);
    let again = c.mailx(&["--json", "fetch"]);
    assert_ok(&again);
    assert_eq!(json_of(&again, "q")["downloaded"], 0);
    assert_eq!(
        sorted(local_messages(&c.maildir("q"), "")),
        sorted(
            bodies()
                .iter()
                .map(|b| String::from_utf8_lossy(b)
                    .replace("\r\n", "\n")
                    .into_bytes())
                .collect()
        )
    );
}

/// SELECT without UIDVALIDITY (RFC 3501 requires it; some appliances omit it): not an
/// error for ever, but a folder whose UIDs hold for one session only. Each run finds the
/// stored messages again by content: three runs, each message once.
#[test]
fn a_server_without_uidvalidity() {
    let fake = FakeImap::start(ImapScript {
        messages: bodies(),
        no_uidvalidity: true,
        ..Default::default()
    });
    let c = Client::new();
    c.write_config(&fake.account("q", &c.maildir("q"), ""));
    for (run, want) in [(1, 3), (2, 0), (3, 0)] {
        let out = c.mailx(&["--json", "fetch"]);
        assert_ok(&out);
        assert_eq!(
            json_of(&out, "q")["downloaded"],
            want,
            "run {run}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("no UIDVALIDITY"), "{}", stderr(&out));
    }
    assert_eq!(local_messages(&c.maildir("q"), "").len(), 3);
    assert_eq!(c.mailx(&["check"]).status.code(), Some(1), "no new mail");
}

/// LOGINDISABLED (RFC 3501 §6.2.3) on a connection without TLS and no AUTH=PLAIN: the
/// password is never sent; the error says to use TLS (exit 77).
#[test]
fn logindisabled_is_honoured() {
    let fake = FakeImap::start(ImapScript {
        messages: bodies(),
        fault: Some((
            "greeting",
            Action::Replace(b"* OK [CAPABILITY IMAP4rev1 LOGINDISABLED STARTTLS] hi\r\n".to_vec()),
        )),
        ..Default::default()
    });
    let c = Client::new();
    c.write_config(&fake.account("q", &c.maildir("q"), ""));
    let out = c.mailx(&["fetch"]);
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert!(stderr(&out).contains("LOGINDISABLED"), "{}", stderr(&out));
    let sent = fake.record.lock().unwrap().commands.clone();
    assert!(
        !sent
            .iter()
            .any(|c| c.to_ascii_uppercase().contains("LOGIN")),
        "{sent:?}"
    );
}

/// POP3: a server that lists SASL PLAIN and then refuses it (disabled for the user) gets
/// USER/PASS, which it also offers (RFC 2449 USER capability).
#[test]
fn pop3_auth_plain_refused_falls_back_to_user_pass() {
    use crate::common::fake_pop3::{FakeMessage, FakePop3, Script};
    let fake = FakePop3::start(Script {
        messages: vec![FakeMessage {
            uidl: "one".into(),
            body: message(1, "fallback"),
            ..Default::default()
        }],
        sasl_plain_refused: true,
        ..Default::default()
    });
    let c = Client::new();
    c.write_config(&fake.account("p", &c.maildir("p"), ""));
    assert_ok(&c.mailx(&["fetch"]));
    assert_eq!(local_messages(&c.maildir("p"), "").len(), 1);
    let sent = fake.record.lock().unwrap().commands.clone();
    let verbs: Vec<&str> = sent
        .iter()
        .filter_map(|c| c.split_whitespace().next())
        .filter(|v| ["AUTH", "USER", "PASS"].contains(v))
        .collect();
    assert_eq!(verbs, ["AUTH", "USER", "PASS"], "{sent:?}");
}

//! The same tests against both server implementations, Dovecot and Courier (each with
//! its "INBOX." layout): one definition, a server parameter.

use crate::common::*;

/// Every message file under a Maildir root, any folder.
fn local_count(root: &std::path::Path) -> usize {
    let mut n = 0;
    let mut dirs = vec![root.to_path_buf()];
    while let Some(d) = dirs.pop() {
        n += read_maildir(&d).len();
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() && e.file_name().to_string_lossy().starts_with('.') {
                dirs.push(e.path());
            }
        }
    }
    n
}

/// Messages that real mailboxes hold and that servers serve differently: stored with
/// CRLF, without a header/body separator, with raw 8-bit headers, with no headers.
fn messy() -> Vec<Vec<u8>> {
    vec![
        b"From: a@example.org\r\nSubject: stored with CRLF\r\nMessage-ID: <crlf@x>\r\n\r\nbody\r\n"
            .to_vec(),
        b"From: a@example.org\nSubject: no separator\nMessage-ID: <nosep@x>".to_vec(),
        "From: J\u{f6}rg <j@example.org>\nSubject: Gr\u{fc}\u{df}e aus K\u{f6}ln\nMessage-ID: <8bit@x>\n\n8-bit headers\n"
            .as_bytes()
            .to_vec(),
        b"just a body, no headers at all\n".to_vec(),
    ]
}

/// 1,000 messages in five folders (and the messy ones in INBOX), fetched three times over
/// IMAPS with every folder: the same files after each run, nothing downloaded twice.
#[test]
fn an_all_folder_imap_fetch_is_stable_over_three_runs() {
    for server in both_servers() {
        let s = server.as_ref();
        let user = s.dot_user();
        let folders = ["", ".Sent", ".Archive", ".Archive.2024", ".Drafts"];
        for (i, f) in folders.iter().enumerate() {
            let bodies: Vec<Vec<u8>> = (0..200).map(|n| message(i * 1000 + n, "stable")).collect();
            s.add_messages(
                &user,
                f,
                &bodies,
                if i.is_multiple_of(2) { "S" } else { "" },
            );
        }
        s.add_messages(&user, "", &messy(), "");
        let total = 1000 + messy().len();
        let c = Client::new();
        c.write_config(&account("c", s, "imap", &user, &c, "folders = [\"*\"]"));
        for run in 1..=3 {
            let out = c.mailx(&["--json", "fetch"]);
            assert_ok(&out);
            let j = json_of(&out, "c");
            let expected = if run == 1 { total } else { 0 };
            assert_eq!(
                j["downloaded"].as_u64(),
                Some(expected as u64),
                "{} run {run}: {}",
                s.label(),
                stderr(&out)
            );
            assert!(
                !stderr(&out).contains("UIDVALIDITY"),
                "{} run {run}: {}",
                s.label(),
                stderr(&out)
            );
            let files = local_count(&c.maildir("c"));
            eprintln!("{}: run {run}: {files} files", s.label());
            assert_eq!(files, total, "{} run {run}", s.label());
        }
    }
}

/// IMAP over STARTTLS, POP3 over STLS with `keep` and with `keep = false`.
#[test]
fn starttls_imap_and_pop3_keep_and_delete() {
    for server in both_servers() {
        let s = server.as_ref();
        let user = s.dot_user();
        let sent: Vec<Vec<u8>> = (0..5).map(|n| message(n, "tls")).collect();
        s.add_messages(&user, "", &sent, "");
        let c = Client::new();
        let imap = AccountToml::new("i", s, "imap", &user, &c).starttls(s);
        let pop = AccountToml::new("p", s, "pop3", &user, &c).starttls(s);
        c.write_config(&format!("{}\n{}", imap.toml(), pop.toml()));
        let out = c.mailx(&["--json", "fetch"]);
        assert_ok(&out);
        assert_eq!(json_of(&out, "i")["downloaded"], 5, "{}", s.label());
        assert_eq!(json_of(&out, "p")["downloaded"], 5, "{}", s.label());
        assert_eq!(
            sorted(local_messages(&c.maildir("p"), "")),
            sorted(sent.clone())
        );
        let out = c.mailx(&["--json", "fetch"]);
        assert_ok(&out);
        assert_eq!(json_of(&out, "p")["downloaded"], 0, "{}", s.label());
        assert_eq!(s.server_messages(&user, "").len(), 5);

        let c2 = Client::new();
        let pop = AccountToml::new("p", s, "pop3", &user, &c2)
            .starttls(s)
            .extra("keep = false");
        c2.write_config(&pop.toml());
        let out = c2.mailx(&["--json", "fetch"]);
        assert_ok(&out);
        assert_eq!(json_of(&out, "p")["deleted_on_server"], 5, "{}", s.label());
        assert!(settles_empty(s, &user, ""), "{}", s.label());
        assert_eq!(sorted(local_messages(&c2.maildir("p"), "")), sorted(sent));
    }
}

/// Raw UTF-8 in From: and Subject: arrives byte for byte over POP3 (Courier wraps such
/// messages unless the client sends UTF8 first, RFC 6856) and over IMAP.
#[test]
fn eight_bit_headers_arrive_byte_for_byte() {
    for server in both_servers() {
        let s = server.as_ref();
        let user = s.dot_user();
        let m = messy()[2].clone();
        s.add_messages(&user, "", std::slice::from_ref(&m), "");
        for protocol in ["pop3", "imap"] {
            let c = Client::new();
            c.write_config(&account("a", s, protocol, &user, &c, ""));
            assert_ok(&c.mailx(&["fetch"]));
            assert_eq!(
                local_messages(&c.maildir("a"), ""),
                vec![m.clone()],
                "{} {protocol}",
                s.label()
            );
        }
    }
}

/// check: 0 with new mail, 1 without, on both servers and both protocols.
#[test]
fn check_answers_new_mail_and_none() {
    for server in both_servers() {
        let s = server.as_ref();
        let user = s.dot_user();
        s.add_messages(&user, "", &[message(1, "chk")], "");
        for protocol in ["imap", "pop3"] {
            let c = Client::new();
            c.write_config(&account("a", s, protocol, &user, &c, ""));
            let code = |args: &[&str]| c.mailx(args).status.code();
            assert_eq!(code(&["check"]), Some(0), "{} {protocol}", s.label());
            assert_ok(&c.mailx(&["fetch"]));
            assert_eq!(code(&["check"]), Some(1), "{} {protocol}", s.label());
        }
    }
}

/// Messy messages through sync, then the state lost (and the folder renumbered): the next
/// syncs pair every message by content on both servers, so nothing is uploaded or
/// downloaded twice.
#[test]
fn messy_messages_survive_lost_state_without_duplicates() {
    for server in both_servers() {
        let s = server.as_ref();
        let user = s.dot_user();
        let mut on_server = messy();
        on_server.push(message(1, "plain"));
        s.add_messages(&user, "", &on_server, "");
        let c = Client::new();
        c.write_config(&account("a", s, "imap", &user, &c, ""));
        assert_ok(&c.mailx(&["sync"]));
        let count = |c: &Client| {
            (
                s.server_messages(&user, "").len(),
                local_messages(&c.maildir("a"), "").len(),
            )
        };
        assert_eq!(count(&c), (5, 5), "{}", s.label());
        std::fs::remove_dir_all(c.dir.path().join("state")).unwrap();
        for run in 1..=2 {
            let out = c.mailx(&["--json", "sync"]);
            assert_ok(&out);
            let j = json_of(&out, "a");
            assert_eq!(
                (j["uploaded"].as_u64(), j["downloaded"].as_u64()),
                (Some(0), Some(0)),
                "{} run {run}: {}",
                s.label(),
                stderr(&out)
            );
            assert_eq!(count(&c), (5, 5), "{} run {run}", s.label());
        }
    }
}

/// status: per folder, the server's messages, unread and bytes next to the Maildir's; no
/// quota line where the server reports none (Courier announces QUOTA with an empty root).
#[test]
fn status_counts_what_the_server_holds() {
    for server in both_servers() {
        let s = server.as_ref();
        let user = s.dot_user();
        let inbox: Vec<Vec<u8>> = (0..3).map(|i| message(i, "status")).collect();
        s.add_messages(&user, "", &inbox[..1], "S");
        s.add_messages(&user, "", &inbox[1..], "");
        s.add_messages(&user, ".Sent", &[message(9, "sent")], "S");
        let c = Client::new();
        c.write_config(&account("a", s, "imap", &user, &c, "folders = [\"*\"]"));
        assert_ok(&c.mailx(&["fetch"]));
        let out = c.mailx(&["--json", "status"]);
        assert_ok(&out);
        let j = json_of(&out, "a");
        let crlf = |b: &Vec<u8>| (b.len() + b.iter().filter(|&&x| x == b'\n').count()) as u64;
        let bytes: u64 = inbox.iter().map(crlf).sum::<u64>() + crlf(&message(9, "sent"));
        assert_eq!(j["server"]["messages"], 4, "{}: {j}", s.label());
        assert_eq!(
            j["server"]["bytes"].as_u64(),
            Some(bytes),
            "{}: {j}",
            s.label()
        );
        let folders = j["folders"].as_array().unwrap();
        let row = folders.iter().find(|f| f["name"] == "INBOX").unwrap();
        assert_eq!(
            (row["messages"].as_u64(), row["unseen"].as_u64()),
            (Some(3), Some(2)),
            "{}: {j}",
            s.label()
        );
        assert_eq!(j["local"]["messages"], 4, "{}: {j}", s.label());
        assert!(j["server"]["quota"].is_null(), "{}: {j}", s.label());
    }
}

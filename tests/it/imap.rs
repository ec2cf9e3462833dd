//! IMAP fetch against a real Dovecot, in both namespace layouts, and against Courier (its
//! "INBOX." layout) from the same definitions.

use crate::common::*;

/// Seeds INBOX, Sent, Archive/2024 and a non-ASCII folder; returns (local folder, bodies).
fn seed_folders(dc: &dyn MailServer, user: &str) -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let non_ascii = if dc.fs_name_utf8() {
        ".Entwürfe"
    } else {
        ".Entw&APw-rfe"
    };
    let folders = [
        ("", ""),
        (".Sent", ".Sent"),
        (".Archive.2024", ".Archive.2024"),
        (non_ascii, ".Entwürfe"),
    ];
    let mut out = Vec::new();
    for (k, (server_fs, local)) in folders.iter().enumerate() {
        let mut bodies = Vec::new();
        for i in 0..(k + 1) {
            let m = message(k * 10 + i, "imap");
            let flags = if i == 0 { "S" } else { "" };
            dc.add_messages(user, server_fs, std::slice::from_ref(&m), flags);
            bodies.push(m);
        }
        out.push((*local, bodies));
    }
    out
}

fn all_folders_fetched(dc: &dyn MailServer, user: &str) {
    let expected = seed_folders(dc, user);
    let c = Client::new();
    c.write_config(&account("i", dc, "imap", user, &c, "folders = [\"*\"]"));
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    let j = json_of(&out, "i");
    assert_eq!(j["downloaded"], 10, "{j}");
    for (local, bodies) in &expected {
        assert_eq!(
            sorted(local_messages(&c.maildir("i"), local)),
            sorted(bodies.clone()),
            "folder {local:?}"
        );
        // \Seen became the S info flag; the others are unflagged in new/.
        let dir = if local.is_empty() {
            c.maildir("i")
        } else {
            c.maildir("i").join(local)
        };
        let seen = read_maildir(&dir)
            .iter()
            .filter(|(n, _)| n.ends_with(":2,S"))
            .count();
        assert_eq!(seen, 1, "{local:?}");
    }
    // Fetch is read-only on the server: no new \Seen flags.
    let flags = dc.server_flags(user, "");
    assert_eq!(
        flags.iter().filter(|f| f.contains('S')).count(),
        1,
        "{flags:?}"
    );

    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    assert_eq!(json_of(&out, "i")["downloaded"], 0);
    let m = message(500, "new");
    dc.add_messages(user, ".Sent", std::slice::from_ref(&m), "");
    let out = c.mailx(&["--json", "fetch"]);
    assert_eq!(json_of(&out, "i")["downloaded"], 1);
    assert!(local_messages(&c.maildir("i"), ".Sent").contains(&m));
}

#[test]
fn slash_layout_without_prefix() {
    all_folders_fetched(&Dovecot::start(), SLASH_USER);
}

#[test]
fn inbox_dot_prefix_layout() {
    for server in both_servers() {
        all_folders_fetched(server.as_ref(), &server.dot_user());
    }
}

#[test]
fn folder_patterns_in_server_form_select_the_same_folders() {
    let dc = Dovecot::start();
    seed_folders(&dc, DOT_USER);
    let c = Client::new();
    c.write_config(&account(
        "i",
        &dc,
        "imap",
        DOT_USER,
        &c,
        "folders = [\"INBOX\", \"INBOX.Archive.*\"]",
    ));
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    let j = json_of(&out, "i");
    let names: Vec<&str> = j["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["local"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["", ".Archive.2024"], "{j}");
    assert!(!c.maildir("i").join(".Sent").exists());
}

#[test]
fn uidvalidity_change_downloads_only_really_new_messages() {
    let dc = Dovecot::start();
    let first: Vec<_> = (0..3).map(|i| message(i, "uv")).collect();
    for m in &first {
        dc.add_message(SLASH_USER, "", m, "");
    }
    let c = Client::new();
    c.write_config(&account("i", &dc, "imap", SLASH_USER, &c, ""));
    assert_ok(&c.mailx(&["fetch"]));
    dc.doveadm(&[
        "mailbox",
        "update",
        "-u",
        SLASH_USER,
        "--uid-validity",
        "424242",
        "INBOX",
    ]);
    let extra = message(9, "after");
    dc.add_message(SLASH_USER, "", &extra, "");
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    assert_eq!(json_of(&out, "i")["downloaded"], 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("UIDVALIDITY"), "{}", stderr(&out));
    let mut all = first;
    all.push(extra);
    assert_eq!(sorted(local_messages(&c.maildir("i"), "")), sorted(all));
    let out = c.mailx(&["--json", "fetch"]);
    assert_eq!(json_of(&out, "i")["downloaded"], 0);
}

#[test]
fn large_message_and_keep_false() {
    let mut big = b"From: a@example.org\nSubject: big\n\n".to_vec();
    let mut i = 0u64;
    while big.len() < 8 * 1024 * 1024 {
        big.extend_from_slice(format!("{i} line of a large message .\n..\n").as_bytes());
        i += 1;
    }
    let small = message(1, "small");
    for server in both_servers() {
        let dc = server.as_ref();
        let user = dc.dot_user();
        dc.add_messages(&user, "", &[big.clone(), small.clone()], "");
        let c = Client::new();
        c.write_config(&account("i", dc, "imap", &user, &c, "keep = false"));
        let out = c.mailx(&["--json", "fetch"]);
        assert_ok(&out);
        assert_eq!(json_of(&out, "i")["deleted_on_server"], 2, "{}", dc.label());
        assert_eq!(
            sorted(local_messages(&c.maildir("i"), "")),
            sorted(vec![big.clone(), small.clone()])
        );
        assert!(dc.server_messages(&user, "").is_empty(), "{}", dc.label());
    }
}

#[test]
fn starttls_on_the_plain_port() {
    for server in both_servers() {
        let dc = server.as_ref();
        let user = dc.dot_user();
        let m = message(1, "stls");
        dc.add_messages(&user, "", std::slice::from_ref(&m), "");
        let c = Client::new();
        let acc = AccountToml::new("i", dc, "imap", &user, &c)
            .starttls(dc)
            .toml();
        c.write_config(&acc);
        assert_ok(&c.mailx(&["fetch"]));
        assert_eq!(
            local_messages(&c.maildir("i"), ""),
            vec![m],
            "{}",
            dc.label()
        );
    }
}

#[test]
fn a_message_the_server_cannot_send_does_not_stop_the_folder() {
    let dc = Dovecot::start();
    for i in 0..5 {
        dc.add_message(SLASH_USER, "", &message(i, "bad"), "");
    }
    // Dovecot answers the FETCH with BYE and closes the connection.
    dc.set_message_mode(SLASH_USER, "", "Subject: bad 2", 0);
    let c = Client::new();
    c.write_config(&account("a", &dc, "imap", SLASH_USER, &c, ""));
    let out = c.mailx(&["--json", "fetch"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not send 1 message"),
        "{}",
        stderr(&out)
    );
    let local = local_messages(&c.maildir("a"), "");
    assert_eq!(local.len(), 4);
    assert!(!local.contains(&message(2, "bad")));
    // Readable again: the next run gets exactly the one that was missing.
    dc.set_message_mode(SLASH_USER, "", "Subject: bad 2", 0o644);
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    assert_eq!(json_of(&out, "a")["downloaded"], 1);
    assert_eq!(
        sorted(local_messages(&c.maildir("a"), "")),
        sorted((0..5).map(|i| message(i, "bad")).collect())
    );
}

//! `mailx migrate`: POP3 to IMAP with local folders, messages already on the server (a
//! POP3 account's kept copies), messages deleted from the server since, duplicate and
//! missing Message-IDs and messy messages; killed at every durable step and resumed; and
//! IMAP to POP3 with nothing fetched twice.

use crate::common::*;

/// Bytes as the server stores an uploaded message (CRLF line ends become LF on disk).
fn same(a: &[u8], b: &[u8]) -> bool {
    let strip = |x: &[u8]| -> Vec<u8> { x.iter().copied().filter(|&c| c != b'\r').collect() };
    strip(a) == strip(b)
}

struct World<'a> {
    dc: &'a Dovecot,
    user: String,
    c: Client,
    /// Every message the server must end with, by server folder on disk ("" = INBOX).
    expected: Vec<(&'static str, Vec<u8>, &'static str)>,
}

/// A POP3 account (keep = true) that fetched 12 messages; 3 of them deleted from the
/// server since; local folders Sent (a duplicate and a missing Message-ID) and Archive
/// (messy messages); a local-only INBOX message; one message flagged locally.
fn pop3_world(dc: &Dovecot) -> World<'_> {
    let user = dc.add_user(false);
    let inbox: Vec<Vec<u8>> = (0..12).map(|i| message(i, "kept")).collect();
    dc.add_messages(&user, "", &inbox, "");
    let c = Client::new();
    c.write_config(&format!(
        "# my mail\n{}",
        AccountToml::new("a", dc, "pop3", &user, &c).toml()
    ));
    assert_ok(&c.mailx(&["fetch"]));
    // Three messages gone from the server (another client deleted them): only local now.
    for i in 0..3 {
        let out = dc.doveadm(&[
            "expunge",
            "-u",
            &user,
            "mailbox",
            "INBOX",
            "HEADER",
            "Message-ID",
            &format!("<{i}.kept@example.org>"),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let root = c.maildir("a");
    let put = |folder: &str, name: &str, body: &[u8]| {
        let dir = root.join(folder);
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        std::fs::write(dir.join("cur").join(name), body).unwrap();
    };
    let dup_a = b"From: a@x\nSubject: dup a\nMessage-ID: <same@x>\n\nfirst\n".to_vec();
    let dup_b = b"From: a@x\nSubject: dup b\nMessage-ID: <same@x>\n\nsecond\n".to_vec();
    let no_id = b"From: a@x\nSubject: no id\n\nno message-id here\n".to_vec();
    let no_sep = b"From: a@x\nSubject: no separator".to_vec();
    let eight_bit =
        "From: J\u{f6}rg <j@x>\nSubject: Gr\u{fc}\u{df}e\nMessage-ID: <8@x>\n\n\u{e4}\n"
            .as_bytes()
            .to_vec();
    let crlf = b"From: a@x\r\nSubject: crlf\r\nMessage-ID: <crlf@x>\r\n\r\nbody\r\n".to_vec();
    let local_only = message(99, "local");
    put(".Sent", "1.L1.h:2,S", &dup_a);
    put(".Sent", "2.L2.h:2,S", &dup_b);
    put(".Sent", "3.L3.h:2,S", &no_id);
    put(".Archive", "4.L4.h:2,", &no_sep);
    put(".Archive", "5.L5.h:2,S", &eight_bit);
    put(".Archive", "6.L6.h:2,RS", &crlf);
    put("", "7.L7.h:2,FS", &local_only);
    let mut expected: Vec<(&str, Vec<u8>, &str)> = inbox.into_iter().map(|m| ("", m, "")).collect();
    expected.push(("", local_only, "FS"));
    expected.extend([
        (".Sent", dup_a, "S"),
        (".Sent", dup_b, "S"),
        (".Sent", no_id, "S"),
        (".Archive", no_sep, ""),
        (".Archive", eight_bit, "S"),
        (".Archive", crlf, "RS"),
    ]);
    World {
        dc,
        user,
        c,
        expected,
    }
}

/// `mailx migrate a --to imap` on the world's server, with `env`.
fn to_imap(w: &World, env: &[(&str, &str)]) -> std::process::Output {
    w.c.mailx_env(
        &[
            "migrate",
            "a",
            "--to",
            "imap",
            "--port",
            &w.dc.imaps.to_string(),
        ],
        env,
    )
}

/// Each expected message on the server exactly once, in its folder, nothing else.
fn assert_server_has_each_once(w: &World) {
    let mut folders: Vec<&str> = w.expected.iter().map(|(f, _, _)| *f).collect();
    folders.dedup();
    for folder in folders {
        let on_server = w.dc.server_messages(&w.user, folder);
        let want: Vec<&Vec<u8>> = w
            .expected
            .iter()
            .filter(|(f, _, _)| *f == folder)
            .map(|(_, m, _)| m)
            .collect();
        assert_eq!(on_server.len(), want.len(), "folder {folder:?}");
        for m in &want {
            let copies = on_server.iter().filter(|s| same(s, m)).count();
            assert_eq!(copies, 1, "{folder:?}: {}", String::from_utf8_lossy(m));
        }
    }
}

#[test]
fn pop3_to_imap_uploads_what_the_server_lacks_once_with_flags() {
    let dc = Dovecot::start();
    let w = pop3_world(&dc);
    let before = std::fs::read_to_string(w.c.config_path()).unwrap();
    let dry = w.c.mailx(&[
        "migrate",
        "a",
        "--to",
        "imap",
        "--port",
        &w.dc.imaps.to_string(),
        "--dry-run",
    ]);
    assert_ok(&dry);
    assert_eq!(std::fs::read_to_string(w.c.config_path()).unwrap(), before);
    assert_eq!(
        w.dc.server_messages(&w.user, "").len(),
        9,
        "a dry run uploads nothing"
    );

    assert_ok(&to_imap(&w, &[]));
    assert_server_has_each_once(&w);
    // Flags travelled with the uploads.
    let flags_of = |folder: &str, body: &[u8]| {
        read_maildir(&w.dc.folder_dir(&w.user, folder))
            .into_iter()
            .find(|(_, b)| same(b, body))
            .and_then(|(name, _)| name.split_once(":2,").map(|(_, f)| f.to_string()))
            .unwrap_or_default()
    };
    for (folder, body, flags) in &w.expected {
        if !flags.is_empty() {
            assert_eq!(&flags_of(folder, body), flags, "{folder:?}");
        }
    }
    // Only the account's table changed; the old settings are comments above it.
    let after = std::fs::read_to_string(w.c.config_path()).unwrap();
    assert!(after.contains("\n# my mail\n"), "{after}");
    assert!(after.contains("# protocol = \"pop3\""), "{after}");
    assert!(after.contains("protocol = \"imap\"\n"), "{after}");
    assert!(
        after.contains(&format!("port = {}\n", w.dc.imaps)),
        "{after}"
    );
    // The next sync has nothing to do, and nothing was duplicated locally either.
    let again = w.c.mailx(&["--json", "sync"]);
    assert_ok(&again);
    let j = json_of(&again, "a");
    for k in [
        "downloaded",
        "uploaded",
        "deleted_local",
        "deleted_on_server",
    ] {
        assert_eq!(j[k], 0, "{k}: {j}");
    }
    let local = read_maildir(&w.c.maildir("a"));
    assert_eq!(
        local.len(),
        13,
        "INBOX: 12 fetched + 1 local-only, no copy twice"
    );
    assert_server_has_each_once(&w);
}

#[test]
fn pop3_to_imap_killed_at_every_step_and_resumed() {
    // How many durable steps a clean migration takes.
    let dc = Dovecot::start();
    let w = pop3_world(&dc);
    let mut steps = 0;
    for n in 1..200 {
        let out = to_imap(&w, &[("MAILX_TEST_CRASH_AFTER", &n.to_string())]);
        if out.status.success() {
            steps = n;
            break;
        }
    }
    assert!(steps > 5, "a migration has durable steps: {steps}");
    drop(w);
    let mut resumed = 0;
    for n in 1..steps {
        let w = pop3_world(&dc);
        let crashed = to_imap(&w, &[("MAILX_TEST_CRASH_AFTER", &n.to_string())]);
        assert!(!crashed.status.success(), "step {n} of {steps}");
        let config = std::fs::read_to_string(w.c.config_path()).unwrap();
        assert!(
            config.contains("protocol = \"pop3\""),
            "switched only at the end"
        );
        assert_ok(&to_imap(&w, &[]));
        assert_server_has_each_once(&w);
        resumed += 1;
    }
    eprintln!(
        "migration killed at {resumed} of its {steps} durable steps and resumed: each message on the server once"
    );
}

#[test]
fn imap_to_pop3_fetches_nothing_twice() {
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    dc.add_messages(
        &user,
        "",
        &(0..15).map(|i| message(i, "imap")).collect::<Vec<_>>(),
        "",
    );
    let c = Client::new();
    c.write_config(&AccountToml::new("a", &dc, "imap", &user, &c).toml());
    assert_ok(&c.mailx(&["sync"]));
    let out = c.mailx(&[
        "migrate",
        "a",
        "--to",
        "pop3",
        "--port",
        &dc.pop3s.to_string(),
    ]);
    assert_ok(&out);
    let config = std::fs::read_to_string(c.config_path()).unwrap();
    assert!(
        config.contains("protocol = \"pop3\"\n") && config.contains("keep = true\n"),
        "{config}"
    );
    let next = c.mailx(&["--json", "fetch"]);
    assert_ok(&next);
    assert_eq!(json_of(&next, "a")["downloaded"], 0);
    assert_eq!(local_messages(&c.maildir("a"), "").len(), 15);
    // New mail after the switch comes down once.
    dc.add_messages(&user, "", &[message(100, "after")], "");
    let next = c.mailx(&["--json", "fetch"]);
    assert_eq!(json_of(&next, "a")["downloaded"], 1);
    assert_eq!(local_messages(&c.maildir("a"), "").len(), 16);
    // keep = false is warned about.
    let c2 = Client::new();
    c2.write_config(&AccountToml::new("b", &dc, "imap", &user, &c2).toml());
    assert_ok(&c2.mailx(&["sync"]));
    let port = dc.pop3s.to_string();
    let out = c2.mailx(&[
        "migrate",
        "b",
        "--to",
        "pop3",
        "--port",
        &port,
        "--keep",
        "false",
        "--dry-run",
    ]);
    assert_ok(&out);
    assert!(
        stderr(&out).contains("will no longer see it"),
        "{}",
        stderr(&out)
    );
}

/// A batch of uploads goes as one MULTIAPPEND on Dovecot; the server refuses one message
/// (over quota): the batch is retried one by one, so only that message is left out.
#[test]
fn a_refused_message_does_not_sink_its_upload_batch() {
    let dc = Dovecot::start_with(Options {
        quota: Some("20k"),
        ..Options::default()
    });
    let user = dc.add_user(false);
    let c = Client::new();
    c.write_config(&AccountToml::new("a", &dc, "imap", &user, &c).toml());
    assert_ok(&c.mailx(&["sync"]));
    let cur = c.maildir("a").join("cur");
    let mut bodies = Vec::new();
    for i in 0..6 {
        let mut body = message(i, "batch");
        if i == 3 {
            body.extend_from_slice(
                "a line of forty bytes to go over quota\n"
                    .repeat(1000)
                    .as_bytes(),
            );
        }
        std::fs::write(cur.join(format!("170000000{i}.B{i}.h:2,S")), &body).unwrap();
        bodies.push(body);
    }
    let out = c.mailx(&["-vv", "--json", "sync"]);
    let log = stderr(&out);
    assert!(
        log.contains("6 messages,"),
        "one MULTIAPPEND for the batch: {log}"
    );
    assert!(log.contains("OVERQUOTA") || log.contains("quota"), "{log}");
    let j = json_of(&out, "a");
    assert_eq!(j["uploaded"], 5, "{j}");
    assert_eq!(out.status.code(), Some(2), "{log}");
    let server = dc.server_messages(&user, "");
    assert_eq!(server.len(), 5);
    for (i, b) in bodies.iter().enumerate() {
        assert_eq!(server.contains(b), i != 3, "message {i}");
    }
    // The refused one is tried again by the next run, and refused again; nothing doubles.
    let again = c.mailx(&["--json", "sync"]);
    assert_eq!(json_of(&again, "a")["uploaded"], 0);
    assert_eq!(dc.server_messages(&user, "").len(), 5);
}

//! POP3 fetch against a real Dovecot.

use crate::common::*;

fn seed(dc: &Dovecot, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let m = message(i, "pop");
            dc.add_message(SLASH_USER, "", &m, "");
            m
        })
        .collect()
}

#[test]
fn keep_leaves_mail_on_server_and_second_run_downloads_nothing() {
    let dc = Dovecot::start();
    let sent = seed(&dc, 3);
    let c = Client::new();
    c.write_config(&account("p", &dc, "pop3", SLASH_USER, &c, ""));
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    let j = json_of(&out, "p");
    assert_eq!(j["downloaded"], 3);
    assert_eq!(j["deleted_on_server"], 0);
    assert_eq!(
        sorted(local_messages(&c.maildir("p"), "")),
        sorted(sent.clone())
    );
    assert_eq!(dc.server_messages(SLASH_USER, "").len(), 3);

    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    assert_eq!(json_of(&out, "p")["downloaded"], 0);

    let extra = message(99, "late");
    dc.add_message(SLASH_USER, "", &extra, "");
    let out = c.mailx(&["--json", "fetch", "p"]);
    assert_ok(&out);
    assert_eq!(json_of(&out, "p")["downloaded"], 1);
    let mut all = sent;
    all.push(extra);
    assert_eq!(sorted(local_messages(&c.maildir("p"), "")), sorted(all));
}

#[test]
fn keep_false_deletes_after_download() {
    let dc = Dovecot::start();
    let sent = seed(&dc, 4);
    let c = Client::new();
    c.write_config(&account("p", &dc, "pop3", SLASH_USER, &c, "keep = false"));
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    let j = json_of(&out, "p");
    assert_eq!(j["downloaded"], 4);
    assert_eq!(j["deleted_on_server"], 4);
    assert_eq!(sorted(local_messages(&c.maildir("p"), "")), sorted(sent));
    assert!(dc.server_messages(SLASH_USER, "").is_empty());
}

#[test]
fn delete_after_days_uses_first_download_time() {
    for server in both_servers() {
        let dc = server.as_ref();
        let user = dc.dot_user();
        let sent: Vec<Vec<u8>> = (0..2).map(|i| message(i, "pop")).collect();
        dc.add_messages(&user, "", &sent, "");
        let c = Client::new();
        c.write_config(&account(
            "p",
            dc,
            "pop3",
            &user,
            &c,
            "delete_after_days = 3",
        ));
        let day = 86_400i64;
        let t0 = 1_900_000_000i64;
        let at = |t: i64| t.to_string();
        let fetch_at = |t: i64| c.mailx_env(&["--json", "fetch"], &[("MAILX_TEST_NOW", &at(t))]);
        let out = fetch_at(t0);
        assert_ok(&out);
        assert_eq!(json_of(&out, "p")["downloaded"], 2, "{}", dc.label());
        // A third message arrives on day 2; on day 3 + 1 s only the first two are old enough.
        let late = message(7, "late");
        dc.add_messages(&user, "", std::slice::from_ref(&late), "");
        let out = fetch_at(t0 + 2 * day);
        assert_eq!(json_of(&out, "p")["downloaded"], 1, "{}", dc.label());
        assert_eq!(json_of(&out, "p")["deleted_on_server"], 0);
        let out = fetch_at(t0 + 3 * day + 1);
        assert_ok(&out);
        let j = json_of(&out, "p");
        assert_eq!(j["downloaded"], 0, "{}", dc.label());
        assert_eq!(j["deleted_on_server"], 2, "{}", dc.label());
        let lf = |b: &Vec<u8>| {
            String::from_utf8_lossy(b)
                .replace("\r\n", "\n")
                .into_bytes()
        };
        let left: Vec<Vec<u8>> = settled(dc, &user, "", 1).iter().map(lf).collect();
        assert_eq!(left, vec![late.clone()], "{}", dc.label());
        let out = fetch_at(t0 + 6 * day);
        assert_eq!(json_of(&out, "p")["deleted_on_server"], 1, "{}", dc.label());
        assert!(settles_empty(dc, &user, ""));
        let mut all = sent;
        all.push(late);
        assert_eq!(sorted(local_messages(&c.maildir("p"), "")), sorted(all));
    }
}

#[test]
fn byte_stuffed_lines_and_large_message_arrive_intact() {
    let dc = Dovecot::start();
    let stuffed =
        b"From: a@example.org\nSubject: dots\n\nline1\n.\n..\n.foo\n...\nlast line\n".to_vec();
    dc.add_message(SLASH_USER, "", &stuffed, "");
    let mut big = b"From: a@example.org\nSubject: big\n\n".to_vec();
    let mut i = 0u64;
    while big.len() < 8 * 1024 * 1024 {
        big.extend_from_slice(
            format!(".{i} line of a large message with some padding text {i:020}\n").as_bytes(),
        );
        i += 1;
    }
    dc.add_message(SLASH_USER, "", &big, "");
    let c = Client::new();
    c.write_config(&account("p", &dc, "pop3", SLASH_USER, &c, ""));
    assert_ok(&c.mailx(&["fetch"]));
    assert_eq!(
        sorted(local_messages(&c.maildir("p"), "")),
        sorted(vec![stuffed, big])
    );
}

#[test]
fn stls_on_the_plain_port() {
    let dc = Dovecot::start();
    let sent = seed(&dc, 2);
    let c = Client::new();
    let acc = AccountToml::new("p", &dc, "pop3", SLASH_USER, &c)
        .starttls(&dc)
        .toml();
    c.write_config(&acc);
    assert_ok(&c.mailx(&["fetch"]));
    assert_eq!(sorted(local_messages(&c.maildir("p"), "")), sorted(sent));
}

#[test]
fn fetch_dry_run_lists_and_changes_nothing() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    let sent: Vec<Vec<u8>> = (0..3).map(|i| message(i, "dry")).collect();
    dc.add_messages(&u, "", &sent, "");
    let c = Client::new();
    c.write_config(&account("p", &dc, "pop3", &u, &c, "keep = false"));
    let out = c.mailx(&["fetch", "--dry-run"]);
    assert_ok(&out);
    let text = stdout(&out);
    assert_eq!(text.matches("p: INBOX: download ").count(), 3, "{text}");
    assert!(
        text.contains("then delete the 3 downloaded message(s)"),
        "{text}"
    );
    assert!(text.contains("p: would fetch 3 new messages"), "{text}");
    assert_eq!(dc.server_messages(&u, "").len(), 3, "nothing deleted");
    assert!(!c.maildir("p").exists(), "nothing written locally");
    let j = json_of(&c.mailx(&["--json", "fetch", "--dry-run"]), "p");
    assert_eq!(
        (j["dry_run"].as_bool(), j["downloaded"].as_u64()),
        (Some(true), Some(3))
    );
    assert_ok(&c.mailx(&["fetch"]));
    assert_eq!(sorted(local_messages(&c.maildir("p"), "")), sorted(sent));
    assert!(dc.server_messages(&u, "").is_empty());
}

/// A message above `max_message_size` stays on the server (with `keep = false` too) with a
/// warning, the run succeeds, and raising the limit fetches it: IMAP and POP3.
#[test]
fn a_message_above_max_message_size_stays_on_the_server() {
    for protocol in ["pop3", "imap"] {
        let dc = Dovecot::start();
        let small = seed(&dc, 2);
        let mut big = message(7, "big");
        big.extend("attachment line\n".repeat(400).into_bytes());
        dc.add_message(SLASH_USER, "", &big, "");
        let c = Client::new();
        let config = |limit: &str| {
            account(
                "p",
                &dc,
                protocol,
                SLASH_USER,
                &c,
                &format!("keep = false\nmax_message_size = \"{limit}\""),
            )
        };
        c.write_config(&config("2K"));
        let out = c.mailx(&["--json", "fetch"]);
        assert_ok(&out);
        assert_eq!(json_of(&out, "p")["downloaded"], 2, "{protocol}");
        assert!(
            stderr(&out).contains("larger than max_message_size"),
            "{protocol}: {}",
            stderr(&out)
        );
        assert_eq!(
            sorted(local_messages(&c.maildir("p"), "")),
            sorted(small.clone())
        );
        assert_eq!(
            dc.server_messages(SLASH_USER, ""),
            vec![big.clone()],
            "{protocol}: only the large message is left on the server"
        );
        c.write_config(&config("1M"));
        let out = c.mailx(&["--json", "fetch"]);
        assert_ok(&out);
        assert_eq!(json_of(&out, "p")["downloaded"], 1, "{protocol}");
        let mut all = small.clone();
        all.push(big.clone());
        assert_eq!(sorted(local_messages(&c.maildir("p"), "")), sorted(all));
        assert!(dc.server_messages(SLASH_USER, "").is_empty(), "{protocol}");
    }
}

//! `mailx clean` and the retention rules against real servers: the size rule (oldest
//! stored first, never a message not stored locally), purge folders by arrival date, the
//! age rule after a sync (local copies kept, the next sync changes nothing), POP3, and
//! the clean that ends a fetch.

use std::time::{Duration, SystemTime};

use crate::common::*;

const DAY: u64 = 86_400;

/// Sets the arrival time (the file's mtime, which Dovecot and Courier give as
/// INTERNALDATE) of the server message whose subject line is `subject_line`.
fn set_arrival(dc: &dyn MailServer, user: &str, fs_name: &str, subject_line: &str, days_ago: u64) {
    let dir = dc.folder_dir(user, fs_name);
    let when = SystemTime::now() - Duration::from_secs(days_ago * DAY);
    for sub in ["cur", "new"] {
        for e in std::fs::read_dir(dir.join(sub)).expect("folder").flatten() {
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            if text.lines().any(|l| l.trim_end() == subject_line) {
                let f = std::fs::File::options().write(true).open(e.path()).unwrap();
                f.set_modified(when).unwrap();
                return;
            }
        }
    }
    panic!("no message {subject_line:?} in {fs_name:?}");
}

/// Subjects of a server folder, sorted.
fn subjects(dc: &dyn MailServer, user: &str, fs_name: &str) -> Vec<String> {
    let mut out: Vec<String> = quiescent(dc, user, fs_name)
        .iter()
        .filter_map(|b| {
            String::from_utf8_lossy(b).lines().find_map(|l| {
                l.strip_prefix("Subject: ")
                    .map(|s| s.trim_end().to_string())
            })
        })
        .collect();
    out.sort();
    out
}

/// The size a server announces for `message(n, subject)` (CRLF line ends).
fn wire_size(body: &[u8]) -> u64 {
    (body.len() + body.iter().filter(|b| **b == b'\n').count()) as u64
}

/// A message of about 400 KiB, so that sizes reach the 1 MiB floor of max_server_size.
fn big(n: usize, subject: &str) -> Vec<u8> {
    let mut m = message(n, subject);
    let line = "a line of padding to make the message large enough to count\n";
    m.extend(line.repeat(400 * 1024 / line.len()).as_bytes());
    m
}

#[test]
fn clean_frees_the_server_oldest_stored_first_and_purges_junk() {
    for dc in both_servers() {
        let dc = dc.as_ref();
        let label = dc.label();
        // Folders under "INBOX." on both: Junk is INBOX.Junk there.
        let u = dc.dot_user();
        let inbox: Vec<Vec<u8>> = (1..=4).map(|i| big(i, "kept")).collect();
        dc.add_messages(&u, "", &inbox, "");
        for (i, days) in [(1, 10), (2, 9), (3, 8), (4, 7)] {
            set_arrival(dc, &u, "", &format!("Subject: kept {i}"), days);
        }
        let junk: Vec<Vec<u8>> = (1..=3).map(|i| big(i, "junk")).collect();
        dc.add_messages(&u, ".Junk", &junk, "");
        for (i, days) in [(1, 40), (2, 31), (3, 5)] {
            set_arrival(dc, &u, ".Junk", &format!("Subject: junk {i}"), days);
        }
        let c = Client::new();
        c.write_config(&account("a", dc, "imap", &u, &c, "keep = true"));
        assert_ok(&c.mailx(&["fetch"]));
        // Two more arrive, one with an older date than any stored message: neither is
        // stored locally, so neither may go.
        let later = [big(5, "new"), big(6, "new")];
        dc.add_messages(&u, "", &later, "");
        set_arrival(dc, &u, "", "Subject: new 5", 30);
        set_arrival(dc, &u, "", "Subject: new 6", 1);

        let size = wire_size(&inbox[0]);
        let total: u64 = inbox
            .iter()
            .chain(&junk)
            .chain(&later)
            .map(|b| wire_size(b))
            .sum();
        // Purging junk 1 and 2 frees two messages; the limit wants two more gone.
        let limit = total - 4 * size + 10;
        c.write_config(&account(
            "a",
            dc,
            "imap",
            &u,
            &c,
            &format!("keep = true\nmax_server_size = {limit}\npurge = {{ Junk = 30 }}"),
        ));
        let out = c.mailx(&["--json", "clean", "--dry-run"]);
        assert_ok(&out);
        let j = json_of(&out, "a");
        assert_eq!(
            (j["dry_run"].clone(), j["deleted_on_server"].as_u64()),
            (true.into(), Some(4)),
            "{label}: {j}"
        );
        assert_eq!(j["server"]["before"].as_u64(), Some(total), "{label}: {j}");
        assert_eq!(j["server"]["measured_by"], "message sizes", "{label}: {j}");
        let plan: Vec<String> = j["folders"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["plan"].as_array().cloned().unwrap_or_default())
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        assert_eq!(plan.len(), 4, "{label}: {plan:?}");
        assert!(
            plan.iter()
                .all(|l| l.contains("KiB") && l.contains("arrived")),
            "{label}: {plan:?}"
        );
        assert_eq!(
            plan.iter().filter(|l| l.ends_with(": purge")).count(),
            2,
            "{label}: {plan:?}"
        );
        assert_eq!(
            dc.server_messages(&u, "").len(),
            6,
            "{label}: a dry run deletes nothing"
        );
        let text = stdout(&c.mailx(&["clean", "--dry-run"]));
        assert!(
            text.contains("a: would delete 4 messages"),
            "{label}: {text}"
        );

        // status shows what the rules would free.
        let st = json_of(&c.mailx(&["--json", "status"]), "a");
        assert_eq!(
            st["clean"]["deleted_on_server"].as_u64(),
            Some(4),
            "{label}: {st}"
        );
        let text = stdout(&c.mailx(&["status"]));
        assert!(
            text.contains("clean now: would delete 4 messages"),
            "{label}: {text}"
        );

        let out = c.mailx(&["--json", "clean"]);
        assert_ok(&out);
        let j = json_of(&out, "a");
        assert_eq!(j["deleted_on_server"].as_u64(), Some(4), "{label}: {j}");
        assert_eq!(j["server"]["still_over"].as_u64(), Some(0), "{label}: {j}");
        assert_eq!(
            subjects(dc, &u, ""),
            ["kept 3", "kept 4", "new 5", "new 6"],
            "{label}: the oldest stored went, the unstored stayed"
        );
        assert_eq!(subjects(dc, &u, ".Junk"), ["junk 3"], "{label}");
        assert_eq!(
            local_messages(&c.maildir("a"), "").len(),
            4,
            "{label}: local copies stay"
        );
        // The next fetch stores the two new ones; its clean then finds the server under
        // the limit and deletes nothing more.
        let out = c.mailx(&["--json", "fetch"]);
        assert_ok(&out);
        let j = json_of(&out, "a");
        assert_eq!(j["downloaded"].as_u64(), Some(2), "{label}: {j}");
        assert_eq!(
            j["clean"]["deleted_on_server"].as_u64(),
            Some(0),
            "{label}: {j}"
        );
        assert_eq!(local_messages(&c.maildir("a"), "").len(), 6, "{label}");
        assert_eq!(dc.server_messages(&u, "").len(), 4, "{label}");
    }
}

#[test]
fn a_fetch_ends_with_the_size_rule_and_pop3_keeps_the_newest() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    let msgs: Vec<Vec<u8>> = (1..=5).map(|i| big(i, "pop")).collect();
    dc.add_messages(&u, "", &msgs, "");
    let c = Client::new();
    let size = wire_size(&msgs[0]);
    // POP3 servers count the size as stored (LF) or as sent (CRLF): room for three.
    let limit = 3 * size + 100;
    c.write_config(&account(
        "p",
        &dc,
        "pop3",
        &u,
        &c,
        &format!("keep = true\nmax_server_size = {limit}"),
    ));
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    let j = json_of(&out, "p");
    assert_eq!(j["downloaded"].as_u64(), Some(5), "{j}");
    assert_eq!(j["clean"]["deleted_on_server"].as_u64(), Some(2), "{j}");
    assert_eq!(subjects(&dc, &u, ""), ["pop 3", "pop 4", "pop 5"]);
    assert_eq!(local_messages(&c.maildir("p"), "").len(), 5);
    let out = c.mailx(&["--json", "fetch"]);
    assert_ok(&out);
    let j = json_of(&out, "p");
    assert_eq!(j["downloaded"].as_u64(), Some(0), "{j}");
    assert_eq!(j["clean"]["deleted_on_server"].as_u64(), Some(0), "{j}");
    let text = stdout(&c.mailx(&["-v", "fetch"]));
    assert!(
        text.contains("p: no new mail; clean: nothing to delete on the server; server"),
        "{text}"
    );
}

#[test]
fn after_a_sync_the_age_rule_keeps_local_copies_and_the_next_sync_changes_nothing() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    dc.add_messages(&u, "", &[message(1, "old"), message(2, "old")], "S");
    let c = Client::new();
    c.write_config(&account("s", &dc, "imap", &u, &c, "delete_after_days = 30"));
    let then = (SystemTime::now() - Duration::from_secs(31 * DAY))
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    // Synced 31 days ago: the sync's own clean found nothing old enough then.
    let out = c.mailx_env(&["--json", "sync"], &[("MAILX_TEST_NOW", &then)]);
    assert_ok(&out);
    assert_eq!(
        json_of(&out, "s")["clean"]["deleted_on_server"].as_u64(),
        Some(0)
    );
    dc.add_messages(&u, "", &[message(3, "recent")], "");
    let out = c.mailx(&["--json", "clean"]);
    assert_ok(&out);
    assert_eq!(json_of(&out, "s")["deleted_on_server"].as_u64(), Some(2));
    assert_eq!(subjects(&dc, &u, ""), ["recent 3"]);
    assert_eq!(local_messages(&c.maildir("s"), "").len(), 2);
    // The next sync brings the new one and neither deletes the kept copies nor uploads
    // them again.
    let out = c.mailx(&["--json", "sync"]);
    assert_ok(&out);
    let j = json_of(&out, "s");
    assert_eq!(
        (
            j["downloaded"].as_u64(),
            j["uploaded"].as_u64(),
            j["deleted_local"].as_u64()
        ),
        (Some(1), Some(0), Some(0)),
        "{j}"
    );
    assert_eq!(local_messages(&c.maildir("s"), "").len(), 3);
    assert_eq!(subjects(&dc, &u, ""), ["recent 3"]);
}

#[test]
fn retention_settings_are_checked() {
    let c = Client::new();
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    for (protocol, extra, key) in [
        ("pop3", "purge = { Junk = 30 }", "purge"),
        ("imap", "purge = { INBOX = 30 }", "purge"),
        ("imap", "purge = { Junk = 0 }", "purge"),
        ("imap", "max_server_size = \"200K\"", "max_server_size"),
        ("imap", "max_server_size = \"lots\"", "max_server_size"),
    ] {
        c.write_config(&account("a", &dc, protocol, &u, &c, extra));
        let out = c.mailx(&["clean"]);
        assert_eq!(code(&out), 78, "{extra}: {}", stderr(&out));
        let err = stderr(&out);
        let text = std::fs::read_to_string(c.config_path()).unwrap();
        let line = 1 + text.lines().position(|l| l.starts_with(key)).unwrap();
        assert!(
            err.contains(&format!("config.toml:{line}: accounts.a.{key}")),
            "{extra}: {err}"
        );
    }
    c.write_config(&account("a", &dc, "imap", &u, &c, "keep = true"));
    let out = c.mailx(&["clean"]);
    assert_eq!(code(&out), 64, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no account has a retention rule"),
        "{}",
        stderr(&out)
    );
}

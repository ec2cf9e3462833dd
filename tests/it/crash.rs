//! Crash at every durable step (the process aborts like kill -9), then rerun: every
//! server message ends up in the Maildir exactly once, and POP3 never lost a message that
//! was not already local.

use crate::common::*;

const CRASHED: Option<i32> = None;

fn crash_loop(
    dc: &Dovecot,
    c: &Client,
    expected: &dyn Fn() -> Vec<Vec<u8>>,
    check_mid: &dyn Fn(&Client),
) -> usize {
    let mut n = 1;
    loop {
        let out = c.mailx_env(
            &["-q", "fetch"],
            &[("MAILX_TEST_CRASH_AFTER", &n.to_string())],
        );
        let crashed = out.status.code() == CRASHED;
        check_mid(c);
        let rerun = c.mailx(&["fetch"]);
        assert_ok(&rerun);
        assert_eq!(
            sorted(local_messages(&c.maildir("a"), "")),
            sorted(expected()),
            "after crash at step {n}"
        );
        if !crashed {
            assert_ok(&out);
            return n;
        }
        // Start the next round from scratch.
        std::fs::remove_dir_all(c.dir.path().join("state")).unwrap();
        std::fs::remove_dir_all(c.maildir("a")).unwrap();
        reseed(dc);
        n += 1;
        assert!(n < 200, "never finished");
    }
}

fn originals() -> Vec<Vec<u8>> {
    (0..6).map(|i| message(i, "crash")).collect()
}

fn reseed(dc: &Dovecot) {
    let dir = dc.folder_dir(SLASH_USER, "");
    for sub in ["cur", "new"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    for m in originals() {
        dc.add_message(SLASH_USER, "", &m, "");
    }
}

#[test]
fn pop3_delete_after_download_survives_a_crash_at_every_step() {
    let dc = Dovecot::start();
    reseed(&dc);
    let c = Client::new();
    c.write_config(&account("a", &dc, "pop3", SLASH_USER, &c, "keep = false"));
    let steps = crash_loop(&dc, &c, &originals, &|c| {
        // Right after the crash: whatever is gone from the server is in the Maildir.
        let local = local_messages(&c.maildir("a"), "");
        let server = dc.server_messages(SLASH_USER, "");
        for m in originals() {
            assert!(local.contains(&m) || server.contains(&m), "message lost");
        }
    });
    assert!(dc.server_messages(SLASH_USER, "").is_empty());
    assert!(steps > 10, "only {steps} steps exercised");
}

#[test]
fn imap_fetch_survives_a_crash_at_every_step() {
    let dc = Dovecot::start();
    reseed(&dc);
    let c = Client::new();
    c.write_config(&account("a", &dc, "imap", SLASH_USER, &c, ""));
    let steps = crash_loop(&dc, &c, &originals, &|_| {});
    assert_eq!(dc.server_messages(SLASH_USER, "").len(), 6);
    assert!(steps > 5, "only {steps} steps exercised");
}

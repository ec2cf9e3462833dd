//! The network dropping in the middle of a run, at many points: the run fails with a
//! clear error (or completes), and the next run over a good connection ends with every
//! message exactly once and nothing lost on the server.

use crate::common::courier::Courier;
use crate::common::*;

fn corpus(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let mut m = message(i, "cut");
            m.extend(std::iter::repeat_n(b'x', 3000 + 500 * i));
            m.push(b'\n');
            m
        })
        .collect()
}

/// TOML for `account` pointed at `port` without TLS (the proxy speaks plain TCP).
fn via(
    dc: &dyn MailServer,
    c: &Client,
    protocol: &str,
    user: &str,
    port: u16,
    extra: &str,
) -> String {
    AccountToml::new("a", dc, protocol, user, c)
        .plaintext(port)
        .extra(extra)
        .toml()
}

/// From the greeting to past the end of the run (the 12 messages are ~70 KB; sync's
/// APPEND answer comes after them).
fn cut_points() -> Vec<usize> {
    let mut v = vec![300, 900, 2_000, 5_000, 9_000, 15_000, 30_000, 60_000];
    v.extend((66_000..=90_000).step_by(2_000));
    v
}

/// On Dovecot (a user per cut) and on Courier (an instance per cut).
fn run_cut(protocol: &str, command: &str, extra: &str) {
    let dovecot = Dovecot::start();
    for (on_courier, cut) in cut_points()
        .into_iter()
        .map(|c| (false, c))
        .chain(cut_points().into_iter().map(|c| (true, c)))
    {
        let courier;
        let (dc, user): (&dyn MailServer, String) = if on_courier {
            courier = Courier::start();
            let user = courier.dot_user();
            (&courier, user)
        } else {
            (&dovecot, dovecot.add_user(false))
        };
        let [imap, _, pop3, _] = dc.ports();
        let plain = if protocol == "imap" { imap } else { pop3 };
        let cut_at = format!("{} cut at {cut}", dc.label());
        let originals = corpus(12);
        dc.add_messages(&user, "", &originals, "");
        let c = Client::new();
        // For sync: a message written locally, to be uploaded through the bad line.
        let local_new = message(99, "written locally");
        if command == "sync" {
            let dir = c.maildir("a").join("cur");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::create_dir_all(c.maildir("a").join("new")).unwrap();
            std::fs::create_dir_all(c.maildir("a").join("tmp")).unwrap();
            std::fs::write(dir.join("1700000000.local.host:2,S"), &local_new).unwrap();
        }
        let proxy = CuttingProxy::start(plain, cut);
        c.write_config(&via(dc, &c, protocol, &user, proxy.port, extra));
        let out = c.mailx(&[command]);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(2) | Some(69) | Some(76)),
            "{cut_at}: exit {code:?}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
        // Whatever left the server is in the Maildir.
        let local = local_messages(&c.maildir("a"), "");
        let server = dc.server_messages(&user, "");
        for m in &originals {
            assert!(
                local.contains(m) || server.contains(m),
                "{cut_at}: a message was lost"
            );
        }
        // A good connection finishes the job: each message exactly once.
        c.write_config(&via(dc, &c, protocol, &user, plain, extra));
        let again = c.mailx(&[command]);
        assert_ok(&again);
        let mut want = originals.clone();
        if command == "sync" {
            want.push(local_new.clone());
            // Uploaded exactly once, even when the line dropped around its APPEND.
            assert_eq!(
                sorted(dc.server_messages(&user, "")),
                sorted(want.clone()),
                "{cut_at}"
            );
        }
        assert_eq!(
            sorted(local_messages(&c.maildir("a"), "")),
            sorted(want),
            "{cut_at}"
        );
        if extra.contains("keep = false") {
            assert!(settles_empty(dc, &user, ""), "{cut_at}: not deleted");
        }
    }
}

#[test]
fn imap_fetch_survives_the_connection_dropping_anywhere() {
    run_cut("imap", "fetch", "");
}

#[test]
fn pop3_delete_after_download_survives_the_connection_dropping_anywhere() {
    run_cut("pop3", "fetch", "keep = false");
}

#[test]
fn imap_sync_survives_the_connection_dropping_anywhere() {
    run_cut("imap", "sync", "");
}

#[test]
fn an_upload_whose_answer_is_lost_is_found_again_not_repeated() {
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    dc.add_message(&user, "", &message(1, "on server"), "");
    let c = Client::new();
    c.write_config(&via(&dc, &c, "imap", &user, dc.imap, ""));
    assert_ok(&c.mailx(&["sync"]));
    let written = message(2, "written locally");
    std::fs::write(
        c.maildir("a").join("cur/1700000000.local.host:2,S"),
        &written,
    )
    .unwrap();
    let proxy = AppendCuttingProxy::start(dc.imap);
    c.write_config(&via(&dc, &c, "imap", &user, proxy.port, ""));
    let out = c.mailx(&["sync"]);
    assert_eq!(out.status.code(), Some(69), "{}", stderr(&out));
    // The server has it; mailx does not know its UID.
    assert!(dc.server_messages(&user, "").contains(&written));
    c.write_config(&via(&dc, &c, "imap", &user, dc.imap, ""));
    assert_ok(&c.mailx(&["sync"]));
    assert_eq!(
        sorted(dc.server_messages(&user, "")),
        sorted(vec![message(1, "on server"), written.clone()]),
        "uploaded twice"
    );
    let again = c.mailx(&["--json", "sync"]);
    assert_ok(&again);
    assert_eq!(json_of(&again, "a")["uploaded"], 0);
    assert_eq!(json_of(&again, "a")["downloaded"], 0);
}

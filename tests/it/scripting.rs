//! The unattended contract against a real Dovecot: `check` exit codes and JSON, `status`
//! figures (with a quota), overlapping runs, `--log-file`, and `watch` (IDLE, hook,
//! reconnect, SIGTERM).

use crate::common::*;

use std::fs;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn body(subject: &str, size: usize) -> Vec<u8> {
    let mut b = format!(
        "From: a@example.org\nSubject: {subject}\nMessage-ID: <{}@example.org>\n\n",
        subject.replace(' ', ".")
    )
    .into_bytes();
    while b.len() < size {
        b.extend_from_slice(b"padding line of a test message, long enough to add up\n");
    }
    b
}

fn save(dc: &Dovecot, user: &str, mailbox: &str, subject: &str) {
    dc.doveadm_stdin(&["save", "-u", user, "-m", mailbox], &body(subject, 100));
}

/// (account JSON, exit code) of `mailx --json check`.
fn check(c: &Client, account: &str) -> (serde_json::Value, Option<i32>) {
    let out = c.mailx(&["--json", "check", account]);
    (json_of(&out, account), out.status.code())
}

fn snapshot(dc: &Dovecot, user: &str, c: &Client, account: &str) -> String {
    format!(
        "{:?}{:?}{:?}",
        dc.server_flags(user, ""),
        dc.server_flags(user, ".Sent"),
        read_maildir(&c.maildir(account))
    )
}

#[test]
fn check_exit_codes_and_json_for_imap_and_pop3() {
    let dc = Dovecot::start();
    let iu = dc.add_user(false);
    let pu = dc.add_user(false);
    dc.add_message(&iu, "", &body("one", 100), "S");
    dc.add_message(&iu, "", &body("two", 100), "");
    dc.add_message(&iu, ".Sent", &body("sent", 100), "S");
    dc.add_message(&pu, "", &body("pop one", 100), "");
    dc.add_message(&pu, "", &body("pop two", 100), "");
    let c = Client::new();
    let mut cfg = account("i", &dc, "imap", &iu, &c, "folders = [\"INBOX\", \"Sent\"]");
    cfg.push_str(&account("p", &dc, "pop3", &pu, &c, ""));
    c.write_config(&cfg);

    // Never fetched: everything is new. Nothing changes on either side.
    let before = snapshot(&dc, &iu, &c, "i");
    let (j, code) = check(&c, "i");
    assert_eq!(code, Some(0), "{j}");
    assert_eq!(
        (j["new"].as_u64(), j["unseen"].as_u64(), j["total"].as_u64()),
        (Some(3), Some(1), Some(3)),
        "{j}"
    );
    assert_eq!(j["folders"][0]["name"], "INBOX");
    assert_eq!(j["folders"][0]["new"], 2);
    assert_eq!(
        snapshot(&dc, &iu, &c, "i"),
        before,
        "check changed something"
    );
    let (j, code) = check(&c, "p");
    assert_eq!(code, Some(0));
    assert_eq!(j["new"], 2);
    assert!(j["unseen"].is_null(), "POP3 has no flags: {j}");

    // After a fetch: nothing new, exit 1, quiet.
    assert_ok(&c.mailx(&["fetch"]));
    let (j, code) = check(&c, "i");
    assert_eq!(code, Some(1), "{j}");
    assert_eq!(
        (j["new"].as_u64(), j["unseen"].as_u64()),
        (Some(0), Some(1))
    );
    let (j, code) = check(&c, "p");
    assert_eq!(code, Some(1), "{j}");
    let quiet = c.mailx(&["-q", "check"]);
    assert_eq!(quiet.status.code(), Some(1));
    assert!(stdout(&quiet).is_empty() && stderr(&quiet).is_empty());

    // New mail on both: exit 0 with the right counts; \Seen and the Maildir untouched.
    save(&dc, &iu, "Sent", "sent two");
    dc.add_message(&pu, "", &body("pop three", 100), "");
    let before = snapshot(&dc, &iu, &c, "i");
    let (j, code) = check(&c, "i");
    assert_eq!(code, Some(0));
    assert_eq!(j["new"], 1);
    assert_eq!(j["folders"][1]["name"], "Sent");
    assert_eq!(j["folders"][1]["new"], 1);
    assert_eq!(
        snapshot(&dc, &iu, &c, "i"),
        before,
        "check changed something"
    );
    let (j, _) = check(&c, "p");
    assert_eq!(j["new"], 1);
    let text = stdout(&c.mailx(&["-v", "check"]));
    assert!(text.contains("i: 1 new (1 Sent); 2 unseen"), "{text}");
    // Not a terminal and no -v: only the exit code speaks.
    let silent = c.mailx(&["check"]);
    assert_eq!(silent.status.code(), Some(0));
    assert!(stdout(&silent).is_empty(), "{}", stdout(&silent));

    // An error outranks new mail: >= 2.
    let wrong = |name: &str, user: &str, extra: &str| {
        AccountToml::new(
            name,
            &dc,
            if name == "i" { "imap" } else { "pop3" },
            user,
            &c,
        )
        .password("wrong")
        .extra(extra)
        .toml()
    };
    c.write_config(&(wrong("i", &iu, "folders = [\"INBOX\", \"Sent\"]") + &wrong("p", &pu, "")));
    let out = c.mailx(&["--json", "check"]);
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert_eq!(json_of(&out, "i")["ok"], false);
}

#[test]
fn status_matches_the_server_and_warns_about_quota() {
    let dc = Dovecot::start_with(Options {
        quota: Some("100k"),
        ..Options::default()
    });
    let u = dc.add_user(false);
    for i in 0..9 {
        dc.add_message(
            &u,
            "",
            &body(&format!("m{i}"), 10_000),
            if i < 4 { "S" } else { "" },
        );
    }
    dc.add_message(&u, ".Sent", &body("s", 2_000), "S");
    let c = Client::new();
    c.write_config(&account(
        "a",
        &dc,
        "imap",
        &u,
        &c,
        "folders = [\"*\"]\nkeep = true",
    ));
    assert_ok(&c.mailx(&["fetch"]));
    let out = c.mailx(&["--json", "status"]);
    assert_ok(&out);
    let j = json_of(&out, "a");
    // What the server counts: messages and RFC822 sizes (CRLF).
    let crlf = |b: &[u8]| (b.len() + b.iter().filter(|&&x| x == b'\n').count()) as u64;
    let inbox: u64 = dc.server_messages(&u, "").iter().map(|b| crlf(b)).sum();
    let sent: u64 = dc
        .server_messages(&u, ".Sent")
        .iter()
        .map(|b| crlf(b))
        .sum();
    assert_eq!(j["server"]["messages"], 10, "{j}");
    assert_eq!(j["server"]["bytes"].as_u64(), Some(inbox + sent), "{j}");
    let folders = j["folders"].as_array().unwrap();
    let inbox_row = folders.iter().find(|f| f["name"] == "INBOX").unwrap();
    assert_eq!(
        (inbox_row["messages"].as_u64(), inbox_row["unseen"].as_u64()),
        (Some(9), Some(5))
    );
    assert_eq!(inbox_row["local_messages"], 9);
    assert_eq!(j["local"]["messages"], 10);
    // Quota as Dovecot's own tool reports it (KiB).
    let q = String::from_utf8_lossy(&dc.doveadm(&["quota", "get", "-u", &u]).stdout).into_owned();
    let storage = q
        .lines()
        .find(|l| l.contains("STORAGE"))
        .expect("quota line")
        .to_string();
    let nums: Vec<u64> = storage
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(
        j["server"]["quota"]["used"].as_u64(),
        Some(nums[0] * 1024),
        "{storage} vs {j}"
    );
    assert_eq!(j["server"]["quota"]["limit"].as_u64(), Some(100 * 1024));
    assert!(
        j["server"]["quota"]["percent"].as_u64().unwrap() >= 90,
        "{j}"
    );
    assert!(
        j["warnings"][0].as_str().unwrap().contains("nearly full"),
        "{j}"
    );
    assert!(j["last_fetch"]["exit_code"] == 0, "{j}");
    assert!(
        j["retention"].as_str().unwrap().contains("keeps mail"),
        "{j}"
    );
    // The human form says the same.
    let out = c.mailx(&["status"]);
    let text = stdout(&out);
    assert!(text.contains("server:    10 messages"), "{text}");
    assert!(text.contains("KiB of 100.0 KiB ("), "{text}");
    assert!(text.contains("last fetch:"), "{text}");
    let err = stderr(&out);
    assert!(err.contains("warning: a: server quota"), "{err}");
    assert!(err.contains("nearly full"), "{err}");
    assert!(
        !err.contains("error:") && !err.contains("hint:"),
        "a warning, not an error: {err}"
    );
}

#[test]
fn overlapping_fetches_one_runs_the_other_exits_75() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    for i in 0..20 {
        dc.add_message(&u, "", &message(i, "overlap"), "");
    }
    let c = Client::new();
    c.write_config(&account("a", &dc, "imap", &u, &c, ""));
    let first = Command::new(env!("CARGO_BIN_EXE_mailx"))
        .args(["--config"])
        .arg(c.config_path())
        .args(["-q", "fetch"])
        .env("MAILX_TEST_HOLD_MS", "2000")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let started = Instant::now();
    let second = c.mailx(&["fetch"]);
    assert_eq!(second.status.code(), Some(75), "{}", stderr(&second));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the second run waited"
    );
    assert!(
        stderr(&second).contains("lock") || stderr(&second).contains("another"),
        "{}",
        stderr(&second)
    );
    let first = first.wait_with_output().unwrap();
    assert_ok(&first);
    // Every message exactly once.
    assert_eq!(
        sorted(local_messages(&c.maildir("a"), "")),
        sorted((0..20).map(|i| message(i, "overlap")).collect())
    );
}

#[test]
fn log_file_records_runs_and_errors_without_passwords() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    dc.add_message(&u, "", &message(1, "log"), "");
    let c = Client::new();
    c.write_config(&account("a", &dc, "imap", &u, &c, ""));
    let log = c.dir.path().join("mailx.log");
    let out = c.mailx(&["-q", "--log-file", log.to_str().unwrap(), "fetch"]);
    assert_ok(&out);
    assert!(stdout(&out).is_empty() && stderr(&out).is_empty());
    c.write_config(
        &AccountToml::new("a", &dc, "imap", &u, &c)
            .password("wrong")
            .toml(),
    );
    let out = c.mailx(&["--log-file", log.to_str().unwrap(), "-vv", "fetch"]);
    assert_eq!(out.status.code(), Some(77));
    let text = fs::read_to_string(&log).unwrap();
    assert!(text.contains("a: 1 new message"), "{text}");
    assert!(text.contains("authentication failed"), "{text}");
    // Dovecot offers AUTH=PLAIN: the login step is AUTHENTICATE PLAIN, credentials redacted.
    assert!(
        text.contains("AUTHENTICATE PLAIN") && text.contains("<redacted>"),
        "{text}"
    );
    assert!(
        !text.contains(PASSWORD) && !text.contains("wrong"),
        "{text}"
    );
}

/// A running `mailx watch`, killed if the test fails.
struct Watcher(Child);

impl Watcher {
    /// `mailx watch ARGS` for the client's config (stderr kept for `stop`).
    fn start(c: &Client, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailx"));
        cmd.arg("--config")
            .arg(c.config_path())
            .args(["--timeout", "20", "watch"])
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        Watcher(cmd.spawn().unwrap())
    }

    /// Sends `signal` ("TERM", "INT") and waits up to 10 s: (exit code, stderr).
    fn stop(&mut self, signal: &str) -> (Option<i32>, String) {
        let pid = self.0.id().to_string();
        let sent = Command::new("kill")
            .args([format!("-{signal}"), pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.0.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "watch did not stop"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut err = String::new();
        use std::io::Read;
        let _ = self.0.stderr.take().unwrap().read_to_string(&mut err);
        (status.code(), err)
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn logins(dc: &Dovecot, user: &str) -> usize {
    dc.info_log()
        .matches(&format!("Login: user=<{user}>"))
        .count()
}

fn wait_for(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
    start.elapsed()
}

#[test]
fn watch_fetches_on_new_mail_runs_the_hook_reconnects_and_stops_on_sigterm() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    dc.add_message(&u, "", &message(0, "early"), "");
    let c = Client::new();
    c.write_config(&account("a", &dc, "imap", &u, &c, ""));
    let hook_out = c.dir.path().join("hook.txt");
    let hook = format!("env | grep ^MAILX_ | sort >> {}", hook_out.display());
    // Renew IDLE every second: the renewals must not lose anything.
    let mut w = Watcher::start(&c, &["--exec", &hook], &[("MAILX_TEST_IDLE_SECS", "1")]);

    // The message that was there before is fetched at start, then IDLE begins.
    wait_for("the start-up fetch", Duration::from_secs(10), || {
        local_messages(&c.maildir("a"), "").len() == 1
    });
    wait_for("the IDLE connection", Duration::from_secs(10), || {
        logins(&dc, &u) >= 2
    });
    // Several renewals (IDLE, DONE, IDLE) on the same connection, no new login.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(logins(&dc, &u), 2, "a renewal reconnected");

    let appended = Instant::now();
    save(&dc, &u, "INBOX", "pushed one");
    wait_for("the pushed message", Duration::from_secs(10), || {
        local_messages(&c.maildir("a"), "").len() == 2
    });
    eprintln!(
        "push latency (save → file in Maildir): {} ms",
        appended.elapsed().as_millis()
    );
    wait_for("the hook", Duration::from_secs(10), || {
        fs::read_to_string(&hook_out).is_ok_and(|t| t.contains("MAILX_NEW=1"))
    });
    let hook_env = fs::read_to_string(&hook_out).unwrap();
    assert!(
        hook_env.contains("MAILX_ACCOUNT=a\nMAILX_FOLDER=INBOX\nMAILX_NEW=1"),
        "{hook_env}"
    );

    // The server drops every connection: watch reconnects and keeps delivering.
    let before = logins(&dc, &u);
    dc.doveadm(&["kick", &u]);
    wait_for("a new IDLE connection", Duration::from_secs(15), || {
        logins(&dc, &u) > before + 1
    });
    std::thread::sleep(Duration::from_millis(300));
    save(&dc, &u, "INBOX", "after kick");
    wait_for(
        "the message after the kick",
        Duration::from_secs(10),
        || local_messages(&c.maildir("a"), "").len() == 3,
    );

    // SIGTERM: a clean exit, 0.
    let (code, err) = w.stop("TERM");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(sorted(local_messages(&c.maildir("a"), "")).len(), 3);
}

#[test]
fn watch_polls_pop3_accounts() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    let c = Client::new();
    c.write_config(&account("p", &dc, "pop3", &u, &c, ""));
    let mut w = Watcher::start(&c, &["--poll", "1"], &[]);
    std::thread::sleep(Duration::from_millis(500));
    dc.add_message(&u, "", &message(1, "polled"), "");
    wait_for("the polled message", Duration::from_secs(10), || {
        local_messages(&c.maildir("p"), "").len() == 1
    });
    let (code, err) = w.stop("INT");
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn watch_polls_an_imap_server_without_idle() {
    let dc = Dovecot::start_with(Options {
        imap_capability: Some("IMAP4rev1 SASL-IR ID ENABLE NAMESPACE UIDPLUS"),
        ..Options::default()
    });
    let u = dc.add_user(false);
    let c = Client::new();
    c.write_config(&account("a", &dc, "imap", &u, &c, ""));
    let mut w = Watcher::start(&c, &["--poll", "1"], &[]);
    std::thread::sleep(Duration::from_millis(800));
    save(&dc, &u, "INBOX", "polled over imap");
    wait_for("the polled message", Duration::from_secs(10), || {
        local_messages(&c.maildir("a"), "").len() == 1
    });
    let (code, err) = w.stop("TERM");
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn watch_fetches_a_change_seen_while_another_run_held_the_account() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    dc.create_folder(&u, ".Sent");
    let c = Client::new();
    c.write_config(&account("a", &dc, "imap", &u, &c, ""));
    let mut w = Watcher::start(&c, &[], &[]);
    wait_for("the IDLE connection", Duration::from_secs(10), || {
        logins(&dc, &u) >= 2
    });
    // A cron job's fetch of the same account (its Sent only) holds the lock for 3 s.
    let cron = c.dir.path().join("cron.toml");
    fs::write(
        &cron,
        format!(
            "state_dir = \"{}\"\n{}",
            c.dir.path().join("state").display(),
            account("a", &dc, "imap", &u, &c, "folders = [\"Sent\"]")
        ),
    )
    .unwrap();
    let mut held = Command::new(env!("CARGO_BIN_EXE_mailx"))
        .arg("--config")
        .arg(&cron)
        .args(["-q", "fetch"])
        .env("MAILX_TEST_HOLD_MS", "3000")
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let saved = Instant::now();
    save(&dc, &u, "INBOX", "while held");
    wait_for(
        "the message seen while locked",
        Duration::from_secs(15),
        || local_messages(&c.maildir("a"), "").len() == 1,
    );
    let after = saved.elapsed();
    assert!(held.wait().unwrap().success());
    eprintln!(
        "stored {} ms after arrival (the other run held the lock for ~2.5 s more)",
        after.as_millis()
    );
    assert!(
        after >= Duration::from_millis(2000),
        "stored while the other run still held the lock? {after:?}"
    );
    let (code, err) = w.stop("TERM");
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn watch_retries_a_refused_login() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    let c = Client::new();
    // The password source answers wrong twice (a server's auth backend hiccup), then right.
    let script = c.dir.path().join("pw.sh");
    let count = c.dir.path().join("calls");
    fs::write(
        &script,
        format!(
            "n=$(cat {count} 2>/dev/null || echo 0); echo $((n+1)) > {count}\nif [ \"$n\" -ge 2 ]; then printf {PASSWORD}; else printf wrong; fi\n",
            count = count.display()
        ),
    )
    .unwrap();
    c.write_config(
        &AccountToml::new("a", &dc, "imap", &u, &c)
            .extra(&format!("password_command = \"sh {}\"", script.display()))
            .no_password()
            .toml(),
    );
    let mut w = Watcher::start(&c, &[], &[("MAILX_TEST_AUTH_RETRY_SECS", "1")]);
    wait_for(
        "a login after the refusals",
        Duration::from_secs(15),
        || logins(&dc, &u) >= 2,
    );
    save(&dc, &u, "INBOX", "after retry");
    wait_for("the message", Duration::from_secs(10), || {
        local_messages(&c.maildir("a"), "").len() == 1
    });
    let (code, err) = w.stop("TERM");
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("authentication failed"),
        "the refusal was reported: {err}"
    );
}

/// `status` remembers a folder's byte count against its UIDVALIDITY, UIDNEXT and message
/// count; a message added or expunged on the server shows in the next status.
#[test]
fn status_bytes_follow_the_server_as_it_changes() {
    let dc = Dovecot::start();
    let u = dc.add_user(false);
    dc.add_messages(&u, "", &[body("a", 3_000), body("b", 5_000)], "");
    let c = Client::new();
    c.write_config(&account("a", &dc, "imap", &u, &c, ""));
    let crlf = |b: &[u8]| (b.len() + b.iter().filter(|&&x| x == b'\n').count()) as u64;
    let server_bytes = || {
        dc.server_messages(&u, "")
            .iter()
            .map(|b| crlf(b))
            .sum::<u64>()
    };
    let status_bytes = || {
        let out = c.mailx(&["--json", "status"]);
        assert_ok(&out);
        json_of(&out, "a")["server"]["bytes"].as_u64().unwrap()
    };
    assert_ok(&c.mailx(&["fetch"]));
    assert_eq!(status_bytes(), server_bytes());
    assert_eq!(status_bytes(), server_bytes(), "remembered");
    let trace = stderr(&c.mailx(&["-vv", "status"]));
    assert!(
        trace.contains("C: STATUS") && !trace.contains("UID FETCH"),
        "the size is remembered, not listed again: {trace}"
    );
    dc.add_message(&u, "", &body("c", 7_000), "");
    assert_eq!(status_bytes(), server_bytes(), "after a new message");
    dc.doveadm(&["expunge", "-u", &u, "mailbox", "INBOX", "SUBJECT", "a"]);
    assert_eq!(dc.server_messages(&u, "").len(), 2);
    assert_eq!(status_bytes(), server_bytes(), "after an expunge");
}

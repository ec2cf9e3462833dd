//! The interactive `mailx account add`, driven through a pseudo-terminal as a person
//! would: keys in, questions out, against the Dovecot harness with discovery pointed at
//! loopback stand-ins.

use crate::common::discovery::{autoconfig_xml, serve_dns, serve_http};
use crate::common::*;

use std::process::Command;

use rexpect::session::{PtySession, spawn_command};

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

struct World {
    dc: Dovecot,
    user: String,
    base: String,
    dns: String,
}

fn world() -> World {
    let dc = Dovecot::start();
    let user = dc.add_user(true);
    dc.add_messages(&user, "", &[message(1, "wizard")], "");
    dc.add_messages(&user, ".Sent", &[message(2, "sent")], "S");
    let xml = autoconfig_xml(
        &[
            ("imap", "127.0.0.1", dc.imaps, "SSL"),
            ("pop3", "127.0.0.1", dc.pop3s, "SSL"),
        ],
        "%EMAILLOCALPART%",
    );
    let (base, _) = serve_http("/mail/config-v1.1.xml", xml);
    let dns = serve_dns(vec![]).to_string();
    World {
        dc,
        user,
        base,
        dns,
    }
}

/// `mailx account add` on a terminal, no keyring reachable (no session bus).
fn wizard(w: &World, c: &Client) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailx"));
    cmd.arg("--config")
        .arg(c.config_path())
        .args(["--timeout", "10", "account", "add", "--ca-file"])
        .arg(w.dc.ca_file())
        .args(["--autoconfig-url", &w.base, "--dns-server", &w.dns])
        .env_remove("MAILX_CONFIG")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("HOME", c.dir.path())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    spawn_command(cmd, Some(30_000)).expect("spawn on a pty")
}

fn key(p: &mut PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

fn line(p: &mut PtySession, text: &str) {
    key(p, &format!("{text}{ENTER}"));
}

fn expect(p: &mut PtySession, text: &str) -> String {
    p.exp_string(text)
        .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}"))
}

fn exit_code(p: &mut PtySession) -> i32 {
    p.exp_eof().unwrap();
    // nix's WaitStatus, which rexpect does not re-export: "Exited(Pid(7), 0)".
    let status = format!("{:?}", p.process().wait().unwrap());
    status
        .strip_prefix("Exited(")
        .and_then(|s| s.rsplit_once(", "))
        .and_then(|(_, code)| code.trim_end_matches(')').parse().ok())
        .unwrap_or_else(|| panic!("{status}"))
}

#[test]
fn imap_with_prefix_detection_a_wrong_password_retried_and_comments_kept() {
    let w = world();
    let c = Client::new();
    let existing = format!(
        "# my accounts\nstate_dir = \"{}\"  # state here\n\n[accounts.taken]\nprotocol = \"pop3\"\nhost = \"h.example.test\"\nuser = \"u\"\nmaildir = \"{}\"\n",
        c.dir.path().join("state").display(),
        c.maildir("taken").display()
    );
    std::fs::write(c.config_path(), &existing).unwrap();
    let secret = c.dir.path().join("secret");
    std::fs::write(&secret, "not-the-password\n").unwrap();
    let mut p = wizard(&w, &c);
    expect(&mut p, "Your email address");
    line(&mut p, &format!("{}@example.test", w.user));
    expect(&mut p, "found: IMAP 127.0.0.1");
    expect(&mut p, "How do you read your mail?");
    key(&mut p, ENTER);
    expect(&mut p, "A short name for this account");
    line(&mut p, "taken");
    expect(&mut p, "There is already an account named \"taken\"");
    expect(&mut p, "A short name for this account");
    line(&mut p, "work");
    expect(&mut p, "Where should the mail be stored");
    line(&mut p, &c.maildir("taken").display().to_string());
    expect(&mut p, "Login name");
    key(&mut p, ENTER);
    expect(&mut p, "share a Maildir");
    expect(&mut p, "Where should the mail be stored");
    line(&mut p, &c.maildir("work").display().to_string());
    expect(&mut p, "No system keyring is reachable here");
    expect(&mut p, "Where should mailx get the password from?");
    key(&mut p, ENTER);
    expect(&mut p, "Command");
    line(&mut p, &format!("cat {}", secret.display()));
    expect(&mut p, "The login failed at the login step");
    expect(&mut p, "What now?");
    std::fs::write(&secret, format!("{PASSWORD}\n")).unwrap();
    key(&mut p, ENTER);
    expect(&mut p, "Login ok: 1 messages in INBOX");
    expect(&mut p, "under \"INBOX.\"");
    expect(&mut p, "Which folders?");
    key(&mut p, DOWN);
    key(&mut p, ENTER);
    expect(&mut p, "How should mailx treat the server?");
    key(&mut p, ENTER);
    expect(&mut p, "Write it?");
    key(&mut p, "y");
    expect(&mut p, "Next: mailx fetch work");
    assert_eq!(exit_code(&mut p), 0);

    let text = std::fs::read_to_string(c.config_path()).unwrap();
    assert!(text.starts_with(&existing), "existing bytes kept:\n{text}");
    let block = &text[existing.len()..];
    assert!(block.contains(&format!("[accounts.work]\nprotocol = \"imap\"\nhost = \"127.0.0.1\"\nport = {}\ntls = \"implicit\"", w.dc.imaps)), "{block}");
    assert!(block.contains(&format!("user = \"{}\"", w.user)), "{block}");
    assert!(block.contains("password_command = \"cat "), "{block}");
    assert!(block.contains("folders = [\"*\"]"), "{block}");
    // And it works: INBOX and Sent, stored as plain local names.
    assert_ok(&c.mailx(&["fetch", "work"]));
    assert_eq!(local_messages(&c.maildir("work"), "").len(), 1);
    assert_eq!(local_messages(&c.maildir("work"), ".Sent").len(), 1);
}

#[test]
fn pop3_keep_with_days_and_delete_with_the_trap_warning() {
    let w = world();
    let c = Client::new();
    let add = |name: &str, keep: bool| {
        let mut p = wizard(&w, &c);
        expect(&mut p, "Your email address");
        line(&mut p, &format!("{}@example.test", w.user));
        expect(&mut p, "How do you read your mail?");
        key(&mut p, DOWN);
        key(&mut p, ENTER);
        expect(&mut p, "Leave a copy of each message on the server");
        if keep {
            key(&mut p, "y");
            expect(&mut p, "after how many days?");
            line(&mut p, "30");
        } else {
            key(&mut p, "n");
            expect(&mut p, "will no longer see it");
            expect(&mut p, "Delete mail from the server once it is downloaded?");
            key(&mut p, "y");
        }
        expect(&mut p, "A short name for this account");
        line(&mut p, name);
        expect(&mut p, "Where should the mail be stored");
        line(&mut p, &c.maildir(name).display().to_string());
        expect(&mut p, "Login name");
        key(&mut p, ENTER);
        expect(&mut p, "Where should mailx get the password from?");
        key(&mut p, DOWN);
        key(&mut p, ENTER);
        expect(&mut p, "Variable name");
        line(&mut p, "MAILX_TEST_PW");
        // The variable is not set for the wizard: the login fails and says why.
        expect(
            &mut p,
            "password_env = \"MAILX_TEST_PW\" but that environment variable is unset",
        );
        expect(&mut p, "What now?");
        key(&mut p, DOWN);
        key(&mut p, DOWN);
        key(&mut p, DOWN);
        key(&mut p, ENTER);
        expect(&mut p, "Where should mailx get the password from?");
        key(&mut p, ENTER);
        expect(&mut p, "Command");
        line(&mut p, &format!("printf {PASSWORD}"));
        expect(&mut p, "Login ok: 1 messages in INBOX");
        expect(&mut p, "Write it?");
        key(&mut p, "y");
        expect(&mut p, &format!("Next: mailx fetch {name}"));
        assert_eq!(exit_code(&mut p), 0);
    };
    add("kept", true);
    add("gone", false);
    let text = std::fs::read_to_string(c.config_path()).unwrap();
    assert!(
        text.contains(&format!(
            "[accounts.kept]\nprotocol = \"pop3\"\nhost = \"127.0.0.1\"\nport = {}\n",
            w.dc.pop3s
        )),
        "{text}"
    );
    assert!(
        text.contains("keep = true\ndelete_after_days = 30\n"),
        "{text}"
    );
    assert!(
        text.contains("[accounts.gone]") && text.contains("keep = false\n"),
        "{text}"
    );
}

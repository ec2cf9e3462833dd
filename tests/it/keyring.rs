//! Passwords in a real Secret Service: gnome-keyring-daemon, unlocked, on a private
//! session bus, as on a desktop. Stored by `account add` (flags and wizard), read back by
//! `fetch`, removed by `account remove`.

use crate::common::bus::SessionBus;
use crate::common::*;

use std::process::{Command, Output};

/// mailx on the bus, with `stdin`.
fn mailx(c: &Client, bus: &SessionBus, args: &[&str], stdin: &str) -> Output {
    bus.mailx(c, args, stdin)
}

#[test]
fn a_password_from_stdin_is_kept_in_the_keyring_and_read_back_by_fetch() {
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    dc.add_messages(&user, "", &[message(1, "keyring")], "");
    let c = Client::new();
    let bus = SessionBus::start(c.dir.path());
    let port = dc.imaps.to_string();
    let ca = dc.ca_file().display().to_string();
    let add = |name: &str, maildir: &str, stdin: &str| {
        let args = [
            "account",
            "add",
            name,
            "--host",
            "127.0.0.1",
            "--port",
            &port,
            "--ca-file",
            &ca,
            "--user",
            &user,
            "--password-stdin",
            "--maildir",
            maildir,
        ];
        mailx(&c, &bus, &args, stdin)
    };
    let maildir = c.maildir("k").display().to_string();
    let o = add("k", &maildir, &format!("{PASSWORD}\n"));
    assert_ok(&o);
    let text = std::fs::read_to_string(c.config_path()).unwrap();
    assert!(
        !text.contains(PASSWORD) && !text.contains("password_"),
        "{text}"
    );
    assert_ok(&mailx(&c, &bus, &["fetch", "k"], ""));
    assert_eq!(local_messages(&c.maildir("k"), "").len(), 1);
    let o = mailx(&c, &bus, &["account", "remove", "k", "--yes"], "");
    assert_ok(&o);
    assert!(
        stderr(&o).contains("password was removed from the OS keyring"),
        "{}",
        stderr(&o)
    );
    // The entry is really gone: an account of that name finds no password.
    c.write_config(
        &AccountToml::new("k", &dc, "imap", &user, &c)
            .no_password()
            .toml(),
    );
    let o = mailx(&c, &bus, &["fetch", "k"], "");
    assert_eq!(o.status.code(), Some(77), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("none in the OS keyring"),
        "{}",
        stderr(&o)
    );
    // `account password` stores what it tested.
    c.write_config(
        &AccountToml::new("p", &dc, "imap", &user, &c)
            .no_password()
            .toml(),
    );
    let o = mailx(&c, &bus, &["fetch", "p"], "");
    assert_eq!(o.status.code(), Some(77), "{}", stderr(&o));
    assert_ok(&mailx(
        &c,
        &bus,
        &["account", "password", "p"],
        &format!("{PASSWORD}\n"),
    ));
    assert_ok(&mailx(&c, &bus, &["fetch", "p"], ""));
}

#[test]
fn the_wizard_stores_a_typed_password_in_the_keyring() {
    use rexpect::session::spawn_command;
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    dc.add_messages(&user, "", &[message(1, "typed")], "");
    let c = Client::new();
    let bus = SessionBus::start(c.dir.path());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailx"));
    cmd.arg("--config")
        .arg(c.config_path())
        .args(["account", "add", "typed", "--host", "127.0.0.1", "--port"])
        .arg(dc.imaps.to_string())
        .arg("--ca-file")
        .arg(dc.ca_file())
        .args(["--user", &user, "--maildir"])
        .arg(c.maildir("typed"))
        .env_remove("MAILX_CONFIG")
        .envs(bus.env())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let mut p = spawn_command(cmd, Some(30_000)).unwrap();
    let mut step = |wait: &str, keys: &str| {
        p.exp_string(wait)
            .unwrap_or_else(|e| panic!("waiting for {wait:?}: {e}"));
        p.send(keys).unwrap();
        p.flush().unwrap();
    };
    step("keyring (recommended)", "\r");
    step("Password for typed", &format!("{PASSWORD}\r"));
    step("Which folders?", "\r");
    step("How should mailx treat the server?", "\r");
    step("Write it?", "y");
    p.exp_string("Next: mailx fetch typed").unwrap();
    p.exp_eof().unwrap();
    assert_ok(&mailx(&c, &bus, &["fetch", "typed"], ""));
    assert_eq!(local_messages(&c.maildir("typed"), "").len(), 1);
    let text = std::fs::read_to_string(c.config_path()).unwrap();
    assert!(
        !text.contains(PASSWORD) && !text.contains("password_"),
        "{text}"
    );
}

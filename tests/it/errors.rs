//! Bad input gets a clear error and the documented exit code, and changes nothing.

use crate::common::*;

#[test]
fn bad_password_exits_77_and_names_the_account() {
    let dc = Dovecot::start();
    dc.add_message(SLASH_USER, "", &message(1, "x"), "");
    let c = Client::new();
    let config = AccountToml::new("p", &dc, "pop3", SLASH_USER, &c)
        .password("wrong")
        .toml()
        + &AccountToml::new("i", &dc, "imap", SLASH_USER, &c)
            .password("wrong")
            .toml();
    c.write_config(&config);
    let out = c.mailx(&["fetch", "p"]);
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("p: authentication failed"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("hint:"));
    assert!(
        !stderr(&out).contains("wrong"),
        "password leaked: {}",
        stderr(&out)
    );
    let out = c.mailx(&["--json", "fetch", "i"]);
    assert_eq!(out.status.code(), Some(77));
    assert!(!stdout(&out).contains("wrong"));
    assert_eq!(json_of(&out, "i")["ok"], false);
    assert!(local_messages(&c.maildir("p"), "").is_empty());
}

#[test]
fn starttls_required_but_not_offered_fails_without_sending_the_password() {
    let dc = Dovecot::start_with(Options {
        ssl: false,
        ..Options::default()
    });
    dc.add_message(SLASH_USER, "", &message(1, "x"), "");
    let c = Client::new();
    for proto in ["pop3", "imap"] {
        let acc = AccountToml::new("a", &dc, proto, SLASH_USER, &c)
            .starttls(&dc)
            .toml();
        c.write_config(&acc);
        let out = c.mailx(&["fetch"]);
        assert_eq!(out.status.code(), Some(69), "{proto}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("STARTTLS") || stderr(&out).contains("STLS"),
            "{}",
            stderr(&out)
        );
    }
    // The info log records every login; there must be none, and no auth attempt.
    let log = dc.info_log();
    assert!(log.contains("Disconnected"), "info log not written: {log}");
    assert!(!log.contains("Login:"), "a login happened: {log}");
    assert!(!log.contains("auth failed"), "a password was tried: {log}");
    assert!(local_messages(&c.maildir("a"), "").is_empty());
}

#[test]
fn untrusted_certificate_is_refused() {
    let dc = Dovecot::start();
    let c = Client::new();
    let acc = account("i", &dc, "imap", SLASH_USER, &c, "");
    let acc: String = acc
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .map(|l| format!("{l}\n"))
        .collect();
    c.write_config(&acc);
    let out = c.mailx(&["fetch"]);
    assert_eq!(out.status.code(), Some(69), "{}", stderr(&out));
    assert!(stderr(&out).contains("not trusted"), "{}", stderr(&out));
    assert!(!dc.info_log().contains("Login: user="), "logged in anyway");
}

#[test]
fn trusted_certificate_for_another_name_is_refused() {
    // Issued for mail.example.org only, and trusted through ca_file: connecting to
    // 127.0.0.1 must still fail, over implicit TLS and STARTTLS, for IMAP and POP3.
    let dc = Dovecot::start_with(Options {
        cert_names: "DNS:mail.example.org",
        ..Options::default()
    });
    let c = Client::new();
    let mut accounts = account("i", &dc, "imap", SLASH_USER, &c, "");
    accounts.push_str(&account("p", &dc, "pop3", SLASH_USER, &c, ""));
    accounts.push_str(
        &AccountToml::new("s", &dc, "imap", SLASH_USER, &c)
            .starttls(&dc)
            .toml(),
    );
    c.write_config(&accounts);
    for name in ["i", "p", "s"] {
        let out = c.mailx(&["fetch", name]);
        assert_eq!(out.status.code(), Some(69), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("mismatch"),
            "{name}: {}",
            stderr(&out)
        );
    }
    assert!(!dc.info_log().contains("Login: user="), "logged in anyway");
}

#[test]
fn malformed_config_names_file_line_and_key() {
    let c = Client::new();
    c.write_config("[accounts.home]\nprotocol = \"imap\"\nhost = \"127.0.0.1\"\nuser = \"u\"\nmaildir = \"m\"\ncolour = \"red\"\n");
    let out = c.mailx(&["fetch"]);
    assert_eq!(out.status.code(), Some(78));
    let err = stderr(&out);
    assert!(err.contains("config.toml:8"), "{err}");
    assert!(err.contains("colour"), "{err}");
    c.write_config("[accounts.home]\nprotocol = \"imap\"\nhost = \"h\"\nuser = \"u\"\nmaildir = \"m\"\ntls = \"none\"\n");
    let err = stderr(&c.mailx(&["fetch"]));
    assert!(
        err.contains("config.toml:8") && err.contains("accounts.home.tls"),
        "{err}"
    );
    c.write_config("[accounts.home\n");
    assert_eq!(c.mailx(&["fetch"]).status.code(), Some(78));
    let out = c.mailx(&["fetch", "nosuch"]);
    assert_eq!(out.status.code(), Some(78));
}

#[test]
fn usage_errors_exit_64_and_unknown_account_is_named() {
    let c = Client::new();
    c.write_config(
        "[accounts.home]\nprotocol = \"imap\"\nhost = \"h\"\nuser = \"u\"\nmaildir = \"m\"\n",
    );
    assert_eq!(c.mailx(&["--no-such-flag"]).status.code(), Some(64));
    let out = c.mailx(&["fetch", "nosuch"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(stderr(&out).contains("nosuch") && stderr(&out).contains("home"));
}

#[test]
fn held_lock_exits_75_and_changes_nothing() {
    let dc = Dovecot::start();
    dc.add_message(SLASH_USER, "", &message(1, "x"), "");
    let c = Client::new();
    c.write_config(&account("p", &dc, "pop3", SLASH_USER, &c, "keep = false"));
    std::fs::create_dir_all(c.dir.path().join("state")).unwrap();
    let lock = std::fs::File::create(c.dir.path().join("state/p.lock")).unwrap();
    lock.lock().unwrap();
    let out = c.mailx(&["fetch"]);
    assert_eq!(out.status.code(), Some(75), "{}", stderr(&out));
    assert!(stderr(&out).contains("already running"));
    assert_eq!(dc.server_messages(SLASH_USER, "").len(), 1);
    assert!(local_messages(&c.maildir("p"), "").is_empty());
    drop(lock);
    assert_ok(&c.mailx(&["fetch"]));
    assert_eq!(local_messages(&c.maildir("p"), "").len(), 1);
}

#[test]
fn missing_password_names_the_three_sources() {
    let dc = Dovecot::start();
    let c = Client::new();
    let acc = AccountToml::new("p", &dc, "pop3", SLASH_USER, &c)
        .no_password()
        .toml();
    c.write_config(&acc);
    let out = c.mailx(&["fetch"]);
    assert_eq!(out.status.code(), Some(77));
    let err = stderr(&out);
    assert!(
        err.contains("password_command") && err.contains("password_env") && err.contains("keyring"),
        "{err}"
    );
}

#[test]
fn one_failing_account_does_not_stop_the_others() {
    let dc = Dovecot::start();
    dc.add_message(SLASH_USER, "", &message(1, "x"), "");
    let c = Client::new();
    c.write_config(
        &(account("good", &dc, "pop3", SLASH_USER, &c, "")
            + &AccountToml::new("bad", &dc, "imap", SLASH_USER, &c)
                .password("nope")
                .toml()),
    );
    let out = c.mailx(&["--json", "fetch"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(json_of(&out, "good")["downloaded"], 1);
    assert_eq!(json_of(&out, "bad")["ok"], false);
}

/// A password with a space, a quote, a backslash and non-ASCII letters logs in over IMAP
/// (AUTHENTICATE PLAIN: base64 of the UTF-8 bytes, no IMAP quoting) and POP3 (AUTH PLAIN).
#[test]
fn a_password_with_quotes_and_non_ascii_letters_logs_in() {
    let dc = Dovecot::start();
    dc.add_message(UNICODE_USER, "", &message(1, "utf"), "");
    for protocol in ["imap", "pop3"] {
        let c = Client::new();
        c.write_config(
            &AccountToml::new("u", &dc, protocol, UNICODE_USER, &c)
                .password_env("MAILX_TEST_PW")
                .toml(),
        );
        let out = c.mailx_env(&["fetch"], &[("MAILX_TEST_PW", UNICODE_PASSWORD)]);
        assert_ok(&out);
        assert_eq!(local_messages(&c.maildir("u"), "").len(), 1, "{protocol}");
    }
}

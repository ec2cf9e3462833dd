//! Logging in the ways real providers need, against Dovecot: SASL PLAIN with SASL-IR,
//! OAuth2 access tokens as XOAUTH2 and OAUTHBEARER (IMAP AUTHENTICATE and POP3 AUTH),
//! checked by Dovecot's oauth2 passdb at a loopback tokeninfo endpoint.

use crate::common::discovery::serve_tokeninfo;
use crate::common::*;

fn oauth_server() -> (Dovecot, String, String) {
    // Users are taken from the pool in order: the first is slash0.
    let token = "ya29.good-token".to_string();
    let url = serve_tokeninfo(vec![(token.clone(), "slash0".into())]);
    let dc = Dovecot::start_with(Options {
        oauth2_tokeninfo: Some(url),
        ..Options::default()
    });
    let user = dc.add_user(false);
    assert_eq!(user, "slash0");
    (dc, user, token)
}

#[test]
fn oauth2_tokens_log_in_over_imap_and_pop3_with_both_mechanisms() {
    let (dc, user, token) = oauth_server();
    for (protocol, auth) in [
        ("imap", "xoauth2"),
        ("imap", "oauthbearer"),
        ("pop3", "xoauth2"),
        ("pop3", "oauthbearer"),
    ] {
        dc.add_messages(&user, "", &[message(1, auth)], "");
        let c = Client::new();
        c.write_config(
            &AccountToml::new("o", &dc, protocol, &user, &c)
                .password(&token)
                .extra(&format!("auth = \"{auth}\"\nkeep = false"))
                .toml(),
        );
        let out = c.mailx(&["-vv", "fetch"]);
        assert_ok(&out);
        assert_eq!(
            local_messages(&c.maildir("o"), "").len(),
            1,
            "{protocol} {auth}"
        );
        let log = stderr(&out);
        assert!(!log.contains(&token), "the token is never logged");
        assert!(
            log.contains(&auth.to_ascii_uppercase()),
            "{protocol} {auth}: {log}"
        );
        assert!(settles_empty(&dc, &user, ""), "{protocol} {auth}");

        // A token the server refuses: exit 77, the server's report acknowledged.
        let bad = Client::new();
        bad.write_config(
            &AccountToml::new("o", &dc, protocol, &user, &bad)
                .password("expired-token")
                .extra(&format!("auth = \"{auth}\""))
                .toml(),
        );
        let out = bad.mailx(&["fetch"]);
        assert_eq!(
            out.status.code(),
            Some(77),
            "{protocol} {auth}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("authentication failed"),
            "{}",
            stderr(&out)
        );
    }
    // The password still works beside the tokens.
    let c = Client::new();
    c.write_config(&AccountToml::new("p", &dc, "imap", &user, &c).toml());
    assert_ok(&c.mailx(&["fetch"]));
}

#[test]
fn a_mechanism_the_server_lacks_is_named_and_plain_rides_on_the_command() {
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    for protocol in ["imap", "pop3"] {
        let c = Client::new();
        c.write_config(
            &AccountToml::new("o", &dc, protocol, &user, &c)
                .extra("auth = \"oauthbearer\"")
                .toml(),
        );
        let out = c.mailx(&["fetch"]);
        assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("offers no") && stderr(&out).contains("OAUTHBEARER"),
            "{}",
            stderr(&out)
        );
    }
    // Dovecot offers SASL-IR: AUTHENTICATE PLAIN carries its response (one round trip).
    let c = Client::new();
    c.write_config(&AccountToml::new("p", &dc, "imap", &user, &c).toml());
    let out = c.mailx(&["-vv", "check"]);
    assert!(out.status.code() == Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("AUTHENTICATE PLAIN") && stderr(&out).contains("SASL-IR"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains(PASSWORD));
}

#[test]
/// Dovecot with only the SASL LOGIN mechanism: no AUTH=PLAIN, and LOGINDISABLED even over
/// TLS (its LOGIN command needs PLAIN inside). mailx logs in with SASL LOGIN.
fn a_server_with_only_sasl_login() {
    let dc = Dovecot::start_with(Options {
        auth_mechanisms: Some("login"),
        ..Options::default()
    });
    let user = dc.add_user(false);
    for protocol in ["imap", "pop3"] {
        dc.add_messages(&user, "", &[message(1, protocol)], "");
        let c = Client::new();
        c.write_config(
            &AccountToml::new("l", &dc, protocol, &user, &c)
                .extra("keep = false")
                .toml(),
        );
        let out = c.mailx(&["-vv", "fetch"]);
        assert_ok(&out);
        assert_eq!(local_messages(&c.maildir("l"), "").len(), 1, "{protocol}");
        let log = stderr(&out);
        let step = if protocol == "imap" {
            "C: AUTHENTICATE LOGIN"
        } else {
            "C: AUTH LOGIN"
        };
        assert!(log.contains(step), "{protocol}: {log}");
        assert!(!log.contains("C: AUTHENTICATE PLAIN") && !log.contains("C: AUTH PLAIN"));
        assert!(!log.contains(PASSWORD), "never logged");
        assert!(settles_empty(&dc, &user, ""), "{protocol}");
    }
}

/// Courier-IMAP offers no AUTH= before STARTTLS: on a plain connection (allowed
/// explicitly) mailx logs in with the LOGIN command; Courier POP3 offers no SASL at all:
/// USER/PASS. Both against the real server.
#[test]
fn courier_without_sasl_gets_login_and_user_pass() {
    let courier = crate::common::courier::Courier::start();
    let user = courier.dot_user();
    let [imap, _, pop3, _] = courier.ports();
    for (protocol, port, step) in [("imap", imap, "C: LOGIN "), ("pop3", pop3, "C: PASS")] {
        courier.add_messages(&user, "", &[message(1, protocol)], "");
        let c = Client::new();
        c.write_config(
            &AccountToml::new("c", &courier, protocol, &user, &c)
                .plaintext(port)
                .toml(),
        );
        let out = c.mailx(&["-vv", "fetch"]);
        assert_ok(&out);
        let log = stderr(&out);
        assert!(log.contains(step), "{protocol}: {log}");
        assert!(!log.contains(PASSWORD), "never logged");
        assert!(
            !local_messages(&c.maildir("c"), "").is_empty(),
            "{protocol}"
        );
    }
}

/// The password is looked up while the connection is made. A connection that waited too
/// long for it (with MAILX_TEST_DIALED_FRESH_MS=0: any) is not trusted and a new one is
/// made for the login; a password source that fails stops the run before any login.
#[test]
fn a_connection_that_waited_for_the_password_is_made_again() {
    let dc = Dovecot::start();
    for protocol in ["pop3", "imap"] {
        let user = dc.add_user(false);
        dc.add_message(&user, "", &message(1, "redial"), "");
        let c = Client::new();
        let slow = format!("password_command = \"sleep 0.3; printf {PASSWORD}\"");
        c.write_config(
            &account("a", &dc, protocol, &user, &c, "")
                .replace(&format!("password_command = \"printf {PASSWORD}\""), &slow),
        );
        let out = c.mailx_env(&["-vv", "fetch"], &[("MAILX_TEST_DIALED_FRESH_MS", "0")]);
        let text = stderr(&out);
        assert_ok(&out);
        assert!(text.contains("connecting again for the login"), "{text}");
        assert_eq!(local_messages(&c.maildir("a"), "").len(), 1, "{protocol}");

        let failing = AccountToml::new("a", &dc, protocol, &user, &c)
            .extra("password_command = \"exit 3\"")
            .no_password()
            .toml();
        c.write_config(&failing);
        let out = c.mailx(&["-vv", "fetch"]);
        let text = stderr(&out);
        assert_ne!(code(&out), 0, "{text}");
        assert!(text.contains("password_command exited"), "{text}");
        assert!(
            ["C: AUTH", "C: LOGIN", "C: USER"]
                .iter()
                .all(|login| !text.contains(login)),
            "{protocol}: no login without a password: {text}"
        );
    }
}

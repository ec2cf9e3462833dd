//! mailx's own OAuth2 sign-in against a fake authorization server on loopback: the
//! authorization code with PKCE through a loopback redirect (the test plays the browser),
//! the token exchange, the tokens in a real Secret Service, the access token refreshed
//! when it expires, and Dovecot accepting each token over XOAUTH2 / OAUTHBEARER.

use crate::common::bus::SessionBus;
use crate::common::discovery::serve_tokeninfo;
use crate::common::*;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

fn decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if b[i] == b'+' { b' ' } else { b[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn param(list: &[(String, String)], name: &str) -> String {
    list.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn base64url(bytes: &[u8]) -> String {
    openssl::base64::encode_block(bytes)
        .replace('+', "-")
        .replace('/', "_")
        .trim_end_matches('=')
        .to_string()
}

/// A token endpoint: the code "the-code" for the PKCE challenge the browser saw gives
/// at-1 and rt-1; rt-1 refreshes to at-2. Every grant is logged.
struct Provider {
    base: String,
    challenge: Arc<Mutex<String>>,
    grants: Arc<Mutex<Vec<String>>>,
}

fn provider() -> Provider {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let challenge = Arc::new(Mutex::new(String::new()));
    let grants = Arc::new(Mutex::new(Vec::new()));
    let (c, g) = (challenge.clone(), grants.clone());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            let body = loop {
                let n = conn.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break String::new();
                }
                req.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&req).into_owned();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("Content-Length: "))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if body.len() >= len {
                        break body.to_string();
                    }
                }
            };
            let form = params(&body);
            let grant = param(&form, "grant_type");
            g.lock().unwrap().push(grant.clone());
            let verifier_ok = base64url(&openssl::sha::sha256(
                param(&form, "code_verifier").as_bytes(),
            )) == *c.lock().unwrap();
            let answer = match grant.as_str() {
                "authorization_code"
                    if param(&form, "code") == "the-code"
                        && verifier_ok
                        && param(&form, "client_id") == "mailx-test" =>
                {
                    (
                        200,
                        r#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-1"}"#,
                    )
                }
                "refresh_token" if param(&form, "refresh_token") == "rt-1" => (
                    200,
                    r#"{"access_token":"at-2","token_type":"Bearer","expires_in":3600}"#,
                ),
                _ => (
                    400,
                    r#"{"error":"invalid_grant","error_description":"bad code or verifier"}"#,
                ),
            };
            let _ = conn.write_all(
                format!(
                    "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                    answer.0,
                    answer.1.len(),
                    answer.1
                )
                .as_bytes(),
            );
        }
    });
    Provider {
        base,
        challenge,
        grants,
    }
}

/// A GET as the browser sends it; the status code.
fn browser_get(url: &str) -> u16 {
    let rest = url.strip_prefix("http://").unwrap();
    let (authority, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = TcpStream::connect(authority).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {authority}\r\n\r\n").unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Reads the sign-in address `child` prints, checks it, and plays the browser: a forged
/// redirect first (ignored), then the real one. The child's exit and the rest of stderr.
fn act_as_browser(
    p: &Provider,
    child: &mut std::process::Child,
) -> (std::process::ExitStatus, String) {
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let address = loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "no address printed");
        if line.starts_with(&format!("{}/authorize?", p.base)) {
            break line.trim().to_string();
        }
    };
    let q = params(address.split_once('?').unwrap().1);
    assert_eq!(param(&q, "response_type"), "code");
    assert_eq!(param(&q, "client_id"), "mailx-test");
    assert_eq!(param(&q, "code_challenge_method"), "S256");
    assert_eq!(param(&q, "scope"), "mail offline");
    *p.challenge.lock().unwrap() = param(&q, "code_challenge");
    let redirect = param(&q, "redirect_uri");
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    // A request without the right state is not the provider's: ignored.
    assert_eq!(
        browser_get(&format!("{redirect}?code=the-code&state=forged")),
        404
    );
    let state = param(&q, "state");
    assert_eq!(
        browser_get(&format!("{redirect}?code=the-code&state={state}")),
        200
    );
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    (child.wait().unwrap(), rest)
}

/// The account `name` was written with the built-in client and no token in the file, and
/// a fetch with the token from the keyring stores its one message.
fn written_and_fetching(c: &Client, bus: &SessionBus, name: &str) {
    let text = std::fs::read_to_string(c.config_path()).unwrap();
    assert!(
        text.contains("auth = \"oauthbearer\"\noauth2_client_id = \"mailx-test\"\n"),
        "{text}"
    );
    assert!(!text.contains("at-1") && !text.contains("rt-1"));
    assert_ok(&bus.mailx(c, &["fetch", name], ""));
    assert_eq!(local_messages(&c.maildir(name), "").len(), 1);
}

#[test]
fn sign_in_with_pkce_then_refresh_when_the_access_token_expires() {
    let p = provider();
    let tokeninfo = serve_tokeninfo(vec![
        ("at-1".into(), "slash0".into()),
        ("at-2".into(), "slash0".into()),
    ]);
    let dc = Dovecot::start_with(Options {
        oauth2_tokeninfo: Some(tokeninfo),
        ..Options::default()
    });
    let user = dc.add_user(false);
    dc.add_messages(&user, "", &[message(1, "oauth")], "");
    let c = Client::new();
    let bus = SessionBus::start(c.dir.path());
    c.write_config(
        &AccountToml::new("o", &dc, "imap", &user, &c)
            .no_password()
            .extra(&format!(
                "auth = \"oauthbearer\"\noauth2_client_id = \"mailx-test\"\noauth2_auth_url = \"{0}/authorize\"\noauth2_token_url = \"{0}/token\"\noauth2_scope = \"mail offline\"",
                p.base
            ))
            .toml(),
    );
    let mailx = |args: &[&str], extra: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailx"));
        cmd.arg("--config")
            .arg(c.config_path())
            .args(["--timeout", "10"])
            .args(args)
            .env_remove("MAILX_CONFIG")
            .envs(bus.env())
            .envs(extra.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    };
    // Before signing in: said plainly.
    let o = mailx(&["fetch"], &[]).output().unwrap();
    assert_eq!(o.status.code(), Some(77), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("mailx account authorize o"),
        "{}",
        stderr(&o)
    );

    let mut child = mailx(&["account", "authorize", "o"], &[]).spawn().unwrap();
    let (status, rest) = act_as_browser(&p, &mut child);
    assert!(status.success(), "{rest}");
    assert!(
        rest.contains("Signed in") && rest.contains("Login ok"),
        "{rest}"
    );

    let o = mailx(&["-vv", "fetch"], &[]).output().unwrap();
    assert_ok(&o);
    assert_eq!(local_messages(&c.maildir("o"), "").len(), 1);
    assert!(!stderr(&o).contains("at-1"), "the token is never logged");
    assert_eq!(*p.grants.lock().unwrap(), ["authorization_code"]);

    // Two hours later the access token has expired: refreshed once, then used.
    dc.add_messages(&user, "", &[message(2, "later")], "");
    let later = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 7200)
        .to_string();
    for _ in 0..2 {
        let o = mailx(&["fetch"], &[("MAILX_TEST_NOW", &later)])
            .output()
            .unwrap();
        assert_ok(&o);
    }
    assert_eq!(local_messages(&c.maildir("o"), "").len(), 2);
    assert_eq!(
        *p.grants.lock().unwrap(),
        ["authorization_code", "refresh_token"],
        "refreshed once: the new token is kept"
    );
    let text = std::fs::read_to_string(c.config_path()).unwrap();
    assert!(!text.contains("at-") && !text.contains("rt-1"));
}

#[test]
fn without_a_keyring_the_sign_in_points_at_a_token_command() {
    let c = Client::new();
    c.write_config(
        "[accounts.o]\nprotocol = \"imap\"\nhost = \"127.0.0.1\"\nuser = \"u\"\nmaildir = \"/tmp/mailx-never\"\nauth = \"xoauth2\"\noauth2_client_id = \"id\"\noauth2_auth_url = \"https://a.example.test/auth\"\noauth2_token_url = \"https://a.example.test/token\"\noauth2_scope = \"mail\"\n",
    );
    let o = c.mailx(&["account", "authorize", "o"]);
    assert_eq!(o.status.code(), Some(77), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("keyring is not reachable"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("oama"), "{}", stderr(&o));
    // Half an OAuth2 client, or one beside a password command, is a config error.
    c.write_config(
        "[accounts.o]\nprotocol = \"imap\"\nhost = \"h\"\nuser = \"u\"\nmaildir = \"/tmp/mailx-never\"\nauth = \"xoauth2\"\noauth2_client_id = \"id\"\npassword_command = \"x\"\n",
    );
    let o = c.mailx(&["account", "list"]);
    assert_eq!(o.status.code(), Some(78), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(":7:") || stderr(&o).contains("oauth2_client_id"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_provider_that_wants_oauth2_gets_it_from_the_flags_and_the_wizard() {
    use crate::common::discovery::{autoconfig_xml, serve_dns, serve_http};
    use rexpect::session::spawn_command;
    let p = provider();
    let tokeninfo = serve_tokeninfo(vec![
        ("at-1".into(), "slash0".into()),
        ("cmd-token".into(), "slash0".into()),
    ]);
    let dc = Dovecot::start_with(Options {
        oauth2_tokeninfo: Some(tokeninfo),
        ..Options::default()
    });
    let user = dc.add_user(false);
    dc.add_messages(&user, "", &[message(1, "oauth")], "");
    let xml = autoconfig_xml(
        &[("imap", "127.0.0.1", dc.imaps, "SSL")],
        "%EMAILLOCALPART%",
    )
    .replace("password-cleartext", "OAuth2");
    let (base, _) = serve_http("/mail/config-v1.1.xml", xml);
    let dns = serve_dns(vec![]).to_string();
    let email = format!("{user}@example.test");
    let ca = dc.ca_file().display().to_string();

    // Flags: without --auth, said what to give; with it, a token command works.
    let c = Client::new();
    let maildir = c.maildir("f").display().to_string();
    let mut args = vec![
        "account",
        "add",
        "f",
        "--email",
        &email,
        "--autoconfig-url",
        &base,
        "--dns-server",
        &dns,
        "--ca-file",
        &ca,
        "--maildir",
        &maildir,
        "--password-command",
        "printf cmd-token",
    ];
    let o = c.mailx(&args);
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
    assert!(stderr(&o).contains("--auth oauthbearer"), "{}", stderr(&o));
    args.extend_from_slice(&["--auth", "oauthbearer"]);
    let o = c.mailx(&args);
    assert_ok(&o);
    assert!(
        std::fs::read_to_string(c.config_path())
            .unwrap()
            .contains("auth = \"oauthbearer\"\n")
    );
    assert_ok(&c.mailx(&["fetch", "f"]));

    // The wizard: mailx's own sign-in, the test playing the browser.
    let c = Client::new();
    let bus = SessionBus::start(c.dir.path());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mailx"));
    cmd.arg("--config")
        .arg(c.config_path())
        .args([
            "account",
            "add",
            "w",
            "--email",
            &email,
            "--autoconfig-url",
            &base,
        ])
        .args(["--dns-server", &dns, "--ca-file", &ca, "--maildir"])
        .arg(c.maildir("w"))
        .env_remove("MAILX_CONFIG")
        .envs(bus.env())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    let mut s = spawn_command(cmd, Some(30_000)).unwrap();
    let mut step = |wait: &str, keys: &str| {
        s.exp_string(wait)
            .unwrap_or_else(|e| panic!("waiting for {wait:?}: {e}"));
        s.send(keys).unwrap();
        s.flush().unwrap();
    };
    step("signs in with OAuth2", "");
    step("Login name", "\r");
    step("How should mailx get its access tokens?", "\x1b[B\r");
    step("OAuth2 client id", "mailx-test\r");
    step("Client secret", "\r");
    step("Authorization address", &format!("{}/authorize\r", p.base));
    step("Token address", &format!("{}/token\r", p.base));
    step("Scopes", "mail offline\r");
    let (_, address) = s
        .exp_regex(r"http://127\.0\.0\.1:[0-9]+/authorize\?[^\s]+")
        .unwrap();
    let q = params(address.split_once('?').unwrap().1);
    *p.challenge.lock().unwrap() = param(&q, "code_challenge");
    let redirect = param(&q, "redirect_uri");
    let state = param(&q, "state");
    assert_eq!(
        browser_get(&format!("{redirect}?code=the-code&state={state}")),
        200
    );
    let mut step = |wait: &str, keys: &str| {
        s.exp_string(wait)
            .unwrap_or_else(|e| panic!("waiting for {wait:?}: {e}"));
        s.send(keys).unwrap();
        s.flush().unwrap();
    };
    step("Login ok", "");
    step("Which folders?", "\r");
    step("How should mailx treat the server?", "\r");
    step("Write it?", "y");
    s.exp_string("Next: mailx fetch w").unwrap();
    s.exp_eof().unwrap();
    written_and_fetching(&c, &bus, "w");
}

#[test]
fn account_add_signs_in_with_the_flags_for_the_builtin_client() {
    let p = provider();
    let tokeninfo = serve_tokeninfo(vec![("at-1".into(), "slash0".into())]);
    let dc = Dovecot::start_with(Options {
        oauth2_tokeninfo: Some(tokeninfo),
        ..Options::default()
    });
    let user = dc.add_user(false);
    dc.add_messages(&user, "", &[message(1, "flags")], "");
    let c = Client::new();
    let bus = SessionBus::start(c.dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailx"))
        .arg("--config")
        .arg(c.config_path())
        .args(["account", "add", "f", "--host", "127.0.0.1", "--port"])
        .arg(dc.imaps.to_string())
        .arg("--ca-file")
        .arg(dc.ca_file())
        .args(["--user", &user, "--maildir"])
        .arg(c.maildir("f"))
        .args([
            "--oauth2-client-id",
            "mailx-test",
            "--oauth2-scope",
            "mail offline",
        ])
        .arg("--oauth2-auth-url")
        .arg(format!("{}/authorize", p.base))
        .arg("--oauth2-token-url")
        .arg(format!("{}/token", p.base))
        .env_remove("MAILX_CONFIG")
        .envs(bus.env())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, rest) = act_as_browser(&p, &mut child);
    assert!(status.success(), "{rest}");
    assert!(rest.contains("Login ok: 1 messages in INBOX"), "{rest}");
    written_and_fetching(&c, &bus, "f");
    // A client id without its endpoints is named.
    let o = c.mailx(&[
        "account",
        "add",
        "g",
        "--host",
        "127.0.0.1",
        "--user",
        "u",
        "--oauth2-client-id",
        "x",
        "--no-test",
    ]);
    assert_eq!(o.status.code(), Some(64), "{}", stderr(&o));
    assert!(stderr(&o).contains("--oauth2-auth-url"), "{}", stderr(&o));
}

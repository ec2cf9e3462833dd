//! `mailx account add|test|remove|password` without a terminal: the flags, discovery from
//! loopback stand-ins (autoconfig over HTTP, SRV from a DNS server, guessed names routed
//! by the hidden `--connect-to`), the login test, and what is written.

use crate::common::discovery::{autoconfig_xml, serve_dns, serve_http};
use crate::common::*;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output, Stdio};

/// mailx with `args`, `env` and `stdin` (no terminal).
fn run(c: &Client, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    c.mailx_stdin(args, env, stdin)
}

fn config_text(c: &Client) -> String {
    std::fs::read_to_string(c.config_path()).unwrap_or_default()
}

const EXISTING: &str = "# Mail accounts of the test\n\n[accounts.other]   # kept as it is\nprotocol = \"pop3\"\nhost = \"pop.other.test\"\nuser = \"x\"\nmaildir = \"/tmp/mailx-other-never-used\"\n";

#[test]
fn add_with_flags_tests_the_login_and_appends_the_account() {
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    dc.add_messages(&user, "", &[message(1, "hello")], "");
    let c = Client::new();
    std::fs::write(c.config_path(), EXISTING).unwrap();
    let maildir = c.maildir("home").display().to_string();
    let ca = dc.ca_file().display().to_string();
    let imaps = dc.imaps.to_string();
    let args = |name: &'static str, maildir: &str| -> Vec<String> {
        [
            "account",
            "add",
            name,
            "--host",
            "127.0.0.1",
            "--port",
            &imaps,
            "--tls",
            "implicit",
            "--ca-file",
            &ca,
            "--user",
            &user,
            "--password-env",
            "PW",
            "--maildir",
            maildir,
            "--folders",
            "*",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let a = args("home", &maildir);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let o = run(&c, &a, &[("PW", PASSWORD)], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = config_text(&c);
    assert!(text.starts_with(EXISTING), "existing bytes kept:\n{text}");
    let block = &text[EXISTING.len()..];
    assert!(
        block.starts_with("\n[accounts.home]\nprotocol = \"imap\"\nhost = \"127.0.0.1\""),
        "{block}"
    );
    assert!(block.contains("password_env = \"PW\"\n"));
    assert!(block.contains("folders = [\"*\"]\n"));
    assert!(!text.contains(PASSWORD), "no password in the file");
    assert!(
        stdout(&o).contains("[accounts.home]"),
        "the block is printed"
    );
    assert!(
        stderr(&o).contains("Login ok: 1 messages in INBOX"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("mailx fetch home"),
        "next command: {}",
        stderr(&o)
    );
    // The account works as written.
    let fetched = c.mailx_env(&["fetch", "home"], &[("PW", PASSWORD)]);
    assert_ok(&fetched);
    assert_eq!(local_messages(&c.maildir("home"), "").len(), 1);

    // Refusals leave the file as it was.
    let before = config_text(&c);
    let o = run(&c, &a, &[("PW", PASSWORD)], "");
    assert_eq!(code(&o), 78, "duplicate name: {}", stderr(&o));
    assert!(stderr(&o).contains("exists already"), "{}", stderr(&o));
    let other = c.maildir("second").display().to_string();
    let b = args("second", &other);
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let o = run(&c, &b, &[("PW", "wrong")], "");
    assert_eq!(code(&o), 77, "wrong password: {}", stderr(&o));
    let o = run(
        &c,
        &args("second", &maildir)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &[("PW", PASSWORD)],
        "",
    );
    assert_eq!(code(&o), 78, "shared Maildir: {}", stderr(&o));
    assert!(stderr(&o).contains("share a Maildir"), "{}", stderr(&o));
    let mut plain = b.clone();
    plain[8] = "none";
    let o = run(&c, &plain, &[("PW", PASSWORD)], "");
    assert_eq!(
        code(&o),
        64,
        "--tls none needs --allow-plaintext: {}",
        stderr(&o)
    );
    let no_source: Vec<&str> = b
        .iter()
        .copied()
        .filter(|a| *a != "--password-env" && *a != "PW")
        .collect();
    let o = run(&c, &no_source, &[], "");
    assert_eq!(
        code(&o),
        64,
        "a password source is required: {}",
        stderr(&o)
    );
    let o = run(&c, &["account", "add"], &[], "");
    assert_eq!(code(&o), 64, "no terminal, no flags: {}", stderr(&o));
    assert!(
        stderr(&o).contains("no terminal to ask on"),
        "{}",
        stderr(&o)
    );
    assert_eq!(config_text(&c), before);
}

#[test]
fn a_new_config_file_is_private() {
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    let c = Client::new();
    let path = c.dir.path().join("new/dir/config.toml");
    let o = Command::new(env!("CARGO_BIN_EXE_mailx"))
        .args(["--config", path.to_str().unwrap(), "account", "add", "p"])
        .args(["--protocol", "pop3", "--host", "127.0.0.1", "--port"])
        .arg(dc.pop3.to_string())
        .args([
            "--tls",
            "starttls",
            "--ca-file",
            dc.ca_file().to_str().unwrap(),
        ])
        .args([
            "--user",
            &user,
            "--password-command",
            &format!("printf {PASSWORD}"),
        ])
        .args(["--keep", "true", "--delete-after-days", "30"])
        .env("HOME", c.dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("[accounts.p]\nprotocol = \"pop3\""),
        "{text}"
    );
    assert!(text.contains("tls = \"starttls\"\n") && text.contains("delete_after_days = 30\n"));
    assert!(text.contains("maildir = \"~/Mail/p\"\n"), "{text}");
}

#[test]
fn discovery_by_autoconfig_srv_records_and_guessed_names() {
    let dc = Dovecot::start_with(Options {
        cert_names: "DNS:localhost,IP:127.0.0.1,DNS:imap.example.test,DNS:pop.example.test,DNS:mail.example.test",
        ..Options::default()
    });
    let user = dc.add_user(true);
    let ca = dc.ca_file().display().to_string();
    let email = format!("{user}@example.test");
    let no_dns = serve_dns(vec![]).to_string();
    let (nothing, _) = serve_http("/nothing-here", String::new());
    let add = |c: &Client, name: &str, extra: &[&str]| -> Output {
        let maildir = c.maildir(name).display().to_string();
        let mut args = vec![
            "account",
            "add",
            name,
            "--email",
            &email,
            "--ca-file",
            &ca,
            "--password-env",
            "PW",
            "--maildir",
            &maildir,
        ];
        args.extend_from_slice(extra);
        run(c, &args, &[("PW", PASSWORD)], "")
    };

    // Autoconfig at autoconfig.<domain>/mail/..., with the address in the query.
    let xml = autoconfig_xml(
        &[
            ("imap", "127.0.0.1", dc.imaps, "SSL"),
            ("pop3", "127.0.0.1", dc.pop3, "STARTTLS"),
        ],
        "%EMAILLOCALPART%",
    );
    let (base, asked) = serve_http("/mail/config-v1.1.xml", xml.clone());
    let c = Client::new();
    let o = add(
        &c,
        "a",
        &["--autoconfig-url", &base, "--dns-server", &no_dns],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = config_text(&c);
    assert!(
        text.contains(&format!("port = {}\ntls = \"implicit\"", dc.imaps)),
        "{text}"
    );
    assert!(
        text.contains(&format!("user = \"{user}\"")),
        "user from autoconfig: {text}"
    );
    assert!(stderr(&o).contains("(autoconfig)"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("folder prefix INBOX., separator ."),
        "{}",
        stderr(&o)
    );
    let target = asked.try_recv().unwrap();
    assert_eq!(
        target,
        format!("/mail/config-v1.1.xml?emailaddress={user}%40example.test")
    );
    let o = add(
        &c,
        "b",
        &[
            "--autoconfig-url",
            &base,
            "--dns-server",
            &no_dns,
            "--protocol",
            "pop3",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(config_text(&c).contains(&format!(
        "protocol = \"pop3\"\nhost = \"127.0.0.1\"\nport = {}\ntls = \"starttls\"",
        dc.pop3
    )));
    // ... or at the domain's .well-known.
    let (well_known, _) = serve_http("/.well-known/autoconfig/mail/config-v1.1.xml", xml);
    let o = add(
        &Client::new(),
        "w",
        &["--autoconfig-url", &well_known, "--dns-server", &no_dns],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // SRV records (no autoconfig): names routed to the loopback server.
    let dns = serve_dns(vec![
        ("_imaps._tcp.example.test", 10, 0, 993, "imap.example.test"),
        ("_pop3s._tcp.example.test", 10, 0, 995, "pop.example.test"),
        ("_imap._tcp.example.test", 0, 0, 0, "."),
    ])
    .to_string();
    let imaps_route = format!("imap.example.test:993:127.0.0.1:{}", dc.imaps);
    let pop3s_route = format!("pop.example.test:995:127.0.0.1:{}", dc.pop3s);
    let c = Client::new();
    let srv = |c: &Client, name: &str, more: &[&str]| {
        let mut a = vec![
            "--connect-to",
            &imaps_route,
            "--connect-to",
            &pop3s_route,
            "--autoconfig-url",
            &nothing,
            "--dns-server",
            &dns,
        ];
        a.extend_from_slice(more);
        add(c, name, &a)
    };
    let o = srv(&c, "s", &["--user", &user]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Found IMAP imap.example.test:993 (TLS) (DNS SRV record)"),
        "{}",
        stderr(&o)
    );
    assert!(config_text(&c).contains("host = \"imap.example.test\"\nport = 993\n"));
    let o = srv(&c, "s2", &["--user", &user, "--protocol", "pop3"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(config_text(&c).contains("host = \"pop.example.test\"\nport = 995\n"));

    // Guessed names: a STARTTLS-only IMAP server, an implicit-TLS-only POP3 server.
    let starttls_only = format!("imap.example.test:143:127.0.0.1:{}", dc.imap);
    let c = Client::new();
    let guess = |c: &Client, name: &str, route: &str, more: &[&str]| {
        let mut a = vec![
            "--connect-to",
            route,
            "--autoconfig-url",
            &nothing,
            "--dns-server",
            &no_dns,
            "--user",
            &user,
        ];
        a.extend_from_slice(more);
        add(c, name, &a)
    };
    let o = guess(&c, "g1", &starttls_only, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Found IMAP imap.example.test:143 (STARTTLS) (guessed name)"),
        "{}",
        stderr(&o)
    );
    assert!(
        config_text(&c).contains("host = \"imap.example.test\"\nport = 143\ntls = \"starttls\"\n")
    );
    let o = guess(&c, "g2", &pop3s_route, &["--protocol", "pop3"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        config_text(&c).contains("host = \"pop.example.test\"\nport = 995\ntls = \"implicit\"\n")
    );

    // An untrusted certificate is reported as such, never accepted.
    let c = Client::new();
    let maildir = c.maildir("u").display().to_string();
    let o = run(
        &c,
        &[
            "--connect-to",
            &imaps_route,
            "account",
            "add",
            "u",
            "--email",
            &email,
            "--autoconfig-url",
            &nothing,
            "--dns-server",
            &no_dns,
            "--password-env",
            "PW",
            "--maildir",
            &maildir,
        ],
        &[("PW", PASSWORD)],
        "",
    );
    assert_eq!(code(&o), 69, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("IMAP imap.example.test:993 (TLS) (guessed name): TLS failed: server certificate not trusted"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--ca-file"), "{}", stderr(&o));
    assert_eq!(config_text(&c), "");
}

#[test]
fn account_test_reports_each_step_and_exits_with_the_failing_one() {
    let dc = Dovecot::start();
    let user = dc.add_user(true);
    dc.add_messages(&user, "", &[message(1, "a"), message(2, "b")], "");
    let c = Client::new();
    let good = AccountToml::new("good", &dc, "imap", &user, &c).toml();
    let nodns = AccountToml::new("nodns", &dc, "imap", &user, &c)
        .toml()
        .replace("host = \"127.0.0.1\"", "host = \"nowhere.example.test\"");
    let closed = AccountToml::new("closed", &dc, "imap", &user, &c)
        .port(free_port())
        .toml();
    let untrusted = AccountToml::new("untrusted", &dc, "imap", &user, &c)
        .toml()
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let wrong_protocol = AccountToml::new("wrongproto", &dc, "imap", &user, &c)
        .port(dc.pop3s)
        .toml();
    let badpass = AccountToml::new("badpass", &dc, "imap", &user, &c)
        .password("nope")
        .toml();
    c.write_config(&[good, nodns, closed, untrusted, wrong_protocol, badpass].join("\n"));
    let test = |name: &str| {
        c.mailx(&[
            "--connect-to",
            "unused.example.test:1:127.0.0.1:1",
            "account",
            "test",
            name,
        ])
    };
    let o = test("good");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    for step in [
        "DNS", "connect", "TLS", "greeting", "login", "folders", "messages",
    ] {
        assert!(out.contains(&format!("  {step:<9} ok")), "{step}: {out}");
    }
    assert!(out.contains("2 in INBOX"), "{out}");
    assert!(out.contains("prefix \"INBOX.\""), "{out}");
    for (name, step, exit) in [
        ("nodns", "DNS", 69),
        ("closed", "connect", 69),
        ("untrusted", "TLS", 69),
        ("wrongproto", "greeting", 76),
        ("badpass", "login", 77),
    ] {
        let o = test(name);
        assert_eq!(code(&o), exit, "{name}: {}", stderr(&o));
        assert!(
            stdout(&o).contains(&format!("  {step:<9} FAILED")),
            "{name}: {}",
            stdout(&o)
        );
    }
    let o = c.mailx(&["--json", "account", "test", "badpass"]);
    let j: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(j["failed_step"], "login");
    assert_eq!(j["ok"], false);
}

#[test]
fn remove_keeps_the_rest_and_the_mail_and_password_needs_a_keyring() {
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    let c = Client::new();
    let a = AccountToml::new("a", &dc, "imap", &user, &c).toml();
    let b = AccountToml::new("b", &dc, "imap", &user, &c)
        .no_password()
        .toml();
    let head = format!(
        "# top comment\nstate_dir = \"{}\"\n\n",
        c.dir.path().join("state").display()
    );
    // A comment right above a table goes with it (toml_edit keeps it as the table's).
    std::fs::write(
        c.config_path(),
        format!("{head}# about a\n{a}\n# about b\n{b}"),
    )
    .unwrap();
    std::fs::create_dir_all(c.maildir("a").join("cur")).unwrap();
    let o = run(&c, &["account", "remove", "a"], &[], "");
    assert_eq!(code(&o), 64, "no terminal, no --yes: {}", stderr(&o));
    let before = config_text(&c);
    let o = run(&c, &["account", "remove", "a", "--yes"], &[], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let after = config_text(&c);
    assert!(!after.contains("[accounts.a]"));
    assert!(
        after.contains("# top comment\n") && after.contains(&b),
        "{after}"
    );
    assert!(before.ends_with(&b) && after.ends_with(&b));
    assert!(c.maildir("a").join("cur").is_dir(), "the Maildir stays");
    let o = run(&c, &["account", "remove", "nope", "--yes"], &[], "");
    assert_ne!(code(&o), 0);

    // Headless: no Secret Service on a session bus here, said plainly.
    let o = run(
        &c,
        &["account", "password", "b"],
        &[],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(code(&o), 77, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot store the password in the OS keyring"),
        "{}",
        stderr(&o)
    );
    let o = run(&c, &["account", "password", "b"], &[], "wrong\n");
    assert_eq!(code(&o), 77, "tested first: {}", stderr(&o));
    assert!(
        stderr(&o).contains("authentication failed"),
        "{}",
        stderr(&o)
    );
    let with_command = AccountToml::new("cmd", &dc, "imap", &user, &c).toml();
    c.write_config(&with_command);
    let o = run(&c, &["account", "password", "cmd"], &[], "x\n");
    assert_eq!(code(&o), 64, "{}", stderr(&o));
}

//! What people read, as snapshots (`insta`): `--help` of every command, and the most
//! common error outputs. A wording change is then a reviewed change of a snapshot
//! (`INSTA_UPDATE=always cargo test --test it texts`, then read the diff), never an accident.

use std::process::Command;

use crate::common::*;

/// stdout and stderr of `mailx ARGS` at a fixed width, with `replace` pairs applied (temp
/// paths, ports).
fn run(args: &[&str], replace: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mailx"))
        .args(args)
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .env_remove("MAILX_CONFIG")
        .env("HOME", "/nonexistent")
        .env("XDG_CONFIG_HOME", "/nonexistent/.config")
        .output()
        .expect("run mailx");
    let mut text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for (from, to) in replace {
        text = text.replace(from, to);
    }
    text
}

#[test]
fn help_of_every_command() {
    for args in [
        vec!["--help"],
        vec!["fetch", "--help"],
        vec!["sync", "--help"],
        vec!["check", "--help"],
        vec!["status", "--help"],
        vec!["clean", "--help"],
        vec!["watch", "--help"],
        vec!["account", "--help"],
        vec!["account", "list", "--help"],
        vec!["account", "show", "--help"],
        vec!["account", "test", "--help"],
        vec!["completions", "--help"],
        vec!["man", "--help"],
    ] {
        let name = match &args[..args.len() - 1] {
            [] => "help_mailx".to_string(),
            words => format!("help_{}", words.join("_")),
        };
        insta::assert_snapshot!(name, run(&args, &[]));
    }
}

#[test]
fn common_errors() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().display().to_string();
    let missing = format!("{tmp}/config.toml");
    insta::assert_snapshot!(
        "error_missing_config",
        run(&["--config", &missing, "fetch"], &[(&tmp, "[TMP]")])
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[accounts.home]\nprotocol = \"imap\"\nhost = \"mail.example.com\"\nuser = \"me\"\npassword_env = \"PW\"\nmaildir = \"Mail\"\ncolour = \"red\"\n",
    )
    .unwrap();
    let bad = bad.display().to_string();
    insta::assert_snapshot!(
        "error_unknown_key",
        run(&["--config", &bad, "fetch"], &[(&tmp, "[TMP]")])
    );
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[accounts.home]\nprotocol = \"imap\"\nhost = \"mail.example.com\"\nuser = \"me\"\npassword_env = \"PW\"\nmaildir = \"Mail\"\n",
    )
    .unwrap();
    let good = good.display().to_string();
    insta::assert_snapshot!(
        "error_unknown_account",
        run(&["--config", &good, "fetch", "nosuch"], &[(&tmp, "[TMP]")])
    );
    insta::assert_snapshot!("error_usage", run(&["fetch", "--no-such-flag"], &[]));
}

#[test]
fn wrong_password() {
    let dc = Dovecot::start();
    let c = Client::new();
    c.write_config(
        &AccountToml::new("home", &dc, "imap", SLASH_USER, &c)
            .password("wrong")
            .toml(),
    );
    let tmp = c.dir.path().display().to_string();
    let port = dc.imaps.to_string();
    let config = c.config_path().display().to_string();
    insta::assert_snapshot!(
        "error_wrong_password",
        run(
            &["--config", &config, "fetch"],
            &[(&tmp, "[TMP]"), (&port, "[PORT]")]
        )
    );
}

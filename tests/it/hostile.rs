//! Servers that misbehave on purpose, scripted on loopback: what they send must never
//! crash mailx, exhaust its memory, or make it delete anything.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::common::*;

/// An IMAP server that greets, then answers every command with `extra` untagged lines
/// followed by a tagged OK; returns its port.
fn imap_server(extra: Vec<u8>) -> u16 {
    imap_server_greeting(b"* OK IMAP4rev1 ready\r\n".to_vec(), extra)
}

fn imap_server_greeting(greeting: Vec<u8>, extra: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { return };
            let (greeting, extra) = (greeting.clone(), extra.clone());
            std::thread::spawn(move || {
                let mut out = conn.try_clone().unwrap();
                let _ = out.write_all(&greeting);
                let mut reader = BufReader::new(conn);
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    let tag = line.split_whitespace().next().unwrap_or("*").to_string();
                    let _ = out.write_all(&extra);
                    let _ = out.write_all(format!("{tag} OK done\r\n").as_bytes());
                    line.clear();
                }
            });
        }
    });
    port
}

fn run_against(port: u16, args: &[&str]) -> (std::process::Output, Duration) {
    let c = Client::new();
    c.write_config(&format!(
        "[accounts.h]\nprotocol = \"imap\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nallow_plaintext = true\nuser = \"u\"\npassword_command = \"printf p\"\nmaildir = \"{}\"\n",
        c.maildir("h").display()
    ));
    let start = Instant::now();
    let out = c.mailx_env(args, &[]);
    (out, start.elapsed())
}

#[test]
fn a_deeply_nested_answer_is_a_protocol_error_not_a_crash() {
    let mut nested = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
    nested.extend(b"(".repeat(2000));
    nested.extend(b")".repeat(2000));
    nested.extend(b")\r\n");
    let port = imap_server(nested);
    for args in [["account", "test"], ["fetch", "h"], ["check", "h"]] {
        let (out, took) = run_against(port, &args);
        assert_eq!(out.status.code(), Some(76), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("levels deep"), "{}", stderr(&out));
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
}

#[test]
fn a_huge_announced_literal_is_refused_before_it_is_allocated() {
    let port = imap_server(b"* 1 FETCH (BODY[] {536870000}\r\n".to_vec());
    let (out, _) = run_against(port, &["account", "test"]);
    assert_eq!(out.status.code(), Some(76), "{}", stderr(&out));
    assert!(stderr(&out).contains("literal"), "{}", stderr(&out));
}

/// `mailx ARGS` under a 1 GiB address-space limit (prlimit): a run that tried to hold what
/// a hostile server sends without end would fail to allocate instead of exiting cleanly.
fn run_bounded(c: &Client, args: &[&str]) -> (std::process::Output, Duration) {
    let start = Instant::now();
    let out = std::process::Command::new("prlimit")
        .arg("--as=1073741824")
        .arg(env!("CARGO_BIN_EXE_mailx"))
        .arg("--config")
        .arg(c.config_path())
        .args(["--timeout", "5"])
        .args(args)
        .env("HOME", c.dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("prlimit (util-linux) runs mailx");
    (out, start.elapsed())
}

#[test]
fn endless_pop3_answers_end_in_an_error_not_in_all_the_memory() {
    use crate::common::fake_pop3::{FakeMessage, FakePop3, Script};
    for (what, script) in [
        (
            "a status line without end",
            Script {
                endless_greeting: true,
                ..Default::default()
            },
        ),
        (
            "a RETR body without end",
            Script {
                messages: vec![FakeMessage {
                    uidl: "m".into(),
                    body: message(1, "endless"),
                    ..Default::default()
                }],
                endless_retr: true,
                ..Default::default()
            },
        ),
    ] {
        let fake = FakePop3::start(script);
        let c = Client::new();
        c.write_config(&fake.account("p", &c.maildir("p"), "keep = false"));
        let (out, took) = run_bounded(&c, &["fetch"]);
        assert_eq!(out.status.code(), Some(76), "{what}: {}", stderr(&out));
        assert!(took < Duration::from_secs(30), "{what}: {took:?}");
        assert!(
            stderr(&out).len() < 64 * 1024,
            "{what}: stderr of {} bytes",
            stderr(&out).len()
        );
        assert!(
            fake.record.lock().unwrap().committed.is_empty(),
            "{what}: deleted"
        );
        eprintln!("{what}: exit 76 after {} ms", took.as_millis());
    }
}

#[test]
fn server_text_in_errors_is_short_and_cannot_forge_lines() {
    // Control characters (a forged "error:" line, a terminal escape) and 2 MB of noise.
    let mut garbage = b"\x00\x07garbage\rerror: forged line\x1b[2J ".to_vec();
    garbage.extend(vec![b'x'; 2 * 1024 * 1024]);
    garbage.extend(b"\r\n");
    let short = b"* BYE \x1b[31mred\x00 and\rforged\r\n".to_vec();
    for greeting in [garbage, short] {
        let port = imap_server_greeting(greeting, Vec::new());
        let (out, took) = run_against(port, &["account", "test"]);
        let err = stderr(&out);
        assert!(out.status.code().is_some_and(|c| c >= 64), "{err}");
        assert!(err.len() < 4096, "stderr of {} bytes", err.len());
        assert!(
            !err.bytes().any(|b| b == 0x1b || b == 0 || b == b'\r'),
            "raw control characters reached stderr: {err:?}"
        );
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{err}"
        );
        assert!(took < Duration::from_secs(10));
    }
}

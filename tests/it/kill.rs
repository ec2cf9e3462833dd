//! A randomized kill campaign: mailx is killed (SIGKILL, no cleanup) at seeded random
//! moments during `fetch` (POP3 and IMAP, keep = false) and `sync` (uploads, flag changes
//! and deletions both ways) of a 2,000-message mailbox. After each kill, nothing may be
//! deleted on the server that is not stored locally; then clean runs must converge with
//! every message exactly once.
//!
//! CI runs a few trials of each; the long mode runs many:
//! `MAILX_KILL_TRIALS=100 cargo test --release --test it kill -- --nocapture`
//! (`MAILX_KILL_SEED` picks another sequence, `MAILX_KILL_MESSAGES` the mailbox size).

use crate::common::*;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: a reproducible sequence from the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// Runs mailx with `args` and kills it after `delay` if it is still running; true when
/// it was killed.
fn run_killed(c: &Client, args: &[&str], delay: Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mailx"))
        .arg("--config")
        .arg(c.config_path())
        .arg("--timeout")
        .arg("20")
        .args(args)
        .env_remove("MAILX_CONFIG")
        .env("HOME", c.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("mailx");
    let deadline = Instant::now() + delay;
    while Instant::now() < deadline {
        if child.try_wait().expect("wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let killed = child.try_wait().expect("wait").is_none();
    let _ = child.kill();
    let _ = child.wait();
    killed
}

fn subject(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .find_map(|l| l.strip_prefix("Subject: ").map(str::to_string))
        .unwrap_or_default()
}

/// subject → (copies, info flags of one copy) in a Maildir folder.
fn by_subject(dir: &std::path::Path) -> BTreeMap<String, (usize, String)> {
    let mut out: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (name, body) in read_maildir(dir) {
        let flags = name
            .split_once(":2,")
            .map(|(_, f)| f.to_string())
            .unwrap_or_default();
        let e = out.entry(subject(&body)).or_insert((0, flags));
        e.0 += 1;
    }
    out
}

/// How long an uninterrupted run takes (the shortest of three, so that a slow first run
/// does not send most kills after the end): kills land anywhere in 1.2 times that.
/// `world` makes a client and whatever must live while it runs (its server).
fn calibrate<H>(world: impl Fn() -> (H, Client), command: &str) -> u64 {
    let fastest = (0..3)
        .map(|_| {
            let (_server, c) = world();
            let start = Instant::now();
            assert_ok(&c.mailx(&[command]));
            start.elapsed().as_millis() as u64
        })
        .min()
        .unwrap_or(0);
    fastest * 6 / 5 + 10
}

#[derive(Default, Debug)]
struct Tally {
    trials: usize,
    killed: usize,
    lost: usize,
    duplicated: usize,
    wrongly_deleted: usize,
}

fn report(name: &str, t: &Tally, seed: u64, messages: u64) {
    eprintln!(
        "kill campaign {name}: seed {seed}, {messages} messages, {} trials ({} killed mid-run): lost {}, duplicated {}, deleted on the server without a local copy {}",
        t.trials, t.killed, t.lost, t.duplicated, t.wrongly_deleted
    );
    assert_eq!(
        (t.lost, t.duplicated, t.wrongly_deleted),
        (0, 0, 0),
        "{name}"
    );
}

/// Fetch with keep = false, killed once per trial at a random moment, then run clean; on
/// Dovecot (a user per trial) and on Courier (an instance per trial).
fn fetch_campaign(protocol: &str) {
    let dovecot = Dovecot::start();
    fetch_campaign_on(protocol, &|| {
        let user = dovecot.add_user(false);
        (Host::Dovecot(&dovecot), user)
    });
    fetch_campaign_on(protocol, &|| {
        let courier = crate::common::courier::Courier::start();
        let user = courier.dot_user();
        (Host::Courier(courier), user)
    });
}

fn fetch_campaign_on<'a>(protocol: &str, host: &dyn Fn() -> (Host<'a>, String)) {
    let seed = env_or("MAILX_KILL_SEED", 42) + u64::from(protocol == "imap");
    let trials = env_or("MAILX_KILL_TRIALS", 4);
    let n = env_or("MAILX_KILL_MESSAGES", 2000) as usize;
    let mut rng = Rng(seed.max(1));
    let originals: Vec<Vec<u8>> = (0..n).map(|i| message(i, "kill")).collect();
    let world = || {
        let (host, user) = host();
        let dc = host.server();
        dc.add_messages(&user, "", &originals, "");
        let c = Client::new();
        c.write_config(&account("a", dc, protocol, &user, &c, "keep = false"));
        (host, user, c)
    };
    let span = calibrate(
        || {
            let (host, _, c) = world();
            (host, c)
        },
        "fetch",
    );

    let mut t = Tally::default();
    let mut label = "";
    for _ in 0..trials {
        let (host, user, c) = world();
        let dc = host.server();
        label = dc.label();
        let delay = Duration::from_millis(rng.below(span));
        t.trials += 1;
        t.killed += usize::from(run_killed(&c, &["-q", "fetch"], delay));
        // At the kill: every message is on the server or whole in the Maildir.
        let server = quiescent(dc, &user, "");
        let local = local_messages(&c.maildir("a"), "");
        t.wrongly_deleted += originals
            .iter()
            .filter(|m| !server.contains(m) && !local.contains(m))
            .count();
        for _ in 0..3 {
            if c.mailx(&["-q", "fetch"]).status.success() {
                break;
            }
        }
        let local = local_messages(&c.maildir("a"), "");
        t.lost += originals.iter().filter(|m| !local.contains(m)).count();
        t.duplicated += local.len().saturating_sub(n);
        assert!(
            settles_empty(dc, &user, ""),
            "{protocol} on {label}: keep = false leaves the server empty after a clean run"
        );
    }
    report(&format!("fetch {protocol} on {label}"), &t, seed, n as u64);
}

#[test]
fn pop3_fetch_killed_at_random_moments() {
    fetch_campaign("pop3");
}

#[test]
fn imap_fetch_killed_at_random_moments() {
    fetch_campaign("imap");
}

#[test]
fn sync_killed_at_random_moments() {
    let seed = env_or("MAILX_KILL_SEED", 42) + 2;
    let trials = env_or("MAILX_KILL_TRIALS", 4);
    let n = env_or("MAILX_KILL_MESSAGES", 2000) as usize;
    let mut rng = Rng(seed);
    let dc = Dovecot::start();
    let (deleted, uploads, flagged, arrivals) = (5, 40, 40, 20);
    // A synced account, then changes on both sides: local deletions, new local files,
    // local flag changes; new server messages and server flag changes.
    let world = || {
        let user = dc.add_user(false);
        let seeded: Vec<Vec<u8>> = (0..n).map(|i| message(i, "sync")).collect();
        dc.add_messages(&user, "", &seeded, "S");
        let c = Client::new();
        c.write_config(&account("a", &dc, "imap", &user, &c, ""));
        assert_ok(&c.mailx(&["sync"]));
        let cur = c.maildir("a").join("cur");
        for e in std::fs::read_dir(&cur).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let body = std::fs::read(e.path()).unwrap();
            let i: usize = subject(&body).trim_start_matches("sync ").parse().unwrap();
            let (unique, _) = name.split_once(":2,").unwrap();
            if i < deleted {
                std::fs::remove_file(e.path()).unwrap();
            } else if (100..100 + flagged).contains(&i) {
                std::fs::rename(e.path(), cur.join(format!("{unique}:2,FS"))).unwrap();
            }
        }
        for j in 0..uploads {
            let unique = format!("1700000000.L{j}.reader");
            std::fs::write(cur.join(format!("{unique}:2,S")), message(j, "local")).unwrap();
        }
        let arrived: Vec<Vec<u8>> = (0..arrivals).map(|k| message(k, "arrived")).collect();
        dc.add_messages(&user, "", &arrived, "");
        // Server flags: \Answered on "sync 2", "sync 20".."sync 29", "sync 200".. .
        dc.doveadm(&[
            "flags",
            "add",
            "-u",
            &user,
            "\\Answered",
            "mailbox",
            "INBOX",
            "SUBJECT",
            "sync 2",
        ]);
        (user, c)
    };
    // (copies on the server, flags) each message must end with.
    let expected_server = |s: &str| -> Option<(usize, String)> {
        let (kind, i) = s.rsplit_once(' ')?;
        let i: usize = i.parse().ok()?;
        let mut flags = match kind {
            "sync" | "local" => vec!['S'],
            "arrived" => vec![],
            _ => return None,
        };
        if kind == "sync" {
            if i < deleted {
                flags.push('T');
            }
            if (100..100 + flagged).contains(&i) {
                flags.push('F');
            }
            if i.to_string().starts_with('2') {
                flags.push('R');
            }
        }
        flags.sort_unstable();
        Some((1, flags.into_iter().collect()))
    };
    let total = n + uploads + arrivals;

    let span = calibrate(|| ((), world().1), "sync");

    let mut t = Tally::default();
    for _ in 0..trials {
        let (user, c) = world();
        let delay = Duration::from_millis(rng.below(span));
        t.trials += 1;
        t.killed += usize::from(run_killed(&c, &["-q", "sync"], delay));
        // At the kill: no message is gone from the server (deletions only flag).
        let server = by_subject(&dc.folder_dir(&user, ""));
        t.wrongly_deleted += (0..n)
            .filter(|i| !server.contains_key(&format!("sync {i}")))
            .count();
        for _ in 0..3 {
            if c.mailx(&["-q", "sync"]).status.success() {
                break;
            }
        }
        let again = c.mailx(&["--json", "sync"]);
        assert_ok(&again);
        let j = json_of(&again, "a");
        for k in [
            "downloaded",
            "uploaded",
            "deleted_local",
            "deleted_on_server",
        ] {
            assert_eq!(j[k], 0, "converged: {k} in {j}");
        }
        let server = by_subject(&dc.folder_dir(&user, ""));
        let local = by_subject(&c.maildir("a"));
        for (s, (copies, flags)) in &server {
            let Some((want, want_flags)) = expected_server(s) else {
                panic!("unexpected server message {s:?}");
            };
            t.duplicated += copies.saturating_sub(want);
            assert_eq!(*flags, want_flags, "server flags of {s:?}");
        }
        t.lost += total.saturating_sub(server.len());
        for (s, (copies, flags)) in &local {
            t.duplicated += copies.saturating_sub(1);
            let (_, want_flags) = expected_server(s).unwrap_or((0, "?".into()));
            assert_eq!(*flags, want_flags, "local flags of {s:?}");
        }
        t.lost += (total - deleted).saturating_sub(local.len());
        for i in 0..deleted {
            assert!(
                !local.contains_key(&format!("sync {i}")),
                "deleted stays deleted"
            );
        }
    }
    report("sync", &t, seed, n as u64);
}

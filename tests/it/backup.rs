//! `mailx backup`, `backup --verify` and `restore`: a byte-identical round trip (into the
//! tree and into a folder of its own), damaged archives named, the account lock honoured,
//! and a restored folder uploaded by the next sync without duplicates.

use crate::common::*;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// relative path → (bytes, mtime) of every message file under a Maildir root.
fn tree(root: &Path) -> BTreeMap<String, (Vec<u8>, u64)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(listing) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in listing.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.parent()
                    .and_then(|d| d.file_name())
                    .and_then(|n| n.to_str()),
                Some("cur" | "new")
            ) {
                let mtime = std::fs::metadata(&p)
                    .unwrap()
                    .modified()
                    .unwrap()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs();
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, (std::fs::read(&p).unwrap(), mtime));
            }
        }
    }
    out
}

fn put(root: &Path, folder: &str, sub: &str, name: &str, body: &[u8], mtime: u64) {
    let dir = root.join(folder);
    for s in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(dir.join(s)).unwrap();
    }
    let path = dir.join(sub).join(name);
    std::fs::write(&path, body).unwrap();
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(mtime))
        .unwrap();
}

/// An account whose Maildir has INBOX (cur and new), Sent, Archive.2024, a CRLF message,
/// 8-bit headers and info letters mailx does not model.
fn filled(c: &Client, name: &str) -> PathBuf {
    let root = c.maildir(name);
    for i in 0..4 {
        put(
            &root,
            "",
            "cur",
            &format!("100{i}.A.h:2,S"),
            &message(i, "inbox"),
            1_700_000_000 + i as u64,
        );
    }
    put(
        &root,
        "",
        "new",
        "1005.B.h",
        &message(5, "unread"),
        1_700_000_100,
    );
    put(
        &root,
        ".Sent",
        "cur",
        "2001.C.h:2,RS",
        &message(6, "sent"),
        1_700_000_200,
    );
    put(
        &root,
        ".Sent",
        "cur",
        "2002.D.h:2,PSa",
        &message(7, "passed"),
        1_700_000_300,
    );
    put(
        &root,
        ".Archive.2024",
        "cur",
        "3001.E.h:2,S",
        b"From: a@x\r\nSubject: crlf\r\n\r\nbody\r\n",
        1_600_000_000,
    );
    put(
        &root,
        ".Archive.2024",
        "cur",
        "3002.F.h:2,",
        "From: J\u{f6}rg <j@x>\nSubject: Gr\u{fc}\u{df}e\n\n\u{e4}\n".as_bytes(),
        1_600_000_100,
    );
    root
}

fn local_account(c: &Client, name: &str) -> String {
    format!(
        "[accounts.{name}]\nprotocol = \"imap\"\nhost = \"127.0.0.1\"\nuser = \"u\"\npassword_env = \"NOPE\"\nmaildir = \"{}\"\n",
        c.maildir(name).display()
    )
}

#[test]
fn backup_verify_restore_round_trip_byte_identical() {
    let c = Client::new();
    c.write_config(&format!(
        "{}\n{}",
        local_account(&c, "a"),
        local_account(&c, "b")
    ));
    let root = filled(&c, "a");
    let original = tree(&root);
    assert_eq!(original.len(), 9);
    let archive = c.dir.path().join("a.tar.zst");
    let archive_s = archive.display().to_string();
    assert_ok(&c.mailx(&["backup", "a", "-o", &archive_s]));
    let o = c.mailx(&["--json", "backup", "--verify", &archive_s]);
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(j["messages"], 9);

    // Into an empty account: the same tree, byte for byte, names and file times.
    assert_ok(&c.mailx(&["restore", &archive_s, "--into", "b"]));
    assert_eq!(tree(&c.maildir("b")), original);
    // Into the original: everything is there, nothing changes.
    let o = c.mailx(&["--json", "restore", &archive_s]);
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        (j["messages"].as_u64(), j["skipped"].as_u64()),
        (Some(0), Some(9))
    );
    assert_eq!(tree(&root), original);
    // Two messages lost locally come back; a flag changed since stays as it is now.
    let lost: Vec<String> = original
        .keys()
        .filter(|k| k.contains("1001") || k.contains("3002"))
        .cloned()
        .collect();
    for k in &lost {
        std::fs::remove_file(root.join(k)).unwrap();
    }
    std::fs::rename(
        root.join("cur/1000.A.h:2,S"),
        root.join("cur/1000.A.h:2,FS"),
    )
    .unwrap();
    assert_ok(&c.mailx(&["restore", &archive_s]));
    let now = tree(&root);
    assert_eq!(now.len(), 9);
    for k in &lost {
        assert_eq!(now[k], original[k], "{k}");
    }
    assert!(now.contains_key("cur/1000.A.h:2,FS") && !now.contains_key("cur/1000.A.h:2,S"));
    // Into a folder of its own.
    assert_ok(&c.mailx(&["restore", &archive_s, "--as-folder", "Restored-2026-11-29"]));
    let again = tree(&root);
    for (k, v) in &original {
        let moved = if k.starts_with('.') {
            format!(".Restored-2026-11-29{k}")
        } else {
            format!(".Restored-2026-11-29/{k}")
        };
        assert_eq!(again.get(&moved), Some(v), "{moved}");
    }
    let o = c.mailx(&["restore", &archive_s, "--as-folder", "../escape"]);
    assert_eq!(code(&o), 64, "{}", stderr(&o));
}

/// The archive with `change` applied to its decompressed bytes.
fn damaged(archive: &Path, out: &Path, change: impl Fn(&mut Vec<u8>)) {
    let mut raw = Vec::new();
    zstd::Decoder::new(std::fs::File::open(archive).unwrap())
        .unwrap()
        .read_to_end(&mut raw)
        .unwrap();
    change(&mut raw);
    let mut enc = zstd::Encoder::new(std::fs::File::create(out).unwrap(), 3).unwrap();
    enc.write_all(&raw).unwrap();
    enc.finish().unwrap();
}

#[test]
fn damaged_archives_fail_verify_naming_the_entry_and_the_lock_is_honoured() {
    let c = Client::new();
    c.write_config(&local_account(&c, "a"));
    filled(&c, "a");
    let archive = c.dir.path().join("a.tar.zst");
    assert_ok(&c.mailx(&["backup", "a", "-o", &archive.display().to_string()]));

    // One byte of one message altered (the tar checksum covers headers only).
    let altered = c.dir.path().join("altered.tar.zst");
    damaged(&archive, &altered, |raw| {
        let at = raw.windows(12).position(|w| w == b"Body of mess").unwrap();
        raw[at] = b'b';
    });
    let o = c.mailx(&["backup", "--verify", &altered.display().to_string()]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("mail/INBOX/cur/1000.A.h:2,S differs from the manifest"),
        "{}",
        stderr(&o)
    );
    // Cut short: the archive ends in the middle of a message.
    let truncated = c.dir.path().join("truncated.tar.zst");
    damaged(&archive, &truncated, |raw| {
        let at = raw.windows(9).position(|w| w == b"Subject: ").unwrap();
        raw.truncate(at + 2000);
    });
    let o = c.mailx(&["backup", "--verify", &truncated.display().to_string()]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cut short")
            || stderr(&o).contains("missing")
            || stderr(&o).contains("damaged after"),
        "{}",
        stderr(&o)
    );
    // Restoring a damaged archive writes nothing it could not check.
    let c2 = Client::new();
    c2.write_config(&local_account(&c2, "a"));
    let o = c2.mailx(&["restore", &altered.display().to_string()]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(
        !tree(&c2.maildir("a"))
            .keys()
            .any(|k| k.contains("1000.A.h")),
        "the altered message is not restored"
    );

    // A run holding the account's lock: the backup exits 75 and writes nothing.
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    let c3 = Client::new();
    c3.write_config(&AccountToml::new("a", &dc, "imap", &user, &c3).toml());
    let mut holder = Command::new(env!("CARGO_BIN_EXE_mailx"))
        .arg("--config")
        .arg(c3.config_path())
        .arg("fetch")
        .env("MAILX_TEST_HOLD_MS", "4000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let out = c3.dir.path().join("locked.tar.zst");
    let o = c3.mailx(&["backup", "a", "-o", &out.display().to_string()]);
    assert_eq!(code(&o), 75, "{}", stderr(&o));
    assert!(!out.exists());
    holder.wait().unwrap();
}

#[test]
fn a_restored_folder_is_uploaded_by_the_next_sync_once() {
    let dc = Dovecot::start();
    let user = dc.add_user(false);
    dc.add_messages(
        &user,
        "",
        &(0..5).map(|i| message(i, "synced")).collect::<Vec<_>>(),
        "S",
    );
    let c = Client::new();
    c.write_config(
        &AccountToml::new("a", &dc, "imap", &user, &c)
            .extra("folders = [\"*\"]")
            .toml(),
    );
    assert_ok(&c.mailx(&["sync"]));
    let archive = c.dir.path().join("a.tar.zst").display().to_string();
    assert_ok(&c.mailx(&["backup", "a", "-o", &archive]));
    assert_ok(&c.mailx(&["restore", &archive, "--as-folder", "Restored"]));
    let o = c.mailx(&["--json", "sync"]);
    assert_ok(&o);
    let j = json_of(&o, "a");
    assert_eq!(j["uploaded"], 5, "{j}");
    assert_eq!(j["deleted_on_server"], 0);
    assert_eq!(j["deleted_local"], 0);
    assert_eq!(dc.server_messages(&user, ".Restored").len(), 5);
    assert_eq!(dc.server_messages(&user, "").len(), 5);
    let o = c.mailx(&["--json", "sync"]);
    let j = json_of(&o, "a");
    assert_eq!(
        (j["uploaded"].as_u64(), j["downloaded"].as_u64()),
        (Some(0), Some(0)),
        "{j}"
    );
}

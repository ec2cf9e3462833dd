//! The engines against the in-memory server (`remote::fake`): retention, renumbering,
//! refused and short messages, a dropped connection, the sync rules end to end, and a
//! crash at every durable step of one fetch and one sync. The same behaviours are tested
//! against Dovecot in `tests/`; these run in milliseconds and reach failures a real
//! server will not produce on demand.

use super::Silent;
use super::fetch::{self, FolderReport, Settings};
use super::plan::Retention;
use super::sync::{self, SyncReport};
use crate::config::{Create, MaxDelete};
use crate::domain::Flags;
use crate::error::{Error, Result};
use crate::remote::fake::{FakeRemote, message};
use crate::state::State;
use crate::store::maildir::Folder;
use crate::testhook::unit;

struct Local {
    dir: tempfile::TempDir,
    state: State,
    max_message_size: u64,
}

impl Local {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = State::open(&dir.path().join("state.sqlite")).unwrap();
        Local {
            dir,
            state,
            max_message_size: crate::config::DEFAULT_MAX_MESSAGE,
        }
    }

    fn root(&self) -> std::path::PathBuf {
        self.dir.path().join("Mail")
    }

    /// Bodies in INBOX with CRLF line ends (as the server has them), sorted.
    fn bodies(&self) -> Vec<Vec<u8>> {
        let folder = Folder::existing(&self.root(), "");
        let mut out: Vec<Vec<u8>> = folder
            .scan()
            .unwrap()
            .values()
            .map(|m| crate::store::maildir::to_crlf(&std::fs::read(m.path()).unwrap()))
            .collect();
        out.sort();
        out
    }

    /// (subject, flags) of every local message, sorted.
    fn flags(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Folder::existing(&self.root(), "")
            .scan()
            .unwrap()
            .values()
            .map(|m| (subject(&std::fs::read(m.path()).unwrap()), m.flags.info()))
            .collect();
        out.sort();
        out
    }

    async fn fetch(
        &mut self,
        remote: &mut FakeRemote,
        retention: Retention,
    ) -> Result<Vec<FolderReport>> {
        self.fetch_as(remote, retention, false).await
    }

    async fn fetch_as(
        &mut self,
        remote: &mut FakeRemote,
        retention: Retention,
        dry_run: bool,
    ) -> Result<Vec<FolderReport>> {
        let root = self.root();
        if !dry_run {
            super::deliver::recover(&mut self.state, &root)?;
        }
        let patterns = ["INBOX".to_string()];
        let settings = Settings {
            maildir: &root,
            patterns: &patterns,
            retention,
            keep_requested: retention != Retention::DeleteAfterDownload,
            dry_run,
            max_message_size: self.max_message_size,
        };
        let mut reports = Vec::new();
        let r =
            fetch::fetch_account(remote, &mut self.state, &settings, &Silent, &mut reports).await;
        r.map(|()| reports)
    }

    async fn sync(
        &mut self,
        remote: &mut FakeRemote,
        max_delete: Option<MaxDelete>,
    ) -> Result<Vec<SyncReport>> {
        let root = self.root();
        super::deliver::recover(&mut self.state, &root)?;
        let patterns = ["*".to_string()];
        let settings = sync::Settings {
            maildir: &root,
            patterns: &patterns,
            expunge: false,
            create: Create::Both,
            dry_run: false,
            reconcile: false,
            max_delete,
            max_message_size: self.max_message_size,
        };
        sync::sync_folders(remote, &mut self.state, &settings, &Silent).await
    }

    /// Writes a message into INBOX as a mail reader would.
    fn add(&self, name: &str, body: &[u8], flags: &str) {
        Folder::open(&self.root(), "").unwrap();
        std::fs::write(
            self.root().join("cur").join(format!("{name}:2,{flags}")),
            body,
        )
        .unwrap();
    }

    fn set_flags(&self, subject_text: &str, flags: &str) {
        let folder = Folder::existing(&self.root(), "");
        let msg = folder
            .scan()
            .unwrap()
            .into_values()
            .find(|m| subject(&std::fs::read(m.path()).unwrap()) == subject_text)
            .unwrap();
        folder.set_flags(&msg, Flags::from_info(flags)).unwrap();
    }

    fn delete(&self, subject_text: &str) {
        for m in Folder::existing(&self.root(), "")
            .scan()
            .unwrap()
            .into_values()
        {
            if subject(&std::fs::read(m.path()).unwrap()) == subject_text {
                std::fs::remove_file(m.path()).unwrap();
            }
        }
    }
}

fn subject(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .lines()
        .find_map(|l| {
            l.strip_prefix("Subject: ")
                .map(|s| s.trim_end().to_string())
        })
        .unwrap_or_default()
}

fn bodies(n: u32, what: &str) -> Vec<Vec<u8>> {
    (1..=n).map(|i| message(i, what)).collect()
}

fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v
}

fn downloaded(reports: &[FolderReport]) -> u64 {
    reports.iter().map(|r| r.downloaded).sum()
}

const DAY: i64 = 86_400;

#[tokio::test]
async fn fetch_keeps_mail_and_downloads_each_message_once() {
    let mut server = FakeRemote::imap(bodies(3, "keep"));
    let mut local = Local::new();
    let r = local.fetch(&mut server, Retention::Keep).await.unwrap();
    assert_eq!(downloaded(&r), 3);
    assert_eq!(local.bodies(), sorted(bodies(3, "keep")));
    assert_eq!(server.bodies().len(), 3);
    let again = local.fetch(&mut server, Retention::Keep).await.unwrap();
    assert_eq!(downloaded(&again), 0);
    assert!(server.deleted.is_empty());
}

#[tokio::test]
async fn fetch_with_keep_false_deletes_only_what_it_stored() {
    for mut server in [
        FakeRemote::imap(bodies(4, "gone")),
        FakeRemote::pop3(bodies(4, "gone")),
    ] {
        let mut local = Local::new();
        local
            .fetch(&mut server, Retention::DeleteAfterDownload)
            .await
            .unwrap();
        assert_eq!(local.bodies(), sorted(bodies(4, "gone")));
        assert!(server.bodies().is_empty(), "{:?}", server.caps);
        assert_eq!(server.deleted.len(), 4);
    }
}

/// A message another client deleted from a POP3 server is forgotten by the next run (a
/// UIDL cannot recur); the others stay known, also when one goes and one arrives in the
/// same run (the run counts known rows against the listing to tell whether any is gone).
#[tokio::test]
async fn a_pop3_message_gone_from_the_server_is_forgotten() {
    let mut server = FakeRemote::pop3(bodies(3, "elsewhere"));
    let mut local = Local::new();
    let known = |local: &Local| {
        let mut ids: Vec<String> = local
            .state
            .known("INBOX", 0)
            .unwrap()
            .into_keys()
            .map(String::from)
            .collect();
        ids.sort();
        ids
    };
    local.fetch(&mut server, Retention::Keep).await.unwrap();
    assert_eq!(known(&local), ["1", "2", "3"]);

    server.inbox().messages.remove(&2);
    let reports = local.fetch(&mut server, Retention::Keep).await.unwrap();
    assert_eq!(reports[0].downloaded, 0);
    assert_eq!(known(&local), ["1", "3"]);

    server.inbox().messages.remove(&1);
    server.deliver(message(4, "elsewhere"), Flags::default());
    let reports = local.fetch(&mut server, Retention::Keep).await.unwrap();
    assert_eq!(reports[0].downloaded, 1);
    assert_eq!(known(&local), ["3", "4"]);
    assert_eq!(local.bodies().len(), 4, "local copies are never touched");
}

#[tokio::test]
async fn fetch_deletes_after_days_counted_from_the_download() {
    let mut server = FakeRemote::pop3(bodies(2, "aged"));
    let mut local = Local::new();
    let policy = Retention::DeleteAfterDays(3);
    let t0 = 1_800_000_000;
    unit::set_now(Some(t0));
    local.fetch(&mut server, policy).await.unwrap();
    unit::set_now(Some(t0 + DAY));
    server.deliver(message(3, "aged"), Flags::default());
    local.fetch(&mut server, policy).await.unwrap();
    unit::set_now(Some(t0 + 3 * DAY + 1));
    local.fetch(&mut server, policy).await.unwrap();
    assert_eq!(
        server.bodies(),
        vec![message(3, "aged")],
        "the late one stays"
    );
    unit::set_now(Some(t0 + 4 * DAY + 1));
    local.fetch(&mut server, policy).await.unwrap();
    assert!(server.bodies().is_empty());
    assert_eq!(local.bodies(), sorted(bodies(3, "aged")));
    unit::set_now(None);
}

#[tokio::test]
async fn a_renumbered_folder_downloads_only_what_is_new() {
    let mut server = FakeRemote::imap(bodies(3, "renum"));
    let mut local = Local::new();
    local.fetch(&mut server, Retention::Keep).await.unwrap();
    server.renumber();
    server.deliver(message(4, "renum"), Flags::default());
    let r = local.fetch(&mut server, Retention::Keep).await.unwrap();
    assert_eq!(downloaded(&r), 1);
    assert_eq!(local.bodies(), sorted(bodies(4, "renum")));
}

/// States written before the fingerprint was normalized still re-identify every message
/// after a renumbering (second pass with the old fingerprint), and the ones whose header
/// framing differs between download and BODY[HEADER] are found by the new one.
#[tokio::test]
async fn renumbering_matches_old_and_new_fingerprints() {
    let mut sent = bodies(3, "fp");
    sent.push(b"Subject: no separator\r\nno blank line".to_vec());
    let mut server = FakeRemote::imap(sent.clone());
    let mut local = Local::new();
    local.fetch(&mut server, Retention::Keep).await.unwrap();
    // Rows of an older version: message 1 and 2 carry the old fingerprint.
    for (uid, body) in sent.iter().enumerate().take(2) {
        let old = super::plan::fingerprint_v1(&crate::store::maildir::to_crlf(body));
        local.state.set_fingerprint(&(uid + 1).to_string(), old);
    }
    server.renumber();
    let r = local.fetch(&mut server, Retention::Keep).await.unwrap();
    assert_eq!(downloaded(&r), 0, "every message was found again");
    assert_eq!(local.bodies(), sorted(sent));
}

/// Exchange announces estimated sizes that can change: after a renumbering, the stored
/// messages are found again by their whole content, not downloaded twice.
#[tokio::test]
async fn renumbering_with_changed_sizes_compares_whole_messages() {
    let sent = bodies(3, "estimated");
    let mut server = FakeRemote::imap(sent.clone());
    let mut local = Local::new();
    local.fetch(&mut server, Retention::Keep).await.unwrap();
    server.renumber();
    server.size_offset = 137;
    for _ in 0..3 {
        let r = local.fetch(&mut server, Retention::Keep).await.unwrap();
        assert_eq!(downloaded(&r), 0, "found again by content");
        assert_eq!(r[0].error, None);
    }
    assert_eq!(local.bodies(), sorted(sent));
}

#[tokio::test]
async fn a_refused_or_short_message_is_skipped_not_deleted_and_retried() {
    let mut server = FakeRemote::imap(bodies(4, "refuse"));
    server.refuse.insert(2);
    server.truncate.insert(3);
    let mut local = Local::new();
    let r = local
        .fetch(&mut server, Retention::DeleteAfterDownload)
        .await
        .unwrap();
    assert_eq!(downloaded(&r), 2);
    assert_eq!(
        r[0].error.as_ref().map(|e| e.code),
        Some(crate::error::exit::PARTIAL)
    );
    assert_eq!(
        sorted(server.bodies()),
        sorted(vec![message(2, "refuse"), message(3, "refuse")]),
        "neither left the server"
    );
    server.refuse.clear();
    server.truncate.clear();
    local
        .fetch(&mut server, Retention::DeleteAfterDownload)
        .await
        .unwrap();
    assert_eq!(local.bodies(), sorted(bodies(4, "refuse")));
    assert!(server.bodies().is_empty());
}

#[tokio::test]
async fn a_message_above_max_message_size_stays_on_the_server_until_allowed() {
    let mut bodies = bodies(3, "size");
    bodies[1].extend(vec![b'x'; 4096]);
    for pop3 in [false, true] {
        let mut server = if pop3 {
            FakeRemote::pop3(bodies.clone())
        } else {
            FakeRemote::imap(bodies.clone())
        };
        let mut local = Local::new();
        local.max_message_size = 2048;
        let dry = local
            .fetch_as(&mut server, Retention::DeleteAfterDownload, true)
            .await
            .unwrap();
        assert_eq!(downloaded(&dry), 2);
        assert!(
            dry[0].plan.iter().any(|l| l.contains("max_message_size")),
            "{:?}",
            dry[0].plan
        );
        let r = local
            .fetch(&mut server, Retention::DeleteAfterDownload)
            .await
            .unwrap();
        assert_eq!(downloaded(&r), 2);
        assert_eq!(r[0].error, None, "a warning, not a failure");
        assert_eq!(
            server.bodies(),
            vec![bodies[1].clone()],
            "left on the server"
        );
        // Once allowed, the next run takes it (the high-water mark stayed below it).
        local.max_message_size = 1 << 20;
        local
            .fetch(&mut server, Retention::DeleteAfterDownload)
            .await
            .unwrap();
        assert_eq!(local.bodies(), sorted(bodies.clone()));
        assert!(server.bodies().is_empty());
    }
    let mut server = FakeRemote::imap(bodies.clone());
    let mut local = Local::new();
    local.max_message_size = 2048;
    let r = local.sync(&mut server, None).await.unwrap();
    assert_eq!(r[0].downloaded, 2);
    local.max_message_size = 1 << 20;
    let r = local.sync(&mut server, None).await.unwrap();
    assert_eq!(r[0].downloaded, 1);
    assert_eq!(local.bodies(), sorted(bodies));
}

/// A server whose announced sizes are estimates (Exchange, hMailServer) sends a message
/// at another length, the same every time: refused once (it could be a one-off cut), then
/// stored, and never deleted from the server, whatever the retention policy.
#[tokio::test]
async fn a_message_always_sent_at_another_size_is_stored_but_never_deleted() {
    for mut server in [
        FakeRemote::imap(bodies(3, "estimate")),
        FakeRemote::pop3(bodies(3, "estimate")),
    ] {
        server.truncate.insert(2);
        let mut local = Local::new();
        let policy = Retention::DeleteAfterDownload;
        let first = local.fetch(&mut server, policy).await.unwrap();
        assert_eq!(downloaded(&first), 2);
        assert_eq!(
            first[0].error.as_ref().map(|e| e.code),
            Some(crate::error::exit::PARTIAL)
        );
        let second = local.fetch(&mut server, policy).await.unwrap();
        assert_eq!(downloaded(&second), 1, "stored the second time");
        assert_eq!(second[0].error, None);
        for _ in 0..2 {
            let again = local.fetch(&mut server, policy).await.unwrap();
            assert_eq!(downloaded(&again), 0);
        }
        assert_eq!(
            server.bodies(),
            vec![message(2, "estimate")],
            "the original stays on the server"
        );
        assert_eq!(local.bodies().len(), 3);
    }
}

#[tokio::test]
async fn a_connection_dropped_mid_batch_is_resumed_in_a_new_session() {
    let mut server = FakeRemote::imap(bodies(5, "drop"));
    server.drop_after = Some(2);
    let mut local = Local::new();
    let r = local.fetch(&mut server, Retention::Keep).await.unwrap();
    assert_eq!(downloaded(&r), 5, "{r:?}");
    assert_eq!(local.bodies(), sorted(bodies(5, "drop")));
}

#[tokio::test]
async fn a_pop3_session_dropped_mid_batch_deletes_nothing() {
    let mut server = FakeRemote::pop3(bodies(5, "pdrop"));
    server.drop_after = Some(2);
    let mut local = Local::new();
    let r = local
        .fetch(&mut server, Retention::DeleteAfterDownload)
        .await;
    assert!(r.is_ok_and(|r| r[0].error.is_some()));
    assert_eq!(server.bodies().len(), 5, "nothing deleted");
    local
        .fetch(&mut server, Retention::DeleteAfterDownload)
        .await
        .unwrap();
    assert_eq!(local.bodies(), sorted(bodies(5, "pdrop")));
    assert!(server.bodies().is_empty());
}

fn crashed(r: &Result<impl std::fmt::Debug>) -> bool {
    matches!(r, Err(Error::Internal(m)) if m.starts_with("crash injected"))
}

/// Runs `fetch` with a crash at step 1, 2, ... until one run completes; after each crash
/// nothing may be gone from the server that is not stored, and a clean run must end with
/// every message stored once and the server empty.
async fn crash_every_fetch_step(make: fn(Vec<Vec<u8>>) -> FakeRemote) -> u64 {
    let all = bodies(6, "crash");
    for n in 1.. {
        let mut server = make(all.clone());
        let mut local = Local::new();
        unit::crash_at(Some(n));
        let r = local
            .fetch(&mut server, Retention::DeleteAfterDownload)
            .await;
        unit::crash_at(None);
        if !crashed(&r) {
            r.unwrap();
            assert_eq!(local.bodies(), sorted(all.clone()));
            return n;
        }
        server.abandon();
        let stored = local.bodies();
        for m in &all {
            assert!(
                server.bodies().contains(m) || stored.contains(m),
                "step {n}: a message is gone from both sides"
            );
        }
        local
            .fetch(&mut server, Retention::DeleteAfterDownload)
            .await
            .unwrap();
        assert_eq!(
            local.bodies(),
            sorted(all.clone()),
            "after a crash at step {n}"
        );
        assert!(server.bodies().is_empty(), "after a crash at step {n}");
    }
    unreachable!()
}

#[tokio::test]
async fn fetch_survives_a_crash_at_every_step() {
    let imap = crash_every_fetch_step(FakeRemote::imap).await;
    let pop3 = crash_every_fetch_step(FakeRemote::pop3).await;
    eprintln!("fetch crash points: IMAP {}, POP3 {}", imap - 1, pop3 - 1);
    assert!(imap > 6 && pop3 > 6);
}

/// A server and a Maildir synced once: s1..s4 on both sides, s1 and s2 read.
async fn synced() -> (FakeRemote, Local) {
    let mut server = FakeRemote::imap(Vec::new());
    for i in 1..=4 {
        let flags = Flags::from_info(if i <= 2 { "S" } else { "" });
        server.deliver(message(i, "s"), flags);
    }
    let mut local = Local::new();
    local
        .sync(&mut server, Some(MaxDelete::DEFAULT))
        .await
        .unwrap();
    assert_eq!(local.bodies(), sorted(bodies(4, "s")));
    (server, local)
}

fn server_flags(server: &FakeRemote) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = server.folders[0]
        .messages
        .values()
        .map(|m| (subject(&m.body), m.flags.info()))
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test]
async fn sync_carries_flags_both_ways_and_merges_conflicts() {
    let (mut server, mut local) = synced().await;
    // Server: s1 flagged. Local: s3 read. Both changed s2: the server added \Flagged,
    // the local side removed \Seen: an addition wins, and so does a removal the other
    // side did not undo.
    server.folders[0].messages.get_mut(&1).unwrap().flags = Flags::from_info("FS");
    server.folders[0].messages.get_mut(&2).unwrap().flags = Flags::from_info("FS");
    local.set_flags("s 3", "S");
    local.set_flags("s 2", "");
    local
        .sync(&mut server, Some(MaxDelete::DEFAULT))
        .await
        .unwrap();
    let want = pairs(&[("s 1", "FS"), ("s 2", "F"), ("s 3", "S"), ("s 4", "")]);
    assert_eq!(server_flags(&server), want);
    assert_eq!(local.flags(), want);
}

#[tokio::test]
async fn sync_moves_new_and_deleted_messages_both_ways() {
    let (mut server, mut local) = synced().await;
    server.deliver(message(5, "s"), Flags::default());
    server.folders[0].messages.remove(&1);
    local.add("1700000000.up.reader", &message(6, "s"), "S");
    local.delete("s 4");
    let r = local
        .sync(&mut server, Some(MaxDelete::DEFAULT))
        .await
        .unwrap();
    assert_eq!((r[0].downloaded, r[0].uploaded), (1, 1), "{r:?}");
    assert_eq!((r[0].deleted_local, r[0].deleted_on_server), (1, 1));
    assert_eq!(
        local.flags(),
        pairs(&[("s 2", "S"), ("s 3", ""), ("s 5", ""), ("s 6", "S")])
    );
    assert_eq!(
        server_flags(&server),
        pairs(&[
            ("s 2", "S"),
            ("s 3", ""),
            ("s 4", "T"),
            ("s 5", ""),
            ("s 6", "S")
        ])
    );
}

#[tokio::test]
async fn the_guard_stops_a_sync_that_would_empty_a_folder() {
    let mut server = FakeRemote::imap(bodies(12, "g"));
    let mut local = Local::new();
    local
        .sync(&mut server, Some(MaxDelete::DEFAULT))
        .await
        .unwrap();
    for i in 1..=12 {
        local.delete(&format!("g {i}"));
    }
    let r = local
        .sync(&mut server, Some(MaxDelete::DEFAULT))
        .await
        .unwrap();
    assert!(
        matches!(
            r[0].error.as_ref().map(|e| e.code),
            Some(crate::error::exit::DATA)
        ),
        "{r:?}"
    );
    assert!(server_flags(&server).iter().all(|(_, f)| f.is_empty()));
    let r = local.sync(&mut server, None).await.unwrap();
    assert_eq!(r[0].deleted_on_server, 12);
}

#[tokio::test]
async fn a_replaced_maildir_is_paired_by_content_and_nothing_is_deleted() {
    let (mut server, mut local) = synced().await;
    let root = local.root();
    std::fs::rename(&root, root.with_extension("old")).unwrap();
    Folder::open(&root, "").unwrap();
    // Wide open guard: the identity check alone must prevent the deletions.
    let r = local
        .sync(&mut server, Some(MaxDelete::Count(u64::MAX)))
        .await
        .unwrap();
    assert_eq!(r[0].deleted_on_server, 0);
    assert!(server_flags(&server).iter().all(|(_, f)| !f.contains('T')));
    assert_eq!(local.bodies(), sorted(bodies(4, "s")), "downloaded again");
}

/// The changes the crash test applies to a synced pair of sides.
fn change(server: &mut FakeRemote, local: &Local) {
    server.deliver(message(5, "s"), Flags::default());
    server.folders[0].messages.get_mut(&3).unwrap().flags = Flags::from_info("F");
    local.add("1700000000.up.reader", &message(6, "s"), "S");
    local.set_flags("s 4", "R");
    local.delete("s 1");
}

#[tokio::test]
async fn sync_survives_a_crash_at_every_step() {
    // The end state of an uninterrupted run.
    let (mut server, mut local) = synced().await;
    change(&mut server, &local);
    local
        .sync(&mut server, Some(MaxDelete::DEFAULT))
        .await
        .unwrap();
    let (want_server, want_local) = (server_flags(&server), local.flags());
    for n in 1.. {
        let (mut server, mut local) = synced().await;
        change(&mut server, &local);
        unit::crash_at(Some(n));
        let r = local.sync(&mut server, Some(MaxDelete::DEFAULT)).await;
        unit::crash_at(None);
        if !crashed(&r) {
            eprintln!("sync crash points: {}", n - 1);
            assert!(n > 5, "the sync has more than {n} durable steps");
            return;
        }
        server.abandon();
        local
            .sync(&mut server, Some(MaxDelete::DEFAULT))
            .await
            .unwrap();
        assert_eq!(
            server_flags(&server),
            want_server,
            "server after a crash at step {n}"
        );
        assert_eq!(local.flags(), want_local, "local after a crash at step {n}");
        let again = local
            .sync(&mut server, Some(MaxDelete::DEFAULT))
            .await
            .unwrap();
        assert_eq!(
            (
                again[0].downloaded,
                again[0].uploaded,
                again[0].deleted_on_server
            ),
            (0, 0, 0),
            "idempotent after a crash at step {n}"
        );
    }
}

#[tokio::test]
async fn every_flag_merge_rule_holds_through_the_engine() {
    // (start, server after, local after, both after) for one message each.
    let cases = [
        ("", "F", "", "F"),     // only the server changed: it wins
        ("S", "S", "", ""),     // only the local side changed (removed S): it wins
        ("", "F", "R", "FR"),   // both added different flags: union
        ("FS", "FS", "F", "F"), // one removed S, the other kept it: removed
        ("S", "RS", "", "R"),   // one removed S, the other added R: both apply
        ("S", "", "S", ""),     // removed on the server, unchanged locally: removed
    ];
    let mut server = FakeRemote::imap(Vec::new());
    for (i, (start, ..)) in cases.iter().enumerate() {
        server.deliver(message(i as u32, "m"), Flags::from_info(start));
    }
    let mut local = Local::new();
    local
        .sync(&mut server, Some(MaxDelete::DEFAULT))
        .await
        .unwrap();
    for (i, (_, on_server, on_local, _)) in cases.iter().enumerate() {
        server.folders[0]
            .messages
            .get_mut(&(i as u32 + 1))
            .unwrap()
            .flags = Flags::from_info(on_server);
        local.set_flags(&format!("m {i}"), on_local);
    }
    local
        .sync(&mut server, Some(MaxDelete::DEFAULT))
        .await
        .unwrap();
    let want: Vec<(String, String)> = cases
        .iter()
        .enumerate()
        .map(|(i, (.., both))| (format!("m {i}"), both.to_string()))
        .collect();
    assert_eq!(server_flags(&server), want);
    assert_eq!(local.flags(), want);
}

#[tokio::test]
async fn a_fetch_dry_run_changes_nothing_and_predicts_the_run() {
    for (mut server, policy) in [
        (
            FakeRemote::imap(bodies(3, "dry")),
            Retention::DeleteAfterDownload,
        ),
        (
            FakeRemote::pop3(bodies(3, "dry")),
            Retention::DeleteAfterDays(2),
        ),
    ] {
        let mut local = Local::new();
        let t0 = 1_800_000_000;
        unit::set_now(Some(t0));
        local.fetch(&mut server, Retention::Keep).await.unwrap();
        server.deliver(message(4, "dry"), Flags::default());
        unit::set_now(Some(t0 + 3 * DAY));
        let before = (server.bodies(), local.bodies());
        let dry = local.fetch_as(&mut server, policy, true).await.unwrap();
        assert_eq!(
            (server.bodies(), local.bodies()),
            before,
            "the dry run changed something"
        );
        assert!(!dry[0].plan.is_empty(), "{dry:?}");
        let real = local.fetch(&mut server, policy).await.unwrap();
        assert_eq!(
            (dry[0].downloaded, dry[0].deleted_on_server),
            (real[0].downloaded, real[0].deleted_on_server),
            "{policy:?}: the dry run predicted {:?}",
            dry[0].plan
        );
        assert!(real[0].deleted_on_server > 0 && real[0].downloaded == 1);
        unit::set_now(None);
    }
}

// `mailx clean`: the server's retention rules.

impl Local {
    async fn clean(
        &mut self,
        remote: &mut FakeRemote,
        rules: super::clean::Rules<'_>,
        patterns: &[&str],
        dry_run: bool,
    ) -> Result<super::clean::CleanReport> {
        let root = self.root();
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let settings = super::clean::Settings {
            maildir: &root,
            patterns: &patterns,
            rules,
            dry_run,
        };
        let mut report = Default::default();
        super::clean::clean_account(remote, &mut self.state, &settings, &mut report).await?;
        Ok(report)
    }
}

fn rules(
    after_days: Option<u32>,
    max_server_size: Option<u64>,
    purge: &[(String, u32)],
) -> super::clean::Rules<'_> {
    super::clean::Rules {
        after_days,
        max_server_size,
        purge,
    }
}

/// Subjects of the server's INBOX, sorted.
fn server_subjects(server: &FakeRemote, folder: usize) -> Vec<String> {
    let mut out: Vec<String> = server.folders[folder]
        .messages
        .values()
        .map(|m| subject(&m.body))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn clean_by_size_deletes_the_oldest_stored_messages_only() {
    let t0 = 1_800_000_000;
    // Arrival: m5 is the oldest on the server, but it is not stored locally.
    let arrivals = [10, 9, 8, 7, 20, 1];
    let mut server = FakeRemote::imap(Vec::new());
    server.quota_limit = Some(1 << 30);
    let mut local = Local::new();
    unit::set_now(Some(t0));
    for (i, days) in arrivals.iter().enumerate() {
        if i == 4 {
            // m5 and m6 arrive after the fetch (m5 with an old date: moved in by a rule).
            local.fetch(&mut server, Retention::Keep).await.unwrap();
        }
        let uid = server.deliver(message(i as u32 + 1, "size"), Flags::default());
        server.inbox().messages.get_mut(&uid).unwrap().arrived = Some(t0 - days * DAY);
    }
    // The user deleted m2's local copy.
    local.delete("size 2");
    let size = message(1, "size").len() as u64;
    let used = 6 * size;
    // At most 3.5 messages' worth: three must go, and only 1, 3 and 4 are stored.
    let limit = used - 2 * size - size / 2;
    let dry = local
        .clean(&mut server, rules(None, Some(limit), &[]), &["INBOX"], true)
        .await
        .unwrap();
    assert_eq!(dry.deleted(), 3, "{dry:?}");
    assert_eq!(
        server.inbox().messages.len(),
        6,
        "a dry run deletes nothing"
    );
    let r = local
        .clean(
            &mut server,
            rules(None, Some(limit), &[]),
            &["INBOX"],
            false,
        )
        .await
        .unwrap();
    assert_eq!(r.deleted(), 3, "{r:?}");
    let usage = r.usage.as_ref().unwrap();
    assert_eq!(
        (usage.before, usage.after, usage.measured_by),
        (used, used - 3 * size, "quota")
    );
    assert_eq!(usage.still_over, 0);
    assert_eq!(
        server_subjects(&server, 0),
        ["size 2", "size 5", "size 6"],
        "only stored messages go"
    );
    assert_eq!(local.bodies().len(), 3, "local copies untouched");
    // A lower limit: nothing more can go, m2, m5 and m6 not being stored.
    let again = local
        .clean(&mut server, rules(None, Some(size), &[]), &["INBOX"], false)
        .await
        .unwrap();
    assert_eq!(again.deleted(), 0);
    assert_eq!(again.usage.unwrap().still_over, 2 * size);
    unit::set_now(None);
}

#[tokio::test]
async fn clean_by_age_and_purge_keeps_local_copies_and_sync_leaves_them() {
    let t0 = 1_800_000_000;
    let mut server = FakeRemote::imap(bodies(3, "inbox"));
    let mut junk = crate::remote::fake::FakeFolder {
        path: vec!["Junk".into()],
        validity: 9,
        next_uid: 1,
        messages: Default::default(),
    };
    for (n, days) in [(1, 40), (2, 31), (3, 5)] {
        junk.messages.insert(
            n,
            crate::remote::fake::FakeMessage {
                body: message(n, "junk"),
                flags: Flags::default(),
                arrived: Some(t0 - days * DAY),
            },
        );
        junk.next_uid = n + 1;
    }
    server.folders.push(junk);
    let mut local = Local::new();
    unit::set_now(Some(t0 - 31 * DAY));
    local.sync(&mut server, None).await.unwrap();
    // A message that arrives later is not old enough.
    server.deliver(message(4, "inbox"), Flags::default());
    unit::set_now(Some(t0 - DAY));
    local.sync(&mut server, None).await.unwrap();
    unit::set_now(Some(t0));
    let purge = [("Junk".to_string(), 30)];
    let r = local
        .clean(
            &mut server,
            rules(Some(30), None, &purge),
            &["INBOX"],
            false,
        )
        .await
        .unwrap();
    assert_eq!(r.deleted(), 5, "{r:?}");
    assert_eq!(server_subjects(&server, 0), ["inbox 4"]);
    assert_eq!(server_subjects(&server, 1), ["junk 3"]);
    assert_eq!(local.bodies().len(), 4, "local INBOX untouched");
    let local_junk = Folder::existing(&local.root(), ".Junk").scan().unwrap();
    assert_eq!(local_junk.len(), 3, "local Junk untouched");
    // The next sync neither deletes the local copies nor uploads them again.
    let again = local.sync(&mut server, None).await.unwrap();
    for f in &again {
        assert_eq!(
            (
                f.downloaded,
                f.uploaded,
                f.deleted_local,
                f.deleted_on_server
            ),
            (0, 0, 0, 0),
            "{f:?}"
        );
    }
    assert_eq!(server_subjects(&server, 0), ["inbox 4"]);
    assert_eq!(local.bodies().len(), 4);
    unit::set_now(None);
}

#[tokio::test]
async fn clean_on_pop3_records_deletions_only_after_a_clean_quit() {
    let mut server = FakeRemote::pop3(bodies(4, "pop"));
    let mut local = Local::new();
    local.fetch(&mut server, Retention::Keep).await.unwrap();
    let size = message(1, "pop").len() as u64;
    // Without QUOTA: the sum of the message sizes.
    let r = local
        .clean(
            &mut server,
            rules(None, Some(2 * size), &[]),
            &["INBOX"],
            false,
        )
        .await
        .unwrap();
    let usage = r.usage.as_ref().unwrap();
    assert_eq!(
        (usage.before, usage.measured_by),
        (4 * size, "message sizes")
    );
    assert_eq!(r.deleted(), 2);
    assert_eq!(server.bodies(), vec![message(3, "pop"), message(4, "pop")]);
    assert_eq!(local.bodies().len(), 4);
    // Nothing downloaded again, nothing more deleted.
    let f = local.fetch(&mut server, Retention::Keep).await.unwrap();
    assert_eq!(downloaded(&f), 0);
    let again = local
        .clean(
            &mut server,
            rules(None, Some(2 * size), &[]),
            &["INBOX"],
            false,
        )
        .await
        .unwrap();
    assert_eq!(again.deleted(), 0);
}

#[tokio::test]
async fn clean_counts_nothing_as_stored_in_a_replaced_folder() {
    let mut server = FakeRemote::imap(bodies(4, "moved"));
    server.quota_limit = Some(1 << 30);
    let mut local = Local::new();
    local.fetch(&mut server, Retention::Keep).await.unwrap();
    // The Maildir is moved aside and a copy put in its place: same files, another
    // directory.
    let root = local.root();
    let aside = local.dir.path().join("aside");
    std::fs::rename(&root, &aside).unwrap();
    std::fs::create_dir(&root).unwrap();
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir(root.join(sub)).unwrap();
        for e in std::fs::read_dir(aside.join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), root.join(sub).join(e.file_name())).unwrap();
        }
    }
    let r = local
        .clean(&mut server, rules(Some(1), Some(1), &[]), &["INBOX"], false)
        .await
        .unwrap();
    assert_eq!(r.deleted(), 0, "{r:?}");
    assert_eq!(server.bodies().len(), 4);
}

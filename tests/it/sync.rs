//! `mailx sync` scenarios against a real Dovecot. Each scenario: a server and a local side
//! set up and synced once, then changed on both sides; the next sync must reach the
//! expected state on both sides. Every scenario is also checked for `--dry-run` (predicts
//! the run, changes nothing), idempotence (a second run has nothing to do), and crash
//! safety (killed after each durable step, then resumed: same end state, no duplicates).

use crate::common::courier::Courier;
use crate::common::*;

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layout {
    /// "/" separator, no prefix.
    Slash,
    /// Everything under "INBOX." with "." as separator.
    Dot,
}

/// One account on a fresh server user, with its own Maildir and state. Dovecot's changes
/// go through doveadm, so that its index and modseqs see them as any client's change;
/// Courier's are made on its Maildir, as a delivery agent or another Maildir program makes
/// them, which Courier reads at every session.
struct World<'a> {
    srv: Host<'a>,
    c: Client,
    user: String,
    layout: Layout,
}

/// folder path ("" = INBOX) → sorted (subject, flags) of its messages.
type Side = BTreeMap<String, Vec<(String, String)>>;

fn body(subject: &str) -> Vec<u8> {
    format!(
        "From: someone@example.org\nTo: me@example.org\nSubject: {subject}\nMessage-ID: <{}@example.org>\nDate: Mon, 2 Mar 2026 10:11:12 +0100\n\nThis is {subject}.\n",
        subject.replace(' ', ".")
    )
    .into_bytes()
}

/// On-disk Maildir++ name of a folder path; `mutf7` for the server's encoding.
fn fs_name(path: &str, mutf7: bool) -> String {
    if path.is_empty() {
        return String::new();
    }
    let name = format!(".{}", path.replace('/', "."));
    if mutf7 {
        name.replace('ü', "&APw-")
    } else {
        name
    }
}

fn path_of(fs: &str) -> String {
    fs.trim_start_matches('.')
        .replace('.', "/")
        .replace("&APw-", "ü")
}

fn subject_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .find_map(|l| l.strip_prefix("Subject: ").map(str::to_string))
        .unwrap_or_else(|| "<no subject>".into())
}

fn flags_of(name: &str) -> String {
    let mut f: Vec<char> = name
        .split_once(":2,")
        .map(|(_, f)| f.chars().filter(|c| "DFRST".contains(*c)).collect())
        .unwrap_or_default();
    f.sort();
    f.into_iter().collect()
}

fn read_side(root: &std::path::Path) -> Side {
    let mut out = Side::new();
    let mut dirs = vec![(String::new(), root.to_path_buf())];
    if let Ok(entries) = fs::read_dir(root) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && e.path().join("cur").is_dir() {
                dirs.push((path_of(&name), e.path()));
            }
        }
    }
    for (path, dir) in dirs {
        if !dir.join("cur").is_dir() {
            continue;
        }
        let mut msgs: Vec<(String, String)> = read_maildir(&dir)
            .into_iter()
            .map(|(name, bytes)| (subject_of(&bytes), flags_of(&name)))
            .collect();
        msgs.sort();
        out.insert(path, msgs);
    }
    out
}

fn expected(list: &[(&str, &str, &str)]) -> Side {
    let mut out = Side::new();
    for (folder, subject, flags) in list {
        let v = out.entry(folder.to_string()).or_default();
        if !subject.is_empty() {
            v.push((subject.to_string(), flags.to_string()));
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

impl<'a> World<'a> {
    fn new(dc: &'a Dovecot, layout: Layout, extra: &str) -> Self {
        let user = dc.add_user(layout == Layout::Dot);
        Self::on(Host::Dovecot(dc), user, layout, extra)
    }

    /// A world on a Courier of its own: its only layout is "INBOX." with ".".
    fn courier(extra: &str) -> World<'static> {
        let courier = Courier::start();
        let user = courier.dot_user();
        World::on(Host::Courier(courier), user, Layout::Dot, extra)
    }

    fn on(srv: Host<'a>, user: String, layout: Layout, extra: &str) -> Self {
        let c = Client::new();
        c.write_config(&account(
            "a",
            srv.server(),
            "imap",
            &user,
            &c,
            &format!("folders = [\"*\"]\n{extra}"),
        ));
        World {
            srv,
            c,
            user,
            layout,
        }
    }

    fn label(&self) -> &'static str {
        self.srv.server().label()
    }

    fn server_log(&self) -> String {
        match &self.srv {
            Host::Dovecot(dc) => dc.info_log(),
            Host::Courier(c) => c.log(),
        }
    }

    /// Courier >= 5.0 names folders on disk in UTF-8, Dovecot in modified UTF-7.
    fn server_fs_name(&self, path: &str) -> String {
        fs_name(path, !self.srv.server().fs_name_utf8())
    }

    fn server_root(&self) -> PathBuf {
        match &self.srv {
            Host::Dovecot(dc) => dc.folder_dir(&self.user, ""),
            Host::Courier(c) => c.maildir().to_path_buf(),
        }
    }

    /// The server's file of the message with `subject` in folder `path`.
    fn server_file(&self, path: &str, subject: &str) -> PathBuf {
        let dir = self.server_root().join(self.server_fs_name(path));
        for sub in ["cur", "new"] {
            for e in fs::read_dir(dir.join(sub)).into_iter().flatten().flatten() {
                if fs::read(e.path()).is_ok_and(|b| subject_of(&b) == subject) {
                    return e.path();
                }
            }
        }
        panic!("no server message {subject:?} in {path:?}")
    }

    fn mailbox(&self, path: &str) -> String {
        match (path, self.layout) {
            ("", _) => "INBOX".into(),
            (p, Layout::Slash) => p.into(),
            (p, Layout::Dot) => format!("INBOX.{}", p.replace('/', ".")),
        }
    }

    fn sync(&self, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["--json", "sync"];
        args.extend_from_slice(extra);
        self.c.mailx(&args)
    }

    fn server(&self) -> Side {
        read_side(&self.server_root())
    }

    fn local(&self) -> Side {
        read_side(&self.c.maildir("a"))
    }

    fn local_dir(&self, path: &str) -> PathBuf {
        let root = self.c.maildir("a");
        if path.is_empty() {
            root
        } else {
            root.join(fs_name(path, false))
        }
    }

    fn local_file(&self, path: &str, subject: &str) -> PathBuf {
        read_maildir(&self.local_dir(path))
            .into_iter()
            .find(|(_, b)| subject_of(b) == subject)
            .map(|(name, _)| {
                let sub = if name.contains(":2,") { "cur" } else { "new" };
                let p = self.local_dir(path).join(sub).join(&name);
                if p.exists() {
                    p
                } else {
                    self.local_dir(path).join("new").join(&name)
                }
            })
            .unwrap_or_else(|| panic!("no local {subject:?} in {path:?}"))
    }

    // Server side (initial messages as files; later changes through doveadm, so that
    // Dovecot's index and modseqs see them as any client's change).
    fn seed(&self, path: &str, subject: &str, flags: &str) {
        self.srv.server().add_messages(
            &self.user,
            &self.server_fs_name(path),
            &[body(subject)],
            flags,
        );
    }

    fn server_new(&self, path: &str, subject: &str) {
        match &self.srv {
            Host::Dovecot(dc) => {
                dc.doveadm_stdin(
                    &["save", "-u", &self.user, "-m", &self.mailbox(path)],
                    &body(subject),
                );
            }
            Host::Courier(c) => c.deliver(&self.server_fs_name(path), &body(subject)),
        }
    }

    /// `op` "add" or "remove" of IMAP flags ("\\Seen \\Flagged").
    fn server_flags(&self, path: &str, subject: &str, op: &str, flags: &str) {
        match &self.srv {
            Host::Dovecot(dc) => {
                dc.doveadm(&[
                    "flags",
                    op,
                    "-u",
                    &self.user,
                    flags,
                    "mailbox",
                    &self.mailbox(path),
                    "SUBJECT",
                    subject,
                ]);
            }
            Host::Courier(c) => {
                let letters: String = flags
                    .split_whitespace()
                    .filter_map(|f| match f {
                        "\\Seen" => Some('S'),
                        "\\Flagged" => Some('F'),
                        "\\Answered" => Some('R'),
                        "\\Deleted" => Some('T'),
                        "\\Draft" => Some('D'),
                        _ => None,
                    })
                    .collect();
                let file = self.server_file(path, subject);
                let name = file.file_name().unwrap().to_string_lossy().into_owned();
                let now = flags_of(&name);
                let mut next: Vec<char> = match op {
                    "add" => now.chars().chain(letters.chars()).collect(),
                    _ => now.chars().filter(|l| !letters.contains(*l)).collect(),
                };
                next.sort();
                next.dedup();
                let unique = name.split(':').next().unwrap();
                let cur = file.parent().unwrap().parent().unwrap().join("cur");
                let flags: String = next.into_iter().collect();
                fs::rename(&file, cur.join(format!("{unique}:2,{flags}"))).unwrap();
                c.give_back();
            }
        }
    }

    fn server_expunge(&self, path: &str, subject: &str) {
        match &self.srv {
            Host::Dovecot(dc) => {
                dc.doveadm(&[
                    "expunge",
                    "-u",
                    &self.user,
                    "mailbox",
                    &self.mailbox(path),
                    "SUBJECT",
                    subject,
                ]);
            }
            Host::Courier(_) => fs::remove_file(self.server_file(path, subject)).unwrap(),
        }
    }

    fn server_create(&self, path: &str) {
        match &self.srv {
            Host::Dovecot(dc) => {
                dc.doveadm(&["mailbox", "create", "-u", &self.user, &self.mailbox(path)]);
            }
            Host::Courier(c) => c.add_messages(&self.user, &self.server_fs_name(path), &[], ""),
        }
    }

    /// The server gives the folder new UIDs and a new UIDVALIDITY.
    fn server_renumber(&self, path: &str) {
        match &self.srv {
            Host::Dovecot(dc) => {
                dc.doveadm(&[
                    "mailbox",
                    "update",
                    "-u",
                    &self.user,
                    "--uid-validity",
                    "777",
                    &self.mailbox(path),
                ]);
            }
            // Courier keeps a folder's UIDs in courierimapuiddb: without it, it numbers
            // the folder anew.
            Host::Courier(_) => {
                let dir = self.server_root().join(self.server_fs_name(path));
                fs::remove_file(dir.join("courierimapuiddb")).unwrap();
            }
        }
    }

    // Local side, as a mail reader would do it.
    fn local_new(&self, path: &str, subject: &str, flags: &str) {
        let dir = self.local_dir(path);
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(dir.join(sub)).unwrap();
        }
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let unique = format!("1700000000.R{n}.reader");
        let dest = if flags.is_empty() {
            dir.join("new").join(&unique)
        } else {
            dir.join("cur").join(format!("{unique}:2,{flags}"))
        };
        fs::write(&dest, body(subject)).unwrap();
    }

    fn local_set_flags(&self, path: &str, subject: &str, flags: &str) {
        let from = self.local_file(path, subject);
        let name = from.file_name().unwrap().to_string_lossy().into_owned();
        let unique = name.split(':').next().unwrap();
        let to = self
            .local_dir(path)
            .join("cur")
            .join(format!("{unique}:2,{flags}"));
        fs::rename(from, to).unwrap();
    }

    fn local_delete(&self, path: &str, subject: &str) {
        fs::remove_file(self.local_file(path, subject)).unwrap();
    }

    fn local_move(&self, from: &str, to: &str, subject: &str) {
        let src = self.local_file(from, subject);
        let dir = self.local_dir(to);
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let name = src.file_name().unwrap().to_owned();
        fs::rename(&src, dir.join("cur").join(name)).unwrap();
    }
}

struct Scenario {
    name: &'static str,
    layout: Layout,
    config: &'static str,
    /// Before the first sync.
    setup: fn(&World),
    /// Between the first sync and the one under test.
    change: fn(&World),
    server: &'static [(&'static str, &'static str, &'static str)],
    local: &'static [(&'static str, &'static str, &'static str)],
}

fn totals(o: &std::process::Output) -> Vec<u64> {
    let j = json_of(o, "a");
    [
        "downloaded",
        "uploaded",
        "flags_to_local",
        "flags_to_server",
        "deleted_local",
        "deleted_on_server",
    ]
    .iter()
    .map(|k| j[k].as_u64().unwrap_or_else(|| panic!("no {k} in {j}")))
    .collect()
}

/// Makes the world a scenario starts from.
type Maker<'m, 'a> = &'m dyn Fn(&Scenario) -> World<'a>;

fn prepare<'a>(make: Maker<'_, 'a>, s: &Scenario) -> World<'a> {
    let w = make(s);
    (s.setup)(&w);
    let first = w.sync(&[]);
    assert!(
        first.status.success(),
        "{} ({}): first sync failed: {}\n{}",
        s.name,
        w.label(),
        stderr(&first),
        w.server_log()
    );
    assert_eq!(
        w.server(),
        w.local(),
        "{} ({}): first sync did not converge",
        s.name,
        w.label()
    );
    (s.change)(&w);
    w
}

fn check_end(w: &World, s: &Scenario, when: &str) {
    let at = w.label();
    assert_eq!(
        w.server(),
        expected(s.server),
        "{} ({at}): server {when}",
        s.name
    );
    assert_eq!(
        w.local(),
        expected(s.local),
        "{} ({at}): local {when}",
        s.name
    );
}

fn assert_idle(w: &World, s: &Scenario, when: &str) {
    let again = w.sync(&[]);
    assert_ok(&again);
    assert_eq!(
        totals(&again),
        [0; 6],
        "{} ({}): not idempotent {when}",
        s.name,
        w.label()
    );
    check_end(w, s, when);
}

/// The scenario straight, then crashed at every step and resumed, on Dovecot; then
/// straight on Courier. Returns the number of steps the crash loop covered.
fn run(s: &Scenario) -> usize {
    let dc = Dovecot::start();
    let steps = run_on(&|s| World::new(&dc, s.layout, s.config), s, true);
    run_courier(s, false);
    steps
}

/// The scenario on Courier (its "INBOX." layout), with the crash loop when `crash`.
fn run_courier(s: &Scenario, crash: bool) -> usize {
    run_on(&|s| World::courier(s.config), s, crash)
}

/// The same against a server without CONDSTORE, QRESYNC, UIDPLUS and LITERAL+: full
/// listings, APPEND without APPENDUID (uploads found again by content), continuations.
fn run_bare(s: &Scenario) -> usize {
    let dc = Dovecot::start_with(Options {
        imap_capability: Some(BARE_IMAP),
        ..Options::default()
    });
    run_on(&|s| World::new(&dc, s.layout, s.config), s, true)
}

fn run_on<'a>(make: Maker<'_, 'a>, s: &Scenario, crash: bool) -> usize {
    let w = prepare(make, s);
    let (server_before, local_before) = (w.server(), w.local());
    let dry = w.sync(&["--dry-run"]);
    assert_ok(&dry);
    assert_eq!(
        w.server(),
        server_before,
        "{} ({}): dry run changed the server",
        s.name,
        w.label()
    );
    assert_eq!(
        w.local(),
        local_before,
        "{}: dry run changed the Maildir",
        s.name
    );
    let out = w.sync(&[]);
    assert_ok(&out);
    assert_eq!(
        totals(&dry),
        totals(&out),
        "{}: the dry run predicted something else",
        s.name
    );
    check_end(&w, s, "after sync");
    assert_idle(&w, s, "after sync");
    if !crash {
        return 0;
    }

    let mut n = 1;
    loop {
        let w = prepare(make, s);
        let out =
            w.c.mailx_env(&["sync"], &[("MAILX_TEST_CRASH_AFTER", &n.to_string())]);
        let crashed = out.status.code().is_none();
        if !crashed {
            assert_ok(&out);
            check_end(&w, s, "after an uninterrupted run");
            eprintln!("{}: crashed and resumed at each of {} steps", s.name, n - 1);
            return n - 1;
        }
        let resumed = w.sync(&[]);
        assert_ok(&resumed);
        check_end(&w, s, &format!("after a crash at step {n}"));
        assert_idle(&w, s, &format!("after a crash at step {n}"));
        n += 1;
        assert!(n < 100, "{}: never finished", s.name);
    }
}

const NEW_BOTH_SIDES: Scenario = Scenario {
    name: "new on each side",
    layout: Layout::Slash,
    config: "",
    setup: |w| {
        w.seed("", "old", "S");
    },
    change: |w| {
        w.server_new("", "from server");
        w.local_new("", "from local", "S");
        w.local_new("", "local draft", "DS");
    },
    server: &[
        ("", "from local", "S"),
        ("", "from server", ""),
        ("", "local draft", "DS"),
        ("", "old", "S"),
    ],
    local: &[
        ("", "from local", "S"),
        ("", "from server", ""),
        ("", "local draft", "DS"),
        ("", "old", "S"),
    ],
};

#[test]
fn new_messages_on_each_side() {
    let steps = run(&NEW_BOTH_SIDES);
    assert!(steps >= 6, "only {steps} steps");
}

const FLAGS: Scenario = Scenario {
    name: "flag changes on each side",
    layout: Layout::Slash,
    config: "",
    setup: |w| {
        for s in ["a", "b", "c", "d"] {
            w.seed("", s, "");
        }
        w.seed("", "e", "S");
    },
    change: |w| {
        w.server_flags("", "a", "add", "\\Seen");
        w.server_flags("", "b", "add", "\\Flagged \\Answered");
        w.local_set_flags("", "c", "S");
        w.local_set_flags("", "d", "FT");
        w.local_set_flags("", "e", "");
    },
    server: &[
        ("", "a", "S"),
        ("", "b", "FR"),
        ("", "c", "S"),
        ("", "d", "FT"),
        ("", "e", ""),
    ],
    local: &[
        ("", "a", "S"),
        ("", "b", "FR"),
        ("", "c", "S"),
        ("", "d", "FT"),
        ("", "e", ""),
    ],
};

#[test]
fn flag_changes_on_each_side() {
    run(&FLAGS);
}

const CONFLICT: Scenario = Scenario {
    name: "conflicting flag changes",
    layout: Layout::Slash,
    config: "",
    setup: |w| {
        w.seed("", "x", "S");
        w.seed("", "y", "FS");
    },
    change: |w| {
        // x: server removes Seen and adds Flagged; local adds Answered (keeps Seen).
        w.server_flags("", "x", "remove", "\\Seen");
        w.server_flags("", "x", "add", "\\Flagged");
        w.local_set_flags("", "x", "RS");
        // y: both remove Flagged, local also removes Seen, server re-adds nothing.
        w.server_flags("", "y", "remove", "\\Flagged");
        w.local_set_flags("", "y", "");
    },
    // Additions win; a removal wins unless the other side re-added the flag.
    server: &[("", "x", "FR"), ("", "y", "")],
    local: &[("", "x", "FR"), ("", "y", "")],
};

#[test]
fn conflicting_flag_changes_merge() {
    run(&CONFLICT);
}

const DELETE_FLAG_ONLY: Scenario = Scenario {
    name: "deletions, expunge off",
    layout: Layout::Slash,
    config: "",
    setup: |w| {
        for s in ["keep", "gone on server", "gone locally"] {
            w.seed("", s, "S");
        }
    },
    change: |w| {
        w.server_expunge("", "gone on server");
        w.local_delete("", "gone locally");
    },
    server: &[("", "gone locally", "ST"), ("", "keep", "S")],
    local: &[("", "keep", "S")],
};

#[test]
fn deletions_without_expunge_only_flag() {
    run(&DELETE_FLAG_ONLY);
}

const DELETE_EXPUNGE: Scenario = Scenario {
    name: "deletions, expunge on",
    layout: Layout::Slash,
    config: "expunge = true",
    setup: |w| {
        for s in ["keep", "gone on server", "gone locally", "trashed"] {
            w.seed("", s, "S");
        }
    },
    change: |w| {
        w.server_expunge("", "gone on server");
        w.local_delete("", "gone locally");
        w.local_set_flags("", "trashed", "ST");
    },
    server: &[("", "keep", "S")],
    local: &[("", "keep", "S")],
};

#[test]
fn deletions_with_expunge() {
    run(&DELETE_EXPUNGE);
}

const FOLDERS: Scenario = Scenario {
    name: "folders created on each side",
    layout: Layout::Slash,
    config: "",
    setup: |w| {
        w.seed("", "inbox mail", "");
    },
    change: |w| {
        w.server_create("Projects/2026");
        w.server_new("Projects/2026", "plan");
        w.local_new("Notes", "note", "S");
        w.local_new("Entwürfe", "entwurf", "D");
    },
    server: &[
        ("", "inbox mail", ""),
        ("Entwürfe", "entwurf", "D"),
        ("Notes", "note", "S"),
        ("Projects/2026", "plan", ""),
    ],
    local: &[
        ("", "inbox mail", ""),
        ("Entwürfe", "entwurf", "D"),
        ("Notes", "note", "S"),
        ("Projects/2026", "plan", ""),
    ],
};

#[test]
fn folders_created_on_each_side_and_non_ascii_names() {
    run(&FOLDERS);
}

const DOT_LAYOUT: Scenario = Scenario {
    name: "INBOX. prefix layout",
    layout: Layout::Dot,
    config: "",
    setup: |w| {
        w.seed("", "in inbox", "");
        w.seed("Sent", "sent one", "S");
        w.seed("Archive/2024", "archived", "S");
        w.seed("Entwürfe", "draft", "D");
    },
    change: |w| {
        w.local_new("Sent", "sent two", "S");
        w.local_new("Archive/2025", "new archive", "S");
        w.server_flags("Archive/2024", "archived", "add", "\\Flagged");
        w.local_set_flags("Entwürfe", "draft", "DS");
    },
    server: &[
        ("", "in inbox", ""),
        ("Archive/2024", "archived", "FS"),
        ("Archive/2025", "new archive", "S"),
        ("Entwürfe", "draft", "DS"),
        ("Sent", "sent one", "S"),
        ("Sent", "sent two", "S"),
    ],
    local: &[
        ("", "in inbox", ""),
        ("Archive/2024", "archived", "FS"),
        ("Archive/2025", "new archive", "S"),
        ("Entwürfe", "draft", "DS"),
        ("Sent", "sent one", "S"),
        ("Sent", "sent two", "S"),
    ],
};

#[test]
fn dot_prefix_layout() {
    run(&DOT_LAYOUT);
}

const MOVE: Scenario = Scenario {
    name: "message moved between local folders",
    layout: Layout::Slash,
    config: "",
    setup: |w| {
        w.seed("", "mover", "S");
        w.seed("", "stayer", "");
        w.seed("Archive", "old", "S");
    },
    change: |w| {
        w.local_move("", "Archive", "mover");
    },
    server: &[
        ("", "mover", "ST"),
        ("", "stayer", ""),
        ("Archive", "mover", "S"),
        ("Archive", "old", "S"),
    ],
    local: &[
        ("", "stayer", ""),
        ("Archive", "mover", "S"),
        ("Archive", "old", "S"),
    ],
};

#[test]
fn message_moved_between_local_folders() {
    run(&MOVE);
}

const UIDVALIDITY: Scenario = Scenario {
    name: "UIDVALIDITY change",
    layout: Layout::Slash,
    config: "",
    setup: |w| {
        w.seed("", "one", "S");
        w.seed("", "two", "");
        w.seed("", "twin", "");
        w.seed("", "twin", "");
    },
    change: |w| {
        w.server_renumber("");
        w.server_new("", "arrived after");
        w.local_new("", "written locally", "S");
        w.local_set_flags("", "two", "F");
    },
    // Nothing deleted, nothing doubled; flags are the union of both sides.
    server: &[
        ("", "arrived after", ""),
        ("", "one", "S"),
        ("", "twin", ""),
        ("", "twin", ""),
        ("", "two", "F"),
        ("", "written locally", "S"),
    ],
    local: &[
        ("", "arrived after", ""),
        ("", "one", "S"),
        ("", "twin", ""),
        ("", "twin", ""),
        ("", "two", "F"),
        ("", "written locally", "S"),
    ],
};

#[test]
fn uidvalidity_change_pairs_by_content() {
    run(&UIDVALIDITY);
}

const STATE_LOST: Scenario = Scenario {
    name: "state file removed",
    layout: Layout::Slash,
    config: "expunge = true",
    setup: |w| {
        w.seed("", "a", "S");
        w.seed("", "b", "");
        w.seed("Sent", "s", "S");
    },
    change: |w| {
        fs::remove_dir_all(w.c.dir.path().join("state")).unwrap();
        w.local_delete("", "b");
        w.local_set_flags("", "a", "FS");
        w.server_flags("Sent", "s", "add", "\\Answered");
    },
    // Without state a missing file is not a deletion: b comes back, nothing is removed.
    server: &[("", "a", "FS"), ("", "b", ""), ("Sent", "s", "RS")],
    local: &[("", "a", "FS"), ("", "b", ""), ("Sent", "s", "RS")],
};

#[test]
fn lost_state_deletes_nothing_and_duplicates_nothing() {
    run(&STATE_LOST);
}

#[test]
fn vanished_local_folder_stops_that_folder_only() {
    let dc = Dovecot::start();
    let w = World::new(&dc, Layout::Slash, "");
    w.seed("", "inbox", "");
    w.seed("Work", "w1", "S");
    w.seed("Work", "w2", "");
    assert_ok(&w.sync(&[]));
    fs::remove_dir_all(w.local_dir("Work")).unwrap();
    w.server_new("", "new in inbox");
    let out = w.sync(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is gone"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--reconcile"), "{}", stderr(&out));
    // Nothing deleted on the server; the other folder synced.
    assert_eq!(dc.server_messages(&w.user, ".Work").len(), 2);
    assert_eq!(w.local()[""].len(), 2);
    // Asking for it back downloads it again.
    assert_ok(&w.sync(&["--reconcile"]));
    assert_eq!(w.local()["Work"].len(), 2);
    assert_eq!(w.server(), w.local());
}

#[test]
fn folder_removed_on_server_is_not_recreated_or_emptied() {
    let dc = Dovecot::start();
    let w = World::new(&dc, Layout::Slash, "");
    w.seed("", "inbox", "");
    w.seed("Old", "o1", "S");
    assert_ok(&w.sync(&[]));
    dc.doveadm(&["mailbox", "delete", "-u", &w.user, "-r", "Old"]);
    let out = w.sync(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("gone from the server"),
        "{}",
        stderr(&out)
    );
    assert_eq!(w.local()["Old"].len(), 1, "local copy kept");
    assert!(!w.server().contains_key("Old"), "not recreated");
}

#[test]
fn create_none_leaves_one_sided_folders_alone() {
    let dc = Dovecot::start();
    let w = World::new(&dc, Layout::Slash, "create = \"none\"");
    w.seed("", "inbox", "");
    w.seed("ServerOnly", "s", "");
    w.local_new("LocalOnly", "l", "");
    let out = w.sync(&[]);
    assert_ok(&out);
    assert!(!w.local().contains_key("ServerOnly"));
    assert!(!w.server().contains_key("LocalOnly"));
    assert_eq!(w.local()[""].len(), 1);
}

#[test]
fn dry_run_prints_the_plan() {
    let dc = Dovecot::start();
    let w = World::new(&dc, Layout::Slash, "");
    w.seed("", "one", "");
    assert_ok(&w.sync(&[]));
    w.server_new("", "two");
    w.local_set_flags("", "one", "S");
    let out = w.c.mailx(&["sync", "--dry-run"]);
    assert_ok(&out);
    let text = stdout(&out);
    assert!(text.contains("download UID"), "{text}");
    assert!(text.contains("server UID 1: add \"S\""), "{text}");
    assert!(
        text.contains("would sync: 1 downloaded, 1 flag changes to server"),
        "{text}"
    );
    assert_eq!(w.local()[""], [("one".to_string(), "S".to_string())]);
}

#[test]
fn pop3_account_is_refused_with_advice() {
    let dc = Dovecot::start();
    let c = Client::new();
    c.write_config(&account("p", &dc, "pop3", SLASH_USER, &c, ""));
    let out = c.mailx(&["sync", "p"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(stderr(&out).contains("mailx fetch p"), "{}", stderr(&out));
}

#[test]
fn without_extensions_new_messages_on_each_side() {
    let steps = run_bare(&NEW_BOTH_SIDES);
    assert!(steps >= 6, "only {steps} steps");
}

#[test]
fn without_extensions_flags_deletions_and_moves() {
    run_bare(&FLAGS);
    run_bare(&DELETE_FLAG_ONLY);
    run_bare(&MOVE);
}

#[test]
fn without_extensions_folders_and_lost_state() {
    run_bare(&FOLDERS);
    run_bare(&STATE_LOST);
}

#[test]
fn bare_server_really_lacks_the_extensions() {
    let dc = Dovecot::start_with(Options {
        imap_capability: Some(BARE_IMAP),
        ..Options::default()
    });
    let w = World::new(&dc, Layout::Slash, "");
    w.seed("", "one", "");
    assert_ok(&w.sync(&[]));
    w.local_new("", "two", "S");
    let out = w.c.mailx_env(&["sync"], &[("MAILX_LOG", "mailx=trace")]);
    assert_ok(&out);
    let trace = stderr(&out);
    assert!(trace.contains("C: APPEND"), "{trace}");
    for absent in ["+}", "QRESYNC", "CONDSTORE", "CHANGEDSINCE", "UID EXPUNGE"] {
        assert!(!trace.contains(absent), "{absent} in {trace}");
    }
    assert_eq!(w.server(), w.local());
}

#[test]
fn one_bad_message_does_not_stop_the_folder() {
    let dc = Dovecot::start();
    let w = World::new(&dc, Layout::Slash, "");
    w.seed("", "m1", "");
    assert_ok(&w.sync(&[]));
    w.server_new("", "m2");
    w.server_new("", "m3");
    // Dovecot cannot read m2: it answers the FETCH with BYE.
    dc.set_message_mode(&w.user, "", "Subject: m2", 0);
    w.local_new("", "local one", "S");
    let out = w.sync(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let j = json_of(&out, "a");
    assert_eq!(j["downloaded"], 1, "{j}");
    assert_eq!(j["uploaded"], 1, "{j}");
    assert!(
        stderr(&out).contains("could not be transferred"),
        "{}",
        stderr(&out)
    );
    dc.set_message_mode(&w.user, "", "Subject: m2", 0o644);
    let out = w.sync(&[]);
    assert_ok(&out);
    assert_eq!(json_of(&out, "a")["downloaded"], 1);
    assert_eq!(w.server(), w.local());
    assert_eq!(w.local()[""].len(), 4);
}

/// Crash-at-every-step on Courier for a representative subset: uploads and downloads,
/// flags both ways, deletions with expunge (no CONDSTORE, QRESYNC, MOVE or LITERAL+ there:
/// full listings, APPEND with continuations).
#[test]
fn courier_survives_a_crash_at_every_step() {
    for s in [&NEW_BOTH_SIDES, &FLAGS, &DELETE_EXPUNGE] {
        let steps = run_courier(s, true);
        assert!(steps >= 4, "{}: only {steps} steps", s.name);
    }
}

/// A folder unchanged on both sides since a sync that changed nothing is skipped without
/// scanning it (the stamp of new/ and cur/), and every kind of local change made right
/// after such a run, within the same second, is still seen by the next one.
#[test]
fn an_unchanged_folder_is_skipped_and_a_change_right_after_is_seen() {
    let dc = Dovecot::start();
    let w = World::new(&dc, Layout::Slash, "");
    for s in ["one", "two", "three"] {
        w.seed("", s, "");
    }
    assert_ok(&w.sync(&[]));
    // The stamp is recorded only once the directories' times are older than any file
    // system's timestamp granularity.
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
    let skipped = || {
        let out = w.c.mailx(&["-vv", "sync"]);
        assert_ok(&out);
        stderr(&out).contains("INBOX: unchanged on both sides")
    };
    let settled_and_skipped = || {
        settle();
        assert!(!skipped(), "the run after a change scans the folder");
        assert!(skipped(), "nothing changed since: skipped");
    };
    settled_and_skipped();

    w.local_set_flags("", "one", "F");
    assert!(!skipped(), "a flag change is seen");
    assert!(
        w.server()[""].contains(&("one".into(), "F".into())),
        "{:?}",
        w.server()
    );
    settled_and_skipped();

    w.local_delete("", "two");
    assert!(!skipped(), "a deletion is seen");
    assert!(
        w.server()[""].contains(&("two".into(), "T".into())),
        "{:?}",
        w.server()
    );
    settled_and_skipped();

    w.local_new("", "four", "");
    assert!(!skipped(), "a new message is seen");
    assert!(
        w.server()[""].iter().any(|(s, _)| s == "four"),
        "{:?}",
        w.server()
    );
    settled_and_skipped();

    w.server_flags("", "three", "add", "\\Seen");
    assert!(!skipped(), "a server change is seen");
    assert!(
        w.local()[""].contains(&("three".into(), "S".into())),
        "{:?}",
        w.local()
    );
}

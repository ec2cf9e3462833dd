//! A scripted IMAP server on loopback (plain TCP): a small working server (one INBOX,
//! LIST, SELECT/EXAMINE, STATUS, the UID FETCH forms mailx sends, STORE, UID EXPUNGE,
//! APPEND) that misbehaves on purpose at one chosen command, and records what it was
//! asked to delete. It adds to the real servers: it plays the broken ones.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub use super::faults::Action;

/// When a fault strikes: "greeting", "LOGIN", "CAPABILITY", "LIST", "SELECT" (and
/// EXAMINE), "LISTING" (UID FETCH of sizes and flags), "BODY" (UID FETCH of bodies),
/// "HEADERS", "FLAGS", "STORE", "EXPUNGE", "STATUS", "LOGOUT".
#[derive(Clone, Default)]
pub struct ImapScript {
    /// Message bodies (CRLF), UIDs 1, 2, ...
    pub messages: Vec<Vec<u8>>,
    pub fault: Option<(&'static str, Action)>,
    /// Extra folders LIST reports (raw names, sent quoted).
    pub folders: Vec<Vec<u8>>,
    /// The hierarchy separator LIST reports ("/" when unset).
    pub separator: Option<char>,
    /// Announce NAMESPACE and answer it with this (e.g. `(("INBOX." ".")) NIL NIL`).
    pub namespace: Option<&'static str>,
    /// GNU Mailutils 3.15: `LIST "" "*"` gives INBOX alone; the folders come only to a
    /// pattern that names their prefix (`INBOX.*`).
    pub star_lists_inbox_only: bool,
    /// Raw lines added to every LIST answer (`* LIST (\Noselect) ...`).
    pub list_lines: Vec<Vec<u8>>,
    /// SELECT and EXAMINE answer without UIDVALIDITY.
    pub no_uidvalidity: bool,
}

#[derive(Default, Debug)]
pub struct ImapRecord {
    pub commands: Vec<String>,
    /// UIDs flagged \Deleted or expunged.
    pub deleted: Vec<u32>,
}

pub struct FakeImap {
    pub port: u16,
    pub record: Arc<Mutex<ImapRecord>>,
    pub bodies: Vec<Vec<u8>>,
}

impl FakeImap {
    pub fn start(script: ImapScript) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake imap");
        let port = listener.local_addr().expect("addr").port();
        let record = Arc::new(Mutex::new(ImapRecord::default()));
        let rec = record.clone();
        let bodies = script.messages.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                let (script, rec) = (script.clone(), rec.clone());
                std::thread::spawn(move || serve(conn, script, &rec));
            }
        });
        FakeImap {
            port,
            record,
            bodies,
        }
    }

    /// A config block for it (plaintext on loopback, explicitly allowed).
    pub fn account(&self, name: &str, maildir: &std::path::Path, extra: &str) -> String {
        format!(
            "[accounts.{name}]\nprotocol = \"imap\"\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nallow_plaintext = true\nuser = \"u\"\npassword_command = \"printf p\"\nmaildir = \"{}\"\n{extra}\n",
            self.port,
            maildir.display()
        )
    }
}

/// The kind of a command, for matching a fault.
fn kind(verb: &str, rest: &str) -> &'static str {
    let upper = rest.to_ascii_uppercase();
    match verb {
        "LOGIN" => "LOGIN",
        "CAPABILITY" => "CAPABILITY",
        "LIST" => "LIST",
        "SELECT" | "EXAMINE" => "SELECT",
        "STATUS" => "STATUS",
        "LOGOUT" => "LOGOUT",
        "UID" if upper.starts_with("FETCH") && upper.contains("BODY.PEEK[]") => "BODY",
        "UID" if upper.starts_with("FETCH") && upper.contains("HEADER") => "HEADERS",
        "UID" if upper.starts_with("FETCH") && upper.contains("RFC822.SIZE") => "LISTING",
        "UID" if upper.starts_with("FETCH") => "FLAGS",
        "UID" if upper.starts_with("STORE") => "STORE",
        "UID" if upper.starts_with("EXPUNGE") => "EXPUNGE",
        _ => "OTHER",
    }
}

/// UIDs of a set such as `1:*` or `2,4:6`, among `max`.
fn uid_set(set: &str, max: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for part in set.split(',') {
        let bound = |s: &str| {
            if s == "*" {
                max
            } else {
                s.parse().unwrap_or(0)
            }
        };
        let (a, b) = match part.split_once(':') {
            Some((a, b)) => (bound(a), bound(b)),
            None => (bound(part), bound(part)),
        };
        let (lo, hi) = (a.min(b), a.max(b).min(max));
        out.extend(lo.max(1)..=hi);
    }
    out
}

fn serve(conn: std::net::TcpStream, script: ImapScript, rec: &Mutex<ImapRecord>) {
    let mut out = conn.try_clone().expect("clone");
    let mut reader = BufReader::new(conn);
    let fault = |k: &str| {
        script
            .fault
            .as_ref()
            .filter(|(on, _)| *on == k)
            .map(|(_, a)| a)
    };
    let mut messages: BTreeMap<u32, (Vec<u8>, bool)> = script
        .messages
        .iter()
        .enumerate()
        .map(|(i, b)| (i as u32 + 1, (b.clone(), false)))
        .collect();
    let mut next_uid = messages.len() as u32 + 1;
    let caps = if script.namespace.is_some() {
        "IMAP4rev1 UIDPLUS NAMESPACE"
    } else {
        "IMAP4rev1 UIDPLUS"
    };
    let greeting = format!("* OK [CAPABILITY {caps}] fake IMAP ready\r\n").into_bytes();
    let greeting = &greeting[..];
    let sep = script.separator.unwrap_or('/');
    if !super::faults::send(&mut out, "*", greeting, fault("greeting")) {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).unwrap_or(0) == 0 {
            return;
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        rec.lock().unwrap().commands.push(text.clone());
        let mut words = text.splitn(3, ' ');
        let tag = words.next().unwrap_or("*").to_string();
        let verb = words.next().unwrap_or("").to_ascii_uppercase();
        let rest = words.next().unwrap_or("").to_string();
        let k = kind(&verb, &rest);
        let max = next_uid - 1;
        let ok = |extra: &str| format!("{tag} OK {extra}done\r\n").into_bytes();
        let mut answer: Vec<u8> = Vec::new();
        match k {
            "LOGIN" => answer = ok(""),
            "CAPABILITY" => {
                answer.extend(format!("* CAPABILITY {caps}\r\n").into_bytes());
                answer.extend(ok(""));
            }
            "LIST" => {
                answer.extend(format!("* LIST () \"{sep}\" INBOX\r\n").into_bytes());
                let pattern = rest.rsplit(' ').next().unwrap_or("").trim_matches('"');
                if !(script.star_lists_inbox_only && pattern == "*") {
                    for f in &script.folders {
                        answer.extend(format!("* LIST () \"{sep}\" \"").into_bytes());
                        answer.extend(f);
                        answer.extend(b"\"\r\n");
                    }
                    for l in &script.list_lines {
                        answer.extend(l);
                    }
                }
                answer.extend(ok(""));
            }
            "SELECT" => {
                answer.extend(format!("* {} EXISTS\r\n", messages.len()).into_bytes());
                if !script.no_uidvalidity {
                    answer.extend(b"* OK [UIDVALIDITY 7] ok\r\n");
                }
                answer.extend(format!("* OK [UIDNEXT {next_uid}] ok\r\n").into_bytes());
                answer.extend(ok("[READ-WRITE] "));
            }
            "STATUS" => {
                let n = messages.len();
                answer.extend(
                    format!("* STATUS INBOX (MESSAGES {n} UNSEEN {n} UIDNEXT {next_uid} UIDVALIDITY 7)\r\n")
                        .into_bytes(),
                );
                answer.extend(ok(""));
            }
            "LISTING" | "FLAGS" | "BODY" | "HEADERS" => {
                let set = rest.split_whitespace().nth(1).unwrap_or("");
                for (seq, (uid, (body, deleted))) in messages.iter().enumerate() {
                    if !uid_set(set, max).contains(uid) {
                        continue;
                    }
                    let flags = if *deleted { "\\Deleted" } else { "" };
                    let mut item = format!(
                        "* {} FETCH (UID {uid} FLAGS ({flags}) RFC822.SIZE {}",
                        seq + 1,
                        body.len()
                    )
                    .into_bytes();
                    if k == "BODY" {
                        item.extend(
                            format!(
                                " INTERNALDATE \"02-Mar-2026 10:11:12 +0100\" BODY[] {{{}}}\r\n",
                                body.len()
                            )
                            .into_bytes(),
                        );
                        item.extend(body);
                    } else if k == "HEADERS" {
                        let end = body
                            .windows(4)
                            .position(|w| w == b"\r\n\r\n")
                            .map_or(body.len(), |p| p + 4);
                        item.extend(format!(" BODY[HEADER] {{{end}}}\r\n").into_bytes());
                        item.extend(&body[..end]);
                    }
                    item.extend(b")\r\n");
                    answer.extend(item);
                }
                answer.extend(ok(""));
            }
            "STORE" => {
                let set = rest.split_whitespace().nth(1).unwrap_or("");
                if rest.contains("+FLAGS") && rest.contains("\\Deleted") {
                    for uid in uid_set(set, max) {
                        if let Some(m) = messages.get_mut(&uid) {
                            m.1 = true;
                            rec.lock().unwrap().deleted.push(uid);
                        }
                    }
                }
                answer = ok("");
            }
            "EXPUNGE" => {
                let set = rest.split_whitespace().nth(1).unwrap_or("");
                for uid in uid_set(set, max) {
                    if messages.get(&uid).is_some_and(|m| m.1) {
                        messages.remove(&uid);
                    }
                }
                answer = ok("");
            }
            "LOGOUT" => {
                answer.extend(b"* BYE bye\r\n");
                answer.extend(ok(""));
            }
            _ if verb == "APPEND" => {
                // `APPEND box (flags) "date" {n}`: take the literal, give it a UID.
                let n: usize = text
                    .rsplit('{')
                    .next()
                    .and_then(|s| s.trim_end_matches(['}', '+']).parse().ok())
                    .unwrap_or(0);
                if !text.ends_with("+}") {
                    let _ = std::io::Write::write_all(&mut out, b"+ go\r\n");
                }
                let mut body = vec![0; n + 2];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                body.truncate(n);
                messages.insert(next_uid, (body, false));
                answer = ok(&format!("[APPENDUID 7 {next_uid}] "));
                next_uid += 1;
            }
            _ if verb == "NAMESPACE" => {
                if let Some(ns) = script.namespace {
                    answer.extend(format!("* NAMESPACE {ns}\r\n").into_bytes());
                }
                answer.extend(ok(""));
            }
            _ if matches!(verb.as_str(), "NOOP" | "ENABLE" | "CREATE") => answer = ok(""),
            _ => answer = format!("{tag} BAD unknown command\r\n").into_bytes(),
        }
        if !super::faults::send(&mut out, &tag, &answer, fault(k)) || k == "LOGOUT" {
            return;
        }
    }
}

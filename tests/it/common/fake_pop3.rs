//! A scripted POP3 server on loopback (plain TCP) that misbehaves on purpose, and records
//! every command it received and what a QUIT committed. It adds to the real servers: it
//! plays the broken server Dovecot never is.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct FakeMessage {
    pub uidl: String,
    pub body: Vec<u8>,
    /// What LIST announces; the body's CRLF size when `None`.
    pub listed: Option<usize>,
    /// RETR sends only this many bytes of the body (then the terminator).
    pub cut_at: Option<usize>,
    /// RETR sends the body without dot-stuffing (a line "." ends it early).
    pub unstuffed: bool,
}

#[derive(Clone, Default)]
pub struct Script {
    pub messages: Vec<FakeMessage>,
    /// Answer DELE with a line that is neither +OK nor -ERR.
    pub garbage_on_dele: bool,
    /// Answer the DELE of this message (1-based) with -ERR.
    pub refuse_dele: Option<usize>,
    /// Leave this message (1-based) out of UIDL (a short answer).
    pub uidl_omits: Option<usize>,
    /// One more UIDL line: this message number again, with another id.
    pub uidl_repeats: Option<usize>,
    /// Greet with `+OK ` and then bytes without end, never a line end.
    pub endless_greeting: bool,
    /// Answer RETR with `+OK` and then a body without end (never the final dot).
    pub endless_retr: bool,
    /// A misbehaviour at one command ("greeting", "CAPA", "USER", "PASS", "UIDL",
    /// "LIST", "RETR", "DELE", "QUIT"), every time it is sent.
    pub fault: Option<(&'static str, super::faults::Action)>,
    /// CAPA lists SASL PLAIN, and AUTH is refused all the same.
    pub sasl_plain_refused: bool,
}

#[derive(Default, Debug)]
pub struct Record {
    pub commands: Vec<String>,
    /// UIDLs deleted by a QUIT.
    pub committed: Vec<String>,
}

pub struct FakePop3 {
    pub port: u16,
    pub record: Arc<Mutex<Record>>,
    /// What the next connection is served; tests may change it between runs.
    pub script: Arc<Mutex<Script>>,
}

fn crlf(body: &[u8], stuff: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for line in body.split_inclusive(|&b| b == b'\n') {
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if stuff && text.starts_with(b".") {
            out.push(b'.');
        }
        out.extend_from_slice(text);
        out.extend_from_slice(b"\r\n");
    }
    out
}

impl FakePop3 {
    pub fn start(script: Script) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake pop3");
        let port = listener.local_addr().expect("addr").port();
        let record = Arc::new(Mutex::new(Record::default()));
        let script = Arc::new(Mutex::new(script));
        let (rec, current) = (record.clone(), script.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                let (script, rec) = (current.lock().unwrap().clone(), rec.clone());
                std::thread::spawn(move || serve(conn, &script, &rec));
            }
        });
        FakePop3 {
            port,
            record,
            script,
        }
    }

    /// A config block for it (plaintext on loopback, explicitly allowed).
    pub fn account(&self, name: &str, maildir: &std::path::Path, extra: &str) -> String {
        format!(
            "[accounts.{name}]\nprotocol = \"pop3\"\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nallow_plaintext = true\nuser = \"u\"\npassword_command = \"printf p\"\nmaildir = \"{}\"\n{extra}\n",
            self.port,
            maildir.display()
        )
    }
}

fn serve(conn: std::net::TcpStream, script: &Script, rec: &Mutex<Record>) {
    let mut out = conn.try_clone().expect("clone");
    let mut reader = BufReader::new(conn);
    let mut deleted: Vec<usize> = Vec::new();
    let endless = |out: &mut std::net::TcpStream, start: &[u8], chunk: &[u8]| {
        let _ = out.write_all(start);
        while out.write_all(chunk).is_ok() {}
    };
    let fault = |k: &str| {
        script
            .fault
            .as_ref()
            .filter(|(on, _)| *on == k)
            .map(|(_, a)| a)
    };
    if script.endless_greeting {
        return endless(&mut out, b"+OK ", &[b'x'; 65536]);
    }
    if !super::faults::send(&mut out, "", b"+OK fake POP3 ready\r\n", fault("greeting")) {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return; // dropped without QUIT: nothing committed
        }
        let cmd = line.trim_end().to_string();
        rec.lock().unwrap().commands.push(cmd.clone());
        let mut words = cmd.split_whitespace();
        let verb = words.next().unwrap_or("").to_ascii_uppercase();
        let arg: usize = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
        let msgs = &script.messages;
        let reply: Vec<u8> = match verb.as_str() {
            "CAPA" if script.sasl_plain_refused => {
                b"+OK\r\nUIDL\r\nUSER\r\nSASL PLAIN\r\nPIPELINING\r\n.\r\n".to_vec()
            }
            "CAPA" => b"+OK\r\nUIDL\r\nUSER\r\nPIPELINING\r\n.\r\n".to_vec(),
            "AUTH" => b"-ERR mechanism disabled for this user\r\n".to_vec(),
            "USER" | "PASS" | "NOOP" | "RSET" => b"+OK\r\n".to_vec(),
            "STAT" => {
                let total: usize = msgs.iter().map(|m| m.body.len()).sum();
                format!("+OK {} {total}\r\n", msgs.len()).into_bytes()
            }
            "UIDL" => {
                let mut r = b"+OK\r\n".to_vec();
                for (i, m) in msgs.iter().enumerate() {
                    if script.uidl_omits != Some(i + 1) {
                        r.extend(format!("{} {}\r\n", i + 1, m.uidl).into_bytes());
                    }
                }
                if let Some(n) = script.uidl_repeats {
                    r.extend(format!("{n} again{n}\r\n").into_bytes());
                }
                r.extend(b".\r\n");
                r
            }
            "LIST" => {
                let mut r = b"+OK\r\n".to_vec();
                for (i, m) in msgs.iter().enumerate() {
                    // The message's own size: line ends as sent, without dot-stuffing.
                    let lf = m.body.iter().filter(|&&b| b == b'\n').count();
                    let size = m.listed.unwrap_or(m.body.len() + lf);
                    r.extend(format!("{} {size}\r\n", i + 1).into_bytes());
                }
                r.extend(b".\r\n");
                r
            }
            "RETR" if script.endless_retr => {
                return endless(
                    &mut out,
                    b"+OK\r\n",
                    &b"a line of an endless body\r\n".repeat(2000),
                );
            }
            "RETR" => match msgs.get(arg.wrapping_sub(1)) {
                Some(m) => {
                    let body = match m.cut_at {
                        Some(n) => crlf(&m.body[..n.min(m.body.len())], !m.unstuffed),
                        None => crlf(&m.body, !m.unstuffed),
                    };
                    let mut r = b"+OK\r\n".to_vec();
                    r.extend(body);
                    r.extend(b".\r\n");
                    r
                }
                None => b"-ERR no such message\r\n".to_vec(),
            },
            "DELE" if script.garbage_on_dele => b"?? what\r\n".to_vec(),
            "DELE" if script.refuse_dele == Some(arg) => b"-ERR cannot delete\r\n".to_vec(),
            "DELE" => {
                deleted.push(arg);
                b"+OK\r\n".to_vec()
            }
            "QUIT" if fault("QUIT").is_none() => {
                let mut r = rec.lock().unwrap();
                for n in &deleted {
                    if let Some(m) = msgs.get(n.wrapping_sub(1)) {
                        r.committed.push(m.uidl.clone());
                    }
                }
                let _ = out.write_all(b"+OK bye\r\n");
                return;
            }
            _ => b"-ERR unknown command\r\n".to_vec(),
        };
        if !super::faults::send(&mut out, "", &reply, fault(&verb)) {
            return;
        }
    }
}

//! What a scripted fake server does instead of answering properly, shared by the fake
//! IMAP and POP3 servers.

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Action {
    /// These bytes instead of the answer (`{tag}` becomes the command's tag).
    Replace(Vec<u8>),
    /// These bytes before the answer.
    Before(Vec<u8>),
    /// Nothing, ever; the connection stays open.
    Stall,
    /// `start`, then `line` again and again, `every` apart, never the end of the answer.
    Trickle(Vec<u8>, Vec<u8>, Duration),
    /// The answer, one byte every `every`.
    Slowly(Duration),
    /// `start`, then `chunk` without end, as fast as the client reads.
    Endless(Vec<u8>, Vec<u8>),
    /// The first `n` bytes of the answer, then the connection closes.
    CutAfter(usize),
    /// The first `n` bytes of the answer, then nothing, ever.
    StallAfter(usize),
}

/// Sends `answer` to `out` as `action` says (`None`: properly). False when the
/// connection is to end.
pub fn send(out: &mut TcpStream, tag: &str, answer: &[u8], action: Option<&Action>) -> bool {
    let stall = || loop {
        std::thread::sleep(Duration::from_secs(3600));
    };
    match action {
        None => out.write_all(answer).is_ok(),
        Some(Action::Replace(bytes)) => out.write_all(&with_tag(bytes, tag)).is_ok(),
        Some(Action::Before(bytes)) => {
            out.write_all(&with_tag(bytes, tag)).is_ok() && out.write_all(answer).is_ok()
        }
        Some(Action::Stall) => stall(),
        Some(Action::Trickle(start, line, every)) => {
            let _ = out.write_all(start);
            loop {
                if out.write_all(line).is_err() {
                    return false;
                }
                std::thread::sleep(*every);
            }
        }
        Some(Action::Slowly(every)) => {
            for b in answer {
                if out.write_all(&[*b]).is_err() {
                    return false;
                }
                std::thread::sleep(*every);
            }
            true
        }
        Some(Action::Endless(start, chunk)) => {
            let _ = out.write_all(start);
            while out.write_all(chunk).is_ok() {}
            false
        }
        Some(Action::CutAfter(n)) => {
            let _ = out.write_all(&answer[..(*n).min(answer.len())]);
            false
        }
        Some(Action::StallAfter(n)) => {
            let _ = out.write_all(&answer[..(*n).min(answer.len())]);
            stall()
        }
    }
}

fn with_tag(bytes: &[u8], tag: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{tag}") {
            out.extend_from_slice(tag.as_bytes());
            i += 5;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

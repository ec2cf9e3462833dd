//! Bounds on what an IMAP server can make mailx hold, checked on the bytes as they arrive,
//! before async-imap's parser sees them: parentheses nested deeper than `MAX_DEPTH` (a
//! BODYSTRUCTURE nested ~2,000 levels deep overflowed the parser's stack, killing the
//! process on every run), a line longer than `MAX_LINE` outside literals, and a literal
//! announced larger than the current command allows (async-imap 0.12 reserves the
//! announced size before a byte of it arrives: `{536870000}` cost 512 MiB; so a literal
//! may only be as large as the message the command asks for, as listed earlier, or
//! `SMALL_LITERAL` for anything else). A server that crosses one gets an error
//! (InvalidData, reported as a protocol error), never the memory or the stack. It also
//! counts the bytes received, for the per-command bounds, and mends the one input found
//! to make the parser panic (`after_bracket`).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Deep enough for any real MIME tree (each level of a multipart adds one or two).
pub const MAX_DEPTH: u32 = 100;
/// Outside literals: a response line of mailx's commands is a few hundred bytes; folder
/// lists and flag sets stay far below this.
pub const MAX_LINE: usize = 64 * 1024;

/// The largest literal of a command that fetches no message: folder names, flags.
pub const SMALL_LITERAL: u64 = 1024 * 1024;

/// What the session and the stream under it share.
#[derive(Debug)]
pub struct Wire {
    /// Bytes received so far.
    pub received: AtomicU64,
    /// The largest literal the current command may bring.
    pub max_literal: AtomicU64,
}

impl Default for Wire {
    fn default() -> Self {
        Wire {
            received: AtomicU64::new(0),
            max_literal: AtomicU64::new(SMALL_LITERAL),
        }
    }
}

pub type Meter = Arc<Wire>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Normal,
    Quoted {
        escaped: bool,
    },
    /// After `{`: the announced size so far.
    LiteralSize(u64),
    /// After `}` (and an optional `+`): waiting for the CRLF before the literal.
    LiteralCrlf(u64),
    Literal(u64),
}

/// Follows the response grammar just far enough to know what is inside a literal.
#[derive(Debug)]
pub(crate) struct Scanner {
    state: State,
    depth: u32,
    line: usize,
    max_literal: u64,
    /// The last byte outside strings and literals was `]`. imap-proto 0.17.0 panics on a
    /// response code followed at once by a non-ASCII byte (`* OK [UIDNEXT 4]\xff`:
    /// `Outcome::parse` slices the text at byte 1, rfc3501/mod.rs:1183, "byte index 1 is
    /// not a char boundary"), found by the `imap_response` fuzz target on 2026-11-29. Such
    /// a byte becomes the space RFC 3501 §9 requires there (resp-text).
    after_bracket: bool,
}

impl Scanner {
    pub(crate) fn new(max_literal: u64) -> Self {
        Scanner {
            state: State::Normal,
            depth: 0,
            line: 0,
            max_literal,
            after_bracket: false,
        }
    }

    pub(crate) fn feed(&mut self, bytes: &mut [u8]) -> Result<(), String> {
        let mut i = 0;
        while i < bytes.len() {
            if let State::Literal(n) = self.state {
                // Literal content is opaque: skip it in one step.
                let take = (n as usize).min(bytes.len() - i);
                i += take;
                let left = n - take as u64;
                self.state = if left == 0 {
                    State::Normal
                } else {
                    State::Literal(left)
                };
                continue;
            }
            if std::mem::take(&mut self.after_bracket) && bytes[i] >= 0x80 {
                bytes[i] = b' ';
            }
            let b = bytes[i];
            i += 1;
            self.line += 1;
            if self.line > MAX_LINE {
                return Err(format!(
                    "the server sent a line longer than {} KiB",
                    MAX_LINE / 1024
                ));
            }
            self.state = match (self.state, b) {
                // A quoted string cannot hold a line end (RFC 3501 §9, QUOTED-CHAR): the
                // response ends there, as the parser sees it.
                (State::Quoted { .. }, b'\n') => {
                    self.depth = 0;
                    self.line = 0;
                    State::Normal
                }
                (State::Quoted { escaped: true }, _) => State::Quoted { escaped: false },
                (State::Quoted { .. }, b'\\') => State::Quoted { escaped: true },
                (State::Quoted { .. }, b'"') => State::Normal,
                (State::Quoted { .. }, _) => State::Quoted { escaped: false },
                (State::LiteralSize(n), b'0'..=b'9') => {
                    let n = n * 10 + u64::from(b - b'0');
                    if n > self.max_literal {
                        return Err(format!(
                            "the server announced a literal of more than {}, larger than what was asked for",
                            crate::units::human_bytes(self.max_literal)
                        ));
                    }
                    State::LiteralSize(n)
                }
                (State::LiteralSize(n), b'+') => State::LiteralSize(n),
                (State::LiteralSize(n), b'}') => State::LiteralCrlf(n),
                // Not a literal after all (the parser will judge what it is).
                (State::LiteralSize(_), _) => State::Normal,
                (State::LiteralCrlf(n), b'\r') => State::LiteralCrlf(n),
                (State::LiteralCrlf(n), b'\n') => {
                    self.line = 0;
                    if n == 0 {
                        State::Normal
                    } else {
                        State::Literal(n)
                    }
                }
                (State::LiteralCrlf(_), _) => State::Normal,
                (State::Normal, b'"') => State::Quoted { escaped: false },
                (State::Normal, b'{') => State::LiteralSize(0),
                (State::Normal, b'(') => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(format!(
                            "the server nested a response more than {MAX_DEPTH} levels deep"
                        ));
                    }
                    State::Normal
                }
                (State::Normal, b')') => {
                    self.depth = self.depth.saturating_sub(1);
                    State::Normal
                }
                (State::Normal, b']') => {
                    self.after_bracket = true;
                    State::Normal
                }
                (State::Normal, b'\n') => {
                    // A response ends at a line end outside literals and strings.
                    self.depth = 0;
                    self.line = 0;
                    State::Normal
                }
                (s, _) => s,
            };
        }
        Ok(())
    }
}

/// A stream whose incoming bytes are held to the limits above.
#[derive(Debug)]
pub struct Limited<S> {
    inner: S,
    scanner: Scanner,
    meter: Meter,
}

impl<S> Limited<S> {
    pub fn new(inner: S, meter: Meter) -> Self {
        Limited {
            inner,
            scanner: Scanner::new(SMALL_LITERAL),
            meter,
        }
    }

    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Limited<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let fresh = &mut buf.filled_mut()[before..];
                let meter = &this.meter;
                meter
                    .received
                    .fetch_add(fresh.len() as u64, Ordering::Relaxed);
                this.scanner.max_literal = meter.max_literal.load(Ordering::Relaxed);
                match this.scanner.feed(fresh) {
                    Ok(()) => Poll::Ready(Ok(())),
                    Err(why) => Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, why))),
                }
            }
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Limited<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX_LITERAL: u64 = 256 * 1024 * 1024;

    impl Scanner {
        fn standard() -> Self {
            Scanner::new(MAX_LITERAL)
        }
    }

    /// Feeds `input` split at every position, and byte by byte.
    fn scan(input: &[u8]) -> Result<(), String> {
        let mut whole = Scanner::standard();
        let expected = whole.feed(&mut input.to_vec());
        for cut in 0..input.len() {
            let mut s = Scanner::standard();
            let mut copy = input.to_vec();
            let (head, tail) = copy.split_at_mut(cut);
            let r = s.feed(head).and_then(|()| s.feed(tail));
            assert_eq!(r.is_ok(), expected.is_ok(), "split at {cut}");
        }
        let mut s = Scanner::standard();
        let bytes = input.iter().try_for_each(|b| s.feed(&mut [*b]));
        assert_eq!(bytes.is_ok(), expected.is_ok(), "byte by byte");
        expected
    }

    #[test]
    fn ordinary_answers_pass() {
        // Literal content (parentheses, quotes, braces, line ends) is not looked into.
        let content = b"((((( \"} {999999999999}\r\n\r\n)";
        let mut fetch = format!(
            "* 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {{{}}}\r\n",
            content.len()
        )
        .into_bytes();
        fetch.extend(content);
        fetch.extend(b")\r\na1 OK done\r\n");
        assert_eq!(scan(&fetch), Ok(()));
        let list = b"* LIST (\\HasNoChildren) \"/\" \"a (\\\"quoted\\\" {5}\"\r\n* 2 EXISTS\r\n";
        assert_eq!(scan(list), Ok(()));
        // A real multipart BODYSTRUCTURE nests a few levels.
        let mut bs = b"* 3 FETCH (BODYSTRUCTURE ".to_vec();
        bs.extend(b"(".repeat(30));
        bs.extend(b"\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1");
        bs.extend(b")".repeat(30));
        bs.extend(b")\r\n");
        assert_eq!(scan(&bs), Ok(()));
    }

    #[test]
    fn a_deeply_nested_answer_is_refused() {
        let mut deep = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
        deep.extend(b"(".repeat(2000));
        deep.extend(b")".repeat(2000));
        deep.extend(b")\r\n");
        assert!(scan(&deep).unwrap_err().contains("levels deep"));
        // Depth is per response: many shallow ones in a row are fine.
        let many = b"* 1 FETCH (FLAGS (\\Seen))\r\n".repeat(500);
        assert_eq!(scan(&many), Ok(()));
    }

    #[test]
    fn a_huge_announced_literal_is_refused_before_it_arrives() {
        let r = scan(b"* 1 FETCH (BODY[] {536870000}\r\n");
        assert!(r.unwrap_err().contains("literal"));
        assert_eq!(scan(b"* 1 FETCH (BODY[] {268435456}\r\n"), Ok(()));
    }

    #[test]
    fn eight_bit_text_right_after_a_response_code_is_mended() {
        let mut line = b"* OK [UIDNEXT 4]\xff\xfeabc\r\n".to_vec();
        assert_eq!(Scanner::standard().feed(&mut line), Ok(()));
        assert_eq!(line, b"* OK [UIDNEXT 4] \xfeabc\r\n");
        // A quote left open does not hide the next line's response code.
        let mut open = b"* OK [X \"open\r\n* OK [UIDNEXT 4]\xff\r\n".to_vec();
        assert_eq!(Scanner::standard().feed(&mut open), Ok(()));
        assert!(open.ends_with(b"\n* OK [UIDNEXT 4] \r\n"), "{open:?}");
        // Inside a literal or a string, bytes are the server's, untouched.
        let mut lit = b"* 1 FETCH (BODY[] {3}\r\n]\xff] \"]\xff\")\r\n".to_vec();
        let before = lit.clone();
        assert_eq!(Scanner::standard().feed(&mut lit), Ok(()));
        assert_eq!(lit, before);
    }

    #[test]
    fn an_endless_line_is_refused() {
        let mut line = b"* OK ".to_vec();
        line.extend(vec![b'x'; MAX_LINE + 1]);
        assert!(
            Scanner::standard()
                .feed(&mut line)
                .unwrap_err()
                .contains("line")
        );
        // Literal content does not count towards the line.
        let mut lit = format!("* 1 FETCH (BODY[] {{{}}}\r\n", MAX_LINE * 2).into_bytes();
        lit.extend(vec![b'y'; MAX_LINE * 2]);
        lit.extend(b")\r\n");
        assert_eq!(Scanner::standard().feed(&mut lit), Ok(()));
    }
}

//! A panic inside async-imap's parser becomes a protocol error instead of ending the run:
//! imap-proto 0.17.0 panics on some server input (docs/defects.md A10, A11), and a server
//! must never be able to kill mailx. The session is dropped after any error (A2), so a
//! parser left half-way is never used again.

use std::cell::Cell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

thread_local! {
    /// Set while a guarded future is polled: its panics are expected and reported as
    /// errors, so the panic hook stays silent.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs the process's panic hook: silent for panics `guarded` catches, the default
/// message for any other (a bug of mailx's own stays loud).
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !QUIET.with(Cell::get) {
            default(info)
        }
    }));
}

pub struct Guarded<F> {
    inner: Pin<Box<F>>,
}

/// `fut`, with a panic while it is polled turned into `Err(what the panic said)`.
pub fn guarded<F: Future>(fut: F) -> Guarded<F> {
    Guarded {
        inner: Box::pin(fut),
    }
}

impl<F: Future> Future for Guarded<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.inner;
        let was = QUIET.with(|q| q.replace(true));
        let polled = std::panic::catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx)));
        QUIET.with(|q| q.set(was));
        match polled {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => {
                let text = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Poll::Ready(Err(crate::units::printable(&text, 200)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_panic_inside_becomes_an_error() {
        let r = super::guarded(async {
            let v: Vec<u8> = Vec::new();
            if v.is_empty() {
                panic!("parser gave up");
            }
            1
        })
        .await;
        assert_eq!(r, Err("parser gave up".to_string()));
        assert_eq!(super::guarded(async { 2 }).await, Ok(2));
    }

    /// The imap-proto panics this guards against (docs/defects.md A10, A11). When this
    /// fails, the parser was fixed: the mending in `limits.rs` can go.
    #[test]
    fn imap_proto_still_panics_on_these() {
        for input in [
            &b"* OK [UIDNEXT 4]\xff\r\n"[..],
            b"* 1 FETCH (INTERNALDATE NIL)\r\n",
            b"* METADATA \"\xff\" (/shared/comment \"x\")\r\n",
        ] {
            let hook = std::panic::take_hook();
            std::panic::set_hook(Box::new(|_| {}));
            let r = std::panic::catch_unwind(|| imap_proto::Response::parse(input).is_ok());
            std::panic::set_hook(hook);
            assert!(r.is_err(), "{:?}", String::from_utf8_lossy(input));
        }
    }
}

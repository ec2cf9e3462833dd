//! Hidden hooks for the crash and retention tests; inert unless their variables are set.
//! `MAILX_TEST_CRASH_AFTER=N` aborts the process (like kill -9: no cleanup) at the N-th
//! durable step; `MAILX_TEST_NOW=SECS` replaces the clock; `MAILX_TEST_HOLD_MS` (below).
//!
//! Compiled in only for test builds (debug assertions, as `cargo test` builds the binary,
//! or the `test-hooks` feature): a release build never reads these variables, so nobody's
//! environment can make an installed mailx crash or misjudge message ages.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

static STEPS: AtomicU64 = AtomicU64::new(0);

const ENABLED: bool = cfg!(any(debug_assertions, feature = "test-hooks"));

/// A hook variable's value, parsed; always `None` in a release build.
fn var<T: std::str::FromStr>(name: &str) -> Option<T> {
    if !ENABLED {
        return None;
    }
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

fn crash_after() -> Option<u64> {
    static LIMIT: OnceLock<Option<u64>> = OnceLock::new();
    *LIMIT.get_or_init(|| var("MAILX_TEST_CRASH_AFTER"))
}

/// Marks one durable step (a file delivered, a state commit, a server deletion). With
/// `MAILX_TEST_CRASH_AFTER=N` the process aborts at the N-th; the engines' unit tests
/// (`crash_at`) get an error there instead, which stops the run just as abruptly.
pub fn step(what: &str) -> crate::error::Result<()> {
    #[cfg(test)]
    if let Some(n) = unit::reached() {
        return Err(crate::error::Error::Internal(format!(
            "crash injected at step {n} ({what})"
        )));
    }
    if let Some(limit) = crash_after() {
        let n = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
        if n >= limit {
            crate::output::early_error(
                &format!("mailx: test hook: crashing after step {n} ({what})"),
                None,
            );
            std::process::abort();
        }
    }
    Ok(())
}

/// The unit tests' crash count, carried to a thread that does part of a run's durable
/// steps (nothing outside unit tests: the process-wide count needs no carrying).
pub struct Inherited {
    #[cfg(test)]
    crash: Option<std::sync::Arc<unit::Crash>>,
}

impl Inherited {
    pub fn capture() -> Self {
        Inherited {
            #[cfg(test)]
            crash: unit::CRASH.with(|c| c.borrow().clone()),
        }
    }

    /// Runs `f` on this thread under the captured count.
    pub fn run<T>(self, f: impl FnOnce() -> T) -> T {
        #[cfg(test)]
        let before = unit::CRASH.with(|c| c.replace(self.crash));
        let out = f();
        #[cfg(test)]
        unit::CRASH.with(|c| *c.borrow_mut() = before);
        out
    }
}

/// `MAILX_TEST_HOLD_MS=N`: a run holding the account's lock waits N ms, so that tests can
/// start a second run while the first is surely inside.
pub async fn hold() {
    if let Some(ms) = var::<u64>("MAILX_TEST_HOLD_MS") {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}

/// `MAILX_TEST_IDLE_SECS=N` shortens how long `watch` stays in one IDLE before renewing
/// it, so a test can see renewals without waiting 25 minutes.
pub fn idle_renew(default: std::time::Duration) -> std::time::Duration {
    var("MAILX_TEST_IDLE_SECS")
        .map(std::time::Duration::from_secs)
        .unwrap_or(default)
}

/// `MAILX_TEST_DIALED_FRESH_MS=N` shortens how long a connection made while the password
/// was looked up stays good for the login (`remote::connect`), so a test can see the
/// connection made again.
pub fn dialed_fresh_for(default: std::time::Duration) -> std::time::Duration {
    var("MAILX_TEST_DIALED_FRESH_MS")
        .map(std::time::Duration::from_millis)
        .unwrap_or(default)
}

/// `MAILX_TEST_AUTH_RETRY_SECS=N` shortens the first pause before `watch` tries a refused
/// login again (1 minute), so a test can see the retry.
pub fn auth_retry(default: std::time::Duration) -> std::time::Duration {
    var("MAILX_TEST_AUTH_RETRY_SECS")
        .map(std::time::Duration::from_secs)
        .unwrap_or(default)
}

/// `MAILX_TEST_NOW=SECS`: the clock the retention tests set (see `clock::now`).
pub fn now_override() -> Option<i64> {
    #[cfg(test)]
    if let Some(t) = unit::now() {
        return Some(t);
    }
    var("MAILX_TEST_NOW")
}

/// In-process crash injection for unit tests, per test: tokio's test runtime runs a test
/// on its own thread, and the threads a test's run hands work to share its count
/// (`Inherited`).
#[cfg(test)]
pub mod unit {
    use std::cell::{Cell, RefCell};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    pub(super) struct Crash {
        limit: u64,
        steps: AtomicU64,
    }

    thread_local! {
        pub(super) static CRASH: RefCell<Option<Arc<Crash>>> = const { RefCell::new(None) };
        static NOW: Cell<Option<i64>> = const { Cell::new(None) };
    }

    /// Fail at the `n`-th step from now (`None`: never).
    pub fn crash_at(n: Option<u64>) {
        let crash = n.map(|limit| {
            Arc::new(Crash {
                limit,
                steps: AtomicU64::new(0),
            })
        });
        CRASH.with(|c| *c.borrow_mut() = crash);
    }

    pub(super) fn reached() -> Option<u64> {
        let crash = CRASH.with(|c| c.borrow().clone())?;
        let n = crash.steps.fetch_add(1, Ordering::SeqCst) + 1;
        (n >= crash.limit).then_some(n)
    }

    /// Sets this thread's clock (`clock::now`).
    pub fn set_now(t: Option<i64>) {
        NOW.with(|c| c.set(t));
    }

    pub(super) fn now() -> Option<i64> {
        NOW.with(Cell::get)
    }
}

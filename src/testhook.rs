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

/// In-process crash injection for unit tests, per thread (tokio's test runtime runs a
/// test on its own thread).
#[cfg(test)]
pub mod unit {
    use std::cell::Cell;

    thread_local! {
        static LIMIT: Cell<Option<u64>> = const { Cell::new(None) };
        static STEPS: Cell<u64> = const { Cell::new(0) };
        static NOW: Cell<Option<i64>> = const { Cell::new(None) };
    }

    /// Fail at the `n`-th step from now (`None`: never).
    pub fn crash_at(n: Option<u64>) {
        LIMIT.with(|l| l.set(n));
        STEPS.with(|s| s.set(0));
    }

    pub(super) fn reached() -> Option<u64> {
        let n = STEPS.with(|s| {
            s.set(s.get() + 1);
            s.get()
        });
        LIMIT.with(Cell::get).filter(|limit| n >= *limit).map(|_| n)
    }

    /// Sets this thread's clock (`clock::now`).
    pub fn set_now(t: Option<i64>) {
        NOW.with(|c| c.set(t));
    }

    pub(super) fn now() -> Option<i64> {
        NOW.with(Cell::get)
    }
}

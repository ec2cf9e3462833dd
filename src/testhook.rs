//! Hidden hooks for the crash and retention tests; inert unless their variables are set.
//! `MAILX_TEST_CRASH_AFTER=N` aborts the process (like kill -9: no cleanup) at the N-th
//! durable step; `MAILX_TEST_NOW=SECS` replaces the clock; `MAILX_TEST_HOLD_MS` (below).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

static STEPS: AtomicU64 = AtomicU64::new(0);

fn crash_after() -> Option<u64> {
    static LIMIT: OnceLock<Option<u64>> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("MAILX_TEST_CRASH_AFTER")
            .ok()
            .and_then(|v| v.parse().ok())
    })
}

/// Marks one durable step (a file delivered, a state commit, a server deletion).
pub fn step(what: &str) {
    if let Some(limit) = crash_after() {
        let n = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
        if n >= limit {
            eprintln!("mailx: test hook: crashing after step {n} ({what})");
            std::process::abort();
        }
    }
}

/// `MAILX_TEST_HOLD_MS=N`: a run holding the account's lock waits N ms, so that tests can
/// start a second run while the first is surely inside.
pub async fn hold() {
    if let Some(ms) = std::env::var("MAILX_TEST_HOLD_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}

/// `MAILX_TEST_IDLE_SECS=N` shortens how long `watch` stays in one IDLE before renewing
/// it, so a test can see renewals without waiting 25 minutes.
pub fn idle_renew(default: std::time::Duration) -> std::time::Duration {
    std::env::var("MAILX_TEST_IDLE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(std::time::Duration::from_secs)
        .unwrap_or(default)
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    if let Some(t) = std::env::var("MAILX_TEST_NOW")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

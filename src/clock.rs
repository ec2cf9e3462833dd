//! The one clock: seconds since the Unix epoch, which the retention tests may set
//! (`MAILX_TEST_NOW`, test builds only).

pub fn now() -> i64 {
    if let Some(t) = crate::testhook::now_override() {
        return t;
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

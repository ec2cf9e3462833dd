//! One run per account at a time (cron overlap): an advisory lock the kernel releases
//! when the process dies, so a crash never leaves a stale lock behind.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub struct AccountLock {
    _file: File,
}

pub fn acquire(state_dir: &Path, account: &str) -> Result<AccountLock> {
    std::fs::create_dir_all(state_dir).map_err(|e| Error::io(state_dir, e))?;
    let path: PathBuf = state_dir.join(format!("{account}.lock"));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(AccountLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::Locked {
            account: account.to_string(),
            path,
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

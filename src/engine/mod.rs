//! The protocol-agnostic engines: `fetch` (download, retention), `sync` (two-way IMAP
//! ⇄ Maildir), `clean` (the server's retention rules) and `check` (counts for `check` and
//! `status`, read-only). Their decisions are pure functions (`plan`, `sync_plan`); the rest applies
//! them against a `Remote`, the Maildir and the state.

pub mod check;
pub mod clean;
pub mod clean_plan;
pub mod deliver;
pub mod fetch;
pub mod folders;
pub mod plan;
pub mod sync;
pub mod sync_plan;

use crate::error::Error;

/// Why a folder (or some of its messages) failed: the text, what to do about it, and the
/// exit code. Reports carry it as a value; only the command layer prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub hint: String,
    pub code: i32,
}

impl Failure {
    pub fn new(code: i32, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            hint: hint.into(),
            code,
        }
    }
}

impl From<&Error> for Failure {
    fn from(e: &Error) -> Self {
        Failure {
            // A guard's report already names its folder.
            message: match e {
                Error::Guard { detail, .. } => detail.clone(),
                other => other.to_string(),
            },
            hint: e.hint(),
            code: e.exit_code(),
        }
    }
}

/// In JSON a failure is its message (the hint goes into the `errors` array).
impl serde::Serialize for Failure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.message)
    }
}

/// A folder's line in a report: its name and, when it failed, why.
pub trait FolderOutcome {
    fn name(&self) -> &str;
    fn failure(&self) -> Option<&Failure>;
    /// `--dry-run`: what would be done, one line each.
    fn plan(&self) -> &[String] {
        &[]
    }
}

/// `FolderOutcome` for report types with `name` and `error` fields (and `plan`).
macro_rules! folder_outcome {
    ($($t:ty),* $(; with plan $($p:ty),*)?) => {
        $(impl $crate::engine::FolderOutcome for $t {
            fn name(&self) -> &str {
                &self.name
            }
            fn failure(&self) -> Option<&$crate::engine::Failure> {
                self.error.as_ref()
            }
        })*
        $($(impl $crate::engine::FolderOutcome for $p {
            fn name(&self) -> &str {
                &self.name
            }
            fn failure(&self) -> Option<&$crate::engine::Failure> {
                self.error.as_ref()
            }
            fn plan(&self) -> &[String] {
                &self.plan
            }
        })*)?
    };
}

folder_outcome!(
    check::CheckReport,
    check::FolderUsage;
    with plan fetch::FolderReport, sync::SyncReport, clean::FolderClean
);

/// What an engine tells while it works; the command layer decides how to show it (a
/// progress bar on a terminal, nothing for cron).
pub trait Observer: Sync {
    /// More work found: `messages` to download, of `bytes` in all.
    fn planned(&self, _messages: u64, _bytes: u64) {}
    /// One message of `bytes` stored.
    fn stored(&self, _bytes: u64) {}
}

/// Tells nobody.
#[cfg(test)]
pub struct Silent;

#[cfg(test)]
impl Observer for Silent {}

#[cfg(test)]
mod tests;

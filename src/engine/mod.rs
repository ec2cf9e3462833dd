//! The protocol-agnostic engines: `fetch` (download, retention), `sync` (two-way IMAP
//! ⇄ Maildir) and `check` (counts for `check` and `status`, read-only). Their decisions are pure functions (`plan`, `sync_plan`); the rest applies
//! them against a `Remote`, the Maildir and the state.

pub mod check;
pub mod deliver;
pub mod fetch;
pub mod plan;
pub mod sync;
pub mod sync_plan;

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

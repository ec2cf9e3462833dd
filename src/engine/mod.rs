//! The protocol-agnostic engines: `fetch` (download, retention), `sync` (two-way IMAP
//! ⇄ Maildir) and `check` (counts for `check` and `status`, read-only). Their decisions are pure functions (`plan`, `sync_plan`); the rest applies
//! them against a `Remote`, the Maildir and the state.

pub mod check;
pub mod fetch;
pub mod plan;
pub mod sync;
pub mod sync_plan;

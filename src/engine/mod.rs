//! The protocol-agnostic engines: `fetch` (download, retention) and `sync` (two-way IMAP
//! ⇄ Maildir). Their decisions are pure functions (`plan`, `sync_plan`); the rest applies
//! them against a `Remote`, the Maildir and the state.

pub mod fetch;
pub mod plan;
pub mod sync;
pub mod sync_plan;

//! The protocol-agnostic fetch engine: plan (pure) and apply (against `Remote`, Maildir
//! and state).

pub mod fetch;
pub mod plan;

//! Local storage: Maildir++ folders, delivered durably.

pub mod durability;
pub mod maildir;

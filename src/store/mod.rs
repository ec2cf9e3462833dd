//! Local storage: Maildir++ folders, delivered durably.

pub mod backup;
pub mod durability;
pub mod maildir;

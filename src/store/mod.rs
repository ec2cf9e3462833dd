//! Local storage: Maildir++ folders and the mapping of server names onto them.

pub mod durability;
pub mod maildir;
pub mod names;

//! Random bits from the OS's random source, without a dependency: each `RandomState` is
//! keyed from it.

use std::hash::{BuildHasher, Hasher};

/// 64 random bits; `salt` (a counter) keeps two calls in one instant apart.
pub fn bits(salt: u64) -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(salt);
    h.finish()
}

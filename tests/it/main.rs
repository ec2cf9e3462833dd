//! The integration suite, one test binary: each module tests the real `mailx` binary
//! against servers the tests start themselves (a private Dovecot per test, scripted fakes).
//! `cargo test --test it MODULE` runs one module.

// Test code: a failed setup is a failed test, and figures are printed for the notes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod auth;
mod backup;
mod clean;
mod common;
mod crash;
mod docs;
mod errors;
mod hostile;
mod imap;
mod keyring;
mod kill;
mod migrate;
mod misbehaving;
mod network;
mod oauth2;
mod pop3;
mod quirks;
mod safety;
mod scripting;
mod servers;
mod setup;
mod sync;
mod texts;
mod wizard;

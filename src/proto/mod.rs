//! Wire protocols: clients that know POP3 and IMAP, and nothing about Maildir or state.

pub mod imap;
pub mod mutf7;
pub mod pop3;

//! mailx: the command line, all of it in the library (`lib.rs`).

fn main() {
    mailx::run()
}

//! Command-line definition (clap only). One definition drives help, man page and completions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use clap_complete::{ArgValueCandidates, CompletionCandidate};

use crate::output::ColorChoice;

/// Account names for the shell's completion (`source <(COMPLETE=bash mailx)`), read from
/// `$MAILX_CONFIG` or the default config; none when it cannot be read.
fn account_names() -> Vec<CompletionCandidate> {
    let path = std::env::var_os("MAILX_CONFIG")
        .map(PathBuf::from)
        .or_else(crate::config::default_path);
    path.and_then(|p| crate::config::load(&p).ok())
        .map(|c| {
            c.accounts
                .into_keys()
                .map(CompletionCandidate::new)
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Debug, Parser)]
#[command(
    name = "mailx",
    version,
    about = "Fetch and sync mail over POP3 and IMAP with local Maildir folders",
    after_help = crate::error::ExitStatus::help_table(),
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]
    #[arg(long, global = true, env = "MAILX_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print nothing but errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail: -v progress and summaries, -vv protocol trace (passwords redacted)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Machine-readable output on stdout: one JSON object per account per line
    #[arg(long, global = true)]
    pub json: bool,
    /// When to color error messages
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Seconds to wait for any single network operation
    #[arg(long, global = true, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
    /// Also write the log (with times, at least -v detail) to FILE, appending
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Download new mail from all (or the named) accounts into their Maildirs
    Fetch {
        /// Accounts to fetch (default: all)
        #[arg(add = ArgValueCandidates::new(account_names))]
        accounts: Vec<String>,
        /// Print what would be downloaded and deleted, change nothing (server and local)
        #[arg(long)]
        dry_run: bool,
    },
    /// Two-way sync of IMAP accounts with their Maildirs: new mail, flags, deletions and
    /// folders travel both ways
    ///
    /// Messages new on either side are copied to the other; flags (\Seen \Answered
    /// \Flagged \Draft \Deleted = S R F D T) follow whichever side changed them, and when
    /// both did, additions win and a removal wins unless the other side re-added the flag.
    /// A message deleted locally is flagged \Deleted on the server (expunged only with
    /// `expunge = true`); one expunged on the server is deleted locally. Folders found on
    /// one side are created on the other as `create` says; none is ever deleted. Without
    /// state, when the Maildir is not the one the state was written for (replaced,
    /// restored, another account's), or after the server renumbered a folder, messages are
    /// paired by content and nothing is deleted. A folder that vanished on one side, or
    /// whose run would delete more than `max_delete` (default: more than half, and more
    /// than 10), stops with exit code 65.
    ///
    /// With --dry-run the plan is printed (one line per action) and nothing changes. With
    /// --json one object per account: downloaded, uploaded, flags_to_local,
    /// flags_to_server, deleted_local, deleted_on_server, errors, and the same per folder
    /// (with `created`, and `plan` for a dry run).
    Sync {
        /// Accounts to sync (default: all IMAP accounts)
        #[arg(add = ArgValueCandidates::new(account_names))]
        accounts: Vec<String>,
        /// Print what would be done, change nothing (server and local)
        #[arg(long)]
        dry_run: bool,
        /// Ignore the saved state of the selected folders and pair messages by content
        /// (after a folder vanished on one side, or to rebuild lost state); never deletes
        #[arg(long)]
        reconcile: bool,
        /// Let this run delete more than `max_delete` allows (by default a folder stops
        /// when a run would delete more than half of its messages, and more than 10)
        #[arg(long)]
        allow_deletes: bool,
    },
    /// Is there new mail? Exit 0 if so, 1 if not, 2 or more on error; downloads nothing
    /// and changes nothing, on the server or locally
    ///
    /// Counts, per account and configured folder, the messages a fetch or sync would
    /// download now (POP3: UIDLs not seen before; IMAP: UIDs above the last one handled),
    /// and the unseen and total messages (IMAP). One connection per account, accounts
    /// checked concurrently. With --json: one object per account with new, unseen, total
    /// and per-folder figures.
    Check {
        /// Accounts to check (default: all)
        #[arg(add = ArgValueCandidates::new(account_names))]
        accounts: Vec<String>,
    },
    /// Server and local side by side: messages, bytes, quota, last run, retention
    Status {
        /// Accounts to show (default: all)
        #[arg(add = ArgValueCandidates::new(account_names))]
        accounts: Vec<String>,
    },
    /// Stay connected and fetch (or sync) as soon as mail arrives: IMAP IDLE on every
    /// watched folder of every account in one process, POP3 polled
    ///
    /// Watches the folders listed in each IMAP account's `watch` (default INBOX), runs a
    /// fetch (with --sync: a sync) of a folder when the server announces new mail, then
    /// the --exec hook with MAILX_ACCOUNT, MAILX_FOLDER and MAILX_NEW in its environment.
    /// Reconnects with backoff after network loss; renews IDLE every 25 minutes (servers
    /// drop it after 30). SIGINT or SIGTERM ends it after the run in progress (exit 0).
    Watch {
        /// Accounts to watch (default: all)
        #[arg(add = ArgValueCandidates::new(account_names))]
        accounts: Vec<String>,
        /// Sync the folder instead of fetching it (IMAP accounts)
        #[arg(long)]
        sync: bool,
        /// Command run through `sh -c` after new mail was stored
        #[arg(long, value_name = "COMMAND")]
        exec: Option<String>,
        /// Seconds between polls of POP3 accounts (and of IMAP servers without IDLE)
        #[arg(long, value_name = "SECS", default_value_t = 300)]
        poll: u64,
    },
    /// Show and test configured accounts
    #[command(subcommand)]
    Account(AccountCommand),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write every page into a directory
    Man {
        /// Write mailx.1, one mailx-COMMAND.1 per command and mailx.toml.5 into DIR
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// List configured accounts
    List,
    /// Show one account's settings (never its password)
    Show {
        #[arg(add = ArgValueCandidates::new(account_names))]
        account: String,
    },
    /// Connect and log in, changing nothing
    Test {
        #[arg(add = ArgValueCandidates::new(account_names))]
        accounts: Vec<String>,
    },
}

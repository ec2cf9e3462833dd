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
    /// Connect to ADDR:PORT when asked for HOST:PORT, as curl's option; names not given
    /// do not resolve at all (tests: nothing leaves loopback)
    #[arg(long, global = true, value_name = "HOST:PORT:ADDR:PORT", hide = true)]
    pub connect_to: Vec<crate::net::ConnectTo>,
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
    /// Keep the server's disk in check: delete from the server what the retention rules
    /// say, never a message that is not stored locally (purge folders excepted)
    ///
    /// Rules, per account: `delete_after_days` (messages stored that many days ago),
    /// `max_server_size` (the oldest stored messages until the server holds at most that
    /// much, measured by its QUOTA, else by the sum of its message sizes) and `purge` (a
    /// folder's messages that arrived more than its days ago, stored or not). A message
    /// counts as stored when its copy is in the local folder fetch or sync wrote it to,
    /// now. Local files are never touched. Also run after every fetch of an account with
    /// `max_server_size` or `purge`, and after every sync of one with any rule. With --dry-run each message that
    /// would go is listed with its size and date; --json gives per folder deleted and
    /// bytes, and the server's usage before and after.
    Clean {
        /// Accounts to clean (default: all with a rule)
        #[arg(add = ArgValueCandidates::new(account_names))]
        accounts: Vec<String>,
        /// List what would be deleted, with sizes; change nothing
        #[arg(long)]
        dry_run: bool,
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
    /// Switch an account between POP3 and IMAP, keeping its local mail
    ///
    /// --to imap: finds the account's IMAP server (the same host, else discovery from the
    /// login name), uploads every local message the server does not already have (each
    /// recognised by content, so the copies a POP3 account left on the server are not sent
    /// again) into the matching server folders (created as needed), with flags and
    /// dates, then switches the account in the config file. --to pop3: switches it to POP3
    /// (keep = true unless --keep false) and finds the server's INBOX messages in the local
    /// Maildir by content, so the next fetch downloads nothing twice. Interrupted, it is
    /// resumed by running it again; nothing is deleted on either side. Only the account's
    /// own table in the config changes, its previous settings kept above it as comments.
    Migrate(MigrateArgs),
    /// Back up an account's Maildir tree to one archive (tar + zstd with a manifest of
    /// every message's folder, flags, size, SHA-256 and Message-ID), or check one
    ///
    /// Taken under the account's lock, so no fetch or sync changes the tree meanwhile (a
    /// run in progress makes it exit 75). --verify FILE reads an archive back and checks
    /// every message against the manifest, naming the first that differs or is missing.
    Backup {
        /// The account to back up
        #[arg(add = ArgValueCandidates::new(account_names), required_unless_present = "verify")]
        account: Option<String>,
        /// Where to write it [default: mailx-ACCOUNT-DATE.tar.zst here]
        #[arg(short, long, value_name = "FILE", conflicts_with = "verify")]
        output: Option<PathBuf>,
        /// Check an archive instead of writing one
        #[arg(long, value_name = "FILE", conflicts_with = "account")]
        verify: Option<PathBuf>,
    },
    /// Put a backup's messages back: into the account's folders (adding what is missing,
    /// never replacing or deleting anything) or, with --as-folder, into a folder of their
    /// own
    ///
    /// Each message is checked against the archive's manifest before it is written and is
    /// durable before it appears. A message whose file name is already in its folder is
    /// left alone, so restoring twice changes nothing. For an IMAP account the next sync
    /// uploads what was restored.
    Restore {
        file: PathBuf,
        /// The account to restore into [default: the one the backup was taken of]
        #[arg(long, value_name = "ACCOUNT", add = ArgValueCandidates::new(account_names))]
        into: Option<String>,
        /// Restore below this folder (e.g. Restored-2026-11-29: INBOX becomes that
        /// folder, Sent becomes Restored-2026-11-29.Sent)
        #[arg(long, value_name = "NAME")]
        as_folder: Option<String>,
    },
    /// Set up, remove, show and test accounts
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
    /// Set up a new account: find the server, choose POP3 or IMAP, test the login, and
    /// append the account to the config file
    ///
    /// On a terminal with no settings given, a wizard asks for the email address and
    /// explains each choice. Otherwise every choice comes from the flags: with --email
    /// alone the server is found like the wizard finds it (autoconfig, DNS SRV records,
    /// guessed names, each probed), --host and the others override. The login is tested
    /// before anything is written (skip with --no-test). A password from --password-stdin
    /// (or typed in the wizard) goes into the OS keyring, never into the config file.
    Add(Box<AddArgs>),
    /// Remove an account from the config file and its password from the OS keyring; its
    /// Maildir and mail are never touched
    Remove {
        #[arg(add = ArgValueCandidates::new(account_names))]
        account: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Store or replace an account's password in the OS keyring (typed hidden on a
    /// terminal, else one line from standard input); the login is tested first
    Password {
        #[arg(add = ArgValueCandidates::new(account_names))]
        account: String,
        /// Store it without testing the login
        #[arg(long)]
        no_test: bool,
    },
    /// Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints
    /// the provider's address, waits for the browser to come back to a loopback port, and
    /// keeps the tokens in the OS keyring (refreshed by later runs as they expire)
    Authorize {
        #[arg(add = ArgValueCandidates::new(account_names))]
        account: String,
    },
    /// List configured accounts
    List,
    /// Show one account's settings (never its password)
    Show {
        #[arg(add = ArgValueCandidates::new(account_names))]
        account: String,
    },
    /// Connect and log in, changing nothing; report each step (DNS, connect, TLS,
    /// greeting, login, folders, messages) and exit with the code of the first that fails
    Test {
        #[arg(add = ArgValueCandidates::new(account_names))]
        accounts: Vec<String>,
    },
}

#[derive(Debug, Clone, Args, Default)]
pub struct AddArgs {
    /// The new account's name (letters, digits, '-', '_', '.', '@')
    pub name: Option<String>,
    /// Your email address: where discovery starts
    #[arg(long, value_name = "ADDRESS")]
    pub email: Option<String>,
    /// imap or pop3 [default: IMAP when the server offers it]
    #[arg(long, value_name = "PROTOCOL", value_parser = ["imap", "pop3"])]
    pub protocol: Option<String>,
    /// The server's name (skips discovery)
    #[arg(long)]
    pub host: Option<String>,
    #[arg(long)]
    pub port: Option<u16>,
    /// implicit, starttls or none (none needs --allow-plaintext)
    #[arg(long, value_name = "MODE", value_parser = ["implicit", "starttls", "none"])]
    pub tls: Option<String>,
    /// Let the password travel unencrypted (with --tls none)
    #[arg(long)]
    pub allow_plaintext: bool,
    /// A PEM certificate to trust for this server (self-signed servers)
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// The login name [default: what the provider documents, else the email address]
    #[arg(long)]
    pub user: Option<String>,
    /// A command printing the password (`pass show mail/home`)
    #[arg(long, value_name = "COMMAND", group = "password")]
    pub password_command: Option<String>,
    /// An environment variable holding the password
    #[arg(long, value_name = "VAR", group = "password")]
    pub password_env: Option<String>,
    /// mailx's own OAuth2 sign-in instead of a password: the provider's client id (with
    /// --oauth2-auth-url, --oauth2-token-url and --oauth2-scope; a client secret, where
    /// the provider issues one, goes into the file as oauth2_client_secret). The sign-in
    /// address is printed for a browser before the login test
    #[arg(long, value_name = "ID", group = "password")]
    pub oauth2_client_id: Option<String>,
    /// The provider's authorization endpoint (https)
    #[arg(long, value_name = "URL", requires = "oauth2_client_id")]
    pub oauth2_auth_url: Option<String>,
    /// The provider's token endpoint (https)
    #[arg(long, value_name = "URL", requires = "oauth2_client_id")]
    pub oauth2_token_url: Option<String>,
    /// The scopes to ask for, space-separated
    #[arg(long, value_name = "SCOPES", requires = "oauth2_client_id")]
    pub oauth2_scope: Option<String>,
    /// password (default), or xoauth2 / oauthbearer: the password source then prints an
    /// OAuth2 access token (oama, pizauth)
    #[arg(long, value_name = "HOW", value_parser = ["password", "xoauth2", "oauthbearer"])]
    pub auth: Option<String>,
    /// Read the password from the first line of standard input and store it in the OS
    /// keyring
    #[arg(long, group = "password")]
    pub password_stdin: bool,
    /// Leave mail on the server after download (POP3) [default: true]
    #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
    pub keep: Option<bool>,
    /// Delete mail from the server this many days after download (with keep)
    #[arg(long, value_name = "DAYS")]
    pub delete_after_days: Option<u32>,
    /// Folders to fetch or sync, comma-separated, or "*" for all (IMAP) [default: INBOX]
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub folders: Option<Vec<String>>,
    /// Where the mail goes [default: ~/Mail/NAME]
    #[arg(long, value_name = "DIR")]
    pub maildir: Option<String>,
    /// Write the account without testing the login
    #[arg(long)]
    pub no_test: bool,
    /// Autoconfig documents from BASE/mail/... and BASE/.well-known/... instead of the
    /// email domain's servers (tests)
    #[arg(long, value_name = "BASE", hide = true)]
    pub autoconfig_url: Option<String>,
    /// Ask this DNS server (ADDR:PORT) for SRV records (tests)
    #[arg(long, value_name = "ADDR", hide = true)]
    pub dns_server: Option<std::net::SocketAddr>,
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    #[arg(add = ArgValueCandidates::new(account_names))]
    pub account: String,
    /// The protocol to switch to
    #[arg(long, value_parser = ["imap", "pop3"])]
    pub to: String,
    /// The server [default: the account's host, else found from the login name]
    #[arg(long)]
    pub host: Option<String>,
    #[arg(long)]
    pub port: Option<u16>,
    /// implicit or starttls [default: whichever the server answers on, implicit first]
    #[arg(long, value_name = "MODE", value_parser = ["implicit", "starttls"])]
    pub tls: Option<String>,
    /// POP3: leave mail on the server after download [default: true]
    #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
    pub keep: Option<bool>,
    /// POP3: delete from the server this many days after download (with keep)
    #[arg(long, value_name = "DAYS")]
    pub delete_after_days: Option<u32>,
    /// Print what would be uploaded (or recognised), change nothing
    #[arg(long)]
    pub dry_run: bool,
}

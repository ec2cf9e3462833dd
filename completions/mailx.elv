
use builtin;
use str;

set edit:completion:arg-completer[mailx] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mailx'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mailx'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand fetch 'Download new mail from all (or the named) accounts into their Maildirs'
            cand sync 'Two-way sync of IMAP accounts with their Maildirs: new mail, flags, deletions and folders travel both ways'
            cand check 'Is there new mail? Exit 0 if so, 1 if not, 2 or more on error; downloads nothing and changes nothing, on the server or locally'
            cand status 'Server and local side by side: messages, bytes, quota, last run, retention'
            cand clean 'Keep the server''s disk in check: delete from the server what the retention rules say, never a message that is not stored locally (purge folders excepted)'
            cand watch 'Stay connected and fetch (or sync) as soon as mail arrives: IMAP IDLE on every watched folder of every account in one process, POP3 polled'
            cand migrate 'Switch an account between POP3 and IMAP, keeping its local mail'
            cand backup 'Back up an account''s Maildir tree to one archive (tar + zstd with a manifest of every message''s folder, flags, size, SHA-256 and Message-ID), or check one'
            cand restore 'Put a backup''s messages back: into the account''s folders (adding what is missing, never replacing or deleting anything) or, with --as-folder, into a folder of their own'
            cand account 'Set up, remove, show and test accounts'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff), or write every page into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailx;fetch'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand --dry-run 'Print what would be downloaded and deleted, change nothing (server and local)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;sync'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand --dry-run 'Print what would be done, change nothing (server and local)'
            cand --reconcile 'Ignore the saved state of the selected folders and pair messages by content (after a folder vanished on one side, or to rebuild lost state); never deletes'
            cand --allow-deletes 'Let this run delete more than `max_delete` allows (by default a folder stops when a run would delete more than half of its messages, and more than 10)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;check'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;status'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;clean'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand --dry-run 'List what would be deleted, with sizes; change nothing'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;watch'= {
            cand --exec 'Command run through `sh -c` after new mail was stored'
            cand --poll 'Seconds between polls of POP3 accounts (and of IMAP servers without IDLE)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand --sync 'Sync the folder instead of fetching it (IMAP accounts)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;migrate'= {
            cand --to 'The protocol to switch to'
            cand --host 'The server [default: the account''s host, else found from the login name]'
            cand --port 'port'
            cand --tls 'implicit or starttls [default: whichever the server answers on, implicit first]'
            cand --keep 'POP3: leave mail on the server after download [default: true]'
            cand --delete-after-days 'POP3: delete from the server this many days after download (with keep)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand --dry-run 'Print what would be uploaded (or recognised), change nothing'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;backup'= {
            cand -o 'Where to write it [default: mailx-ACCOUNT-DATE.tar.zst here]'
            cand --output 'Where to write it [default: mailx-ACCOUNT-DATE.tar.zst here]'
            cand --verify 'Check an archive instead of writing one'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;restore'= {
            cand --into 'The account to restore into [default: the one the backup was taken of]'
            cand --as-folder 'Restore below this folder (e.g. Restored-2026-11-29: INBOX becomes that folder, Sent becomes Restored-2026-11-29.Sent)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;account'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Set up a new account: find the server, choose POP3 or IMAP, test the login, and append the account to the config file'
            cand remove 'Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched'
            cand password 'Store or replace an account''s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first'
            cand authorize 'Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints the provider''s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)'
            cand list 'List configured accounts'
            cand show 'Show one account''s settings (never its password)'
            cand test 'Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailx;account;add'= {
            cand --email 'Your email address: where discovery starts'
            cand --protocol 'imap or pop3 [default: IMAP when the server offers it]'
            cand --host 'The server''s name (skips discovery)'
            cand --port 'port'
            cand --tls 'implicit, starttls or none (none needs --allow-plaintext)'
            cand --ca-file 'A PEM certificate to trust for this server (self-signed servers)'
            cand --user 'The login name [default: what the provider documents, else the email address]'
            cand --password-command 'A command printing the password (`pass show mail/home`)'
            cand --password-env 'An environment variable holding the password'
            cand --oauth2-client-id 'mailx''s own OAuth2 sign-in instead of a password: the provider''s client id (with --oauth2-auth-url, --oauth2-token-url and --oauth2-scope; a client secret, where the provider issues one, goes into the file as oauth2_client_secret). The sign-in address is printed for a browser before the login test'
            cand --oauth2-auth-url 'The provider''s authorization endpoint (https)'
            cand --oauth2-token-url 'The provider''s token endpoint (https)'
            cand --oauth2-scope 'The scopes to ask for, space-separated'
            cand --auth 'password (default), or xoauth2 / oauthbearer: the password source then prints an OAuth2 access token (oama, pizauth)'
            cand --keep 'Leave mail on the server after download (POP3) [default: true]'
            cand --delete-after-days 'Delete mail from the server this many days after download (with keep)'
            cand --folders 'Folders to fetch or sync, comma-separated, or "*" for all (IMAP) [default: INBOX]'
            cand --maildir 'Where the mail goes [default: ~/Mail/NAME]'
            cand --autoconfig-url 'Autoconfig documents from BASE/mail/... and BASE/.well-known/... instead of the email domain''s servers (tests)'
            cand --dns-server 'Ask this DNS server (ADDR:PORT) for SRV records (tests)'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand --allow-plaintext 'Let the password travel unencrypted (with --tls none)'
            cand --password-stdin 'Read the password from the first line of standard input and store it in the OS keyring'
            cand --no-test 'Write the account without testing the login'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;account;remove'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand --yes 'Do not ask for confirmation'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;account;password'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand --no-test 'Store it without testing the login'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;account;authorize'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;account;list'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;account;show'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;account;test'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;account;help'= {
            cand add 'Set up a new account: find the server, choose POP3 or IMAP, test the login, and append the account to the config file'
            cand remove 'Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched'
            cand password 'Store or replace an account''s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first'
            cand authorize 'Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints the provider''s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)'
            cand list 'List configured accounts'
            cand show 'Show one account''s settings (never its password)'
            cand test 'Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailx;account;help;add'= {
        }
        &'mailx;account;help;remove'= {
        }
        &'mailx;account;help;password'= {
        }
        &'mailx;account;help;authorize'= {
        }
        &'mailx;account;help;list'= {
        }
        &'mailx;account;help;show'= {
        }
        &'mailx;account;help;test'= {
        }
        &'mailx;account;help;help'= {
        }
        &'mailx;completions'= {
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;man'= {
            cand --dir 'Write mailx.1, one mailx-COMMAND.1 per command and mailx.toml.5 into DIR'
            cand --config 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]'
            cand --color 'When to color error messages'
            cand --timeout 'Seconds to wait for any single network operation'
            cand --log-file 'Also write the log (with times, at least -v detail) to FILE, appending'
            cand --connect-to 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)'
            cand -q 'Print nothing but errors'
            cand --quiet 'Print nothing but errors'
            cand -v 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --verbose 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
            cand --json 'Machine-readable output on stdout: one JSON object per account per line'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mailx;help'= {
            cand fetch 'Download new mail from all (or the named) accounts into their Maildirs'
            cand sync 'Two-way sync of IMAP accounts with their Maildirs: new mail, flags, deletions and folders travel both ways'
            cand check 'Is there new mail? Exit 0 if so, 1 if not, 2 or more on error; downloads nothing and changes nothing, on the server or locally'
            cand status 'Server and local side by side: messages, bytes, quota, last run, retention'
            cand clean 'Keep the server''s disk in check: delete from the server what the retention rules say, never a message that is not stored locally (purge folders excepted)'
            cand watch 'Stay connected and fetch (or sync) as soon as mail arrives: IMAP IDLE on every watched folder of every account in one process, POP3 polled'
            cand migrate 'Switch an account between POP3 and IMAP, keeping its local mail'
            cand backup 'Back up an account''s Maildir tree to one archive (tar + zstd with a manifest of every message''s folder, flags, size, SHA-256 and Message-ID), or check one'
            cand restore 'Put a backup''s messages back: into the account''s folders (adding what is missing, never replacing or deleting anything) or, with --as-folder, into a folder of their own'
            cand account 'Set up, remove, show and test accounts'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff), or write every page into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'mailx;help;fetch'= {
        }
        &'mailx;help;sync'= {
        }
        &'mailx;help;check'= {
        }
        &'mailx;help;status'= {
        }
        &'mailx;help;clean'= {
        }
        &'mailx;help;watch'= {
        }
        &'mailx;help;migrate'= {
        }
        &'mailx;help;backup'= {
        }
        &'mailx;help;restore'= {
        }
        &'mailx;help;account'= {
            cand add 'Set up a new account: find the server, choose POP3 or IMAP, test the login, and append the account to the config file'
            cand remove 'Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched'
            cand password 'Store or replace an account''s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first'
            cand authorize 'Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints the provider''s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)'
            cand list 'List configured accounts'
            cand show 'Show one account''s settings (never its password)'
            cand test 'Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails'
        }
        &'mailx;help;account;add'= {
        }
        &'mailx;help;account;remove'= {
        }
        &'mailx;help;account;password'= {
        }
        &'mailx;help;account;authorize'= {
        }
        &'mailx;help;account;list'= {
        }
        &'mailx;help;account;show'= {
        }
        &'mailx;help;account;test'= {
        }
        &'mailx;help;completions'= {
        }
        &'mailx;help;man'= {
        }
        &'mailx;help;help'= {
        }
    ]
    $completions[$command]
}

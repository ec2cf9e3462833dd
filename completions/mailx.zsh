#compdef mailx

autoload -U is-at-least

_mailx() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_mailx_commands" \
"*::: :->mailx" \
&& ret=0
    case $state in
    (mailx)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mailx-command-$line[1]:"
        case $line[1] in
            (fetch)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'--dry-run[Print what would be downloaded and deleted, change nothing (server and local)]' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'*::accounts -- Accounts to fetch (default\: all):_default' \
&& ret=0
;;
(sync)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'--dry-run[Print what would be done, change nothing (server and local)]' \
'--reconcile[Ignore the saved state of the selected folders and pair messages by content (after a folder vanished on one side, or to rebuild lost state); never deletes]' \
'--allow-deletes[Let this run delete more than \`max_delete\` allows (by default a folder stops when a run would delete more than half of its messages, and more than 10)]' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::accounts -- Accounts to sync (default\: all IMAP accounts):_default' \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::accounts -- Accounts to check (default\: all):_default' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'*::accounts -- Accounts to show (default\: all):_default' \
&& ret=0
;;
(clean)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'--dry-run[List what would be deleted, with sizes; change nothing]' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::accounts -- Accounts to clean (default\: all with a rule):_default' \
&& ret=0
;;
(watch)
_arguments "${_arguments_options[@]}" : \
'--exec=[Command run through \`sh -c\` after new mail was stored]:COMMAND:_default' \
'--poll=[Seconds between polls of POP3 accounts (and of IMAP servers without IDLE)]:SECS:_default' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'--sync[Sync the folder instead of fetching it (IMAP accounts)]' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'*::accounts -- Accounts to watch (default\: all):_default' \
&& ret=0
;;
(migrate)
_arguments "${_arguments_options[@]}" : \
'--to=[The protocol to switch to]:TO:(imap pop3)' \
'--host=[The server \[default\: the account'\''s host, else found from the login name\]]:HOST:_default' \
'--port=[]:PORT:_default' \
'--tls=[implicit or starttls \[default\: whichever the server answers on, implicit first\]]:MODE:(implicit starttls)' \
'--keep=[POP3\: leave mail on the server after download \[default\: true\]]:BOOL:(true false)' \
'--delete-after-days=[POP3\: delete from the server this many days after download (with keep)]:DAYS:_default' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'--dry-run[Print what would be uploaded (or recognised), change nothing]' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':account:_default' \
&& ret=0
;;
(backup)
_arguments "${_arguments_options[@]}" : \
'(--verify)-o+[Where to write it \[default\: mailx-ACCOUNT-DATE.tar.zst here\]]:FILE:_files' \
'(--verify)--output=[Where to write it \[default\: mailx-ACCOUNT-DATE.tar.zst here\]]:FILE:_files' \
'()--verify=[Check an archive instead of writing one]:FILE:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::account -- The account to back up:_default' \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
'--into=[The account to restore into \[default\: the one the backup was taken of\]]:ACCOUNT:_default' \
'--as-folder=[Restore below this folder (e.g. Restored-2026-11-29\: INBOX becomes that folder, Sent becomes Restored-2026-11-29.Sent)]:NAME:_default' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
':file:_files' \
&& ret=0
;;
(account)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_mailx__subcmd__account_commands" \
"*::: :->account" \
&& ret=0

    case $state in
    (account)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mailx-account-command-$line[1]:"
        case $line[1] in
            (add)
_arguments "${_arguments_options[@]}" : \
'--email=[Your email address\: where discovery starts]:ADDRESS:_default' \
'--protocol=[imap or pop3 \[default\: IMAP when the server offers it\]]:PROTOCOL:(imap pop3)' \
'--host=[The server'\''s name (skips discovery)]:HOST:_default' \
'--port=[]:PORT:_default' \
'--tls=[implicit, starttls or none (none needs --allow-plaintext)]:MODE:(implicit starttls none)' \
'--ca-file=[A PEM certificate to trust for this server (self-signed servers)]:FILE:_files' \
'--user=[The login name \[default\: what the provider documents, else the email address\]]:USER:_default' \
'--password-command=[A command printing the password (\`pass show mail/home\`)]:COMMAND:_default' \
'--password-env=[An environment variable holding the password]:VAR:_default' \
'--oauth2-client-id=[mailx'\''s own OAuth2 sign-in instead of a password\: the provider'\''s client id (with --oauth2-auth-url, --oauth2-token-url and --oauth2-scope; a client secret, where the provider issues one, goes into the file as oauth2_client_secret). The sign-in address is printed for a browser before the login test]:ID:_default' \
'--oauth2-auth-url=[The provider'\''s authorization endpoint (https)]:URL:_default' \
'--oauth2-token-url=[The provider'\''s token endpoint (https)]:URL:_default' \
'--oauth2-scope=[The scopes to ask for, space-separated]:SCOPES:_default' \
'--auth=[password (default), or xoauth2 / oauthbearer\: the password source then prints an OAuth2 access token (oama, pizauth)]:HOW:(password xoauth2 oauthbearer)' \
'--keep=[Leave mail on the server after download (POP3) \[default\: true\]]:BOOL:(true false)' \
'--delete-after-days=[Delete mail from the server this many days after download (with keep)]:DAYS:_default' \
'*--folders=[Folders to fetch or sync, comma-separated, or "*" for all (IMAP) \[default\: INBOX\]]:LIST:_default' \
'--maildir=[Where the mail goes \[default\: ~/Mail/NAME\]]:DIR:_default' \
'--autoconfig-url=[Autoconfig documents from BASE/mail/... and BASE/.well-known/... instead of the email domain'\''s servers (tests)]:BASE:_default' \
'--dns-server=[Ask this DNS server (ADDR\:PORT) for SRV records (tests)]:ADDR:_default' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'--allow-plaintext[Let the password travel unencrypted (with --tls none)]' \
'--password-stdin[Read the password from the first line of standard input and store it in the OS keyring]' \
'--no-test[Write the account without testing the login]' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
'::name -- The new account'\''s name (letters, digits, '\''-'\'', '\''_'\'', '\''.'\'', '\''@'\''):_default' \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'--yes[Do not ask for confirmation]' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':account:_default' \
&& ret=0
;;
(password)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'--no-test[Store it without testing the login]' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':account:_default' \
&& ret=0
;;
(authorize)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':account:_default' \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':account:_default' \
&& ret=0
;;
(test)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
'*::accounts:_default' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_mailx__subcmd__account__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mailx-account-help-command-$line[1]:"
        case $line[1] in
            (add)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(password)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(authorize)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(test)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(completions)
_arguments "${_arguments_options[@]}" : \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
':shell:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'--dir=[Write mailx.1, one mailx-COMMAND.1 per command and mailx.toml.5 into DIR]:DIR:_files' \
'--config=[Config file \[default\: \$XDG_CONFIG_HOME/mailx/config.toml\]]:FILE:_files' \
'--color=[When to color error messages]:COLOR:(auto always never)' \
'--timeout=[Seconds to wait for any single network operation]:SECS:_default' \
'--log-file=[Also write the log (with times, at least -v detail) to FILE, appending]:FILE:_files' \
'*--connect-to=[Connect to ADDR\:PORT when asked for HOST\:PORT, as curl'\''s option; names not given do not resolve at all (tests\: nothing leaves loopback)]:HOST:PORT:ADDR:PORT:_default' \
'(-v --verbose)-q[Print nothing but errors]' \
'(-v --verbose)--quiet[Print nothing but errors]' \
'*-v[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'*--verbose[More detail\: -v progress and summaries, -vv protocol trace (passwords redacted)]' \
'--json[Machine-readable output on stdout\: one JSON object per account per line]' \
'-h[Print help]' \
'--help[Print help]' \
'-V[Print version]' \
'--version[Print version]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_mailx__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mailx-help-command-$line[1]:"
        case $line[1] in
            (fetch)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(sync)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(clean)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(watch)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(migrate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(backup)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(restore)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(account)
_arguments "${_arguments_options[@]}" : \
":: :_mailx__subcmd__help__subcmd__account_commands" \
"*::: :->account" \
&& ret=0

    case $state in
    (account)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:mailx-help-account-command-$line[1]:"
        case $line[1] in
            (add)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(remove)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(password)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(authorize)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(show)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(test)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(completions)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_mailx_commands] )) ||
_mailx_commands() {
    local commands; commands=(
'fetch:Download new mail from all (or the named) accounts into their Maildirs' \
'sync:Two-way sync of IMAP accounts with their Maildirs\: new mail, flags, deletions and folders travel both ways' \
'check:Is there new mail? Exit 0 if so, 1 if not, 2 or more on error; downloads nothing and changes nothing, on the server or locally' \
'status:Server and local side by side\: messages, bytes, quota, last run, retention' \
'clean:Keep the server'\''s disk in check\: delete from the server what the retention rules say, never a message that is not stored locally (purge folders excepted)' \
'watch:Stay connected and fetch (or sync) as soon as mail arrives\: IMAP IDLE on every watched folder of every account in one process, POP3 polled' \
'migrate:Switch an account between POP3 and IMAP, keeping its local mail' \
'backup:Back up an account'\''s Maildir tree to one archive (tar + zstd with a manifest of every message'\''s folder, flags, size, SHA-256 and Message-ID), or check one' \
'restore:Put a backup'\''s messages back\: into the account'\''s folders (adding what is missing, never replacing or deleting anything) or, with --as-folder, into a folder of their own' \
'account:Set up, remove, show and test accounts' \
'completions:Print a shell completion script' \
'man:Print the man page (roff), or write every page into a directory' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'mailx commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account_commands] )) ||
_mailx__subcmd__account_commands() {
    local commands; commands=(
'add:Set up a new account\: find the server, choose POP3 or IMAP, test the login, and append the account to the config file' \
'remove:Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched' \
'password:Store or replace an account'\''s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first' \
'authorize:Sign in with OAuth2 in a browser, for an account with \`oauth2_client_id\`\: prints the provider'\''s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)' \
'list:List configured accounts' \
'show:Show one account'\''s settings (never its password)' \
'test:Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'mailx account commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__add_commands] )) ||
_mailx__subcmd__account__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account add commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__authorize_commands] )) ||
_mailx__subcmd__account__subcmd__authorize_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account authorize commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__help_commands] )) ||
_mailx__subcmd__account__subcmd__help_commands() {
    local commands; commands=(
'add:Set up a new account\: find the server, choose POP3 or IMAP, test the login, and append the account to the config file' \
'remove:Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched' \
'password:Store or replace an account'\''s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first' \
'authorize:Sign in with OAuth2 in a browser, for an account with \`oauth2_client_id\`\: prints the provider'\''s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)' \
'list:List configured accounts' \
'show:Show one account'\''s settings (never its password)' \
'test:Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'mailx account help commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__help__subcmd__add_commands] )) ||
_mailx__subcmd__account__subcmd__help__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account help add commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__help__subcmd__authorize_commands] )) ||
_mailx__subcmd__account__subcmd__help__subcmd__authorize_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account help authorize commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__help__subcmd__help_commands] )) ||
_mailx__subcmd__account__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account help help commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__help__subcmd__list_commands] )) ||
_mailx__subcmd__account__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account help list commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__help__subcmd__password_commands] )) ||
_mailx__subcmd__account__subcmd__help__subcmd__password_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account help password commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__help__subcmd__remove_commands] )) ||
_mailx__subcmd__account__subcmd__help__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account help remove commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__help__subcmd__show_commands] )) ||
_mailx__subcmd__account__subcmd__help__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account help show commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__help__subcmd__test_commands] )) ||
_mailx__subcmd__account__subcmd__help__subcmd__test_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account help test commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__list_commands] )) ||
_mailx__subcmd__account__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account list commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__password_commands] )) ||
_mailx__subcmd__account__subcmd__password_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account password commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__remove_commands] )) ||
_mailx__subcmd__account__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account remove commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__show_commands] )) ||
_mailx__subcmd__account__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account show commands' commands "$@"
}
(( $+functions[_mailx__subcmd__account__subcmd__test_commands] )) ||
_mailx__subcmd__account__subcmd__test_commands() {
    local commands; commands=()
    _describe -t commands 'mailx account test commands' commands "$@"
}
(( $+functions[_mailx__subcmd__backup_commands] )) ||
_mailx__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'mailx backup commands' commands "$@"
}
(( $+functions[_mailx__subcmd__check_commands] )) ||
_mailx__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'mailx check commands' commands "$@"
}
(( $+functions[_mailx__subcmd__clean_commands] )) ||
_mailx__subcmd__clean_commands() {
    local commands; commands=()
    _describe -t commands 'mailx clean commands' commands "$@"
}
(( $+functions[_mailx__subcmd__completions_commands] )) ||
_mailx__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'mailx completions commands' commands "$@"
}
(( $+functions[_mailx__subcmd__fetch_commands] )) ||
_mailx__subcmd__fetch_commands() {
    local commands; commands=()
    _describe -t commands 'mailx fetch commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help_commands] )) ||
_mailx__subcmd__help_commands() {
    local commands; commands=(
'fetch:Download new mail from all (or the named) accounts into their Maildirs' \
'sync:Two-way sync of IMAP accounts with their Maildirs\: new mail, flags, deletions and folders travel both ways' \
'check:Is there new mail? Exit 0 if so, 1 if not, 2 or more on error; downloads nothing and changes nothing, on the server or locally' \
'status:Server and local side by side\: messages, bytes, quota, last run, retention' \
'clean:Keep the server'\''s disk in check\: delete from the server what the retention rules say, never a message that is not stored locally (purge folders excepted)' \
'watch:Stay connected and fetch (or sync) as soon as mail arrives\: IMAP IDLE on every watched folder of every account in one process, POP3 polled' \
'migrate:Switch an account between POP3 and IMAP, keeping its local mail' \
'backup:Back up an account'\''s Maildir tree to one archive (tar + zstd with a manifest of every message'\''s folder, flags, size, SHA-256 and Message-ID), or check one' \
'restore:Put a backup'\''s messages back\: into the account'\''s folders (adding what is missing, never replacing or deleting anything) or, with --as-folder, into a folder of their own' \
'account:Set up, remove, show and test accounts' \
'completions:Print a shell completion script' \
'man:Print the man page (roff), or write every page into a directory' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'mailx help commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__account_commands] )) ||
_mailx__subcmd__help__subcmd__account_commands() {
    local commands; commands=(
'add:Set up a new account\: find the server, choose POP3 or IMAP, test the login, and append the account to the config file' \
'remove:Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched' \
'password:Store or replace an account'\''s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first' \
'authorize:Sign in with OAuth2 in a browser, for an account with \`oauth2_client_id\`\: prints the provider'\''s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)' \
'list:List configured accounts' \
'show:Show one account'\''s settings (never its password)' \
'test:Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails' \
    )
    _describe -t commands 'mailx help account commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__account__subcmd__add_commands] )) ||
_mailx__subcmd__help__subcmd__account__subcmd__add_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help account add commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__account__subcmd__authorize_commands] )) ||
_mailx__subcmd__help__subcmd__account__subcmd__authorize_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help account authorize commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__account__subcmd__list_commands] )) ||
_mailx__subcmd__help__subcmd__account__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help account list commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__account__subcmd__password_commands] )) ||
_mailx__subcmd__help__subcmd__account__subcmd__password_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help account password commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__account__subcmd__remove_commands] )) ||
_mailx__subcmd__help__subcmd__account__subcmd__remove_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help account remove commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__account__subcmd__show_commands] )) ||
_mailx__subcmd__help__subcmd__account__subcmd__show_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help account show commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__account__subcmd__test_commands] )) ||
_mailx__subcmd__help__subcmd__account__subcmd__test_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help account test commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__backup_commands] )) ||
_mailx__subcmd__help__subcmd__backup_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help backup commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__check_commands] )) ||
_mailx__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help check commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__clean_commands] )) ||
_mailx__subcmd__help__subcmd__clean_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help clean commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__completions_commands] )) ||
_mailx__subcmd__help__subcmd__completions_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help completions commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__fetch_commands] )) ||
_mailx__subcmd__help__subcmd__fetch_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help fetch commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__help_commands] )) ||
_mailx__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help help commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__man_commands] )) ||
_mailx__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help man commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__migrate_commands] )) ||
_mailx__subcmd__help__subcmd__migrate_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help migrate commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__restore_commands] )) ||
_mailx__subcmd__help__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help restore commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__status_commands] )) ||
_mailx__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help status commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__sync_commands] )) ||
_mailx__subcmd__help__subcmd__sync_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help sync commands' commands "$@"
}
(( $+functions[_mailx__subcmd__help__subcmd__watch_commands] )) ||
_mailx__subcmd__help__subcmd__watch_commands() {
    local commands; commands=()
    _describe -t commands 'mailx help watch commands' commands "$@"
}
(( $+functions[_mailx__subcmd__man_commands] )) ||
_mailx__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'mailx man commands' commands "$@"
}
(( $+functions[_mailx__subcmd__migrate_commands] )) ||
_mailx__subcmd__migrate_commands() {
    local commands; commands=()
    _describe -t commands 'mailx migrate commands' commands "$@"
}
(( $+functions[_mailx__subcmd__restore_commands] )) ||
_mailx__subcmd__restore_commands() {
    local commands; commands=()
    _describe -t commands 'mailx restore commands' commands "$@"
}
(( $+functions[_mailx__subcmd__status_commands] )) ||
_mailx__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'mailx status commands' commands "$@"
}
(( $+functions[_mailx__subcmd__sync_commands] )) ||
_mailx__subcmd__sync_commands() {
    local commands; commands=()
    _describe -t commands 'mailx sync commands' commands "$@"
}
(( $+functions[_mailx__subcmd__watch_commands] )) ||
_mailx__subcmd__watch_commands() {
    local commands; commands=()
    _describe -t commands 'mailx watch commands' commands "$@"
}

if [ "$funcstack[1]" = "_mailx" ]; then
    _mailx "$@"
else
    compdef _mailx mailx
fi

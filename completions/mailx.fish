# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mailx_global_optspecs
    string join \n config= q/quiet v/verbose json color= timeout= log-file= connect-to= h/help V/version
end

function __fish_mailx_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mailx_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mailx_using_subcommand
    set -l cmd (__fish_mailx_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mailx -n "__fish_mailx_needs_command" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_needs_command" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_needs_command" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_needs_command" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_needs_command" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_needs_command" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_needs_command" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_needs_command" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_needs_command" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_needs_command" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "fetch" -d 'Download new mail from all (or the named) accounts into their Maildirs'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "sync" -d 'Two-way sync of IMAP accounts with their Maildirs: new mail, flags, deletions and folders travel both ways'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "check" -d 'Is there new mail? Exit 0 if so, 1 if not, 2 or more on error; downloads nothing and changes nothing, on the server or locally'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "status" -d 'Server and local side by side: messages, bytes, quota, last run, retention'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "clean" -d 'Keep the server\'s disk in check: delete from the server what the retention rules say, never a message that is not stored locally (purge folders excepted)'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "watch" -d 'Stay connected and fetch (or sync) as soon as mail arrives: IMAP IDLE on every watched folder of every account in one process, POP3 polled'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "migrate" -d 'Switch an account between POP3 and IMAP, keeping its local mail'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "backup" -d 'Back up an account\'s Maildir tree to one archive (tar + zstd with a manifest of every message\'s folder, flags, size, SHA-256 and Message-ID), or check one'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "restore" -d 'Put a backup\'s messages back: into the account\'s folders (adding what is missing, never replacing or deleting anything) or, with --as-folder, into a folder of their own'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "account" -d 'Set up, remove, show and test accounts'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "man" -d 'Print the man page (roff), or write every page into a directory'
complete -c mailx -n "__fish_mailx_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -l dry-run -d 'Print what would be downloaded and deleted, change nothing (server and local)'
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand fetch" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand sync" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand sync" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand sync" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand sync" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand sync" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand sync" -l dry-run -d 'Print what would be done, change nothing (server and local)'
complete -c mailx -n "__fish_mailx_using_subcommand sync" -l reconcile -d 'Ignore the saved state of the selected folders and pair messages by content (after a folder vanished on one side, or to rebuild lost state); never deletes'
complete -c mailx -n "__fish_mailx_using_subcommand sync" -l allow-deletes -d 'Let this run delete more than `max_delete` allows (by default a folder stops when a run would delete more than half of its messages, and more than 10)'
complete -c mailx -n "__fish_mailx_using_subcommand sync" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand sync" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand sync" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailx -n "__fish_mailx_using_subcommand sync" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand check" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand check" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand check" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand check" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand check" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand check" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand check" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand check" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailx -n "__fish_mailx_using_subcommand check" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand status" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand status" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand status" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand status" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand status" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand status" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand status" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand status" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand status" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand status" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand clean" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand clean" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand clean" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand clean" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand clean" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand clean" -l dry-run -d 'List what would be deleted, with sizes; change nothing'
complete -c mailx -n "__fish_mailx_using_subcommand clean" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand clean" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand clean" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand clean" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailx -n "__fish_mailx_using_subcommand clean" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand watch" -l exec -d 'Command run through `sh -c` after new mail was stored' -r
complete -c mailx -n "__fish_mailx_using_subcommand watch" -l poll -d 'Seconds between polls of POP3 accounts (and of IMAP servers without IDLE)' -r
complete -c mailx -n "__fish_mailx_using_subcommand watch" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand watch" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand watch" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand watch" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand watch" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand watch" -l sync -d 'Sync the folder instead of fetching it (IMAP accounts)'
complete -c mailx -n "__fish_mailx_using_subcommand watch" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand watch" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand watch" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailx -n "__fish_mailx_using_subcommand watch" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l to -d 'The protocol to switch to' -r -f -a "imap\t''
pop3\t''"
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l host -d 'The server [default: the account\'s host, else found from the login name]' -r
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l port -r
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l tls -d 'implicit or starttls [default: whichever the server answers on, implicit first]' -r -f -a "implicit\t''
starttls\t''"
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l keep -d 'POP3: leave mail on the server after download [default: true]' -r -f -a "true\t''
false\t''"
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l delete-after-days -d 'POP3: delete from the server this many days after download (with keep)' -r
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l dry-run -d 'Print what would be uploaded (or recognised), change nothing'
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailx -n "__fish_mailx_using_subcommand migrate" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand backup" -s o -l output -d 'Where to write it [default: mailx-ACCOUNT-DATE.tar.zst here]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand backup" -l verify -d 'Check an archive instead of writing one' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand backup" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand backup" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand backup" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand backup" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand backup" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand backup" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand backup" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand backup" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailx -n "__fish_mailx_using_subcommand backup" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand restore" -l into -d 'The account to restore into [default: the one the backup was taken of]' -r
complete -c mailx -n "__fish_mailx_using_subcommand restore" -l as-folder -d 'Restore below this folder (e.g. Restored-2026-11-29: INBOX becomes that folder, Sent becomes Restored-2026-11-29.Sent)' -r
complete -c mailx -n "__fish_mailx_using_subcommand restore" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand restore" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand restore" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand restore" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand restore" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand restore" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand restore" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand restore" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailx -n "__fish_mailx_using_subcommand restore" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -f -a "add" -d 'Set up a new account: find the server, choose POP3 or IMAP, test the login, and append the account to the config file'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -f -a "remove" -d 'Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -f -a "password" -d 'Store or replace an account\'s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -f -a "authorize" -d 'Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints the provider\'s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -f -a "list" -d 'List configured accounts'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -f -a "show" -d 'Show one account\'s settings (never its password)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -f -a "test" -d 'Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails'
complete -c mailx -n "__fish_mailx_using_subcommand account; and not __fish_seen_subcommand_from add remove password authorize list show test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l email -d 'Your email address: where discovery starts' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l protocol -d 'imap or pop3 [default: IMAP when the server offers it]' -r -f -a "imap\t''
pop3\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l host -d 'The server\'s name (skips discovery)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l port -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l tls -d 'implicit, starttls or none (none needs --allow-plaintext)' -r -f -a "implicit\t''
starttls\t''
none\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l ca-file -d 'A PEM certificate to trust for this server (self-signed servers)' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l user -d 'The login name [default: what the provider documents, else the email address]' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l password-command -d 'A command printing the password (`pass show mail/home`)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l password-env -d 'An environment variable holding the password' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l oauth2-client-id -d 'mailx\'s own OAuth2 sign-in instead of a password: the provider\'s client id (with --oauth2-auth-url, --oauth2-token-url and --oauth2-scope; a client secret, where the provider issues one, goes into the file as oauth2_client_secret). The sign-in address is printed for a browser before the login test' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l oauth2-auth-url -d 'The provider\'s authorization endpoint (https)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l oauth2-token-url -d 'The provider\'s token endpoint (https)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l oauth2-scope -d 'The scopes to ask for, space-separated' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l auth -d 'password (default), or xoauth2 / oauthbearer: the password source then prints an OAuth2 access token (oama, pizauth)' -r -f -a "password\t''
xoauth2\t''
oauthbearer\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l keep -d 'Leave mail on the server after download (POP3) [default: true]' -r -f -a "true\t''
false\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l delete-after-days -d 'Delete mail from the server this many days after download (with keep)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l folders -d 'Folders to fetch or sync, comma-separated, or "*" for all (IMAP) [default: INBOX]' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l maildir -d 'Where the mail goes [default: ~/Mail/NAME]' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l autoconfig-url -d 'Autoconfig documents from BASE/mail/... and BASE/.well-known/... instead of the email domain\'s servers (tests)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l dns-server -d 'Ask this DNS server (ADDR:PORT) for SRV records (tests)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l allow-plaintext -d 'Let the password travel unencrypted (with --tls none)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read the password from the first line of standard input and store it in the OS keyring'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l no-test -d 'Write the account without testing the login'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -l yes -d 'Do not ask for confirmation'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -l no-test -d 'Store it without testing the login'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from password" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from authorize" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "add" -d 'Set up a new account: find the server, choose POP3 or IMAP, test the login, and append the account to the config file'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "password" -d 'Store or replace an account\'s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "authorize" -d 'Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints the provider\'s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "list" -d 'List configured accounts'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one account\'s settings (never its password)'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "test" -d 'Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails'
complete -c mailx -n "__fish_mailx_using_subcommand account; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailx -n "__fish_mailx_using_subcommand completions" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand completions" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand completions" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand completions" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand completions" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand completions" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand completions" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand completions" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand completions" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand completions" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand man" -l dir -d 'Write mailx.1, one mailx-COMMAND.1 per command and mailx.toml.5 into DIR' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand man" -l config -d 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand man" -l color -d 'When to color error messages' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mailx -n "__fish_mailx_using_subcommand man" -l timeout -d 'Seconds to wait for any single network operation' -r
complete -c mailx -n "__fish_mailx_using_subcommand man" -l log-file -d 'Also write the log (with times, at least -v detail) to FILE, appending' -r -F
complete -c mailx -n "__fish_mailx_using_subcommand man" -l connect-to -d 'Connect to ADDR:PORT when asked for HOST:PORT, as curl\'s option; names not given do not resolve at all (tests: nothing leaves loopback)' -r
complete -c mailx -n "__fish_mailx_using_subcommand man" -s q -l quiet -d 'Print nothing but errors'
complete -c mailx -n "__fish_mailx_using_subcommand man" -s v -l verbose -d 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)'
complete -c mailx -n "__fish_mailx_using_subcommand man" -l json -d 'Machine-readable output on stdout: one JSON object per account per line'
complete -c mailx -n "__fish_mailx_using_subcommand man" -s h -l help -d 'Print help'
complete -c mailx -n "__fish_mailx_using_subcommand man" -s V -l version -d 'Print version'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "fetch" -d 'Download new mail from all (or the named) accounts into their Maildirs'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "sync" -d 'Two-way sync of IMAP accounts with their Maildirs: new mail, flags, deletions and folders travel both ways'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "check" -d 'Is there new mail? Exit 0 if so, 1 if not, 2 or more on error; downloads nothing and changes nothing, on the server or locally'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "status" -d 'Server and local side by side: messages, bytes, quota, last run, retention'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "clean" -d 'Keep the server\'s disk in check: delete from the server what the retention rules say, never a message that is not stored locally (purge folders excepted)'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "watch" -d 'Stay connected and fetch (or sync) as soon as mail arrives: IMAP IDLE on every watched folder of every account in one process, POP3 polled'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "migrate" -d 'Switch an account between POP3 and IMAP, keeping its local mail'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "backup" -d 'Back up an account\'s Maildir tree to one archive (tar + zstd with a manifest of every message\'s folder, flags, size, SHA-256 and Message-ID), or check one'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "restore" -d 'Put a backup\'s messages back: into the account\'s folders (adding what is missing, never replacing or deleting anything) or, with --as-folder, into a folder of their own'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "account" -d 'Set up, remove, show and test accounts'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "man" -d 'Print the man page (roff), or write every page into a directory'
complete -c mailx -n "__fish_mailx_using_subcommand help; and not __fish_seen_subcommand_from fetch sync check status clean watch migrate backup restore account completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mailx -n "__fish_mailx_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "add" -d 'Set up a new account: find the server, choose POP3 or IMAP, test the login, and append the account to the config file'
complete -c mailx -n "__fish_mailx_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "remove" -d 'Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched'
complete -c mailx -n "__fish_mailx_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "password" -d 'Store or replace an account\'s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first'
complete -c mailx -n "__fish_mailx_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "authorize" -d 'Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints the provider\'s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)'
complete -c mailx -n "__fish_mailx_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "list" -d 'List configured accounts'
complete -c mailx -n "__fish_mailx_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "show" -d 'Show one account\'s settings (never its password)'
complete -c mailx -n "__fish_mailx_using_subcommand help; and __fish_seen_subcommand_from account" -f -a "test" -d 'Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails'

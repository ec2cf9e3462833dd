
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mailx' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mailx'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mailx' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download new mail from all (or the named) accounts into their Maildirs')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Two-way sync of IMAP accounts with their Maildirs: new mail, flags, deletions and folders travel both ways')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Is there new mail? Exit 0 if so, 1 if not, 2 or more on error; downloads nothing and changes nothing, on the server or locally')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Server and local side by side: messages, bytes, quota, last run, retention')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Keep the server''s disk in check: delete from the server what the retention rules say, never a message that is not stored locally (purge folders excepted)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Stay connected and fetch (or sync) as soon as mail arrives: IMAP IDLE on every watched folder of every account in one process, POP3 polled')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Switch an account between POP3 and IMAP, keeping its local mail')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up an account''s Maildir tree to one archive (tar + zstd with a manifest of every message''s folder, flags, size, SHA-256 and Message-ID), or check one')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Put a backup''s messages back: into the account''s folders (adding what is missing, never replacing or deleting anything) or, with --as-folder, into a folder of their own')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Set up, remove, show and test accounts')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or write every page into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailx;fetch' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be downloaded and deleted, change nothing (server and local)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;sync' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be done, change nothing (server and local)')
            [CompletionResult]::new('--reconcile', '--reconcile', [CompletionResultType]::ParameterName, 'Ignore the saved state of the selected folders and pair messages by content (after a folder vanished on one side, or to rebuild lost state); never deletes')
            [CompletionResult]::new('--allow-deletes', '--allow-deletes', [CompletionResultType]::ParameterName, 'Let this run delete more than `max_delete` allows (by default a folder stops when a run would delete more than half of its messages, and more than 10)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;check' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;clean' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be deleted, with sizes; change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;watch' {
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Command run through `sh -c` after new mail was stored')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'Seconds between polls of POP3 accounts (and of IMAP servers without IDLE)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('--sync', '--sync', [CompletionResultType]::ParameterName, 'Sync the folder instead of fetching it (IMAP accounts)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;migrate' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The protocol to switch to')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The server [default: the account''s host, else found from the login name]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'port')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'implicit or starttls [default: whichever the server answers on, implicit first]')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'POP3: leave mail on the server after download [default: true]')
            [CompletionResult]::new('--delete-after-days', '--delete-after-days', [CompletionResultType]::ParameterName, 'POP3: delete from the server this many days after download (with keep)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be uploaded (or recognised), change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;backup' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Where to write it [default: mailx-ACCOUNT-DATE.tar.zst here]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where to write it [default: mailx-ACCOUNT-DATE.tar.zst here]')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check an archive instead of writing one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;restore' {
            [CompletionResult]::new('--into', '--into', [CompletionResultType]::ParameterName, 'The account to restore into [default: the one the backup was taken of]')
            [CompletionResult]::new('--as-folder', '--as-folder', [CompletionResultType]::ParameterName, 'Restore below this folder (e.g. Restored-2026-11-29: INBOX becomes that folder, Sent becomes Restored-2026-11-29.Sent)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;account' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Set up a new account: find the server, choose POP3 or IMAP, test the login, and append the account to the config file')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched')
            [CompletionResult]::new('password', 'password', [CompletionResultType]::ParameterValue, 'Store or replace an account''s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first')
            [CompletionResult]::new('authorize', 'authorize', [CompletionResultType]::ParameterValue, 'Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints the provider''s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List configured accounts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account''s settings (never its password)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailx;account;add' {
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Your email address: where discovery starts')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'imap or pop3 [default: IMAP when the server offers it]')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The server''s name (skips discovery)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'port')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'implicit, starttls or none (none needs --allow-plaintext)')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'A PEM certificate to trust for this server (self-signed servers)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The login name [default: what the provider documents, else the email address]')
            [CompletionResult]::new('--password-command', '--password-command', [CompletionResultType]::ParameterName, 'A command printing the password (`pass show mail/home`)')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'An environment variable holding the password')
            [CompletionResult]::new('--oauth2-client-id', '--oauth2-client-id', [CompletionResultType]::ParameterName, 'mailx''s own OAuth2 sign-in instead of a password: the provider''s client id (with --oauth2-auth-url, --oauth2-token-url and --oauth2-scope; a client secret, where the provider issues one, goes into the file as oauth2_client_secret). The sign-in address is printed for a browser before the login test')
            [CompletionResult]::new('--oauth2-auth-url', '--oauth2-auth-url', [CompletionResultType]::ParameterName, 'The provider''s authorization endpoint (https)')
            [CompletionResult]::new('--oauth2-token-url', '--oauth2-token-url', [CompletionResultType]::ParameterName, 'The provider''s token endpoint (https)')
            [CompletionResult]::new('--oauth2-scope', '--oauth2-scope', [CompletionResultType]::ParameterName, 'The scopes to ask for, space-separated')
            [CompletionResult]::new('--auth', '--auth', [CompletionResultType]::ParameterName, 'password (default), or xoauth2 / oauthbearer: the password source then prints an OAuth2 access token (oama, pizauth)')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Leave mail on the server after download (POP3) [default: true]')
            [CompletionResult]::new('--delete-after-days', '--delete-after-days', [CompletionResultType]::ParameterName, 'Delete mail from the server this many days after download (with keep)')
            [CompletionResult]::new('--folders', '--folders', [CompletionResultType]::ParameterName, 'Folders to fetch or sync, comma-separated, or "*" for all (IMAP) [default: INBOX]')
            [CompletionResult]::new('--maildir', '--maildir', [CompletionResultType]::ParameterName, 'Where the mail goes [default: ~/Mail/NAME]')
            [CompletionResult]::new('--autoconfig-url', '--autoconfig-url', [CompletionResultType]::ParameterName, 'Autoconfig documents from BASE/mail/... and BASE/.well-known/... instead of the email domain''s servers (tests)')
            [CompletionResult]::new('--dns-server', '--dns-server', [CompletionResultType]::ParameterName, 'Ask this DNS server (ADDR:PORT) for SRV records (tests)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('--allow-plaintext', '--allow-plaintext', [CompletionResultType]::ParameterName, 'Let the password travel unencrypted (with --tls none)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of standard input and store it in the OS keyring')
            [CompletionResult]::new('--no-test', '--no-test', [CompletionResultType]::ParameterName, 'Write the account without testing the login')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;account;remove' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;account;password' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('--no-test', '--no-test', [CompletionResultType]::ParameterName, 'Store it without testing the login')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;account;authorize' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;account;list' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;account;show' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;account;test' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;account;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Set up a new account: find the server, choose POP3 or IMAP, test the login, and append the account to the config file')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched')
            [CompletionResult]::new('password', 'password', [CompletionResultType]::ParameterValue, 'Store or replace an account''s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first')
            [CompletionResult]::new('authorize', 'authorize', [CompletionResultType]::ParameterValue, 'Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints the provider''s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List configured accounts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account''s settings (never its password)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailx;account;help;add' {
            break
        }
        'mailx;account;help;remove' {
            break
        }
        'mailx;account;help;password' {
            break
        }
        'mailx;account;help;authorize' {
            break
        }
        'mailx;account;help;list' {
            break
        }
        'mailx;account;help;show' {
            break
        }
        'mailx;account;help;test' {
            break
        }
        'mailx;account;help;help' {
            break
        }
        'mailx;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write mailx.1, one mailx-COMMAND.1 per command and mailx.toml.5 into DIR')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file [default: $XDG_CONFIG_HOME/mailx/config.toml]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to color error messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for any single network operation')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Also write the log (with times, at least -v detail) to FILE, appending')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT when asked for HOST:PORT, as curl''s option; names not given do not resolve at all (tests: nothing leaves loopback)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail: -v progress and summaries, -vv protocol trace (passwords redacted)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine-readable output on stdout: one JSON object per account per line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mailx;help' {
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download new mail from all (or the named) accounts into their Maildirs')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Two-way sync of IMAP accounts with their Maildirs: new mail, flags, deletions and folders travel both ways')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Is there new mail? Exit 0 if so, 1 if not, 2 or more on error; downloads nothing and changes nothing, on the server or locally')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Server and local side by side: messages, bytes, quota, last run, retention')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Keep the server''s disk in check: delete from the server what the retention rules say, never a message that is not stored locally (purge folders excepted)')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Stay connected and fetch (or sync) as soon as mail arrives: IMAP IDLE on every watched folder of every account in one process, POP3 polled')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Switch an account between POP3 and IMAP, keeping its local mail')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Back up an account''s Maildir tree to one archive (tar + zstd with a manifest of every message''s folder, flags, size, SHA-256 and Message-ID), or check one')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Put a backup''s messages back: into the account''s folders (adding what is missing, never replacing or deleting anything) or, with --as-folder, into a folder of their own')
            [CompletionResult]::new('account', 'account', [CompletionResultType]::ParameterValue, 'Set up, remove, show and test accounts')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or write every page into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'mailx;help;fetch' {
            break
        }
        'mailx;help;sync' {
            break
        }
        'mailx;help;check' {
            break
        }
        'mailx;help;status' {
            break
        }
        'mailx;help;clean' {
            break
        }
        'mailx;help;watch' {
            break
        }
        'mailx;help;migrate' {
            break
        }
        'mailx;help;backup' {
            break
        }
        'mailx;help;restore' {
            break
        }
        'mailx;help;account' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Set up a new account: find the server, choose POP3 or IMAP, test the login, and append the account to the config file')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove an account from the config file and its password from the OS keyring; its Maildir and mail are never touched')
            [CompletionResult]::new('password', 'password', [CompletionResultType]::ParameterValue, 'Store or replace an account''s password in the OS keyring (typed hidden on a terminal, else one line from standard input); the login is tested first')
            [CompletionResult]::new('authorize', 'authorize', [CompletionResultType]::ParameterValue, 'Sign in with OAuth2 in a browser, for an account with `oauth2_client_id`: prints the provider''s address, waits for the browser to come back to a loopback port, and keeps the tokens in the OS keyring (refreshed by later runs as they expire)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List configured accounts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one account''s settings (never its password)')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Connect and log in, changing nothing; report each step (DNS, connect, TLS, greeting, login, folders, messages) and exit with the code of the first that fails')
            break
        }
        'mailx;help;account;add' {
            break
        }
        'mailx;help;account;remove' {
            break
        }
        'mailx;help;account;password' {
            break
        }
        'mailx;help;account;authorize' {
            break
        }
        'mailx;help;account;list' {
            break
        }
        'mailx;help;account;show' {
            break
        }
        'mailx;help;account;test' {
            break
        }
        'mailx;help;completions' {
            break
        }
        'mailx;help;man' {
            break
        }
        'mailx;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

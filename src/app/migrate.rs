//! `mailx migrate`: an account switched between POP3 and IMAP with its local mail kept.
//! The work is the engines' own: to IMAP, a sync that pairs by content and uploads what the
//! server lacks; to POP3, a fetch that finds the server's messages in the Maildir by
//! content. The config file changes only once that run succeeded.

use super::{config_path, fetch, load_config, pick, sync};
use crate::cli::{Global, MigrateArgs};
use crate::config::{self, Account, Protocol, TlsMode};
use crate::error::{Error, Result, exit};
use crate::output::Printer;
use crate::setup::add::POP3_TRAP;
use crate::setup::discover::Sources;
use crate::setup::{Server, config_file, probe};

pub(super) async fn migrate(global: &Global, printer: &Printer, args: &MigrateArgs) -> Result<i32> {
    let config = load_config(global)?;
    let account = pick(&config, std::slice::from_ref(&args.account))?[0];
    let to = match args.to.as_str() {
        "pop3" => Protocol::Pop3,
        _ => Protocol::Imap,
    };
    if account.protocol == to {
        return Err(Error::Usage(format!(
            "account {} uses {} already",
            account.name,
            to.name().to_ascii_uppercase()
        )));
    }
    let server = target_server(account, to, args, printer, global.timeout).await?;
    printer.say(&format!(
        "{}: switching to {}",
        account.name,
        server.describe()
    ));
    let path = config_path(global)?;
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let keep = args.keep.unwrap_or(true);
    let extra: Vec<(&str, toml_edit::Value)> = match to {
        Protocol::Imap if account.folders == ["INBOX"] => {
            vec![("folders", toml_edit::Array::from_iter(["*"]).into())]
        }
        Protocol::Imap => Vec::new(),
        Protocol::Pop3 => {
            let mut v = vec![("keep", toml_edit::Value::from(keep))];
            if let Some(d) = args.delete_after_days {
                v.push(("delete_after_days", toml_edit::Value::from(i64::from(d))));
            }
            v
        }
    };
    let note = format!(
        "switched by `mailx migrate --to {}` on {}",
        to.name(),
        chrono::Local::now().format("%Y-%m-%d")
    );
    let switched =
        config_file::switch_protocol(&path, &text, &account.name, &server, &extra, &note)?;
    let new_config = config::parse(&path, &switched)?;
    let new = new_config
        .accounts
        .get(&account.name)
        .ok_or_else(|| Error::Internal("the switched account vanished".into()))?;
    if to == Protocol::Pop3 && !keep {
        printer.warning(POP3_TRAP);
    }
    let code = match to {
        Protocol::Imap => {
            let opts = sync::SyncOptions {
                dry_run: args.dry_run,
                reconcile: true,
                allow_deletes: false,
                // The account's retention rules wait for its first own run: right after
                // an upload they would take back what was just put on the server.
                clean_after: false,
            };
            let run = sync::sync_one(new, &config.state_dir, global.timeout, printer, opts).await;
            sync::report(printer, &run)
        }
        Protocol::Pop3 => {
            let run = fetch::fetch_one(
                new,
                &config.state_dir,
                global.timeout,
                printer,
                args.dry_run,
                false,
            )
            .await;
            fetch::report(printer, &run)
        }
    };
    if args.dry_run {
        printer.say("Dry run: nothing was uploaded, downloaded or changed, and the config file is as it was.");
        return Ok(code);
    }
    if code != exit::OK {
        printer.say(&format!(
            "The config file still says {}: run `mailx migrate {} --to {}` again to finish (what is done stays done).",
            account.protocol.name().to_ascii_uppercase(),
            account.name,
            to.name()
        ));
        return Ok(code);
    }
    config_file::write(&path, &switched)?;
    printer.say(&format!(
        "{} now uses {} (the previous settings are kept as comments in {}). Next: mailx {} {}",
        account.name,
        to.name().to_ascii_uppercase(),
        path.display(),
        if to == Protocol::Imap {
            "sync"
        } else {
            "fetch"
        },
        account.name
    ));
    Ok(exit::OK)
}

/// The server to switch to: the flags', else the account's host on the other protocol's
/// ports, else discovery from the login name when it is an address.
async fn target_server(
    account: &Account,
    to: Protocol,
    args: &MigrateArgs,
    printer: &Printer,
    timeout: u64,
) -> Result<Server> {
    let step = std::time::Duration::from_secs(timeout.clamp(1, 30));
    let tls_modes: Vec<TlsMode> = match args.tls.as_deref() {
        Some("starttls") => vec![TlsMode::Starttls],
        Some(_) => vec![TlsMode::Implicit],
        None => vec![TlsMode::Implicit, TlsMode::Starttls],
    };
    let host = args.host.clone().unwrap_or_else(|| account.host.clone());
    let mut last = None;
    for tls in tls_modes {
        let server = Server {
            protocol: to,
            host: host.clone(),
            port: args.port.unwrap_or(config::default_port(to, tls)),
            tls,
        };
        match probe::probe(&server, account.ca_file.as_deref(), step).await {
            Ok(_) => return Ok(server),
            Err(f) => {
                tracing::info!(
                    "{}: {} failed: {}",
                    server.describe(),
                    f.step.name(),
                    f.reason()
                );
                last = Some(f);
            }
        }
    }
    if args.host.is_none() && account.user.contains('@') {
        printer.say(&format!(
            "No {} server answers at {host}; looking it up for {} ...",
            to.name().to_ascii_uppercase(),
            account.user
        ));
        let found = crate::setup::discover::discover(
            &account.user,
            &Sources::default(),
            account.ca_file.as_deref(),
            step,
        )
        .await;
        if let Some((c, _)) = found.working().find(|(c, _)| c.server.protocol == to) {
            return Ok(c.server.clone());
        }
    }
    Err(match last {
        Some(f) if args.host.is_some() => f.error,
        _ => Error::Usage(format!(
            "no {} server found at {host}; give it with --host (and --port, --tls)",
            to.name().to_ascii_uppercase()
        )),
    })
}

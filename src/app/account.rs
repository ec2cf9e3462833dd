//! `mailx account add|remove|password|list|show|test`.

use std::io::{BufRead, IsTerminal};

use serde_json::json;

use super::{combine, config_path, load_config, pick};
use crate::cli::{AddArgs, Global};
use crate::config;
use crate::error::{Error, Result, exit};
use crate::output::Printer;
use crate::secret::{self, Password};
use crate::setup::add::{Ctx, describe_report, step_of};
use crate::setup::discover::Sources;
use crate::setup::{Server, config_file, login, probe};

pub(super) async fn add(global: &Global, printer: &Printer, args: &AddArgs) -> Result<i32> {
    let ctx = Ctx {
        path: config_path(global)?,
        timeout: global.timeout,
        printer,
        sources: Sources {
            autoconfig_base: args.autoconfig_url.clone(),
            dns_server: args.dns_server,
        },
    };
    crate::setup::add::run(ctx, (*args).clone()).await
}

pub(super) async fn remove(
    global: &Global,
    printer: &Printer,
    name: &str,
    yes: bool,
) -> Result<i32> {
    let config = load_config(global)?;
    let a = pick(&config, &[name.to_string()])?[0];
    if !yes {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Err(Error::Usage(format!(
                "no terminal to confirm on: run `mailx account remove {name} --yes`"
            )));
        }
        let prompt = format!(
            "Remove account {name} from {}? Its mail in {} stays where it is",
            config.path.display(),
            a.maildir.display()
        );
        let sure = dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(false)
            .interact()
            .unwrap_or(false);
        if !sure {
            printer.say("Nothing was changed.");
            return Ok(exit::USAGE);
        }
    }
    let text = std::fs::read_to_string(&config.path).map_err(|e| Error::io(&config.path, e))?;
    let after = config_file::without_account(&config.path, &text, name)?;
    config_file::write(&config.path, &after)?;
    if a.password_command.is_none() && a.password_env.is_none() {
        match secret::delete_from_keyring(name).await {
            Ok(true) => printer.say("Its password was removed from the OS keyring."),
            Ok(false) => {}
            Err(e) => printer.warning(&format!(
                "the OS keyring could not be reached ({e}); an entry for service \"mailx\", user \"{name}\" may remain there"
            )),
        }
    }
    printer.say(&format!(
        "Removed account {name} from {}; its mail in {} is untouched.",
        config.path.display(),
        a.maildir.display()
    ));
    Ok(exit::OK)
}

pub(super) async fn authorize(global: &Global, printer: &Printer, name: &str) -> Result<i32> {
    let config = load_config(global)?;
    let a = pick(&config, &[name.to_string()])?[0];
    let Some(client) = &a.oauth2 else {
        return Err(Error::Usage(format!(
            "account {name} has no oauth2_client_id: mailx signs in with OAuth2 itself only when the provider's client id, oauth2_auth_url, oauth2_token_url and oauth2_scope are set (see mailx.toml(5))"
        )));
    };
    crate::oauth2::authorize(a, client, printer, global.timeout).await?;
    let report =
        login::try_login(a, secret::resolve(a, global.timeout).await?, global.timeout).await?;
    printer.say(&describe_report(&report));
    Ok(exit::OK)
}

pub(super) async fn password(
    global: &Global,
    printer: &Printer,
    name: &str,
    no_test: bool,
) -> Result<i32> {
    let config = load_config(global)?;
    let a = pick(&config, &[name.to_string()])?[0];
    if a.oauth2.is_some() {
        return Err(Error::Usage(format!(
            "account {name} signs in with OAuth2: run `mailx account authorize {name}`"
        )));
    }
    if let Some(source) = a
        .password_command
        .as_ref()
        .map(|_| "password_command")
        .or(a.password_env.as_ref().map(|_| "password_env"))
    {
        return Err(Error::Usage(format!(
            "account {name} takes its password from `{source}`, so the keyring would not be read; remove that key first to use the keyring"
        )));
    }
    let typed = if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        let prompt = format!("Password for {name} ({})", a.user);
        dialoguer::Password::new()
            .with_prompt(prompt)
            .interact()
            .map_err(|e| Error::Usage(format!("no password typed ({e})")))?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::io("<stdin>", e))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if typed.is_empty() {
        return Err(Error::NoPassword {
            account: name.to_string(),
            detail: "an empty password was given".into(),
        });
    }
    let password = Password::new(typed);
    if !no_test {
        let report = login::try_login(a, password.clone(), global.timeout).await?;
        printer.say(&describe_report(&report));
    }
    secret::store_in_keyring(name, &password).await?;
    printer.say(&format!(
        "Stored in the OS keyring (service \"mailx\", user \"{name}\")."
    ));
    Ok(exit::OK)
}

pub(super) fn list(global: &Global, printer: &Printer) -> Result<i32> {
    let config = load_config(global)?;
    for a in config.accounts.values() {
        if printer.json {
            printer.json_line(&json!({"account": a.name, "protocol": a.protocol.name(), "host": a.host, "port": a.port, "user": a.user, "maildir": a.maildir}));
        } else {
            printer.line(&format!(
                "{}\t{}://{}@{}:{}\t{}",
                a.name,
                a.protocol.name(),
                a.user,
                a.host,
                a.port,
                a.maildir.display()
            ));
        }
    }
    Ok(exit::OK)
}

pub(super) fn show(global: &Global, printer: &Printer, name: &str) -> Result<i32> {
    let config = load_config(global)?;
    let a = pick(&config, &[name.to_string()])?[0];
    let password = match (&a.password_command, &a.password_env) {
        // Only the program: some put the password itself in the command (`echo ...`).
        (Some(c), _) => match c.split_once(char::is_whitespace) {
            Some((program, _)) => format!("from command `{program} ...`"),
            None => format!("from command `{c}`"),
        },
        (_, Some(v)) => format!("from environment variable {v}"),
        _ => format!(
            "from the OS keyring (service \"mailx\", user \"{}\")",
            a.name
        ),
    };
    let tls = match a.tls {
        config::TlsMode::Implicit => "implicit TLS",
        config::TlsMode::Starttls => "STARTTLS",
        config::TlsMode::None => "none (plaintext allowed)",
    };
    if printer.json {
        printer.json_line(&json!({
            "account": a.name, "protocol": a.protocol.name(), "host": a.host, "port": a.port,
            "tls": tls, "user": a.user, "password_source": password, "maildir": a.maildir,
            "retention": a.retention_words(), "folders": a.folders,
        }));
    } else {
        for (k, v) in [
            ("account", a.name.clone()),
            ("protocol", a.protocol.name().to_string()),
            ("server", format!("{}:{} ({tls})", a.host, a.port)),
            ("user", a.user.clone()),
            ("password", password),
            ("maildir", a.maildir.display().to_string()),
            ("retention", a.retention_words()),
            ("folders", a.folders.join(", ")),
        ] {
            printer.line(&format!("{k:>10}: {v}"));
        }
    }
    Ok(exit::OK)
}

pub(super) async fn test(global: &Global, printer: &Printer, names: &[String]) -> Result<i32> {
    let config = load_config(global)?;
    let accounts = pick(&config, names)?;
    let mut codes = Vec::new();
    for a in accounts {
        let mut steps: Vec<(String, String)> = Vec::new();
        let result = test_steps(a, global.timeout, &mut steps).await;
        if printer.json {
            let steps: Vec<_> = steps
                .iter()
                .map(|(s, d)| json!({"step": s, "ok": true, "detail": d}))
                .collect();
            let mut obj = json!({"account": a.name, "ok": result.is_ok(), "steps": steps});
            if let Err((step, e)) = &result {
                obj["failed_step"] = json!(step.name());
                obj["error"] = json!(e.to_string());
            }
            printer.json_line(&obj);
        } else if !printer.quiet {
            printer.line(&format!("{} ({}:{})", a.name, a.host, a.port));
            for (s, d) in &steps {
                printer.line(&format!("  {s:<9} ok  {d}"));
            }
            if let Err((step, _)) = &result {
                printer.line(&format!("  {:<9} FAILED", step.name()));
            }
        }
        match result {
            Ok(()) => codes.push(exit::OK),
            Err((_, e)) => {
                printer.error(&e);
                codes.push(e.exit_code());
            }
        }
    }
    Ok(combine(&codes))
}

/// Each step of reaching and using an account's server, as (step, what it showed); the
/// first that fails ends it.
async fn test_steps(
    a: &config::Account,
    timeout: u64,
    steps: &mut Vec<(String, String)>,
) -> std::result::Result<(), (probe::Step, Error)> {
    let server = Server {
        protocol: a.protocol,
        host: a.host.clone(),
        port: a.port,
        tls: a.tls,
    };
    let step_timeout = std::time::Duration::from_secs(timeout.max(1));
    let found = probe::probe(&server, a.ca_file.as_deref(), step_timeout)
        .await
        .map_err(|f| (f.step, f.error))?;
    steps.push(("DNS".into(), a.host.clone()));
    steps.push(("connect".into(), format!("port {}", a.port)));
    steps.push((
        "TLS".into(),
        match a.tls {
            config::TlsMode::Implicit => "implicit, certificate verified".into(),
            config::TlsMode::Starttls => "STARTTLS, certificate verified".into(),
            config::TlsMode::None => "none (allow_plaintext)".into(),
        },
    ));
    steps.push(("greeting".into(), found.greeting.clone()));
    let password = secret::resolve(a, timeout)
        .await
        .map_err(|e| (probe::Step::Login, e))?;
    let report = login::try_login(a, password, timeout)
        .await
        .map_err(|e| (step_of(&e), e))?;
    steps.push(("login".into(), format!("as {}", a.user)));
    let layout = match &report.prefix {
        Some((p, d)) => format!(
            " (prefix {:?}, separator {})",
            p,
            d.map(|c| format!("{c:?}")).unwrap_or_else(|| "none".into())
        ),
        None => String::new(),
    };
    steps.push((
        "folders".into(),
        format!("{}{layout}", report.folders.len()),
    ));
    steps.push(("messages".into(), format!("{} in INBOX", report.messages)));
    Ok(())
}

//! `mailx account list|show|test`.

use serde_json::json;

use super::{combine, load_config, pick};
use crate::cli::Global;
use crate::config;
use crate::error::{Result, exit};
use crate::output::Printer;
use crate::remote::{Remote, connect};

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
        let result = async { connect(a, global.timeout).await?.finish().await }.await;
        match &result {
            Ok(()) => {
                if printer.json {
                    printer.json_line(&json!({"account": a.name, "ok": true}));
                } else if !printer.quiet {
                    printer.line(&format!("{}: login ok", a.name));
                }
                codes.push(exit::OK);
            }
            Err(e) => {
                printer.error(e);
                if printer.json {
                    printer.json_line(
                        &json!({"account": a.name, "ok": false, "error": e.to_string()}),
                    );
                }
                codes.push(e.exit_code());
            }
        }
    }
    Ok(combine(&codes))
}

//! The interactive `mailx account add`: questions in plain words for someone who does not
//! know what IMAP, port 995 or "INBOX." mean. Every answer can be checked before the next
//! question (the server is probed, the login tested), and nothing is written until the
//! user has seen the result.

use std::path::PathBuf;

use dialoguer::{Confirm, Input, MultiSelect, Select};

use super::Server;
use super::add::{Ctx, POP3_TRAP, describe_report, parse_protocol, parse_tls, step_of};
use super::config_file::{NewAccount, PasswordSource};
use super::discover::Origin;
use super::login::Report;
use super::probe;
use crate::cli::AddArgs;
use crate::config::{Account, Auth, OAuth2, Protocol, TlsMode};
use crate::error::{Error, Result, exit};
use crate::secret::{self, Password};

/// A prompt's answer; Esc or end of input ends the wizard, writing nothing.
fn answered<T>(r: dialoguer::Result<T>) -> Result<T> {
    r.map_err(|e| Error::Usage(format!("setup ended without writing anything ({e})")))
}

/// Runs a blocking prompt (the wizard waits for it; nothing else runs meanwhile).
fn ask<T>(prompt: impl FnOnce() -> dialoguer::Result<T>) -> Result<T> {
    answered(prompt())
}

fn input(prompt: &str, default: Option<&str>) -> Result<String> {
    ask(|| {
        let mut i = Input::<String>::new().with_prompt(prompt);
        if let Some(d) = default {
            i = i.default(d.to_string());
        }
        i.interact_text()
    })
    .map(|s| s.trim().to_string())
}

fn select(prompt: &str, items: &[&str], default: usize) -> Result<usize> {
    ask(|| {
        Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact()
    })
}

fn confirm(prompt: &str, default: bool) -> Result<bool> {
    ask(|| {
        Confirm::new()
            .with_prompt(prompt)
            .default(default)
            .interact()
    })
}

/// What the user settled on for the server, with what the probe found.
struct Chosen {
    server: Server,
    /// The server (or its provider) wants OAuth2: the mechanism.
    oauth: Option<Auth>,
    user: Option<String>,
    ca_file: Option<PathBuf>,
}

pub async fn run(ctx: &Ctx<'_>, args: &AddArgs) -> Result<i32> {
    let say = |t: &str| ctx.printer.say(t);
    say("Let's set up a mail account. Nothing is written until you have seen the result.\n");
    let email = match (&args.email, &args.host) {
        (Some(e), _) => e.clone(),
        // The server is given: the address would only have found it.
        (None, Some(_)) => String::new(),
        (None, None) => loop {
            let e = input("Your email address", None)?;
            if e.contains('@') && !e.starts_with('@') && !e.ends_with('@') {
                break e;
            }
            say("That does not look like an email address (name@example.org).");
        },
    };
    let mut chosen = match &args.host {
        Some(host) => given_server(ctx, args, host).await?,
        None => find_server(ctx, &email, args.ca_file.clone()).await?,
    };
    let (keep, delete_after_days) = match (chosen.server.protocol, args.keep) {
        (Protocol::Imap, _) => (true, None),
        (Protocol::Pop3, Some(keep)) => (keep, args.delete_after_days),
        (Protocol::Pop3, None) => pop3_retention(ctx)?,
    };
    let name = account_name(ctx, &email, args.name.as_deref())?;
    let maildir = match &args.maildir {
        Some(m) => m.clone(),
        None => input(
            "Where should the mail be stored on this computer",
            Some(&format!("~/Mail/{name}")),
        )?,
    };
    let mut user = match &args.user {
        Some(u) => u.clone(),
        None => {
            let default = chosen.user.clone().unwrap_or_else(|| email.clone());
            input(
                "Login name",
                (!default.is_empty()).then_some(default.as_str()),
            )?
        }
    };
    let mut new = NewAccount {
        name: name.clone(),
        protocol: chosen.server.protocol,
        host: chosen.server.host.clone(),
        port: chosen.server.port,
        tls: chosen.server.tls,
        allow_plaintext: false,
        ca_file: chosen.ca_file.clone(),
        user: user.clone(),
        password: PasswordSource::Keyring,
        auth: chosen.oauth.unwrap_or_default(),
        oauth2: None,
        maildir,
        keep,
        delete_after_days,
        folders: None,
    };
    // A Maildir another account uses (or one inside it) is asked again, now.
    while let Err(e) = ctx.prepare(&new) {
        match e {
            Error::Config { message, .. } if message.contains("share a Maildir") => {
                say(&message);
                new.maildir = input("Where should the mail be stored on this computer", None)?;
            }
            e => return Err(e),
        }
    }
    let (mut password_source, mut typed) =
        if chosen.oauth.is_some() && args.password_command.is_none() {
            let (source, client) = oauth_choice(ctx, &user).await?;
            new.oauth2 = client;
            if let Some(client) = &new.oauth2 {
                let (_, account) = ctx.prepare(&new)?;
                crate::oauth2::authorize(&account, client, ctx.printer, ctx.timeout).await?;
            }
            (source, None)
        } else if let Some(c) = &args.password_command {
            (PasswordSource::Command(c.clone()), None)
        } else if let Some(v) = &args.password_env {
            (PasswordSource::Env(v.clone()), None)
        } else if args.password_stdin {
            (PasswordSource::Keyring, Some(type_password(&name)?))
        } else {
            password_choice(ctx, &name).await?
        };
    let report = loop {
        new.password = password_source.clone();
        new.user = user.clone();
        new.protocol = chosen.server.protocol;
        new.host = chosen.server.host.clone();
        new.port = chosen.server.port;
        new.tls = chosen.server.tls;
        new.ca_file = chosen.ca_file.clone();
        new.auth = chosen.oauth.unwrap_or_default();
        let (_, account) = ctx.prepare(&new)?;
        say(&format!("Logging in to {} ...", chosen.server.describe()));
        match login_once(ctx, &account, typed.as_ref()).await {
            Ok(report) => {
                say(&describe_report(&report));
                break report;
            }
            Err(e) => {
                say(&format!(
                    "The login failed at the {} step: {e}",
                    step_of(&e).name()
                ));
                match select(
                    "What now?",
                    &[
                        "Type the password again",
                        "Change the login name",
                        "Change the server settings",
                        "Choose another password source",
                        "Give up (nothing is written)",
                    ],
                    0,
                )? {
                    0 => match (&new.oauth2, &password_source) {
                        (Some(client), _) => {
                            let (_, account) = ctx.prepare(&new)?;
                            crate::oauth2::authorize(&account, client, ctx.printer, ctx.timeout)
                                .await?;
                        }
                        (None, PasswordSource::Keyring) => typed = Some(type_password(&name)?),
                        (None, _) => {}
                    },
                    1 => user = input("Login name", Some(&user))?,
                    2 => chosen = manual_server(ctx, Some(&chosen)).await?,
                    3 => (password_source, typed) = password_choice(ctx, &name).await?,
                    _ => return Ok(exit::AUTH),
                }
            }
        }
    };
    let mut sync = false;
    if chosen.server.protocol == Protocol::Imap {
        new.folders = match &args.folders {
            Some(f) => Some(f.clone()),
            None => choose_folders(ctx, &report)?,
        };
        sync = select(
            "How should mailx treat the server?",
            &[
                "Download new mail to this computer, change nothing on the server (mailx fetch)",
                "Keep both sides the same: read/unread, deletions and folders travel both ways (mailx sync)",
            ],
            0,
        )? == 1;
    }
    let (text, _) = ctx.prepare(&new)?;
    say(&format!(
        "\nThis will be added to {}:\n\n{}",
        ctx.path.display(),
        super::config_file::render(&new)
    ));
    if !confirm("Write it?", true)? {
        say("Nothing was written.");
        return Ok(exit::USAGE);
    }
    ctx.commit(&new, &text, typed.as_ref(), true).await?;
    if sync {
        say(&format!("To sync now: mailx sync {name}"));
    }
    Ok(exit::OK)
}

async fn login_once(ctx: &Ctx<'_>, account: &Account, typed: Option<&Password>) -> Result<Report> {
    let password = match typed {
        Some(p) => p.clone(),
        None => secret::resolve(account, ctx.timeout).await?,
    };
    super::login::try_login(account, password, ctx.timeout).await
}

/// Discovery, then the user's choice among what answered; by hand when nothing did.
async fn find_server(ctx: &Ctx<'_>, email: &str, mut ca_file: Option<PathBuf>) -> Result<Chosen> {
    let say = |t: &str| ctx.printer.say(t);
    loop {
        let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or(email);
        say(&format!("Looking up the mail servers of {domain} ..."));
        let found = ctx.discover(email, ca_file.as_deref()).await;
        let mut untrusted = false;
        for (c, f) in found.failed() {
            untrusted |= f.untrusted_certificate();
            say(&format!(
                "  not usable: {} ({}): {} failed: {}",
                c.server.describe(),
                c.origin.name(),
                f.step.name(),
                f.reason()
            ));
        }
        let working: Vec<_> = found.working().collect();
        for (c, f) in &working {
            say(&format!(
                "  found: {} ({}){}",
                c.server.describe(),
                c.origin.name(),
                if f.oauth_login(c.oauth).is_some() {
                    ", signs in with OAuth2"
                } else {
                    ""
                }
            ));
        }
        let usable = working;
        if usable.is_empty() {
            if untrusted
                && confirm(
                    "A server's certificate is not trusted. Do you have its certificate (a PEM file) to trust?",
                    false,
                )?
            {
                ca_file = Some(PathBuf::from(input("Path of the certificate file", None)?));
                continue;
            }
            say(
                "No server found automatically; please enter it by hand (your provider's help pages name it).",
            );
            return manual_server(ctx, None).await;
        }
        let has = |p| usable.iter().find(|(c, _)| c.server.protocol == p);
        let pick = match (has(Protocol::Imap), has(Protocol::Pop3)) {
            (Some(imap), Some(pop)) => {
                say("\nThis provider offers two ways to get your mail:");
                let i = select(
                    "How do you read your mail?",
                    &[
                        "On several devices (phone, webmail, computers): keep it on the server (IMAP, recommended)",
                        "Only on this computer, with little space on the server: download it (POP3)",
                        "Enter the server settings by hand",
                    ],
                    0,
                )?;
                match i {
                    0 => imap,
                    1 => pop,
                    _ => return manual_server(ctx, None).await,
                }
            }
            (Some(one), None) | (None, Some(one)) => {
                let what = match one.0.server.protocol {
                    Protocol::Imap => "IMAP: mail stays on the server and is copied here",
                    Protocol::Pop3 => "POP3: mail is downloaded to this computer",
                };
                say(&format!("This provider offers {what}."));
                one
            }
            (None, None) => return manual_server(ctx, None).await,
        };
        let (c, f) = pick;
        if c.origin == Origin::Guess {
            say("(found by trying common server names: check with your provider if in doubt)");
        }
        return Ok(Chosen {
            server: c.server.clone(),
            oauth: f.oauth_login(c.oauth),
            user: c.user.clone(),
            ca_file,
        });
    }
}

/// The server the flags name, probed; asked again by hand when it does not answer.
async fn given_server(ctx: &Ctx<'_>, args: &AddArgs, host: &str) -> Result<Chosen> {
    let protocol = parse_protocol(args.protocol.as_deref()).unwrap_or(Protocol::Imap);
    // Unencrypted only by the flags' form, which demands --allow-plaintext.
    let tls = match parse_tls(args.tls.as_deref()) {
        Some(TlsMode::Starttls) => TlsMode::Starttls,
        _ => TlsMode::Implicit,
    };
    let server = Server {
        protocol,
        host: host.to_string(),
        port: args
            .port
            .unwrap_or(crate::config::default_port(protocol, tls)),
        tls,
    };
    let mut chosen = Chosen {
        server,
        oauth: None,
        user: None,
        ca_file: args.ca_file.clone(),
    };
    ctx.printer
        .say(&format!("Checking {} ...", chosen.server.describe()));
    match probe::probe(&chosen.server, args.ca_file.as_deref(), ctx.step_timeout()).await {
        Ok(found) => {
            chosen.oauth = found.oauth_login(false);
            Ok(chosen)
        }
        Err(f) => {
            ctx.printer
                .say(&format!("  {} failed: {}", f.step.name(), f.reason()));
            manual_server(ctx, Some(&chosen)).await
        }
    }
}

/// Protocol, host, TLS and port typed by the user, probed until one answers.
async fn manual_server(ctx: &Ctx<'_>, before: Option<&Chosen>) -> Result<Chosen> {
    let say = |t: &str| ctx.printer.say(t);
    let mut ca_file = before.and_then(|b| b.ca_file.clone());
    loop {
        let protocol = match select(
            "Protocol",
            &[
                "IMAP (mail stays on the server)",
                "POP3 (mail is downloaded)",
            ],
            usize::from(before.is_some_and(|b| b.server.protocol == Protocol::Pop3)),
        )? {
            0 => Protocol::Imap,
            _ => Protocol::Pop3,
        };
        let host = input("Server name", before.map(|b| b.server.host.as_str()))?;
        let tls = match select(
            "Encryption",
            &[
                "TLS from the start (ports 993/995, recommended)",
                "STARTTLS (ports 143/110)",
            ],
            usize::from(before.is_some_and(|b| b.server.tls == TlsMode::Starttls)),
        )? {
            0 => TlsMode::Implicit,
            _ => TlsMode::Starttls,
        };
        let port = input(
            "Port",
            Some(&crate::config::default_port(protocol, tls).to_string()),
        )?;
        let Ok(port) = port.parse::<u16>() else {
            say("A port is a number between 1 and 65535.");
            continue;
        };
        let server = Server {
            protocol,
            host,
            port,
            tls,
        };
        say(&format!("Checking {} ...", server.describe()));
        match probe::probe(&server, ca_file.as_deref(), ctx.step_timeout()).await {
            Ok(found) => {
                return Ok(Chosen {
                    server,
                    oauth: found.oauth_login(false),
                    user: None,
                    ca_file,
                });
            }
            Err(f) => {
                say(&format!("  {} failed: {}", f.step.name(), f.reason()));
                if f.untrusted_certificate()
                    && confirm(
                        "Do you have the server's certificate (a PEM file) to trust?",
                        false,
                    )?
                {
                    ca_file = Some(PathBuf::from(input("Path of the certificate file", None)?));
                }
            }
        }
    }
}

/// POP3's choices: keep a copy on the server (and for how long), or delete after download.
fn pop3_retention(ctx: &Ctx<'_>) -> Result<(bool, Option<u32>)> {
    if confirm(
        "Leave a copy of each message on the server (so that webmail and phones still see it)?",
        true,
    )? {
        loop {
            let days = input(
                "Delete those copies from the server after how many days? (empty: never)",
                Some(""),
            )?;
            if days.is_empty() {
                return Ok((true, None));
            }
            match days.parse::<u32>() {
                Ok(d) if d > 0 => return Ok((true, Some(d))),
                _ => ctx.printer.say("A number of days, like 30, or empty."),
            }
        }
    }
    ctx.printer.say(POP3_TRAP);
    Ok((
        !confirm("Delete mail from the server once it is downloaded?", false)?,
        None,
    ))
}

fn account_name(ctx: &Ctx<'_>, email: &str, given: Option<&str>) -> Result<String> {
    let taken = |n: &str| {
        crate::config::parse(&ctx.path, &ctx.existing().unwrap_or_default())
            .map(|c| c.accounts.contains_key(n))
            .unwrap_or(false)
    };
    let valid = crate::config::valid_account_name;
    if let Some(n) = given.filter(|n| valid(n) && !taken(n)) {
        return Ok(n.to_string());
    }
    let local = email.split('@').next().unwrap_or("mail");
    let suggestion = given.map(str::to_string).unwrap_or_else(|| {
        let clean: String = local
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if clean.is_empty() || taken(&clean) {
            email.to_string()
        } else {
            clean
        }
    });
    loop {
        let n = input(
            "A short name for this account (used in commands like `mailx fetch NAME`)",
            Some(&suggestion),
        )?;
        if !valid(&n) {
            ctx.printer
                .say("Use letters, digits, '-', '_', '.', '@' (not starting with '.').");
        } else if taken(&n) {
            ctx.printer
                .say(&format!("There is already an account named {n:?}."));
        } else {
            return Ok(n);
        }
    }
}

fn type_password(name: &str) -> Result<Password> {
    ask(|| {
        dialoguer::Password::new()
            .with_prompt(format!("Password for {name}"))
            .interact()
    })
    .map(Password::new)
}

/// Where the password will come from, and the password itself when typed.
async fn password_choice(ctx: &Ctx<'_>, name: &str) -> Result<(PasswordSource, Option<Password>)> {
    let say = |t: &str| ctx.printer.say(t);
    let keyring = secret::keyring_reachable().await;
    let mut items = Vec::new();
    if keyring.is_ok() {
        items.push("Type it now; mailx keeps it in the system's keyring (recommended)");
    } else if let Err(why) = &keyring {
        say(&format!(
            "No system keyring is reachable here ({why}); this is usual on servers and over ssh. mailx can run a command that prints the password, or read it from an environment variable."
        ));
    }
    items.push("Run a command that prints it (pass, gopass, secret-tool, ...)");
    items.push("Read it from an environment variable");
    let i = select("Where should mailx get the password from?", &items, 0)?;
    let choice = items[i];
    if choice.starts_with("Type") {
        return Ok((PasswordSource::Keyring, Some(type_password(name)?)));
    }
    if choice.starts_with("Run") {
        let c = input("Command", Some(&format!("pass show mail/{name}")))?;
        return Ok((PasswordSource::Command(c), None));
    }
    let v = input(
        "Variable name",
        Some(&format!(
            "MAILX_PASSWORD_{}",
            name.to_ascii_uppercase().replace(['.', '@', '-'], "_")
        )),
    )?;
    Ok((PasswordSource::Env(v), None))
}

/// Where OAuth2 access tokens come from: a command (oama, pizauth), or mailx's own sign-in
/// with the provider's client (returned, to be written into the account).
async fn oauth_choice(ctx: &Ctx<'_>, user: &str) -> Result<(PasswordSource, Option<OAuth2>)> {
    let say = |t: &str| ctx.printer.say(t);
    say(
        "This provider signs you in with OAuth2 (a login page in a browser) instead of a password.",
    );
    let own = match secret::keyring_reachable().await {
        Ok(()) => true,
        Err(why) => {
            say(&format!(
                "No system keyring is reachable here ({why}), so mailx cannot keep sign-in tokens itself: use a command that prints an access token."
            ));
            false
        }
    };
    let mut items = vec!["A command prints the access token (oama, pizauth, ...)"];
    if own {
        items
            .push("mailx signs in itself (you need the provider's OAuth2 client id and addresses)");
    }
    if select("How should mailx get its access tokens?", &items, 0)? == 0 {
        let c = input("Command", Some(&format!("oama access {user}")))?;
        return Ok((PasswordSource::Command(c), None));
    }
    let client_id = input("OAuth2 client id", None)?;
    let secret = input("Client secret (empty if the provider gave none)", Some(""))?;
    let auth_url = input("Authorization address (https://...)", None)?;
    let token_url = input("Token address (https://...)", None)?;
    let scope = input("Scopes (space-separated)", None)?;
    Ok((
        PasswordSource::Keyring,
        Some(OAuth2 {
            client_id,
            client_secret: (!secret.is_empty()).then_some(secret),
            auth_url,
            token_url,
            scope,
        }),
    ))
}

/// IMAP folders to take: None is the default (INBOX only).
fn choose_folders(ctx: &Ctx<'_>, report: &Report) -> Result<Option<Vec<String>>> {
    let say = |t: &str| ctx.printer.say(t);
    if let Some((prefix, delimiter)) = &report.prefix {
        let d = delimiter
            .map(|c| format!("\"{c}\""))
            .unwrap_or_else(|| "none".into());
        if prefix.is_empty() {
            say(&format!(
                "The server keeps folders at the top level, {d} between levels."
            ));
        } else {
            say(&format!(
                "The server keeps all folders under \"{prefix}\" ({d} between levels); locally they will be plain names (\"{prefix}Sent\" becomes \"Sent\")."
            ));
        }
    }
    let shown: Vec<&str> = report.folders.iter().map(String::as_str).collect();
    say(&format!("Folders on the server: {}", shown.join(", ")));
    Ok(
        match select(
            "Which folders?",
            &["Only INBOX", "All folders", "Let me choose"],
            0,
        )? {
            0 => None,
            1 => Some(vec!["*".to_string()]),
            _ => {
                let picked = ask(|| {
                    MultiSelect::new()
                        .with_prompt("Space to pick, Enter when done")
                        .items(&shown)
                        .interact()
                })?;
                let names: Vec<String> = picked
                    .into_iter()
                    .filter_map(|i| report.folders.get(i).cloned())
                    .collect();
                (!names.is_empty()).then_some(names)
            }
        },
    )
}

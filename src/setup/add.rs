//! `mailx account add`: the steps the wizard and the flags share — choose a server from
//! discovery, build the account's table, test the login, store the password, write.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

use super::config_file::{self, NewAccount, PasswordSource};
use super::discover::{self, Discovery, Sources};
use super::login::{self, Report};
use super::probe::{self, Step};
use super::{Server, wizard};
use crate::cli::AddArgs;
use crate::config::{Account, Auth, OAuth2, Protocol, TlsMode};
use crate::error::{Error, Result, exit};
use crate::output::Printer;
use crate::secret::{self, Password};

pub struct Ctx<'a> {
    pub path: PathBuf,
    pub timeout: u64,
    pub printer: &'a Printer,
    pub sources: Sources,
}

impl Ctx<'_> {
    pub fn step_timeout(&self) -> Duration {
        Duration::from_secs(self.timeout.clamp(1, 30))
    }

    /// The config file's text, empty when there is none yet.
    pub fn existing(&self) -> Result<String> {
        match std::fs::read_to_string(&self.path) {
            Ok(t) => Ok(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }

    /// The file's text with `new` appended, and the account as every later run will read
    /// it: any refusal (a duplicate name, a shared Maildir, a bad value) comes from the
    /// config's own checks.
    pub fn prepare(&self, new: &NewAccount) -> Result<(String, Account)> {
        let existing = self.existing()?;
        let block = config_file::render(new);
        let (text, config) = config_file::with_account(&self.path, &existing, &new.name, &block)?;
        let account =
            config.accounts.get(&new.name).cloned().ok_or_else(|| {
                Error::Internal("the new account vanished from the config".into())
            })?;
        Ok((text, account))
    }

    pub async fn discover(&self, email: &str, ca_file: Option<&std::path::Path>) -> Discovery {
        discover::discover(email, &self.sources, ca_file, self.step_timeout()).await
    }

    /// Stores a typed password in the keyring (when that is its source), then writes the
    /// file, then says what was written and what to run next.
    /// `shown`: the user has seen the block already (the wizard's preview).
    pub async fn commit(
        &self,
        new: &NewAccount,
        text: &str,
        typed: Option<&Password>,
        shown: bool,
    ) -> Result<()> {
        if new.password == PasswordSource::Keyring && new.oauth2.is_none() {
            match typed {
                Some(p) => secret::store_in_keyring(&new.name, p).await?,
                None => self.printer.warning(&format!(
                    "no password stored; run `mailx account password {}` before the first fetch",
                    new.name
                )),
            }
        }
        config_file::write(&self.path, text)?;
        if shown {
            self.printer
                .say(&format!("Added to {}.", self.path.display()));
        } else {
            self.printer
                .say(&format!("Added to {}:", self.path.display()));
            self.printer.line(&config_file::render(new));
        }
        let next = if new.protocol == Protocol::Imap {
            format!(
                "mailx fetch {0}    (download new mail)  or  mailx sync {0}    (two-way sync)",
                new.name
            )
        } else {
            format!("mailx fetch {}", new.name)
        };
        self.printer.say(&format!("Next: {next}"));
        Ok(())
    }
}

pub async fn run(ctx: Ctx<'_>, args: AddArgs) -> Result<i32> {
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let password_given = args.password_command.is_some()
        || args.password_env.is_some()
        || args.password_stdin
        || args.oauth2_client_id.is_some();
    let located = args.email.is_some() || args.host.is_some();
    // On a terminal, the wizard asks whatever the flags leave open.
    if terminal && !(args.name.is_some() && located && password_given) {
        return wizard::run(&ctx, &args).await;
    }
    if !located {
        return Err(Error::Usage(
            "no terminal to ask on: give the settings as flags, at least NAME and --email (or --host, --protocol and --user) and a password source".into(),
        ));
    }
    non_interactive(&ctx, args).await
}

pub(super) fn parse_tls(s: Option<&str>) -> Option<TlsMode> {
    match s? {
        "implicit" => Some(TlsMode::Implicit),
        "starttls" => Some(TlsMode::Starttls),
        "none" => Some(TlsMode::None),
        _ => None,
    }
}

pub(super) fn parse_auth(s: Option<&str>) -> Option<Auth> {
    match s? {
        "password" => Some(Auth::Password),
        "xoauth2" => Some(Auth::XOAuth2),
        "oauthbearer" => Some(Auth::OAuthBearer),
        _ => None,
    }
}

pub(super) fn parse_protocol(s: Option<&str>) -> Option<Protocol> {
    match s? {
        "imap" => Some(Protocol::Imap),
        "pop3" => Some(Protocol::Pop3),
        _ => None,
    }
}

async fn non_interactive(ctx: &Ctx<'_>, args: AddArgs) -> Result<i32> {
    let name = args.name.clone().ok_or_else(|| {
        Error::Usage("name the account: mailx account add NAME --email ADDRESS ...".into())
    })?;
    let password = if let Some(c) = &args.password_command {
        PasswordSource::Command(c.clone())
    } else if let Some(v) = &args.password_env {
        PasswordSource::Env(v.clone())
    } else if args.password_stdin || args.oauth2_client_id.is_some() {
        PasswordSource::Keyring
    } else {
        return Err(Error::Usage(
            "say where the password comes from: --password-command, --password-env, or --password-stdin (stored in the OS keyring)".into(),
        ));
    };
    let oauth2 = match &args.oauth2_client_id {
        None => None,
        Some(id) => {
            let need = |v: &Option<String>, flag: &str| {
                v.clone()
                    .ok_or_else(|| Error::Usage(format!("--oauth2-client-id needs {flag} as well")))
            };
            Some(OAuth2 {
                client_id: id.clone(),
                client_secret: None,
                auth_url: need(&args.oauth2_auth_url, "--oauth2-auth-url")?,
                token_url: need(&args.oauth2_token_url, "--oauth2-token-url")?,
                scope: need(&args.oauth2_scope, "--oauth2-scope")?,
            })
        }
    };
    let typed = if args.password_stdin {
        Some(read_stdin_password(&name)?)
    } else {
        None
    };
    let wanted = parse_protocol(args.protocol.as_deref());
    let (server, user_hint, oauth) = match &args.host {
        Some(host) => {
            let protocol = wanted.unwrap_or(Protocol::Imap);
            let tls = parse_tls(args.tls.as_deref()).unwrap_or(TlsMode::Implicit);
            let server = Server {
                protocol,
                host: host.clone(),
                port: args
                    .port
                    .unwrap_or(crate::config::default_port(protocol, tls)),
                tls,
            };
            (server, None, None)
        }
        None => {
            let email = args.email.as_deref().unwrap_or_default();
            ctx.printer
                .say(&format!("Looking up the mail servers of {email} ..."));
            let found = ctx.discover(email, args.ca_file.as_deref()).await;
            pick_discovered(ctx, &found, wanted)?
        }
    };
    let auth = match (parse_auth(args.auth.as_deref()), oauth) {
        (Some(Auth::Password), _) if oauth2.is_some() => {
            return Err(Error::Usage(
                "--oauth2-client-id signs in with a token: --auth xoauth2 or oauthbearer".into(),
            ));
        }
        (Some(a), _) => a,
        (None, wanted) if oauth2.is_some() => wanted.unwrap_or(Auth::OAuthBearer),
        (None, Some(wanted)) => {
            return Err(Error::Usage(format!(
                "this provider wants OAuth2 sign-in: give --auth {} and a --password-command that prints an access token (oama, pizauth); or set up mailx's own sign-in in the wizard",
                wanted.name()
            )));
        }
        (None, None) => Auth::Password,
    };
    if server.tls == TlsMode::None && !args.allow_plaintext {
        return Err(Error::Usage(
            "--tls none sends the password unencrypted: add --allow-plaintext if that is really wanted".into(),
        ));
    }
    let protocol = server.protocol;
    let new = NewAccount {
        name: name.clone(),
        protocol,
        host: server.host.clone(),
        port: server.port,
        tls: server.tls,
        allow_plaintext: args.allow_plaintext,
        ca_file: args.ca_file.clone(),
        user: args
            .user
            .clone()
            .or(user_hint)
            .or_else(|| args.email.clone())
            .ok_or_else(|| Error::Usage("give the login name with --user".into()))?,
        password,
        auth,
        oauth2,
        maildir: args
            .maildir
            .clone()
            .unwrap_or_else(|| format!("~/Mail/{name}")),
        keep: args.keep.unwrap_or(true),
        delete_after_days: args.delete_after_days,
        folders: match (protocol, &args.folders) {
            (Protocol::Imap, Some(f)) => Some(f.clone()),
            _ => None,
        },
    };
    let (text, account) = ctx.prepare(&new)?;
    if !args.no_test {
        let step_timeout = ctx.step_timeout();
        probe::probe(&server, args.ca_file.as_deref(), step_timeout)
            .await
            .map_err(|f| f.error)?;
        if let Some(client) = &new.oauth2 {
            crate::oauth2::authorize(&account, client, ctx.printer, ctx.timeout).await?;
        }
        let password = match &typed {
            Some(p) => p.clone(),
            None => secret::resolve(&account, ctx.timeout).await?,
        };
        let report = login::try_login(&account, password, ctx.timeout).await?;
        ctx.printer.say(&describe_report(&report));
    }
    if !new.keep {
        ctx.printer.say(POP3_TRAP);
    }
    ctx.commit(&new, &text, typed.as_ref(), false).await?;
    if args.no_test && new.oauth2.is_some() {
        ctx.printer.say(&format!(
            "Not signed in yet: run `mailx account authorize {name}`"
        ));
    }
    Ok(exit::OK)
}

/// The warning for POP3 with deletion: the classic way to lose mail on other devices.
pub const POP3_TRAP: &str = "Note: mail this account downloads is deleted from the server. Phones, webmail and other computers that read the same mailbox will no longer see it.";

/// The first working server of discovery (of the wanted protocol), the login name its
/// provider documents, and the OAuth2 mechanism when it wants OAuth2.
fn pick_discovered(
    ctx: &Ctx<'_>,
    found: &Discovery,
    wanted: Option<Protocol>,
) -> Result<(Server, Option<String>, Option<Auth>)> {
    for line in &found.log {
        tracing::info!("{line}");
    }
    for (c, f) in found.failed() {
        ctx.printer.say(&format!(
            "  {} ({}): {} failed: {}",
            c.server.describe(),
            c.origin.name(),
            f.step.name(),
            f.reason()
        ));
    }
    let mut working = found
        .working()
        .filter(|(c, _)| wanted.is_none_or(|p| c.server.protocol == p));
    let Some((c, probed)) = working.next() else {
        let untrusted = found.failed().any(|(_, f)| f.untrusted_certificate());
        return Err(Error::Tls {
            context: "discovery".into(),
            detail: if untrusted {
                "the servers found have certificates that are not trusted (above); give --ca-file to trust one, or --host".into()
            } else {
                "no working mail server found (above); give --host, --port and --tls".into()
            },
        });
    };
    ctx.printer.say(&format!(
        "Found {} ({})",
        c.server.describe(),
        c.origin.name()
    ));
    Ok((
        c.server.clone(),
        c.user.clone(),
        probed.oauth_login(c.oauth),
    ))
}

pub fn describe_report(r: &Report) -> String {
    let mut out = format!("Login ok: {} messages in INBOX", r.messages);
    if let Some((prefix, delimiter)) = &r.prefix {
        let d = delimiter
            .map(|c| c.to_string())
            .unwrap_or_else(|| "none".into());
        let p = if prefix.is_empty() { "none" } else { prefix };
        out.push_str(&format!(
            "; {} folders; folder prefix {p}, separator {d}",
            r.folders.len()
        ));
    }
    out
}

/// One line of standard input, the line end removed.
fn read_stdin_password(account: &str) -> Result<Password> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("<stdin>", e))?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        return Err(Error::NoPassword {
            account: account.to_string(),
            detail: "--password-stdin read an empty line".into(),
        });
    }
    Ok(Password::new(p))
}

/// The step of an error from a login attempt (connecting included).
pub fn step_of(e: &Error) -> Step {
    match e {
        Error::Network { context, .. } if context.contains("cannot resolve") => Step::Dns,
        Error::Network { .. } | Error::Timeout { .. } => Step::Connect,
        Error::Tls { .. } => Step::Tls,
        Error::Auth { .. } | Error::NoPassword { .. } => Step::Login,
        _ => Step::Greeting,
    }
}

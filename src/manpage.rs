//! The man pages, all generated from the one command definition and the config key
//! table: `mailx.1` (clap_mangen's page plus a section per subcommand with its own
//! options, since clap_mangen lists subcommands only by name), one `mailx-COMMAND.1` per
//! command, and `mailx.toml.5` for the configuration file.

use std::io::{self, Write};
use std::path::Path;

use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;
use crate::config::{ACCOUNT_KEYS, KeyDoc, TOP_KEYS};
use crate::error::{Error, Result};

/// Every page: (file name, roff).
pub fn pages() -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut main = Vec::new();
    render(&mut main)?;
    out.push(("mailx.1".to_string(), main));
    let mut cmd = Cli::command();
    cmd.build();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("mailx-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(name.replace('-', " "));
        let mut roff = Vec::new();
        clap_mangen::Man::new(page).render(&mut roff)?;
        out.push((format!("{name}.1"), roff));
    }
    let mut config = Vec::new();
    render_config(&mut config)?;
    out.push(("mailx.toml.5".to_string(), config));
    Ok(out)
}

/// `mailx man --dir DIR`: writes every page into DIR.
pub fn write_all(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (name, roff) in pages().map_err(|e| Error::io(dir, e))? {
        let path = dir.join(name);
        std::fs::write(&path, roff).map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

fn render_config(out: &mut dyn Write) -> io::Result<()> {
    let version = env!("CARGO_PKG_VERSION");
    writeln!(out, ".TH MAILX.TOML 5 \"\" \"mailx {version}\"")?;
    writeln!(out, ".SH NAME\nmailx.toml \\- configuration of mailx")?;
    writeln!(out, ".SH SYNOPSIS")?;
    writeln!(
        out,
        "\\fI$XDG_CONFIG_HOME/mailx/config.toml\\fR (default \\fI~/.config/mailx/config.toml\\fR), or \\fB\\-\\-config\\fR \\fIFILE\\fR, or \\fB$MAILX_CONFIG\\fR"
    )?;
    writeln!(out, ".SH DESCRIPTION")?;
    writeln!(
        out,
        "{}",
        roff(
            "A TOML file. Relative paths are relative to the file; ~/ is the home directory. Unknown keys, wrong types and impossible combinations are rejected with the file, line and key. Passwords are never written here: see password_command, password_env and the OS keyring."
        )
    )?;
    writeln!(out, ".SH \"TOP-LEVEL KEYS\"")?;
    keys(out, TOP_KEYS)?;
    writeln!(out, ".SH \"ACCOUNT KEYS\"")?;
    writeln!(
        out,
        ".PP\nIn each \\fB[accounts.\\fR\\fINAME\\fR\\fB]\\fR table:"
    )?;
    keys(out, ACCOUNT_KEYS)?;
    writeln!(out, ".SH EXAMPLE\n.nf")?;
    for line in include_str!("../docs/config.sample.toml").lines() {
        writeln!(out, "{}", roff(line))?;
    }
    writeln!(out, ".fi\n.SH \"SEE ALSO\"\n\\fBmailx\\fR(1)")
}

fn keys(out: &mut dyn Write, keys: &[KeyDoc]) -> io::Result<()> {
    for k in keys {
        writeln!(out, ".TP\n\\fB{}\\fR = {}", roff(k.key), roff(k.value))?;
        writeln!(out, "{}", roff(k.meaning))?;
    }
    Ok(())
}

pub fn render(out: &mut dyn Write) -> io::Result<()> {
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    writeln!(out, ".SH \"COMMANDS IN DETAIL\"")?;
    for sub in cmd.get_subcommands() {
        render_command(out, "mailx", sub)?;
    }
    man.render_extra_section(out)?;
    man.render_version_section(out)
}

fn render_command(out: &mut dyn Write, parent: &str, cmd: &Command) -> io::Result<()> {
    let name = format!("{parent} {}", cmd.get_name());
    let mut usage = name.clone();
    if cmd.get_arguments().any(|a| !a.is_positional()) {
        usage.push_str(" [OPTIONS]");
    }
    for a in cmd.get_arguments().filter(|a| a.is_positional()) {
        usage.push_str(&format!(" [{}]...", a.get_id().as_str().to_uppercase()));
    }
    if cmd.has_subcommands() {
        usage.push_str(" COMMAND");
    }
    writeln!(out, ".SS \"{}\"", roff(&usage))?;
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        for para in about.to_string().split("\n\n") {
            writeln!(out, ".PP\n{}", roff(para))?;
        }
    }
    for arg in cmd.get_arguments() {
        render_arg(out, arg)?;
    }
    for sub in cmd.get_subcommands() {
        render_command(out, &name, sub)?;
    }
    Ok(())
}

fn render_arg(out: &mut dyn Write, arg: &Arg) -> io::Result<()> {
    let mut names = Vec::new();
    if let Some(s) = arg.get_short() {
        names.push(format!("\\-{s}"));
    }
    if let Some(l) = arg.get_long() {
        names.push(format!("\\-\\-{l}"));
    }
    if names.is_empty() {
        names.push(arg.get_id().as_str().to_uppercase());
    }
    writeln!(out, ".TP\n\\fB{}\\fR", names.join(", "))?;
    if let Some(help) = arg.get_long_help().or(arg.get_help()) {
        writeln!(out, "{}", roff(&help.to_string()))?;
    }
    Ok(())
}

/// Escapes text for roff: backslashes, and a leading dot or quote.
fn roff(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.replace('\\', "\\e").replace('-', "\\-");
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

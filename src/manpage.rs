//! The man page: clap_mangen's page for `mailx`, plus a section per subcommand with its
//! own options (clap_mangen lists subcommands only by name).

use std::io::{self, Write};

use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;

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

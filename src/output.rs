//! All terminal output: data on stdout, everything else on stderr (uv's `Printer`). The
//! one module allowed to print (the crate denies `print_stdout`/`print_stderr` elsewhere).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::Error;
use crate::units::{human_bytes, printable};

/// The longest error or warning printed, in characters.
const MAX_MESSAGE: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// A message for stderr before a `Printer` exists (the runtime or the log would not
/// start) or when none can be reached (the crash hook of the tests).
pub fn early_error(text: &str, hint: Option<&str>) {
    match hint {
        Some(h) => eprintln!("error: {text}\n  hint: {h}"),
        None => eprintln!("{text}"),
    }
}

pub struct Printer {
    pub quiet: bool,
    pub verbose: u8,
    pub json: bool,
    stdout_tty: bool,
    bars: Option<MultiProgress>,
    color: bool,
    lock: Mutex<()>,
}

impl Printer {
    pub fn new(quiet: bool, verbose: u8, json: bool, color: ColorChoice) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        // Bars only for a person watching: cron output and pipes stay clean.
        let bars = (!quiet && !json && stdout_tty && stderr_tty)
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stderr_tty && std::env::var_os("NO_COLOR").is_none(),
        };
        Printer {
            quiet,
            verbose,
            json,
            stdout_tty,
            bars,
            color,
            lock: Mutex::new(()),
        }
    }

    /// Human summaries go to a terminal, or anywhere with -v; never under -q or --json.
    pub fn wants_summary(&self) -> bool {
        !self.quiet && !self.json && (self.stdout_tty || self.verbose > 0)
    }

    pub fn line(&self, text: &str) {
        let _g = self.lock.lock();
        let print = || {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
        };
        match &self.bars {
            Some(b) => b.suspend(print),
            None => print(),
        }
    }

    pub fn json_line(&self, value: &serde_json::Value) {
        let _g = self.lock.lock();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{value}");
    }

    fn stderr(&self, text: &str) {
        let print = || eprintln!("{text}");
        match &self.bars {
            Some(b) => b.suspend(print),
            None => print(),
        }
    }

    /// A message for the person at the terminal (progress of a setup, explanations), on
    /// stderr; nothing under -q.
    pub fn say(&self, text: &str) {
        if !self.quiet {
            self.stderr(text);
        }
    }

    pub fn error(&self, e: &Error) {
        self.error_text(&e.to_string(), &e.hint());
    }

    /// Something the user should know that is not a failure: `warning:` and no hint.
    pub fn warning(&self, text: &str) {
        let text = &printable(text, MAX_MESSAGE);
        tracing::warn!(target: "logfile", "{text}");
        let label = self.paint("warning:", "33");
        self.stderr(&format!("{label} {text}"));
    }

    pub fn error_text(&self, text: &str, hint: &str) {
        // Errors quote servers (folder names, answers): never raw control characters, and
        // never megabytes, on a terminal or in a log.
        let text = &printable(text, MAX_MESSAGE);
        tracing::error!(target: "logfile", "{text}");
        let label = self.paint("error:", "31");
        let h = self.paint("hint:", "36");
        self.stderr(&format!("{label} {text}\n  {h} {hint}"));
    }

    fn paint(&self, s: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[1;{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn progress(&self, label: &str) -> Progress {
        let bar = self.bars.as_ref().map(|m| {
            let pb = m.add(ProgressBar::new(0));
            pb.set_style(
                ProgressStyle::with_template(
                    "{prefix:>12} [{bar:30}] {pos}/{len} msgs {msg} ({elapsed})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            pb.set_prefix(label.to_string());
            pb
        });
        Progress {
            bar,
            bytes: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

/// Progress of one account; invisible when there is no terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
    bytes: std::sync::atomic::AtomicU64,
}

impl crate::engine::Observer for Progress {
    fn planned(&self, messages: u64, _bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc_length(messages);
        }
    }

    fn stored(&self, bytes: u64) {
        let total = self
            .bytes
            .fetch_add(bytes, std::sync::atomic::Ordering::Relaxed)
            + bytes;
        if let Some(b) = &self.bar {
            b.inc(1);
            b.set_message(human_bytes(total));
        }
    }
}

impl Progress {
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

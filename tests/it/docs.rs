//! The committed man pages and completions are what the binary generates (one definition
//! drives help, man pages and completions), and the pages are valid roff.

use std::fs;
use std::path::Path;
use std::process::Command;

const REGENERATE: &str = "run `scripts/gen-docs` and commit man/ and completions/";

fn mailx(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_mailx"))
        .args(args)
        .output()
        .expect("run mailx");
    assert!(out.status.success(), "mailx {args:?} failed");
    out.stdout
}

#[test]
fn committed_man_pages_are_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    mailx(&["man", "--dir", dir.path().to_str().unwrap()]);
    let mut generated: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    let mut committed: Vec<String> = fs::read_dir(root.join("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    assert_eq!(committed, generated, "man/ has other pages; {REGENERATE}");
    assert!(generated.contains(&"mailx-sync.1".to_string()));
    assert!(generated.contains(&"mailx.toml.5".to_string()));
    for name in &generated {
        assert!(
            fs::read(dir.path().join(name)).unwrap()
                == fs::read(root.join("man").join(name)).unwrap(),
            "man/{name} differs from what the binary generates; {REGENERATE}"
        );
    }
    assert_eq!(mailx(&["man"]), fs::read(root.join("man/mailx.1")).unwrap());
}

#[test]
fn committed_completions_are_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [
        ("bash", "mailx.bash"),
        ("zsh", "mailx.zsh"),
        ("fish", "mailx.fish"),
        ("elvish", "mailx.elv"),
        ("powershell", "mailx.ps1"),
    ] {
        assert!(
            mailx(&["completions", shell])
                == fs::read(root.join("completions").join(file)).unwrap(),
            "completions/{file} differs from `mailx completions {shell}`; {REGENERATE}"
        );
    }
}

/// `groff -ww -z` reports every warning; the pages must have none.
#[test]
fn man_pages_are_clean_roff() {
    let Ok(probe) = Command::new("groff").arg("--version").output() else {
        assert!(
            std::env::var("CI").is_err(),
            "groff is missing; .ci/run installs groff-base"
        );
        eprintln!("SKIPPED man_pages_are_clean_roff: groff is not installed");
        return;
    };
    assert!(probe.status.success());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for e in fs::read_dir(root.join("man")).unwrap() {
        let path = e.unwrap().path();
        let out = Command::new("groff")
            .args(["-ww", "-z", "-man"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `source <(COMPLETE=bash mailx)`: account names come from the config as one types.
#[test]
fn account_names_complete_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    fs::write(
        &config,
        "[accounts.work]\nprotocol = \"imap\"\nhost = \"h\"\nuser = \"u\"\npassword_env = \"X\"\nmaildir = \"w\"\n[accounts.home]\nprotocol = \"pop3\"\nhost = \"h\"\nuser = \"u\"\npassword_env = \"X\"\nmaildir = \"h\"\n",
    )
    .unwrap();
    let complete = |words: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mailx"))
            .args(["--", "mailx"])
            .args(words)
            .env("COMPLETE", "fish")
            .env("MAILX_CONFIG", &config)
            .output()
            .unwrap();
        // The candidates, without the options offered alongside.
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.starts_with('-'))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    assert_eq!(complete(&["fetch", ""]), "home\nwork\n");
    assert_eq!(complete(&["sync", "w"]), "work\n");
    assert_eq!(complete(&["account", "show", "h"]), "home\n");
}

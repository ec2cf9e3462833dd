//! Backups of an account's Maildir tree: a tar archive compressed with zstd whose first
//! entry is a manifest (folder, file, flags, size, SHA-256, Message-ID of every message),
//! then each message file, bytes and name as they are. The manifest first lets `verify`
//! and `restore` check every message as it streams past, in bounded memory, and a
//! truncated archive is detected at the entry it breaks in.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::maildir::{self, Folder};
use crate::error::{Error, Result};

const FORMAT: &str = "mailx-backup-1";
const MANIFEST: &str = "MANIFEST.jsonl";
/// The largest manifest read back (about four million messages).
const MAX_MANIFEST: u64 = 1 << 30;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    account: String,
    created: i64,
    messages: u64,
    bytes: u64,
}

/// One message of the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The Maildir++ folder ("" = INBOX, ".Sent").
    pub folder: String,
    /// "cur" or "new".
    pub sub: String,
    /// The file name, flags included.
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub mtime: i64,
    pub message_id: Option<String>,
}

impl Entry {
    fn archive_path(&self) -> String {
        let folder = if self.folder.is_empty() {
            "INBOX".to_string()
        } else {
            self.folder.clone()
        };
        format!("mail/{folder}/{}/{}", self.sub, self.name)
    }

    /// What the archive says must be a plain Maildir++ path: no way out of the tree.
    fn check(&self) -> std::result::Result<(), String> {
        let folder_ok = self.folder.is_empty()
            || (self.folder.starts_with('.')
                && self.folder.len() > 1
                && !self.folder.contains(['/', '\0'])
                && !self.folder.contains(".."));
        let name_ok = !self.name.is_empty()
            && !self.name.starts_with('.')
            && !self.name.contains(['/', '\0']);
        // A size from the archive is never allocated beyond what mailx ever stores.
        let size_ok = self.size <= crate::config::LARGEST_MAX_MESSAGE;
        if folder_ok && name_ok && size_ok && matches!(self.sub.as_str(), "cur" | "new") {
            Ok(())
        } else {
            Err(format!(
                "entry {:?} / {:?} / {:?} ({} bytes) is not a Maildir message mailx would store",
                self.folder, self.sub, self.name, self.size
            ))
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub account: String,
    pub messages: u64,
    pub bytes: u64,
    /// restore: already present (same file name), left as they were.
    pub skipped: u64,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(bytes: &[u8]) -> String {
    hex(&openssl::sha::sha256(bytes))
}

fn message_id(bytes: &[u8]) -> Option<String> {
    let parsed = mail_parser::MessageParser::default().parse_headers(bytes)?;
    parsed.message_id().map(str::to_string)
}

fn mtime_of(path: &Path) -> i64 {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Every message file of the tree under `root`, folder by folder.
fn inventory(root: &Path) -> Result<Vec<(Entry, PathBuf)>> {
    let mut folders = vec![String::new()];
    folders.extend(maildir::list_folders(root)?);
    let mut out = Vec::new();
    for folder in folders {
        let f = Folder::existing(root, &folder);
        let mut messages: Vec<_> = f.scan()?.into_values().collect();
        messages.sort_by_key(|m| m.path());
        for m in messages {
            let path = m.path();
            let body = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let sub = m.sub();
            let name = m.file_name();
            out.push((
                Entry {
                    folder: folder.clone(),
                    sub,
                    name,
                    size: body.len() as u64,
                    sha256: sha256(&body),
                    mtime: mtime_of(&path),
                    message_id: message_id(&body),
                },
                path,
            ));
        }
    }
    Ok(out)
}

/// Writes the backup of the Maildir tree `root` to `out` (through a temporary file beside
/// it, synced, then renamed). The caller holds the account's lock.
pub fn create(account: &str, root: &Path, out: &Path) -> Result<Summary> {
    let entries = inventory(root)?;
    let bytes: u64 = entries.iter().map(|(e, _)| e.size).sum();
    let header = Header {
        format: FORMAT.into(),
        account: account.to_string(),
        created: crate::clock::now(),
        messages: entries.len() as u64,
        bytes,
    };
    let mut manifest =
        serde_json::to_string(&header).map_err(|e| Error::Internal(e.to_string()))?;
    manifest.push('\n');
    for (e, _) in &entries {
        manifest.push_str(&serde_json::to_string(e).map_err(|e| Error::Internal(e.to_string()))?);
        manifest.push('\n');
    }
    let tmp = out.with_extension("partial");
    let io = |e: std::io::Error| Error::io(&tmp, e);
    let file = File::create(&tmp).map_err(io)?;
    let result = (|| -> Result<File> {
        let zst = zstd::Encoder::new(file, 3).map_err(io)?;
        let mut tar = tar::Builder::new(zst);
        append(&mut tar, MANIFEST, manifest.as_bytes(), header.created).map_err(io)?;
        for (e, path) in &entries {
            let body = std::fs::read(path).map_err(|err| Error::io(path, err))?;
            if sha256(&body) != e.sha256 {
                return Err(Error::Refused(format!(
                    "{} changed while the backup was taken (a mail reader?); run it again",
                    path.display()
                )));
            }
            append(&mut tar, &e.archive_path(), &body, e.mtime).map_err(io)?;
        }
        let zst = tar.into_inner().map_err(io)?;
        let file = zst.finish().map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(file)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
    Ok(Summary {
        account: account.to_string(),
        messages: header.messages,
        bytes,
        skipped: 0,
    })
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    body: &[u8],
    mtime: i64,
) -> std::io::Result<()> {
    let mut h = tar::Header::new_gnu();
    h.set_size(body.len() as u64);
    h.set_mode(0o600);
    h.set_mtime(mtime.max(0) as u64);
    h.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut h, path, body)
}

/// What to do with each verified message while reading an archive.
type Sink<'a> = dyn FnMut(&Entry, Vec<u8>) -> Result<()> + 'a;

/// Reads the archive at `file`: the manifest, then each message checked against it
/// (size and SHA-256) and handed to `sink`. Any difference, an entry the manifest does not
/// list, one it lists that is missing, or a truncated archive is an error naming the entry.
fn read(file: &Path, sink: &mut Sink<'_>) -> Result<(String, u64, u64)> {
    let bad = |detail: String| Error::Guard {
        context: file.display().to_string(),
        detail,
        hint: "this archive cannot be trusted: use another backup".into(),
    };
    let f = File::open(file).map_err(|e| Error::io(file, e))?;
    let zst = zstd::Decoder::new(f).map_err(|e| Error::io(file, e))?;
    let mut archive = tar::Archive::new(zst);
    let mut entries = archive
        .entries()
        .map_err(|e| bad(format!("not a mailx backup: {e}")))?;
    let first = entries
        .next()
        .ok_or_else(|| bad("the archive is empty".into()))?
        .map_err(|e| bad(format!("not a mailx backup: {e}")))?;
    if first
        .path()
        .map(|p| p != Path::new(MANIFEST))
        .unwrap_or(true)
    {
        return Err(bad(format!(
            "not a mailx backup: the first entry is not {MANIFEST}"
        )));
    }
    let mut lines = BufReader::new(first.take(MAX_MANIFEST)).lines();
    let header: Header = lines
        .next()
        .and_then(|l| l.ok())
        .and_then(|l| serde_json::from_str(&l).ok())
        .filter(|h: &Header| h.format == FORMAT)
        .ok_or_else(|| bad("not a mailx backup: no manifest header".into()))?;
    let mut expected: HashMap<String, Entry> = HashMap::new();
    for line in lines {
        let line = line.map_err(|e| bad(format!("the manifest cannot be read: {e}")))?;
        let entry: Entry = serde_json::from_str(&line)
            .map_err(|e| bad(format!("a manifest line is damaged: {e}")))?;
        entry.check().map_err(&bad)?;
        expected.insert(entry.archive_path(), entry);
    }
    if expected.len() as u64 != header.messages {
        return Err(bad(format!(
            "the manifest lists {} messages, its header {}",
            expected.len(),
            header.messages
        )));
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut last = MANIFEST.to_string();
    let mut bytes = 0;
    for item in entries {
        let mut item = item.map_err(|e| bad(format!("damaged after {last}: {e}")))?;
        let path = item
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .map_err(|e| bad(format!("damaged after {last}: {e}")))?;
        let Some(entry) = expected.get(&path) else {
            return Err(bad(format!("{path} is not in the manifest")));
        };
        let mut body = Vec::with_capacity(entry.size as usize);
        (&mut item)
            .take(entry.size + 1)
            .read_to_end(&mut body)
            .map_err(|e| bad(format!("{path} is cut short (truncated archive?): {e}")))?;
        if (body.len() as u64) < entry.size {
            return Err(bad(format!(
                "{path} is cut short: {} of {} bytes (truncated archive?)",
                body.len(),
                entry.size
            )));
        }
        if body.len() as u64 != entry.size || sha256(&body) != entry.sha256 {
            return Err(bad(format!(
                "{path} differs from the manifest (size or SHA-256)"
            )));
        }
        if !seen.insert(path.clone()) {
            return Err(bad(format!("{path} is in the archive twice")));
        }
        bytes += entry.size;
        sink(entry, body)?;
        last = path;
    }
    let missing: Vec<&String> = expected.keys().filter(|p| !seen.contains(*p)).collect();
    if let Some(first) = missing.iter().min() {
        return Err(bad(format!(
            "{} messages of the manifest are missing, first {first} (truncated archive?)",
            missing.len()
        )));
    }
    Ok((header.account, seen.len() as u64, bytes))
}

/// Checks every message of the archive against its manifest.
pub fn verify(file: &Path) -> Result<Summary> {
    let (account, messages, bytes) = read(file, &mut |_, _| Ok(()))?;
    Ok(Summary {
        account,
        messages,
        bytes,
        skipped: 0,
    })
}

/// The account the archive was taken of.
pub fn account_of(file: &Path) -> Result<String> {
    let f = File::open(file).map_err(|e| Error::io(file, e))?;
    let zst = zstd::Decoder::new(f).map_err(|e| Error::io(file, e))?;
    let mut archive = tar::Archive::new(zst);
    let mut entries = archive.entries().map_err(|e| Error::io(file, e))?;
    let first = entries
        .next()
        .and_then(|e| e.ok())
        .ok_or_else(|| Error::Refused(format!("{}: not a mailx backup", file.display())))?;
    let line = BufReader::new(first.take(64 * 1024))
        .lines()
        .next()
        .and_then(|l| l.ok());
    line.and_then(|l| serde_json::from_str::<Header>(&l).ok())
        .map(|h| h.account)
        .ok_or_else(|| Error::Refused(format!("{}: not a mailx backup", file.display())))
}

/// Restores the archive into the Maildir tree `root`: each message into its folder (or,
/// with `as_folder`, below that folder), never over a message present (same unique
/// name), each one checked before it is written and made durable before it is shown.
pub fn restore(file: &Path, root: &Path, as_folder: Option<&str>) -> Result<Summary> {
    let mut present: HashMap<String, HashSet<String>> = HashMap::new();
    let mut restored = 0;
    let mut skipped = 0;
    let (account, _, bytes) = read(file, &mut |entry, body| {
        let folder = match as_folder {
            None => entry.folder.clone(),
            Some(base) => format!(".{base}{}", entry.folder),
        };
        let dest = Folder::open(root, &folder)?;
        let names = match present.get_mut(&folder) {
            Some(n) => n,
            None => present
                .entry(folder.clone())
                .or_insert(dest.delivered_names()?),
        };
        let (unique, _) = maildir::split_info(&entry.name);
        if names.contains(unique) {
            skipped += 1;
            return Ok(());
        }
        let mut staged = dest.stage_exact(unique, &body)?;
        dest.sync_staged([&mut staged])?;
        dest.deliver_as(&staged, &entry.sub, &entry.name, entry.mtime)?;
        dest.sync_dirs()?;
        names.insert(unique.to_string());
        restored += 1;
        Ok(())
    })?;
    Ok(Summary {
        account,
        messages: restored,
        bytes,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(folder: &str, sub: &str, name: &str, size: u64) -> Entry {
        Entry {
            folder: folder.into(),
            sub: sub.into(),
            name: name.into(),
            size,
            sha256: String::new(),
            mtime: 0,
            message_id: None,
        }
    }

    #[test]
    fn manifest_entries_stay_inside_the_tree_and_within_size() {
        assert!(entry("", "cur", "1.a.h:2,S", 10).check().is_ok());
        assert!(entry(".Sent", "new", "1.a.h", 10).check().is_ok());
        for (folder, sub, name) in [
            ("..", "cur", "x"),
            (".a/../../etc", "cur", "x"),
            ("/etc", "cur", "x"),
            (".Sent", "tmp", "x"),
            (".Sent", "cur", "../x"),
            (".Sent", "cur", ".hidden"),
            ("Sent", "cur", "x"),
        ] {
            assert!(
                entry(folder, sub, name, 10).check().is_err(),
                "{folder} {sub} {name}"
            );
        }
        assert!(
            entry("", "cur", "x", u64::MAX).check().is_err(),
            "no huge allocation"
        );
    }
}

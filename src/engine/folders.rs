//! The one folder selector: which server folders the configured patterns select, the
//! Maildir++ folder each goes to, and the ones that cannot be taken (a literal pattern
//! that matches nothing, a name that cannot be stored safely, two folders that would
//! share one local folder). fetch, check, status and sync all select through here.

use std::collections::BTreeMap;

use crate::domain::names;
use crate::engine::Failure;
use crate::error::{Result, exit};
use crate::remote::{Remote, RemoteFolder};
use crate::units::printable;

/// The outcome of selecting folders.
#[derive(Debug, Default)]
pub struct Selection {
    /// Selected server folders and their local names, INBOX first, then by name.
    pub folders: Vec<(RemoteFolder, String)>,
    /// Literal patterns (no `*` or `%`) that match no server folder: probably typos.
    pub unmatched: Vec<String>,
    /// Selected folders that cannot be taken, by display name.
    pub failures: Vec<(String, Failure)>,
    /// Local folders that several server folders would share: not to be used either.
    pub shared_locals: Vec<String>,
}

impl Selection {
    /// A report (made by `report`) for each folder that cannot be taken and, with
    /// `unmatched_where` ("on the server"), for each literal pattern that matched nothing.
    pub fn failed_reports<T>(
        &mut self,
        unmatched_where: Option<&str>,
        report: impl Fn(String, Failure) -> T,
    ) -> Vec<T> {
        let unmatched: Vec<T> = match unmatched_where {
            Some(w) => self
                .unmatched
                .iter()
                .map(|p| report(p.clone(), unmatched(p, w)))
                .collect(),
            None => Vec::new(),
        };
        unmatched
            .into_iter()
            .chain(self.failures.drain(..).map(|(name, f)| report(name, f)))
            .collect()
    }
}

/// Lists the server's folders and selects them by the configured `patterns`.
pub async fn select<R: Remote>(remote: &mut R, patterns: &[String]) -> Result<Selection> {
    let listed = remote.folders().await?;
    let patterns: Vec<String> = patterns
        .iter()
        .map(|p| remote.normalize_pattern(p))
        .collect();
    Ok(select_listed(listed, &patterns))
}

/// `select` on a listing, with patterns already in folder-path form.
pub fn select_listed(listed: Vec<RemoteFolder>, patterns: &[String]) -> Selection {
    let mut matched = vec![false; patterns.len()];
    let mut by_local: BTreeMap<String, Vec<RemoteFolder>> = BTreeMap::new();
    let mut out = Selection::default();
    for f in listed {
        let display = names::display_name(&f.path);
        let Some(i) = patterns.iter().position(|p| names::matches(p, &display)) else {
            continue;
        };
        matched[i] = true;
        match names::maildir_name(&f.path) {
            Some(local) => by_local.entry(local).or_default().push(f),
            None => out.failures.push((
                display,
                Failure::new(
                    exit::PROTOCOL,
                    format!(
                        "folder \"{}\" has a name that cannot be stored safely in a Maildir (too long, or empty parts); skipped",
                        printable(&f.server_name, 80)
                    ),
                    "rename the folder on the server",
                ),
            )),
        }
    }
    for (local, same) in by_local {
        if let [one] = same.as_slice() {
            out.folders.push((one.clone(), local));
            continue;
        }
        // Never merged, never one of them by the order of a listing: both stop, every run.
        let names: Vec<String> = same
            .iter()
            .map(|f| format!("\"{}\"", printable(&f.server_name, 80)))
            .collect();
        out.shared_locals.push(local.clone());
        for f in &same {
            out.failures.push((
                names::display_name(&f.path),
                Failure::new(
                    exit::PROTOCOL,
                    format!(
                        "the server folders {} would all be stored in the local folder {local:?}; none of them is taken until all but one are renamed on the server",
                        names.join(" and ")
                    ),
                    "rename all but one of these folders on the server",
                ),
            ));
        }
    }
    out.folders.sort_by(|(a, _), (b, _)| {
        (!a.path.is_empty(), &a.path).cmp(&(!b.path.is_empty(), &b.path))
    });
    out.unmatched = patterns
        .iter()
        .zip(matched)
        .filter(|(p, hit)| !hit && !p.contains(['*', '%']))
        .map(|(p, _)| p.clone())
        .collect();
    out
}

/// The failure for a literal pattern that matched no folder.
pub fn unmatched(pattern: &str, where_: &str) -> Failure {
    Failure::new(
        exit::PROTOCOL,
        format!("no folder {pattern:?} {where_}"),
        "check the spelling in `folders` (`mailx status` lists the server's folders)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(server: &str, path: &[&str]) -> RemoteFolder {
        RemoteFolder {
            server_name: server.into(),
            path: path.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn selection_orders_maps_and_sets_apart() {
        let s = select_listed(
            vec![
                folder("Sent", &["Sent"]),
                folder("INBOX", &[]),
                // Decoded from modified UTF-7, and a raw UTF-8 name used as is.
                folder("Entw&APw-rfe", &["Entwürfe"]),
                folder("Entwürfe", &["Entwürfe"]),
                folder("Trash", &["Trash"]),
            ],
            &["INBOX".into(), "Sent".into(), "Entw*".into(), "Typo".into()],
        );
        let taken: Vec<(&str, &str)> = s
            .folders
            .iter()
            .map(|(f, l)| (f.server_name.as_str(), l.as_str()))
            .collect();
        assert_eq!(taken, [("INBOX", ""), ("Sent", ".Sent")]);
        assert_eq!(s.unmatched, ["Typo"]);
        assert_eq!(s.failures.len(), 2, "both colliding folders stop");
        assert!(
            s.failures[0]
                .1
                .message
                .contains("\"Entw&APw-rfe\" and \"Entwürfe\"")
        );
    }
}

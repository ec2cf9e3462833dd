//! IMAP behind the `Remote` seam, reconnecting after any error.

use crate::config::{FolderPrefix, TlsMode};
use crate::domain::names;
use crate::domain::{Flags, IdleEvent};
use crate::error::{Error, Result};
use crate::net::Endpoint;
use crate::proto::imap::{Body, Dialed, Imap, ListedMailbox, Namespace};
use crate::proto::mutf7;
use crate::remote::{
    Baseline, Capabilities, Downloaded, Fetched, FolderSnapshot, FolderStatus, Remote,
    RemoteFolder, RemoteMessage, SyncListing, Upload,
};
use crate::secret::Password;
use compact_str::ToCompactString;

/// What it takes to (re)connect.
pub struct Login {
    pub ep: Endpoint,
    pub tls: TlsMode,
    pub connector: crate::net::TlsConnector,
    pub account: String,
    pub user: String,
    pub password: Password,
    pub auth: crate::config::Auth,
}

pub struct ImapRemote {
    login: Login,
    prefix_config: FolderPrefix,
    conn: Option<Imap>,
    /// A connection made while the password was being looked up, for the first login.
    dialed: Option<Dialed>,
    namespace: Option<Namespace>,
    /// The hierarchy delimiter LIST reported, for servers without NAMESPACE.
    listed_delimiter: Option<char>,
    open: Option<(String, bool)>,
    /// The folder last opened successfully, with its UIDVALIDITY, for `reopen`.
    last_open: Option<(String, bool, u32)>,
    /// QRESYNC enabled on the current session.
    qresync: bool,
    /// The UIDVALIDITY this run gives a folder the server sends none for: its UIDs can
    /// hold for a session, not across them, so every run finds the messages again by
    /// content (a new value each run).
    stand_in_validity: u32,
}

impl ImapRemote {
    /// Logs in on `dialed` when given (see `remote::connect`), else on a new connection.
    pub async fn connect(
        login: Login,
        prefix_config: FolderPrefix,
        dialed: Option<Dialed>,
    ) -> Result<Self> {
        let mut remote = ImapRemote {
            login,
            prefix_config,
            conn: None,
            dialed,
            namespace: None,
            listed_delimiter: None,
            open: None,
            last_open: None,
            qresync: false,
            stand_in_validity: (crate::random::bits(0) as u32).max(1),
        };
        remote.session().await?;
        Ok(remote)
    }

    async fn session(&mut self) -> Result<&mut Imap> {
        if self.conn.is_none() {
            let l = &self.login;
            let dialed = match self.dialed.take() {
                Some(d) => d,
                None => Imap::dial(&l.ep, l.tls, &l.connector).await?,
            };
            let mut imap = dialed
                .login(&l.ep, &l.account, &l.user, &l.password, l.auth)
                .await?;
            // NAMESPACE first: see `Imap::namespace`.
            let ns = imap.namespace().await?;
            if self.namespace.is_none() {
                self.namespace = Some(match &self.prefix_config {
                    FolderPrefix::Explicit(p) => Namespace {
                        prefix: p.clone(),
                        delimiter: ns.and_then(|n| n.delimiter),
                    },
                    FolderPrefix::Auto => ns.unwrap_or(Namespace {
                        prefix: String::new(),
                        delimiter: None,
                    }),
                });
                tracing::debug!("personal namespace: {:?}", self.namespace);
            }
            self.open = None;
            self.qresync = false;
            self.conn = Some(imap);
        }
        self.conn
            .as_mut()
            .ok_or_else(|| Error::Internal("IMAP session missing".into()))
    }

    /// Runs `op` on the session; any error discards it (async-imap cannot be trusted after
    /// one, docs/defects.md A2) and the next call reconnects.
    fn check<T>(&mut self, r: Result<T>) -> Result<T> {
        // A NO/BAD is an answer: the session is in sync and stays.
        if r.as_ref()
            .is_err_and(|e| !matches!(e, Error::Rejected { .. }))
        {
            self.conn = None;
            self.open = None;
        }
        r
    }

    /// Whether the current session's server announced `cap` (e.g. "IDLE").
    pub fn has(&self, cap: &str) -> bool {
        self.conn.as_ref().is_some_and(|c| c.has(cap))
    }

    /// A server without NAMESPACE whose folders all live below "INBOX" and its separator
    /// (Courier's layout on a server that does not say so): that is the prefix, so that
    /// new folders are created where the server wants them.
    fn infer_prefix(&mut self, listed: &[ListedMailbox]) {
        let Some(d) = listed.iter().find_map(|m| m.delimiter) else {
            return;
        };
        let root = format!("INBOX{d}");
        let others: Vec<&ListedMailbox> = listed
            .iter()
            .filter(|m| !m.name.eq_ignore_ascii_case("INBOX"))
            .collect();
        if !others.is_empty() && others.iter().all(|m| m.name.starts_with(&root)) {
            tracing::debug!("no NAMESPACE; every folder is below {root:?}: using it as the prefix");
            self.namespace = Some(Namespace {
                prefix: root,
                delimiter: Some(d),
            });
        }
    }

    pub fn prefix(&self) -> (String, Option<char>) {
        self.namespace
            .as_ref()
            .map(|n| (n.prefix.clone(), n.delimiter))
            .unwrap_or_default()
    }
}

impl Remote for ImapRemote {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            sync: true,
            deletes_at_finish: false,
            idle: self.has("IDLE"),
        }
    }

    async fn folders(&mut self) -> Result<Vec<RemoteFolder>> {
        let mut listed = {
            let s = self.session().await?;
            let r = s.list("*").await;
            self.check(r)?
        };
        if !self.has("NAMESPACE") && self.prefix_config == FolderPrefix::Auto {
            self.infer_prefix(&listed);
        }
        let (prefix, ns_delim) = self.prefix();
        if !prefix.is_empty() {
            // GNU Mailutils 3.15 answers `LIST "" "*"` with INBOX alone and lists the
            // folders below its "INBOX." prefix only to `LIST "" "INBOX.*"` (2026-11-29;
            // RFC 3501 §6.3.8 says "*" matches them). Ask for those too, as mbsync does.
            let s = self.session().await?;
            let r = s.list(&format!("{prefix}*")).await;
            for m in self.check(r)? {
                if !listed.iter().any(|l| l.name == m.name) {
                    listed.push(m);
                }
            }
        }
        let mut out = Vec::new();
        if let Some(d) = listed.iter().find_map(|m| m.delimiter) {
            self.listed_delimiter = Some(d);
        }
        for m in listed.into_iter().filter(|m| m.selectable) {
            let decoded = mutf7::decode(&m.name).unwrap_or_else(|| {
                tracing::warn!(
                    "folder name {:?} is not valid modified UTF-7; using it as is",
                    m.name
                );
                m.name.clone()
            });
            let decoded_prefix = mutf7::decode(&prefix).unwrap_or_else(|| prefix.clone());
            let path =
                names::split_server_name(&decoded, &decoded_prefix, m.delimiter.or(ns_delim));
            out.push(RemoteFolder {
                server_name: m.name,
                path,
            });
        }
        Ok(out)
    }

    async fn status(&mut self, folder: &RemoteFolder) -> Result<FolderStatus> {
        let s = self.session().await?;
        let r = s.status(&folder.server_name).await;
        let st = self.check(r)?;
        Ok(FolderStatus {
            messages: u64::from(st.messages),
            unseen: Some(u64::from(st.unseen)),
            uidnext: st.uidnext,
            validity: st.uidvalidity,
        })
    }

    async fn quota(&mut self) -> Result<Option<(u64, u64)>> {
        let s = self.session().await?;
        let r = s.quota().await;
        self.check(r)
    }

    async fn open(&mut self, folder: &RemoteFolder, writable: bool) -> Result<FolderSnapshot> {
        let s = self.session().await?;
        let r = s.open(&folder.server_name, writable, None).await;
        let sel = self.check(r)?;
        let validity = validity_or(self.stand_in_validity, &folder.server_name, sel.uidvalidity);
        self.open = Some((folder.server_name.clone(), writable));
        self.last_open = Some((folder.server_name.clone(), writable, validity));
        Ok(FolderSnapshot {
            validity: Some(validity),
            uidnext: sel.uidnext,
            stable_ids: true,
            lists_everything: false,
        })
    }

    async fn list(&mut self, from_uid: u32) -> Result<Vec<RemoteMessage>> {
        let s = self.selected()?;
        let r = s.list_messages(from_uid).await;
        let metas = self.check(r)?;
        Ok(metas
            .into_iter()
            .map(|m| RemoteMessage {
                id: m.uid.to_compact_string(),
                uid: m.uid,
                size: m.size,
                flags: Flags::from_imap(&m.flags),
            })
            .collect())
    }

    async fn download(
        &mut self,
        msgs: &[RemoteMessage],
        sink: &mut dyn FnMut(Fetched) -> Result<()>,
    ) -> Result<()> {
        let wanted: Vec<(u32, u64)> = msgs.iter().map(|m| (m.uid, m.size)).collect();
        let s = self.selected()?;
        let r = s
            .fetch_bodies(&wanted, |f| {
                let downloaded = |body| Downloaded {
                    id: f.uid.to_string(),
                    flags: Flags::from_imap(&f.flags),
                    internal_date: f.internal_date,
                    body,
                };
                sink(match f.body {
                    Ok(Body::Whole(body)) => Fetched::Whole(downloaded(body)),
                    Ok(Body::Mismatch { bytes, announced }) => Fetched::Mismatch {
                        downloaded: downloaded(bytes),
                        uid: f.uid,
                        announced,
                    },
                    Err(reason) => Fetched::Refused {
                        id: f.uid.to_string(),
                        uid: f.uid,
                        reason,
                    },
                })
            })
            .await;
        self.check(r)
    }

    async fn headers(
        &mut self,
        from_uid: u32,
        sink: &mut dyn FnMut(u32, u64, &[u8]),
    ) -> Result<()> {
        let s = self.selected()?;
        let r = s.fetch_headers(from_uid, sink).await;
        self.check(r)
    }

    async fn arrival_dates(&mut self) -> Result<std::collections::HashMap<u32, i64>> {
        let s = self.selected()?;
        let r = s.internal_dates().await;
        self.check(r)
    }

    async fn delete(&mut self, msgs: &[(String, u32)]) -> Result<()> {
        let uids: Vec<u32> = msgs.iter().map(|(_, u)| *u).collect();
        if !matches!(self.open, Some((_, true))) {
            return Err(Error::Internal(
                "delete on a folder opened read-only".into(),
            ));
        }
        let s = self.selected()?;
        let r = s.delete(&uids).await;
        let expunged = self.check(r)?;
        crate::testhook::step("IMAP delete")?;
        if !expunged {
            tracing::warn!(
                "server lacks UIDPLUS: {} messages flagged \\Deleted but not expunged",
                uids.len()
            );
        }
        Ok(())
    }

    async fn reopen(&mut self) -> Result<()> {
        let Some((name, writable, validity)) = self.last_open.clone() else {
            return Err(Error::Internal("reopen without a folder".into()));
        };
        tracing::info!("reconnecting to continue with {name}");
        let s = self.session().await?;
        let r = s.open(&name, writable, None).await;
        let sel = self.check(r)?;
        if validity_or(self.stand_in_validity, &name, sel.uidvalidity) != validity {
            return Err(Error::protocol(
                &self.login.ep.label,
                format!("{name} was renumbered (UIDVALIDITY changed) during the run; rerun"),
            ));
        }
        self.open = Some((name, writable));
        Ok(())
    }

    async fn finish(&mut self) -> Result<()> {
        match self.conn.take() {
            Some(c) => c.logout().await,
            None => Ok(()),
        }
    }

    fn normalize_pattern(&self, pattern: &str) -> String {
        let (prefix, delimiter) = self.prefix();
        names::normalize_pattern(pattern, &prefix, delimiter)
    }

    async fn sync_open(
        &mut self,
        folder: &RemoteFolder,
        writable: bool,
        since: Option<Baseline>,
    ) -> Result<SyncListing> {
        let r = self.sync_open_inner(folder, writable, since).await;
        let listing = self.check(r)?;
        self.open = Some((folder.server_name.clone(), writable));
        self.last_open = Some((folder.server_name.clone(), writable, listing.validity));
        Ok(listing)
    }

    async fn create_folder(&mut self, path: &[String]) -> Result<RemoteFolder> {
        let (prefix, ns_delim) = self.prefix();
        let delimiter = ns_delim.or(self.listed_delimiter);
        let decoded_prefix = mutf7::decode(&prefix).unwrap_or_else(|| prefix.clone());
        let display = names::display_name(path);
        let name = names::join_server_name(path, &decoded_prefix, delimiter).ok_or_else(|| {
            Error::protocol(
                &self.login.ep.label,
                format!(
                    "cannot create {display:?} on the server: a name part contains the server's folder separator {delimiter:?}"
                ),
            )
        })?;
        // A local ".INBOX" must not become a second local copy of the real INBOX.
        if names::split_server_name(&name, &decoded_prefix, delimiter).is_empty() {
            return Err(Error::Rejected {
                context: self.login.ep.label.clone(),
                detail: format!(
                    "the local folder {display:?} would be the server's INBOX; rename it locally"
                ),
            });
        }
        let server_name = mutf7::encode(&name);
        let s = self.session().await?;
        let r = s.create(&server_name).await;
        self.check(r)?;
        crate::testhook::step("create remote folder")?;
        Ok(RemoteFolder {
            server_name,
            path: path.to_vec(),
        })
    }

    async fn set_flags(&mut self, uids: &[u32], add: Flags, remove: Flags) -> Result<()> {
        let s = self.selected()?;
        let r = async {
            s.store_flags(uids, true, &add.imap_names()).await?;
            s.store_flags(uids, false, &remove.imap_names()).await
        }
        .await;
        self.check(r)
    }

    async fn expunge(&mut self, uids: &[u32]) -> Result<bool> {
        let s = self.selected()?;
        let r = s.expunge(uids).await;
        self.check(r)
    }

    async fn append(
        &mut self,
        folder: &RemoteFolder,
        msgs: &[Upload<'_>],
    ) -> Result<Vec<Result<Option<u32>>>> {
        let s = self.session().await?;
        let r = s.append(&folder.server_name, msgs).await;
        self.check(r)
    }

    /// IDLE on the open folder (see `Imap::idle`).
    async fn idle(
        &mut self,
        max: std::time::Duration,
        stop: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<IdleEvent> {
        let s = self.selected()?;
        let r = s.idle(max, stop).await;
        self.check(r)
    }
}

impl ImapRemote {
    async fn sync_open_inner(
        &mut self,
        folder: &RemoteFolder,
        writable: bool,
        since: Option<Baseline>,
    ) -> Result<SyncListing> {
        if !self.qresync && since.is_some() {
            let s = self.session().await?;
            let r = s.enable_qresync().await;
            self.qresync = self.check(r)?;
        }
        let qresync = self.qresync;
        let stand_in = self.stand_in_validity;
        let s = self.session().await?;
        let sel = s
            .open(
                &folder.server_name,
                writable,
                since.filter(|_| qresync).map(|b| (b.validity, b.modseq)),
            )
            .await?;
        let validity = validity_or(stand_in, &folder.server_name, sel.uidvalidity);
        let mut listing = SyncListing {
            validity,
            uidnext: sel.uidnext,
            modseq: sel.highestmodseq,
            ..Default::default()
        };
        let full = |metas: Vec<crate::proto::imap::MessageMeta>| -> Vec<RemoteMessage> {
            metas
                .into_iter()
                .map(|m| RemoteMessage {
                    id: m.uid.to_compact_string(),
                    uid: m.uid,
                    size: m.size,
                    flags: Flags::from_imap(&m.flags),
                })
                .collect()
        };
        let Some(base) = since.filter(|b| b.validity == validity && sel.highestmodseq.is_some())
        else {
            listing.messages = full(s.list_all(sel.exists).await?);
            listing.complete = true;
            return Ok(listing);
        };
        let new = if sel.uidnext.is_some_and(|n| n <= base.last_uid + 1) {
            Vec::new()
        } else {
            full(s.list_messages(base.last_uid + 1).await?)
        };
        let changed: Vec<(u32, Vec<String>)> = if qresync {
            listing.vanished = sel.vanished;
            sel.changed
        } else {
            // CONDSTORE alone reports flag changes but not expunges: count instead.
            let expected = base.present + new.len();
            if sel.exists as usize != expected {
                tracing::debug!(
                    "{}: {} messages on the server, {expected} expected: listing all",
                    folder.server_name,
                    sel.exists
                );
                listing.messages = full(s.list_all(sel.exists).await?);
                listing.complete = true;
                return Ok(listing);
            }
            if sel.highestmodseq == Some(base.modseq) {
                Vec::new()
            } else {
                s.list_flags(base.last_uid, Some(base.modseq)).await?
            }
        };
        listing.messages = changed
            .into_iter()
            .filter(|(uid, _)| *uid <= base.last_uid)
            .map(|(uid, flags)| RemoteMessage {
                id: uid.to_compact_string(),
                uid,
                size: 0,
                flags: Flags::from_imap(&flags),
            })
            .chain(new)
            .collect();
        Ok(listing)
    }

    fn selected(&mut self) -> Result<&mut Imap> {
        if self.open.is_none() {
            return Err(Error::Internal("no folder open".into()));
        }
        self.conn
            .as_mut()
            .ok_or_else(|| Error::Internal("IMAP session missing".into()))
    }
}

/// A folder's UIDVALIDITY, or the run's `stand_in` when the server sent none (0).
fn validity_or(stand_in: u32, folder: &str, sent: u32) -> u32 {
    if sent != 0 {
        return sent;
    }
    tracing::warn!(
        "{folder}: the server gives no UIDVALIDITY; its messages are found again by content on every run"
    );
    stand_in
}

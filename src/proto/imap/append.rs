//! APPEND, written raw: async-imap pastes flags and date verbatim and can hang, and drops
//! APPENDUID (docs/defects.md A3, A8). With LITERAL+ (RFC 7888) a batch is pipelined:
//! every command and its message written back to back, then the tagged answers read, so a
//! batch costs one round trip instead of one per message.

use std::collections::HashMap;

use futures::TryFutureExt;
use imap_proto::{Response, ResponseCode};
use tokio::io::AsyncWriteExt;

use super::*;
use crate::remote::Upload;

/// What one response of a pipelined batch said.
enum Seen {
    Done {
        tag: String,
        ok: bool,
        text: String,
        uid: Option<u32>,
    },
    Bye(String),
    Other,
}

impl Imap {
    /// APPENDs `msgs` to `mailbox`; per message the new UID when the server reports it
    /// (UIDPLUS APPENDUID) or its refusal of that message. An error of the connection is
    /// the outer error.
    pub async fn append(
        &mut self,
        mailbox: &str,
        msgs: &[Upload<'_>],
    ) -> Result<Vec<Result<Option<u32>>>> {
        if !self.has("LITERAL+") {
            let mut out = Vec::with_capacity(msgs.len());
            for m in msgs {
                match self.append_one(mailbox, m).await {
                    Err(e @ Error::Rejected { .. }) => out.push(Err(e)),
                    other => out.push(Ok(other?)),
                }
            }
            return Ok(out);
        }
        if self.has("MULTIAPPEND") && msgs.len() > 1 {
            match self.append_multi(mailbox, msgs).await {
                Ok(uids) => return Ok(uids.into_iter().map(Ok).collect()),
                // All or nothing (RFC 3502): one refused message refuses the batch, so
                // send them one by one to learn which.
                Err(Error::Rejected { detail, .. }) => {
                    tracing::debug!("MULTIAPPEND refused ({detail}); appending one by one");
                }
                Err(e) => return Err(e),
            }
        }
        let ep = self.ep.clone();
        let mut tags = Vec::with_capacity(msgs.len());
        for m in msgs {
            let cmd = command(&ep, mailbox, m, "+")?;
            let tag = self
                .send(&cmd, &format!("{cmd} <{} bytes>", m.body.len()), 0)
                .await?;
            self.write_body(m.body).await?;
            tags.push(tag.0);
        }
        // Sending took its own time; the answers' bounds start now.
        self.expect(0);
        let mut answers: HashMap<String, Result<Option<u32>>> = HashMap::new();
        while answers.len() < tags.len() {
            let seen = self
                .next_response("APPEND", |resp| match resp {
                    Response::Done {
                        tag,
                        status,
                        outcome,
                    } => Seen::Done {
                        tag: tag.0.to_string(),
                        ok: *status == Status::Ok,
                        text: outcome.information.as_deref().unwrap_or("").to_string(),
                        uid: appended_uid(outcome.code.as_ref()),
                    },
                    Response::Data {
                        status: Status::Bye,
                        outcome,
                    } => Seen::Bye(outcome.information.as_deref().unwrap_or("").to_string()),
                    _ => Seen::Other,
                })
                .await?;
            match seen {
                Seen::Done { tag, ok, text, uid } if tags.contains(&tag) => {
                    tracing::trace!(target: "mailx::imap", "S: {tag} {} {text}", if ok { "OK" } else { "NO" });
                    answers.insert(
                        tag,
                        if ok {
                            Ok(uid)
                        } else {
                            Err(Error::Rejected {
                                context: ep.label.clone(),
                                detail: format!("APPEND refused: {}", server_text(&text)),
                            })
                        },
                    );
                }
                Seen::Done { tag, .. } => {
                    return Err(Error::protocol(
                        &ep.label,
                        format!("an answer for a command never sent (tag {tag})"),
                    ));
                }
                Seen::Bye(text) => {
                    return Err(closed(
                        format!("{}: during APPEND", ep.label),
                        &format!("server closed the connection: {text}"),
                    ));
                }
                Seen::Other => {}
            }
        }
        Ok(tags
            .iter()
            .map(|t| answers.remove(t).unwrap_or(Ok(None)))
            .collect())
    }

    /// MULTIAPPEND (RFC 3502) with LITERAL+: the whole batch as one command, which the
    /// server stores as one transaction (Dovecot: one index and uidlist update instead of
    /// one per message). The UIDs, in order, when APPENDUID lists one per message.
    async fn append_multi(
        &mut self,
        mailbox: &str,
        msgs: &[Upload<'_>],
    ) -> Result<Vec<Option<u32>>> {
        let ep = self.ep.clone();
        let (first, rest) = msgs
            .split_first()
            .ok_or_else(|| Error::Internal("an empty MULTIAPPEND".into()))?;
        let cmd = command(&ep, mailbox, first, "+")?;
        let total: usize = msgs.iter().map(|m| m.body.len()).sum();
        let tag = self
            .send(
                &cmd,
                &format!("{cmd} <{} messages, {total} bytes>", msgs.len()),
                0,
            )
            .await?;
        self.write_raw(first.body).await?;
        for m in rest {
            self.write_raw(format!(" {}\r\n", literal_part(m, "+")).as_bytes())
                .await?;
            self.write_raw(m.body).await?;
        }
        self.write_body(b"").await?;
        self.expect(0);
        let mut uids: Vec<u32> = Vec::new();
        self.wait_tagged(&tag, "APPEND", false, &mut |_| Ok(()), &mut |code| {
            if let ResponseCode::AppendUid(_, members) = code {
                uids = members
                    .iter()
                    .flat_map(|m| match m {
                        imap_proto::rfc4315::UidSetMember::Uid(u) => *u..=*u,
                        imap_proto::rfc4315::UidSetMember::UidRange(r) => r.clone(),
                    })
                    .take(msgs.len() + 1)
                    .collect();
            }
        })
        .await?;
        // A set that does not name one UID per message is not trusted: found by content.
        if uids.len() == msgs.len() {
            Ok(uids.into_iter().map(Some).collect())
        } else {
            Ok(vec![None; msgs.len()])
        }
    }

    async fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        let ep = self.ep.clone();
        net::with_timeout(
            &ep,
            "APPEND",
            async {
                let stream = self.session.get_mut();
                stream.write_all(bytes).await
            }
            .map_err(|e: std::io::Error| Error::network(&ep.label, e)),
        )
        .await
    }

    /// One APPEND, waiting for the continuation before the message when the server has no
    /// LITERAL+.
    async fn append_one(&mut self, mailbox: &str, m: &Upload<'_>) -> Result<Option<u32>> {
        let ep = self.ep.clone();
        let cmd = command(&ep, mailbox, m, "")?;
        let tag = self
            .send(&cmd, &format!("{cmd} <{} bytes>", m.body.len()), 0)
            .await?;
        loop {
            let step = self
                .next_response("APPEND", |resp| match resp {
                    Response::Continue(_) => Some(Ok(())),
                    Response::Done {
                        tag: t,
                        status,
                        outcome,
                    } if *t == tag => Some(Err(Error::Rejected {
                        context: ep.label.clone(),
                        detail: format!(
                            "APPEND refused: {status:?} {}",
                            outcome.information.as_deref().unwrap_or("")
                        ),
                    })),
                    _ => None,
                })
                .await?;
            if let Some(r) = step {
                r?;
                break;
            }
        }
        self.write_body(m.body).await?;
        self.expect(0);
        let mut uid = None;
        self.wait_tagged(&tag, "APPEND", false, &mut |_| Ok(()), &mut |code| {
            uid = appended_uid(Some(code));
        })
        .await?;
        Ok(uid)
    }

    /// The last literal of a command: the message, the line end, flushed.
    async fn write_body(&mut self, body: &[u8]) -> Result<()> {
        self.write_raw(body).await?;
        self.write_raw(b"\r\n").await?;
        let ep = self.ep.clone();
        net::with_timeout(
            &ep,
            "APPEND",
            self.session
                .get_mut()
                .flush()
                .map_err(|e: std::io::Error| Error::network(&ep.label, e)),
        )
        .await
    }
}

/// `APPEND "box" (\Seen) "date" {n+}`; `plus` is "+" for a non-synchronising literal.
fn command(ep: &Endpoint, mailbox: &str, m: &Upload<'_>, plus: &str) -> Result<String> {
    Ok(format!(
        "APPEND {} {}",
        quote(ep, mailbox)?,
        literal_part(m, plus)
    ))
}

/// `(\Seen) "date" {n+}`: one message's part of an APPEND.
fn literal_part(m: &Upload<'_>, plus: &str) -> String {
    let date = m
        .date
        .and_then(|d| chrono::DateTime::from_timestamp(d, 0))
        .map(|d| format!(" \"{}\"", d.format("%d-%b-%Y %H:%M:%S +0000")))
        .unwrap_or_default();
    format!(
        "({}){date} {{{}{plus}}}",
        m.flags.imap_names().join(" "),
        m.body.len()
    )
}

fn appended_uid(code: Option<&ResponseCode<'_>>) -> Option<u32> {
    match code {
        Some(ResponseCode::AppendUid(_, members)) => match members.as_slice() {
            [imap_proto::rfc4315::UidSetMember::Uid(u)] => Some(*u),
            _ => None,
        },
        _ => None,
    }
}

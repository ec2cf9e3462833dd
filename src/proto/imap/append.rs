//! APPEND, written raw: async-imap pastes flags and date verbatim and can hang, and drops
//! APPENDUID (docs/defects.md A3, A8).

use futures::TryFutureExt;
use imap_proto::{Response, ResponseCode};
use tokio::io::AsyncWriteExt;

use super::*;

impl Imap {
    /// APPENDs a message (CRLF line ends) with its flags and arrival time; returns the new
    /// UID when the server reports it (UIDPLUS APPENDUID) for this folder's `validity`.
    pub async fn append(
        &mut self,
        mailbox: &str,
        flags: &[&str],
        date: Option<i64>,
        body: &[u8],
    ) -> Result<Option<u32>> {
        let ep = self.ep.clone();
        let date = date
            .and_then(|d| chrono::DateTime::from_timestamp(d, 0))
            .map(|d| format!(" \"{}\"", d.format("%d-%b-%Y %H:%M:%S +0000")))
            .unwrap_or_default();
        // LITERAL+ saves a round trip per message; otherwise wait for the continuation.
        let plus = if self.has("LITERAL+") { "+" } else { "" };
        let cmd = format!(
            "APPEND {} ({}){date} {{{}{plus}}}",
            quote(&ep, mailbox)?,
            flags.join(" "),
            body.len()
        );
        let shown = format!("{cmd} <{} bytes>", body.len());
        let tag = self.send(&cmd, &shown, 0).await?;
        if plus.is_empty() {
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
        }
        net::with_timeout(
            &ep,
            "APPEND",
            async {
                let stream = self.session.get_mut();
                stream.write_all(body).await?;
                stream.write_all(b"\r\n").await?;
                stream.flush().await
            }
            .map_err(|e: std::io::Error| Error::network(&ep.label, e)),
        )
        .await?;
        // Sending the body took its own time; the answer's bounds start now.
        self.expect(0);
        let mut uid = None;
        self.wait_tagged(&tag, "APPEND", false, &mut |_| Ok(()), &mut |code| {
            if let ResponseCode::AppendUid(_, members) = code
                && let [imap_proto::rfc4315::UidSetMember::Uid(u)] = members.as_slice()
            {
                uid = Some(*u);
            }
        })
        .await?;
        Ok(uid)
    }
}

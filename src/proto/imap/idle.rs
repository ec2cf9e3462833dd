//! IDLE (RFC 2177), written raw: async-imap cannot tell a disconnect from a stop
//! (docs/defects.md A4).

use futures::TryFutureExt;
use imap_proto::{MailboxDatum, Response, Status};
use tokio::io::AsyncWriteExt;

use super::*;

impl Imap {
    /// IDLE (RFC 2177) on the selected folder until the server reports a change, `max`
    /// elapses (servers drop IDLE after 30 minutes, so it is renewed), or `stop` fires.
    /// Returns with the session usable again (DONE sent and answered).
    pub async fn idle(
        &mut self,
        max: std::time::Duration,
        stop: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<IdleEvent> {
        if !self.has("IDLE") {
            return Err(Error::Rejected {
                context: self.ep.label.clone(),
                detail: "the server does not support IDLE".into(),
            });
        }
        let ep = self.ep.clone();
        let tag = self.send("IDLE", "IDLE", 0).await?;
        // The continuation first; changes reported before it count too.
        let mut event = None;
        loop {
            let step = self
                .next_response("IDLE", |r| match r {
                    Response::Continue(_) => Some(Ok(())),
                    Response::Done { tag: t, .. } if *t == tag => Some(Err(())),
                    other => {
                        if is_change(other) {
                            event = Some(IdleEvent::Changed);
                        }
                        None
                    }
                })
                .await?;
            match step {
                Some(Ok(())) => break,
                Some(Err(())) => {
                    return Err(Error::Rejected {
                        context: ep.label.clone(),
                        detail: "the server refused IDLE".into(),
                    });
                }
                None => {}
            }
        }
        let deadline = tokio::time::Instant::now() + max;
        while event.is_none() {
            let outcome = tokio::select! {
                r = guarded(self.session.read_response()) => Some(r.map_err(|p| parser_failed(&ep, "IDLE", p))?),
                _ = tokio::time::sleep_until(deadline) => None,
                _ = stop.changed() => {
                    event = Some(IdleEvent::Stopped);
                    continue;
                }
            };
            let Some(r) = outcome else {
                event = Some(IdleEvent::Renew);
                break;
            };
            let resp = r.map_err(|e| read_error(&ep, "IDLE", e))?.ok_or_else(|| {
                closed(
                    format!("{}: during IDLE", ep.label),
                    "server closed the connection",
                )
            })?;
            match resp.parsed() {
                Response::Data {
                    status: Status::Bye,
                    outcome,
                } => {
                    let text = outcome.information.as_deref().unwrap_or("").to_string();
                    return Err(Error::network(
                        format!("{}: during IDLE", ep.label),
                        std::io::Error::new(
                            std::io::ErrorKind::ConnectionAborted,
                            format!("server closed the connection: {text}"),
                        ),
                    ));
                }
                other if is_change(other) => event = Some(IdleEvent::Changed),
                _ => {}
            }
        }
        tracing::trace!(target: "mailx::imap", "C: DONE");
        net::with_timeout(
            &ep,
            "DONE",
            async {
                let stream = self.session.get_mut();
                stream.write_all(b"DONE\r\n").await?;
                stream.flush().await
            }
            .map_err(|e: std::io::Error| Error::network(&ep.label, e)),
        )
        .await?;
        // A change the server reports between the DONE and its tagged answer (a message
        // arriving during a renewal) is a change too: dropping it would leave the message
        // unfetched until the next one arrives.
        let mut late_change = false;
        self.expect(0);
        self.wait_tagged(
            &tag,
            "IDLE",
            false,
            &mut |r| {
                late_change |= is_change(r);
                Ok(())
            },
            &mut |_| {},
        )
        .await?;
        Ok(match event {
            Some(IdleEvent::Renew) | None if late_change => IdleEvent::Changed,
            Some(e) => e,
            None => IdleEvent::Renew,
        })
    }
}

fn is_change(r: &Response<'_>) -> bool {
    matches!(
        r,
        Response::MailboxData(MailboxDatum::Exists(_) | MailboxDatum::Recent(_))
            | Response::Expunge(_)
            | Response::Vanished { .. }
            | Response::Fetch(..)
    )
}

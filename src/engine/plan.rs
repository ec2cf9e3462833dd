//! Pure decisions: what to download, what to delete. No I/O, exhaustively testable.

use std::collections::HashMap;

use compact_str::CompactString;

use crate::remote::RemoteMessage;
use crate::state::Known;

/// Retention policy of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    Keep,
    DeleteAfterDays(u32),
    DeleteAfterDownload,
}

impl Retention {
    pub fn deletes(self) -> bool {
        self != Retention::Keep
    }
}

/// Server messages not yet delivered, in server order.
pub fn new_messages(
    listing: &[RemoteMessage],
    known: &HashMap<CompactString, Known>,
) -> Vec<RemoteMessage> {
    listing
        .iter()
        .filter(|m| !known.contains_key(m.id.as_str()))
        .cloned()
        .collect()
}

/// What one folder's fetch will do, decided before anything is done: `fetch --dry-run`
/// prints it, a real run carries it out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FetchPlan {
    /// Server messages not stored yet, in server order.
    pub download: Vec<RemoteMessage>,
    /// Messages stored earlier that the retention policy deletes from the server now.
    pub delete: Vec<(String, u32)>,
    /// `keep = false`: each downloaded message is deleted from the server once stored.
    pub delete_downloads: bool,
}

/// The plan from the server's listing, the rows that say a listed message is stored
/// already (`known`), and every stored row retention weighs (`stored`; `present` as for
/// `expired`).
pub fn fetch_plan(
    listing: &[RemoteMessage],
    known: &HashMap<CompactString, Known>,
    stored: &HashMap<CompactString, Known>,
    present: Option<&HashMap<String, u32>>,
    policy: Retention,
    now: i64,
) -> FetchPlan {
    FetchPlan {
        download: new_messages(listing, known),
        delete: expired(stored, present, policy, now),
        delete_downloads: policy == Retention::DeleteAfterDownload,
    }
}

/// Delivered messages the policy says to remove from the server now, as (id, uid).
/// `present` maps ids the server listed to their current uid (POP3 message numbers change
/// between sessions); `None` means the listing was partial and recorded uids are current.
pub fn expired(
    known: &HashMap<CompactString, Known>,
    present: Option<&HashMap<String, u32>>,
    policy: Retention,
    now: i64,
) -> Vec<(String, u32)> {
    let cutoff = match policy {
        Retention::Keep => return Vec::new(),
        Retention::DeleteAfterDownload => i64::MAX,
        Retention::DeleteAfterDays(days) => now - i64::from(days) * 86_400,
    };
    // A message recorded as deleted that the server still lists was not deleted after
    // all (a server that answered QUIT but did not apply the DELE): delete it again.
    let still_there = |id: &str| present.is_some_and(|p| p.contains_key(id));
    let mut out: Vec<(String, u32)> = known
        .iter()
        .filter(|(id, k)| {
            k.verified
                && (!k.deleted || still_there(id))
                && (cutoff == i64::MAX || k.first_seen <= cutoff)
        })
        .filter_map(|(id, k)| match present {
            Some(p) => p.get(id.as_str()).map(|uid| (id.to_string(), *uid)),
            None => Some((id.to_string(), k.uid)),
        })
        .collect();
    out.sort_by_key(|(_, uid)| *uid);
    out
}

/// Splits downloads into batches bounded in count and bytes; a message larger than the
/// byte bound travels alone.
pub fn batches(msgs: &[RemoteMessage], max_count: usize, max_bytes: u64) -> Vec<&[RemoteMessage]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0u64;
    for (i, m) in msgs.iter().enumerate() {
        if i > start && (i - start >= max_count || bytes + m.size > max_bytes) {
            out.push(&msgs[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += m.size;
    }
    if start < msgs.len() {
        out.push(&msgs[start..]);
    }
    out
}

/// Identity of a message for matching across a UIDVALIDITY change: FNV-1a over the header
/// block (Message-ID, Date, Received and the rest), combined with the size by the caller.
/// The block is taken as servers differ in serving it: CRs dropped (Courier-IMAP 5.0.13
/// sends a message stored with CRLF as `\r\r\n`, 2026-11-29), up to the first empty line
/// or the whole message when there is none, trailing white space trimmed (`BODY[HEADER]`
/// of a message without a separator is served with or without a line end added). So the
/// full message and its `BODY[HEADER]` give the same fingerprint on either server.
pub fn fingerprint(raw: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut block: Vec<u8> = Vec::with_capacity(raw.len().min(16 * 1024));
    for &b in raw {
        if b == b'\r' {
            continue;
        }
        if b == b'\n' && block.last() == Some(&b'\n') {
            break;
        }
        block.push(b);
    }
    let end = block
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    for &b in &block[..end] {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h as i64
}

/// Identity of a whole message for the last resort of content matching: FNV-1a over its
/// bytes without CRs and without trailing white space, so that servers that change line
/// ends (Courier's `\r\r\n`) or add a final line end do not make it another message.
pub fn content_hash(raw: &[u8]) -> i64 {
    let end = raw
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in raw[..end].iter().filter(|b| **b != b'\r') {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h as i64
}

/// The fingerprint as recorded before 2026-11-29 (the block as sent, up to CRLF CRLF), for
/// rows written by earlier versions: matched in a second pass, never written anew.
pub fn fingerprint_v1(raw: &[u8]) -> i64 {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .unwrap_or(raw.len());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in &raw[..end] {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h as i64
}

/// Pairs messages by content where UIDs cannot (no usable state, UIDVALIDITY change, an
/// upload whose UID is unknown): `remote` and `local` are (key, (size with CRLF, header
/// fingerprint)); equal identities pair up as a multiset, so two identical copies pair
/// with two copies. Returns (uid, local key) pairs, local keys in order, each with the
/// lowest UID of its identity still free. One sorted index, no allocation per message:
/// pairing 100,000 messages stays within a few MB.
pub fn match_by_content<K: Ord + Clone>(
    remote: &[(u32, (u64, i64))],
    local: &[(K, (u64, i64))],
) -> Vec<(u32, K)> {
    let mut by_identity: Vec<((u64, i64), u32)> =
        remote.iter().map(|(uid, id)| (*id, *uid)).collect();
    by_identity.sort_unstable();
    let mut taken = vec![false; by_identity.len()];
    // Next free position in the run of an identity with several copies (the rest need
    // only `taken`).
    let mut next: HashMap<usize, usize> = HashMap::new();
    let mut sorted_local: Vec<&(K, (u64, i64))> = local.iter().collect();
    sorted_local.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut out = Vec::with_capacity(local.len().min(remote.len()));
    let same = |at: usize, id: &(u64, i64)| by_identity.get(at).is_some_and(|(i, _)| i == id);
    for (file, id) in sorted_local {
        let start = by_identity.partition_point(|(i, _)| i < id);
        let at = next.get(&start).copied().unwrap_or(start);
        if same(at, id) && !taken[at] {
            taken[at] = true;
            out.push((by_identity[at].1, file.clone()));
            if same(at + 1, id) {
                next.insert(start, at + 1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Flags;

    fn msg(id: &str, uid: u32, size: u64) -> RemoteMessage {
        RemoteMessage {
            id: id.into(),
            uid,
            size,
            flags: Flags::default(),
        }
    }

    fn known(entries: &[(&str, u32, i64, bool)]) -> HashMap<CompactString, Known> {
        entries
            .iter()
            .map(|(id, uid, first_seen, deleted)| {
                (
                    CompactString::new(id),
                    Known {
                        uid: *uid,
                        first_seen: *first_seen,
                        deleted: *deleted,
                        verified: true,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn only_unknown_are_new() {
        let listing = vec![msg("a", 1, 10), msg("b", 2, 10), msg("c", 3, 10)];
        let k = known(&[("b", 2, 0, false)]);
        let ids: Vec<_> = new_messages(&listing, &k)
            .into_iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(ids, ["a", "c"]);
    }

    #[test]
    fn retention_policies() {
        let day = 86_400;
        let k = known(&[
            ("old", 1, 0, false),
            ("young", 2, 9 * day, false),
            ("gone", 3, 0, true),
        ]);
        let now = 10 * day;
        assert!(expired(&k, None, Retention::Keep, now).is_empty());
        let ids = |v: Vec<(String, u32)>| v.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
        assert_eq!(
            ids(expired(&k, None, Retention::DeleteAfterDays(3), now)),
            ["old"]
        );
        assert_eq!(
            ids(expired(&k, None, Retention::DeleteAfterDays(1), now)),
            ["old", "young"]
        );
        assert_eq!(
            ids(expired(&k, None, Retention::DeleteAfterDownload, now)),
            ["old", "young"]
        );
        // Only what the server still lists, at its current number.
        let present: HashMap<String, u32> = [("young".to_string(), 7)].into();
        assert_eq!(
            expired(&k, Some(&present), Retention::DeleteAfterDownload, now),
            [("young".to_string(), 7)]
        );
        // A copy of another size than announced is never deleted from the server.
        let mut unverified = k.clone();
        if let Some(old) = unverified.get_mut("old") {
            old.verified = false;
        }
        assert_eq!(
            ids(expired(
                &unverified,
                None,
                Retention::DeleteAfterDownload,
                now
            )),
            ["young"]
        );
        // Recorded as deleted but listed again: the server did not apply the DELE.
        let present: HashMap<String, u32> = [("gone".to_string(), 2)].into();
        assert_eq!(
            expired(&k, Some(&present), Retention::DeleteAfterDays(3), now),
            [("gone".to_string(), 2)]
        );
    }

    #[test]
    fn batching_bounds() {
        let msgs: Vec<_> = (0..10).map(|i| msg(&i.to_string(), i, 100)).collect();
        let b = batches(&msgs, 4, 1_000);
        assert_eq!(b.iter().map(|b| b.len()).collect::<Vec<_>>(), [4, 4, 2]);
        let b = batches(&msgs, 100, 250);
        assert_eq!(
            b.iter().map(|b| b.len()).collect::<Vec<_>>(),
            [2, 2, 2, 2, 2]
        );
        let big = vec![msg("x", 1, 5_000), msg("y", 2, 1)];
        assert_eq!(batches(&big, 10, 100).len(), 2);
        assert!(batches(&[], 10, 100).is_empty());
    }

    #[test]
    fn fingerprint_covers_header_only() {
        let a = fingerprint(b"Message-ID: <1@x>\r\n\r\nbody one");
        let b = fingerprint(b"Message-ID: <1@x>\r\n\r\nbody two");
        let c = fingerprint(b"Message-ID: <2@x>\r\n\r\nbody one");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(
            fingerprint(b"no separator at all"),
            fingerprint(b"no separator")
        );
    }

    #[test]
    fn fingerprint_is_the_same_however_a_server_frames_the_header() {
        let whole = fingerprint(b"From: a\r\nSubject: s\r\n\r\nbody\r\n");
        for framing in [
            &b"From: a\r\nSubject: s\r\n\r\n"[..],
            b"From: a\r\r\nSubject: s\r\r\n\r\r\nbody\r\r\n",
            b"From: a\nSubject: s\n\nother body",
            b"From: a\r\nSubject: s\r\n",
        ] {
            assert_eq!(
                fingerprint(framing),
                whole,
                "{:?}",
                String::from_utf8_lossy(framing)
            );
        }
        // No separator: the message is its header block, with or without a line end.
        assert_eq!(
            fingerprint(b"Subject: x\r\nbody"),
            fingerprint(b"Subject: x\r\nbody\r\n")
        );
        assert_ne!(whole, fingerprint(b"From: b\r\nSubject: s\r\n\r\nbody\r\n"));
    }

    #[test]
    fn content_matching_is_a_multiset() {
        let r = [(5, (10, 1)), (6, (10, 1)), (7, (20, 2))];
        let l = [
            ("x".to_string(), (10, 1)),
            ("y".to_string(), (10, 1)),
            ("z".to_string(), (10, 1)),
            ("w".to_string(), (30, 3)),
        ];
        let m = match_by_content(&r, &l);
        assert_eq!(m, [(5, "x".to_string()), (6, "y".to_string())]);
    }
}

//! The decision of `mailx clean` as a pure function: which server messages the retention
//! rules remove now. Age and size rules only ever pick messages durably stored locally;
//! purge folders are the user's explicit exception.

use serde::Serialize;

const DAY: i64 = 86_400;

/// One server message as the rules weigh it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Index of its folder in the caller's list.
    pub folder: usize,
    pub id: String,
    pub uid: u32,
    pub size: u64,
    /// When the server received it (IMAP INTERNALDATE); `None` where unknown (POP3).
    pub arrived: Option<i64>,
    /// When mailx stored it, if a verified copy is in the local folder now.
    pub stored: Option<i64>,
    /// Days after which the folder's `purge` rule removes it, stored or not.
    pub purge_days: Option<u32>,
}

/// Why a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// `purge`: the folder's messages older than its days.
    Purge,
    /// `delete_after_days`: stored that many days ago.
    Age,
    /// `max_server_size`: the oldest stored messages, until the server is under the limit.
    Size,
}

impl Why {
    pub fn words(self) -> &'static str {
        match self {
            Why::Purge => "purge",
            Why::Age => "delete_after_days",
            Why::Size => "max_server_size",
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CleanPlan {
    /// (index into the candidates, why), in the order found.
    pub delete: Vec<(usize, Why)>,
    pub freed: u64,
    /// With a size limit: how far above it the server stays because not enough of its
    /// mail is stored locally (0 when the limit is met).
    pub still_over: u64,
}

/// The rules: `after_days` (age since stored), `size` as (bytes the server holds now,
/// limit), each purge folder's days inside the candidates; `now` in seconds.
pub fn clean_plan(
    candidates: &[Candidate],
    after_days: Option<u32>,
    size: Option<(u64, u64)>,
    now: i64,
) -> CleanPlan {
    let mut plan = CleanPlan::default();
    let mut taken = vec![false; candidates.len()];
    let older = |t: Option<i64>, days: u32| t.is_some_and(|t| t <= now - i64::from(days) * DAY);
    for (i, c) in candidates.iter().enumerate() {
        let why = if c.purge_days.is_some_and(|d| older(c.arrived, d)) {
            Why::Purge
        } else if after_days.is_some_and(|d| older(c.stored, d)) {
            Why::Age
        } else {
            continue;
        };
        taken[i] = true;
        plan.delete.push((i, why));
        plan.freed += c.size;
    }
    if let Some((used, limit)) = size {
        let mut oldest: Vec<usize> = (0..candidates.len())
            .filter(|&i| !taken[i] && candidates[i].stored.is_some())
            .collect();
        // Oldest first: by arrival where the server says, else by when it was stored; ties
        // in server order.
        oldest.sort_by_key(|&i| {
            let c = &candidates[i];
            (c.arrived.or(c.stored), c.folder, c.uid)
        });
        for i in oldest {
            if used.saturating_sub(plan.freed) <= limit {
                break;
            }
            plan.delete.push((i, Why::Size));
            plan.freed += candidates[i].size;
        }
        plan.still_over = used.saturating_sub(plan.freed).saturating_sub(limit);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn c(
        uid: u32,
        size: u64,
        arrived_days_ago: Option<i64>,
        stored_days_ago: Option<i64>,
    ) -> Candidate {
        Candidate {
            folder: 0,
            id: uid.to_string(),
            uid,
            size,
            arrived: arrived_days_ago.map(|d| NOW - d * DAY),
            stored: stored_days_ago.map(|d| NOW - d * DAY),
            purge_days: None,
        }
    }

    fn uids(cands: &[Candidate], p: &CleanPlan) -> Vec<(u32, Why)> {
        p.delete.iter().map(|(i, w)| (cands[*i].uid, *w)).collect()
    }

    #[test]
    fn age_takes_only_stored_messages_old_enough() {
        let cands = [
            c(1, 10, Some(90), Some(31)),
            c(2, 10, Some(90), Some(29)),
            c(3, 10, Some(90), None),
        ];
        let p = clean_plan(&cands, Some(30), None, NOW);
        assert_eq!(uids(&cands, &p), [(1, Why::Age)]);
        assert_eq!(p.freed, 10);
        assert_eq!(clean_plan(&cands, None, None, NOW), CleanPlan::default());
    }

    #[test]
    fn size_deletes_the_oldest_stored_until_under_the_limit() {
        let cands = [
            c(1, 100, Some(5), Some(1)),
            c(2, 100, Some(9), Some(1)),
            c(3, 100, Some(20), None),
            c(4, 100, Some(7), Some(1)),
        ];
        // 400 held, at most 250: the two oldest stored go (2, then 4); 3 is older but
        // not stored locally.
        let p = clean_plan(&cands, None, Some((400, 250)), NOW);
        assert_eq!(uids(&cands, &p), [(2, Why::Size), (4, Why::Size)]);
        assert_eq!((p.freed, p.still_over), (200, 0));
        // Already under the limit: nothing.
        assert!(
            clean_plan(&cands, None, Some((400, 400)), NOW)
                .delete
                .is_empty()
        );
        // Not enough stored to get under it: all stored go, the rest is reported.
        let p = clean_plan(&cands, None, Some((400, 50)), NOW);
        assert_eq!(p.delete.len(), 3);
        assert_eq!(p.still_over, 50);
    }

    #[test]
    fn size_counts_what_the_other_rules_free_first() {
        let mut cands = vec![c(1, 300, Some(40), None), c(2, 100, Some(9), Some(1))];
        cands[0].purge_days = Some(30);
        let p = clean_plan(&cands, None, Some((400, 200)), NOW);
        assert_eq!(uids(&cands, &p), [(1, Why::Purge)]);
    }

    #[test]
    fn purge_needs_a_known_arrival_older_than_its_days() {
        let mut cands = vec![
            c(1, 10, Some(31), None),
            c(2, 10, Some(29), None),
            c(3, 10, None, None),
        ];
        for x in &mut cands {
            x.purge_days = Some(30);
        }
        let p = clean_plan(&cands, None, None, NOW);
        assert_eq!(uids(&cands, &p), [(1, Why::Purge)]);
    }

    #[test]
    fn without_arrival_dates_the_storing_order_decides() {
        let cands = [c(1, 100, None, Some(3)), c(2, 100, None, Some(5))];
        let p = clean_plan(&cands, None, Some((200, 100)), NOW);
        assert_eq!(uids(&cands, &p), [(2, Why::Size)]);
    }
}

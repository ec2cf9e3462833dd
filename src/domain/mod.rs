//! Neutral domain types shared by the protocols, the store and the state: what a
//! message's flags are, independent of how IMAP names them or Maildir spells them, and
//! folder paths with their mapping between server names and Maildir++ names.

pub mod names;

/// IMAP system flags as Maildir info letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    pub seen: bool,
    pub answered: bool,
    pub flagged: bool,
    pub deleted: bool,
    pub draft: bool,
}

impl Flags {
    pub fn from_imap<S: AsRef<str>>(flags: &[S]) -> Self {
        let mut f = Flags::default();
        for flag in flags {
            match flag.as_ref().to_ascii_lowercase().as_str() {
                "\\seen" => f.seen = true,
                "\\answered" => f.answered = true,
                "\\flagged" => f.flagged = true,
                "\\deleted" => f.deleted = true,
                "\\draft" => f.draft = true,
                _ => {}
            }
        }
        f
    }

    /// Letters in ASCII order, as the spec requires: D F R S T.
    pub fn info(&self) -> String {
        let mut s = String::new();
        for (on, c) in [
            (self.draft, 'D'),
            (self.flagged, 'F'),
            (self.answered, 'R'),
            (self.seen, 'S'),
            (self.deleted, 'T'),
        ] {
            if on {
                s.push(c);
            }
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        *self == Flags::default()
    }

    /// Parses the letters after `:2,`; letters other than D F R S T are ignored here
    /// (and kept in the file name by `Folder::set_flags`).
    pub fn from_info(info: &str) -> Self {
        Flags {
            draft: info.contains('D'),
            flagged: info.contains('F'),
            answered: info.contains('R'),
            seen: info.contains('S'),
            deleted: info.contains('T'),
        }
    }

    /// IMAP system flag names, in a fixed order.
    pub fn imap_names(&self) -> Vec<&'static str> {
        [
            (self.seen, "\\Seen"),
            (self.answered, "\\Answered"),
            (self.flagged, "\\Flagged"),
            (self.deleted, "\\Deleted"),
            (self.draft, "\\Draft"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    fn bits(&self) -> u8 {
        u8::from(self.seen)
            | u8::from(self.answered) << 1
            | u8::from(self.flagged) << 2
            | u8::from(self.deleted) << 3
            | u8::from(self.draft) << 4
    }

    fn from_bits(b: u8) -> Self {
        Flags {
            seen: b & 1 != 0,
            answered: b & 2 != 0,
            flagged: b & 4 != 0,
            deleted: b & 8 != 0,
            draft: b & 16 != 0,
        }
    }

    pub fn union(&self, other: &Flags) -> Flags {
        Flags::from_bits(self.bits() | other.bits())
    }

    pub fn intersection(&self, other: &Flags) -> Flags {
        Flags::from_bits(self.bits() & other.bits())
    }

    /// Flags in `self` that are not in `other`.
    pub fn minus(&self, other: &Flags) -> Flags {
        Flags::from_bits(self.bits() & !other.bits())
    }
}

/// What ended an IDLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleEvent {
    /// New messages, expunges or flag changes in the folder.
    Changed,
    /// Time to renew the IDLE.
    Renew,
    Stopped,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_info_order() {
        let f = Flags::from_imap(&[
            "\\Seen",
            "\\Flagged",
            "\\Draft",
            "\\Answered",
            "\\Deleted",
            "$Junk",
        ]);
        assert_eq!(f.info(), "DFRST");
        assert!(Flags::from_imap::<&str>(&[]).is_empty());
    }
}

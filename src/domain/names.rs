//! Server folder names → local Maildir++ folder names that cannot escape the Maildir root.

/// Maildir++ name for a folder path (components already decoded and split on the server's
/// delimiter): `[]` → `""` (INBOX is the root), `["Archive", "2024"]` → `".Archive.2024"`.
/// Each component is escaped so that it cannot contain `/`, `.` or control characters and
/// so cannot name `..` or a hidden path; `None` for unusable names.
pub fn maildir_name(path: &[String]) -> Option<String> {
    let mut out = String::new();
    for component in path {
        if component.is_empty() {
            return None;
        }
        out.push('.');
        for c in component.chars() {
            match c {
                '.' | '/' | '\\' | '%' | ':' => out.push_str(&format!("%{:02X}", c as u32)),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
                c => out.push(c),
            }
        }
    }
    // One directory entry; most file systems cap a name at 255 bytes.
    if out.len() > 255 {
        return None;
    }
    Some(out)
}

/// The inverse of `maildir_name`: `".Archive.2024"` → `["Archive", "2024"]`, `""` → `[]`.
/// `None` for a name mailx would not have produced (empty component, bad escape).
pub fn path_of_maildir_name(name: &str) -> Option<Vec<String>> {
    if name.is_empty() {
        return Some(Vec::new());
    }
    let rest = name.strip_prefix('.')?;
    rest.split('.').map(unescape_component).collect()
}

fn unescape_component(c: &str) -> Option<String> {
    if c.is_empty() {
        return None;
    }
    let bytes = c.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = c.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The server name (decoded, before mUTF-7) for a folder path: prefix + parts joined by the
/// delimiter; `None` when a part contains the delimiter or a nested path has none.
pub fn join_server_name(path: &[String], prefix: &str, delimiter: Option<char>) -> Option<String> {
    if path.is_empty() {
        return Some("INBOX".into());
    }
    let joined = match delimiter {
        Some(d) => {
            if path.iter().any(|p| p.contains(d)) {
                return None;
            }
            path.join(&d.to_string())
        }
        None if path.len() == 1 => path[0].clone(),
        None => return None,
    };
    Some(format!("{prefix}{joined}"))
}

/// Display form used in patterns, messages and JSON: `INBOX`, `Archive/2024`.
pub fn display_name(path: &[String]) -> String {
    if path.is_empty() {
        "INBOX".into()
    } else {
        path.join("/")
    }
}

/// Splits a server name into a folder path: INBOX is `[]`; the personal prefix is removed.
pub fn split_server_name(name: &str, prefix: &str, delimiter: Option<char>) -> Vec<String> {
    if name.eq_ignore_ascii_case("INBOX") {
        return Vec::new();
    }
    let stripped =
        if !prefix.is_empty() && name.len() > prefix.len() && starts_with_ci_inbox(name, prefix) {
            &name[prefix.len()..]
        } else {
            name
        };
    match delimiter {
        Some(d) => stripped.split(d).map(str::to_string).collect(),
        None => vec![stripped.to_string()],
    }
}

/// The prefix match is case-insensitive only for the INBOX part ("inbox." vs "INBOX.").
fn starts_with_ci_inbox(name: &str, prefix: &str) -> bool {
    if name.starts_with(prefix) {
        return true;
    }
    let n = "INBOX".len();
    prefix.len() > n
        && prefix
            .get(..n)
            .is_some_and(|p| p.eq_ignore_ascii_case("INBOX"))
        && name
            .get(..n)
            .is_some_and(|p| p.eq_ignore_ascii_case("INBOX"))
        && name.get(n..prefix.len()) == prefix.get(n..)
}

/// IMAP LIST-style wildcard match: `*` matches anything, `%` anything but `/`.
pub fn matches(pattern: &str, name: &str) -> bool {
    if pattern.eq_ignore_ascii_case("INBOX") {
        return name.eq_ignore_ascii_case("INBOX");
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    wildcard(&p, &n)
}

fn wildcard(p: &[char], n: &[char]) -> bool {
    match p.split_first() {
        None => n.is_empty(),
        Some(('*', rest)) => (0..=n.len()).any(|i| wildcard(rest, &n[i..])),
        Some(('%', rest)) => (0..=n.len())
            .take_while(|&i| i == 0 || n[i - 1] != '/')
            .any(|i| wildcard(rest, &n[i..])),
        Some((c, rest)) => n.first() == Some(c) && wildcard(rest, &n[1..]),
    }
}

/// A configured pattern in the folder-path form: `INBOX.Sent` (server form with the
/// prefix) and `Sent` both become `Sent`; the delimiter becomes `/`.
pub fn normalize_pattern(pattern: &str, prefix: &str, delimiter: Option<char>) -> String {
    if pattern.eq_ignore_ascii_case("INBOX") || pattern == "*" || pattern == "%" {
        return pattern.to_string();
    }
    let stripped = if !prefix.is_empty() && starts_with_ci_inbox(pattern, prefix) {
        &pattern[prefix.len()..]
    } else {
        pattern
    };
    match delimiter {
        Some(d) if d != '/' => stripped.replace(d, "/"),
        _ => stripped.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn both_layouts_map_to_one_local_name() {
        let dot = split_server_name("INBOX.Archive.2024", "INBOX.", Some('.'));
        let slash = split_server_name("Archive/2024", "", Some('/'));
        assert_eq!(dot, slash);
        assert_eq!(maildir_name(&dot).unwrap(), ".Archive.2024");
        assert_eq!(
            maildir_name(&split_server_name("INBOX.Sent", "INBOX.", Some('.'))).unwrap(),
            ".Sent"
        );
        assert_eq!(
            maildir_name(&split_server_name("Sent", "", Some('/'))).unwrap(),
            ".Sent"
        );
        assert_eq!(
            maildir_name(&split_server_name("INBOX", "INBOX.", Some('.'))).unwrap(),
            ""
        );
        assert_eq!(
            maildir_name(&split_server_name("inbox", "", Some('/'))).unwrap(),
            ""
        );
    }

    #[test]
    fn hostile_names_stay_inside() {
        for name in [
            "..",
            "../../etc",
            ".hidden",
            "a/../../b",
            "x\u{0}y",
            "a\nb",
            "/abs",
        ] {
            let local = maildir_name(&split_server_name(name, "", None)).unwrap();
            assert!(local.starts_with('.'));
            assert!(!local.contains('/'), "{local}");
            assert!(!local[1..].contains(".."), "{local}");
            assert!(!local.chars().any(char::is_control), "{local}");
            assert_ne!(local, ".");
        }
        // Split on the delimiter, ".." as a component is still escaped.
        let local = maildir_name(&split_server_name("a/../b", "", Some('/'))).unwrap();
        assert_eq!(local, ".a.%2E%2E.b");
        assert_eq!(maildir_name(&v(&["a", ""])), None);
        assert_eq!(maildir_name(&v(&[&"x".repeat(300)])), None);
    }

    #[test]
    fn server_names_for_new_folders() {
        let p = v(&["Archive", "2024"]);
        assert_eq!(
            join_server_name(&p, "INBOX.", Some('.')).unwrap(),
            "INBOX.Archive.2024"
        );
        assert_eq!(join_server_name(&p, "", Some('/')).unwrap(), "Archive/2024");
        assert_eq!(
            split_server_name("INBOX.Archive.2024", "INBOX.", Some('.')),
            p
        );
        assert_eq!(join_server_name(&[], "INBOX.", Some('.')).unwrap(), "INBOX");
        assert_eq!(join_server_name(&v(&["a.b"]), "INBOX.", Some('.')), None);
        assert_eq!(join_server_name(&p, "", None), None);
    }

    #[test]
    fn local_names_round_trip() {
        for path in [
            v(&[]),
            v(&["Sent"]),
            v(&["Archive", "2024"]),
            v(&["v1.2", "a%b", "Entwürfe"]),
        ] {
            let local = maildir_name(&path).unwrap();
            assert_eq!(path_of_maildir_name(&local), Some(path));
        }
        assert_eq!(path_of_maildir_name(".a..b"), None);
        assert_eq!(path_of_maildir_name(".a%zz"), None);
        assert_eq!(path_of_maildir_name("noDot"), None);
    }

    #[test]
    fn non_ascii_and_dots_in_components() {
        assert_eq!(maildir_name(&v(&["Entwürfe"])).unwrap(), ".Entwürfe");
        assert_eq!(maildir_name(&v(&["v1.2"])).unwrap(), ".v1%2E2");
    }

    #[test]
    fn patterns() {
        assert!(matches("*", "Archive/2024"));
        assert!(matches("Archive/*", "Archive/2024"));
        assert!(!matches("%", "Archive/2024"));
        assert!(matches("%", "Sent"));
        assert!(matches("inbox", "INBOX"));
        assert!(!matches("Sent", "Sent/x"));
        assert_eq!(
            normalize_pattern("INBOX.Archive.*", "INBOX.", Some('.')),
            "Archive/*"
        );
        assert_eq!(normalize_pattern("INBOX", "INBOX.", Some('.')), "INBOX");
        assert_eq!(normalize_pattern("Sent", "", Some('/')), "Sent");
    }
}

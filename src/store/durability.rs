//! What it takes for a file to be on disk: when one syncfs(2) can stand for an fsync per
//! file, a close whose error is not thrown away, and a rename that never replaces a file.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::OnceLock;

/// File systems where syncfs(2) does not reach the backing store, or reaches a different
/// one (statfs(2) `f_type`, from linux/magic.h): network and FUSE file systems flush only
/// the local page cache, overlayfs syncs its upper layer only on some kernels.
const UNTRUSTED_FS: &[(u64, &str)] = &[
    (0x6969, "nfs"),
    (0x517b, "smb"),
    (0xff53_4d42, "cifs"),
    (0xfe53_4d42, "smb2"),
    (0x6573_5546, "fuse"),
    (0x794c_7630, "overlay"),
    (0x00c3_6400, "ceph"),
    (0x0102_1997, "9p"),
    (0x5346_414f, "afs"),
    (0x6b41_4653, "kafs"),
    (0x7375_7245, "coda"),
    (0x0116_1970, "gfs2"),
    (0x7461_636f, "ocfs2"),
    (0x0000_f15f, "ecryptfs"),
];

/// True when one syncfs(2) on `file`'s file system makes the batch durable. Before Linux
/// 5.8 syncfs returned success even when writeback had failed, so it is trusted only on
/// 5.8 and later, and only on a local file system.
pub fn syncfs_trusted(file: &File) -> bool {
    if !kernel_reports_syncfs_errors() {
        return false;
    }
    match rustix::fs::fstatfs(file) {
        Ok(st) => {
            // `f_type` is i64 on some architectures, u32 on others.
            let fs_type = st.f_type as u64;
            match UNTRUSTED_FS.iter().find(|(magic, _)| *magic == fs_type) {
                Some((_, name)) => {
                    tracing::debug!("Maildir on {name}: an fsync per message instead of syncfs");
                    false
                }
                None => true,
            }
        }
        Err(_) => false,
    }
}

fn kernel_reports_syncfs_errors() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        let uname = rustix::system::uname();
        let release = uname.release().to_string_lossy();
        kernel_at_least(&release, (5, 8))
    })
}

/// `release` as uname(2) gives it ("6.1.0-18-amd64") is at least `min`.
fn kernel_at_least(release: &str, min: (u32, u32)) -> bool {
    let mut parts = release
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) => (major, minor) >= min,
        _ => false,
    }
}

/// Closes `file` and reports the error close(2) returns (on NFS, a write that failed
/// after the data left the page cache shows up only here).
pub fn close(file: File) -> io::Result<()> {
    nix::unistd::close(file).map_err(io::Error::from)
}

/// Renames `from` to `to` unless `to` exists: a plain rename would silently replace a
/// message that happens to have the same name. renameat2(RENAME_NOREPLACE) where the file
/// system has it, link + unlink (the Maildir spec's way) where it has hard links, and a
/// check before the rename as the last resort.
pub fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => return Ok(()),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::OPNOTSUPP => {}
        Err(e) => return Err(e.into()),
    }
    match std::fs::hard_link(from, to) {
        Ok(()) => return std::fs::remove_file(from),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
        Err(_) => {}
    }
    if to.symlink_metadata().is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "a message file with this name already exists",
        ));
    }
    std::fs::rename(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_versions() {
        assert!(kernel_at_least("6.1.0-18-amd64", (5, 8)));
        assert!(kernel_at_least("5.8.0", (5, 8)));
        assert!(!kernel_at_least("5.4.0-150-generic", (5, 8)));
        assert!(!kernel_at_least("4.19.0", (5, 8)));
        assert!(!kernel_at_least("garbage", (5, 8)));
    }

    #[test]
    fn rename_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("c"),
        );
        std::fs::write(&a, b"first").unwrap();
        std::fs::write(&b, b"second").unwrap();
        let e = rename_no_replace(&a, &b).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&b).unwrap(), b"second");
        assert_eq!(std::fs::read(&a).unwrap(), b"first");
        rename_no_replace(&a, &c).unwrap();
        assert!(!a.exists());
        assert_eq!(std::fs::read(&c).unwrap(), b"first");
    }

    #[test]
    fn a_local_file_system_is_trusted_on_a_recent_kernel() {
        let dir = tempfile::tempdir().unwrap();
        let f = File::create(dir.path().join("x")).unwrap();
        let expected = kernel_reports_syncfs_errors()
            && !UNTRUSTED_FS
                .iter()
                .any(|(m, _)| *m == rustix::fs::fstatfs(&f).unwrap().f_type as u64);
        assert_eq!(syncfs_trusted(&f), expected);
        close(f).unwrap();
    }
}

//! A folder bindery writes into, held open: every file in it is created, read, renamed and
//! removed relative to the folder's handle (`openat`, `renameat`, `unlinkat`), by a plain name,
//! never through a symlink (`O_NOFOLLOW`) and never as a FIFO or device (`O_NONBLOCK`, then the
//! opened file's own type is checked). A book that ships a link where bindery expects its own
//! folder or file therefore cannot turn a write or a removal to a place outside the output
//! folder: the check is made by the system call that does the work, not before it. The home of
//! `rustix`.
//!
//! Where the system has no such calls (not Unix), the same operations go by path, each after a
//! `symlink_metadata` check: weaker (a race could still swap in a link), documented in
//! SECURITY.md.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a name in a folder is, as seen without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Folder,
    /// A symlink, FIFO, socket or device: never opened.
    Other,
}

/// One name in a folder, as seen without following it.
#[derive(Debug, Clone)]
pub struct FolderEntry {
    pub name: OsString,
    pub kind: Kind,
    pub len: u64,
    pub modified: SystemTime,
}

/// An open folder; see the module's documentation.
#[derive(Debug)]
pub struct Folder {
    path: PathBuf,
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
}

/// A name must be one plain component: no separator, not `.` or `..`, not empty, no NUL.
fn plain(name: &str) -> io::Result<&str> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && Path::new(name).file_name() == Some(name.as_ref());
    if ok {
        Ok(name)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{name:?} is not a plain file name"),
        ))
    }
}

fn not_a_plain_file(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{what} is not a regular file (a link, FIFO or device); it is not used"),
    )
}

impl Folder {
    /// Open the folder at `path` (as the user named it: a link given on the command line is
    /// followed), creating it and its parents when `create`.
    pub fn open(path: &Path, create: bool) -> io::Result<Folder> {
        if create {
            std::fs::create_dir_all(path)?;
        }
        Folder::open_path(path)
    }

    /// Where the folder is, for messages and for callers that need a path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of `name` in this folder (for messages and results; never opened by bindery).
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// A whole file, when it is a regular file of at most `max` bytes; `Ok(None)` when there is
    /// no such name. A link, FIFO or device is an error and is never read; so is a larger file.
    pub fn read(&self, name: &str, max: u64) -> io::Result<Option<Vec<u8>>> {
        let mut file = match self.open_regular(name) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let len = file.metadata()?.len();
        if len > max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{name} is {len} bytes, over the {max} expected"),
            ));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        // Never more than the size seen: a file that grows while read is cut, not followed.
        file.by_ref().take(max + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{name} grew past {max} bytes while read"),
            ));
        }
        Ok(Some(bytes))
    }

    /// The first `n` bytes of a regular file (fewer if it is shorter).
    pub fn read_start(&self, name: &str, n: usize) -> io::Result<Vec<u8>> {
        let file = self.open_regular(name)?;
        let mut bytes = Vec::with_capacity(n);
        file.take(n as u64).read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// The names in the folder, each seen without following it.
    pub fn entries(&self) -> io::Result<Vec<FolderEntry>> {
        let mut out = Vec::new();
        for name in self.names()? {
            let Some(text) = name.to_str() else {
                out.push(FolderEntry {
                    name,
                    kind: Kind::Other,
                    len: 0,
                    modified: SystemTime::UNIX_EPOCH,
                });
                continue;
            };
            if let Ok(entry) = self.stat(text) {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Create the folder `name` inside this one if it is not there, then open it; a link or
    /// anything but a folder there is an error (never followed).
    pub fn sub(&self, name: &str, create: bool) -> io::Result<Folder> {
        plain(name)?;
        if create {
            match self.mkdir(name) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        self.open_sub(name)
    }
}

// The types of `stat`'s fields differ between systems (`st_dev` is `u64` on Linux, `i32` on
// macOS): the casts are needed somewhere, if not here.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)]
mod imp {
    //! The Unix calls, relative to the folder's handle.
    use super::*;
    use rustix::fs::{AtFlags, FileType, Mode, OFlags, Timespec, Timestamps, UTIME_OMIT};
    use std::os::fd::AsFd;

    fn kind(mode: u32) -> Kind {
        match FileType::from_raw_mode(mode as _) {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Folder,
            _ => Kind::Other,
        }
    }

    fn time(sec: i64, nsec: i64) -> SystemTime {
        if sec >= 0 {
            SystemTime::UNIX_EPOCH + std::time::Duration::new(sec as u64, nsec.max(0) as u32)
        } else {
            SystemTime::UNIX_EPOCH
        }
    }

    impl Folder {
        pub(super) fn open_path(path: &Path) -> io::Result<Folder> {
            let fd = rustix::fs::open(
                path,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            Ok(Folder {
                path: path.to_path_buf(),
                fd,
            })
        }

        pub(super) fn open_sub(&self, name: &str) -> io::Result<Folder> {
            let fd = rustix::fs::openat(
                &self.fd,
                name,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| {
                if e == rustix::io::Errno::LOOP || e == rustix::io::Errno::NOTDIR {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "{} is not a plain folder (a link or a file); bindery does not use it",
                            self.join(name).display()
                        ),
                    )
                } else {
                    e.into()
                }
            })?;
            Ok(Folder {
                path: self.join(name),
                fd,
            })
        }

        pub(super) fn mkdir(&self, name: &str) -> io::Result<()> {
            Ok(rustix::fs::mkdirat(
                &self.fd,
                name,
                Mode::from_raw_mode(0o755),
            )?)
        }

        /// Open `name` for reading: never a link (`O_NOFOLLOW`), never blocking on a FIFO
        /// (`O_NONBLOCK`), and a regular file by the opened file's own type.
        pub(super) fn open_regular(&self, name: &str) -> io::Result<File> {
            plain(name)?;
            let fd = rustix::fs::openat(
                &self.fd,
                name,
                OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| {
                if e == rustix::io::Errno::LOOP {
                    not_a_plain_file(name)
                } else {
                    e.into()
                }
            })?;
            let stat = rustix::fs::fstat(&fd)?;
            if kind(stat.st_mode as u32) != Kind::File {
                return Err(not_a_plain_file(name));
            }
            Ok(File::from(fd))
        }

        /// Another handle on the same folder.
        pub fn try_clone(&self) -> io::Result<Folder> {
            Ok(Folder {
                path: self.path.clone(),
                fd: self.fd.try_clone()?,
            })
        }

        /// A new file, created exclusively: an existing name (a link among them) is an error.
        pub fn create_new(&self, name: &str) -> io::Result<File> {
            plain(name)?;
            let fd = rustix::fs::openat(
                &self.fd,
                name,
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o644),
            )?;
            Ok(File::from(fd))
        }

        /// Take the advisory lock on this folder itself (`flock` on its handle), waiting for
        /// it when `wait`; `false` when another holds it and `wait` is not set. Held until
        /// this handle is closed, however the process ends.
        pub fn lock(&self, wait: bool) -> io::Result<bool> {
            use rustix::fs::FlockOperation;
            let op = if wait {
                FlockOperation::LockExclusive
            } else {
                FlockOperation::NonBlockingLockExclusive
            };
            match rustix::fs::flock(&self.fd, op) {
                Ok(()) => Ok(true),
                Err(e) if e == rustix::io::Errno::WOULDBLOCK && !wait => Ok(false),
                Err(e) => Err(e.into()),
            }
        }

        /// Rename `from` to `to`, both in this folder (a link named `to` is replaced, not
        /// followed).
        pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
            plain(from)?;
            plain(to)?;
            Ok(rustix::fs::renameat(&self.fd, from, &self.fd, to)?)
        }

        /// Remove the file `name` (a link is removed itself, its target untouched).
        pub fn remove(&self, name: &str) -> io::Result<()> {
            plain(name)?;
            Ok(rustix::fs::unlinkat(&self.fd, name, AtFlags::empty())?)
        }

        /// Set the modification time of the regular file `name` to now.
        pub fn touch(&self, name: &str) -> io::Result<()> {
            let file = self.open_regular(name)?;
            let times = Timestamps {
                last_access: Timespec {
                    tv_sec: 0,
                    tv_nsec: UTIME_OMIT,
                },
                last_modification: Timespec {
                    tv_sec: 0,
                    tv_nsec: rustix::fs::UTIME_NOW,
                },
            };
            Ok(rustix::fs::futimens(file.as_fd(), &times)?)
        }

        /// Make the renames and removals in this folder durable.
        pub fn sync(&self) {
            let _ = rustix::fs::fsync(&self.fd);
        }

        /// What identifies this very folder on this machine (device, inode and, where the
        /// system records it, its birth time): a copy, a clone or a new folder of the same name
        /// has another.
        pub fn identity(&self) -> [u64; 4] {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            if let Ok(x) = rustix::fs::statx(
                &self.fd,
                "",
                AtFlags::EMPTY_PATH,
                rustix::fs::StatxFlags::INO | rustix::fs::StatxFlags::BTIME,
            ) {
                let born = if x.stx_mask & rustix::fs::StatxFlags::BTIME.bits() != 0 {
                    (x.stx_btime.tv_sec as u64, u64::from(x.stx_btime.tv_nsec))
                } else {
                    (0, 0)
                };
                let dev = (u64::from(x.stx_dev_major) << 32) | u64::from(x.stx_dev_minor);
                return [dev, x.stx_ino, born.0, born.1];
            }
            match rustix::fs::fstat(&self.fd) {
                Ok(s) => [s.st_dev as u64, s.st_ino as u64, 0, 0],
                Err(_) => [0; 4],
            }
        }

        pub(super) fn names(&self) -> io::Result<Vec<OsString>> {
            use std::os::unix::ffi::OsStringExt;
            let mut out = Vec::new();
            for entry in rustix::fs::Dir::read_from(&self.fd)? {
                let entry = entry?;
                let name = entry.file_name().to_bytes();
                if name != b"." && name != b".." {
                    out.push(OsString::from_vec(name.to_vec()));
                }
            }
            Ok(out)
        }

        pub fn stat(&self, name: &str) -> io::Result<FolderEntry> {
            plain(name)?;
            let s = rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW)?;
            Ok(FolderEntry {
                name: name.into(),
                kind: kind(s.st_mode as u32),
                len: s.st_size as u64,
                modified: time(s.st_mtime as i64, s.st_mtime_nsec as i64),
            })
        }
    }

    impl AsFd for Folder {
        fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
            self.fd.as_fd()
        }
    }
}

#[cfg(not(unix))]
mod imp {
    //! By path, each operation after a check that the name is not a link.
    use super::*;

    fn kind(meta: &std::fs::Metadata) -> Kind {
        if meta.file_type().is_file() {
            Kind::File
        } else if meta.file_type().is_dir() {
            Kind::Folder
        } else {
            Kind::Other
        }
    }

    impl Folder {
        pub(super) fn open_path(path: &Path) -> io::Result<Folder> {
            if !std::fs::metadata(path)?.is_dir() {
                return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a folder"));
            }
            Ok(Folder {
                path: path.to_path_buf(),
            })
        }

        pub(super) fn open_sub(&self, name: &str) -> io::Result<Folder> {
            let path = self.join(name);
            if kind(&std::fs::symlink_metadata(&path)?) != Kind::Folder {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} is not a plain folder; bindery does not use it",
                        path.display()
                    ),
                ));
            }
            Ok(Folder { path })
        }

        pub(super) fn mkdir(&self, name: &str) -> io::Result<()> {
            std::fs::create_dir(self.join(name))
        }

        pub(super) fn open_regular(&self, name: &str) -> io::Result<File> {
            plain(name)?;
            let path = self.join(name);
            if kind(&std::fs::symlink_metadata(&path)?) != Kind::File {
                return Err(not_a_plain_file(name));
            }
            File::open(path)
        }

        pub fn try_clone(&self) -> io::Result<Folder> {
            Ok(Folder {
                path: self.path.clone(),
            })
        }

        pub fn create_new(&self, name: &str) -> io::Result<File> {
            plain(name)?;
            File::options()
                .write(true)
                .create_new(true)
                .open(self.join(name))
        }

        /// No lock where the system has none for folders: two builds into one folder are
        /// not kept apart.
        pub fn lock(&self, _wait: bool) -> io::Result<bool> {
            Ok(true)
        }

        pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
            std::fs::rename(self.join(plain(from)?), self.join(plain(to)?))
        }

        pub fn remove(&self, name: &str) -> io::Result<()> {
            std::fs::remove_file(self.join(plain(name)?))
        }

        pub fn touch(&self, name: &str) -> io::Result<()> {
            let file = File::options().append(true).open(self.join(plain(name)?))?;
            file.set_modified(SystemTime::now())
        }

        pub fn sync(&self) {}

        pub fn identity(&self) -> [u64; 4] {
            let made = std::fs::metadata(&self.path)
                .and_then(|m| m.created())
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64);
            [made, 0, 0, 0]
        }

        pub(super) fn names(&self) -> io::Result<Vec<OsString>> {
            Ok(std::fs::read_dir(&self.path)?
                .flatten()
                .map(|e| e.file_name())
                .collect())
        }

        pub fn stat(&self, name: &str) -> io::Result<FolderEntry> {
            let meta = std::fs::symlink_metadata(self.join(plain(name)?))?;
            Ok(FolderEntry {
                name: name.into(),
                kind: kind(&meta),
                len: meta.len(),
                modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_plain() {
        for bad in ["", ".", "..", "a/b", "../x", "/etc/passwd", "a\0b"] {
            assert!(plain(bad).is_err(), "{bad:?}");
        }
        assert!(plain(".bindery-cache").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn links_fifos_and_outside_names_are_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("thesis.txt"), b"years of work").unwrap();
        let out = dir.path().join("out");
        let folder = Folder::open(&out, true).unwrap();
        // A link where a folder is expected is refused, not entered.
        std::os::unix::fs::symlink(&outside, out.join(".bindery-cache")).unwrap();
        assert!(folder.sub(".bindery-cache", true).is_err());
        // A link where a file is expected is neither read nor written through.
        std::os::unix::fs::symlink(outside.join("thesis.txt"), out.join("entry")).unwrap();
        assert!(folder.read("entry", 1 << 20).is_err());
        assert!(folder.create_new("entry").is_err());
        // Removing the link removes the link only.
        folder.remove("entry").unwrap();
        assert_eq!(
            std::fs::read(outside.join("thesis.txt")).unwrap(),
            b"years of work"
        );
        // A FIFO is never opened for reading (it would block).
        let fifo = out.join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert!(folder.read("fifo", 1 << 20).is_err());
        // A file over the size expected is not read.
        std::fs::write(out.join("big"), vec![0u8; 100]).unwrap();
        assert!(folder.read("big", 99).is_err());
        assert_eq!(folder.read("big", 100).unwrap().unwrap().len(), 100);
        assert!(folder.read("absent", 100).unwrap().is_none());
        let kinds: Vec<_> = {
            let mut e = folder.entries().unwrap();
            e.sort_by(|a, b| a.name.cmp(&b.name));
            e.into_iter().map(|e| (e.name, e.kind)).collect()
        };
        assert_eq!(
            kinds,
            vec![
                (".bindery-cache".into(), Kind::Other),
                ("big".into(), Kind::File),
                ("fifo".into(), Kind::Other),
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn one_holder_of_a_folder_lock_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let first = Folder::open(dir.path(), false).unwrap();
        assert!(first.lock(false).unwrap());
        let second = Folder::open(dir.path(), false).unwrap();
        assert!(!second.lock(false).unwrap(), "held by the first");
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            second.lock(true).unwrap();
            tx.send(()).unwrap();
        });
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(300))
            .is_err());
        drop(first);
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        waiter.join().unwrap();
        // Nothing is left in the folder: the lock is on the folder itself.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn identity_differs_between_folders_and_stays_for_one() {
        let dir = tempfile::tempdir().unwrap();
        let a = Folder::open(&dir.path().join("a"), true).unwrap();
        let b = Folder::open(&dir.path().join("b"), true).unwrap();
        assert_ne!(a.identity(), b.identity());
        let a2 = Folder::open(&dir.path().join("a"), false).unwrap();
        assert_eq!(a.identity(), a2.identity());
    }
}

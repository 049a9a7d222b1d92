//! The downloaded pictures (`--fetch-remote`), kept in `OUT/.bindery-cache/remote/` so that each
//! is downloaded once and the next build works offline.
//!
//! Like the picture cache ([`super::cache`]), the folder is untrusted (a cloned book may ship
//! its `out/`): it is opened through the output folder's handle without following links, an
//! entry is read only as a regular file no larger than a picture may be, and an entry counts
//! only if it names its own address and ends with a keyed hash of all its bytes. The key is made
//! from this very folder's identity (device, inode, birth time), so an entry planted in a clone
//! or copied from elsewhere is never taken for the picture at its address: it is downloaded
//! again and replaced. Unlike the picture cache, the key does not include the bindery program: a
//! download does not depend on it, and a new bindery still builds offline.
//!
//! After a build that downloads, the entries of addresses the book no longer shows are removed
//! (and only files that are this folder's entries by name and by their first bytes).

use std::collections::HashSet;

use super::cache::{is_key, is_temporary, tag, TAG_LEN};
use crate::fingerprint::Fingerprint;
use crate::folder::{Folder, Kind};

/// The first bytes of every entry.
const MAGIC: &[u8] = b"bindery download 1\n";
/// The longest address stored with its entry (longer ones are not kept).
const MAX_URL: usize = 8192;

/// The downloads of one output folder.
#[derive(Debug)]
pub struct Downloads {
    /// The entries' folder, when it is there (or made, when `write`).
    folder: Option<Folder>,
    write: bool,
    secret: u128,
    /// The largest picture a download may be.
    max_picture: u64,
    /// Why the folder was there but not used.
    refused: Option<String>,
}

impl Downloads {
    /// No stored downloads: every remote picture is downloaded and none is kept.
    pub fn off() -> Downloads {
        Downloads {
            folder: None,
            write: false,
            secret: 0,
            max_picture: 0,
            refused: None,
        }
    }

    /// The downloads kept in the output folder `out`, each at most `max_picture` bytes. When
    /// `write`, the folder is made and new downloads are kept.
    pub fn in_output_folder(out: &Folder, max_picture: u64, write: bool) -> Downloads {
        let mut downloads = Downloads::off();
        downloads.write = write;
        downloads.max_picture = max_picture;
        let opened = out
            .sub(".bindery-cache", write)
            .and_then(|c| c.sub("remote", write));
        match opened {
            Ok(folder) => {
                downloads.secret = secret_of(&folder);
                downloads.folder = Some(folder);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => downloads.refused = Some(e.to_string()),
        }
        downloads
    }

    /// Why the folder was there but not used (a link, a file), for a warning.
    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// The picture downloaded earlier from `url`, when a sound entry holds it.
    pub fn get(&self, url: &str) -> Option<Vec<u8>> {
        let folder = self.folder.as_ref()?;
        let limit = self.max_picture + (MAGIC.len() + MAX_URL + 16 + TAG_LEN) as u64;
        let entry = folder.read(&key(url), limit).ok()??;
        decode(&entry, url, self.secret)
    }

    /// Keep the picture downloaded from `url` (a failure to write only costs a download).
    pub fn put(&self, url: &str, picture: &[u8]) {
        let Some(folder) = self.folder.as_ref().filter(|_| self.write) else {
            return;
        };
        if url.len() > MAX_URL || picture.len() as u64 > self.max_picture {
            return;
        }
        let _ = crate::output::replace(folder, &key(url), &encode(url, picture, self.secret));
    }

    /// Remove the entries of every address not in `shown`, and temporaries left by killed runs.
    pub fn keep_only<'a>(&self, shown: impl IntoIterator<Item = &'a str>) {
        let Some(folder) = self.folder.as_ref().filter(|_| self.write) else {
            return;
        };
        let Ok(listed) = folder.entries() else {
            return;
        };
        let kept: HashSet<String> = shown.into_iter().map(key).collect();
        for e in listed {
            let Some(name) = e.name.to_str().filter(|_| e.kind == Kind::File) else {
                continue;
            };
            let ours = folder
                .read_start(name, MAGIC.len())
                .is_ok_and(|start| start == MAGIC);
            let stale = (is_key(name) && !kept.contains(name)) || is_temporary(name);
            if stale && (ours || e.len == 0) {
                let _ = folder.remove(name);
            }
        }
    }
}

/// An entry's name: the fingerprint of its address, 32 lowercase hex digits (as [`is_key`]).
fn key(url: &str) -> String {
    let mut h = Fingerprint::new();
    h.bytes(MAGIC).bytes(url.as_bytes());
    format!("{:032x}", h.finish())
}

/// The key of an entries folder's hashes: this very folder.
fn secret_of(folder: &Folder) -> u128 {
    let mut f = Fingerprint::new();
    f.bytes(MAGIC);
    for n in folder.identity() {
        f.number(n);
    }
    f.finish()
}

/// MAGIC, the address (length and bytes), the picture (length and bytes), the keyed hash.
fn encode(url: &str, picture: &[u8], secret: u128) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend((url.len() as u64).to_le_bytes());
    out.extend(url.as_bytes());
    out.extend((picture.len() as u64).to_le_bytes());
    out.extend(picture);
    let tag = tag(&out, secret);
    out.extend(tag);
    out
}

/// The picture in an entry; `None` for anything that is not exactly what `encode` wrote for
/// `url` in this folder.
fn decode(entry: &[u8], url: &str, secret: u128) -> Option<Vec<u8>> {
    let (body, stored) = entry.split_at_checked(entry.len().checked_sub(TAG_LEN)?)?;
    if tag(body, secret) != stored {
        return None;
    }
    let rest = body.strip_prefix(MAGIC)?;
    let (len, rest) = rest.split_at_checked(8)?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
    let (stored_url, rest) = rest.split_at_checked(len)?;
    if stored_url != url.as_bytes() {
        return None;
    }
    let (len, rest) = rest.split_at_checked(8)?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
    (rest.len() == len).then(|| rest.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn downloads_in(dir: &std::path::Path) -> Downloads {
        let out = Folder::open(dir, true).unwrap();
        Downloads::in_output_folder(&out, 1 << 20, true)
    }

    #[test]
    fn a_download_is_read_back_only_for_its_own_address() {
        let dir = tempfile::tempdir().unwrap();
        let d = downloads_in(dir.path());
        d.put("https://example.org/a.png", b"picture a");
        assert_eq!(
            d.get("https://example.org/a.png").as_deref(),
            Some(&b"picture a"[..])
        );
        assert_eq!(d.get("https://example.org/b.png"), None);
        // An entry renamed to another address's name is not that address's picture.
        let folder = dir.path().join(".bindery-cache/remote");
        std::fs::rename(
            folder.join(key("https://example.org/a.png")),
            folder.join(key("https://example.org/b.png")),
        )
        .unwrap();
        assert_eq!(
            downloads_in(dir.path()).get("https://example.org/b.png"),
            None
        );
    }

    #[test]
    fn an_entry_made_for_another_folder_or_changed_is_not_read() {
        let made = tempfile::tempdir().unwrap();
        downloads_in(made.path()).put("https://example.org/a.png", b"picture a");
        let entry = std::fs::read(
            made.path()
                .join(".bindery-cache/remote")
                .join(key("https://example.org/a.png")),
        )
        .unwrap();
        // The same bytes in another output folder (a cloned book's `out/`): not trusted.
        let other = tempfile::tempdir().unwrap();
        let folder = other.path().join(".bindery-cache/remote");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(key("https://example.org/a.png")), &entry).unwrap();
        assert_eq!(
            downloads_in(other.path()).get("https://example.org/a.png"),
            None
        );
        // One byte changed in place: not read either.
        let mut changed = entry.clone();
        changed[MAGIC.len() + 30] ^= 1;
        let own = made.path().join(".bindery-cache/remote");
        std::fs::write(own.join(key("https://example.org/a.png")), &changed).unwrap();
        assert_eq!(
            downloads_in(made.path()).get("https://example.org/a.png"),
            None
        );
    }

    #[test]
    fn only_entries_of_addresses_no_longer_shown_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = downloads_in(dir.path());
        d.put("https://example.org/a.png", b"a");
        d.put("https://example.org/b.png", b"b");
        let folder = dir.path().join(".bindery-cache/remote");
        // A file of the same name shape that is not an entry stays.
        let foreign = "0123456789abcdef0123456789abcdef";
        std::fs::write(folder.join(foreign), b"not ours").unwrap();
        d.keep_only(["https://example.org/b.png"]);
        assert_eq!(d.get("https://example.org/a.png"), None);
        assert_eq!(
            d.get("https://example.org/b.png").as_deref(),
            Some(&b"b"[..])
        );
        assert!(folder.join(foreign).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_place_of_the_folder_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".bindery-cache")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join(".bindery-cache/remote"))
            .unwrap();
        let d = downloads_in(dir.path());
        assert!(d.refused().is_some());
        d.put("https://example.org/a.png", b"a");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }
}

//! The picture cache: decoded, oriented, resized and encoded pictures kept on disk by the hash
//! of their source bytes and of everything that shaped them, so a rebuild after an edit does not
//! decode 150 photos again.
//!
//! Entries live in `OUT/.bindery-cache/pictures/`, one file each, written atomically (a
//! temporary name, then a rename). The folder is safe to delete at any time. After a build that
//! added entries, the oldest entries (by last use) are removed until the folder is under its
//! size limit (`[bindery] cache-mib`).
//!
//! The cache is untrusted input like the book (a cloned repository may ship an `out/` folder):
//! - the folders are opened through the output folder's handle without following links
//!   ([`Folder`]): a `.bindery-cache` that is a link to elsewhere is not used (a warning), so
//!   the cache never writes or deletes outside the output folder;
//! - an entry is read only if it is a regular file no larger than its pictures may be (a FIFO,
//!   a link to `/dev/zero` or a 2 GiB sparse file is never read whole);
//! - an entry carries a keyed hash of all its bytes. The key is made from this very folder's
//!   identity (device, inode, birth time) and the bindery program, so an entry made anywhere
//!   else (shipped in a clone, copied from another machine) or damaged on disk does not match;
//!   such an entry is ignored, made again from the source and replaced, with a note. A corrupted
//!   or planted cache can never break a build or change what a book shows;
//! - a read entry is still checked against its header (size within the edges and pixel limit);
//! - trimming removes only files that are this cache's entries by name (32 hex digits) and by
//!   their first bytes, or its own stale temporaries: nothing else in the folder, ever.
//!
//! The key covers the source bytes, the settings, the edges and the bindery program itself (the
//! hash of its executable), so a new bindery never reads an older one's pictures. SVG drawings
//! are not cached: they are cleaned, not decoded, and that is fast.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use crate::fingerprint::Fingerprint;
use crate::folder::{Folder, Kind};

use super::picture::{header_size, PictureFailure, PictureSettings, Processed};

/// The first bytes of every entry bindery has written, whatever its layout.
const FAMILY: &[u8] = b"bindery picture cache ";
/// The first bytes of an entry; a new layout gets a new number.
const MAGIC: &[u8] = b"bindery picture cache 2\n";
/// The keyed hash at the end of an entry.
pub(super) const TAG_LEN: usize = 16;

/// Where the cache lives, and whether this run may add to it.
#[derive(Debug)]
pub struct PictureCache {
    /// The entries' folder, once it is open: at the start when it is there, or when the first
    /// entry is written (a build that stores nothing makes no folder).
    opened: OnceLock<Option<Folder>>,
    /// The output folder, to make the cache's folders in when the first entry is written.
    out: Option<Folder>,
    /// `false` for `bindery check`, which writes nothing.
    write: bool,
    max_bytes: u64,
    /// The largest entry that can be sound: an entry larger than this is not read.
    max_entry: u64,
    /// The key of the entries' hashes: this folder and this program.
    secret: u128,
    /// Entries found damaged, foreign or unreadable in this run (made again and replaced).
    repaired: AtomicUsize,
    /// Why the cache folder was not used, when it was there but not a plain folder.
    refused: Option<String>,
}

impl PictureCache {
    /// No cache: every picture is made from its source.
    pub fn off() -> PictureCache {
        PictureCache {
            opened: OnceLock::new(),
            out: None,
            write: false,
            max_bytes: 0,
            max_entry: 0,
            secret: 0,
            repaired: AtomicUsize::new(0),
            refused: None,
        }
    }

    /// The cache of the outputs in the output folder `out`, at most `max_bytes` (0: off), each
    /// entry at most `max_entry` bytes. When `write`, its folders are created.
    pub fn in_output_folder(
        out: &Folder,
        max_bytes: u64,
        max_entry: u64,
        write: bool,
    ) -> PictureCache {
        let mut cache = PictureCache::off();
        if max_bytes == 0 {
            return cache;
        }
        cache.write = write;
        cache.max_bytes = max_bytes;
        cache.max_entry = max_entry;
        match open_entries(out, false) {
            Ok(folder) => {
                cache.secret = secret_of(&folder);
                let _ = cache.opened.set(Some(folder));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if write {
                    cache.out = out.try_clone().ok();
                }
            }
            Err(e) => {
                cache.refused = Some(e.to_string());
                let _ = cache.opened.set(None);
            }
        }
        if cache.out.is_none() && cache.opened.get().is_none() {
            let _ = cache.opened.set(None);
        }
        cache
    }

    /// The entries' folder when it is open (reading never makes it).
    fn entries(&self) -> Option<&Folder> {
        self.opened.get()?.as_ref()
    }

    /// The entries' folder, made on the first write.
    fn entries_to_write(&self) -> Option<&Folder> {
        if !self.write {
            return None;
        }
        self.opened
            .get_or_init(|| open_entries(self.out.as_ref()?, true).ok())
            .as_ref()
    }

    /// Why the cache folder was there but not used (a link, a file), for a warning.
    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// How many entries were found unsound in this run, and made again.
    pub fn repaired(&self) -> usize {
        self.repaired.load(Ordering::Relaxed)
    }

    /// The key of a picture made from `source` with these settings, in these variants.
    fn key(source: &[u8], settings: &PictureSettings, edges: &[u32]) -> String {
        let mut h = Fingerprint::new();
        h.bytes(program_hash()).bytes(MAGIC);
        for n in [
            u64::from(settings.max_edge),
            u64::from(settings.jpeg_quality),
            settings.max_pixels,
            settings.max_memory,
            edges.len() as u64,
        ] {
            h.number(n);
        }
        for e in edges {
            h.number(u64::from(*e));
        }
        h.bytes(source);
        format!("{:032x}", h.finish())
    }

    /// The variants of the picture made from `source`: from a sound entry when there is one,
    /// else made by `make` and kept (a failure is not kept: the next build tries again).
    pub fn get_or_make(
        &self,
        source: &[u8],
        settings: &PictureSettings,
        edges: &[u32],
        make: impl FnOnce() -> Result<Vec<Processed>, PictureFailure>,
    ) -> Result<Vec<Processed>, PictureFailure> {
        let key = PictureCache::key(source, settings, edges);
        if let Some(variants) = self.get(&key, settings, edges) {
            return Ok(variants);
        }
        let made = make();
        if let Ok(variants) = &made {
            self.put(&key, variants);
        }
        made
    }

    /// The variants stored under `key`, if there is a sound entry. An entry that is there but
    /// unsound is counted (see [`PictureCache::repaired`]) and will be replaced by `put`.
    fn get(&self, key: &str, settings: &PictureSettings, edges: &[u32]) -> Option<Vec<Processed>> {
        let folder = self.entries()?;
        let bytes = match folder.read(key, self.max_entry) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return None,
            Err(_) => {
                self.repaired.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        };
        let largest = edges.iter().copied().max().unwrap_or(settings.max_edge);
        let variants = decode(&bytes, key, self.secret_for(folder)).filter(|variants| {
            variants.len() == edges.len()
                && variants.iter().all(|p| {
                    header_size(&p.bytes) == Some((p.width, p.height))
                        && p.width.max(p.height) <= largest
                        && u64::from(p.width) * u64::from(p.height) <= settings.max_pixels
                })
        });
        if variants.is_none() {
            self.repaired.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        // The entry's time is its last use: trimming removes the longest unused first.
        if self.write {
            let _ = folder.touch(key);
        }
        variants
    }

    /// Keep `variants` under `key` (a failure to write only costs time on the next build). An
    /// unsound entry under the same name, whatever it is, is replaced (a rename replaces a link
    /// or a FIFO itself, never what it points to).
    fn put(&self, key: &str, variants: &[Processed]) {
        let Some(folder) = self.entries_to_write() else {
            return;
        };
        let Some(bytes) = encode(variants, key, self.secret_for(folder)) else {
            return;
        };
        if bytes.len() as u64 <= self.max_entry {
            let _ = crate::output::replace(folder, key, &bytes);
        }
    }

    /// Remove the least recently used entries until the cache is under its limit, and the
    /// temporaries of runs that were killed while writing one. Only this cache's own files are
    /// ever removed (see the module's documentation); everything else is left as it is.
    pub fn trim(&self) {
        let Some(folder) = self.entries().filter(|_| self.write) else {
            return;
        };
        let Ok(listed) = folder.entries() else {
            return;
        };
        let mut entries: Vec<(std::time::SystemTime, u64, String)> = Vec::new();
        for e in listed {
            let Some(name) = e.name.to_str().filter(|_| e.kind == Kind::File) else {
                continue;
            };
            let ours = folder
                .read_start(name, FAMILY.len())
                .is_ok_and(|start| start == FAMILY);
            if is_key(name) && ours {
                entries.push((e.modified, e.len, name.to_string()));
            } else if is_temporary(name) && (ours || e.len == 0) {
                // Only one build writes into an output folder at a time (its lock): a
                // temporary entry is a killed run's.
                let _ = folder.remove(name);
            }
        }
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        entries.sort();
        for (_, size, name) in entries {
            if total <= self.max_bytes {
                break;
            }
            if folder.remove(&name).is_ok() {
                total -= size;
            }
        }
    }

    /// Where the entries are (for messages and tests).
    pub fn folder(&self) -> Option<PathBuf> {
        self.entries().map(|f| f.path().to_path_buf())
    }

    /// The key of the entries' hashes in `folder` (made when the folder was opened, or now,
    /// when this run made it).
    fn secret_for(&self, folder: &Folder) -> u128 {
        if self.secret != 0 {
            self.secret
        } else {
            secret_of(folder)
        }
    }
}

/// `OUT/.bindery-cache/pictures`, opened (and made, when `create`) without following links.
fn open_entries(out: &Folder, create: bool) -> std::io::Result<Folder> {
    out.sub(".bindery-cache", create)
        .and_then(|c| c.sub("pictures", create))
}

/// The key of an entries folder's hashes: this very folder and this program.
fn secret_of(folder: &Folder) -> u128 {
    let mut f = Fingerprint::new();
    f.bytes(program_hash());
    for n in folder.identity() {
        f.number(n);
    }
    f.finish()
}

/// An entry's name: a key, 32 lowercase hex digits (the download store's too).
pub(super) fn is_key(name: &str) -> bool {
    name.len() == 32
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A temporary of an entry being written: `.KEY.XXXXXXXX.tmp` (the download store's too).
pub(super) fn is_temporary(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_suffix(".tmp"))
        .and_then(|n| n.split_once('.'))
        .is_some_and(|(key, suffix)| is_key(key) && suffix.len() == 8)
}

/// The hash of the running bindery (its executable), read once per process: entries made by
/// another build of bindery are never read.
fn program_hash() -> &'static [u8] {
    static HASH: OnceLock<[u8; 16]> = OnceLock::new();
    HASH.get_or_init(|| {
        let mut h = Fingerprint::new();
        h.bytes(env!("CARGO_PKG_VERSION").as_bytes());
        match std::env::current_exe().and_then(std::fs::read) {
            Ok(program) => h.bytes(&program),
            // No way to tell this program from another: a key no other run will have.
            Err(_) => h.bytes(
                &std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
                    .to_le_bytes(),
            ),
        };
        h.finish().to_le_bytes()
    })
}

/// The raster types an entry may hold, by their index in the file.
const MEDIA: [(&str, &str); 4] = [
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
];

/// The keyed hash of an entry's body (the download store's too).
pub(super) fn tag(body: &[u8], secret: u128) -> [u8; TAG_LEN] {
    Fingerprint::keyed(secret)
        .bytes(body)
        .finish()
        .to_le_bytes()
}

/// The entry's bytes, or `None` for what is not cached (drawings, pictures with findings). The
/// entry names its own key (a file copied or renamed to another key is not read) and ends with
/// the keyed hash of everything before it.
fn encode(variants: &[Processed], key: &str, secret: u128) -> Option<Vec<u8>> {
    let mut out = MAGIC.to_vec();
    out.extend((key.len() as u32).to_le_bytes());
    out.extend(key.as_bytes());
    out.extend((variants.len() as u32).to_le_bytes());
    for p in variants {
        if !p.removed.is_empty() || p.embedded_limits.is_some() {
            return None;
        }
        let media = MEDIA
            .iter()
            .position(|(m, e)| *m == p.media_type && *e == p.extension)?;
        out.push(media as u8);
        out.push(u8::from(p.reencoded));
        out.extend(p.width.to_le_bytes());
        out.extend(p.height.to_le_bytes());
        out.extend((p.bytes.len() as u64).to_le_bytes());
        out.extend(&p.bytes);
    }
    let tag = tag(&out, secret);
    out.extend(tag);
    Some(out)
}

/// An entry read back; `None` for anything that is not exactly what `encode` wrote for `key`
/// in this folder.
fn decode(bytes: &[u8], key: &str, secret: u128) -> Option<Vec<Processed>> {
    let (body, stored) = bytes.split_at_checked(bytes.len().checked_sub(TAG_LEN)?)?;
    if tag(body, secret) != stored {
        return None;
    }
    let mut rest = body.strip_prefix(MAGIC)?;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, tail) = rest.split_at_checked(n)?;
        rest = tail;
        Some(head)
    };
    let key_len = u32::from_le_bytes(take(4)?.try_into().ok()?);
    if take(usize::try_from(key_len).ok()?)? != key.as_bytes() {
        return None;
    }
    let count = u32::from_le_bytes(take(4)?.try_into().ok()?);
    let mut variants = Vec::new();
    for _ in 0..count.min(16) {
        let media = *MEDIA.get(usize::from(*take(1)?.first()?))?;
        let reencoded = match take(1)?[0] {
            0 => false,
            1 => true,
            _ => return None,
        };
        let width = u32::from_le_bytes(take(4)?.try_into().ok()?);
        let height = u32::from_le_bytes(take(4)?.try_into().ok()?);
        let len = u64::from_le_bytes(take(8)?.try_into().ok()?);
        let data = take(usize::try_from(len).ok()?)?.to_vec();
        variants.push(Processed {
            bytes: data,
            media_type: media.0,
            extension: media.1,
            width,
            height,
            reencoded,
            removed: Vec::new(),
            embedded_limits: None,
        });
    }
    (variants.len() == count as usize && rest.is_empty()).then_some(variants)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> PictureSettings {
        PictureSettings {
            max_edge: 1600,
            jpeg_quality: 85,
            max_pixels: 100_000_000,
            max_memory: 1 << 30,
        }
    }

    fn png(width: u32, height: u32) -> Processed {
        let mut bytes = Vec::new();
        image::RgbImage::new(width, height)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        Processed {
            bytes,
            media_type: "image/png",
            extension: "png",
            width,
            height,
            reencoded: true,
            removed: Vec::new(),
            embedded_limits: None,
        }
    }

    fn cache_in(dir: &std::path::Path, max_bytes: u64) -> PictureCache {
        let out = Folder::open(dir, true).unwrap();
        PictureCache::in_output_folder(&out, max_bytes, 1 << 24, true)
    }

    const KEY_A: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn an_entry_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_in(dir.path(), 1 << 20);
        let key = PictureCache::key(b"source", &settings(), &[1600, 2400]);
        assert_eq!(
            cache.get(&key, &settings(), &[1600, 2400]).map(|v| v.len()),
            None
        );
        cache.put(&key, &[png(20, 10), png(30, 15)]);
        let back = cache.get(&key, &settings(), &[1600, 2400]).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!((back[1].width, back[1].height), (30, 15));
        assert_eq!(back[0].bytes, png(20, 10).bytes);
        assert_eq!(cache.repaired(), 0);
    }

    #[test]
    fn keys_change_with_the_source_the_settings_and_the_edges() {
        let s = settings();
        let k = PictureCache::key(b"a", &s, &[1600]);
        assert_ne!(k, PictureCache::key(b"b", &s, &[1600]));
        assert_ne!(k, PictureCache::key(b"a", &s, &[1600, 2400]));
        let q = PictureSettings {
            jpeg_quality: 70,
            ..settings()
        };
        assert_ne!(k, PictureCache::key(b"a", &q, &[1600]));
        assert_eq!(k, PictureCache::key(b"a", &s, &[1600]));
        assert!(is_key(&k));
    }

    #[test]
    fn an_entry_that_lies_about_its_picture_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_in(dir.path(), 1 << 20);
        // Claims 20 x 10, holds 2000 x 1000: a planted entry must not pass the pixel limits.
        let mut liar = png(2000, 1000);
        liar.width = 20;
        liar.height = 10;
        cache.put("liar", &[liar]);
        assert!(cache.get("liar", &settings(), &[1600]).is_none());
        // Over the largest edge, even when honest.
        cache.put("big", &[png(2000, 10)]);
        assert!(cache.get("big", &settings(), &[1600]).is_none());
        assert_eq!(cache.repaired(), 2);
        // Cut short, or with bytes after the end.
        let good = encode(&[png(4, 4)], "k", 7).unwrap();
        assert!(decode(&good[..good.len() - 1], "k", 7).is_none());
        assert!(decode(&[good.as_slice(), b"x"].concat(), "k", 7).is_none());
        assert!(decode(&good, "k", 7).is_some());
        // Another key's entry, copied under this one; an entry of another folder.
        assert!(decode(&good, "other", 7).is_none());
        assert!(decode(&good, "k", 8).is_none());
    }

    #[test]
    fn a_flipped_byte_anywhere_is_found_and_the_entry_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_in(dir.path(), 1 << 20);
        cache.put(KEY_A, &[png(40, 30)]);
        let path = cache.folder().unwrap().join(KEY_A);
        let good = std::fs::read(&path).unwrap();
        // A byte inside the picture data, past the header the old checks read.
        for at in [good.len() / 2, good.len() - 30, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x10;
            std::fs::write(&path, &bad).unwrap();
            assert!(
                cache.get(KEY_A, &settings(), &[1600]).is_none(),
                "byte {at}"
            );
        }
        assert_eq!(cache.repaired(), 3);
        cache.put(KEY_A, &[png(40, 30)]);
        assert!(cache.get(KEY_A, &settings(), &[1600]).is_some());
    }

    #[test]
    fn an_entry_from_another_folder_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let made_here = cache_in(&dir.path().join("a"), 1 << 20);
        made_here.put(KEY_A, &[png(40, 30)]);
        // The same bytes under the same name in another output folder: a cloned repository
        // shipping its cache, or a copy from another machine.
        let elsewhere = cache_in(&dir.path().join("b"), 1 << 20);
        elsewhere.put("b0000000000000000000000000000000", &[png(4, 4)]);
        std::fs::copy(
            made_here.folder().unwrap().join(KEY_A),
            elsewhere.folder().unwrap().join(KEY_A),
        )
        .unwrap();
        assert!(elsewhere.get(KEY_A, &settings(), &[1600]).is_none());
        assert_eq!(elsewhere.repaired(), 1);
        assert!(made_here.get(KEY_A, &settings(), &[1600]).is_some());
    }

    #[cfg(unix)]
    #[test]
    fn fifos_links_and_huge_entries_are_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache_in(dir.path(), 1 << 30);
        assert!(
            cache.folder().is_none(),
            "made by the first entry, not before"
        );
        cache.put(KEY_A, &[png(4, 4)]);
        let folder = cache.folder().unwrap();
        let fifo = "00000000000000000000000000000001";
        assert!(std::process::Command::new("mkfifo")
            .arg(folder.join(fifo))
            .status()
            .unwrap()
            .success());
        let zero = "00000000000000000000000000000002";
        std::os::unix::fs::symlink("/dev/zero", folder.join(zero)).unwrap();
        let sparse = "00000000000000000000000000000003";
        std::fs::File::create(folder.join(sparse))
            .unwrap()
            .set_len(2 << 30)
            .unwrap();
        for key in [fifo, zero, sparse] {
            assert!(cache.get(key, &settings(), &[1600]).is_none(), "{key}");
        }
        assert_eq!(cache.repaired(), 3);
        // Each is replaced by a sound entry when the picture is made again.
        for key in [fifo, zero, sparse] {
            cache.put(key, &[png(4, 4)]);
            assert!(cache.get(key, &settings(), &[1600]).is_some(), "{key}");
        }
    }

    #[test]
    fn trimming_removes_the_least_recently_used_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let one = encode(&[png(64, 64)], KEY_A, 0).unwrap().len() as u64;
        let cache = cache_in(dir.path(), one * 2);
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let keys = [
            "a0000000000000000000000000000000",
            "b0000000000000000000000000000000",
            "c0000000000000000000000000000000",
        ];
        for key in keys {
            cache.put(key, &[png(64, 64)]);
        }
        let folder = cache.folder().unwrap();
        // Files that are not entries, however old and large: never removed.
        std::fs::write(folder.join("thesis.odt"), vec![1u8; 100_000]).unwrap();
        std::fs::write(
            folder.join("d0000000000000000000000000000000"),
            vec![2u8; 100_000],
        )
        .unwrap();
        for name in [
            keys[0],
            keys[1],
            "thesis.odt",
            "d0000000000000000000000000000000",
        ] {
            std::fs::File::options()
                .append(true)
                .open(folder.join(name))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        // A killed run's temporary entry.
        std::fs::write(folder.join(format!(".{}.abcdefgh.tmp", keys[0])), FAMILY).unwrap();
        // "a" was used just now: "b" is the oldest entry.
        assert!(cache.get(keys[0], &settings(), &[1600]).is_some());
        cache.trim();
        let mut left: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![
                keys[0],
                keys[2],
                "d0000000000000000000000000000000",
                "thesis.odt"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_cache_folder_that_links_elsewhere_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("home");
        std::fs::create_dir_all(elsewhere.join("pictures")).unwrap();
        std::fs::write(
            elsewhere.join("pictures/a0000000000000000000000000000000"),
            b"x",
        )
        .unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join(".bindery-cache")).unwrap();
        let cache = cache_in(&out, 1);
        assert!(cache.refused().is_some());
        cache.put(KEY_A, &[png(4, 4)]);
        cache.trim();
        let names: Vec<_> = std::fs::read_dir(elsewhere.join("pictures"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("a0000000000000000000000000000000")]
        );
        // The same with only the inner folder linked.
        std::fs::remove_file(out.join(".bindery-cache")).unwrap();
        std::fs::create_dir(out.join(".bindery-cache")).unwrap();
        std::os::unix::fs::symlink(
            elsewhere.join("pictures"),
            out.join(".bindery-cache/pictures"),
        )
        .unwrap();
        assert!(cache_in(&out, 1).refused().is_some());
    }

    #[test]
    fn drawings_and_a_read_only_run_are_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut svg = png(4, 4);
        svg.media_type = "image/svg+xml";
        svg.extension = "svg";
        assert!(encode(&[svg], "k", 0).is_none());
        let out = Folder::open(dir.path(), false).unwrap();
        let reading = PictureCache::in_output_folder(&out, 1 << 20, 1 << 20, false);
        reading.put(KEY_A, &[png(4, 4)]);
        assert!(!dir.path().join(".bindery-cache").exists());
    }
}

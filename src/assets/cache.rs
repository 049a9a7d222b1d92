//! The picture cache: decoded, oriented, resized and encoded pictures kept on disk by the hash
//! of their source bytes and of everything that shaped them, so a rebuild after an edit does not
//! decode 150 photos again.
//!
//! Entries live in `OUT/.bindery-cache/pictures/`, one file each, written atomically (a
//! temporary name, then a rename). The folder is safe to delete at any time. After a build that
//! added entries, the oldest entries (by last use) are removed until the folder is under its
//! size limit (`[bindery] cache-mib`).
//!
//! The key covers the source bytes, the settings, the edges and the bindery program itself (the
//! hash of its executable), so a new bindery never reads an older one's pictures. An entry is
//! only trusted after its own checks: a known raster type whose header gives the recorded size,
//! within the edges and the pixel limit. A cache planted in the output folder can therefore not
//! slip a decompression bomb past the limits. SVG drawings are not cached: they are cleaned, not
//! decoded, and that is fast.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::fingerprint::Fingerprint;

use super::images::{self, Processed, Settings};

/// The first bytes of an entry; a new layout gets a new number.
const MAGIC: &[u8] = b"bindery picture cache 1\n";

/// Where the cache lives, and whether this run may add to it.
#[derive(Debug, Clone)]
pub struct PictureCache {
    dir: Option<PathBuf>,
    /// `false` for `bindery check`, which writes nothing.
    write: bool,
    max_bytes: u64,
}

impl PictureCache {
    /// No cache: every picture is made from its source.
    pub fn off() -> PictureCache {
        PictureCache {
            dir: None,
            write: false,
            max_bytes: 0,
        }
    }

    /// The cache of the outputs in `out_dir`, at most `max_bytes` (0: off).
    pub fn in_output_folder(out_dir: &Path, max_bytes: u64, write: bool) -> PictureCache {
        if max_bytes == 0 {
            return PictureCache::off();
        }
        PictureCache {
            dir: Some(out_dir.join(".bindery-cache").join("pictures")),
            write,
            max_bytes,
        }
    }

    /// The key of a picture made from `source` with these settings, in these variants.
    pub fn key(source: &[u8], settings: &Settings, edges: &[u32]) -> String {
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

    /// The variants stored under `key`, if there is a sound entry.
    pub fn get(&self, key: &str, settings: &Settings, edges: &[u32]) -> Option<Vec<Processed>> {
        let path = self.dir.as_ref()?.join(key);
        let bytes = std::fs::read(&path).ok()?;
        let variants = decode(&bytes, key)?;
        let largest = edges.iter().copied().max().unwrap_or(settings.max_edge);
        let sound = variants.len() == edges.len()
            && variants.iter().all(|p| {
                images::header_size(&p.bytes) == Some((p.width, p.height))
                    && p.width.max(p.height) <= largest
                    && u64::from(p.width) * u64::from(p.height) <= settings.max_pixels
            });
        if !sound {
            return None;
        }
        // The entry's time is its last use: trimming removes the longest unused first.
        if self.write {
            if let Ok(file) = std::fs::File::options().append(true).open(&path) {
                let _ = file.set_modified(std::time::SystemTime::now());
            }
        }
        Some(variants)
    }

    /// Keep `variants` under `key` (a failure to write only costs time on the next build).
    pub fn put(&self, key: &str, variants: &[Processed]) {
        let Some(dir) = self.dir.as_ref().filter(|_| self.write) else {
            return;
        };
        let Some(bytes) = encode(variants, key) else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(mut file) = tempfile::NamedTempFile::new_in(dir) else {
            return;
        };
        if file.write_all(&bytes).is_ok() {
            let _ = file.persist(dir.join(key));
        }
    }

    /// Remove the least recently used entries until the cache is under its limit.
    pub fn trim(&self) {
        let Some(dir) = self.dir.as_ref().filter(|_| self.write) else {
            return;
        };
        let Ok(read) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> = read
            .flatten()
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                if !meta.is_file() {
                    return None;
                }
                Some((meta.modified().ok()?, meta.len(), e.path()))
            })
            .collect();
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        entries.sort();
        for (_, size, path) in entries {
            if total <= self.max_bytes {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= size;
            }
        }
    }
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

/// The entry's bytes, or `None` for what is not cached (drawings, pictures with findings). The
/// entry names its own key: a file copied or renamed to another key is not read.
fn encode(variants: &[Processed], key: &str) -> Option<Vec<u8>> {
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
    Some(out)
}

/// An entry read back; `None` for anything that is not exactly what `encode` wrote for `key`.
fn decode(bytes: &[u8], key: &str) -> Option<Vec<Processed>> {
    let mut rest = bytes.strip_prefix(MAGIC)?;
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

    fn settings() -> Settings {
        Settings {
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

    #[test]
    fn an_entry_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let cache = PictureCache::in_output_folder(dir.path(), 1 << 20, true);
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
    }

    #[test]
    fn keys_change_with_the_source_the_settings_and_the_edges() {
        let s = settings();
        let k = PictureCache::key(b"a", &s, &[1600]);
        assert_ne!(k, PictureCache::key(b"b", &s, &[1600]));
        assert_ne!(k, PictureCache::key(b"a", &s, &[1600, 2400]));
        let q = Settings {
            jpeg_quality: 70,
            ..settings()
        };
        assert_ne!(k, PictureCache::key(b"a", &q, &[1600]));
        assert_eq!(k, PictureCache::key(b"a", &s, &[1600]));
    }

    #[test]
    fn an_entry_that_lies_about_its_picture_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = PictureCache::in_output_folder(dir.path(), 1 << 20, true);
        // Claims 20 x 10, holds 2000 x 1000: a planted entry must not pass the pixel limits.
        let mut liar = png(2000, 1000);
        liar.width = 20;
        liar.height = 10;
        cache.put("liar", &[liar]);
        assert!(cache.get("liar", &settings(), &[1600]).is_none());
        // Over the largest edge, even when honest.
        cache.put("big", &[png(2000, 10)]);
        assert!(cache.get("big", &settings(), &[1600]).is_none());
        // Cut short, or with bytes after the end.
        let good = encode(&[png(4, 4)], "k").unwrap();
        assert!(decode(&good[..good.len() - 1], "k").is_none());
        assert!(decode(&[good.as_slice(), b"x"].concat(), "k").is_none());
        assert!(decode(&good, "k").is_some());
        // Another key's entry, copied under this one.
        assert!(decode(&good, "other").is_none());
    }

    #[test]
    fn trimming_removes_the_least_recently_used() {
        let dir = tempfile::tempdir().unwrap();
        let one = encode(&[png(64, 64)], "a").unwrap().len() as u64;
        let cache = PictureCache::in_output_folder(dir.path(), one * 2, true);
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for key in ["a", "b", "c"] {
            cache.put(key, &[png(64, 64)]);
        }
        let entry = |k: &str| dir.path().join(".bindery-cache/pictures").join(k);
        for key in ["a", "b"] {
            std::fs::File::options()
                .append(true)
                .open(entry(key))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        // "a" was used just now: "b" is the oldest.
        assert!(cache.get("a", &settings(), &[1600]).is_some());
        cache.trim();
        assert!(entry("a").exists() && entry("c").exists());
        assert!(!entry("b").exists());
    }

    #[test]
    fn drawings_and_a_read_only_run_are_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let mut svg = png(4, 4);
        svg.media_type = "image/svg+xml";
        svg.extension = "svg";
        assert!(encode(&[svg], "k").is_none());
        let reading = PictureCache::in_output_folder(dir.path(), 1 << 20, false);
        reading.put("k", &[png(4, 4)]);
        assert!(!dir.path().join(".bindery-cache").exists());
    }
}

//! The EPUB container: a ZIP with `mimetype` first and stored, fixed timestamps, fixed permissions,
//! so the same book gives the same bytes. The `zip` crate lives here only.

use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::fingerprint::Fingerprint;
use crate::Error;

/// One file of the package.
pub struct PackageFile {
    pub name: String,
    pub bytes: Vec<u8>,
    /// Already-compressed data (JPEG, PNG) is stored; text is deflated.
    pub compress: bool,
}

/// Text files compressed by the earlier builds of a long-running process (`watch`, `serve`),
/// each under the fingerprint of its name and bytes, so a rebuild compresses only the files
/// an edit changed. It holds the last build's files only.
#[derive(Default)]
pub struct ArchiveMemo {
    packed: Mutex<HashMap<u128, Arc<Vec<u8>>>>,
    /// How many files the last package compressed anew.
    fresh: std::sync::atomic::AtomicUsize,
}

impl ArchiveMemo {
    /// How many files the last package compressed anew (the others were kept).
    pub fn compressed_anew(&self) -> usize {
        self.fresh.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many compressed files the last package had.
    pub fn len(&self) -> usize {
        self.packed.lock().map_or(0, |p| p.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Pack the entries (after `mimetype`) into EPUB bytes, every timestamp set to `modified`,
/// taking compressed files from `memo` and leaving this package's there.
///
/// Compressing is the slow part of packing, so each text file is compressed on its own, side
/// by side, into a one-file ZIP of its own; its compressed data is then copied whole into the
/// package. The package is the same whether its files were compressed now or kept.
pub fn pack(
    entries: &[PackageFile],
    modified: i64,
    memo: Option<&ArchiveMemo>,
) -> Result<Vec<u8>, Error> {
    let (y, mo, d, h, mi, s) = crate::epub::civil_from_epoch(modified);
    // ZIP dates start in 1980; clamp rather than fail for SOURCE_DATE_EPOCH=0.
    let when = if y < 1980 {
        DateTime::default()
    } else {
        DateTime::from_date_and_time(y as u16, mo as u8, d as u8, h as u8, mi as u8, s as u8)
            .unwrap_or_default()
    };
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(when)
        .unix_permissions(PERMISSIONS);
    let kept = memo
        .map(|m| {
            m.fresh.store(0, std::sync::atomic::Ordering::Relaxed);
            std::mem::take(&mut *m.packed.lock().unwrap_or_else(|e| e.into_inner()))
        })
        .unwrap_or_default();
    let compressed: Vec<Option<(u128, Arc<Vec<u8>>)>> = entries
        .par_iter()
        .map(|e| {
            if !e.compress {
                return Ok(None);
            }
            let key = Fingerprint::new()
                .bytes(e.name.as_bytes())
                .bytes(&e.bytes)
                .finish();
            let one = match kept.get(&key) {
                Some(one) => Arc::clone(one),
                None => {
                    if let Some(memo) = memo {
                        memo.fresh
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    Arc::new(compress_alone(e)?)
                }
            };
            Ok(Some((key, one)))
        })
        .collect::<Result<_, Error>>()?;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("mimetype", stored).map_err(packing)?;
    zip.write_all(b"application/epub+zip").map_err(packing)?;
    for (e, one) in entries.iter().zip(&compressed) {
        match one {
            None => {
                zip.start_file(e.name.as_str(), stored).map_err(packing)?;
                zip.write_all(&e.bytes).map_err(packing)?;
            }
            Some((_, one)) => {
                let mut alone = ZipArchive::new(Cursor::new(&one[..])).map_err(packing)?;
                let file = alone.by_index_raw(0).map_err(packing)?;
                zip.raw_copy_file_touch(file, when, Some(PERMISSIONS))
                    .map_err(packing)?;
            }
        }
    }
    let bytes = zip.finish().map_err(packing)?.into_inner();
    if let Some(memo) = memo {
        *memo.packed.lock().unwrap_or_else(|e| e.into_inner()) =
            compressed.into_iter().flatten().collect();
    }
    Ok(bytes)
}

/// The permissions every file of the package has.
const PERMISSIONS: u32 = 0o644;

/// `e` compressed, as a ZIP holding it alone.
fn compress_alone(e: &PackageFile) -> Result<Vec<u8>, Error> {
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(e.name.as_str(), deflated).map_err(packing)?;
    zip.write_all(&e.bytes).map_err(packing)?;
    Ok(zip.finish().map_err(packing)?.into_inner())
}

fn packing(e: impl std::fmt::Display) -> Error {
    Error::Encode(format!("EPUB packaging failed: {e}"))
}

/// The files of an EPUB (or any ZIP), by name, for the live preview. A package of more than
/// `MAX_UNPACKED` bytes is refused: the preview only reads what bindery itself wrote.
pub fn unpack(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    const MAX_UNPACKED: u64 = 4 << 30;
    let err = |e: zip::result::ZipError| Error::Encode(format!("cannot read the EPUB: {e}"));
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(err)?;
    let mut entries = Vec::with_capacity(zip.len());
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(err)?;
        total += file.size();
        if total > MAX_UNPACKED {
            return Err(Error::Encode("the EPUB unpacks to more than 4 GiB".into()));
        }
        let mut data = Vec::with_capacity(file.size() as usize);
        std::io::Read::read_to_end(&mut file, &mut data)
            .map_err(|e| Error::Encode(format!("cannot read the EPUB: {e}")))?;
        entries.push((file.name().to_string(), data));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(chapter_two: &str) -> Vec<PackageFile> {
        let text = |name: &str, body: &str| PackageFile {
            name: name.into(),
            bytes: body.repeat(50).into_bytes(),
            compress: true,
        };
        vec![
            text("OEBPS/text/ch001.xhtml", "<p>We met in Hanoi.</p>"),
            text("OEBPS/text/ch002.xhtml", chapter_two),
            PackageFile {
                name: "OEBPS/images/a.jpg".into(),
                bytes: vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3],
                compress: false,
            },
        ]
    }

    #[test]
    fn a_package_from_kept_files_is_the_cold_package_and_only_changed_files_are_compressed() {
        let memo = ArchiveMemo::default();
        let first = entries("<p>Day two.</p>");
        let cold = pack(&first, 1_700_000_000, None).unwrap();
        assert_eq!(pack(&first, 1_700_000_000, Some(&memo)).unwrap(), cold);
        assert_eq!(memo.compressed_anew(), 2);
        assert_eq!(pack(&first, 1_700_000_000, Some(&memo)).unwrap(), cold);
        assert_eq!(memo.compressed_anew(), 0);
        let edited = entries("<p>Day two, and a workshop.</p>");
        let cold = pack(&edited, 1_700_000_500, None).unwrap();
        assert_eq!(pack(&edited, 1_700_000_500, Some(&memo)).unwrap(), cold);
        assert_eq!(memo.compressed_anew(), 1);
        let files = unpack(&cold).unwrap();
        assert_eq!(
            files[0],
            ("mimetype".into(), b"application/epub+zip".to_vec())
        );
        assert_eq!(files[2].1, edited[1].bytes);
    }
}

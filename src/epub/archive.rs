//! The EPUB container: a ZIP with `mimetype` first and stored, fixed timestamps, fixed permissions,
//! so the same book gives the same bytes. The `zip` crate lives here only.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::Error;

/// One file of the package.
pub struct Entry {
    pub name: String,
    pub bytes: Vec<u8>,
    /// Already-compressed data (JPEG, PNG) is stored; text is deflated.
    pub compress: bool,
}

/// Pack the entries (after `mimetype`) into EPUB bytes, every timestamp set to `modified`.
pub fn pack(entries: &[Entry], modified: i64) -> Result<Vec<u8>, Error> {
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
        .unix_permissions(0o644);
    let deflated = stored
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9));
    let err = |e: zip::result::ZipError| Error::Encode(format!("EPUB packaging failed: {e}"));
    let io = |e: std::io::Error| Error::Encode(format!("EPUB packaging failed: {e}"));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("mimetype", stored).map_err(err)?;
    zip.write_all(b"application/epub+zip").map_err(io)?;
    for e in entries {
        zip.start_file(e.name.as_str(), if e.compress { deflated } else { stored })
            .map_err(err)?;
        zip.write_all(&e.bytes).map_err(io)?;
    }
    Ok(zip.finish().map_err(err)?.into_inner())
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

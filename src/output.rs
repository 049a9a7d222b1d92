//! Writing outputs atomically: a temporary file beside the target, then a rename. A failed or
//! interrupted build never leaves a half-written book where the last good one was.

use std::io::Write;
use std::path::Path;

use crate::Error;

/// Write several outputs as one set: every temporary file is written and synced first, and only
/// then renamed into place, so an interrupted build leaves the previous set or the new one (the
/// renames follow each other at once), never a new EPUB beside a PDF that failed to write.
pub fn write_all_atomic(outputs: &[(std::path::PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let mut staged = Vec::with_capacity(outputs.len());
    for (path, bytes) in outputs {
        staged.push((stage(path, bytes)?, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path)
            .map_err(|e| Error::Io(path.to_path_buf(), e.error))?;
    }
    Ok(())
}

/// Write `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    stage(path, bytes)?
        .persist(path)
        .map_err(|e| Error::Io(path.to_path_buf(), e.error))?;
    Ok(())
}

/// A temporary file beside `path`, created exclusively (never an existing file or link), with
/// `bytes` written and synced. Dropped without persisting, it removes itself.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    tmp.write_all(bytes)
        .map_err(|e| Error::Io(tmp.path().to_path_buf(), e))?;
    // tempfile creates 0600 files; an output is an ordinary document others may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| Error::Io(tmp.path().to_path_buf(), e))?;
    Ok(tmp)
}

/// Remove temporary files a killed earlier run left behind (`.book.epub.XXXX.tmp`).
pub fn clean_stale_temporaries(dir: &Path, output_file: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{output_file}.");
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with(&prefix) && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out/book.epub");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        std::fs::write(dir.path().join("out/.book.epub.abc.tmp"), b"junk").unwrap();
        clean_stale_temporaries(&dir.path().join("out"), "book.epub");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("book.epub")]);
    }
}

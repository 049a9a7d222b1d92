//! Writing outputs atomically: a temporary file beside the target, then a rename. A failed or
//! interrupted build never leaves a half-written book where the last good one was, and the
//! EPUB and PDF of one build are committed as a set (a commit record bridges the renames).

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::Error;

/// The commit record of an output set, in the output folder while its files are renamed.
const COMMIT_RECORD: &str = ".bindery-commit";

/// Write several outputs as one set: every temporary file is written and synced first; then a
/// commit record naming each temporary file and its output is written (atomically); then the
/// files are renamed into place and the record removed. A build killed before the record exists
/// leaves the previous set; one killed during the renames leaves the record, and the next run in
/// that folder ([`finish_interrupted_commit`]) completes the renames: the new set, never a new
/// EPUB beside an old PDF for good.
pub fn write_all_atomic(outputs: &[(PathBuf, Vec<u8>)]) -> Result<(), Error> {
    let staged = stage_all(outputs)?;
    let record = write_commit_record(&staged)?;
    for (tmp, path) in staged {
        tmp.persist(path)
            .map_err(|e| Error::Io(path.to_path_buf(), e.error))?;
    }
    if let Some(record) = record {
        std::fs::remove_file(&record).map_err(|e| Error::Io(record.clone(), e))?;
        sync_folder(record.parent().unwrap_or(Path::new(".")));
    }
    Ok(())
}

fn stage_all(outputs: &[(PathBuf, Vec<u8>)]) -> Result<Vec<(NamedTempFile, &PathBuf)>, Error> {
    outputs
        .iter()
        .map(|(path, bytes)| Ok((stage(path, bytes)?, path)))
        .collect()
}

/// The commit record for a set of more than one file in one folder: `temporary<TAB>output` per
/// line, file names only. `None` when there is nothing to keep together.
fn write_commit_record(staged: &[(NamedTempFile, &PathBuf)]) -> Result<Option<PathBuf>, Error> {
    let folder = |p: &Path| p.parent().map(Path::to_path_buf).unwrap_or_default();
    let Some((_, first)) = staged.first() else {
        return Ok(None);
    };
    let dir = folder(first);
    if staged.len() < 2 || staged.iter().any(|(_, p)| folder(p) != dir) {
        return Ok(None);
    }
    let mut text = String::new();
    for (tmp, path) in staged {
        let (Some(t), Some(o)) = (tmp.path().file_name(), path.file_name()) else {
            return Ok(None);
        };
        text.push_str(&format!(
            "{}\t{}\n",
            t.to_string_lossy(),
            o.to_string_lossy()
        ));
    }
    let record = dir.join(COMMIT_RECORD);
    write_atomic(&record, text.as_bytes())?;
    sync_folder(&dir);
    Ok(Some(record))
}

/// Complete the renames of a set whose build was killed after its commit record was written.
/// Returns the outputs completed. Only plain file names are followed, only a temporary file of
/// the output it names (`.NAME.XXXX.tmp`, a regular file) is renamed, and only to an EPUB or PDF
/// in the same folder: a record planted in a book's `out/` can move nothing else.
pub fn finish_interrupted_commit(dir: &Path) -> Vec<PathBuf> {
    let record = dir.join(COMMIT_RECORD);
    let Ok(meta) = std::fs::symlink_metadata(&record) else {
        return Vec::new();
    };
    let text = if meta.is_file() && meta.len() <= 64 * 1024 {
        std::fs::read_to_string(&record).unwrap_or_default()
    } else {
        String::new()
    };
    let mut done = Vec::new();
    for line in text.lines() {
        let Some((tmp, output)) = line.split_once('\t') else {
            continue;
        };
        let plain = |n: &str| !n.is_empty() && Path::new(n).file_name() == Some(n.as_ref());
        let is_output = output.ends_with(".epub") || output.ends_with(".pdf");
        let is_its_temporary = tmp.starts_with(&format!(".{output}.")) && tmp.ends_with(".tmp");
        if !(plain(tmp) && plain(output) && is_output && is_its_temporary) {
            continue;
        }
        let from = dir.join(tmp);
        if std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_file())
            && std::fs::rename(&from, dir.join(output)).is_ok()
        {
            done.push(dir.join(output));
        }
    }
    let _ = std::fs::remove_file(&record);
    sync_folder(dir);
    done
}

/// Make renames in `dir` durable (a no-op where folders cannot be opened).
fn sync_folder(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
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
fn stage(path: &Path, bytes: &[u8]) -> Result<NamedTempFile, Error> {
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

    #[test]
    fn a_set_killed_between_its_renames_is_completed_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let epub = dir.path().join("book.epub");
        let pdf = dir.path().join("book.pdf");
        write_all_atomic(&[
            (epub.clone(), b"old epub".to_vec()),
            (pdf.clone(), b"old pdf".to_vec()),
        ])
        .unwrap();
        assert!(
            !dir.path().join(COMMIT_RECORD).exists(),
            "removed after a commit"
        );
        // The new set is staged and recorded, the EPUB renamed, and then the process dies.
        let outputs = [
            (epub.clone(), b"new epub".to_vec()),
            (pdf.clone(), b"new pdf".to_vec()),
        ];
        let mut staged = stage_all(&outputs).unwrap();
        write_commit_record(&staged).unwrap().unwrap();
        let (pdf_tmp, _) = staged.pop().unwrap();
        let (epub_tmp, path) = staged.pop().unwrap();
        epub_tmp.persist(path).unwrap();
        let _kept = pdf_tmp.keep().unwrap(); // a killed process removes nothing
        assert_eq!(std::fs::read(&pdf).unwrap(), b"old pdf");
        assert_eq!(
            finish_interrupted_commit(dir.path()),
            std::slice::from_ref(&pdf)
        );
        assert_eq!(std::fs::read(&epub).unwrap(), b"new epub");
        assert_eq!(std::fs::read(&pdf).unwrap(), b"new pdf");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no record or temporary left: {names:?}");
    }

    #[test]
    fn a_planted_commit_record_moves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(dir.path().join("secret.txt"), b"s").unwrap();
        std::fs::write(out.join("notes.txt"), b"n").unwrap();
        std::fs::write(
            out.join(COMMIT_RECORD),
            "../secret.txt\tbook.pdf\nnotes.txt\tbook.epub\n.x.pdf.1.tmp\t../../x.pdf\n",
        )
        .unwrap();
        assert!(finish_interrupted_commit(&out).is_empty());
        assert!(dir.path().join("secret.txt").exists() && out.join("notes.txt").exists());
        assert!(!out.join(COMMIT_RECORD).exists());
    }
}

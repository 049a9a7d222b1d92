//! Writing outputs atomically: a temporary file beside the target, then a rename. A failed or
//! interrupted build never leaves a half-written book where the last good one was, and the
//! EPUB and PDF of one build are committed as a set (a commit record bridges the renames).
//!
//! Every step goes through the output folder's open handle ([`Folder`]): the temporaries are
//! created exclusively and never through a link, the renames and removals are relative to the
//! folder, so a link planted in the output folder cannot redirect a write or a removal. One
//! build at a time writes into a folder: it holds an advisory lock on the folder itself
//! ([`Folder::lock`]) from before its first write to after its last.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::folder::Folder;
use crate::Error;

/// The commit record of an output set, in the output folder while its files are renamed.
const COMMIT_RECORD: &str = ".bindery-commit";

/// One output: its file name in the output folder, and its bytes.
pub struct Output {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A temporary file staged in a folder for `target`; removed when dropped unless renamed.
struct Staged<'a> {
    folder: &'a Folder,
    temporary: String,
    target: String,
    renamed: bool,
}

impl Drop for Staged<'_> {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = self.folder.remove(&self.temporary);
        }
    }
}

impl Staged<'_> {
    fn rename(mut self) -> Result<(), Error> {
        self.folder
            .rename(&self.temporary, &self.target)
            .map_err(|e| Error::Io(self.folder.join(&self.target), e))?;
        self.renamed = true;
        Ok(())
    }
}

/// Write several outputs as one set: every temporary file is written and synced first; then a
/// commit record naming each temporary file and its output is written (atomically); then the
/// files are renamed into place and the record removed. A build killed before the record exists
/// leaves the previous set; one killed during the renames leaves the record, and the next run in
/// that folder ([`finish_interrupted_commit`]) completes the renames: the new set, never a new
/// EPUB beside an old PDF for good. Returns the paths written.
pub fn write_all_atomic(folder: &Folder, outputs: &[Output]) -> Result<Vec<PathBuf>, Error> {
    let _writing = crate::signals::Writing::start();
    let staged = outputs
        .iter()
        .map(|o| stage(folder, &o.name, &o.bytes))
        .collect::<Result<Vec<_>, Error>>()?;
    let recorded = write_commit_record(folder, &staged)?;
    for s in staged {
        s.rename()?;
    }
    if recorded {
        folder
            .remove(COMMIT_RECORD)
            .map_err(|e| Error::Io(folder.join(COMMIT_RECORD), e))?;
    }
    folder.sync();
    Ok(outputs.iter().map(|o| folder.join(&o.name)).collect())
}

/// The commit record for a set of more than one file: `temporary<TAB>output` per line, file
/// names only. `false` when there is nothing to keep together.
fn write_commit_record(folder: &Folder, staged: &[Staged]) -> Result<bool, Error> {
    if staged.len() < 2 {
        return Ok(false);
    }
    let mut text = String::new();
    for s in staged {
        text.push_str(&format!("{}\t{}\n", s.temporary, s.target));
    }
    stage(folder, COMMIT_RECORD, text.as_bytes())?.rename()?;
    folder.sync();
    Ok(true)
}

/// Complete the renames of a set whose build was killed after its commit record was written.
/// Returns the outputs completed. Only plain file names are followed, only a temporary file of
/// the output it names (`.NAME.XXXX.tmp`, a regular file) is renamed, and only to an EPUB or PDF
/// in the same folder: a record planted in a book's `out/` can move nothing else.
pub fn finish_interrupted_commit(folder: &Folder) -> Vec<PathBuf> {
    let text = match folder.read(COMMIT_RECORD, 64 * 1024) {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        Ok(None) => return Vec::new(),
        // A link, FIFO or huge file named like the record: not ours, removed below.
        Err(_) => String::new(),
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
        let regular = folder
            .stat(tmp)
            .is_ok_and(|e| e.kind == crate::folder::Kind::File);
        if regular && folder.rename(tmp, output).is_ok() {
            done.push(folder.join(output));
        }
    }
    let _ = folder.remove(COMMIT_RECORD);
    folder.sync();
    done
}

/// Write `bytes` to `path` through a temporary file in the same folder (which is created when
/// missing). A link at `path` is replaced, never written through.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("{} names no file", path.display())))?;
    let folder = Folder::open(dir, true).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    stage(&folder, &name, bytes)?.rename()?;
    folder.sync();
    Ok(())
}

/// Replace the file `name` in `folder` with `bytes`, atomically (a temporary, then a rename: a
/// link, FIFO or file already there is replaced itself, never written through).
pub fn replace(folder: &Folder, name: &str, bytes: &[u8]) -> Result<(), Error> {
    stage(folder, name, bytes)?.rename()
}

/// A temporary file for `target` in `folder` (`.TARGET.XXXXXXXX.tmp`), created exclusively
/// (never an existing file or link), with `bytes` written and synced.
fn stage<'a>(folder: &'a Folder, target: &str, bytes: &[u8]) -> Result<Staged<'a>, Error> {
    let mut tries = 0u32;
    let (temporary, mut file) = loop {
        let temporary = format!(".{target}.{}.tmp", unique_suffix());
        match folder.create_new(&temporary) {
            Ok(file) => break (temporary, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && tries < 100 => tries += 1,
            Err(e) => return Err(Error::Io(folder.join(&temporary), e)),
        }
    };
    let staged = Staged {
        folder,
        temporary,
        target: target.to_string(),
        renamed: false,
    };
    let path = || folder.join(&staged.temporary);
    file.write_all(bytes).map_err(|e| Error::Io(path(), e))?;
    file.sync_all().map_err(|e| Error::Io(path(), e))?;
    Ok(staged)
}

/// Eight letters that differ between calls and between processes.
fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut f = crate::fingerprint::Fingerprint::new();
    f.number(u64::from(std::process::id()))
        .number(COUNTER.fetch_add(1, Ordering::Relaxed))
        .number(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64),
        );
    let mut n = f.finish();
    (0..8)
        .map(|_| {
            let c = b"abcdefghijklmnopqrstuvwxyz0123456789"[(n % 36) as usize];
            n /= 36;
            c as char
        })
        .collect()
}

/// Remove temporary files a killed earlier run left behind (`.book.epub.XXXX.tmp`): regular
/// files only, in this folder only. Called under the folder's lock, so no other build's
/// staged files are removed.
pub fn clean_stale_temporaries(folder: &Folder, output_file: &str) {
    let Ok(entries) = folder.entries() else {
        return;
    };
    let prefix = format!(".{output_file}.");
    for e in entries {
        let Some(name) = e.name.to_str() else {
            continue;
        };
        if e.kind == crate::folder::Kind::File
            && name.starts_with(&prefix)
            && name.ends_with(".tmp")
        {
            let _ = folder.remove(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn output(name: &str, bytes: &[u8]) -> Output {
        Output {
            name: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out/book.epub");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        std::fs::write(dir.path().join("out/.book.epub.abc.tmp"), b"junk").unwrap();
        let folder = Folder::open(&dir.path().join("out"), false).unwrap();
        clean_stale_temporaries(&folder, "book.epub");
        assert_eq!(names(&dir.path().join("out")), vec!["book.epub"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_target_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("thesis.txt");
        std::fs::write(&victim, b"years of work").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&victim, out.join("book.pdf")).unwrap();
        std::os::unix::fs::symlink(&victim, out.join(".book.epub.zzz.tmp")).unwrap();
        let folder = Folder::open(&out, false).unwrap();
        clean_stale_temporaries(&folder, "book.epub");
        write_all_atomic(
            &folder,
            &[output("book.pdf", b"pdf"), output("book.epub", b"epub")],
        )
        .unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"years of work");
        assert!(!std::fs::symlink_metadata(out.join("book.pdf"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(out.join("book.pdf")).unwrap(), b"pdf");
    }

    #[test]
    fn a_set_killed_between_its_renames_is_completed_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::open(dir.path(), false).unwrap();
        let epub = dir.path().join("book.epub");
        let pdf = dir.path().join("book.pdf");
        write_all_atomic(
            &folder,
            &[
                output("book.epub", b"old epub"),
                output("book.pdf", b"old pdf"),
            ],
        )
        .unwrap();
        assert!(
            !dir.path().join(COMMIT_RECORD).exists(),
            "removed after a commit"
        );
        // The new set is staged and recorded, the EPUB renamed, and then the process dies.
        let mut staged = vec![
            stage(&folder, "book.epub", b"new epub").unwrap(),
            stage(&folder, "book.pdf", b"new pdf").unwrap(),
        ];
        assert!(write_commit_record(&folder, &staged).unwrap());
        let mut pdf_tmp = staged.pop().unwrap();
        staged.pop().unwrap().rename().unwrap();
        pdf_tmp.renamed = true; // a killed process removes nothing
        drop(pdf_tmp);
        assert_eq!(std::fs::read(&pdf).unwrap(), b"old pdf");
        assert_eq!(
            finish_interrupted_commit(&folder),
            std::slice::from_ref(&pdf)
        );
        assert_eq!(std::fs::read(&epub).unwrap(), b"new epub");
        assert_eq!(std::fs::read(&pdf).unwrap(), b"new pdf");
        assert_eq!(names(dir.path()), vec!["book.epub", "book.pdf"]);
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
        let folder = Folder::open(&out, false).unwrap();
        assert!(finish_interrupted_commit(&folder).is_empty());
        assert!(dir.path().join("secret.txt").exists() && out.join("notes.txt").exists());
        assert!(!out.join(COMMIT_RECORD).exists());
    }
}

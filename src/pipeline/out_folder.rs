//! The output folder: where it may be (never the sources, never holding the book, never a
//! link out of it), opened and locked for the whole build, and the outputs committed to it.

use std::path::{Path, PathBuf};

use super::load::Loaded;
use super::{Progress, Request};
use crate::folder::Folder;
use crate::output::{self, Output};
use crate::Error;

/// The output folder must not be the source folder itself.
pub(super) fn check_out_dir(out_dir: &Path, root: &Path, src: &str) -> Result<(), Error> {
    let abs =
        |p: &Path| crate::book::fs::normalize(&std::env::current_dir().unwrap_or_default().join(p));
    let out = abs(out_dir);
    let src_dir = abs(&root.join(src));
    // Equal, not inside: a subfolder such as the default `out/` is skipped when reports are
    // collected, but outputs written among the reports would be mixed with the sources.
    if out == src_dir {
        return Err(Error::Usage(format!(
            "the output folder {} is the source folder {}; choose another with --out",
            out_dir.display(),
            root.join(src).display()
        )));
    }
    refuse_out_dir_holding_book(out_dir, root)
}

/// The book folder itself, or a folder above it, as the output folder: the outputs would be
/// among the book's files (and `watch` would see its own writes as edits). Refused.
pub fn refuse_out_dir_holding_book(out_dir: &Path, root: &Path) -> Result<(), Error> {
    let abs =
        |p: &Path| crate::book::fs::normalize(&std::env::current_dir().unwrap_or_default().join(p));
    let out = abs(out_dir);
    let book = abs(root);
    let real = |p: &Path| p.canonicalize().ok();
    let holds_book = book.starts_with(&out)
        || real(&out)
            .zip(real(&book))
            .is_some_and(|(o, b)| b.starts_with(o));
    if holds_book {
        return Err(Error::Usage(format!(
            "the output folder {} is the book folder or holds it; choose a folder inside the book (the default out/) or outside it with --out",
            out_dir.display()
        )));
    }
    Ok(())
}

/// The default `out/` belongs to the book: a book that ships `out` as a symlink to somewhere
/// else must not make bindery write there.
pub(super) fn check_default_out_dir(out_dir: &Path, book_root: &Path) -> Result<(), Error> {
    let Ok(meta) = std::fs::symlink_metadata(out_dir) else {
        return Ok(()); // not there yet: it is created as a folder
    };
    let leads_out = meta.file_type().is_symlink()
        && !out_dir
            .canonicalize()
            .is_ok_and(|target| target.starts_with(book_root));
    if leads_out {
        return Err(Error::Usage(format!(
            "the output folder {} is a link to a place outside the book; bindery does not write through it",
            out_dir.display()
        )));
    }
    Ok(())
}

/// The output folder of a build that writes, opened and locked from here to the end: every file
/// it writes or removes there goes through this handle, and no other build writes into the
/// folder meanwhile; a set a killed build left half-renamed is completed first. For
/// `bindery check`, the folder when it is there and allowed (its picture cache is read), else
/// `None`.
pub(super) fn open(
    req: &Request,
    loaded: &Loaded,
    progress: &dyn Progress,
) -> Result<Option<Folder>, Error> {
    let out_dir = req.out_dir();
    let src = &loaded.config.book.src;
    if req.write {
        check_out_dir(&out_dir, &req.root, src)?;
        if req.out_dir.is_none() {
            check_default_out_dir(&out_dir, &loaded.fs.root)?;
        }
        let folder = Folder::open(&out_dir, true).map_err(|e| Error::Io(out_dir.clone(), e))?;
        let locked = |wait| folder.lock(wait).map_err(|e| Error::Io(out_dir.clone(), e));
        if !locked(false)? {
            progress.waiting(&format!(
                "waiting for another bindery build writing into {} to finish",
                out_dir.display()
            ));
            locked(true)?;
        }
        output::finish_interrupted_commit(&folder);
        return Ok(Some(folder));
    }
    let allowed = check_out_dir(&out_dir, &req.root, src).is_ok()
        && (req.out_dir.is_some() || check_default_out_dir(&out_dir, &loaded.fs.root).is_ok());
    Ok(allowed
        .then(|| Folder::open(&out_dir, false).ok())
        .flatten())
}

/// Write every output at once (each to a temporary, then all renamed), after removing the
/// temporaries a killed build left; returns the paths written.
pub(super) fn commit(folder: &Folder, outputs: &[Output]) -> Result<Vec<PathBuf>, Error> {
    for o in outputs {
        output::clean_stale_temporaries(folder, &o.name);
    }
    output::write_all_atomic(folder, outputs)
}

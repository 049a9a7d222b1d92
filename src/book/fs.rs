//! The book folder as bindery sees it: every path a book names is resolved here, and refused when it
//! leaves the folder (by `..` or through a symlink). Reading enforces the size limits and UTF-8.

use std::path::{Component, Path, PathBuf};

use crate::diag::{Code, Diagnostic};

#[derive(Debug, Clone)]
pub struct BookFs {
    /// Canonical path of the book root (the folder with book.toml).
    pub root: PathBuf,
    /// How the root is shown in messages (as the user typed it).
    pub root_display: PathBuf,
    pub max_text_bytes: u64,
    /// What `{{#include}}` may read: the book root, or a folder above it (`include-root`, or the
    /// enclosing git work tree), so a book can show its repository's example code.
    pub include_root: PathBuf,
}

/// The size limit for one kind of file, and the book.toml key that sets it.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bytes: u64,
    pub what: &'static str,
    pub key: &'static str,
}

/// Why a path named by the book was not used.
#[derive(Debug)]
pub enum Refused {
    /// No such file: a defect of the book (a warning where a visible fallback exists).
    Missing(Diagnostic),
    /// Climbs (with `..`) or is absolute outside the allowed folder: never read.
    Outside(Diagnostic),
    /// Inside by name, outside through a symlink, or not a name at all: refused for safety.
    Unsafe(Diagnostic),
}

impl Refused {
    pub fn into_diagnostic(self) -> Diagnostic {
        match self {
            Refused::Missing(d) | Refused::Outside(d) | Refused::Unsafe(d) => d,
        }
    }
}

impl BookFs {
    pub fn new(root: &Path, max_text_bytes: u64) -> std::io::Result<BookFs> {
        let canonical = root.canonicalize()?;
        Ok(BookFs {
            include_root: canonical.clone(),
            root: canonical,
            root_display: root.to_path_buf(),
            max_text_bytes,
        })
    }

    /// Let includes read from `folder` too (it must hold the book root).
    pub fn with_include_root(mut self, folder: PathBuf) -> BookFs {
        if self.root.starts_with(&folder) {
            self.include_root = folder;
        }
        self
    }

    /// Path for messages: relative to where the user ran bindery, as they named the book.
    pub fn display(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(rel) => {
                let shown = self.root_display.join(rel);
                let s = shown.to_string_lossy().replace('\\', "/");
                match s.strip_prefix("./").unwrap_or(&s) {
                    // The book folder itself, when bindery runs inside it.
                    "" => ".".to_string(),
                    s => s.to_string(),
                }
            }
            Err(_) => match path.strip_prefix(&self.include_root) {
                // Above the book (an include from the repository): `../examples/x.rs`.
                Ok(rel) => {
                    let up = self
                        .root
                        .strip_prefix(&self.include_root)
                        .map_or(0, |r| r.components().count());
                    let mut shown = self.root_display.clone();
                    for _ in 0..up {
                        shown.push("..");
                    }
                    let s = shown.join(rel).to_string_lossy().replace('\\', "/");
                    s.strip_prefix("./").unwrap_or(&s).to_string()
                }
                Err(_) => path.display().to_string(),
            },
        }
    }

    /// Path relative to the book root with `/` separators.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Resolve `rel` (as written in the book) against `dir`, refusing anything outside the root.
    pub fn resolve(&self, dir: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
        self.resolve_in(dir, rel, &self.root)
            .map_err(Refused::into_diagnostic)
    }

    /// A file found by listing a folder of the book (its name may not be UTF-8): refused when a
    /// link leads it out of the book.
    pub fn resolve_listed(&self, found: &Path) -> Result<PathBuf, Diagnostic> {
        let shown = self.display(found);
        match found.canonicalize() {
            Ok(c) if c.starts_with(&self.root) => Ok(c),
            Ok(_) => Err(Diagnostic::error(format!(
                "{shown} is a link to a place outside the book folder; it is not read"
            ))
            .code(Code::OutsideBook)),
            Err(e) => Err(Diagnostic::error(format!(
                "cannot read {shown}: {}",
                io_reason(&e)
            ))),
        }
    }

    /// Resolve the file of an `{{#include}}`: like [`BookFs::resolve`], within the include root.
    pub fn resolve_include(&self, dir: &Path, rel: &str) -> Result<PathBuf, Refused> {
        self.resolve_in(dir, rel, &self.include_root)
    }

    /// Resolve `rel` against `dir`, requiring the result to stay inside `allowed`, by name and
    /// after following symlinks. Nothing is opened.
    pub fn resolve_in(&self, dir: &Path, rel: &str, allowed: &Path) -> Result<PathBuf, Refused> {
        if rel.contains('\0') {
            return Err(Refused::Unsafe(Diagnostic::error(
                "path contains a NUL byte",
            )));
        }
        let where_ = if allowed == self.root {
            "the book folder".to_string()
        } else {
            format!("{}", allowed.display())
        };
        let candidate = normalize(&dir.join(rel));
        if !candidate.starts_with(allowed) {
            return Err(Refused::Outside(
                Diagnostic::error(format!("{rel} is outside {where_}; it is not read"))
                    .code(Code::OutsideBook)
                    .hint("pictures, includes and fonts must be inside the folder that holds book.toml; includes may also use [bindery] include-root"),
            ));
        }
        let canonical = candidate.canonicalize().map_err(|e| {
            Refused::Missing(
                Diagnostic::error(format!("cannot find {rel}: {}", io_reason(&e))).hint(format!(
                    "the path is resolved relative to {}",
                    self.display(dir)
                )),
            )
        })?;
        if !canonical.starts_with(allowed) {
            return Err(Refused::Unsafe(
                Diagnostic::error(format!("{rel} is a link to a file outside {where_}"))
                    .code(Code::OutsideBook)
                    .hint("copy the file into the book folder instead of linking to it"),
            ));
        }
        Ok(canonical)
    }

    /// Read a text file: size limit, UTF-8 (with the position of the first bad byte).
    pub fn read_text(&self, path: &Path) -> Result<String, Diagnostic> {
        let limit = Limit {
            bytes: self.max_text_bytes,
            what: "a report",
            key: "max-report-file-mib",
        };
        let bytes = self.read_bytes(path, limit)?;
        decode_utf8(bytes, &self.display(path))
    }

    /// Read a file the book names, through one gate: only a regular file (a FIFO or a device
    /// would block or never end), and only when its size is within `limit`, checked before
    /// reading (a sparse 2 GB file is refused without being read).
    pub fn read_bytes(&self, path: &Path, limit: Limit) -> Result<Vec<u8>, Diagnostic> {
        let shown = self.display(path);
        self.read_bytes_unplaced(path, limit, &shown).map_err(|d| {
            if d.path.is_none() {
                d.in_file(shown.clone())
            } else {
                d
            }
        })
    }

    fn read_bytes_unplaced(
        &self,
        path: &Path,
        limit: Limit,
        shown: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let meta = std::fs::metadata(path)
            .map_err(|e| Diagnostic::error(format!("cannot read {shown}: {}", io_reason(&e))))?;
        if !meta.is_file() {
            return Err(Diagnostic::error(format!("{shown} is not a regular file"))
                .hint("name an ordinary file here, not a folder, a pipe or a device"));
        }
        if meta.len() > limit.bytes {
            return Err(Diagnostic::error(format!(
                "{shown} is {} MiB, over the limit of {} MiB for {}",
                meta.len() >> 20,
                limit.bytes >> 20,
                limit.what
            ))
            .hint(format!(
                "make it smaller, or raise [bindery.limits] {} in book.toml",
                limit.key
            )));
        }
        use std::io::Read;
        let file = std::fs::File::open(path)
            .map_err(|e| Diagnostic::error(format!("cannot read {shown}: {}", io_reason(&e))))?;
        // Read at most one byte past the limit, in case the file grew since it was measured.
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(limit.bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Diagnostic::error(format!("cannot read {shown}: {}", io_reason(&e))))?;
        if bytes.len() as u64 > limit.bytes {
            return Err(Diagnostic::error(format!(
                "{shown} grew past the limit of {} MiB while it was read",
                limit.bytes >> 20
            )));
        }
        Ok(bytes)
    }
}

pub fn decode_utf8(bytes: Vec<u8>, shown: &str) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(Diagnostic::error(format!("{shown} is UTF-16, not UTF-8"))
            .in_file(shown)
            .hint("save the file as UTF-8 (in most editors: Save with Encoding → UTF-8)"));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, column, _) =
            crate::diag::line_column(std::str::from_utf8(&bytes[..at]).unwrap_or(""), at);
        Diagnostic::error(format!(
            "{shown} is not valid UTF-8 (byte 0x{:02x} at offset {at})",
            bytes[at]
        ))
        .in_file(shown)
        .at_line(line, column)
        .hint("save the file as UTF-8; it may be in a legacy encoding such as Windows-1258")
    })
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Remove `.` and `..` lexically (no file system access), so containment can be checked before
/// anything is opened.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("a.md"), "x").unwrap();
        let fs = BookFs::new(dir.path(), 1 << 20).unwrap();
        let src = fs.root.join("src");
        assert!(fs.resolve(&src, "../a.md").is_ok());
        let e = fs.resolve(&src, "../../etc/passwd").unwrap_err();
        assert!(e.message.contains("outside the book folder"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/hostname", dir.path().join("src/link.md")).unwrap();
            let e = fs.resolve(&src, "link.md").unwrap_err();
            assert!(
                e.message.contains("link to a file outside"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let e = decode_utf8(b"ok\nab\xffcd".to_vec(), "r.md").unwrap_err();
        assert!(e.message.contains("not valid UTF-8"), "{}", e.message);
        assert_eq!(e.path.as_deref(), Some(Path::new("r.md")));
        assert_eq!(e.line_column, Some((2, 3)));
        let e = decode_utf8(b"\xff\xfeh\0i\0".to_vec(), "r.md").unwrap_err();
        assert!(e.message.contains("UTF-16"));
    }
}

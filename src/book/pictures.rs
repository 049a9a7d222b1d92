//! Pictures the book names, resolved while its Markdown is parsed: a file inside the book
//! folder (checked by [`super::fs`], registered once however often it is shown), or an http(s)
//! address, registered to be downloaded when the runner asked (`--fetch-remote`) and otherwise
//! kept as a link with a warning.

use std::collections::HashMap;
use std::path::PathBuf;

use super::fs::{BookFs, Refused};
use super::links;
use super::markdown::{ImageRef, Resolver};
use crate::diag::{Code, Diagnostic, Diagnostics, Span};
use crate::doc::{ImageId, ImageSource, PictureOrigin};

/// An http(s) address, or one that starts with `//` (the scheme of the page that shows it).
fn is_web_address(dest: &str) -> bool {
    let scheme = dest.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    dest.starts_with("//") || matches!(scheme.as_deref(), Some("http" | "https"))
}

/// The pictures registered so far, by file and by address: each is decoded once however often it
/// is shown.
#[derive(Default)]
pub(super) struct PictureIndex {
    files: HashMap<PathBuf, ImageId>,
    web: HashMap<String, ImageId>,
}

/// The loader's answer to a picture reference in one report: `dir` is the report's folder.
pub(super) struct ImageResolver<'a> {
    pub fs: &'a BookFs,
    pub dir: PathBuf,
    pub images: &'a mut Vec<ImageSource>,
    pub index: &'a mut PictureIndex,
    /// The largest picture file.
    pub max_bytes: u64,
    /// Remote pictures are registered to be downloaded.
    pub fetch_remote: bool,
}

impl ImageResolver<'_> {
    /// An http(s) picture to download (`--fetch-remote`); `//host/path` is taken as https, as a
    /// browser showing the book over https would.
    fn web_picture(&mut self, dest: &str, span: Span) -> Option<ImageRef> {
        let written = if dest.starts_with("//") {
            format!("https:{dest}")
        } else {
            dest.to_string()
        };
        // Not a valid web address: left to the caller's warning (shown as its description).
        let url = links::web_address(&written)?;
        if !is_web_address(dest) {
            return None;
        }
        if let Some(id) = self.index.web.get(&url) {
            return Some(ImageRef::Local(*id));
        }
        let id = ImageId(self.images.len());
        self.images.push(ImageSource {
            origin: PictureOrigin::Web {
                url: url.clone(),
                downloaded: None,
            },
            rel_path: url.clone(),
            first_use: span,
        });
        self.index.web.insert(url, id);
        Some(ImageRef::Local(id))
    }
}

impl Resolver for ImageResolver<'_> {
    fn image(&mut self, dest: &str, span: Span, diags: &mut Diagnostics) -> ImageRef {
        let dest = dest.trim();
        if self.fetch_remote {
            if let Some(picture) = self.web_picture(dest, span) {
                return picture;
            }
        }
        if links::has_scheme(dest) || dest.starts_with("//") {
            diags.push(
                Diagnostic::warning(format!("remote image {dest} is not downloaded")).code(Code::RemotePicture)
                    .at(span)
                    .hint(if is_web_address(dest) {
                        "it is shown as a link; build with --fetch-remote to download it, or save it in the book's pictures folder and link it by its path"
                    } else {
                        "download the picture into the book's pictures folder and link it by its path"
                    }),
            );
            return ImageRef::Remote(dest.to_string());
        }
        if dest.is_empty() {
            diags.push(
                Diagnostic::warning("picture with an empty path; a placeholder is shown")
                    .at(span)
                    .code(Code::MissingPicture)
                    .hint("write ![description](../pictures/name.jpg)"),
            );
            return ImageRef::Missing(String::new());
        }
        let decoded =
            crate::text::percent_decode_or_keep(dest.split(['?', '#']).next().unwrap_or(dest));
        let path = match self.fs.resolve_in(&self.dir, &decoded, &self.fs.root) {
            Ok(p) => p,
            Err(Refused::Missing(d) | Refused::Outside(d)) => {
                let message = format!("{}; a placeholder is shown", d.message);
                diags.push(
                    Diagnostic { message, ..d }
                        .at(span)
                        .into_warning(Code::MissingPicture),
                );
                return ImageRef::Missing(decoded);
            }
            Err(Refused::Unsafe(d)) => {
                diags.push(d.at(span));
                return ImageRef::Unusable;
            }
        };
        if let Some(id) = self.index.files.get(&path) {
            return ImageRef::Local(*id);
        }
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() && m.len() > self.max_bytes => {
                diags.push(
                    Diagnostic::error(format!("{dest} is {} MiB, over the limit of {} MiB", m.len() >> 20, self.max_bytes >> 20))
                        .at(span)
                        .hint("make the picture smaller, or raise [bindery.limits] max-image-file-mib in book.toml"),
                );
                return ImageRef::Unusable;
            }
            Ok(m) if !m.is_file() => {
                diags.push(
                    Diagnostic::warning(format!("{dest} is not a file; a placeholder is shown"))
                        .at(span)
                        .code(Code::MissingPicture),
                );
                return ImageRef::Missing(self.fs.relative(&path));
            }
            _ => {}
        }
        let id = ImageId(self.images.len());
        self.images.push(ImageSource {
            rel_path: self.fs.relative(&path),
            origin: PictureOrigin::File(path.clone()),
            first_use: span,
        });
        self.index.files.insert(path, id);
        ImageRef::Local(id)
    }
}

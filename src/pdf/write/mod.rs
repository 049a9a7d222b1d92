//! Drawing the page model with krilla: the only module that knows the PDF writer, so it can be
//! swapped. Fonts are embedded and subset by krilla; JPEG bytes pass through unchanged. Content is
//! tagged (paragraphs, headings, lists, tables, figures with alt text, notes, links; running
//! headers, page numbers and rules as artifacts) and the tag tree carries the book's language.
//!
//! `write` states the order; [`draw`] draws the items of a page, [`tags`] builds the tag
//! tree, [`pictures`] turns processed pictures into krilla's.

mod conformance;
mod draw;
mod pictures;
mod tags;

pub use conformance::{Cause, Nonconformity};
use draw::{annotate, Drawer};
pub use pictures::{svg_size, PictureMemo};
use tags::{tag_tree, Leaves};

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU32;

use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, Validator};
use krilla::destination::XyzDestination;
use krilla::geom::Point;
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::{Document, SerializeSettings};

use super::model::{Bookmark, Numbering, PageItem, TypesetBook};
use super::shape::FontBook;
use crate::assets::picture::Processed;
use crate::Error;

pub struct Info<'a> {
    pub title: &'a str,
    pub authors: &'a [String],
    pub language: &'a str,
    pub subject: Option<&'a str>,
    pub keywords: &'a [String],
    pub modified: i64,
    /// Validate as PDF/A-2b (archival) instead of PDF/UA-1.
    pub pdf_a: bool,
    /// Check conformance to the standard (PDF/UA-1 or PDF/A-2b) while writing.
    pub validate: bool,
    /// SVG pictures (by index) whose text is drawn as outlines: text that cannot keep its
    /// characters under the standard (see [`Nonconformity::outline_svgs`]).
    pub outlined_svgs: BTreeSet<usize>,
}

impl<'a> Info<'a> {
    /// The document information of `doc`.
    pub fn of(doc: &'a crate::doc::Document, pdf_a: bool, validate: bool) -> Info<'a> {
        Info {
            title: &doc.meta.title,
            authors: &doc.meta.authors,
            language: &doc.meta.language,
            subject: doc.meta.description.as_deref(),
            keywords: &doc.meta.subjects,
            modified: doc.meta.modified,
            pdf_a,
            validate,
            outlined_svgs: BTreeSet::new(),
        }
    }
}

/// Why writing failed: the content does not meet the standard, or something else.
pub enum Failure {
    NotConforming(Nonconformity),
    Other(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Other(e)
    }
}

/// krilla memoizes (through comemo, process-wide) the compressed content stream of each page
/// and each font subset, so a page or a font that did not change since the last PDF is not
/// compressed or subset again. Forget what the last `builds` PDFs did not use: a long-running
/// process calls this after each build so its memory does not grow; `0` forgets everything.
pub fn forget_unused(builds: usize) {
    comemo::evict(builds);
}

/// Write the book. `images` are the processed pictures, indexed like the document's; `memo`
/// holds the pictures of a long-running process's last PDF.
pub fn write(
    book: &TypesetBook,
    images: &[Processed],
    faces: &FontBook,
    info: &Info,
    memo: Option<&PictureMemo>,
) -> Result<Vec<u8>, Failure> {
    let mut document = Document::new_with(serialize_settings(book, info)?);
    let mut drawer = Drawer {
        faces,
        fonts: HashMap::new(),
        pictures: pictures::KrillaPictures::new(images, memo),
        leaves: vec![Leaves::default(); book.structure.len()],
        outlined_svgs: &info.outlined_svgs,
        svgs: BTreeSet::new(),
    };
    let mut labels = PageLabels::default();
    for (page_index, page) in book.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(page.width, page.height)
            .ok_or_else(|| Error::Encode("page size".into()))?
            .with_page_label(labels.next(page.numbering));
        let mut kpage = document.start_page_with(settings);
        let mut links = Vec::new();
        {
            let mut surface = kpage.surface();
            for (item_index, item) in page.items.iter().enumerate() {
                match item {
                    PageItem::Link {
                        x,
                        y,
                        w,
                        h,
                        target,
                        tag,
                    } => links.push((*x, *y, *w, *h, target.clone(), *tag)),
                    _ => drawer.draw(&mut surface, item, page, (page_index, item_index))?,
                }
            }
            surface.finish();
        }
        annotate(&mut kpage, book, links, &mut drawer.leaves);
        kpage.finish();
    }
    document.set_tag_tree(tag_tree(book, &drawer.leaves, info.language));
    let mut outline = Outline::new();
    for b in &book.bookmarks {
        outline.push_child(node(b));
    }
    document.set_outline(outline);
    document.set_metadata(metadata(info));
    match document.finish() {
        Ok(bytes) => Ok(bytes),
        Err(krilla::error::KrillaError::Validation(v)) => {
            let findings: Vec<_> = v.into_iter().map(|(finding, _)| finding).collect();
            let mut why = conformance::explain(&findings, book, faces, &drawer.fonts);
            if why.in_svg_text {
                let pictures = &mut drawer.pictures;
                why.outline_svgs = conformance::svgs_with_failing_text(
                    &drawer.svgs,
                    &mut |index| match pictures.get(index) {
                        Some(pictures::Picture::Vector(tree)) => Some(tree),
                        _ => None,
                    },
                    validator(info),
                );
            }
            Err(Failure::NotConforming(why))
        }
        Err(other) => Err(Failure::Other(Error::Encode(format!(
            "PDF writing failed: {other:?}"
        )))),
    }
}

/// The standard the book is written to: PDF/A-2b or PDF/UA-1.
fn validator(info: &Info) -> Validator {
    if info.pdf_a {
        Validator::A(Archival::A2_B)
    } else {
        Validator::Ua(Accessibility::UA1)
    }
}

/// The standard to validate against (PDF/A-2b or PDF/UA-1, unless validation is off), and
/// tagging for a book with a structure (an imposed handout has none).
fn serialize_settings(book: &TypesetBook, info: &Info) -> Result<SerializeSettings, Failure> {
    let builder = ConfigurationBuilder::new();
    let builder = if info.validate {
        builder.set_validator(validator(info))
    } else {
        builder
    };
    let configuration = builder
        .finish()
        .map_err(|e| Error::Encode(format!("PDF configuration: {e:?}")))?;
    Ok(SerializeSettings {
        configuration,
        enable_tagging: !book.structure.is_empty(),
        ..SerializeSettings::default()
    })
}

/// Every page carries its label: i, ii … for the front matter, 1, 2 … for the body.
#[derive(Default)]
struct PageLabels {
    roman: u32,
    arabic: u32,
}

impl PageLabels {
    fn next(&mut self, numbering: Numbering) -> PageLabel {
        let (style, n) = match numbering {
            Numbering::Roman => {
                self.roman += 1;
                (NumberingStyle::LowerRoman, self.roman)
            }
            Numbering::Arabic => {
                self.arabic += 1;
                (NumberingStyle::Arabic, self.arabic)
            }
        };
        PageLabel::new(Some(style), None, NonZeroU32::new(n))
    }
}

/// The document information: title, authors, language, keywords, the fixed creation date.
fn metadata(info: &Info) -> Metadata {
    let (y, mo, d, h, mi, s) = crate::epub::civil_from_epoch(info.modified);
    let date = DateTime::new(y.clamp(0, 9999) as u16)
        .month(mo as u8)
        .day(d as u8)
        .hour(h as u8)
        .minute(mi as u8)
        .second(s as u8);
    let mut meta = Metadata::new()
        .title(info.title.to_string())
        .authors(info.authors.to_vec())
        .language(info.language.to_string())
        .creator("bindery".to_string())
        .producer("bindery (krilla)".to_string())
        .keywords(info.keywords.to_vec())
        .creation_date(date);
    if let Some(sub) = info.subject {
        meta = meta.description(sub.to_string());
    }
    meta
}

fn node(b: &Bookmark) -> OutlineNode {
    let mut n = OutlineNode::new(
        b.title.clone(),
        XyzDestination::new(b.page, Point::from_xy(0.0, b.y)),
    );
    for c in &b.children {
        n.push_child(node(c));
    }
    n
}

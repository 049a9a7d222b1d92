//! The PDF typesetter: document tree → shaped text → Knuth-Plass lines → pages → PDF.
//!
//! `shape` (harfrust, skrifa) → `linebreak` (pure) → `layout` (typesetting and pagination, producing
//! the positioned page model in `model`) → `write` (krilla, the only module that knows the PDF
//! writer). No TeX, browser or external program at run time.

mod blocks;
mod code;
mod findings;
mod flow;
mod front;
pub mod handout;
pub mod highlight;
pub mod impose;
mod inline;
pub mod layout;
pub mod linebreak;
pub mod model;
mod outline;
pub mod pages;
mod running;
pub mod settings;
pub mod shape;
mod table;
pub mod verify;
pub mod write;

pub use shape::{FontBook, SystemFonts};

use std::sync::Arc;

use crate::assets::picture::Processed;
use crate::config::PdfSettings;
use crate::doc::Document;
use crate::Error;

/// Page geometry from the settings (millimetres to points), typeset with `fonts`.
pub fn layout_settings(p: &PdfSettings, fonts: Arc<FontBook>) -> layout::TypesetSettings {
    let mm = 72.0 / 25.4;
    let (w, h) = p.page_size_mm();
    layout::TypesetSettings {
        width: w * mm,
        height: h * mm,
        top: p.margin_top_mm * mm,
        bottom: p.margin_bottom_mm * mm,
        inner: p.margin_inner_mm * mm,
        outer: p.margin_outer_mm * mm,
        font_size: p.font_size,
        leading: p.line_height,
        two_sided: p.two_sided,
        chapter_break: p.chapter_break,
        ragged_right: p.ragged_right,
        number_headings: p.number_chapters,
        fonts,
        labels: crate::labels::Labels::default(),
        handout_cover: None,
    }
}

/// The long edge, in pixels, a picture needs for the print resolution at the largest size the
/// typesetter places it (the text width, or 70% of the text height for portrait pictures).
pub fn print_edge(p: &PdfSettings) -> u32 {
    let (w, h) = p.page_size_mm();
    let text_w = w - p.margin_inner_mm - p.margin_outer_mm;
    let text_h = (h - p.margin_top_mm - p.margin_bottom_mm) * settings::FIGURE_MAX_HEIGHT;
    (text_w.max(text_h) / 25.4 * p.image_ppi)
        .ceil()
        .clamp(64.0, 10_000.0) as u32
}

/// The font book for typesetting: the bundled faces, the book's own fonts, and the system's
/// for characters neither has. A font whose tables cannot be read is left out and returned
/// with the reason.
pub fn font_book(
    book_fonts: Vec<crate::assets::fonts::BookFont>,
) -> (Arc<FontBook>, Vec<(String, String)>) {
    let (fonts, errors) = FontBook::with_book_fonts(book_fonts, SystemFonts::Search);
    (Arc::new(fonts), errors)
}

/// What writing the PDF found, before it becomes diagnostics ([`findings::diagnostics`]).
#[derive(Debug, Default)]
struct Findings {
    /// Characters no font has, per chapter.
    missing: layout::MissingChars,
    /// What the typesetter's own checks found wrong with its pages ([`verify`]): bindery's bugs.
    layout: Vec<String>,
    /// Why the PDF could not be made to conform to its standard (PDF/UA-1 or PDF/A-2b), if so.
    not_conforming: Vec<write::Cause>,
}

/// A written PDF and what the author should hear about it.
#[derive(Debug)]
pub struct WrittenPdf {
    pub bytes: Vec<u8>,
    /// Characters no font has, the page checks' findings, the standard not met.
    pub diagnostics: crate::diag::Diagnostics,
    /// How many pages the book has.
    pub pages: usize,
    /// How long each step took, in order (`-v` prints them).
    pub timings: Vec<(&'static str, std::time::Duration)>,
    /// What the build's last lines say about the PDF (SVG text drawn as outlines).
    pub notes: Vec<String>,
}

/// Typeset and write the book. The PDF is validated against PDF/UA-1 (or PDF/A-2b); when the
/// content cannot meet the standard (a character no font has is drawn as a box, which PDF/UA
/// forbids), it is written without the claim and the reasons are returned, never silently.
/// What a long-running process (`watch`, `serve`) keeps from one PDF for the next: the laid-out
/// chapters and the pictures in krilla's form.
#[derive(Default)]
pub struct PdfMemo {
    pub layout: layout::LayoutMemo,
    pub pictures: write::PictureMemo,
}

/// The book to typeset: its tree, the sources it was read from (to place what is found), and
/// its pictures at print size.
pub struct Source<'a> {
    pub doc: &'a Document,
    pub sources: &'a crate::diag::SourceMap,
    pub images: &'a [Processed],
}

/// `memo` keeps what a long-running process's earlier builds made; `progress` is told of each
/// chapter typeset, then of the writing.
pub fn write(
    source: Source,
    settings: &PdfSettings,
    fonts: &Arc<FontBook>,
    labels: &crate::labels::Labels,
    memo: Option<&PdfMemo>,
    progress: &dyn crate::progress::Progress,
) -> Result<WrittenPdf, Error> {
    let Source {
        doc,
        sources,
        images,
    } = source;
    let sizes = pixel_sizes(images);
    let mut layout = layout_settings(settings, Arc::clone(fonts));
    layout.labels = labels.clone();
    let start = std::time::Instant::now();
    progress.stage("typesetting", Some(doc.chapters.len() as u64));
    let (book, missing) =
        layout::typeset_with_memo(doc, &layout, &sizes, memo.map(|m| &m.layout), &|| {
            progress.step()
        });
    progress.stage("writing PDF", None);
    let typeset = start.elapsed();
    let start = std::time::Instant::now();
    let layout_findings = verify::verify(&book, &layout);
    let checked = start.elapsed();
    // A character no font has is drawn as the empty glyph, which the standards forbid: the
    // check would fail at the very end of writing, so the PDF is written without it at once
    // (writing is the slow part; a failed check would mean writing it twice).
    let drawn_as_boxes = (!missing.is_empty()).then(|| {
        let mut chars: Vec<char> = missing.iter().map(|&(_, c)| c).collect();
        chars.sort_unstable();
        chars.dedup();
        // As the missing-glyph warnings name them: a private-use character prints as nothing.
        let listed: Vec<String> = chars
            .iter()
            .take(8)
            .map(|c| format!("{c:?} (U+{:04X})", u32::from(*c)))
            .collect();
        let more = chars.len().saturating_sub(8);
        format!(
            "characters no font has are drawn as empty boxes ({}{})",
            listed.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )
    });
    let mut info = write::Info::of(doc, settings.pdf_a, drawn_as_boxes.is_none());
    let mut findings = Findings {
        missing,
        layout: layout_findings,
        not_conforming: drawn_as_boxes
            .map(|what| vec![write::Cause { what, place: None }])
            .unwrap_or_default(),
    };
    let mut timings = vec![("pdf: typeset", typeset), ("pdf: check pages", checked)];
    let start = std::time::Instant::now();
    let pictures = memo.map(|m| &m.pictures);
    let bytes = conforming_or_not(&book, images, fonts, &mut info, pictures, &mut findings)?;
    let outlined: Vec<&str> = info
        .outlined_svgs
        .iter()
        .filter_map(|&i| doc.images.get(i).map(|p| p.rel_path.as_str()))
        .collect();
    let notes = (!outlined.is_empty()).then(|| {
        format!(
            "PDF: the text of {} is drawn as outlines, its characters (such as combining marks drawn apart) being ones the standard cannot keep as text there; the picture's description stands for it",
            outlined.join(", ")
        )
    });
    timings.push(("pdf: write", start.elapsed()));
    Ok(WrittenPdf {
        notes: notes.into_iter().collect(),
        bytes,
        diagnostics: findings::diagnostics(findings, doc, &book, sources, settings.pdf_a),
        pages: book.pages.len(),
        timings,
    })
}

/// Write the PDF to its standard when the content allows: SVG pictures whose text cannot keep
/// its characters get their text drawn as outlines, and the file is written again; when it
/// still cannot conform, it is written without the claim and the causes go into `findings`.
fn conforming_or_not(
    book: &model::TypesetBook,
    images: &[Processed],
    fonts: &FontBook,
    info: &mut write::Info,
    pictures: Option<&write::PictureMemo>,
    findings: &mut Findings,
) -> Result<Vec<u8>, Error> {
    loop {
        match write::write(book, images, fonts, info, pictures) {
            Ok(bytes) => return Ok(bytes),
            Err(write::Failure::Other(e)) => return Err(e),
            Err(write::Failure::NotConforming(why)) if !info.validate => {
                let words: Vec<String> = why.causes.into_iter().map(|c| c.what).collect();
                return Err(Error::Encode(words.join("; ")));
            }
            Err(write::Failure::NotConforming(why)) => {
                let more: Vec<usize> = why
                    .outline_svgs
                    .difference(&info.outlined_svgs)
                    .copied()
                    .collect();
                if more.is_empty() {
                    findings.not_conforming = why.causes;
                    info.validate = false;
                } else {
                    info.outlined_svgs.extend(more);
                }
            }
        }
    }
}

/// Sizes of the pictures for layout; SVG drawings are measured from their own size.
pub fn pixel_sizes(images: &[Processed]) -> Vec<layout::PixelSize> {
    images
        .iter()
        .map(|p| match p.media_type {
            "image/svg+xml" => write::svg_size(p).unwrap_or_default(),
            _ => layout::PixelSize::new(p.width, p.height),
        })
        .collect()
}

/// What to print for a handout: layout, sheet, and which part of the book.
#[derive(Debug, Clone, Default)]
pub struct HandoutRequest {
    /// Physical pages of the handout to keep, 1-based inclusive (`--pages 3-10`).
    pub pages: Option<(usize, usize)>,
}

/// Check the handout settings against each other; the message names the settings.
pub fn handout_geometry(
    pdf: &PdfSettings,
    h: &crate::config::HandoutSettings,
) -> Result<(impose::Layout, impose::Sheet, PdfSettings), String> {
    let mm = 72.0 / 25.4;
    let layout = match h.layout.as_str() {
        "booklet" => impose::Layout::Booklet,
        "2-up" => impose::Layout::TwoUp,
        "4-up" => impose::Layout::FourUp,
        other => {
            return Err(format!(
                "[bindery.handout] layout = {other:?} is not known; use booklet, 2-up or 4-up"
            ))
        }
    };
    let (sw, sh) = crate::config::paper_mm(&h.sheet).ok_or_else(|| {
        format!(
            "[bindery.handout] sheet = {:?} is not known; use a4, letter, a3 or tabloid",
            h.sheet
        )
    })?;
    // Booklets and 2-up print on landscape sheets, 4-up on portrait ones.
    let (sheet_w, sheet_h) = if layout == impose::Layout::FourUp {
        (sw, sh)
    } else {
        (sh, sw)
    };
    let mut pages = pdf.clone();
    if layout == impose::Layout::Booklet {
        let default_page = match h.sheet.to_ascii_lowercase().as_str() {
            "letter" => "half-letter",
            "a3" => "a4",
            "tabloid" => "letter",
            _ => "a5",
        };
        pages.page_size = h
            .page_size
            .clone()
            .unwrap_or_else(|| default_page.to_string());
        let (pw, ph) = pages.page_size_mm();
        if pw > sheet_w / 2.0 + 0.5 || ph > sheet_h + 0.5 {
            return Err(format!(
                "a booklet of {} pages ({pw} x {ph} mm) does not fit two to a {} sheet ({sw} x {sh} mm); set [bindery.handout] page-size to half the sheet or a larger sheet",
                pages.page_size, h.sheet
            ));
        }
    }
    if handout::LinkNotes::parse(&h.link_notes).is_none() {
        return Err(format!(
            "[bindery.handout] link-notes = {:?} is not known; use footnotes, endnotes or none",
            h.link_notes
        ));
    }
    // Written as a range test so NaN (which compares false with everything) is refused too.
    if !(0.0..=pages.margin_inner_mm).contains(&h.creep_mm) {
        return Err(format!(
            "[bindery.handout] creep-mm = {} is not between 0 and the inner margin ({} mm, [bindery.pdf] margin-inner-mm)",
            h.creep_mm, pages.margin_inner_mm
        ));
    }
    let sheet = impose::Sheet {
        width: sheet_w * mm,
        height: sheet_h * mm,
        creep: h.creep_mm * mm,
        crop_marks: h.crop_marks,
    };
    Ok((layout, sheet, pages))
}

/// Typeset the book for the handout and impose it on sheets; also returns the handout's own
/// warnings (an address too long for a QR code).
pub fn write_handout(
    doc: &Document,
    images: &[Processed],
    pdf: &PdfSettings,
    handout: &crate::config::HandoutSettings,
    request: &HandoutRequest,
    fonts: &Arc<FontBook>,
    labels: &crate::labels::Labels,
) -> Result<(Vec<u8>, crate::diag::Diagnostics), Error> {
    let mut diags = crate::diag::Diagnostics::default();
    let (layout_kind, sheet, page_settings) =
        handout_geometry(pdf, handout).map_err(Error::Usage)?;
    let mode =
        handout::LinkNotes::parse(&handout.link_notes).unwrap_or(handout::LinkNotes::Footnotes);
    let mut images: Vec<Processed> = images.to_vec();
    let mut doc = handout::prepare(doc, &mut images, mode, handout.qr_codes, labels, &mut diags);
    let qr = if handout.cover {
        handout::cover_qr(&mut doc, &mut images, &mut diags)
    } else {
        None
    };
    if handout.grayscale {
        images = images
            .iter()
            .map(|p| crate::assets::images::grayscale(p, 85))
            .collect();
    }
    let mut settings = layout_settings(&page_settings, Arc::clone(fonts));
    settings.labels = labels.clone();
    settings.handout_cover = handout.cover.then_some(layout::HandoutCover {
        qr: qr.map(|q| q.0),
    });
    let (mut book, _) = layout::typeset(&doc, &settings, &pixel_sizes(&images));
    if let Some((from, to)) = request.pages {
        if from == 0 || from > to || from > book.pages.len() {
            return Err(Error::Usage(format!(
                "--pages {from}-{to} selects no page of the {}-page handout",
                book.pages.len()
            )));
        }
        book.pages = book.pages[from - 1..to.min(book.pages.len())].to_vec();
    }
    if handout.grayscale {
        impose::grayscale(&mut book);
    }
    let imposed = impose::impose(&book, layout_kind, &sheet);
    // An imposed handout has no reading structure: no standard to claim.
    let info = write::Info::of(&doc, false, false);
    match write::write(&imposed, &images, fonts, &info, None) {
        Ok(b) => Ok((b, diags)),
        Err(write::Failure::Other(e)) => Err(e),
        Err(write::Failure::NotConforming(why)) => Err(Error::Encode(
            why.causes
                .into_iter()
                .map(|c| c.what)
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}

/// The page model as text, for tests.
pub fn dump(doc: &Document, images: &[Processed], settings: &PdfSettings) -> String {
    let fonts = Arc::new(FontBook::bundled());
    layout::typeset(doc, &layout_settings(settings, fonts), &pixel_sizes(images))
        .0
        .dump()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_edge_follows_page_size_and_resolution() {
        let a5 = PdfSettings::default();
        assert_eq!(print_edge(&a5), 1423); // 120.4 mm of text height x 0.7 at 300 ppi
        let a4 = PdfSettings {
            page_size: "a4".into(),
            ..PdfSettings::default()
        };
        assert!(print_edge(&a4) > 2000);
        let draft = PdfSettings {
            image_ppi: 150.0,
            ..PdfSettings::default()
        };
        assert_eq!(print_edge(&draft), 712);
    }
}
